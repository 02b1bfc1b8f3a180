"""Read an .xlsx workbook: python-calamine for the cells, a cheap scan of the
package first for what calamine does not show or should not be trusted with.

The scan streams every part of the package once (each part's CRC is checked
as it is read) and refuses, before calamine sees the file:

* any part with a document type declaration (``<!DOCTYPE``, where entity
  expansion bombs live; OOXML parts never carry one);
* a sheet whose XML is cut short (no closing ``</worksheet>``), which a
  parser may read as a shorter sheet without a word;
* a sheet spanning more than :data:`graph.limits.MAX_TABLE_CELLS` cells, more
  rows or columns than Excel's (calamine holds a sheet as a dense grid: a
  cell at A1 and one at XFD1048576 would ask for half a terabyte), more
  shared strings than the sheets have cells, an oversized styles part.

It also collects, per sheet, what calamine reads as an empty cell but a
planner sees as something: merged ranges, error values (``#N/A``) and
formulas that were never calculated (no cached value).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from xml.etree import ElementTree

from graph import limits
from graph.errors import NotARosterError
from loaders.cells import FormulaWithoutValue

__all__ = ["Workbook", "SheetScan", "open_workbook", "col_letter"]

_CHUNK = 1 << 20
_NAME = rb"[A-Za-z_][\w.-]*:"  # a namespace prefix (.NET writers use x:)


def col_letter(index: int) -> str:
    """0-based column index -> ``A``, ``Z``, ``AA`` ..."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_index(letters: bytes) -> int:
    """``b"A"`` -> 0, ``b"AA"`` -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


@dataclass
class SheetScan:
    """What the scan learnt of one worksheet part (rows 1-based, columns
    0-based)."""

    cells: int = 0
    min_row: int = limits.MAX_ROWS + 1
    max_row: int = 0
    min_col: int = limits.MAX_COLUMNS
    max_col: int = -1
    merges: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    # row -> [(column, what the cell holds instead of what calamine reads)]
    patches: dict[int, list[tuple[int, object]]] = field(default_factory=dict)

    def rows_span(self, lo: int, hi: int) -> None:
        self.min_row, self.max_row = min(self.min_row, lo), max(self.max_row, hi)

    def cols_span(self, lo: int, hi: int) -> None:
        self.min_col, self.max_col = min(self.min_col, lo), max(self.max_col, hi)

    @property
    def area(self) -> int:
        if not self.max_row or self.max_col < 0:
            return 0
        return (self.max_row - self.min_row + 1) * (self.max_col - self.min_col + 1)


class _Regexes:
    """The scan's patterns for one namespace prefix (b"" or b"x:")."""

    _cache: dict[bytes, "_Regexes"] = {}

    def __init__(self, p: bytes) -> None:
        q = re.escape(p)
        self.cell_row = re.compile(rb'<' + q + rb'c r="[A-Z]{1,3}(\d{1,7})"')
        self.cell_col = re.compile(rb'<' + q + rb'c r="([A-Z]{1,3})\d')
        self.cell_space = b"<" + p + b"c "
        self.cell_other = re.compile(rb'<' + q + rb'c[\t\n\r>/]')  # cells written oddly
        self.wide = re.compile(rb'<' + q + rb'c r="[A-Z]{2}')  # a column past Z
        # a cell not written as the usual <c r="B12" within A1:Z99999
        self.not_near = re.compile(rb'<' + q + rb'c(?! r="[A-Z]\d{1,5}")(?=[\s>/])')
        self.tag = re.compile(rb'<' + q + rb'(row|c)(?=[\s>/])([^>]*)>')
        self.attr_r = re.compile(rb'\sr\s*=\s*"([A-Z]*)(\d*)"')
        self.cell = re.compile(rb'<' + q + rb'c(?=[\s>/])([^>]*?)(?:/>|>(.*?)</' + q + rb'c>)', re.S)
        self.formula = b"<" + p + b"f"
        self.value = re.compile(rb'<' + q + rb'v>([^<]*)</' + q + rb'v>')
        self.merge = re.compile(rb'<' + q + rb'mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
        self.row_end = b"</" + p + b"row>"
        self.end = re.compile(rb'</' + q + rb'worksheet>\s*$')

    @classmethod
    def of(cls, prefix: bytes) -> "_Regexes":
        if prefix not in cls._cache:
            cls._cache[prefix] = cls(prefix)
        return cls._cache[prefix]


def _damaged(name: str, e: BaseException) -> NotARosterError:
    return NotARosterError.about(
        name, f"Excel 工作簿已损坏，无法读取（{type(e).__name__}）；请在 Excel 中打开并另存为新文件",
        f"the Excel workbook is damaged and cannot be read ({type(e).__name__}: {e}); "
        "open it in Excel and save it as a new file")


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Iterator[bytes]:
    """A part's bytes in chunks; its CRC is checked at the end; no DTD."""
    try:
        with zf.open(info) as f:
            seam = b""
            while chunk := f.read(_CHUNK):
                edge = seam + chunk[:16]
                if b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk or b"<!DOCTYPE" in edge or b"<!ENTITY" in edge:
                    raise NotARosterError.about(
                        name, f"工作簿的 {info.filename} 含有文档类型声明（DTD，可用于实体扩展攻击），"
                              "正常的 Excel 文件不会有；已拒绝读取",
                        f"its part {info.filename} holds a document type declaration (DTD, the means of "
                        "an entity-expansion attack) that no real Excel file has; refused")
                seam = chunk[-16:]
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as e:
        raise _damaged(name, e) from None


def _refuse_size(name: str, zh: str, en: str) -> NotARosterError:
    return NotARosterError.about(
        name, f"{zh}，超出花名册的合理大小；请检查文件（是否在很远的行列误填了内容），或拆分后再读取",
        f"{en}, more than a roster can sensibly hold; check the file (a stray cell far below "
        "or to the right?) or split it")


class _Wide(Exception):
    """A column past Z: the scan must read every column letter."""


#: The cheap pass takes a run of rows whose cells all lie within A1:Z99999 as
#: spanning all of it: far below the limit, so nothing more need be learnt.
_NEAR_ROWS, _NEAR_COLUMNS = 99_999, 26
assert _NEAR_ROWS * _NEAR_COLUMNS <= limits.MAX_TABLE_CELLS


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> SheetScan:
    """A worksheet's scan: first a cheap pass that may overestimate the
    sheet's span (rows within A1:Z99999 taken as all of it, a sheet within
    A–Z as 26 columns wide), exactly when that is not enough."""
    try:
        scan = _scan_sheet_once(zf, info, name, None)
        if scan.area <= limits.MAX_TABLE_CELLS:
            return scan
    except _Wide:
        pass
    return _scan_sheet_once(zf, info, name, set())


def _scan_sheet_once(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                     letters: set[bytes] | None) -> SheetScan:
    scan = SheetScan()
    rx: _Regexes | None = None
    tail = b""
    end = b""  # the part's last bytes
    seq_row = 0  # the slow path's running row
    for chunk in _chunks(zf, info, name):
        end = (end + chunk[-64:])[-64:]
        buf = tail + chunk
        if rx is None:
            m = re.search(rb"<(" + _NAME + rb")?worksheet[\s>]", buf)
            if m is None and len(buf) < 4 * _CHUNK:
                tail = buf
                continue
            rx = _Regexes.of((m.group(1) or b"") if m else b"")
        cut = buf.rfind(rx.row_end)
        if cut < 0:
            if len(buf) > limits.MAX_RECORD_CHARS:
                raise _refuse_size(name, f"工作表 {info.filename} 的一行超过 {limits.MAX_RECORD_CHARS >> 20} MB",
                                   f"a row of {info.filename} is over {limits.MAX_RECORD_CHARS >> 20} MB")
            tail = buf
            continue
        cut += len(rx.row_end)
        seq_row = _scan_part(scan, rx, buf[:cut], letters, seq_row)
        tail = buf[cut:]
    if rx is None or not rx.end.search(end):
        raise NotARosterError.about(
            name, f"工作表 {info.filename} 的内容不完整（文件被截断），可能是下载或复制中断；请重新获取文件",
            f"sheet {info.filename} is cut short (the file is truncated), perhaps an interrupted "
            "download or copy; get the file again")
    if tail:
        _scan_part(scan, rx, tail, letters, seq_row)
    if letters:
        cols = [_col_index(lt) for lt in letters]
        scan.cols_span(min(cols), max(cols))
    rows, cols = scan.max_row - scan.min_row + 1, scan.max_col - scan.min_col + 1
    if letters is None and scan.area > limits.MAX_TABLE_CELLS:
        return scan  # the caller scans again, reading every column letter
    if scan.max_row > limits.MAX_ROWS or scan.max_col >= limits.MAX_COLUMNS:
        raise _refuse_size(
            name, f"工作表 {info.filename} 用到第 {scan.max_row} 行、第 {scan.max_col + 1} 列，"
                  f"超过 Excel 的 {limits.MAX_ROWS} 行、{limits.MAX_COLUMNS} 列",
            f"sheet {info.filename} reaches row {scan.max_row}, column {scan.max_col + 1}: past Excel's "
            f"{limits.MAX_ROWS} rows and {limits.MAX_COLUMNS} columns")
    if scan.area > limits.MAX_TABLE_CELLS:
        raise _refuse_size(
            name, f"工作表 {info.filename} 的使用区域是 {rows} 行 × {cols} 列 = {scan.area} 个单元格，"
                  f"上限 {limits.MAX_TABLE_CELLS}",
            f"sheet {info.filename} spans {rows} rows x {cols} columns = {scan.area} cells, over the "
            f"{limits.MAX_TABLE_CELLS} limit")
    return scan


def _scan_part(scan: SheetScan, rx: _Regexes, part: bytes, letters: set[bytes] | None,
               seq_row: int) -> int:
    """Scan whole rows of a sheet's XML; returns the running row number.
    ``letters`` collects the column letters; ``None``: the cheap pass (rows
    within A1:Z99999 are taken as all of it; otherwise only whether a column
    lies past Z is looked at, the sheet being taken as 26 columns wide)."""
    n = part.count(rx.cell_space)
    scan.cells += n
    if letters is None and rx.not_near.search(part) is None:
        # the usual rows: every cell has r="B12" first, within A1:Z99999
        if n:
            scan.rows_span(1, _NEAR_ROWS)
            scan.cols_span(0, _NEAR_COLUMNS - 1)
            seq_row = int(rx.cell_row.match(part, part.rfind(rx.cell_space)).group(1))
    else:
        refs = rx.cell_row.findall(part)
        if len(refs) == n and rx.cell_other.search(part) is None:
            seq_row = _span_of_refs(scan, rx, part, letters, refs, seq_row)
        else:  # cells without a reference (or written oddly)
            seq_row = _span_cell_by_cell(scan, rx, part, seq_row)
    if rx.formula in part or b't="e"' in part:
        _patches(scan, rx, part)
    for m in rx.merge.finditer(part):
        r1, c1 = int(m.group(2)), _col_index(m.group(1)) + 1
        r2, c2 = int(m.group(4)), _col_index(m.group(3)) + 1
        ref = f"{m.group(1).decode()}{r1}:{m.group(3).decode()}{r2}"
        scan.merges.append((r1, c1, r2, c2, ref))
    return seq_row


def _span_of_refs(scan: SheetScan, rx: _Regexes, part: bytes, letters: set[bytes] | None,
                  refs: list[bytes], seq_row: int) -> int:
    """Every cell has r="A1" first: the rows from ``refs``, the columns from
    their letters (or only whether one lies past Z)."""
    if refs:
        rows = [int(r) for r in set(refs)]
        scan.rows_span(min(rows), max(rows))
        if letters is not None:
            letters.update(rx.cell_col.findall(part))
        elif rx.wide.search(part) is not None:
            raise _Wide
        else:
            scan.cols_span(0, 25)
        seq_row = int(refs[-1])
    return seq_row


def _span_cell_by_cell(scan: SheetScan, rx: _Regexes, part: bytes, seq_row: int) -> int:
    """Cells without a reference (or written oddly): followed one by one."""
    col = -1
    for m in rx.tag.finditer(part):
        r = rx.attr_r.search(m.group(2))
        if m.group(1) == b"row":
            seq_row = int(r.group(2)) if r and r.group(2) else seq_row + 1
            col = -1
            continue
        if r and r.group(1) and r.group(2):
            row, col = int(r.group(2)), _col_index(r.group(1))
        else:
            row, col = max(seq_row, 1), col + 1
        scan.rows_span(row, row)
        scan.cols_span(col, col)
        if row > limits.MAX_ROWS or col >= limits.MAX_COLUMNS:
            break  # refused by the caller
    return seq_row


def _patches(scan: SheetScan, rx: _Regexes, part: bytes) -> None:
    """Formula cells without a cached value and error cells (``#N/A``):
    calamine reads both as empty."""
    for m in rx.cell.finditer(part):
        attrs, body = m.group(1), m.group(2) or b""
        is_error = b't="e"' in attrs
        if not is_error and rx.formula not in body:
            continue
        r = rx.attr_r.search(attrs)
        if not (r and r.group(1) and r.group(2)):
            continue
        row, col = int(r.group(2)), _col_index(r.group(1))
        v = rx.value.search(body)
        if is_error and v:
            scan.patches.setdefault(row, []).append((col, v.group(1).decode("utf-8", "replace").strip()))
        elif not (v and v.group(1)):
            scan.patches.setdefault(row, []).append((col, FormulaWithoutValue(f"{r.group(1).decode()}{row}")))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> ElementTree.Element:
    """A small part, parsed (no DTD: refused by :func:`_chunks`)."""
    data = b"".join(_chunks(zf, info, name))
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as e:
        raise _damaged(name, e) from None


@dataclass
class Workbook:
    """An opened workbook: sheet names in order, their scans, the date system."""

    path: Path
    sheets: list[tuple[str, SheetScan]]
    epoch_1904: bool
    _book: object = None

    def rows(self, sheet: str, scan: SheetScan) -> Iterator[tuple[int, list]]:
        """(Excel row number, cells) of a sheet; cells indexed by Excel
        column (A = 0); what calamine reads as empty but is an error value or
        an uncalculated formula is put back from the scan."""
        try:
            ws = self._book.get_sheet_by_name(sheet)
            start = ws.start
            if start is None:
                return
            col0 = start[1]
            pad = (None,) * col0
            patches = scan.patches
            # python-calamine yields rows from the sheet's first row, cells
            # from its first used column
            for line, cells in enumerate(ws.iter_rows(), start=1):
                t = [*pad, *cells] if col0 else cells
                if line in patches:
                    for c, v in patches[line]:
                        t.extend([None] * (c + 1 - len(t)))
                        t[c] = v
                yield line, t
        except NotARosterError:
            raise
        except Exception as e:  # calamine's errors: XmlError, ZipError ...
            raise _damaged(self.path.name, e) from None

    def close(self) -> None:
        if self._book is not None:
            self._book.close()
            self._book = None


def open_workbook(path: Path, zf: zipfile.ZipFile) -> Workbook:
    """Scan the package, then open it with calamine.

    Raises :class:`NotARosterError` for a damaged, hostile or oversized
    workbook (see the module docstring).
    """
    name = path.name
    infos = {i.filename: i for i in zf.infolist()}
    wb_info = infos.get("xl/workbook.xml")
    rels_info = infos.get("xl/_rels/workbook.xml.rels")
    if wb_info is None or rels_info is None:
        raise _damaged(name, KeyError("xl/workbook.xml"))
    for info in infos.values():
        if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml":
            continue
        if info.filename.endswith((".xml", ".rels")) and info.file_size > limits.MAX_XML_PART_BYTES:
            raise _refuse_size(name, f"工作簿的 {info.filename} 有 {info.file_size >> 20} MB",
                               f"its part {info.filename} is {info.file_size >> 20} MB")
    book = _xml(zf, wb_info, name)
    rels = _xml(zf, rels_info, name)
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        targets[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                  else posixpath.normpath(posixpath.join("xl", target)))
    epoch_1904 = False
    sheets: list[tuple[str, SheetScan]] = []
    total_cells = 0
    for el in book.iter():
        tag = _local(el.tag)
        if tag == "workbookPr":
            epoch_1904 = el.get("date1904", "").lower() in ("1", "true")
        elif tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            part = infos.get(targets.get(rid, ""))
            if part is None or not part.filename.startswith("xl/worksheets/"):
                continue  # a chart sheet: no cells
            scan = _scan_sheet(zf, part, name)
            total_cells += scan.cells
            sheets.append((el.get("name", ""), scan))
    shared = infos.get("xl/sharedStrings.xml")
    if shared is not None:
        count = 0
        for chunk in _chunks(zf, shared, name):
            count += chunk.count(b"<si>") + chunk.count(b"<si ") + chunk.count(b":si>") + chunk.count(b":si ")
        if count > total_cells + 1024:
            raise _refuse_size(name, f"工作簿有 {count} 个共享文字，却只有 {total_cells} 个单元格",
                               f"it holds {count} shared strings for {total_cells} cells")
    for info in infos.values():  # every other part: CRC and DTD checked
        if info.filename.endswith((".xml", ".rels")) and not info.filename.startswith("xl/worksheets/") \
                and info.filename not in ("xl/sharedStrings.xml", "xl/workbook.xml",
                                          "xl/_rels/workbook.xml.rels"):
            for _ in _chunks(zf, info, name):
                pass
    from python_calamine import CalamineWorkbook

    try:
        cal = CalamineWorkbook.from_path(str(path))
    except Exception as e:
        raise _damaged(name, e) from None
    return Workbook(path, sheets, epoch_1904, cal)
