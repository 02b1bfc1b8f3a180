"""The 需求对接建议 (matching proposals) as text, JSON and a workbook
sheet: each proposal with why, each need left open with why."""

from __future__ import annotations

import json

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from graph.celltext import workbook_bytes
from graph.report import MATCH_FORMATS

__all__ = ["MATCH_FORMATS", "render_matching", "matching_sheet", "SHEET"]

SHEET = "需求对接建议"
_HEADER = ["需求编码 need", "需求内容 need", "社区 community", "建议资源 resource", "资源内容 resource",
           "提供单位 unit", "单位名称 unit name", "得分 score", "理由", "why"]


def _rows(m) -> list[list]:
    rows = [[p.need, p.need_title, p.community or "", p.resource, p.resource_title, p.unit or "",
             p.unit_name, p.score, "；".join(p.reasons_zh), "; ".join(p.reasons_en)] for p in m.proposals]
    rows += [[u.need, u.need_title, u.community or "", "（暂无 none）", "", "", "", "", u.why_zh, u.why_en]
             for u in m.unmatched]
    return rows


def matching_sheet(ws, m) -> None:
    """Write the proposals (then the needs left open) into ``ws``."""
    ws.title = SHEET
    fill = PatternFill("solid", fgColor="C00000")
    for j, h in enumerate(_HEADER, 1):
        c = ws.cell(1, j, h)
        c.font, c.fill = Font(bold=True, color="FFFFFF"), fill
    for i, row in enumerate(_rows(m), 2):
        for j, v in enumerate(row, 1):
            c = ws.cell(i, j, v)
            if isinstance(v, str):
                c.data_type = "s"
            if j >= 9:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    for j, w in enumerate((12, 24, 10, 12, 20, 10, 26, 8, 44, 60), 1):
        ws.column_dimensions[chr(64 + j)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:J{max(2, len(m.proposals) + len(m.unmatched) + 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _text(m) -> str:
    L = ["需求对接建议 / Matching open needs to resources", "=" * 60,
         f"日期 As of: {m.as_of.isoformat()}",
         f"建议 {len(m.proposals)} 条 proposals；未能对接 {len(m.unmatched)} 条 left open", ""]
    for p in m.proposals:
        L.append(f"  需求 {p.need_title} ({p.need}, {p.community or '-'}) → 资源 {p.resource_title} "
                 f"({p.resource})，{p.unit_name} ({p.unit or '-'})  得分 score {p.score}")
        L.append(f"    理由：{'；'.join(p.reasons_zh)}")
        L.append(f"    why: {'; '.join(p.reasons_en)}")
    if m.unmatched:
        L += ["", "未能对接的需求 / Needs left open:"]
        for u in m.unmatched:
            L.append(f"  {u.need_title} ({u.need}, {u.community or '-'})：{u.why_zh} / {u.why_en}")
    return "\n".join(L) + "\n"


def render_matching(m, fmt: str) -> str | bytes:
    """The matching in ``fmt`` (``bytes`` for xlsx)."""
    if fmt == "text":
        return _text(m)
    if fmt == "json":
        return json.dumps(m.as_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "xlsx":
        wb = Workbook()
        matching_sheet(wb.active, m)
        return workbook_bytes(wb)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(MATCH_FORMATS)}")
