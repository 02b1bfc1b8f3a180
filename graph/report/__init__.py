"""Reports of an analysis: ``text`` (Chinese with English beside), ``json``
(the contract), ``xlsx`` (a workbook a planner forwards), ``html`` (one
self-contained page).

:func:`render` gives a report's content, :func:`write` writes it to a file
atomically (a failed write leaves no half-written file). Reports carry no
phone numbers: the analysis never reads them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["FORMATS", "SUFFIXES", "STATS_FORMATS", "MATCH_FORMATS", "render", "write"]

#: format -> file suffix
SUFFIXES = {"text": ".txt", "json": ".json", "xlsx": ".xlsx", "html": ".html"}
FORMATS = tuple(SUFFIXES)
#: The formats of the 统计表 (:mod:`graph.report.stats`) and of the 需求对接
#: proposals (:mod:`graph.report.matching`), here so that the command line
#: lists them without loading the workbook writer.
STATS_FORMATS = ("text", "json", "xlsx", "html")
MATCH_FORMATS = ("text", "json", "xlsx")


def render(analysis, fmt: str) -> str | bytes:
    """The report of ``analysis`` in format ``fmt`` (``bytes`` for xlsx)."""
    if fmt == "text":
        from graph.report.text import render_text
        return render_text(analysis)
    if fmt == "json":
        from graph.report.jsonout import render_json
        return render_json(analysis)
    if fmt == "xlsx":
        from graph.report.xlsx import render_xlsx
        return render_xlsx(analysis)
    if fmt == "html":
        from graph.report.html import render_html
        return render_html(analysis)
    raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")


def write(analysis, fmt: str, path: str | os.PathLike) -> Path:
    """Write the report to ``path`` (through a temporary file in the same
    folder, then renamed)."""
    path = Path(path)
    content = render(analysis, fmt)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
