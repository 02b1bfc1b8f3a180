"""What a roster can sensibly hold, declared once.

One set of limits for every input form (an .xlsx workbook, a folder of CSV
files, a .zip of them, a roster built in code):

* the *size* limits bound the work of reading a file: a file past one of them
  is not a roster (refused while it is read, before it costs memory);
* the *value* limits are per column kind (:data:`graph.schema.COLUMN_TYPES`),
  never per table, and are checked by ``cobuild check`` like any other rule
  (:func:`loaders.validate.check_limits`): table, row and column named.

Excel's own limits set most of them: a sheet has at most 1,048,576 rows and
16,384 columns, a cell at most 32,767 characters.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "MAX_ROWS",
    "MAX_COLUMNS",
    "MAX_TABLE_CELLS",
    "MAX_FIELD_CHARS",
    "MAX_RECORD_CHARS",
    "MAX_UNPACKED_BYTES",
    "MAX_XML_PART_BYTES",
    "MAX_CHARS",
    "CODE_CHARS",
    "MIN_DATE",
    "MAX_DATE",
    "max_chars",
]

# --------------------------------------------------------------- file size

#: Rows of one table (sheet or CSV file), blank, title and header rows
#: included: Excel's sheet limit. A CSV file counts its records.
MAX_ROWS = 1_048_576
#: Columns of one row: Excel's sheet limit.
MAX_COLUMNS = 16_384
#: Cells one table may span (its rows times its columns, blank ones
#: included): 1,048,576 rows of 16 columns. Bounds the memory of reading a
#: sheet whatever its shape (a cell at A1 and another at XFD1048576 would
#: otherwise stand for 17 billion cells).
MAX_TABLE_CELLS = 16_777_216
#: Characters of one cell as read; longer is not a roster. (Values are held
#: to the far smaller :data:`MAX_CHARS` of their column kind by ``check``.)
MAX_FIELD_CHARS = 16 * 1024 * 1024
#: Characters of one CSV record (a row, with quoted line breaks).
MAX_RECORD_CHARS = 4 * MAX_FIELD_CHARS
#: What a workbook or a zip of CSV files may unpack to: a province-sized
#: roster (a few hundred thousand rows) unpacks to a few hundred MB.
MAX_UNPACKED_BYTES = 2 * 1024 ** 3
#: A workbook's parts other than its sheets and shared strings (styles,
#: relationships ...): far smaller in any real workbook.
MAX_XML_PART_BYTES = 64 * 1024 ** 2

# --------------------------------------------------------------- values

#: Longest value of a column kind, in characters. A code is indexed by
#: Neo4j, whose index keys hold a few thousand bytes: 100 characters is far
#: past any real code (18-character credit and ID numbers) and far below that.
CODE_CHARS = 100
MAX_CHARS: dict[str, int] = {
    "code": CODE_CHARS,
    "ref": CODE_CHARS,
    "refs": 32_767,  # a list cell: Excel's cell limit (each code: CODE_CHARS)
    "text": 2_000,
    "enum": 100,  # an open value set (职务 role) keeps free text
    "phone": 40,
    "credit_code": 40,
}
#: Dates a roster may hold: posts, registrations and projects of living
#: people (a year typed wrong, 1800 or 2200, is an error).
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)


def max_chars(column_type: str) -> int | None:
    """The longest value of a column kind (``None``: parsed kinds, dates and
    yes/no, have their own checks)."""
    return MAX_CHARS.get(column_type)
