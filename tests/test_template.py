"""The empty roster template: layout, drop-down lists, and that it reads
back as a valid empty roster (and as a roster once filled in)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from graph import schema
from loaders import check_roster
from loaders.readers import INSTRUCTION_SHEETS
from loaders.template import HEADER_ROW, drop_down_words, write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("tpl") / "模板.xlsx")


def test_one_sheet_per_table_and_an_instructions_sheet(template):
    wb = load_workbook(template)
    assert wb.sheetnames == [INSTRUCTION_SHEETS[0]] + [t.zh for t in schema.TABLES]


def test_title_note_and_header_rows(template):
    wb = load_workbook(template)
    for t in schema.TABLES:
        ws = wb[t.zh]
        assert t.zh in ws.cell(1, 1).value and t.en in ws.cell(1, 1).value
        assert "*" in ws.cell(2, 1).value and "必填" in ws.cell(2, 1).value
        headers = [ws.cell(HEADER_ROW, j + 1).value for j in range(len(t.columns))]
        assert headers == [c.zh + ("*" if c.required else "") for c in t.columns]
        assert ws.cell(HEADER_ROW, len(t.columns) + 1).value is None


def test_drop_down_for_every_enum_and_yes_no_column(template):
    wb = load_workbook(template)
    for t in schema.TABLES:
        ws = wb[t.zh]
        lists = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
        for j, c in enumerate(t.columns, start=1):
            cell = f"{ws.cell(HEADER_ROW + 1, j).column_letter}{HEADER_ROW + 1}"
            words = drop_down_words(c)
            if c.type in ("enum", "bool", "rating"):  # 评价: 1–5 or 满意 ...
                dv = lists.pop(cell)
                assert dv.type == "list"
                assert dv.formula1 == '"' + ",".join(words) + '"'
                # closed sets refuse other words; the open role set takes free text
                assert dv.showErrorMessage is not (c.value_set is not None and c.value_set.open)
            else:
                assert words is None
        assert lists == {}, f"{t.key}: drop-down on a column without a value set"
    kinds = drop_down_words(schema.table("units").column("kind"))
    assert kinds == [m.zh for m in schema.UNIT_KIND.members]
    assert drop_down_words(schema.table("people").column("party_member")) == ["是", "否"]


def test_code_columns_are_text_and_date_columns_dates(template):
    wb = load_workbook(template)
    ws = wb["人员"]
    assert ws.column_dimensions["A"].number_format == "@"  # 人员编码
    assert ws.column_dimensions["C"].number_format == "@"  # 手机号
    assert wb["任职"].column_dimensions["E"].number_format == "yyyy-mm-dd"  # 起始日期


def test_instructions_explain_tables_and_value_sets(template):
    ws = load_workbook(template)[INSTRUCTION_SHEETS[0]]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for t in schema.TABLES:
        assert t.zh in text and t.key in text
    for vs in schema.VALUE_SETS:
        for m in vs.members:
            assert m.zh in text and m.code in text


def test_template_reads_back_as_a_valid_empty_roster(template):
    roster, issues = check_roster(template)
    assert issues == []
    assert set(roster.tables) == {t.key for t in schema.TABLES}
    assert all(rows == [] for rows in roster.tables.values())


def test_filled_in_template_reads_from_row_after_header(tmp_path, template):
    wb = load_workbook(template)
    wb["街道"].append(["001", "城关街道"])  # appended rows go below the header
    wb["社区"].append(["C01", "东关社区", "001"])
    ws = wb["人员"]
    ws.append(["P001", "王建国", "13812341234", "是"])
    wb["任职"].append(["P001", "CC1", "书记", "本职", dt.date(2024, 3, 1)])
    wb["党组织"].append(["CC1", "东关社区党委", "社区党委", None, None, "C01"])
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    roster, issues = check_roster(path)
    assert [i.code for i in issues if i.severity == "error"] == []
    assert roster.rows("streets")[0].line == HEADER_ROW + 1
    assert roster.rows("posts")[0].values == {"person": "P001", "org": "CC1", "role": "secretary",
                                              "post_type": "own", "start": dt.date(2024, 3, 1)}
    assert roster.rows("people")[0]["party_member"] is True


def test_write_template_replaces_atomically(tmp_path):
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"old")
    write_template(out)
    assert check_roster(out)[1] == []
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]  # no temporary file left
