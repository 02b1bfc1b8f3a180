"""What the notebooks call: counts per place (cobuild.counts), the coverage
chart (cobuild.charts) and the notebook tables, sources and frames
(cobuild.notebook), on tiny hand-made rosters where the answer is obvious.
"""

from __future__ import annotations

import os
import re
import warnings
from html import unescape
from pathlib import Path

import pytest

from analysis_kit import AS_OF, DAY, Kit, perfect
from graph.analysis import analyze, what_if_leaves
from cobuild.charts import cjk_font, coverage_chart
from cobuild.counts import FIGURES, place_counts
from graph.errors import CobuildError, RosterError
from explorer_kit import page_pictures
from graph.explorer import network_json
from cobuild.notebook import (Table, busiest_community, check_report, explorer, findings_table, key_person,
                            open_source, table, what_if_table)
from graph.scope import subgraph
from loaders.writer import write_roster


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def two_streets() -> Kit:
    """:func:`perfect` (street S1, community C1) plus street S2 with an
    empty community C2, one unit, and a street committee with one person;
    R2's only post ended the day before the as-of date."""
    k = perfect()
    k.street("S2").community("C2", "S2").unit("U4", "C2")
    k.org("OS2", "street_committee", street="S2").person("R1").post("R1", "OS2", "own")
    k.person("R2").post("R2", "OC1", "own", end=AS_OF - DAY)
    return k


# ---------------------------------------------------------------- counts

def test_counts_per_community_and_street():
    c = place_counts(two_streets().graph(), AS_OF)
    c1, c2 = c["communities"]
    assert (c1["community"], c1["community_name"], c1["street"]) == ("C1", "东关社区", "S1")
    # perfect(): 1 grid + branch, model compound, 3 units with 3 unit orgs;
    # P1-P3 (own + part-time), Q1 and Q2 (own + 2 part-time): 5 people, 12 posts
    assert {k: c1[k] for k in FIGURES} == {
        "grids": 1, "compounds": 1, "model_compounds": 1, "units": 3, "community_orgs": 1,
        "unit_orgs": 3, "grid_orgs": 1, "people": 5, "posts": 12}
    assert {k: c2[k] for k in FIGURES} == {**{k: 0 for k in FIGURES}, "units": 1}
    s1, s2 = c["streets"]
    assert {k: s1[k] for k in FIGURES} == {k: c1[k] for k in FIGURES} and s1["communities"] == 1
    # the street committee's person and post count for the street, in no community
    assert (s2["communities"], s2["units"], s2["people"], s2["posts"]) == (1, 1, 1, 1)
    assert c["county"] == {"streets": 2, "communities": 2, "grids": 1, "compounds": 1, "model_compounds": 1,
                           "units": 4, "community_orgs": 1, "unit_orgs": 3, "grid_orgs": 1,
                           "people": 6, "posts": 13}


def test_counts_follow_the_as_of_date():
    G = two_streets().graph()
    before = place_counts(G, AS_OF - 2 * DAY)["communities"][0]
    after = place_counts(G, AS_OF)["communities"][0]
    assert (before["people"], before["posts"]) == (after["people"] + 1, after["posts"] + 1)  # R2 still there


# ---------------------------------------------------------------- chart

def _render(chart) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.png()
    assert png.startswith(b"\x89PNG")
    return [str(w.message) for w in caught]


