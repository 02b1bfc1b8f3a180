"""One roster cell: from what a planner typed to a typed value, and back.

The readers call :func:`parse_cell` for every cell, the writer and the
template call :func:`format_cell`. Both are driven by the column's ``type``
in :mod:`graph.schema`, so a new column needs no code here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from typing import Any

from graph import schema
from graph.celltext import csv_text, unquote

__all__ = [
    "CellError",
    "FormulaWithoutValue",
    "normalize_text",
    "normalize_header",
    "parse_cell",
    "parse_date",
    "parse_bool",
    "parse_count",
    "parse_number",
    "parse_rating",
    "format_cell",
    "LIST_SEPARATORS",
    "LIST_JOINER",
    "EXCEL_ERRORS",
    "BOOL_WORDS",
    "YES",
    "NO",
]

#: What separates the codes of a list cell (``所属单位``).
LIST_SEPARATORS = ";；,，、"
#: How the writer joins a list cell.
LIST_JOINER = "；"
# Control characters (pasted from word processors) that Excel files cannot
# hold; tab and line breaks stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Invisible characters pasted from web pages and chat apps (zero-width
# space/joiners, direction marks, word joiner, BOM): never part of a value.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
# The required marker in words, as Chinese templates write it: 单位编码（必填）
_MARKER_WORDS = re.compile(r"\((?:必填|选填|可选|非必填|required|optional)\)$")
# A long number as Excel shows it (and saves it to CSV): 4.10101E+17
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?E\+\d+", re.IGNORECASE)
_LIST_SPLIT = re.compile("[" + re.escape(LIST_SEPARATORS) + "]")

#: What Excel shows for a formula that failed (``=VLOOKUP(...)`` -> ``#N/A``).
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})

YES, NO = "是", "否"
#: yes/no words a cell may hold (compared case-insensitively).
BOOL_WORDS: dict[str, bool] = {
    "是": True, "否": False,
    "y": True, "n": False,
    "yes": True, "no": False,
    "true": True, "false": False,
    "1": True, "0": False,
    "√": True, "×": False,
}

# Excel day 0 of each date system.  The 1900 system counts a 29 February
# 1900 that never was (Lotus' leap-year bug): serials from 61 on are one day
# late against a plain count, and serial 60 is that phantom day.
_EPOCH_1900 = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
_MAX_SERIAL = 2958465  # 9999-12-31

_DATE_SEP = re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DATE_ZH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")


class CellError(ValueError):
    """A cell that cannot be read as its column's type.

    ``code`` is the stable issue code; the messages say what would be right.
    """

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en


class FormulaWithoutValue:
    """A workbook cell holding a formula that was never calculated: the
    file has no value for it (the reader puts this where the cell is)."""

    __slots__ = ("ref",)

    def __init__(self, ref: str) -> None:
        self.ref = ref

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"FormulaWithoutValue({self.ref!r})"


def normalize_text(value: Any) -> str:
    """A cell as text: NFKC-normalized (full-width to half-width) and trimmed.

    Numbers lose a meaningless ``.0`` (Excel keeps ``1001`` as ``1001.0``).

    >>> normalize_text("  Ｕ００１ ")
    'U001'
    >>> normalize_text(1001.0)
    '1001'
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    s = str(value)
    if not s.isascii():  # NFKC leaves ASCII alone; skip it for speed
        s = unicodedata.normalize("NFKC", _INVISIBLE.sub("", s))
    s = _CONTROL.sub("", s).strip()
    return unquote(s) if s[:1] == "'" else s  # '=1+1: text a CSV export kept from Excel


def normalize_header(value: Any) -> str:
    """A header cell reduced to what identifies its column.

    Full-width characters, spaces and line breaks (a wrapped header cell),
    a required marker ``*``/``＊`` (trailing, or leading as many Chinese
    templates write it), a trailing ``(必填)``/``(选填)`` and letter case do
    not count.

    >>> normalize_header(" 单位编码＊ ")
    '单位编码'
    >>> normalize_header("Credit_Code *")
    'credit_code'
    >>> normalize_header("*统一社会 信用代码")
    '统一社会信用代码'
    """
    s = _SPACES.sub("", normalize_text(value)).replace("*", "").casefold()
    return _MARKER_WORDS.sub("", s)


def _valid_date(y: int, m: int, d: int, raw: Any) -> dt.date:
    if not 1 <= m <= 12:
        raise CellError("bad_date", f"日期不存在：{raw}（月份应为 1–12）",
                        f"no such date: {raw} (the month must be 1–12)")
    try:
        return dt.date(y, m, d)
    except ValueError:
        last = calendar.monthrange(y, m)[1] if 1 <= y <= 9999 else 31
        raise CellError(
            "bad_date",
            f"日期不存在：{raw}（{y}年{m}月只有 {last} 天）",
            f"no such date: {raw} ({y}-{m:02d} has {last} days)",
        ) from None


