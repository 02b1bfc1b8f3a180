"""Write a roster back out: an .xlsx workbook or a folder of CSV files.

The output is the roster format (``roster-format.md``) that the readers take
in: one sheet (or file) per table named with the Chinese table name, the
Chinese headers with ``*`` on required columns in row 1, one row per roster
row from row 2. Codes are text cells (leading zeros survive), dates real
Excel dates, yes/no 是/否, enums their Chinese words, lists joined with ``；``.

Nothing is half-written: the output goes to a temporary name first and is
moved into place when complete.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from graph import schema
from graph.celltext import as_text, needs_text_cell
from graph.printing import print_setup
from graph.roster import Roster
from loaders.cells import format_cell

__all__ = ["write_roster", "write_xlsx", "write_csv_folder", "sheet_name"]

#: Excel column widths by column type (characters).
_WIDTHS = {"date": 12, "bool": 8, "enum": 14, "refs": 24, "text": 24, "credit_code": 22}
_DATE_FORMAT = "yyyy-mm-dd"
_TEXT_FORMAT = "@"


def sheet_name(table: schema.Table) -> str:
    """The sheet / file stem the writer uses for a table: its Chinese name."""
    return table.zh


def _tables_to_write(roster: Roster) -> list[tuple[schema.Table, tuple[schema.Column, ...]]]:
    """Each table to write with its columns. Required tables always (a
    planner sees where to fill), optional ones when the roster has them;
    version-1 and required columns always, a version-2 column only when the
    roster has it (so the file reads back with the same shape, and a rule
    whose column was absent stays not checked)."""
    shape = roster.shape()
    out = []
    for t in schema.TABLES:
        if t.optional and t.key not in shape:
            continue
        have = set(shape.get(t.key, ()))
        out.append((t, tuple(c for c in t.columns
                             if c.version == 1 or c.required or c.key in have)))
    return out


def _row_cells(table: schema.Table, cols: tuple[schema.Column, ...], roster: Roster,
               for_csv: bool) -> Iterable[list]:
    for row in roster.rows(table.key):
        v = row.values
        yield [format_cell(c, v.get(c.key), for_csv) for c in cols]


def write_xlsx(roster: Roster, path: str | os.PathLike,
               progress: Callable[[str], None] | None = None, *, as_template: bool = False) -> Path:
    """Write ``roster`` as an .xlsx workbook (openpyxl write-only mode).

    Parameters
    ----------
    roster : Roster
    path : path of the workbook to write (replaced if it exists)
    progress : optional callable taking a one-line progress message
    as_template : bool
        Lay the workbook out as the template (:mod:`loaders.template`):
        its ``说明`` sheet, title and note rows above the header (row 3),
        drop-down lists, text and date formats: as comfortable to edit and
        re-import as the template. Otherwise the header is row 1.

    Returns
    -------
    Path of the written workbook.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    if as_template:
        from loaders.template import instruction_sheet, table_sheet

        instruction_sheet(wb)
    for table, cols in _tables_to_write(roster):
        if as_template:
            ws = table_sheet(wb, table)
        else:
            ws = wb.create_sheet(sheet_name(table))
            for i, c in enumerate(cols, start=1):
                ws.column_dimensions[get_column_letter(i)].width = max(
                    _WIDTHS.get(c.type, 14), len(c.header) * 2 + 2
                )
            ws.freeze_panes = "A2"
            print_setup(ws, 1)  # before the first row: a write-only sheet writes its head then
            header = []
            for c in cols:
                cell = WriteOnlyCell(ws, value=c.header)
                cell.font = bold
                header.append(cell)
            ws.append(header)
        # Text cells need no style: a str value is written as a string cell,
        # so "001" stays "001" (one that openpyxl would take for a formula or
        # an error value is marked as text). Date cells carry a date format so Excel shows
        # a date, not a day number.
        date_idx = [i for i, c in enumerate(cols) if c.type == "date"]
        n = 0
        for cells in _row_cells(table, cols, roster, for_csv=False):
            for i, v in enumerate(cells):
                if needs_text_cell(v):  # "=HYPERLINK(...)" is a name, not a formula
                    cells[i] = as_text(WriteOnlyCell(ws, value=v))
            for i in date_idx:
                if cells[i] is not None:
                    dc = WriteOnlyCell(ws, value=cells[i])
                    dc.number_format = _DATE_FORMAT
                    cells[i] = dc
            ws.append(cells)
            n += 1
            if progress and n % 50000 == 0:
                progress(f"写出 writing {table.zh} {table.key}: {n} 行 rows")
        if progress:
            progress(f"写出 wrote {table.zh} {table.key}: {n} 行 rows")
    return save_workbook(wb, path)


def save_workbook(wb, path: Path) -> Path:
    """Save an openpyxl workbook through a temporary file beside ``path``:
    a reader never sees half a workbook, and a failure leaves nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".cobuild-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def write_csv_folder(roster: Roster, path: str | os.PathLike,
                     progress: Callable[[str], None] | None = None) -> Path:
    """Write ``roster`` as a folder of CSV files (UTF-8 with BOM, which
    Chinese Excel opens correctly), one ``<中文表名>.csv`` per table.

    A table file already in the folder under its other name (``units.csv``
    beside a new ``单位.csv``) is removed so the folder holds one roster.
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for table, cols in _tables_to_write(roster):
        target = path / f"{sheet_name(table)}.csv"
        fd, tmp = tempfile.mkstemp(prefix=".cobuild-", suffix=".csv", dir=path)
        try:
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                w.writerow([c.header for c in cols])
                for cells in _row_cells(table, cols, roster, for_csv=True):
                    w.writerow(["" if v is None else v for v in cells])
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        for other in table.file_names:
            if other != target.name and (path / other).exists():
                (path / other).unlink()
        if progress:
            progress(f"写出 wrote {target.name}: {len(roster.rows(table.key))} 行 rows")
    return path


def write_roster(roster: Roster, path: str | os.PathLike,
                 progress: Callable[[str], None] | None = None, *, as_template: bool = False) -> Path:
    """Write a roster to ``path``: an .xlsx workbook when the name ends in
    ``.xlsx``, otherwise a folder of CSV files.

    Parameters
    ----------
    roster : Roster
        Parsed values (dates as ``datetime.date``, enums as English codes,
        lists as ``list[str]``), as :func:`loaders.read_roster` gives them.
    path : str or PathLike
    progress : callable, optional
        Receives one-line progress messages (for stderr).
    as_template : bool
        An .xlsx laid out as the template (see :func:`write_xlsx`).

    Returns
    -------
    Path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graph.roster import Roster
    >>> r = Roster()
    >>> _ = r.add("streets", {"code": "001", "name": "城关街道"})
    >>> out = write_roster(r, pathlib.Path(tempfile.mkdtemp()) / "r.xlsx")
    >>> out.suffix
    '.xlsx'
    """
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        return write_xlsx(roster, p, progress, as_template=as_template)
    return write_csv_folder(roster, p, progress)
