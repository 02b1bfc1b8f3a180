"""Readers: every promise of roster-format.md, on small fixture rosters
written by the tests themselves (see ``roster_kit``)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from graph import schema
from graph.errors import NotARosterError
from loaders import check_roster, read_roster
from loaders.readers import OLE_MAGIC
from roster_kit import rich_roster, roster_sheets, row_of, write_csvs, write_xlsx

D = dt.date


def base_sheets(optional: bool = False):
    return roster_sheets(rich_roster(), optional=optional)


def values(roster, table_key):
    return [r.values for r in roster.rows(table_key)]


def lines(roster, table_key):
    return [r.line for r in roster.rows(table_key)]


def read_xlsx(tmp_path, sheets, name="r.xlsx", **kw):
    return read_roster(write_xlsx(tmp_path / name, sheets, **kw))


def codes_of(issues, severity=None):
    return [(i.table, i.line, i.column, i.code) for i in issues
            if severity is None or i.severity == severity]


def one_table(tmp_path, table_key, rows, name="r.xlsx", **kw):
    """Read a workbook whose ``table_key`` sheet is replaced by ``rows``
    (header included) and return (that table's rows, issues)."""
    sheets = base_sheets()
    sheets[schema.table(table_key).zh] = rows
    roster, issues = read_xlsx(tmp_path, sheets, name, **kw)
    return roster.rows(table_key), issues


def header(table_key):
    return [c.header for c in schema.table(table_key).columns]


# --------------------------------------------------------------- names


def test_reads_a_rich_roster_exactly(tmp_path):
    expected = rich_roster()
    roster, issues = read_xlsx(tmp_path, roster_sheets(expected))
    assert issues == []
    for t in schema.TABLES:
        assert values(roster, t.key) == values(expected, t.key), t.key
        assert lines(roster, t.key) == list(range(2, 2 + len(expected.rows(t.key))))


def test_sheet_names_chinese_or_alias(tmp_path):
    sheets = base_sheets(optional=True)
    aliased = {}
    for i, t in enumerate(schema.TABLES):
        name = t.key if i % 2 else t.zh  # half Chinese, half English
        aliased[f" {name.upper() if i % 4 == 1 else name} "] = sheets[t.zh]
    roster, issues = read_xlsx(tmp_path, aliased)
    assert issues == []
    expected = rich_roster()
    for t in schema.TABLES:
        assert values(roster, t.key) == values(expected, t.key)


def test_csv_file_names_chinese_or_alias(tmp_path):
    sheets = base_sheets(optional=True)
    named = {(t.key if i % 2 else t.zh): sheets[t.zh] for i, t in enumerate(schema.TABLES)}
    roster, issues = read_roster(write_csvs(tmp_path / "roster", named))
    assert issues == []
    assert (tmp_path / "roster" / "units.csv").exists()
    for t in schema.TABLES:
        assert values(roster, t.key) == values(rich_roster(), t.key)


# --------------------------------------------------------------- headers and rows


def test_headers_alias_spaces_fullwidth_and_required_marker(tmp_path):
    rows = [[" code ", "单位名称＊", "ｋｉｎｄ", " 所在社区 * ", "Credit_Code"],
            ["U01", "县财政局", "机关", "C01", None]]
    got, issues = one_table(tmp_path, "units", rows)
    assert issues == []
    assert got[0].values == {"code": "U01", "name": "县财政局", "kind": "agency", "community": "C01"}


def test_title_and_note_rows_above_header_and_merged_cells(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", base_sheets())
    wb = load_workbook(path)
    ws = wb["单位"]
    ws.insert_rows(1, 3)
    ws["A1"] = "城关县驻区单位花名册"
    ws.merge_cells("A1:E1")
    ws["A2"] = "填写说明:单位编码、单位名称必填"  # mentions headers, but is not the header
    ws["B2"] = "单位编码"
    # row 3 blank; header on row 4, data from row 5
    ws["B6"] = None
    ws.merge_cells("B5:B6")  # merged data cells: only the top-left holds the value
    wb.save(path)
    roster, issues = read_roster(path)
    assert lines(roster, "units") == [5, 6, 7, 8, 9]
    assert roster.rows("units")[0]["name"] == "县财政局"
    assert "name" not in roster.rows("units")[1].values
    # the row below reads empty, and the report says why (the planner sees a value)
    assert codes_of(issues) == [("单位 units", 6, "单位名称", "merged_cell")]
    _, checked = check_roster(path)
    assert codes_of(checked, "error") == [("单位 units", 6, "单位名称", "merged_cell")]


def test_blank_rows_skipped_and_row_numbers_as_in_excel(tmp_path):
    rows = [header("streets"), [None, None], ["001", "城关街道"], ["   ", ""], [None], ["002", "东城街道"]]
    got, issues = one_table(tmp_path, "streets", rows)
    assert [(r.line, r["code"]) for r in got] == [(3, "001"), (6, "002")]
    assert issues == []


def test_cells_trimmed_and_nfkc_normalized(tmp_path):
    rows = [header("streets"), ["  ００１ ", "\u3000城关街道\u3000"], ["Ｓ２", "东城　街道"]]
    got, _ = one_table(tmp_path, "streets", rows)
    assert [r.values for r in got] == [{"code": "001", "name": "城关街道"},
                                       {"code": "S2", "name": "东城 街道"}]


def test_list_cells_split_on_every_separator(tmp_path):
    rows = [header("party_orgs"),
            ["J1", "联合支部", "联合党支部", None, "U1;U2；U3,U4，U5、U6", None, None, None,
             " CC1 ； CC2 ;"]]
    got, _ = one_table(tmp_path, "party_orgs", rows)
    assert got[0]["units"] == ["U1", "U2", "U3", "U4", "U5", "U6"]
    assert got[0]["member_of"] == ["CC1", "CC2"]


# --------------------------------------------------------------- dates


DATE_FORMS = ["2024-03-01", "2024-3-1", "2024/3/1", "2024.3.1", "2024年3月1日", "2024年3月",
              "20240301", "２０２４－０３－０１", "2024-03-01 00:00:00"]


def _posts_with_starts(starts):
    return [header("posts")] + [["P001", "CC1", "委员", "兼职", s] for s in starts]


def test_date_text_forms(tmp_path):
    got, issues = one_table(tmp_path, "posts", _posts_with_starts(DATE_FORMS))
    assert issues == []
    assert [r["start"] for r in got] == [D(2024, 3, 1)] * len(DATE_FORMS)


def test_date_text_forms_in_csv(tmp_path):
    sheets = base_sheets()
    sheets["任职"] = _posts_with_starts(DATE_FORMS)
    roster, issues = read_roster(write_csvs(tmp_path / "r", sheets))
    assert issues == []
    assert {r["start"] for r in roster.rows("posts")} == {D(2024, 3, 1)}


def test_excel_date_cells_and_serials_1900(tmp_path):
    cells = [dt.datetime(2024, 3, 1, 0, 0), dt.datetime(2024, 3, 1, 14, 30), D(2024, 3, 1),
             45352, 45352.0, 45352.75, 20240301, 1, 59, 61]
    got, issues = one_table(tmp_path, "posts", _posts_with_starts(cells))
    assert issues == []
    assert [r["start"] for r in got] == [D(2024, 3, 1)] * 7 + [
        D(1900, 1, 1), D(1900, 2, 28), D(1900, 3, 1)]


def test_serial_60_is_excels_phantom_leap_day(tmp_path):
    got, issues = one_table(tmp_path, "posts", _posts_with_starts([60]))
    assert codes_of(issues) == [("任职 posts", 2, "起始日期", "bad_date")]
    assert "1900" in issues[0].message_zh and "1900" in issues[0].message_en
    assert "start" not in got[0].values


def test_serials_in_a_1904_workbook(tmp_path):
    got, issues = one_table(tmp_path, "posts",
                            _posts_with_starts([43890, 0, dt.datetime(2024, 3, 1)]),
                            epoch_1904=True)
    assert issues == []
    assert [r["start"] for r in got] == [D(2024, 3, 1), D(1904, 1, 1), D(2024, 3, 1)]


@pytest.mark.parametrize("bad, hint", [("2024-02-30", "29 days"), ("明年三月", "2024-03-01"),
                                       ("2024-13-01", "1–12"), ("3/1/24", "2024-03-01"),
                                       ("202403", "2024-03-01")])
def test_unreadable_dates_are_issues_not_exceptions(tmp_path, bad, hint):
    got, issues = one_table(tmp_path, "posts", _posts_with_starts(["2024-01-01", bad]))
    assert codes_of(issues) == [("任职 posts", 3, "起始日期", "bad_date")]
    assert issues[0].value == bad
    assert hint in issues[0].message_en  # says what would be right
    assert "start" not in got[1].values and got[0]["start"] == D(2024, 1, 1)


# --------------------------------------------------------------- yes/no, enums, codes

YES_NO = [("是", True), ("否", False), ("Y", True), ("n", False), ("Yes", True), ("NO", False),
          ("true", True), ("FALSE", False), ("1", True), ("0", False), ("√", True), ("×", False),
          (True, True), (False, False), (1, True), (0, False)]


def test_yes_no_words(tmp_path):
    rows = [header("people")] + [[f"P{i}", "某", None, w] for i, (w, _) in enumerate(YES_NO)]
    got, issues = one_table(tmp_path, "people", rows)
    assert issues == []
    assert [r["party_member"] for r in got] == [b for _, b in YES_NO]


def test_bad_yes_no_is_an_issue(tmp_path):
    rows = [header("people"), ["P1", "某", None, "也许"]]
    got, issues = one_table(tmp_path, "people", rows)
    assert codes_of(issues) == [("人员 people", 2, "是否党员", "bad_bool")]
    assert "是" in issues[0].message_zh and "否" in issues[0].message_zh


def test_enums_by_chinese_word_or_english_code(tmp_path):
    rows = [header("units"), ["U1", "a", "机关", "C01"], ["U2", "b", "agency", "C01"],
            ["U3", "c", " SOE ", "C01"], ["U4", "d", "物业企业", "C01"]]
    got, issues = one_table(tmp_path, "units", rows)
    assert issues == []
    assert [r["kind"] for r in got] == ["agency", "agency", "soe", "property"]


def test_role_is_an_open_set(tmp_path):
    rows = [header("posts"), ["P001", "CC1", "兼职委员", "兼职"], ["P001", "CC1", "宣传委员", "兼职"],
            ["P001", "CC1", "part_time_member", "part_time"]]
    got, issues = one_table(tmp_path, "posts", rows)
    assert issues == []
    assert [(r["role"], r["post_type"]) for r in got] == [
        ("part_time_member", "part_time"), ("宣传委员", "part_time"),
        ("part_time_member", "part_time")]


def test_value_outside_a_closed_set_is_an_issue(tmp_path):
    rows = [header("units"), ["U1", "a", "工厂", "C01"]]
    got, issues = one_table(tmp_path, "units", rows)
    assert codes_of(issues) == [("单位 units", 2, "单位类型", "bad_value")]
    assert "机关" in issues[0].message_zh and "agency" in issues[0].message_en


def test_codes_are_text_and_keep_leading_zeros(tmp_path):
    rows = [header("people"), [1001, "甲", 13812341234, None], [1002.0, "乙", "013812341234", None],
            ["0007", "丙", None, None]]
    got, issues = one_table(tmp_path, "people", rows)
    assert issues == []
    assert [(r["code"], r.get("phone")) for r in got] == [
        ("1001", "13812341234"), ("1002", "013812341234"), ("0007", None)]


def test_excel_formula_errors_are_issues(tmp_path):
    rows = [header("units"), ["U1", "a", "机关", "#N/A"], ["U2", "b", "机关", "C01"]]
    path = tmp_path / "r.xlsx"
    sheets = base_sheets()
    sheets["单位"] = rows
    write_xlsx(path, sheets)
    wb = load_workbook(path)
    wb["单位"]["D3"] = "=1/0"  # a formula never calculated: no cached value
    wb.save(path)
    got, issues = read_roster(path)
    assert codes_of(issues) == [("单位 units", 2, "所在社区", "formula_error")]
    assert "#N/A" in issues[0].message_zh
    assert "community" not in got.rows("units")[0].values
    assert "community" not in got.rows("units")[1].values  # uncalculated formula: empty


# --------------------------------------------------------------- CSV


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    roster, issues = read_roster(write_csvs(tmp_path / "r", base_sheets(True), encoding))
    assert issues == []
    for t in schema.TABLES:
        assert values(roster, t.key) == values(rich_roster(), t.key)


def test_csv_row_numbers_are_excel_rows(tmp_path):
    sheets = base_sheets()
    sheets["街道"] = [["说明:街道表"], header("streets"), ["001", "城关\n街道"], [], ["002", "东城街道"]]
    roster, issues = read_roster(write_csvs(tmp_path / "r", sheets))
    # the quoted line break is inside one Excel row: 002 is row 5, not file line 6
    assert [(r.line, r["code"]) for r in roster.rows("streets")] == [(3, "001"), (5, "002")]
    assert roster.rows("streets")[0]["name"] == "城关\n街道"


def test_zip_of_csv_files_including_gbk_member_names(tmp_path):
    folder = write_csvs(tmp_path / "r", base_sheets())
    path = tmp_path / "花名册.zip"

    class GbkName(zipfile.ZipInfo):
        """Chinese Windows writes GBK names without the UTF-8 flag."""

        def _encodeFilenameFlags(self):
            return self.filename.encode("gbk"), self.flag_bits & ~0x800

    with zipfile.ZipFile(path, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.writestr(GbkName("花名册/" + p.name), p.read_bytes())
    with zipfile.ZipFile(path) as zf:  # what Python alone makes of the names
        assert "花名册/单位.csv" not in zf.namelist()
    roster, issues = read_roster(path)
    assert issues == []
    assert values(roster, "units") == values(rich_roster(), "units")
    assert roster.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------- tables and columns


def test_unknown_columns_are_warnings(tmp_path):
    rows = [header("streets") + ["备注"], ["001", "城关街道", "老城区"]]
    got, issues = one_table(tmp_path, "streets", rows)
    assert codes_of(issues) == [("街道 streets", 1, "备注", "unknown_column")]
    assert issues[0].severity == "warning"
    assert got[0].values == {"code": "001", "name": "城关街道"}


def test_unknown_sheet_warns_instructions_sheet_does_not(tmp_path):
    sheets = base_sheets()
    sheets["统计"] = [["合计", 3]]
    sheets["说明"] = [["本工作簿说明"]]
    _, issues = read_xlsx(tmp_path, sheets)
    assert codes_of(issues) == [("统计", 0, "", "unknown_table")]


def test_optional_tables_may_be_absent(tmp_path):
    roster, issues = read_xlsx(tmp_path, base_sheets(optional=False))
    assert issues == []
    assert all(not roster.rows(t.key) for t in schema.TABLES if t.optional)


def test_missing_required_table_is_one_error(tmp_path):
    sheets = base_sheets()
    del sheets["街道"]
    roster, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    # communities refer to streets, but the missing table is reported once
    assert codes_of(issues) == [("街道 streets", 0, "", "missing_table")]
    assert "街道" in issues[0].message_zh and "streets" in issues[0].message_en


def test_header_lacking_a_required_column(tmp_path):
    rows = [["单位编码", "单位名称", "所在社区"], ["U1", "a", "C01"]]
    got, issues = one_table(tmp_path, "units", rows)
    assert codes_of(issues) == [("单位 units", 1, "单位类型", "missing_column")]
    assert got == []


def test_no_header_row_at_all(tmp_path):
    got, issues = one_table(tmp_path, "units", [["随便写的"], ["U1", "a"]])
    assert codes_of(issues) == [("单位 units", 0, "", "no_header")]


def test_duplicate_column_is_an_error(tmp_path):
    rows = [header("streets") + ["街道名称"], ["001", "城关街道", "别名"]]
    got, issues = one_table(tmp_path, "streets", rows)
    assert codes_of(issues) == [("街道 streets", 1, "街道名称", "duplicate_column")]
    assert got[0]["name"] == "城关街道"


def test_same_table_twice_is_an_error(tmp_path):
    sheets = base_sheets()
    sheets["streets"] = sheets["街道"]
    _, issues = read_xlsx(tmp_path, sheets)
    assert codes_of(issues) == [("街道 streets", 0, "", "duplicate_table")]


def test_wrong_dimension_record_does_not_truncate(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", base_sheets())
    # rewrite the <dimension> of every sheet to A1:A1, as some writers do
    src = zipfile.ZipFile(path)
    out = tmp_path / "dim.xlsx"
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                import re
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
            dst.writestr(info, data)
    roster, issues = read_roster(out)
    assert issues == []
    assert values(roster, "party_orgs") == values(rich_roster(), "party_orgs")


# --------------------------------------------------------------- identity of the file


def test_source_and_sha256(tmp_path):
    path = write_xlsx(tmp_path / "城关.xlsx", base_sheets())
    roster, _ = read_roster(path)
    assert roster.source == "城关.xlsx"
    assert roster.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_folder_sha256_is_stable_and_follows_content(tmp_path):
    folder = write_csvs(tmp_path / "r", base_sheets())
    first = read_roster(folder)[0].sha256
    assert read_roster(folder)[0].sha256 == first
    (folder / "notes.txt").write_text("not a table")  # not a CSV: not part of the roster
    assert read_roster(folder)[0].sha256 == first
    with open(folder / "街道.csv", "a", encoding="utf-8") as f:
        f.write("003,西城街道\n")
    assert read_roster(folder)[0].sha256 != first


# --------------------------------------------------------------- not a roster


def _assert_one_clear_error(path, *words):
    with pytest.raises(NotARosterError) as info:
        read_roster(path)
    e = info.value
    assert e.message_zh and e.message_en and e.message_zh != e.message_en
    for w in words:
        assert w in e.message_zh + e.message_en
    return e


def test_image_renamed_xlsx(tmp_path):
    p = tmp_path / "花名册.xlsx"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    _assert_one_clear_error(p, "花名册.xlsx", "PNG")


def test_empty_file(tmp_path):
    p = tmp_path / "空.xlsx"
    p.write_bytes(b"")
    _assert_one_clear_error(p, "空.xlsx", "empty")


def test_password_protected_workbook(tmp_path):
    p = tmp_path / "加密.xlsx"
    p.write_bytes(OLE_MAGIC + bytes(4096))  # an encrypted workbook is an OLE container
    _assert_one_clear_error(p, "加密.xlsx", "密码", "password")


def test_csv_in_unknown_encoding(tmp_path):
    folder = write_csvs(tmp_path / "r", base_sheets())
    text = (folder / "单位.csv").read_text(encoding="utf-8-sig")
    (folder / "单位.csv").write_bytes(text.encode("utf-16"))
    _assert_one_clear_error(folder, "单位.csv", "UTF-8", "GB18030")


def test_workbook_without_any_roster_table(tmp_path):
    p = write_xlsx(tmp_path / "账本.xlsx", {"Sheet1": [["日期", "金额"], ["2024-01-01", 3]]})
    _assert_one_clear_error(p, "账本.xlsx", "Sheet1", "单位")


def test_damaged_workbook(tmp_path):
    good = write_xlsx(tmp_path / "r.xlsx", base_sheets()).read_bytes()
    p = tmp_path / "坏.xlsx"
    p.write_bytes(good[: len(good) // 2])
    _assert_one_clear_error(p, "坏.xlsx")


def test_zip_without_tables(tmp_path):
    p = tmp_path / "photos.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("a.jpg", b"\xff\xd8\xff")
    _assert_one_clear_error(p, "photos.zip", "CSV")


def test_single_csv_file_and_missing_path(tmp_path):
    folder = write_csvs(tmp_path / "r", base_sheets())
    _assert_one_clear_error(folder / "单位.csv", "单位.csv", "folder")
    _assert_one_clear_error(tmp_path / "nothing.xlsx", "nothing.xlsx")
    empty = tmp_path / "empty_folder"
    empty.mkdir()
    _assert_one_clear_error(empty, "empty_folder", "CSV")


def test_a_zip_that_unpacks_to_too_much_is_refused_before_unpacking(tmp_path, monkeypatch):
    import zipfile

    import loaders.readers as readers
    from graph.errors import NotARosterError

    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("units.csv", "单位编码,单位名称\n" + "0" * 4096)
    monkeypatch.setattr(readers, "MAX_UNPACKED_BYTES", 1024)
    with pytest.raises(NotARosterError) as e:
        read_roster(path)
    assert "超过上限" in e.value.message_zh and "limit" in e.value.message_en
