"""The empty roster workbook a planner fills in.

One sheet per table: a title row, a note row saying what to fill, then the
header row (Chinese headers, ``*`` on required columns). Every enum column
and every yes/no column has an Excel drop-down list of its Chinese words;
code columns are formatted as text so ``001`` keeps its zeros; date columns
as dates. A first sheet ``说明`` explains the tables and the value sets.

The template reads back (:func:`loaders.read_roster`) as a valid empty
roster.
"""

from __future__ import annotations

import os
from pathlib import Path

from graph import schema
from graph.celltext import as_text
from graph.printing import print_setup
from loaders.cells import LIST_SEPARATORS, NO, YES
from loaders.readers import INSTRUCTION_SHEETS
from loaders.writer import save_workbook, sheet_name

__all__ = ["write_template", "HEADER_ROW", "drop_down_words", "table_sheet", "instruction_sheet"]

#: Row of the header in every table sheet (row 1 title, row 2 note).
HEADER_ROW = 3
_LAST_ROW = 1048576  # drop-downs and formats reach the bottom of the sheet
_TEXT_TYPES = ("code", "ref", "refs", "phone", "credit_code", "text")

_GENERAL_NOTE = (
    "填写说明：第 3 行是表头，请从第 4 行起每行填一条记录；带 * 的列必填；"
    "编码在本表内不能重复，其他表用编码引用它；日期写成 2024-03-01;"
    "带下拉箭头的列请从列表中选择。"
)

_TYPE_NOTES = {
    "code": "本表内唯一的编码（文字，可带前导零）",
    "ref": "填写{ref}表中已有的编码",
    "refs": "可填多个{ref}编码，用“；”分隔",
    "date": "日期，如 2024-03-01",
    "bool": "从下拉列表选“是”或“否”",
    "enum": "从下拉列表选择",
    "phone": "手机号或固定电话（个人信息，系统中默认遮盖显示）",
    "credit_code": "18 位统一社会信用代码",
    "text": "文字",
    "count": "不小于 0 的整数",
    "number": "不小于 0 的数",
    "rating": "从下拉列表选择：1–5 分（5 分最好），或满意、基本满意、不满意",
}


def drop_down_words(column: schema.Column) -> list[str] | None:
    """The words of a column's drop-down list, or ``None`` when it has
    none (enum columns: the value set's Chinese words; yes/no: 是/否)."""
    if column.type == "enum":
        return [m.zh for m in column.value_set.members]
    if column.type == "bool":
        return [YES, NO]
    if column.type == "rating":
        lo, hi = schema.RATING_RANGE
        return [*schema.RATING_WORDS, *(str(n) for n in range(hi, lo - 1, -1))]
    return None


def _column_note(t: schema.Table, c: schema.Column) -> str:
    if c.note_zh:
        return c.note_zh
    refs = "或".join(schema.table(r).zh for r in c.ref)
    note = _TYPE_NOTES[c.type].format(ref=refs)
    if c.type == "enum":
        note += "：" + "、".join(m.zh for m in c.value_set.members)
        if c.value_set.open:
            note += "（也可填其他文字）"
    return note


def _table_note(t: schema.Table) -> str:
    parts = [_GENERAL_NOTE]
    if t.optional:
        parts.append("本表选填，没有可以不填或删除本表。")
    hints = [f"{c.zh}：{c.note_zh}" for c in t.columns if c.note_zh]
    if hints:
        parts.append("；".join(hints) + "。")
    return "".join(parts)


def _validation(column: schema.Column, words: list[str]):
    from openpyxl.worksheet.datavalidation import DataValidation

    formula = '"' + ",".join(words) + '"'
    if len(formula) > 255:  # Excel's limit for an inline list
        raise ValueError(f"drop-down list of {column.key} is too long for Excel")
    open_set = column.value_set is not None and column.value_set.open
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # (sic) False shows the arrow
        showErrorMessage=not open_set,
        errorStyle="stop",
        errorTitle="无效的值 invalid value",
        error=f"请从下拉列表中选择{column.zh} / choose a value from the list",
        showInputMessage=True,
        promptTitle=column.zh[:32],
        prompt=("、".join(words) + ("（可填其他文字）" if open_set else ""))[:255],
    )


