"""Headlines count things; figures that count membership pairs say so.

A joint branch taken into three community orgs is one unit org and three
membership pairs (纳入关系). The headline must never read "160 member orgs
of 146 unit orgs" (issue 13, point 1).
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from analysis_kit import AS_OF, Kit
from graph.analysis import analyze
from graph.report import render
from graph.report.words import PAIR_LABELS, headline


def _county():
    """Two streets, four communities with their orgs; JB (a joint branch)
    is taken into OC1, OC2 and OC3; OU1 into OC1 only; OU4 into OC4; OU5
    into nothing."""
    k = Kit()
    k.street("S1").street("S2")
    for c, s in (("C1", "S1"), ("C2", "S1"), ("C3", "S2"), ("C4", "S2")):
        k.community(c, s)
        k.org(f"O{c}", "community_committee", community=c)
    k.unit("U1", "C1").unit("UJ1", "C1", kind="private").unit("UJ2", "C3", kind="private")
    k.unit("U4", "C4").unit("U5", "C4")
    k.org("JB", "joint_branch", units=["UJ1", "UJ2"], member_of=["OC1", "OC2", "OC3"])
    k.org("OU1", "unit_branch", units=["U1"], member_of=["OC1"])
    k.org("OU4", "unit_branch", units=["U4"], member_of=["OC4"])
    k.org("OU5", "unit_branch", units=["U5"])
    # one two-way pair: JB <-> OC1
    k.person("P1").post("P1", "JB", "own").post("P1", "OC1")
    k.person("Q1").post("Q1", "OC1", "own").post("Q1", "JB")
    return k.graph()


def _figures(a) -> dict[str, object]:
    return {zh: v for zh, _en, v in headline(a)}


def test_county_counts_distinct_orgs_and_labels_pairs():
    a = analyze(_county(), AS_OF, with_structure=False)
    c = a.summary["county"]
    assert c["unit_orgs"] == 4
    assert c["member_orgs"] == 3          # JB, OU1, OU4 (JB once)
    assert c["members"] == 5              # JB×3 + OU1 + OU4
    assert c["two_way"] == 1
    figs = _figures(a)
    assert figs["纳入大党委的单位党组织"] == 3
    assert figs["单位党组织"] == 4
    assert figs["纳入大党委的单位党组织"] <= figs["单位党组织"]
    assert figs[PAIR_LABELS["members"][0]] == 5
    assert "对" in PAIR_LABELS["members"][0] and "pairs" in PAIR_LABELS["members"][1]
    # every headline figure that adds up pairs carries a pair label
    for key in ("members", "u_to_c", "c_to_u", "two_way", "two_way_share"):
        assert PAIR_LABELS[key][0] in figs


def test_street_rows_count_distinct_orgs():
    a = analyze(_county(), AS_OF, with_structure=False)
    rows = {r["street"]: r for r in a.summary["streets"]}
    assert rows["S1"]["member_orgs"] == 2 and rows["S1"]["members"] == 3   # JB (in OC1, OC2), OU1
    assert rows["S2"]["member_orgs"] == 2 and rows["S2"]["members"] == 2   # JB (OC3), OU4


def test_scoped_headline_counts_distinct():
    a = analyze(_county(), AS_OF, with_structure=False, street="S1")
    assert a.summary["county"]["member_orgs"] == 2
    assert a.summary["county"]["members"] == 3


@pytest.mark.parametrize("fmt", ["text", "html", "xlsx"])
def test_reports_show_distinct_count_and_pair_label(fmt):
    a = analyze(_county(), AS_OF, with_structure=False)
    out = render(a, fmt)
    if fmt == "xlsx":
        wb = load_workbook(io.BytesIO(out))
        cells = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None}
        head = {ws.cell(r, 1).value: ws.cell(r, 3).value for ws in [wb["说明"]] for r in range(1, 40)}
        assert head["纳入大党委的单位党组织"] == 3
        assert head[PAIR_LABELS["members"][0]] == 5
        assert any("纳入关系（对）" in v for v in cells)
    else:
        assert PAIR_LABELS["members"][0] in out
        assert "纳入大党委的单位党组织" in out
        assert "纳入大党委的成员单位党组织" not in out
