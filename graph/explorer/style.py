"""How the explorer draws things: node kinds, link states, severities, legend.

Node looks come from :data:`graph.schema.NODE_KINDS` (shape and colour per
label). Party organizations are split into the three groups the rules speak
of -- community orgs, unit orgs, other orgs -- which keep the schema's shape
and colour family: a community org is drawn large in the schema colour, a
unit org smaller in a lighter tint of it. Everything else here (link colours,
severity marks) is a drawing decision, not domain data.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph import schema
from graph.findings import SEVERITIES

__all__ = [
    "ViewKind",
    "VIEW_KINDS",
    "VIEW_KINDS_BY_KEY",
    "UNIT_GROUP",
    "DETAIL_GROUP",
    "GROUP_KINDS",
    "view_kind_of",
    "SEVERITY_LOOK",
    "SHARE_SCALE",
    "share_color",
    "LINK_STYLES",
    "EDGE_STYLES",
    "PLAN_STYLE",
    "FONT_FACE",
    "legend",
]

#: Fonts with Chinese glyphs first (Linux, Windows, macOS), then any sans.
FONT_FACE = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _tint(color: str, amount: float) -> str:
    """``color`` mixed with white (``amount`` 0 = unchanged, 1 = white)."""
    c = color.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(v + (255 - v) * amount) for v in (r, g, b)]
    return "#" + "".join(f"{v:02x}" for v in mix)


def _shade(color: str, amount: float) -> str:
    """``color`` mixed with black."""
    c = color.lstrip("#")
    r, g, b = (int(c[i:i + 2], 16) for i in (0, 2, 4))
    return "#" + "".join(f"{round(v * (1 - amount)):02x}" for v in (r, g, b))


@dataclass(frozen=True)
class ViewKind:
    """A kind of node as the explorer shows it (a legend line, a filter).

    ``key`` is the schema label, or ``"PartyOrg:<group>"`` for the three
    party-organization groups, or one of :data:`GROUP_KINDS` for the
    per-community aggregates of a grouped county view.
    """

    key: str
    label: str
    zh: str
    en: str
    shape: str
    color: str
    size: int = 16

    @property
    def border(self) -> str:
        return _shade(self.color, 0.35)

    def as_legend(self, count: int) -> dict:
        return {
            "group": "node",
            "key": self.key,
            "zh": self.zh,
            "en": self.en,
            "shape": self.shape,
            "color": self.color,
            "border": self.border,
            "count": count,
        }


#: Keys of the aggregate nodes of a grouped county view: one community's
#: resident units (with their orgs and staff), and the rest of its detail
#: (grids, compounds, people, the three lists).
UNIT_GROUP = "UnitGroup"
DETAIL_GROUP = "DetailGroup"
GROUP_KINDS = (UNIT_GROUP, DETAIL_GROUP)


def _view_kinds() -> tuple[ViewKind, ...]:
    out: list[ViewKind] = []
    for k in schema.NODE_KINDS:
        if k.label == "PartyOrg":
            out += [
                ViewKind("PartyOrg:community", k.label, "社区党组织", "community party organization",
                         k.shape, k.color, 26),
                ViewKind("PartyOrg:unit", k.label, "单位党组织", "unit party organization",
                         k.shape, _tint(k.color, 0.5), 15),
                ViewKind("PartyOrg:other", k.label, "其他党组织", "other party organization",
                         k.shape, _shade(k.color, 0.3), 18),
            ]
        else:
            size = {"Street": 34, "Community": 28}.get(k.label, 16)
            out.append(ViewKind(k.label, k.label, k.zh, k.en, k.shape, k.color, size))
    unit, community = schema.node_kind("Unit"), schema.node_kind("Community")
    out.append(ViewKind(UNIT_GROUP, "Unit", f"{unit.zh}组（按社区）",
                        f"{unit.en}s of a community, as one node", "dot", _tint(unit.color, 0.1)))
    out.append(ViewKind(DETAIL_GROUP, "Community", "网格、小区、人员等（按社区）",
                        "grids, compounds, people of a community, as one node", "dot",
                        _tint(community.color, 0.55)))
    return tuple(out)


VIEW_KINDS: tuple[ViewKind, ...] = _view_kinds()
VIEW_KINDS_BY_KEY: dict[str, ViewKind] = {k.key: k for k in VIEW_KINDS}


def view_kind_of(label: str, attrs: dict) -> ViewKind:
    """The view kind of a graph node (label plus, for orgs, its kind)."""
    if label == "PartyOrg":
        group = schema.org_group(attrs.get("kind"))
        return VIEW_KINDS_BY_KEY[f"PartyOrg:{group if group in ('community', 'unit') else 'other'}"]
    return VIEW_KINDS_BY_KEY.get(label) or ViewKind(label, label, label, label, "dot", "#888888")


#: Severity marks on the subjects of findings: border colour and width, a
#: glow of the same colour, and the label in a readable shade of it. Red,
#: orange and yellow mean a severity and nothing else: no node kind is
#: drawn in them (:mod:`graph.schema` colours, checked by the tests).
SEVERITY_LOOK: dict[str, dict] = {
    "high": {"color": "#d7191c", "width": 6, "label": "#b00000"},
    "medium": {"color": "#f28e2b", "width": 4, "label": "#c05000"},
    "low": {"color": "#e6b800", "width": 3, "label": "#8a6d00"},
}

#: The overview's ring colour by two-way share: (from, to, colour) bands of
#: one blue scale (the darker, the higher); blue says nothing else here.
SHARE_SCALE: tuple[tuple[float, float, str], ...] = (
    (0.0, 0.3, "#c6dbef"),
    (0.3, 0.6, "#6baed6"),
    (0.6, 1.0, "#08519c"),
)
_NO_SHARE = "#9e9e9e"


def share_color(share: float | None) -> str:
    """The ring colour of a two-way share (grey: no membership pairs).

    >>> share_color(0.1), share_color(0.3), share_color(1.0), share_color(None)
    ('#c6dbef', '#6baed6', '#08519c', '#9e9e9e')
    """
    if share is None:
        return _NO_SHARE
    for lo, hi, color in SHARE_SCALE:
        if lo <= share < hi:
            return color
    return SHARE_SCALE[-1][2]


#: The co-building link between a community org and a member unit org.
LINK_STYLES: dict[str, dict] = {
    "two_way": {"zh": "双向进入", "en": "two-way link",
                "color": "#1a9850", "width": 4, "dashes": False},
    "one_way": {"zh": "单向进入（箭头为已有方向）", "en": "one-way link (arrow: the present direction)",
                "color": "#f57c00", "width": 3, "dashes": False},
    "missing": {"zh": "缺失的联系（虚线）", "en": "missing link (dashed)",
                "color": "#d73027", "width": 2, "dashes": [8, 6]},
}

#: Every other relationship: thin and grey.
EDGE_STYLES: dict[str, dict] = {
    "structure": {"zh": "隶属、位于、纳入等", "en": "containment, membership, belonging",
                  "color": "#a0a0a0", "width": 1, "dashes": False},
    "post": {"zh": "任职（在任）", "en": "post in force", "color": "#8c8c8c", "width": 1,
             "dashes": False},
    "post_inactive": {"zh": "任职（不在任）", "en": "post not in force", "color": "#cfcfcf",
                      "width": 1, "dashes": [2, 4]},
}


#: A post the 补齐方案 proposes (the plan overlay, toggled on the page).
PLAN_STYLE: dict = {"zh": "拟任（补齐方案）", "en": "proposed post (plan)", "color": "#1f5fd6",
                    "width": 3, "dashes": [10, 6]}


def legend(kind_counts: dict[str, int], severity_counts: dict[str, int],
           edge_counts: dict[str, int], layer_counts: dict[str, int] | None = None) -> list[dict]:
    """The legend: layers present, node kinds present (schema order), edge
    styles, severities.

    Every entry has ``group`` (``"layer"``, ``"node"``, ``"edge"``,
    ``"severity"``), ``key``, ``zh``, ``en`` and its look; layer, node and
    severity entries carry ``count`` (the explorer's filters are built from
    them); a layer entry says whether it is ``on`` at first.
    """
    out = [{"group": "layer", "key": key, "zh": zh, "en": en, "on": on,
            "count": (layer_counts or {}).get(key, 0)}
           for key, zh, en, on in schema.LAYERS if (layer_counts or {}).get(key)]
    out += [k.as_legend(kind_counts[k.key]) for k in VIEW_KINDS if kind_counts.get(k.key)]
    styles = [*LINK_STYLES.items(), *EDGE_STYLES.items()]
    if edge_counts.get("proposed"):
        styles.append(("proposed", PLAN_STYLE))
    for key, s in styles:
        out.append({"group": "edge", "key": key, "zh": s["zh"], "en": s["en"], "color": s["color"],
                    "width": s["width"], "dashes": bool(s["dashes"]),
                    "count": edge_counts.get(key, 0)})
    for sev, (zh, en) in SEVERITIES.items():
        look = SEVERITY_LOOK[sev]
        out.append({"group": "severity", "key": sev, "zh": f"{zh}风险", "en": f"{en} severity",
                    "color": look["color"], "count": severity_counts.get(sev, 0)})
    out.append({"group": "severity", "key": "none", "zh": "无发现", "en": "no finding",
                "color": "#ffffff", "count": severity_counts.get("none", 0)})
    return out
