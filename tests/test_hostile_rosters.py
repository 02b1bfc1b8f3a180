"""Hostile and damaged roster files (issue 15, items 4–8): each is refused
early with one clear bilingual message, or read exactly, never a traceback,
a silent blank or gigabytes of memory."""

from __future__ import annotations

import datetime as dt
import os
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import load_workbook

from cli.main import main
from graph import limits, schema
from graph.errors import NotARosterError
from graph.report.xlsx import render_xlsx
from graph.roster import Roster
from loaders import check_roster, read_roster
from loaders.template import write_template
from loaders.writer import write_roster
from roster_kit import rich_roster, roster_sheets, write_csvs, write_xlsx


def _refused(path, *words) -> NotARosterError:
    with pytest.raises(NotARosterError) as info:
        read_roster(path)
    e = info.value
    assert e.message_zh and e.message_en and e.message_zh != e.message_en
    for w in words:
        assert w in e.message_zh + e.message_en, (w, str(e))
    return e


def _peak_mib(fn) -> float:
    """Peak of Python memory allocated while ``fn`` runs, in MiB."""
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak / 2 ** 20


def _zip_of(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _csv_members() -> dict[str, bytes]:
    folder_rows = roster_sheets(rich_roster(), optional=False)
    out = {}
    for name, rows in folder_rows.items():
        out[f"{name}.csv"] = "\n".join(",".join("" if v is None else str(v) for v in r)
                                      for r in rows).encode("utf-8")
    return out


def _rewrite_xlsx(src, out, part: str, fn):
    with zipfile.ZipFile(src) as zs, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zd:
        for info in zs.infolist():
            data = zs.read(info)
            zd.writestr(info.filename, fn(data) if info.filename == part else data)
    return out


def _sheet_part(path, title: str) -> str:
    """The zip part holding the sheet ``title``."""
    wb = load_workbook(path, read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


# --------------------------------------------------------------- 4: bombs


def test_zip_of_blank_csv_lines_is_refused_early_with_bounded_memory(tmp_path):
    # 64 MiB of blank lines packs into ~64 KB; today's reader held it whole
    members = _csv_members()
    members["单位.csv"] = members["单位.csv"] + b"\n" * (64 * 2 ** 20)
    bomb = _zip_of(tmp_path / "bomb.zip", members)
    assert bomb.stat().st_size < 200_000
    peak = _peak_mib(lambda: _refused(bomb, str(limits.MAX_ROWS)))
    assert peak < 24, f"reading the bomb took {peak:.0f} MiB"


def test_one_line_of_a_million_commas_is_refused_with_bounded_memory(tmp_path):
    members = _csv_members()
    members["单位.csv"] = members["单位.csv"] + b"\n" + b"," * (limits.MAX_COLUMNS + 1) + b"\n"
    peak = _peak_mib(lambda: _refused(_zip_of(tmp_path / "wide.zip", members), "单位.csv"))
    assert peak < 24, f"reading the bomb took {peak:.0f} MiB"


def test_sheet_with_a_far_away_cell_is_refused_before_it_is_read(tmp_path):
    # two cells, A1 and XFD1048576: 6 KB on disk, 17 billion cells to a reader
    # that holds the sheet as a grid
    path = write_xlsx(tmp_path / "far.xlsx", roster_sheets(rich_roster(), optional=False))
    wb = load_workbook(path)
    wb["单位"]["XFD1048576"] = "x"
    wb.save(path)
    assert path.stat().st_size < 50_000
    peak = _peak_mib(lambda: _refused(path, str(limits.MAX_TABLE_CELLS)))
    assert peak < 24, f"reading the bomb took {peak:.0f} MiB"


def test_a_far_cell_within_a_to_z_is_refused_too(tmp_path):
    # the scan's cheap pass takes rows within A1:Z99999 as spanning all of
    # it; one cell below them (Z700000: 700,000 rows x 26 columns) is seen
    path = write_xlsx(tmp_path / "deep.xlsx", roster_sheets(rich_roster(), optional=False))
    wb = load_workbook(path)
    wb["单位"]["Z700000"] = "x"
    wb.save(path)
    peak = _peak_mib(lambda: _refused(path, "700000", str(limits.MAX_TABLE_CELLS)))
    assert peak < 24, f"reading the bomb took {peak:.0f} MiB"


def test_shared_strings_far_more_than_cells_are_refused(tmp_path):
    # 200,000 empty shared strings for a workbook of a few hundred cells:
    # a few KB packed, each one a string object to a reader
    out = write_xlsx(tmp_path / "sst.xlsx", roster_sheets(rich_roster(), optional=False))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml",
                    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    + b"<si><t/></si>" * 200_000 + b"</sst>")
    assert out.stat().st_size < 100_000
    _refused(out, "shared strings")


# --------------------------------------------------------------- 5: formulas


HOSTILE = ['=HYPERLINK("http://evil.example/x","点击")', "+8613812341234", "-1+2", "@SUM(A1:A9)"]


def _hostile_roster() -> Roster:
    r = rich_roster()
    for row, text in zip(r.rows("units"), HOSTILE):
        row.values["name"] = text
    for row, text in zip(r.rows("people"), HOSTILE):
        row.values["phone"] = text
    r.rows("streets")[0].values["name"] = HOSTILE[0]
    return r


def _sheet_xml(path, title: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(_sheet_part(path, title)).decode("utf-8")


def test_export_writes_formula_like_text_as_text_and_reads_it_back(tmp_path):
    roster = _hostile_roster()
    out = write_roster(roster, tmp_path / "导出.xlsx")
    for title in ("单位", "人员"):
        xml = _sheet_xml(out, title)
        assert "<f>" not in xml and "<f " not in xml, xml[:500]
        assert 't="e"' not in xml
        assert "HYPERLINK" in xml if title == "单位" else "+8613812341234" in xml
    back, _ = read_roster(out)
    assert [r["name"] for r in back.rows("units")][:4] == HOSTILE
    assert [r.get("phone") for r in back.rows("people")][:4] == HOSTILE


def test_csv_export_keeps_formula_like_text_from_excel_and_reads_it_back(tmp_path):
    roster = _hostile_roster()
    folder = write_roster(roster, tmp_path / "导出")
    text = (folder / "单位.csv").read_text(encoding="utf-8-sig")
    # no cell of the file starts with = + - @ (Excel would run it)
    cells = [c for line in text.splitlines()[1:] for c in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)', line)]
    assert not [c for c in cells if c.lstrip('"').startswith(("=", "+", "-", "@"))]
    back, _ = read_roster(folder)
    assert [r["name"] for r in back.rows("units")][:4] == HOSTILE
    assert [r.get("phone") for r in back.rows("people")][:4] == HOSTILE


def test_report_and_template_write_no_formula(tmp_path):
    from graph.analysis import analyze
    from graph.build import roster_to_graph

    out = tmp_path / "report.xlsx"
    out.write_bytes(render_xlsx(analyze(roster_to_graph(_hostile_roster()), as_of=dt.date(2025, 1, 1))))
    template = write_template(tmp_path / "模板.xlsx")
    for path in (out, template):
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    xml = zf.read(name).decode("utf-8")
                    assert "<f>" not in xml and 't="e"' not in xml, (path.name, name)
    with zipfile.ZipFile(out) as zf:
        assert any("HYPERLINK" in zf.read(n).decode("utf-8") for n in zf.namelist()
                   if n.endswith(".xml"))


# --------------------------------------------------------------- 6: damaged files


def _cli_exit_2(path, capsys):
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "不是花名册" in err and "not a roster" in err


def test_zip_with_a_bad_crc_is_not_a_roster(tmp_path, capsys):
    path = _zip_of(tmp_path / "crc.zip", _csv_members())
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("单位.csv")
    # flip one stored CRC byte in the local header and the central directory
    crc = info.CRC.to_bytes(4, "little")
    data = bytes(data).replace(crc, bytes([crc[0] ^ 0xFF]) + crc[1:])
    path.write_bytes(data)
    _refused(path, "crc.zip")
    _cli_exit_2(path, capsys)


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (b"" if i == 1 else str(i - 1).encode())) * 10)
                     for i in range(1, 10)) + b"]>")


