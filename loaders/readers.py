"""Read a roster: an .xlsx workbook, a folder of CSV files or a .zip of them.

The format is ``roster-format.md`` (version 1). What the readers promise:

* a sheet / CSV file is found by its Chinese table name or English alias
  (``单位`` / ``units``, ``单位.csv`` / ``units.csv``);
* headers in Chinese or as the alias, or both as roster-format.md lists
  them (``所属单位 (units, list)``); spaces and line breaks, full-width
  characters and a required marker (``*``/``＊`` before or after,
  ``（必填）``) do not count;
* title and note rows above the header are skipped: the header is the first
  row holding all the table's required headers; fully blank rows are skipped,
  and so is a second header row right under it (English aliases under
  Chinese headers);
* every cell is trimmed, NFKC-normalized and parsed per its column type
  (:mod:`loaders.cells`); a cell that cannot be read becomes an
  :class:`~graph.errors.Issue`, never an exception;
* CSV files may be UTF-8 (with or without BOM) or GB18030;
* row numbers are the Excel row numbers (the header row has its own number),
  for CSV too: the record number, as Excel shows the file (a cell with a
  line break inside does not count twice).

Workbooks are read with python-calamine (:mod:`loaders.xlsx`), after a
cheap scan of the package that refuses damaged, hostile and oversized
workbooks and finds what calamine reads as empty: merged ranges (Excel keeps
a merged range's value in its top-left cell only: right for merged title
rows; below the header a hidden cell that would lose a value, or leave a
required cell empty, is reported as ``merged_cell``), error values
(``#N/A``) and formulas never calculated (an error naming the cell, never a
silent blank). CSV files are streamed.

Every table is held to the size limits of :mod:`graph.limits` (rows, cells,
characters of a cell or record) while it is read: a file past them is
refused before it costs memory.

A file that is not a roster at all raises :class:`NotARosterError` with one
clear bilingual message.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import stat
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Callable, Iterator

from graph import limits, schema
from graph.errors import Issue, NotARosterError
from graph.limits import MAX_UNPACKED_BYTES
from graph.roster import Roster, Row
from loaders import xlsx
from loaders.cells import CellError, normalize_header, normalize_text, parse_cell

__all__ = [
    "read_roster",
    "table_label",
    "INSTRUCTION_SHEETS",
    "OLE_MAGIC",
]

#: Sheets a workbook may carry besides the tables (the template's 说明).
INSTRUCTION_SHEETS = ("说明", "README")
#: Start of an OLE compound file: an encrypted (password) workbook or an
#: old .xls.
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

_MAGIC_NAMES = (
    (b"\x89PNG", "PNG 图片", "a PNG image"),
    (b"\xff\xd8\xff", "JPEG 图片", "a JPEG image"),
    (b"GIF8", "GIF 图片", "a GIF image"),
    (b"%PDF", "PDF 文档", "a PDF document"),
    (b"BM", "BMP 图片", "a BMP image"),
)

Progress = Callable[[str], None]


def table_label(table: schema.Table) -> str:
    """How an issue names a table: ``"单位 units"``."""
    return f"{table.zh} {table.key}"


@dataclass
class _Sheet:
    """One table-like source: a worksheet or a CSV file."""

    name: str  # as found (sheet title or file name)
    stem: str  # what names the table (sheet title, file name without .csv)
    rows: Callable[[], Iterator[tuple[int, tuple]]]  # (row number, cells)
    epoch_1904: bool = False
    # merged ranges (first row, first column, last row, last column, "B5:B6"),
    # 1-based; a workbook's only
    merges: Callable[[], list[tuple[int, int, int, int, str]]] = list


# ---------------------------------------------------------------------------
# Finding the sources
# ---------------------------------------------------------------------------

_not_a_roster = NotARosterError.about
_CHUNK = 1 << 20
_BOM = b"\xef\xbb\xbf"
# Cells up to the limit are read (and held to their column kind's limit by
# ``check``), whatever the form; Python's default (131,072) would refuse a
# long CSV cell that a workbook may hold.
csv.field_size_limit(max(csv.field_size_limit(), limits.MAX_FIELD_CHARS))


_CJK = re.compile("[\u4e00-\u9fff]")


def _cjk(text: str, enough: int = 4) -> int:
    """Chinese characters in ``text``, counted up to ``enough``."""
    n = 0
    for _ in _CJK.finditer(text):
        n += 1
        if n >= enough:
            break
    return n


def _mixed_encoding(name: str, line: int) -> NotARosterError:
    return _not_a_roster(
        name,
        f"文件是 UTF-8 编码，但第 {line} 行混有其他编码（如 GBK）的文字；"
        "请在 Excel 中打开并重新“另存为 CSV UTF-8”",
        f"the file is UTF-8 but line {line} holds text in another encoding (GBK?); "
        "open it in Excel and 'Save as CSV UTF-8' again",
    )


def _unknown_encoding(name: str) -> NotARosterError:
    return _not_a_roster(
        name,
        "无法识别文字编码（只支持 UTF-8 和 GB18030）；请在 Excel 中“另存为 CSV UTF-8”",
        "unknown text encoding (UTF-8 and GB18030 are supported); "
        "in Excel use 'Save as CSV UTF-8'",
    )


def _decoded(name: str, opener: Callable[[], BinaryIO]) -> Iterator[str]:
    """A CSV file's text in chunks: UTF-8 (with or without BOM) or GB18030.

    A UTF-8 file with a line in another encoding (Chinese text read fine as
    UTF-8 before it) is refused naming the line, not read as GB18030
    mojibake; a file that is no UTF-8 from its start is GB18030.
    """
    with opener() as f:
        raw = f.read(_CHUNK)
        bom = raw.startswith(_BOM)
        raw = raw.removeprefix(_BOM)
        dec = codecs.getincrementaldecoder("utf-8")()
        lines = cjk = 0
        ascii_only = True
        first = True
        while raw:
            try:
                text = dec.decode(raw)
            except UnicodeDecodeError as e:
                seen = e.object[:e.start].decode("utf-8", "replace")
                if cjk + _cjk(seen) >= 4:
                    raise _mixed_encoding(name, lines + seen.count("\n") + 1) from None
                if first:  # not UTF-8 from the start: GB18030, read again
                    yield from _decoded_gb18030(name, opener, bom)
                    return
                if not (ascii_only and not dec.getstate()[0] and e.object == raw):
                    raise _mixed_encoding(name, lines + seen.count("\n") + 1) from None
                # ASCII so far (the same in GB18030): the rest is GB18030
                gb = codecs.getincrementaldecoder("gb18030")()
                try:
                    while raw:
                        yield _text(name, gb.decode(raw))
                        raw = f.read(_CHUNK)
                    yield _text(name, gb.decode(b"", final=True))
                except UnicodeDecodeError:
                    raise _unknown_encoding(name) from None
                return
            first = False
            lines += text.count("\n")
            if ascii_only and not text.isascii():
                ascii_only = False
                cjk += _cjk(text)
            elif cjk < 4:
                cjk += _cjk(text)
            yield _text(name, text)
            raw = f.read(_CHUNK)
        try:
            yield _text(name, dec.decode(b"", final=True))
        except UnicodeDecodeError:
            raise _mixed_encoding(name, lines + 1) from None


def _decoded_gb18030(name: str, opener: Callable[[], BinaryIO], bom: bool) -> Iterator[str]:
    gb = codecs.getincrementaldecoder("gb18030")()
    with opener() as f:
        raw = f.read(_CHUNK)
        if bom:  # a BOM in front of GB18030 text (some editors add one): drop it
            raw = raw.removeprefix(_BOM)
        try:
            while raw:
                yield _text(name, gb.decode(raw).removeprefix("\ufeff") if bom else gb.decode(raw))
                bom = False
                raw = f.read(_CHUNK)
            yield _text(name, gb.decode(b"", final=True))
        except UnicodeDecodeError:
            raise _unknown_encoding(name) from None


def _text(name: str, text: str) -> str:
    if "\x00" in text:
        raise _not_a_roster(name, "文件含有二进制内容，不是 CSV 文本", "it holds binary data, not CSV text")
    return text


class _Lines:
    """Lines of a text stream for :mod:`csv` (line ends kept, as
    ``newline=""`` splits them), bounding what one record may take."""

    def __init__(self, name: str, chunks: Iterator[str]) -> None:
        self.name = name
        self.chunks = chunks
        self.lines: deque[str] = deque()
        self.rest = ""
        self.record = 0  # characters of the record being read

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        while not self.lines:
            chunk = next(self.chunks, None)
            if chunk is None:
                if not self.rest:
                    raise StopIteration
                self.lines.append(self.rest)
                self.rest = ""
                break
            text = self.rest + chunk
            hold = text.endswith("\r")  # a "\r\n" may be split across chunks
            if hold:
                text = text[:-1]
            self.lines.extend(io.StringIO(text, newline="").readlines())
            self.rest = self.lines.pop() if self.lines and not self.lines[-1].endswith(("\n", "\r")) else ""
            if hold:
                self.rest += "\r"
            if len(self.rest) > limits.MAX_RECORD_CHARS:
                raise self.too_long()
        line = self.lines.popleft()
        self.record += len(line)
        if self.record > limits.MAX_RECORD_CHARS:
            raise self.too_long()
        return line

    def too_long(self) -> NotARosterError:
        mb = limits.MAX_RECORD_CHARS >> 20
        return _not_a_roster(self.name, f"有一行超过 {mb}M 个字符，不像花名册",
                             f"a row holds over {mb}M characters: not a roster")


def _refuse_size(name: str, zh: str, en: str) -> NotARosterError:
    return _not_a_roster(name, f"{zh}，超出花名册的合理大小；请检查文件，或拆分后再读取",
                         f"{en}, more than a roster can sensibly hold; check the file, or split it")


def _csv_rows(name: str, opener: Callable[[], BinaryIO]) -> Iterator[tuple[int, tuple]]:
    """(row number, cells) of a CSV file (``name`` as messages show it: for
    a zip member, ``zip/member``), streamed. Numbered by record, as Excel
    shows the file: a quoted cell with a line break inside is one row, not
    two. Refused past :data:`graph.limits.MAX_ROWS` rows (blank ones
    included) or :data:`graph.limits.MAX_TABLE_CELLS` cells."""
    lines = _Lines(name, _decoded(name, opener))
    reader = csv.reader(lines)
    start = 1
    cells = 0
    try:
        for n, rec in enumerate(reader, start=1):
            lines.record = 0
            cells += len(rec)
            if n > limits.MAX_ROWS:
                raise _refuse_size(name, f"超过 {limits.MAX_ROWS} 行（空行也计算在内）",
                                   f"over {limits.MAX_ROWS} rows (blank ones included)")
            if cells > limits.MAX_TABLE_CELLS or len(rec) > limits.MAX_COLUMNS:
                raise _refuse_size(name, f"第 {n} 行处单元格总数超过 {limits.MAX_TABLE_CELLS}（空单元格也计算在内）",
                                   f"over {limits.MAX_TABLE_CELLS} cells by row {n} (blank ones included)")
            yield n, tuple(rec)
            start = reader.line_num + 1
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            mb = limits.MAX_FIELD_CHARS >> 20
            raise _not_a_roster(name, f"文件第 {start} 行附近有超过 {mb}M 个字符的单元格，不像花名册",
                                f"a cell near line {start} of the file holds over {mb}M characters: "
                                "not a roster") from None
        raise _not_a_roster(name, f"CSV 格式错误（文件第{start}行）：{e}",
                            f"malformed CSV at line {start} of the file: {e}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise _not_a_roster(name, f"压缩包中的该文件已损坏（{e}）", f"the file is damaged in its zip ({e})") from None


def _csv_sheet(name: str, opener: Callable[[], BinaryIO], shown: str | None = None) -> _Sheet:
    return _Sheet(name, PurePosixPath(name).stem, partial(_csv_rows, shown or name, opener))


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name, also for zips written by Chinese Windows (GBK names
    without the UTF-8 flag, which Python decodes as CP437)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _not_regular(where: str, name: str, kind_zh: str, kind_en: str) -> NotARosterError:
    return _not_a_roster(
        where, f"“{name}”是{kind_zh}，不是普通文件；请把表的 CSV 文件本身放在这里",
        f"{name!r} is {kind_en}, not a regular file; put the table's CSV file itself there")


def _is_table_file(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith((".", "~$"))


def _folder_sources(folder: Path) -> tuple[list[_Sheet], str]:
    files: list[tuple[str, Path]] = []
    for entry in os.scandir(folder):
        name = _file_name(Path(entry.path))
        if not _is_table_file(name):
            continue
        if entry.is_symlink():
            raise _not_regular(folder.name, name, "符号链接", "a symbolic link")
        if entry.is_dir():
            raise _not_regular(folder.name, name, "文件夹", "a folder")
        if not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
            raise _not_regular(folder.name, name, "特殊文件（如管道或设备）", "a special file (a pipe or device)")
        files.append((entry.name, Path(entry.path)))
    files.sort()
    if not files:
        raise _not_a_roster(folder.name, "文件夹里没有 CSV 文件", "the folder holds no CSV files")
    h = hashlib.sha256()
    sheets = []
    for _, p in files:
        name = _file_name(p)
        h.update(name.encode("utf-8") + b"\x00" + p.stat().st_size.to_bytes(8, "big"))
        with open(p, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
        sheets.append(_csv_sheet(name, partial(open, p, "rb")))
    return sheets, h.hexdigest()


def _file_name(p: Path) -> str:
    """A file's name, also when it is stored in GBK bytes (a zip from
    Chinese Windows unpacked on Linux)."""
    raw = os.fsencode(p.name)
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def _zip_csv_sources(zf: zipfile.ZipFile, name: str) -> list[_Sheet]:
    sheets = []
    for info in sorted(zf.infolist(), key=lambda i: i.filename):
        member = _zip_name(info)
        base = PurePosixPath(member.rstrip("/")).name
        if not _is_table_file(base) or member.startswith("__MACOSX/"):
            continue
        if info.is_dir():
            raise _not_regular(name, member, "文件夹", "a folder")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise _not_regular(name, member, "符号链接", "a symbolic link")
        sheets.append(_csv_sheet(base, partial(zf.open, info), f"{name}/{member}"))
    if not sheets:
        books = [PurePosixPath(_zip_name(i)).name for i in zf.infolist()
                 if _zip_name(i).lower().endswith((".xlsx", ".xlsm"))]
        if books:
            raise _not_a_roster(
                name, f"压缩包里装的是 Excel 工作簿（{'、'.join(books)}）；请解压后直接读取该 .xlsx 文件",
                f"the zip holds an Excel workbook ({', '.join(books)}); unzip it and read the .xlsx itself")
        raise _not_a_roster(name, "压缩包里既没有 Excel 工作簿也没有 CSV 文件",
                            "the zip holds neither an Excel workbook nor CSV files")
    return sheets


def _xlsx_sheets(path: Path, zf: zipfile.ZipFile) -> tuple[xlsx.Workbook, list[_Sheet]]:
    wb = xlsx.open_workbook(path, zf)
    sheets = [_Sheet(title, title, partial(wb.rows, title, scan), wb.epoch_1904,
                     lambda scan=scan: scan.merges)
              for title, scan in wb.sheets]
    return wb, sheets


def _file_sources(path: Path) -> tuple[list, list[_Sheet]]:
    """(things to close, sheets) of a roster file, by its content."""
    name = path.name
    with open(path, "rb") as f:
        head = f.read(8)
    if not head:
        raise _not_a_roster(name, "文件是空的（0 字节）", "the file is empty (0 bytes)")
    if head.startswith(OLE_MAGIC):
        raise _not_a_roster(
            name,
            "这是设了打开密码的加密工作簿，或旧版 .xls 文件；请在 Excel 中取消密码并另存为 .xlsx",
            "it is a password-protected (encrypted) workbook or an old .xls file; "
            "remove the password in Excel and save as .xlsx",
        )
    if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
        try:
            zf = zipfile.ZipFile(path)
            names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise _not_a_roster(name, "压缩文件已损坏", "the zip container is damaged") from None
        unpacked = sum(i.file_size for i in zf.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            zf.close()
            raise _not_a_roster(
                name,
                f"解压后有 {unpacked // (1 << 20)} MB，超过上限 {MAX_UNPACKED_BYTES // (1 << 20)} MB,"
                "不像花名册；请检查文件，或改用 CSV 文件夹",
                f"it unpacks to {unpacked // (1 << 20)} MB, over the {MAX_UNPACKED_BYTES // (1 << 20)} MB "
                "limit: not a roster; check the file, or use a folder of CSV files")
        try:
            if "xl/workbook.xml" in names:
                wb, sheets = _xlsx_sheets(path, zf)
                return [wb, zf], sheets
            return [zf], _zip_csv_sources(zf, name)
        except BaseException:
            zf.close()
            raise
    if path.suffix.lower() == ".csv":
        raise _not_a_roster(
            name,
            "单个 CSV 文件不是完整的花名册；请把各表的 CSV 文件放进一个文件夹（或压缩为 .zip）再读取",
            "a single CSV file is not a whole roster; put each table's CSV file into one folder "
            "(or a .zip) and read that",
        )
    kind = next(((zh, en) for magic, zh, en in _MAGIC_NAMES if head.startswith(magic)), None)
    what_zh = f"它是{kind[0]}" if kind else "它不是 Excel 工作簿（.xlsx）"
    what_en = f"it is {kind[1]}" if kind else "it is not an Excel workbook (.xlsx)"
    raise _not_a_roster(
        name,
        f"{what_zh}；花名册应是 .xlsx 工作簿、CSV 文件夹或 CSV 压缩包",
        f"{what_en}; a roster is an .xlsx workbook, a folder of CSV files or a .zip of them",
    )


# ---------------------------------------------------------------------------
# Reading one table
# ---------------------------------------------------------------------------


def _table_for(stem: str) -> schema.Table | None:
    key = normalize_header(stem)
    for t in schema.TABLES:
        if key in (normalize_header(t.zh), t.key.casefold(), normalize_header(f"{t.zh}({t.key})")):
            return t
    return None


def _header_lookup(table: schema.Table) -> dict[str, schema.Column]:
    out: dict[str, schema.Column] = {}
    for c in table.columns:
        out[normalize_header(c.zh)] = c
        out[c.key.casefold()] = c
        # both, as roster-format.md's table writes them: 所属单位 (units, list)
        out[normalize_header(f"{c.zh}({c.key})")] = c
        if c.type == "refs":
            out[normalize_header(f"{c.zh}({c.key},list)")] = c
    return out


def _blank(cells: tuple) -> bool:
    for v in cells:
        if v is None:
            continue
        if isinstance(v, str) and not normalize_text(v):
            continue
        return False
    return True


def _read_table(table: schema.Table, sheet: _Sheet, issues: list[Issue],
                progress: Progress | None, header: set[str]) -> list[Row]:
    """The rows of one table; ``header`` receives the keys of the columns
    its header row names."""
    label = table_label(table)
    lookup = _header_lookup(table)
    required = {c.key for c in table.required_columns}
    rows: list[Row] = []
    colmap: list[tuple[int, schema.Column]] | None = None
    best: tuple[int, int, set[str]] = (0, 0, set())  # (hits, line, keys) of the best non-header
    saw_anything = False
    alias_row_possible = False
    covered: dict[tuple[int, int], tuple[int, int, str]] = {}  # (row, col) -> its merge's first cell
    top_left: set[tuple[int, int]] = set()
    top_raw: dict[tuple[int, int], Any] = {}
    for line, cells in sheet.rows():
        if _blank(cells):
            continue
        saw_anything = True
        if colmap is None:
            found: dict[str, int] = {}
            for i, v in enumerate(cells):
                c = lookup.get(normalize_header(v)) if v is not None else None
                if c is not None and c.key not in found:
                    found[c.key] = i
            if not required <= found.keys():
                if len(found) > best[0]:
                    best = (len(found), line, set(found))
                continue
            colmap = _accept_header(table, label, line, cells, lookup, issues)
            header.update(c.key for _, c in colmap)
            alias_row_possible = True
            covered = _covered_cells(sheet.merges(), line, {i for i, _ in colmap})
            top_left = {(r, c) for r, c, _ in covered.values()}
            continue
        if alias_row_possible:
            alias_row_possible = False
            if _repeats_header(cells, colmap, lookup, required):
                continue  # a second header row: the aliases under the Chinese headers
        values: dict[str, Any] = {}
        for i, col in colmap:
            raw = cells[i] if i < len(cells) else None
            if covered and (line, i) in covered and (raw is None or not normalize_text(raw)):
                r, c, ref = covered[(line, i)]
                first = top_raw.get((r, c))
                if col.required or (first is not None and normalize_text(first)):
                    issues.append(Issue(
                        label, line, col.zh, None if col.type == "phone" else normalize_text(first) or None,
                        f"该单元格属于合并单元格 {ref},Excel 只在第一个单元格保存值，本行读到的是空值；"
                        "请取消合并，并在每一行填写",
                        f"this cell is part of the merged cells {ref}: Excel keeps the value in the first "
                        "cell only, so this row reads empty; unmerge the cells and fill every row",
                        "error", "merged_cell",
                    ))
                continue
            try:
                v = parse_cell(col, raw, sheet.epoch_1904)
            except CellError as e:
                shown = None if col.type == "phone" else normalize_text(raw)  # personal data
                issues.append(Issue(label, line, col.zh, shown, e.message_zh,
                                    e.message_en, "error", e.code))
                continue
            if v is not None:
                values[col.key] = v
        for r, c in top_left:
            if r == line:
                top_raw[(r, c)] = cells[c] if c < len(cells) else None
        rows.append(Row(table.key, line, values))
        if progress and len(rows) % 50000 == 0:
            progress(f"读取 reading {label}: {len(rows)} 行 rows")
    if colmap is None and (saw_anything or not table.optional):
        hits, line, keys = best
        missing = [c for c in table.required_columns if c.key not in keys]
        if hits:
            for c in missing:
                issues.append(Issue(
                    label, line, c.zh, None,
                    f"表头缺少必填列“{c.header}”（也可写英文 {c.key}）；本表的数据未读取",
                    f"the header row lacks the required column {c.header} (or {c.key}); "
                    "this table's rows were not read",
                    "error", "missing_column",
                ))
        else:
            heads = "、".join(c.header for c in table.required_columns)
            issues.append(Issue(
                label, 0, "", sheet.name,
                f"找不到表头行：表头应包含 {heads}",
                f"no header row found: the header must hold {', '.join(c.header + ' (' + c.key + ')' for c in table.required_columns)}",
                "error", "no_header",
            ))
    if progress and len(rows) >= 10000:
        progress(f"读取 read {label}: {len(rows)} 行 rows")
    return rows


def _covered_cells(merges, header_line: int, columns: set[int]
                   ) -> dict[tuple[int, int], tuple[int, int, str]]:
    """Cells below the header hidden by a merge: (row, 0-based column) ->
    (row, 0-based column, "B5:B6") of the merge's first cell."""
    out = {}
    for r1, c1, r2, c2, ref in merges:
        if r1 <= header_line:
            continue
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and c - 1 in columns:
                    out[(r, c - 1)] = (r1, c1 - 1, ref)
    return out


