"""Charts of an analysis, drawn with matplotlib (no pyplot, no global state).

Chinese labels need a font with Chinese glyphs: :func:`cjk_font` looks for
one among the installed fonts (Noto Sans CJK on Linux -- Debian's
``fonts-noto-cjk`` --, Microsoft YaHei / SimHei on Windows, PingFang on
macOS). With none, a chart falls back to English labels and codes instead of
drawing empty boxes.

matplotlib is an optional extra (``pip install 'cobuild[notebooks]'``): it is
imported when a chart is drawn, and its absence is said plainly then.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from typing import Any

from graph.errors import CobuildError

__all__ = ["CJK_FAMILIES", "cjk_font", "Chart", "coverage_chart"]

#: Font families with Chinese glyphs, preferred first.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "SimHei",
    "Hiragino Sans GB", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK TC",
    "Source Han Sans CN", "Noto Serif CJK SC", "SimSun", "Arial Unicode MS",
)

#: Segments of a coverage bar: key, colour, Chinese label, English label.
_SEGMENTS = (
    ("two_way", "#2e7d32", "双向进入", "two-way"),
    ("u_only", "#f9a825", "仅单位→社区", "U → C only"),
    ("c_only", "#ffcc80", "仅社区→单位", "C → U only"),
    ("none", "#c62828", "无交叉任职", "no link"),
)


def _matplotlib():
    """matplotlib, imported on first use (the optional ``notebooks`` extra)."""
    try:
        import matplotlib.figure
        import matplotlib.font_manager
    except ImportError:
        raise CobuildError(
            "画图需要 matplotlib：请运行 pip install 'cobuild[notebooks]'",
            "charts need matplotlib: pip install 'cobuild[notebooks]'",
        ) from None
    return matplotlib


def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None.

    Examples
    --------
    >>> cjk_font() in CJK_FAMILIES + (None,) or "CJK" in cjk_font()
    True
    """
    font_manager = _matplotlib().font_manager
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return family
    others = sorted(n for n in names if "CJK" in n)
    return others[0] if others else None


@dataclass
class Chart:
    """A drawn chart: ``figure`` (a matplotlib Figure) and the Chinese
    ``font`` it uses (None: English labels only). Jupyter shows it as a PNG
    image."""

    figure: Any  # matplotlib.figure.Figure
    font: str | None

    def png(self, dpi: int = 100) -> bytes:
        """The chart as PNG bytes."""
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()

    def save(self, path: str | os.PathLike, dpi: int = 150) -> Path:
        """Write the chart to ``path`` (format from the suffix: .png, .svg, .pdf)."""
        path = Path(path)
        self.figure.savefig(path, dpi=dpi)
        return path


def _segments(row: dict) -> dict[str, int]:
    one_way_u = row["u_to_c"] - row["two_way"]
    one_way_c = row["c_to_u"] - row["two_way"]
    return {"two_way": row["two_way"], "u_only": one_way_u, "c_only": one_way_c,
            "none": row["members"] - row["two_way"] - one_way_u - one_way_c}


def coverage_chart(analysis, *, font: str | None = "auto") -> Chart:
    """Two-way entry per community party organization, as stacked bars.

    Each bar is one community org's member unit orgs (纳入大党委), split
    into two-way links, one-way links (each direction) and none; the share
    of two-way links is written at the end of the bar.

    Parameters
    ----------
    analysis : graph.analysis.Analysis
        Its ``summary["communities"]`` rows are drawn, in summary order.
    font : str or None
        A font family with Chinese glyphs; ``"auto"`` (default) picks one
        with :func:`cjk_font`; None draws English labels and codes only.

    Returns
    -------
    Chart
    """
    if font == "auto":
        font = cjk_font()
    mpl = _matplotlib()
    FontProperties, Figure = mpl.font_manager.FontProperties, mpl.figure.Figure
    fp = FontProperties(family=font) if font else FontProperties()
    small = fp.copy()
    small.set_size(8)

    def say(zh: str, en: str) -> str:
        return f"{zh} / {en}" if font else en

    rows = analysis.summary["communities"]
    fig = Figure(figsize=(10, 1.8 + 0.34 * max(len(rows), 1)), layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(say("各社区大党委成员单位党组织的双向进入情况",
                     "two-way entry of member unit orgs per community party organization")
                 + f" ({analysis.as_of.isoformat()})", fontproperties=fp)
    if not rows:
        ax.text(0.5, 0.5, say("没有社区党组织", "no community party organizations"),
                ha="center", va="center", transform=ax.transAxes, fontproperties=fp)
        ax.set_axis_off()
        return Chart(fig, font)

    labels = [f"{r['org_name']} ({r['org']})" if font else
              f"{r['community'] or '-'} / {r['org']}" for r in rows]
    ys = list(range(len(rows)))
    left = [0] * len(rows)
    segs = [_segments(r) for r in rows]
    for key, colour, zh, en in _SEGMENTS:
        widths = [s[key] for s in segs]
        ax.barh(ys, widths, left=left, color=colour, label=say(zh, en), height=0.7)
        left = [a + b for a, b in zip(left, widths)]
    for y, r in zip(ys, rows):
        ax.text(r["members"] + 0.1, y, f"{r['two_way_share']:.0%}", va="center",
                fontproperties=small)
    ax.set_yticks(ys, labels=labels, fontproperties=small)
    ax.invert_yaxis()
    ax.set_xlabel(say("成员单位党组织数", "member unit orgs"), fontproperties=fp)
    ax.set_xlim(0, max(r["members"] for r in rows) + 1.2)
    ax.xaxis.get_major_locator().set_params(integer=True)
    fig.legend(prop=small, loc="outside lower center", ncols=len(_SEGMENTS))
    return Chart(fig, font)
