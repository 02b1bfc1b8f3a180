"""The Excel report: one workbook a planner forwards.

Sheets: 说明 (overview: headline figures and the rules applied), 图表
(the HTML report's charts as native Excel charts, with their figures), 缺口
(findings), 社区覆盖 (per community org), 街道覆盖 (per street, with the
county total), 结构 (structural figures). Every table sheet has a frozen
bilingual header, an autofilter and fitted column widths; every sheet prints
landscape, one page wide, its header row repeated (:mod:`graph.printing`).
Every roster string is written as text (never as a formula).
"""

from __future__ import annotations

import unicodedata

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from graph.analysis.rules import RULES
from graph.celltext import as_text, workbook_bytes
from graph.printing import print_setup
from graph.reference import doc_ref
from graph.report.charts import BELOW_COLOR, Chart, chart_figures
from graph.report.stats import stats_chart_sheet, stats_sheet
from graph.report.words import headline, rule_label, scope_label, severity_label, subject_label

__all__ = ["render_xlsx", "SHEETS"]

#: sheet names, in order
SHEETS = ("说明", "图表", "缺口", "社区覆盖", "街道覆盖", "结构", "统计表", "统计图")

_HEAD_FILL = PatternFill("solid", fgColor="C00000")
_HEAD_FONT = Font(bold=True, color="FFFFFF")
_SEV_FILL = {"high": PatternFill("solid", fgColor="F8CBAD"),
             "medium": PatternFill("solid", fgColor="FFE699"),
             "low": PatternFill("solid", fgColor="DDEBF7")}