def _repeats_header(cells: tuple, colmap, lookup, required: set[str]) -> bool:
    """Whether a row names, column by column, the columns of the header
    above it (all required ones at least)."""
    named = set()
    for i, col in colmap:
        v = cells[i] if i < len(cells) else None
        h = normalize_header(v) if v is not None else ""
        if not h:
            continue
        if lookup.get(h) is not col:
            return False
        named.add(col.key)
    return required <= named


def _accept_header(table, label, line, cells, lookup, issues) -> list[tuple[int, schema.Column]]:
    colmap: list[tuple[int, schema.Column]] = []
    seen: dict[str, int] = {}
    for i, v in enumerate(cells):
        h = normalize_header(v) if v is not None else ""
        if not h:
            continue
        c = lookup.get(h)
        if c is None:
            issues.append(Issue(
                label, line, normalize_text(v), normalize_text(v),
                f"未知列“{normalize_text(v)}”（第 {xlsx.col_letter(i)} 列）已忽略；本表的列为："
                + "、".join(col.zh for col in table.columns),
                f"unknown column {normalize_text(v)!r} (column {xlsx.col_letter(i)}) ignored; "
                "this table's columns are: " + ", ".join(f"{col.zh} ({col.key})" for col in table.columns),
                "warning", "unknown_column",
            ))
            continue
        if c.key in seen:
            issues.append(Issue(
                label, line, c.zh, normalize_text(v),
                f"列“{c.zh}”出现两次（第 {xlsx.col_letter(seen[c.key])} 列和第 "
                f"{xlsx.col_letter(i)} 列）；只读取第一列，请删除重复的列",
                f"column {c.zh} ({c.key}) appears twice (columns {xlsx.col_letter(seen[c.key])} "
                f"and {xlsx.col_letter(i)}); only the first is read, delete the other",
                "error", "duplicate_column",
            ))
            continue
        seen[c.key] = i
        colmap.append((i, c))
    return colmap


