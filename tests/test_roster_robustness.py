"""Rosters built by planners to roster-format.md in ways the fixture rosters
do not: wrapped or annotated headers, invisible characters, odd CSV
encodings, cells with line breaks. Each test is a case that was misread
before it was fixed."""

from __future__ import annotations

import csv
import io

from graph import schema
from loaders import check_roster
from roster_kit import rich_roster, roster_sheets, write_csvs, write_xlsx


def base_sheets():
    return roster_sheets(rich_roster(), optional=False)


def errors(issues):
    return [(i.table, i.line, i.column, i.value, i.code) for i in issues if i.severity == "error"]


def values(roster, table_key):
    return [(r.line, r.values) for r in roster.rows(table_key)]


def test_header_cells_wrapped_or_marked_in_front(tmp_path):
    """A header cell wrapped with Alt+Enter and a required marker written in
    front (``*单位编码``, as many Chinese templates do) name their column."""
    sheets = base_sheets()
    sheets["单位"][0] = ["*单位\n编码", "* 单位名称", "单位类型 *", "所在\r\n社区＊", "统一社会\n信用代码"]
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert issues == []
    assert values(roster, "units") == values(check_roster(write_xlsx(
        tmp_path / "b.xlsx", base_sheets()))[0], "units")
    assert roster.rows("units")[0]["credit_code"]


def test_header_as_the_format_table_writes_it(tmp_path):
    """roster-format.md lists headers as ``单位编码 (code)*`` and
    ``所属单位 (units, list)``: copied as they stand (full-width parentheses
    too), they name their column."""
    sheets = base_sheets()
    for t in schema.TABLES:
        if t.zh not in sheets:
            continue
        sheets[t.zh][0] = [
            f"{c.zh} ({c.key}{', list' if c.type == 'refs' else ''})" + ("*" if c.required else "")
            for c in t.columns
        ]
    sheets["单位"][0][4] = "统一社会信用代码（credit_code）"
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert issues == []
    expected, _ = check_roster(write_xlsx(tmp_path / "b.xlsx", base_sheets()))
    for t in schema.TABLES:
        assert values(roster, t.key) == values(expected, t.key)


def test_sheet_named_with_both_names(tmp_path):
    sheets = base_sheets()
    sheets["单位（units）"] = sheets.pop("单位")
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert issues == []
    assert len(roster.rows("units")) == len(base_sheets()["单位"]) - 1


def test_zero_width_characters_are_not_part_of_a_code(tmp_path):
    """A code pasted from a web page or a chat app with an invisible
    zero-width space (or BOM) is the same code: references to it resolve."""
    sheets = base_sheets()
    first = sheets["单位"][1][0]
    sheets["单位"][1][0] = "\u200b" + first + "\ufeff"
    sheets["单位"][2][1] = "县人民\u200b医院"
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert errors(issues) == []
    assert roster.rows("units")[0]["code"] == first
    assert roster.rows("units")[1]["name"] == "县人民医院"


def _csv_bytes(rows, encoding):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in r] for r in rows])
    return buf.getvalue().encode(encoding)


def test_gb18030_csv_with_a_bom(tmp_path):
    """GB18030 text behind a UTF-8 BOM (some editors add one), or behind
    GB18030's own BOM, reads like plain GB18030."""
    sheets = base_sheets()
    folder = tmp_path / "r"
    folder.mkdir()
    for i, (name, rows) in enumerate(sheets.items()):
        bom = b"\xef\xbb\xbf" if i % 2 else "\ufeff".encode("gb18030")
        (folder / f"{name}.csv").write_bytes(bom + _csv_bytes(rows, "gb18030"))
    roster, issues = check_roster(folder)
    assert issues == []
    plain, _ = check_roster(write_csvs(tmp_path / "p", sheets, encoding="gb18030"))
    for t in schema.TABLES:
        assert values(roster, t.key) == values(plain, t.key)


def test_csv_rows_numbered_as_excel_shows_them(tmp_path):
    """A cell with a line break inside (a wrapped name exported from Excel)
    is one row in Excel: the rows after it keep the numbers Excel shows, so
    an xlsx and its CSV export give the same roster and the same issues."""
    sheets = base_sheets()
    sheets["单位"][1][1] = "县财政局\n(机关大院)"
    sheets["单位"][3][3] = "C99"  # an unknown community, below the wrapped cell
    xlsx, x_issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    folder, c_issues = check_roster(write_csvs(tmp_path / "r", sheets))
    assert ("单位 units", 4, "所在社区", "C99", "unknown_ref") in errors(c_issues)
    assert errors(c_issues) == errors(x_issues)
    for t in schema.TABLES:
        assert values(folder, t.key) == values(xlsx, t.key)


def test_csv_folder_with_gbk_file_names(tmp_path):
    """A zip from Chinese Windows unpacked on Linux leaves file names in GBK
    bytes (单位.csv is b'\\xb5\\xa5\\xce\\xbb.csv'): the tables are still found."""
    import os

    sheets = base_sheets()
    folder = write_csvs(tmp_path / "r", sheets, encoding="gb18030")
    for f in list(folder.iterdir()):
        os.rename(os.fsencode(f), os.path.join(os.fsencode(folder), f.name.encode("gb18030")))
    roster, issues = check_roster(folder)
    assert issues == []
    plain, _ = check_roster(write_csvs(tmp_path / "p", sheets, encoding="gb18030"))
    for t in schema.TABLES:
        assert values(roster, t.key) == values(plain, t.key)