def instruction_sheet(wb, index: int = 0) -> None:
    """Add the ``说明`` sheet (tables, columns, value sets) to ``wb`` at
    ``index``; ``wb`` may be a write-only workbook."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(INSTRUCTION_SHEETS[0], index)
    print_setup(ws, None)  # before the first row: a write-only sheet writes its head then
    bold = Font(bold=True)
    for col, width in zip("ABCD", (18, 26, 12, 90)):
        ws.column_dimensions[col].width = width
    rows: list[tuple[list, bool]] = [
        (["共驻共建花名册模板 co-building roster template （格式版本 format version 2）"], True),
        (["每张工作表是一张表；表头在第 3 行，带 * 的列必填；编码在本表内唯一，其他表用编码引用。"
          "Each sheet is one table; the header is row 3, columns marked * are required; "
          "codes are unique within their table and other tables refer to them."], False),
        ([f"列表单元格（如“所属单位”）可填多个编码，用 {'、'.join(f'“{x}”' for x in LIST_SEPARATORS)} 之一分隔。"
          f"List cells take several codes separated by any of {' '.join(LIST_SEPARATORS)}"], False),
        (["日期可写 2024-03-01、2024/3/1、2024.3.1、2024年3月1日、2024年3月、20240301。"
          "是/否 可写 是/否、Y/N、yes/no、true/false、1/0、√/×。"], False),
        ([], False),
        (["表 table", "英文名 alias", "必填 required", "列 columns"], True),
    ]
    for t in schema.TABLES:
        cols = "；".join(f"{c.header} ({c.key})：{_column_note(t, c)}" for c in t.columns)
        rows.append(([t.zh, f"{t.key} — {t.en}", "选填 optional" if t.optional else "必填 required",
                      cols], False))
    rows.append(([], False))
    rows.append((["可选值 value set", "中文 Chinese", "代码 code", "说明 meaning"], True))
    for vs in schema.VALUE_SETS:
        title = f"{vs.zh} {vs.en}" + ("（可填其他文字 free text allowed）" if vs.open else "")
        for i, m in enumerate(vs.members):
            rows.append(([title if i == 0 else "", m.zh, m.code, m.en], False))
    for cells, is_bold in rows:
        out = []
        for c, v in enumerate(cells, start=1):
            cell = as_text(WriteOnlyCell(ws, value=v))
            cell.alignment = Alignment(wrap_text=c == 4 or len(cells) == 1, vertical="top")
            if is_bold:
                cell.font = bold
            out.append(cell)
        ws.append(out)


def table_sheet(wb, t: schema.Table):
    """Add table ``t``'s sheet in the template layout to ``wb`` (a
    write-only workbook): title row, note row, the header on
    :data:`HEADER_ROW`, drop-down lists on enum and yes/no columns, text
    format on code columns, date format on dates, frozen header, print
    setup. Returns the sheet; append data rows to it."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet_name(t))
    n = len(t.columns)
    last = get_column_letter(max(n, 4))
    ws.row_dimensions[2].height = 48
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    header = []
    for j, c in enumerate(t.columns, start=1):
        letter = get_column_letter(j)
        cell = as_text(WriteOnlyCell(ws, value=c.header))
        cell.font = Font(bold=True, color="C00000" if c.required else "000000")
        cell.fill = head_fill
        header.append(cell)
        dim = ws.column_dimensions[letter]
        dim.width = max(12, len(c.header) * 2 + 4)
        if c.type in _TEXT_TYPES:
            dim.number_format = "@"
        elif c.type == "date":
            dim.number_format = "yyyy-mm-dd"
        words = drop_down_words(c)
        if words:
            dv = _validation(c, words)
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{_LAST_ROW}")
            ws.data_validations.append(dv)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    title = WriteOnlyCell(ws, value=f"{t.zh} {t.en}" + ("（选填 optional）" if t.optional else ""))
    title.font = Font(bold=True, size=14)
    note = as_text(WriteOnlyCell(ws, value=_table_note(t)))
    note.alignment = Alignment(wrap_text=True, vertical="top")
    note.font = Font(color="666666")
    print_setup(ws, HEADER_ROW)  # before the first row (write-only)
    ws.append([title])
    ws.append([note])
    ws.append(header)
    return ws


def write_template(path: str | os.PathLike) -> Path:
    """Write the empty roster workbook a planner fills in.

    Parameters
    ----------
    path : str or PathLike
        Where to write the .xlsx (replaced if it exists; written to a
        temporary name first).

    Returns
    -------
    Path written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = write_template(pathlib.Path(tempfile.mkdtemp()) / "模板.xlsx")
    >>> from loaders import check_roster
    >>> check_roster(out)[1]
    []
    """
    from openpyxl import Workbook

    path = Path(path)
    wb = Workbook(write_only=True)
    instruction_sheet(wb)
    for t in schema.TABLES:
        table_sheet(wb, t)
    return save_workbook(wb, path)