# ---------------------------------------------------------------------------
# The roster
# ---------------------------------------------------------------------------


def _is_instructions(stem: str) -> bool:
    return normalize_header(stem) in {normalize_header(s) for s in INSTRUCTION_SHEETS}


def read_roster(path: str | os.PathLike, *, progress: Progress | None = None
                ) -> tuple[Roster, list[Issue]]:
    """Read a roster file without judging it as a whole.

    Parameters
    ----------
    path : str or PathLike
        An .xlsx workbook, a folder of CSV files, or a .zip of CSV files.
    progress : callable, optional
        Receives one-line progress messages (meant for stderr).

    Returns
    -------
    (Roster, issues)
        The parsed rows (``roster.source`` = the file or folder name,
        ``roster.sha256`` = SHA-256 of the file, or of the folder's CSV files
        in name order) and the problems met while reading: cells that cannot
        be read, unknown columns (warnings), missing tables and headers.

    Raises
    ------
    NotARosterError
        When ``path`` is not a roster at all: missing, empty, an image or
        other non-workbook, a password-protected workbook, a CSV in an
        unknown encoding, or a workbook with no roster table in it.
    """
    p = Path(path)
    closers: list = []
    if p.is_dir():
        sheets, digest = _folder_sources(p)
    elif p.is_file():
        h = hashlib.sha256()
        with open(p, "rb") as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
        digest = h.hexdigest()
        closers, sheets = _file_sources(p)
    else:
        raise NotARosterError(f"找不到文件或文件夹：{p}", f"no such file or folder: {p}")
    try:
        roster, issues = _read_sheets(p, sheets, progress)
    finally:
        for c in closers:
            c.close()
    roster.source = p.name
    roster.sha256 = digest
    return roster, issues