def test_a_year_or_year_month_typed_as_a_number_is_not_a_1905_date(tmp_path):
    """Excel keeps ``2024``, ``2024.3`` and ``202403`` typed in a date column
    as numbers; read as day numbers they would be 1905 or 2454 dates. The
    same cells in a CSV are unreadable dates: both say so, at the cell."""
    sheets = base_sheets()
    header = sheets["任职"][0]
    col = next(i for i, h in enumerate(header) if h.startswith("起始日期"))
    for n, v in ((1, 2024), (2, 2024.3), (4, 202403)):
        sheets["任职"][n][col] = v
    _, x_issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    _, c_issues = check_roster(write_csvs(tmp_path / "r", sheets))
    want = [("任职 posts", n, "起始日期", v, "bad_date") for n, v in ((2, "2024"), (3, "2024.3"), (5, "202403"))]
    assert errors(x_issues) == want
    assert errors(c_issues) == want
    for i in x_issues:
        assert "2024-03-01" in i.message_zh and "2024-03-01" in i.message_en


def test_required_marker_between_header_and_alias(tmp_path):
    sheets = base_sheets()
    sheets["街道"][0] = ["街道编码*(code)", "街道名称＊ （name）"]
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert issues == []
    assert [r["code"] for r in roster.rows("streets")] == [r[0] for r in sheets["街道"][1:]]


def test_zip_holding_a_workbook_says_so(tmp_path):
    """The message must not claim the zip holds no workbook when it does."""
    import zipfile

    import pytest
    from graph.errors import NotARosterError

    book = write_xlsx(tmp_path / "r.xlsx", base_sheets())
    with zipfile.ZipFile(tmp_path / "r.zip", "w") as zf:
        zf.write(book, "花名册.xlsx")
    with pytest.raises(NotARosterError) as e:
        check_roster(tmp_path / "r.zip")
    assert "花名册.xlsx" in e.value.message_zh and "花名册.xlsx" in e.value.message_en
    assert "unzip" in e.value.message_en and "解压" in e.value.message_zh


def test_code_that_lost_its_leading_zeros_in_excel_gets_a_hint(tmp_path):
    """Excel turns a code typed as 001 into the number 1 unless the column is
    text: the unknown code's message names the code it was meant to be and
    why it changed."""
    sheets = base_sheets()
    assert sheets["街道"][1][0] == "001"
    sheets["社区"][1][2] = 1  # 所属街道, typed as a number
    _, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    (issue,) = [i for i in issues if i.severity == "error"]
    assert (issue.table, issue.line, issue.column, issue.value, issue.code) == (
        "社区 communities", 2, "所属街道", "1", "unknown_ref")
    assert "“001”" in issue.message_zh and "文本" in issue.message_zh
    assert "'001'" in issue.message_en and "text" in issue.message_en


def test_unknown_code_that_is_several_codes_says_how_to_write_them(tmp_path):
    """Two codes in a one-code column, or two codes split by a space in a
    list column: the message says what the column takes."""
    sheets = base_sheets()
    sheets["单位"][1][3] = "C01、C02"  # 所在社区 takes one code
    org = next(r for r in sheets["党组织"][1:] if r[2] == "联合党支部")
    org[4] = "U04 U05"  # 所属单位, a list, split by a space
    _, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    by_col = {(i.table, i.column): i for i in issues if i.code == "unknown_ref"}
    one = by_col[("单位 units", "所在社区")]
    assert one.value == "C01、C02"
    assert "只能填一个" in one.message_zh and "only one code" in one.message_en
    many = by_col[("党组织 party_orgs", "所属单位")]
    assert many.value == "U04 U05"
    assert "；" in many.message_zh and "、" in many.message_zh and "separate" in many.message_en


def test_bilingual_two_row_header(tmp_path):
    """A header row in Chinese with the English aliases in the row below it
    (both are headers the format accepts): the alias row is header, not a
    data row with code 'code'."""
    sheets = base_sheets()
    for name in ("单位", "任职"):
        t = next(t for t in schema.TABLES if t.zh == name)
        sheets[name].insert(1, [c.key for c in t.columns])
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert issues == []
    assert roster.rows("units")[0].line == 3
    expected, _ = check_roster(write_xlsx(tmp_path / "b.xlsx", base_sheets()))
    assert [r.values for r in roster.rows("units")] == [r.values for r in expected.rows("units")]
    assert [r.values for r in roster.rows("posts")] == [r.values for r in expected.rows("posts")]


