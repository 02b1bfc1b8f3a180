"""How every worksheet cobuild writes is printed: landscape, fitted to the
page width (as many pages down as it needs), the header row repeated on
every page. Used by the report workbook, the roster writer, the template
and the export."""

from __future__ import annotations

__all__ = ["print_setup"]


#: The page footer of a printed report sheet.
PAGE_FOOTER = "第 &P 页，共 &N 页 / page &P of &N"


def print_setup(ws, header_row: int | str | None = 1, *, footer: bool = False) -> None:
    """Set ``ws`` (an openpyxl worksheet, also write-only) to print
    landscape on A4, one page wide, repeating row ``header_row`` (or rows
    ``"1:2"``; None: no header row); with ``footer``, page numbers at the
    foot of every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if header_row:
        ws.print_title_rows = header_row if isinstance(header_row, str) else f"{header_row}:{header_row}"
    if footer:
        ws.oddFooter.center.text = PAGE_FOOTER
