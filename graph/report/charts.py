"""The report's charts: the figures (shared by the HTML and the xlsx
report) and their drawing as inline SVG (no script, no dependency, nothing
loaded: the HTML report's Content-Security-Policy allows none).

Three charts:

* ``coverage``: two-way share per community party organization, as bars
  against the policy line (G06's ``min_two_way_share``);
* ``findings``: findings per street, stacked by severity;
* ``streets``: two-way share per street, against the same line.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from html import escape

from graph.findings import SEVERITIES

__all__ = ["Chart", "chart_figures", "svg", "SEVERITY_COLORS", "BAR_COLOR", "BELOW_COLOR"]

#: Severity colours of the reports (the explorer uses the same three).
SEVERITY_COLORS = {"high": "#c62828", "medium": "#ef8f00", "low": "#f2c200"}
#: A bar at or above the policy line, and one below it.
BAR_COLOR = "#2e7d32"
BELOW_COLOR = "#c62828"
_LINE_COLOR = "#1f3a93"
_FONT = '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif'


@dataclass(frozen=True)
class Chart:
    """One chart's figures: ``labels`` (one per bar), ``series`` (name ->
    values, one per label), ``line`` (the policy value, or None), and what
    the axis shows (``percent``: values are shares 0–1)."""

    key: str
    title_zh: str
    title_en: str
    labels: tuple[str, ...]
    series: dict[str, tuple[float, ...]]
    series_names: dict[str, str]
    colors: dict[str, str]
    percent: bool
    line: float | None = None
    line_label: str = ""
    note: str = ""


def _policy_share(analysis) -> float | None:
    cfg = analysis.policy.rules.get("G06")
    if cfg is None:
        from graph.analysis.rules import RULES_BY_ID
        cfg = RULES_BY_ID["G06"].default_config()
    return float(cfg.params["min_two_way_share"]) if cfg.enabled else None


def chart_figures(analysis) -> list[Chart]:
    """The three charts' figures of an analysis (empty charts left out)."""
    line = _policy_share(analysis)
    line_label = f"政策线 policy line {line:.0%}（G06）" if line is not None else ""
    out: list[Chart] = []
    # worst first: the communities a planner looks for are at the top
    comms = sorted(analysis.summary["communities"],
                   key=lambda r: (r["two_way_share"], r["community_name"] or r["org_name"]))
    if comms:
        out.append(Chart(
            "coverage", "各社区党组织双向进入比例", "Two-way share per community party organization",
            tuple(f"{r['community_name'] or r['org_name']}" for r in comms),
            {"two_way_share": tuple(r["two_way_share"] for r in comms)},
            {"two_way_share": "双向进入比例 two-way share"}, {"two_way_share": BAR_COLOR},
            percent=True, line=line, line_label=line_label,
            note="由低到高排列，低于政策线的标为红色 / lowest first; bars below the policy line are red"))
    streets = analysis.summary["streets"]
    if streets:
        out.append(Chart(
            "findings", "各街道缺口数（按严重程度）", "Findings per street by severity",
            tuple(r["name"] for r in streets),
            {s: tuple(r["findings"][s] for r in streets) for s in SEVERITIES},
            {s: f"{zh} {en}" for s, (zh, en) in SEVERITIES.items()}, dict(SEVERITY_COLORS),
            percent=False))
        out.append(Chart(
            "streets", "各街道双向进入比例（按纳入关系）", "Two-way share per street (of membership pairs)",
            tuple(r["name"] for r in streets),
            {"two_way_share": tuple(r["two_way_share"] for r in streets)},
            {"two_way_share": "双向进入比例 two-way share"}, {"two_way_share": BAR_COLOR},
            percent=True, line=line, line_label=line_label))
    return out


# -- drawing --------------------------------------------------------------------

_LABEL_W = 170
_BAR_H = 16
_GAP = 6
_PLOT_W = 460
_TOP = 30
_RIGHT = 60


def _text_w(text: str) -> int:
    """About how wide ``text`` is drawn at 12px (CJK twice as wide)."""
    return sum(12 if unicodedata.east_asian_width(ch) in "WF" else 7 for ch in text)


