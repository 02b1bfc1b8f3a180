"""How every worksheet cobuild writes is printed: landscape, fitted to the
page width (as many pages down as it needs), the header row repeated on
every page. Used by the report workbook, the roster writer, the template
and the export."""

from __future__ import annotations

__all__ = ["print_setup"]


def print_setup(ws, header_row: int | None = 1) -> None:
    """Set ``ws`` (an openpyxl worksheet, also write-only) to print
    landscape on A4, one page wide, repeating row ``header_row`` (None: no
    header row)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
