"""The 统计表 as a planner sends it upward: text, JSON, a print-ready
workbook, an HTML page -- and the pieces the analysis report reuses (the
table, the charts per street, the rules not checked).

"No data" (an absent table or column, or a denominator of 0) is written
"无数据 no data", never 0.
"""

from __future__ import annotations

import json
from html import escape

from graph.analysis.stats import FIGURES
from graph.celltext import workbook_bytes
from graph.printing import print_setup
from graph.report import STATS_FORMATS

__all__ = ["NO_DATA", "STATS_FORMATS", "figure_text", "stats_table", "render_stats", "stats_sheet",
           "stats_html", "not_checked_lines", "street_chart_svg", "stats_chart_sheet"]

NO_DATA = "无数据 no data"
_LEVEL = {"community": "社区 community", "street": "街道小计 street subtotal", "county": "全县合计 county total"}


def figure_text(value: dict | None, rate: bool) -> str:
    """``{"value": .75, "num": 3, "den": 4}`` -> ``"75.0%（3/4）"``; a count as
    itself; ``None`` -> ``"无数据 no data"``.

    >>> figure_text({"value": 0.75, "num": 3, "den": 4}, True), figure_text(None, False)
    ('75.0%（3/4）', '无数据 no data')
    """
    if value is None:
        return NO_DATA
    if rate:
        return f"{value['value']:.1%}（{value['num']}/{value['den']}）"
    return str(value["value"])


def stats_table(stats) -> tuple[list[str], list[list[str]]]:
    """Header and rows (text cells) of the 统计表."""
    header = ["层级 level", "编码 code", "名称 name"] + [f"{f.zh} {f.en}" for f in FIGURES]
    rows = []
    for p in stats.places:
        rows.append([_LEVEL[p["level"]], p["code"] or "", p["name"]]
                    + [figure_text(p["figures"][f.key], f.rate) for f in FIGURES])
    return header, rows


def not_checked_lines(not_checked: list[dict]) -> list[str]:
    """One bilingual line per rule not checked."""
    return [f"{e['rule']} {e['name_zh']} / {e['name_en']}：{e['reason_zh']} / {e['reason_en']}"
            for e in not_checked]


def _unavailable_lines(stats) -> list[str]:
    by_key = {f.key: f for f in FIGURES}
    return [f"{by_key[k].zh} {by_key[k].en}：{v['reason_zh']} / {v['reason_en']}"
            for k, v in stats.unavailable.items()]


def _render_text(stats) -> str:
    from graph.report.text import table_lines  # (text imports this module)

    header, rows = stats_table(stats)
    L = ["共驻共建统计表 / Co-building statistics", "=" * 60,
         f"统计日期 As of: {stats.as_of.isoformat()}", ""]
    L.extend(table_lines(header, rows, numeric_from=3))
    if stats.unavailable:
        L += ["", "无数据的指标 / Figures without data:"]
        L += [f"  {line}" for line in _unavailable_lines(stats)]
    return "\n".join(L) + "\n"


def stats_sheet(ws, stats, title: str = "共驻共建统计表 / Co-building statistics") -> None:
    """Write the 统计表 into worksheet ``ws``, print-ready: one row per
    community, a subtotal row per street, the county total; landscape A4,
    fitted to the page width, the header repeated on every page. Rates are
    numbers formatted as percentages (Excel can sum and chart them); "no
    data" is the words, never 0."""
    # openpyxl here, not at the top: the text and JSON reports (and the
    # command line's start) do without its half-second import
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    head = PatternFill("solid", fgColor="C00000")
    level_fill = {"street": PatternFill("solid", fgColor="FCE4D6"),
                  "county": PatternFill("solid", fgColor="F8CBAD")}
    n = 3 + len(FIGURES)
    ws.title = "统计表"
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(2, 1, f"统计日期 as of {stats.as_of.isoformat()}；括号内为分子/分母，"
                  "“无数据”表示花名册缺少相应的表或列、或分母为 0").font = Font(color="666666")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    header = ["层级\nlevel", "编码\ncode", "名称\nname"] + [f"{f.zh}\n{f.en}" for f in FIGURES]
    for j, h in enumerate(header, 1):
        c = ws.cell(3, j, h)
        c.font, c.fill, c.border = Font(bold=True, color="FFFFFF"), head, box
        c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.row_dimensions[3].height = 45
    for i, p in enumerate(stats.places, 4):
        cells = [_LEVEL[p["level"]], p["code"] or "", p["name"]]
        for j, v in enumerate(cells, 1):
            c = ws.cell(i, j, v)
            c.data_type = "s"
        for j, f in enumerate(FIGURES, 4):
            v = p["figures"][f.key]
            c = ws.cell(i, j)
            if v is None:
                c.value = "无数据"
                c.alignment = Alignment(horizontal="center")
            elif f.rate:
                c.value = v["value"]
                c.number_format = "0.0%"
            else:
                c.value = v["value"]
        fill = level_fill.get(p["level"])
        for j in range(1, n + 1):
            c = ws.cell(i, j)
            c.border = box
            if fill:
                c.fill, c.font = fill, Font(bold=True)
    widths = [16, 10, 18] + [12] * len(FIGURES)
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "D4"
    print_setup(ws, 3, footer=True)
    last = 4 + len(stats.places)
    notes = _unavailable_lines(stats)
    for k, line in enumerate(notes):
        ws.cell(last + 1 + k, 1, line).font = Font(color="666666", size=9)


