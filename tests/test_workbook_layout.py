"""Every workbook cobuild writes prints landscape, one page wide, its
header row repeated; the export keeps the template's drop-downs and help
sheet and reads back to the same roster (issue 13, points 4 and 10)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from analysis_kit import AS_OF, perfect
from graph import schema
from graph.analysis import analyze
from graph.build import roster_to_graph
from graph.report import render
from loaders import check_roster
from loaders.export import graph_to_roster
from loaders.readers import INSTRUCTION_SHEETS
from loaders.template import HEADER_ROW, drop_down_words, write_template
from loaders.writer import write_roster
from roster_kit import rich_roster


def _printed(ws, header_row):
    assert ws.page_setup.orientation == "landscape", ws.title
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    if header_row:
        assert ws.print_title_rows == f"${header_row}:${header_row}", ws.title


def _workbooks(tmp_path):
    a = analyze(perfect().graph(), AS_OF)
    yield "report", load_workbook(io.BytesIO(render(a, "xlsx"))), {"说明": 3, "图表": None, "统计表": 3, "统计图": None}
    yield "template", load_workbook(write_template(tmp_path / "t.xlsx")), \
        {"说明": None, **{t.zh: HEADER_ROW for t in schema.TABLES}}
    yield "roster", load_workbook(write_roster(rich_roster(), tmp_path / "r.xlsx")), {}
    yield "export", load_workbook(write_roster(rich_roster(), tmp_path / "e.xlsx", as_template=True)), \
        {"说明": None, **{t.zh: HEADER_ROW for t in schema.TABLES}}


def test_every_sheet_of_every_workbook_prints_landscape_fit_to_width(tmp_path):
    seen = 0
    for _what, wb, header_rows in _workbooks(tmp_path):
        for ws in wb.worksheets:
            _printed(ws, header_rows.get(ws.title, 1))
            seen += 1
    assert seen > 20


def test_export_keeps_the_template_layout_and_drop_downs(tmp_path):
    path = write_roster(rich_roster(), tmp_path / "导出.xlsx", as_template=True)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == INSTRUCTION_SHEETS[0]
    ws = wb["党组织"]
    t = schema.table("party_orgs")
    assert [ws.cell(HEADER_ROW, j + 1).value for j in range(len(t.columns))] == [c.header for c in t.columns]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    kind_col = next(j for j, c in enumerate(t.columns, 1) if c.key == "kind")
    letter = get_column_letter(kind_col)
    assert lists[f"{letter}{HEADER_ROW + 1}"] == '"' + ",".join(drop_down_words(t.column("kind"))) + '"'
    assert ws.column_dimensions["A"].number_format == "@"
    # the data starts under the header, in Chinese words
    assert ws.cell(HEADER_ROW + 1, 1).value is not None
    assert ws.cell(HEADER_ROW + 1, kind_col).value in drop_down_words(t.column("kind"))


def test_export_in_template_layout_reads_back_to_the_same_roster(tmp_path):
    G = roster_to_graph(rich_roster())
    path = write_roster(graph_to_roster(G), tmp_path / "导出.xlsx", as_template=True)
    roster, issues = check_roster(path)
    assert [i for i in issues if i.severity == "error"] == []
    assert roster.rows("streets")[0].line == HEADER_ROW + 1
    again = roster_to_graph(roster)
    assert dict(again.nodes(data=True)) == dict(G.nodes(data=True))
    assert set(again.edges(keys=True)) == set(G.edges(keys=True))