def test_xlsx_with_entity_expansion_is_refused_by_the_parser_settings(tmp_path, capsys):
    src = write_xlsx(tmp_path / "r.xlsx", roster_sheets(rich_roster(), optional=False))
    part = _sheet_part(src, "单位")

    def bomb(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return LAUGHS + body.replace(b"<v>", b"<v>&lol9;", 1)

    out = _rewrite_xlsx(src, tmp_path / "lol.xlsx", part, bomb)
    peak = _peak_mib(lambda: _refused(out, "DTD"))
    assert peak < 24
    _cli_exit_2(out, capsys)


def test_xlsx_whose_sheet_xml_is_cut_is_not_a_roster(tmp_path, capsys):
    src = write_xlsx(tmp_path / "r.xlsx", roster_sheets(rich_roster(), optional=False))
    part = _sheet_part(src, "单位")
    # cut right after a whole row: a lenient parser reads a shorter sheet
    out = _rewrite_xlsx(src, tmp_path / "cut.xlsx", part,
                        lambda xml: xml[: xml.index(b"</row>", xml.index(b"</row>") + 1) + 6])
    _refused(out, "cut.xlsx", "truncated")
    _cli_exit_2(out, capsys)


def _damaged_files(tmp_path):
    crc = _zip_of(tmp_path / "crc.zip", _csv_members())
    with zipfile.ZipFile(crc) as zf:
        c = zf.getinfo("单位.csv").CRC.to_bytes(4, "little")
    crc.write_bytes(crc.read_bytes().replace(c, bytes([c[0] ^ 0xFF]) + c[1:]))
    src = write_xlsx(tmp_path / "r.xlsx", roster_sheets(rich_roster(), optional=False))
    part = _sheet_part(src, "单位")
    lol = _rewrite_xlsx(src, tmp_path / "lol.xlsx", part,
                        lambda xml: LAUGHS + xml.split(b"?>", 1)[-1].replace(b"<v>", b"<v>&lol9;", 1))
    cut = _rewrite_xlsx(src, tmp_path / "cut.xlsx", part, lambda xml: xml[: len(xml) * 2 // 3])
    return [(crc, "damaged"), (lol, "DTD"), (cut, "truncated")]


@pytest.mark.neo4j
def test_damaged_uploads_are_400_not_a_roster_over_http(neo4j_db, tmp_path):
    from api.source import Neo4jSource
    from api_kit import serve
    from graph import store

    with serve(Neo4jSource(neo4j_db), tmp_path / "home") as api:
        admin = api.client("admin", name="导入员")
        for path, why in _damaged_files(tmp_path):
            with open(path, "rb") as f:
                r = admin.post("/api/v1/imports", files={"file": (path.name, f, "application/zip")})
            assert r.status_code == 400, (path.name, r.status_code, r.text[:300])
            err = r.json()["error"]
            assert err["code"] == "not_a_roster" and why in err["message_en"], err
            assert "不是花名册" in err["message_zh"] and "Traceback" not in r.text
    assert not any(store.counts(neo4j_db).values())


# --------------------------------------------------------------- 7: not regular files


def _folder(tmp_path):
    return write_csvs(tmp_path / "r", roster_sheets(rich_roster(), optional=False))


def test_table_file_that_is_a_directory_is_refused(tmp_path):
    folder = _folder(tmp_path)
    (folder / "单位.csv").unlink()
    (folder / "单位.csv").mkdir()
    _refused(folder, "单位.csv", "folder")


def test_table_file_that_is_a_fifo_is_refused_without_blocking(tmp_path):
    folder = _folder(tmp_path)
    (folder / "单位.csv").unlink()
    os.mkfifo(folder / "单位.csv")
    _refused(folder, "单位.csv", "special file")


def test_table_file_that_is_a_symlink_is_refused(tmp_path):
    folder = _folder(tmp_path)
    target = tmp_path / "elsewhere.csv"
    (folder / "单位.csv").rename(target)
    (folder / "单位.csv").symlink_to(target)
    _refused(folder, "单位.csv", "symbolic link")


def test_zip_member_that_is_a_directory_named_like_a_table_is_refused(tmp_path):
    members = _csv_members()
    del members["单位.csv"]
    path = _zip_of(tmp_path / "r.zip", members)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(zipfile.ZipInfo("单位.csv/"), b"")
    _refused(path, "单位.csv", "folder")


# --------------------------------------------------------------- 8: limits


def _both_forms(tmp_path, sheets):
    x = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))[1]
    c = check_roster(write_csvs(tmp_path / "r", sheets))[1]
    key = lambda i: (i.table, i.line, i.column, i.code, i.severity)  # noqa: E731
    assert sorted(map(key, x)) == sorted(map(key, c))  # the same for every input form
    return [key(i) for i in x if i.severity == "error"], x


def test_a_code_too_long_to_index_is_an_error_in_check(tmp_path):
    sheets = roster_sheets(rich_roster(), optional=False)
    sheets["单位"][5][0] = "U" * 40_000  # row 6: U05's code
    sheets["党组织"] = [r for r in sheets["党组织"] if "U05" not in (r[5] or "")]
    errors, issues = _both_forms(tmp_path, sheets)
    assert ("单位 units", 6, "单位编码", "too_long", "error") in errors
    i = next(i for i in issues if i.code == "too_long")
    assert str(limits.CODE_CHARS) in i.message_zh and str(limits.CODE_CHARS) in i.message_en
    assert len(i.value) < 50  # the report shows its start, not 40,000 characters


@pytest.mark.parametrize("date", ["1800-01-01", "0001-01-01", "2200-01-01"])
def test_implausible_dates_are_errors_in_check(tmp_path, date):
    sheets = roster_sheets(rich_roster(), optional=False)
    col = [c.key for c in schema.table("posts").columns].index("start")
    sheets["任职"][1][col] = date
    errors, _ = _both_forms(tmp_path, sheets)
    assert ("任职 posts", 2, "起始日期", "date_out_of_range", "error") in errors


def test_a_5_mib_cell_is_the_same_error_from_xlsx_and_csv(tmp_path):
    sheets = roster_sheets(rich_roster(), optional=False)
    sheets["单位"][2][1] = "长" * (5 * 2 ** 20 // 3)  # U02's name: 5 MiB of UTF-8
    errors, _ = _both_forms(tmp_path, sheets)
    assert errors == [("单位 units", 3, "单位名称", "too_long", "error")]