def _from_serial(serial: float, epoch_1904: bool, raw: Any) -> dt.date:
    day = int(serial)
    if epoch_1904:
        if 0 <= day <= _MAX_SERIAL:
            return _EPOCH_1904 + dt.timedelta(days=day)
    elif day == 60:
        raise CellError(
            "bad_date",
            "Excel 日期序号 60 是不存在的 1900年2月29日，请重新输入日期",
            "Excel serial 60 is 29 Feb 1900, a day that never was; please retype the date",
        )
    elif 1 <= day < 60:
        return _EPOCH_1900 + dt.timedelta(days=day + 1)
    elif 61 <= day <= _MAX_SERIAL:
        return _EPOCH_1900 + dt.timedelta(days=day)
    raise CellError(
        "bad_date",
        f"无法识别的日期：{raw}；请写成 2024-03-01 这样的日期",
        f"unreadable date {raw!r}; write it like 2024-03-01",
    )


def parse_date(value: Any, epoch_1904: bool = False) -> dt.date:
    """A date cell.

    Accepts ``2024-03-01``, ``2024/3/1``, ``2024.3.1``, ``2024年3月1日``,
    ``2024年3月`` (the 1st), ``20240301``, Excel date cells and, in a date
    column, Excel day numbers (1900 or 1904 date system).

    >>> parse_date("2024年3月")
    datetime.date(2024, 3, 1)
    >>> parse_date(45352)
    datetime.date(2024, 3, 1)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 10000101 <= value <= 99991231:
            return parse_date(str(int(value)))
        if 1900 <= value < 2101 or 190001 <= value <= 210012:
            # a year (2024), year.month (2024.3) or yyyymm (202403) that Excel
            # kept as a number: as a day number it would be a 1905 or 2454 date
            shown = normalize_text(value)
            raise CellError(
                "bad_date",
                f"“{shown}”不是完整的日期（像是年份或年月）；请写成 2024-03-01 或 2024年3月1日",
                f"{shown!r} is not a whole date (a year or year and month?); "
                "write it like 2024-03-01 or 2024年3月1日",
            )
        return _from_serial(value, epoch_1904, value)
    s = normalize_text(value)
    for rx in (_DATE_SEP, _DATE_ZH, _DATE_COMPACT):
        m = rx.fullmatch(s)
        if not m:
            continue
        if rx is _DATE_SEP:
            y, mo, d = m.group(1), m.group(3), m.group(4)
        else:
            y, mo, d = m.group(1), m.group(2), m.group(3) or "1"
        return _valid_date(int(y), int(mo), int(d), s)
    raise CellError(
        "bad_date",
        f"无法识别的日期：{s}；请写成 2024-03-01、2024/3/1 或 2024年3月1日",
        f"unreadable date {s!r}; write it like 2024-03-01, 2024/3/1 or 2024年3月1日",
    )


def parse_bool(value: Any) -> bool:
    """A yes/no cell: 是/否, Y/N, yes/no, true/false, 1/0, √/×.

    >>> parse_bool("√"), parse_bool("N"), parse_bool(1)
    (True, False, True)
    """
    if isinstance(value, bool):
        return value
    word = normalize_text(value).casefold()
    if word in BOOL_WORDS:
        return BOOL_WORDS[word]
    raise CellError(
        "bad_bool",
        f"无法识别的是/否值：{normalize_text(value)}；请填写“是”或“否”",
        f"not a yes/no value: {normalize_text(value)!r}; write 是 (yes) or 否 (no)",
    )


def _number(value: Any) -> float | None:
    """A cell as a number, or ``None`` when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(normalize_text(value))
    except ValueError:
        return None


def parse_count(value: Any) -> int:
    """A whole number >= 0 (党员人数).

    >>> parse_count("12"), parse_count(7.0)
    (12, 7)
    """
    x = _number(value)
    if x is None or x < 0 or not x.is_integer():
        shown = normalize_text(value)
        raise CellError(
            "bad_number",
            f"“{shown}”不是不小于 0 的整数；请填写人数，如 25",
            f"{shown!r} is not a whole number >= 0; write a count such as 25",
        )
    return int(x)


def parse_number(value: Any) -> float:
    """A number >= 0 (时长 hours).

    >>> parse_number("1.5"), parse_number(2)
    (1.5, 2.0)
    """
    x = _number(value)
    if x is None or x < 0 or x != x or x == float("inf"):
        shown = normalize_text(value)
        raise CellError(
            "bad_number",
            f"“{shown}”不是不小于 0 的数；请填写小时数，如 2 或 1.5",
            f"{shown!r} is not a number >= 0; write hours such as 2 or 1.5",
        )
    return x


def parse_rating(value: Any) -> int:
    """A rating: a whole number 1–5 (5 best), or 满意 (5), 基本满意 (3),
    不满意 (1).

    >>> parse_rating("基本满意"), parse_rating(4), parse_rating("5")
    (3, 4, 5)
    """
    word = normalize_text(value)
    if word in schema.RATING_WORDS:
        return schema.RATING_WORDS[word]
    x = _number(value)
    lo, hi = schema.RATING_RANGE
    if x is None or not x.is_integer() or not lo <= x <= hi:
        words = "、".join(f"{w}" for w in schema.RATING_WORDS)
        raise CellError(
            "bad_rating",
            f"“{word}”不是有效的评价；请填写 1–5 的整数（5 为最好），或{words}",
            f"{word!r} is not a valid rating; write a whole number 1–5 (5 best), or "
            + ", ".join(f"{w} ({n})" for w, n in schema.RATING_WORDS.items()),
        )
    return int(x)