def _width(v) -> int:
    s = "" if v is None else str(v)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _put(ws, row: int, col: int, value):
    """Write a cell; strings always as text (a name starting with '=' is
    not a formula)."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    return as_text(cell)


def _table(ws, header: list[str], rows: list[list], *, start_row: int = 1, max_width: int = 60,
           percent_cols: tuple[int, ...] = (), wrap_cols: tuple[int, ...] = ()) -> None:
    for j, h in enumerate(header, 1):
        c = _put(ws, start_row, j, h)
        c.fill, c.font = _HEAD_FILL, _HEAD_FONT
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for i, r in enumerate(rows, start_row + 1):
        for j, v in enumerate(r, 1):
            c = _put(ws, i, j, v)
            if j in percent_cols:
                c.number_format = "0%"
            if j in wrap_cols:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    last = get_column_letter(len(header))
    ws.auto_filter.ref = f"A{start_row}:{last}{start_row + max(len(rows), 1)}"
    ws.freeze_panes = ws.cell(row=start_row + 1, column=1)
    for j, h in enumerate(header, 1):
        w = max([_width(h)] + [_width(r[j - 1]) for r in rows[:2000]])
        ws.column_dimensions[get_column_letter(j)].width = min(max(w + 2, 8), max_width)


def _overview(ws, a) -> None:
    ws.title = SHEETS[0]
    _put(ws, 1, 1, "共驻共建缺口分析报告 / Co-building gap analysis report").font = Font(bold=True, size=14)
    scope = scope_label(a)
    rows = [
        ["分析日期", "as of", a.as_of.isoformat()],
        ["范围", "scope", scope],
        ["策略", "policy", a.policy.source or "默认 default"],
        ["规则说明", "rules explained", doc_ref("rules")],
    ] + [[zh, en, v] for zh, en, v in headline(a)]
    _table(ws, ["项目", "item", "数值 value"], rows, start_row=3)
    r = 3 + len(rows) + 2
    _put(ws, r, 1, "适用规则 / Rules applied").font = Font(bold=True)
    rules = []
    for rule in RULES:
        cfg = a.policy.rules.get(rule.id) or rule.default_config()
        nc = next((e for e in a.not_checked if e["rule"] == rule.id), None)
        enabled = "是 yes" if cfg.enabled else "否 no"
        if nc:
            enabled = f"未检查 not checked：{nc['reason_zh']} / {nc['reason_en']}"
        rules.append([rule.id, rule.name_zh, rule.name_en, enabled,
                      severity_label(cfg.severity),
                      ", ".join(f"{k}={v}" for k, v in cfg.params.items()),
                      rule.description_zh, rule.description_en])
    hdr = ["规则 rule", "名称", "name", "启用 enabled", "严重程度 severity", "参数 parameters",
           "说明", "description"]
    for j, h in enumerate(hdr, 1):
        c = _put(ws, r + 1, j, h)
        c.fill, c.font = _HEAD_FILL, _HEAD_FONT
    for i, row in enumerate(rules, r + 2):
        for j, v in enumerate(row, 1):
            c = _put(ws, i, j, v)
            if j >= 7:
                c.alignment = Alignment(wrap_text=True, vertical="top")
    for col, w in zip("ABCDEFGH", (12, 22, 30, 12, 14, 36, 50, 60)):
        ws.column_dimensions[col].width = max(ws.column_dimensions[col].width or 0, w)


def _findings(ws, a) -> None:
    header = ["序号 no.", "规则 rule", "规则名称 rule name", "严重程度 severity", "街道 street",
              "街道名称 street name", "社区 community", "社区名称 community name", "对象类型 subject type",
              "对象编码 subject code", "对象名称 subject name", "问题与建议", "finding and what to do",
              "依据 evidence", "编号 id"]
    streets, comms = a.places["streets"], a.places["communities"]
    rows = []
    for i, f in enumerate(a.findings, 1):
        rows.append([i, f.rule, rule_label(f.rule).split(" ", 1)[1], severity_label(f.severity),
                     f.street or "", streets.get(f.street, "") if f.street else "",
                     f.community or "", (comms.get(f.community) or {}).get("name", "") if f.community else "",
                     subject_label(f.subject.type), f.subject.code, f.subject.name,
                     f.message_zh, f.message_en, "\n".join(f.evidence_text or f.evidence), f.id])
    _table(ws, header, rows, wrap_cols=(12, 13, 14))
    for col in ("L", "M"):
        ws.column_dimensions[col].width = 60
    ws.column_dimensions["N"].width = 50
    for i, f in enumerate(a.findings, 2):
        ws.cell(row=i, column=4).fill = _SEV_FILL[f.severity]


def _communities(ws, a) -> None:
    header = ["社区党组织编码 org", "社区党组织 org name", "社区编码 community", "社区 community name",
              "街道 street", "成员单位党组织 members", "单位→社区 U→C", "社区→单位 C→U",
              "双向 two-way", "兼职委员 part-time members", "双向比例 two-way share"]
    rows = [[r["org"], r["org_name"], r["community"] or "", r["community_name"] or "", r["street"] or "",
             r["members"], r["u_to_c"], r["c_to_u"], r["two_way"], r["part_time_members"],
             r["two_way_share"]] for r in a.summary["communities"]]
    _table(ws, header, rows, percent_cols=(11,))


def _streets(ws, a) -> None:
    header = ["街道编码 street", "街道 name", "社区 communities", "社区党组织 community orgs",
              "成员单位党组织 member orgs", "纳入关系（对） membership pairs", "单位→社区（对） U→C pairs",
              "社区→单位（对） C→U pairs", "双向（对） two-way pairs",
              "兼职委员（人） part-time members", "双向比例（按纳入关系） two-way share", "缺口 findings",
              "高 high", "中 medium", "低 low"]
    rows = []
    for r in a.summary["streets"]:
        f = r["findings"]
        rows.append([r["street"], r["name"], r["communities"], r["community_orgs"], r["member_orgs"],
                     r["members"], r["u_to_c"], r["c_to_u"], r["two_way"], r["part_time_members"],
                     r["two_way_share"], f["total"], f["high"], f["medium"], f["low"]])
    c = a.summary["county"]
    f = c["findings"]
    rows.append(["合计", "total", c["communities"], c["community_orgs"], c["member_orgs"], c["members"],
                 c["u_to_c"], c["c_to_u"], c["two_way"], c["part_time_members"], c["two_way_share"],
                 f["total"], f["high"], f["medium"], f["low"]])
    _table(ws, header, rows, percent_cols=(11,))
    for j in range(1, len(header) + 1):
        ws.cell(row=len(rows) + 1, column=j).font = Font(bold=True)


def _structure(ws, a) -> None:
    header = ["类别", "kind", "编码 code", "名称 name", "数值 value", "涉及 related", "说明 note"]
    s = a.structure or {}
    rows = []
    if s:
        b = s["betweenness"]
        for x in s["bridges"]:
            rows.append(["联系最广（介数中心性）", "bridge (betweenness)", x["person"], x["name"],
                         x["betweenness"], ", ".join(x["communities"]), f"{b['note_zh']} / {b['note_en']}"])
        for x in s["articulation"]:
            rows.append(["关键节点", "articulation point", x["code"], x["name"], len(x["cuts_off"]),
                         "、".join(x["cuts_off_names"]), f"{x['advice_zh']} / {x['advice_en']}"])
        for i, x in enumerate(s["components"]["largest_cut_off"], 1):
            rows.append(["脱节部分", "cut-off component", f"#{i}",
                         "、".join(x["org_names"][:10]) + ("等" if len(x["org_names"]) > 10 else ""),
                         x["size"], "、".join(x["communities"]), f"{x['advice_zh']} / {x['advice_en']}"])
        for x in s["cross_appointments"]:
            rows.append(["兼职最多", "most cross-appointments", x["person"], x["name"], x["part_time_posts"],
                         ", ".join(x["orgs"]), ""])
    _table(ws, header, rows, wrap_cols=(7,))
    ws.column_dimensions["G"].width = 50


def _native_chart(ws, chart: Chart, top: int, anchor: str) -> int:
    """Write ``chart``'s figures as a small table from row ``top`` and draw
    them as a native Excel chart at ``anchor``; returns the next free row."""
    names = list(chart.series)
    header = ["名称 name"] + [chart.series_names[k] for k in names]
    if chart.line is not None:
        header.append(chart.line_label)
    _put(ws, top, 1, f"{chart.title_zh} / {chart.title_en}").font = Font(bold=True)
    for j, h in enumerate(header, 1):
        c = _put(ws, top + 1, j, h)
        c.fill, c.font = _HEAD_FILL, _HEAD_FONT
    for i, label in enumerate(chart.labels):
        r = top + 2 + i
        _put(ws, r, 1, label)
        for j, k in enumerate(names, 2):
            c = _put(ws, r, j, chart.series[k][i])
            if chart.percent:
                c.number_format = "0%"
        if chart.line is not None:
            c = _put(ws, r, len(names) + 2, chart.line)
            c.number_format = "0%"
    first, last = top + 2, top + 1 + len(chart.labels)
    cats = Reference(ws, min_col=1, min_row=first, max_row=last)
    bar = BarChart()
    bar.type = "col"
    bar.title = f"{chart.title_zh} / {chart.title_en}"
    bar.add_data(Reference(ws, min_col=2, max_col=1 + len(names), min_row=top + 1, max_row=last),
                 titles_from_data=True)
    bar.set_categories(cats)
    for series, k in zip(bar.series, names):
        series.graphicalProperties.solidFill = chart.colors[k].lstrip("#").upper()
        series.graphicalProperties.line.noFill = True
    if len(names) > 1:
        bar.grouping, bar.overlap = "stacked", 100
    bar.y_axis.title = "比例 share" if chart.percent else "项 count"
    if chart.percent:
        bar.y_axis.number_format = "0%"
        bar.y_axis.scaling.min, bar.y_axis.scaling.max = 0, 1
    bar.y_axis.delete = bar.x_axis.delete = False
    bar.height, bar.width = 9, max(16, 0.9 * len(chart.labels))
    if chart.line is not None:
        line = LineChart()
        col = len(names) + 2
        line.add_data(Reference(ws, min_col=col, min_row=top + 1, max_row=last), titles_from_data=True)
        line.series[0].graphicalProperties.line.solidFill = BELOW_COLOR.lstrip("#").upper()
        line.series[0].graphicalProperties.line.dashStyle = "dash"
        line.series[0].smooth = False
        bar += line
    ws.add_chart(bar, anchor)
    return last + 3


def _charts(ws, a) -> None:
    ws.column_dimensions["A"].width = 24
    for col in "BCDE":
        ws.column_dimensions[col].width = 16
    _put(ws, 1, 1, "图表（数据与 HTML 报告相同）/ Charts (the figures of the HTML report)").font = Font(
        bold=True, size=14)
    row = 3
    for chart in chart_figures(a):
        start = row
        row = _native_chart(ws, chart, row, f"G{start}")
        row = max(row, start + 20)


def render_xlsx(analysis) -> bytes:
    """The workbook as bytes."""
    wb = Workbook()
    _overview(wb.active, analysis)
    for name, fill in zip(SHEETS[1:6], (_charts, _findings, _communities, _streets, _structure)):
        fill(wb.create_sheet(name), analysis)
    if analysis.stats is not None:
        stats_sheet(wb.create_sheet(SHEETS[6]), analysis.stats)
        stats_chart_sheet(wb.create_sheet(SHEETS[7]), analysis.stats)
    for ws in wb.worksheets:
        print_setup(ws, {"说明": 3, "图表": None, "统计表": 3, "统计图": None}.get(ws.title, 1))
    return workbook_bytes(wb)