def _cut(text: str, n: int = 12) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def svg(chart: Chart) -> str:
    """The chart as one inline ``<svg>`` element (horizontal bars, stacked
    when there are several series); every text escaped."""
    n = len(chart.labels)
    totals = [sum(v[i] for v in chart.series.values()) for i in range(n)]
    vmax = 1.0 if chart.percent else -(-max([*totals, 1]) // 4) * 4  # count axis: 4 whole steps
    if chart.line is not None:
        vmax = max(vmax, chart.line)
    scale = _PLOT_W / vmax
    legend_h = 22
    items = [(chart.colors[k], chart.series_names[k]) for k in chart.series]
    if chart.line is not None:
        items = [(BAR_COLOR, "达到政策线 at or above the line"), (BELOW_COLOR, "低于政策线 below the line")]
    legend_w = sum(16 + _text_w(name) + 14 for _, name in items)
    if chart.line is not None:
        legend_w += 26 + _text_w(chart.line_label)
    height = _TOP + n * (_BAR_H + _GAP) + 28 + legend_h
    width = max(_LABEL_W + _PLOT_W + _RIGHT, legend_w + 4)
    title = f"{chart.title_zh} / {chart.title_en}"
    out = [f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'font-family=\'{_FONT}\' font-size="12" data-chart="{escape(chart.key)}">',
           f"<title>{escape(title)}</title>",
           f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    # grid: 0, 25, 50, 75, 100 % (or 4 steps of the count)
    for k in range(5):
        v = vmax * k / 4
        x = _LABEL_W + v * scale
        out.append(f'<line x1="{x:.1f}" y1="{_TOP - 4}" x2="{x:.1f}" y2="{_TOP + n * (_BAR_H + _GAP)}" '
                   f'stroke="#ddd"/>')
        tick = f"{v:.0%}" if chart.percent else (f"{v:.0f}" if v == int(v) else f"{v:.1f}")
        out.append(f'<text x="{x:.1f}" y="{_TOP + n * (_BAR_H + _GAP) + 14}" text-anchor="middle" '
                   f'fill="#555">{tick}</text>')
    values_text: list[str] = []
    for i, label in enumerate(chart.labels):
        y = _TOP + i * (_BAR_H + _GAP)
        out.append(f'<text x="{_LABEL_W - 6}" y="{y + _BAR_H - 4}" text-anchor="end">'
                   f"<title>{escape(label)}</title>{escape(_cut(label))}</text>")
        x = _LABEL_W
        for key, values in chart.series.items():
            v = values[i]
            if v <= 0:
                continue
            color = chart.colors[key]
            if chart.line is not None and len(chart.series) == 1 and v < chart.line:
                color = BELOW_COLOR
            w = v * scale
            shown = f"{v:.0%}" if chart.percent else f"{v:g}"
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{_BAR_H}" fill="{color}">'
                       f"<title>{escape(label)}：{escape(chart.series_names[key])} {shown}</title></rect>")
            x += w
        total = totals[i]
        shown = f"{total:.0%}" if chart.percent else f"{total:g}"
        values_text.append(f'<text x="{x + 4:.1f}" y="{y + _BAR_H - 4}" fill="#333" '
                           f'stroke="#fff" stroke-width="3" paint-order="stroke">{shown}</text>')
    if chart.line is not None:
        x = _LABEL_W + chart.line * scale
        out.append(f'<line class="policy-line" x1="{x:.1f}" y1="{_TOP - 8}" x2="{x:.1f}" '
                   f'y2="{_TOP + n * (_BAR_H + _GAP)}" stroke="{_LINE_COLOR}" stroke-width="2" '
                   f'stroke-dasharray="6 3"/>')
    out.extend(values_text)
    # legend
    ly = height - 8
    lx = 0
    for color, name in items:
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{color}"/>'
                   f'<text x="{lx + 16}" y="{ly}">{escape(name)}</text>')
        lx += 16 + _text_w(name) + 14
    if chart.line is not None:
        out.append(f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 22}" y2="{ly - 4}" stroke="{_LINE_COLOR}" '
                   f'stroke-width="2" stroke-dasharray="6 3"/>'
                   f'<text x="{lx + 26}" y="{ly}">{escape(chart.line_label)}</text>')
    out.append("</svg>")
    return "".join(out)