def _parse_enum(column: schema.Column, value: Any) -> str:
    vs = column.value_set
    word = normalize_text(value)
    member = vs.lookup(word)
    if member is not None:
        return member.code
    if vs.open:
        return word  # free text is kept (职务 role)
    allowed = "、".join(m.zh for m in vs.members)
    allowed_en = ", ".join(f"{m.zh} ({m.code})" for m in vs.members)
    raise CellError(
        "bad_value",
        f"“{word}”不是有效的{vs.zh}；可选：{allowed}",
        f"{word!r} is not a valid {vs.en}; choose one of: {allowed_en}",
    )


def parse_cell(column: schema.Column, value: Any, epoch_1904: bool = False) -> Any:
    """The typed value of a cell, or ``None`` when it is empty.

    Raises :class:`CellError` when the cell holds something its column
    cannot take (an unreadable date, a word outside a closed value set ...).

    >>> from graph import schema
    >>> parse_cell(schema.table("party_orgs").column("units"), "U1；U2、U3")
    ['U1', 'U2', 'U3']
    >>> parse_cell(schema.table("units").column("kind"), "机关")
    'agency'
    """
    if value is None:
        return None
    if isinstance(value, FormulaWithoutValue):
        raise CellError(
            "formula_without_value",
            f"单元格 {value.ref} 是公式，但文件中没有它的计算结果（公式从未计算过）；"
            "请在 Excel 中打开并保存，或直接填入实际的值",
            f"cell {value.ref} holds a formula with no calculated value in the file (it was never "
            "calculated); open and save the file in Excel, or enter the actual value",
        )
    if isinstance(value, str):
        if not normalize_text(value):
            return None
        if value.strip() in EXCEL_ERRORS:
            raise CellError(
                "formula_error",
                f"单元格是 Excel 公式错误 {value.strip()}（常见于查找公式找不到值）；请填入实际的值",
                f"the cell holds the Excel formula error {value.strip()} (a lookup formula found "
                "nothing?); enter the actual value",
            )
    t = column.type
    if t == "count":
        return parse_count(value)
    if t == "number":
        return parse_number(value)
    if t == "rating":
        return parse_rating(value)
    if t not in ("date", "bool", "enum") and (
            isinstance(value, float) and abs(value) >= 1e15
            or isinstance(value, str) and _SCIENTIFIC.fullmatch(normalize_text(value))):
        # Excel keeps 15 significant digits of a number typed in a cell: an
        # 18-digit ID or credit code typed without text format has lost its tail
        raise CellError(
            "number_too_long",
            "这是被 Excel 存成数字的长号码，只保留了前 15 位有效数字，后几位已丢失；"
            "请把该列设为“文本”格式后重新输入",
            "a long number Excel stored as a number: only its first 15 significant "
            "digits are kept, the rest are lost; format the column as text and retype it",
        )
    if t == "date":
        return parse_date(value, epoch_1904)
    if t == "bool":
        return parse_bool(value)
    if t == "enum":
        return _parse_enum(column, value)
    if t == "refs":
        codes: list[str] = []
        for part in _LIST_SPLIT.split(normalize_text(value)):
            part = part.strip()
            if part and part not in codes:
                codes.append(part)
        return codes or None
    if isinstance(value, dt.time):
        raise CellError(
            "bad_value",
            f"这里应填文字或编码，不是时间：{value}",
            f"expected text or a code here, not a time of day: {value}",
        )
    return normalize_text(value) or None


def format_cell(column: schema.Column, value: Any, for_csv: bool = False) -> Any:
    """A typed value as the writer puts it in a cell.

    Codes and text stay text (leading zeros survive; in CSV, text starting
    with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe so Excel does
    not run it as a formula, and the readers drop it again), dates are dates
    (ISO text in CSV), yes/no is 是/否, enums are their Chinese words, lists
    are joined with ``；``.

    >>> from graph import schema
    >>> format_cell(schema.table("units").column("kind"), "soe")
    '国有企业'
    >>> format_cell(schema.table("people").column("party_member"), True)
    '是'
    """
    if value is None:
        return None
    t = column.type
    if t == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        return value.isoformat() if for_csv else value
    if t == "bool":
        return YES if value else NO
    if t in ("count", "number", "rating"):
        return value
    if t == "enum":
        text = column.value_set.zh_of(value)
    elif t == "refs":
        text = _CONTROL.sub("", LIST_JOINER.join(str(v) for v in value))
    else:
        text = _CONTROL.sub("", str(value))
    # text stays text: '=HYPERLINK(...) in a CSV cell is not a formula to Excel
    return csv_text(text) if for_csv else text