def _read_sheets(p: Path, sheets: list[_Sheet], progress: Progress | None
                 ) -> tuple[Roster, list[Issue]]:
    issues: list[Issue] = []
    by_table: dict[str, _Sheet] = {}
    unknown: list[_Sheet] = []
    for s in sheets:
        t = _table_for(s.stem)
        if t is None:
            if not _is_instructions(s.stem):
                unknown.append(s)
            continue
        if t.key in by_table:
            issues.append(Issue(
                table_label(t), 0, "", s.name,
                f"表“{t.zh}”出现两次（“{by_table[t.key].name}”和“{s.name}”）；只读取第一个，请合并为一个",
                f"table {t.zh} ({t.key}) is given twice ({by_table[t.key].name!r} and {s.name!r}); "
                "only the first is read, merge them into one",
                "error", "duplicate_table",
            ))
            continue
        by_table[t.key] = s
    if not by_table:
        names = "、".join(s.name for s in sheets) or "（无 none）"
        raise _not_a_roster(
            p.name,
            f"没有可识别的表（找到：{names}）；工作表或文件应命名为 "
            + "、".join(t.zh for t in schema.TABLES if not t.optional) + " 等",
            f"no recognizable table (found: {names}); sheets or files must be named "
            + ", ".join(f"{t.zh}/{t.key}" for t in schema.TABLES if not t.optional) + " ...",
        )
    for s in unknown:
        issues.append(Issue(
            s.name, 0, "", s.name,
            f"“{s.name}”不是花名册的表，已忽略；表名应为：" + "、".join(t.zh for t in schema.TABLES),
            f"{s.name!r} is not a roster table and was ignored; table names are: "
            + ", ".join(f"{t.zh}/{t.key}" for t in schema.TABLES),
            "warning", "unknown_table",
        ))
    roster = Roster()
    for t in schema.TABLES:
        s = by_table.get(t.key)
        if s is None:
            if not t.optional:
                issues.append(Issue(
                    table_label(t), 0, "", None,
                    f"缺少必需的表“{t.zh}”（工作表或 {t.zh}.csv / {t.key}.csv）",
                    f"the required table {t.zh} ({t.key}) is missing (a sheet, or {t.zh}.csv / {t.key}.csv)",
                    "error", "missing_table",
                ))
            continue
        header: set[str] = set()
        roster.tables[t.key] = _read_table(t, s, issues, progress, header)
        if header:
            roster.columns[t.key] = frozenset(header)
    return roster, issues
