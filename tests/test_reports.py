"""The four reports of an analysis: text, json, xlsx, html."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from analysis_kit import AS_OF, gappy, perfect
from graph.analysis import analyze
from graph.report import FORMATS, render, write
from graph.report.xlsx import SHEETS

EVIL = '<script>alert("x")</script>&'


@pytest.fixture(scope="module")
def analysis():
    return analyze(gappy().graph(), AS_OF)


@pytest.fixture(scope="module")
def evil_analysis():
    k = perfect().unit("U9", "C1", name=EVIL).unit("U8", "C1", name="=HYPERLINK(\"http://x\")")
    k.drop("people", code="Q1").person("Q1", name=EVIL)
    return analyze(k.graph(), AS_OF)


def test_text_report_holds_every_finding_grouped_by_severity(analysis):
    text = render(analysis, "text")
    for f in analysis.findings:
        assert f.message_zh in text and f.message_en in text
    assert text.index("【高 high】") < text.index("【中 medium】") < text.index("【低 low】")
    county = analysis.summary["county"]
    assert re.search(rf"缺口合计\s+findings\s+{county['findings']['total']}\b", text)
    for row in analysis.summary["communities"]:
        assert row["org_name"] in text
    assert "五、网络结构" in text and "六、适用规则" in text


def test_text_report_without_findings():
    text = render(analyze(perfect().graph(), AS_OF), "text")
    assert "未发现缺口" in text and "No gaps found" in text


def test_json_report_is_the_contract(analysis):
    assert json.loads(render(analysis, "json")) == json.loads(json.dumps(analysis.as_dict()))


def test_xlsx_workbook(analysis):
    wb = openpyxl.load_workbook(io.BytesIO(render(analysis, "xlsx")))
    assert wb.sheetnames == list(SHEETS)
    ws = wb["缺口"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:N")
    assert ws.max_row == len(analysis.findings) + 1
    assert [c.value for c in ws[2]][1] == analysis.findings[0].rule
    assert ws.column_dimensions["L"].width >= 40
    comm = wb["社区覆盖"]
    assert comm.max_row == len(analysis.summary["communities"]) + 1
    assert comm.cell(row=2, column=11).number_format == "0%"
    streets = wb["街道覆盖"]
    assert streets.cell(row=streets.max_row, column=1).value == "合计"
    assert wb["结构"].max_row > 1
    overview = [c.value for row in wb["说明"].iter_rows() for c in row]
    assert "2024-06-30" in overview and "G13" in overview


def test_xlsx_writes_roster_strings_as_text_never_formulas(evil_analysis):
    wb = openpyxl.load_workbook(io.BytesIO(render(evil_analysis, "xlsx")))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    formula = [c for c in cells if c.value.startswith("=HYPERLINK")]
    assert formula and all(c.data_type == "s" for c in formula)


def test_html_is_self_contained_and_escaped(evil_analysis):
    page = render(evil_analysis, "html")
    assert EVIL not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", page, re.I)
    assert "default-src 'none'" in page
    for f in evil_analysis.findings:
        assert f.subject.code in page


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path, analysis):
    for fmt in FORMATS:
        path = write(analysis, fmt, tmp_path / "sub" / f"r.{fmt}")
        assert path.exists() and path.stat().st_size > 0
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == sorted(f"r.{f}" for f in FORMATS)
    with pytest.raises(ValueError):
        write(analysis, "pdf", tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()
