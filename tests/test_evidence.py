"""Evidence as a planner reads it: 人员 name（code）, 党组织 name（code）,
任职 role from–to, in the xlsx, the HTML and the API; the keys stay in the
JSON beside it (issue 13, point 5)."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook

from analysis_kit import AS_OF, perfect
from api.source import RosterSource
from api_kit import serve
from graph.analysis import analyze
from graph.analysis.evidence import evidence_text
from graph.analysis.view import View
from graph.report import render
from loaders.writer import write_roster

KEY = re.compile(r"\b(?:Post|Person|PartyOrg|Unit|Community|Street|Grid|Compound):[A-Z]")


def _kit():
    """G04 on OU3: Q2's posts in OU3 end 2025-12-31 and are the only C → U
    link, P3 no longer serves OC1."""
    k = perfect()
    k.drop("posts", person="P3", org="OC1")
    k.drop("posts", person="Q2", org="OU3")
    k.post("Q2", "OU3", end=date(2025, 12, 31))
    return k


def test_each_kind_of_key_reads_as_words():
    k = _kit()
    view = View(k.graph(), AS_OF)
    assert evidence_text(view, "Person:Q2") == "人员 人Q2（Q2）"
    assert evidence_text(view, "PartyOrg:OC1") == "党组织 东关社区党委（OC1）"
    assert evidence_text(view, "Unit:U3") == "驻区单位 安居物业（U3）"
    post = "Post:Q2@OU3#part_time#part_time_member#2023-01-01"
    assert evidence_text(view, post) == \
        "任职 人Q2（Q2）在 OU3党组织（OU3）任兼职委员（兼职），2023-01-01–2025-12-31"
    own = "Post:Q1@OC1#own#secretary#2023-01-01"
    assert evidence_text(view, own).endswith("任书记（本职），2023-01-01–至今")


def test_findings_carry_keys_and_words_one_for_one():
    a = analyze(_kit().graph(), AS_OF)
    g04 = next(f for f in a.findings if f.rule == "G04" and f.subject.code == "OU3")
    assert len(g04.evidence) == len(g04.evidence_text) >= 3
    assert any(e.startswith("Post:") for e in g04.evidence)
    assert not any(KEY.search(t) for t in g04.evidence_text)
    d = g04.as_dict()
    assert d["evidence"] == list(g04.evidence) and d["evidence_text"] == list(g04.evidence_text)


def test_xlsx_and_html_show_words_not_keys():
    a = analyze(_kit().graph(), AS_OF)
    wb = load_workbook(io.BytesIO(render(a, "xlsx")))
    ws = wb["缺口"]
    header = [c.value for c in ws[1]]
    col = header.index("依据 evidence") + 1
    cells = [ws.cell(r, col).value for r in range(2, ws.max_row + 1)]
    assert cells and all(c and not KEY.search(c) for c in cells)
    assert any("任职 " in c and "–" in c for c in cells)
    html = render(a, "html")
    assert not KEY.search(html)
    assert "人员 人Q2（Q2）" in html


def test_api_findings_have_keys_and_words(tmp_path):
    roster = write_roster(_kit().r, tmp_path / "r.xlsx")
    with serve(RosterSource(roster), tmp_path / "home") as api:
        r = api.client("reader").get("/api/v1/gaps", params={"as_of": AS_OF.isoformat(), "limit": 100})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
    assert items
    for f in items:
        assert len(f["evidence_text"]) == len(f["evidence"])
        assert not any(KEY.search(t) for t in f["evidence_text"])
    assert any(e.startswith("Post:") for f in items for e in f["evidence"])