def _texts(chart) -> list[str]:
    fig = chart.figure
    return [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text") and o.get_text())]


def test_chart_bars_are_the_summary():
    k = perfect()
    k.drop("posts", person="Q1", org="OU2")  # OU2: U → C only
    k.drop("posts", person="P3", org="OC1")  # OU3: C → U only
    a = analyze(k.graph(), AS_OF)
    chart = coverage_chart(a, font=None)
    ax = chart.figure.axes[0]
    widths = [[p.get_width() for p in bars] for bars in ax.containers]
    # segments: two-way, U → C only, C → U only, none
    assert widths == [[1], [1], [1], [0]]
    assert "33%" in _texts(chart)


def test_chart_without_a_chinese_font_uses_english_and_codes():
    a = analyze(perfect().graph(), AS_OF)
    chart = coverage_chart(a, font=None)
    assert chart.font is None
    texts = _texts(chart)
    assert "C1 / OC1" in texts
    chinese = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
    assert not [t for t in texts if chinese.search(t)]
    assert not [w for w in _render(chart) if "Glyph" in w]


def test_chart_with_a_chinese_font_draws_chinese():
    font = cjk_font()
    if font is None:
        if _in_ci():
            pytest.fail("CI: no CJK font found by matplotlib; install fonts-noto-cjk (.ci/run does)")
        pytest.skip("no CJK font installed")
    a = analyze(perfect().graph(), AS_OF)
    chart = coverage_chart(a)
    assert chart.font == font
    label = chart.figure.axes[0].get_yticklabels()[0]
    assert label.get_text() == "东关社区党委 (OC1)" and label.get_fontname() == font
    assert not [w for w in _render(chart) if "Glyph" in w]


def test_chart_of_nothing():
    chart = coverage_chart(analyze(Kit().graph(), AS_OF), font=None)
    assert "no community party organizations" in _texts(chart)
    _render(chart)


# ---------------------------------------------------------------- tables and sources

def test_table_escapes_and_formats():
    t = table([{"name": "<script>alert(1)</script>", "orgs": ["O1", "O2"], "n": None}],
              {"name": "名称 name", "orgs": "党组织 orgs", "n": "数 n"}, title="a & b")
    html = t._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html
    assert "<td style=\"text-align:left\">O1, O2</td>" in html
    assert len(Table(["x"], [], note="空 empty")) == 0 and "空 empty" in Table(["x"], [], note="空 empty")._repr_html_()


def test_open_source_reports_every_issue_and_refuses_the_graph(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env
    k = perfect()
    k.unit("U9", "C9")  # a community that does not exist
    path = write_roster(k.r, tmp_path / "花名册.xlsx")
    source = open_source(path, as_of=AS_OF)
    assert source.kind == "roster" and not source.demo and source.errors
    report = check_report(source)
    assert "1 个错误 errors" in report.title
    assert any("C9" in " ".join(r) for r in report.rows)
    with pytest.raises(RosterError):
        source.graph


def test_open_source_of_a_good_roster(tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    path = write_roster(perfect().r, tmp_path / "花名册.xlsx")
    source = open_source(str(path), as_of=AS_OF.isoformat())
    assert source.as_of == AS_OF and source.issues == []
    assert sorted(source.graph) == sorted(perfect().graph())
    assert "未发现问题" in check_report(source).note


def test_open_source_refuses_a_roster_when_the_database_is_configured(monkeypatch, tmp_path):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    with pytest.raises(CobuildError, match="NEO4J_URI"):
        open_source(tmp_path / "花名册.xlsx")


def test_open_source_bad_date():
    with pytest.raises(CobuildError, match="YYYY-MM-DD"):
        open_source(as_of="30.06.2025")


# ---------------------------------------------------------------- gaps and structure

def single_point() -> Kit:
    """perfect() where Q1 alone links OC1 with OU1 and OU2 (G08)."""
    k = perfect()
    k.drop("posts", person="P1", org="OC1").drop("posts", person="P2", org="OC1")
    k.drop("posts", person="Q2", org="OU1")
    return k


def test_key_person_and_what_if_table():
    G = single_point().graph()
    a = analyze(G, AS_OF)
    assert [f.subject.code for f in a.findings if f.rule == "G08"] == ["Q1"]
    assert key_person(a) == "Q1"
    change = what_if_leaves(G, "Q1", AS_OF)
    t = what_if_table(change)
    added = [r for r in t.rows if r[0] == "新增 new"]
    assert len(added) == len(change.added) > 0
    assert {r[3] for r in added if r[1].startswith("G05")} >= {"OU1党组织 (OU1)", "OU2党组织 (OU2)"}
    assert "如果 人Q1 (Q1) 离开" in t.title


def test_findings_table_filters_and_busiest_community():
    k = single_point()
    k.street("S2").community("C2", "S2").grid("G2", "C2")  # G10 (medium) in C2
    a = analyze(k.graph(), AS_OF)
    assert busiest_community(a) == "C1"  # C1 has the high G08 finding
    t = findings_table(a, rule="G08")
    assert len(t) == 1 and "人Q1 (Q1)" in t.rows[0][4]
    assert len(findings_table(a, community="C2")) == len(a.findings_for(community="C2")) > 0
    assert findings_table(a, rule="G99").note.startswith("没有")


def test_explorer_frame_holds_the_community_page():
    G = perfect().graph()
    a = analyze(G, AS_OF)
    frame = explorer(G, a, "C1")
    html = frame._repr_html_()
    assert html.startswith("<iframe ") and 'sandbox="allow-scripts"' in html
    page = unescape(re.search(r'srcdoc="([^"]*)"', html).group(1))
    assert page == frame.html and "东关社区" in frame.title
    expected = network_json(subgraph(G, community="C1"), a.findings_for(community="C1"), as_of=AS_OF,
                            scope="community")
    assert page_pictures(page)["home"]["nodes"] == [
        {k: v for k, v in n.items() if k != "findings"} for n in expected["nodes"]]


# ---------------------------------------------------------------- the frame in a real browser

@pytest.mark.browser
def test_explorer_frame_draws_offline_in_chromium(tmp_path):
    exe = os.environ.get("COBUILD_CHROMIUM", "/usr/bin/chromium")
    if not Path(exe).exists():
        if _in_ci():
            pytest.fail(f"CI: Chromium not found at {exe}")
        pytest.skip(f"Chromium not found at {exe}")
    from playwright.sync_api import sync_playwright

    G = perfect().graph()
    a = analyze(G, AS_OF)
    frame = explorer(G, a, "C1")
    outer = tmp_path / "notebook.html"
    outer.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{frame._repr_html_()}"
                     "</body></html>", encoding="utf-8")
    expected = network_json(subgraph(G, community="C1"), a.findings_for(community="C1"), as_of=AS_OF,
                            scope="community")
    blocked, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})

            def route(r):
                if r.request.url.startswith(("file:", "about:")):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(outer.as_uri())
            inner = page.frame_locator("iframe")
            inner.locator("body[data-ready=true]").wait_for(state="attached", timeout=60_000)
            child = page.frames[1]
            n = child.evaluate("() => window.cobuild.network.body.data.nodes.length")
        finally:
            browser.close()
    assert n == len(expected["nodes"])
    assert blocked == [] and errors == []