def _colour(x: float) -> str:
    """Red (0) -> amber (0.5) -> green (1)."""
    stops = ((0.0, (0xC6, 0x28, 0x28)), (0.5, (0xF9, 0xA8, 0x25)), (1.0, (0x2E, 0x7D, 0x32)))
    x = min(max(x, 0.0), 1.0)
    (a, ca), (b, cb) = (stops[0], stops[1]) if x <= 0.5 else (stops[1], stops[2])
    t = (x - a) / (b - a)
    return "#" + "".join(f"{round(p + (q - p) * t):02x}" for p, q in zip(ca, cb))


def _street_rows(stats, street: str) -> list[dict]:
    return [p for p in stats.places if p["street"] == street and p["level"] in ("community", "street")]


def street_chart_svg(stats, street: str) -> str:
    """The rates of one street's communities (and the street's subtotal) as
    an inline SVG grid: one row per place, one column per rate, coloured
    from red (0 %) to green (100 %); "no data" cells are grey and say so.
    Drawn here, offline, with no library and nothing loaded."""
    rates = [f for f in FIGURES if f.rate]
    rows = _street_rows(stats, street)
    cw, ch, left, top = 116, 24, 160, 52
    width, height = left + cw * len(rates) + 4, top + ch * len(rows) + 4
    name = next((p["name"] for p in rows if p["level"] == "street"), street)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" font-size="11" '
           f'aria-label="{escape(name)} 统计图 / statistics chart">',
           f'<text x="4" y="14" font-size="13" font-weight="bold">{escape(name)}（{escape(street)}）'
           f'统计图 / statistics {stats.as_of.isoformat()}</text>']
    for j, f in enumerate(rates):
        x = left + j * cw + cw / 2
        out.append(f'<text x="{x}" y="32" text-anchor="middle">{escape(f.zh)}</text>'
                   f'<text x="{x}" y="46" text-anchor="middle" font-size="9" fill="#555">{escape(f.en)}</text>')
    for i, p in enumerate(rows):
        y = top + i * ch
        label = p["name"] + ("（小计 subtotal）" if p["level"] == "street" else "")
        out.append(f'<text x="4" y="{y + 16}">{escape(label)}</text>')
        for j, f in enumerate(rates):
            v = p["figures"].get(f.key)
            x = left + j * cw
            fill, text = ("#dddddd", "无数据") if v is None else (_colour(v["value"]), f"{v['value']:.0%}")
            out.append(f'<rect x="{x}" y="{y}" width="{cw - 2}" height="{ch - 2}" fill="{fill}"/>'
                       f'<text x="{x + cw / 2 - 1}" y="{y + 15}" text-anchor="middle">{text}</text>')
    out.append("</svg>")
    return "".join(out)


def stats_chart_sheet(ws, stats) -> None:
    """One Excel bar chart per street (native, drawn by Excel from the data
    block on the sheet): the rates of its communities and its subtotal. A
    "no data" figure is an empty cell -- a gap, not a bar of 0."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rates = [f for f in FIGURES if f.rate]
    ws.cell(1, 1, "各街道统计图 / Statistics per street（数据见下方，图在右侧 data below, charts on the right）"
            ).font = Font(bold=True, size=12)
    row = 3
    anchor = 3
    for p in stats.places:
        if p["level"] != "street":
            continue
        rows = _street_rows(stats, p["code"])
        ws.cell(row, 1, f"{p['name']}（{p['code']}）").font = Font(bold=True)
        for j, f in enumerate(rates, 2):
            ws.cell(row, j, f"{f.zh} {f.en}")
        for i, q in enumerate(rows, row + 1):
            ws.cell(i, 1, q["name"] + ("（小计）" if q["level"] == "street" else ""))
            for j, f in enumerate(rates, 2):
                v = q["figures"].get(f.key)
                if v is not None:
                    ws.cell(i, j, v["value"]).number_format = "0%"
        chart = BarChart()
        chart.type = "col"
        chart.title = f"{p['name']} 统计图 / statistics"
        chart.y_axis.title = "比例 share"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.y_axis.number_format = "0%"
        data = Reference(ws, min_col=1, max_col=1 + len(rates), min_row=row + 1, max_row=row + len(rows))
        chart.add_data(data, from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, max_col=1 + len(rates), min_row=row, max_row=row))
        chart.height, chart.width = 9, 26
        ws.add_chart(chart, f"{get_column_letter(len(rates) + 3)}{anchor}")
        anchor += 20
        row += len(rows) + 3
    ws.column_dimensions["A"].width = 22
    print_setup(ws, None, footer=True)


def _render_xlsx(stats) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    stats_sheet(wb.active, stats)
    stats_chart_sheet(wb.create_sheet("统计图"), stats)
    return workbook_bytes(wb)


def stats_html(stats, with_charts: bool = True) -> str:
    """The 统计表 (and a chart per street) as an HTML fragment."""
    from graph.report.html import table_html

    header, rows = stats_table(stats)
    out = [table_html(header, rows, numeric_from=3)]
    notes = _unavailable_lines(stats)
    if notes:
        out.append("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in notes) + "</ul>")
    if with_charts:
        out.extend(f"<figure>{street_chart_svg(stats, p['code'])}</figure>"
                   for p in stats.places if p["level"] == "street")
    return "".join(out)


def _render_html(stats) -> str:
    from graph.report.html import page

    return page("共驻共建统计表 / Co-building statistics",
                [f"统计日期 As of: {stats.as_of.isoformat()}"],
                "<h2>统计表 / Statistics</h2>" + stats_html(stats))


def render_stats(stats, fmt: str) -> str | bytes:
    """The 统计表 in format ``fmt`` (``bytes`` for xlsx)."""
    if fmt == "text":
        return _render_text(stats)
    if fmt == "json":
        return json.dumps(stats.as_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "xlsx":
        return _render_xlsx(stats)
    if fmt == "html":
        return _render_html(stats)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(STATS_FORMATS)}")