def test_long_number_that_excel_cut_to_15_digits_is_an_error(tmp_path):
    """An 18-digit ID number used as 人员编码, typed into Excel without text
    format, is kept as a number with 15 significant digits (the last three
    become 0): read as a code it would silently be another code."""
    sheets = base_sheets()
    sheets["人员"][1][0] = 4.10101199001011e17  # what Excel stores for 410101199001011234
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    errs = [i for i in issues if i.code == "number_too_long"]
    assert [(i.table, i.line, i.column, i.value) for i in errs] == [
        ("人员 people", 2, "人员编码", "410101199001011008")]
    assert "15" in errs[0].message_zh and "文本" in errs[0].message_zh
    assert "15" in errs[0].message_en and "text" in errs[0].message_en
    # 15 digits Excel keeps exactly: a code
    sheets["人员"][1][0] = 620102199001011.0
    roster, issues = check_roster(write_xlsx(tmp_path / "b.xlsx", sheets))
    assert roster.rows("people")[0]["code"] == "620102199001011"
    assert not [i for i in issues if i.code == "number_too_long"]


def test_long_number_in_scientific_notation_in_a_csv_is_an_error(tmp_path):
    """Excel saves such a cell to CSV as it shows it: 4.10101E+17."""
    sheets = base_sheets()
    sheets["人员"][1][0] = "4.10101E+17"
    sheets["单位"][1][4] = "9.16201E+17"  # 统一社会信用代码
    _, issues = check_roster(write_csvs(tmp_path / "r", sheets))
    errs = [(i.table, i.line, i.column, i.value) for i in issues if i.code == "number_too_long"]
    assert errs == [("单位 units", 2, "统一社会信用代码", "9.16201E+17"),
                    ("人员 people", 2, "人员编码", "4.10101E+17")]


def test_required_marker_written_in_words(tmp_path):
    """Chinese templates often mark a column 单位编码（必填） / 统一社会信用代码（选填）
    instead of a *: the marker does not count, like *."""
    sheets = base_sheets()
    sheets["单位"][0] = ["单位编码（必填）", "单位名称(必填)", "单位类型 （必填）*", "所在社区(required)",
                         "统一社会信用代码（选填）"]
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert issues == []
    assert roster.rows("units")[0]["credit_code"] == sheets["单位"][1][4]


def test_unreadable_phone_is_not_repeated_in_the_report(tmp_path):
    """Phone numbers are personal data: a phone cell that cannot be read is
    reported by place, without its digits."""
    sheets = base_sheets()
    col = next(i for i, h in enumerate(sheets["人员"][0]) if h.startswith("手机号"))
    sheets["人员"][1][col] = "1.38123E+10"
    _, issues = check_roster(write_csvs(tmp_path / "r", sheets))
    (issue,) = [i for i in issues if i.column == "手机号"]
    assert (issue.table, issue.line, issue.code, issue.value) == ("人员 people", 2, "number_too_long", None)
    assert "38123" not in issue.message_zh + issue.message_en


def test_utf8_csv_with_a_gbk_line_is_not_read_as_mojibake(tmp_path):
    """A UTF-8 file with one line pasted in GBK (two exports joined) is
    neither UTF-8 nor GB18030: it must not be read as GB18030 (every UTF-8
    Chinese header would turn to mojibake and 'no header' be reported);
    the error names the file and the line."""
    import pytest
    from graph.errors import NotARosterError

    sheets = base_sheets()
    folder = write_csvs(tmp_path / "r", sheets, encoding="utf-8")
    p = folder / "单位.csv"
    lines = p.read_bytes().split(b"\r\n")
    lines[3] = lines[3].decode("utf-8").encode("gb18030")
    p.write_bytes(b"\r\n".join(lines))
    with pytest.raises(NotARosterError) as e:
        check_roster(folder)
    assert "单位.csv" in e.value.message_zh and "第 4 行" in e.value.message_zh
    assert "line 4" in e.value.message_en and "UTF-8" in e.value.message_en


def test_merged_data_cells_say_so(tmp_path):
    """Planners merge 所在社区 over the units of one community: Excel keeps the
    value in the first row only. The other rows are reported as merged cells
    to unmerge and fill, not as 'required cell is empty' (the planner sees a
    value there), and an optional value lost the same way is reported too."""
    from openpyxl import load_workbook

    sheets = base_sheets()
    path = write_xlsx(tmp_path / "r.xlsx", sheets)
    wb = load_workbook(path)
    ws = wb["单位"]
    ws["D3"] = None
    ws.merge_cells("D2:D3")  # 所在社区 of rows 2-3
    ws = wb["党组织"]
    ws["I5"] = None
    ws.merge_cells("I4:I5")  # 纳入 (optional) of rows 4-5
    ws["F7"] = None
    ws.merge_cells("F6:F7")  # 所属社区: both cells blank, nothing lost
    wb.save(path)
    _, issues = check_roster(path)
    merged = [(i.table, i.line, i.column, i.code) for i in issues if i.code == "merged_cell"]
    assert merged == [("单位 units", 3, "所在社区", "merged_cell"),
                      ("党组织 party_orgs", 5, "纳入", "merged_cell")]
    assert not [i for i in issues if i.code == "missing_required" and i.table == "单位 units"]
    i = next(i for i in issues if i.code == "merged_cell")
    assert "D2:D3" in i.message_zh and "D2:D3" in i.message_en
    assert "合并" in i.message_zh and "unmerge" in i.message_en
