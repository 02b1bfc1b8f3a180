"""Text written into a spreadsheet stays text.

A name or phone starting with ``=``, ``+``, ``-`` or ``@`` is a live formula
to Excel when it opens a CSV file, and openpyxl writes a string starting
with ``=`` as a formula (and ``#N/A`` as an error) unless told otherwise:
``=HYPERLINK(...)`` in a unit name would become a link, a phone written as
a formula would be lost on the next import. Every writer of the product
(roster export, template, reports) goes through this module:

* :func:`as_text` -- an openpyxl cell whose string value is a text cell;
* :func:`csv_text` -- a CSV value Excel will not evaluate: a leading
  apostrophe, as Excel itself writes text that looks like a formula;
* :func:`unquote` -- what the readers do with that apostrophe, so the round
  trip keeps the value.
"""

from __future__ import annotations

from typing import Any

__all__ = ["FORMULA_LEADS", "as_text", "needs_text_cell", "csv_text", "unquote", "workbook_bytes"]

#: What makes Excel read a typed (or CSV) value as a formula.
FORMULA_LEADS = ("=", "+", "-", "@")


def needs_text_cell(value: Any) -> bool:
    """Whether openpyxl would write this value as something else than text
    (a formula ``=...`` or an error ``#N/A``)."""
    return isinstance(value, str) and value[:1] in ("=", "#")


def as_text(cell):
    """An openpyxl cell (also a write-only one) whose string value is written
    as a text cell, never as a formula or an error value."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def workbook_bytes(wb) -> bytes:
    """The .xlsx file of an openpyxl workbook (not write-only), every string
    that openpyxl took for a formula or an error (a name such as
    ``=HYPERLINK(...)``) written as text first: the product's reports hold
    data, never formulas."""
    import io

    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type in ("f", "e") and isinstance(c.value, str):
                    as_text(c)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_text(value: str) -> str:
    """A CSV cell Excel keeps as text.

    >>> csv_text("=HYPERLINK(\\"http://x\\")"), csv_text("+8613812341234"), csv_text("城关")
    ('\\'=HYPERLINK("http://x")', "'+8613812341234", '城关')
    """
    return "'" + value if value.startswith(FORMULA_LEADS) else value


def unquote(text: str) -> str:
    """The inverse of :func:`csv_text` for a trimmed cell.

    >>> unquote("'=1+1"), unquote("'abc")
    ('=1+1', "'abc")
    """
    if text[:1] == "'" and text[1:2] in FORMULA_LEADS and len(text) > 1:
        return text[1:]
    return text
