"""The county (or street) overview: one node per street and per community.

What a planner asks first is "which communities are red". The overview
answers it on one screen: a community node is *filled* with the colour of
its worst finding (none: grey), *sized* by the unit party organizations
taken into its big party committee, and *ringed* in blue by its two-way
share (the darker, the higher); communities are linked where people serve
in both. Clicking a community opens its full network (the page carries it,
see :func:`graph.explorer.page.render_page`).

Colours say one thing each: red, orange and yellow only ever mean a
finding's severity (:data:`graph.explorer.style.SEVERITY_LOOK`); the share
is a blue scale; node kinds use neither.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date

import networkx as nx

from graph.analysis.view import View
from graph.explorer.style import FONT_FACE, SEVERITY_LOOK, SHARE_SCALE, share_color
from graph.findings import SEVERITIES, Finding

__all__ = ["overview_json", "NO_FINDING_COLOR"]

#: Fill of a community with no finding.
NO_FINDING_COLOR = "#e6e6e6"
_STREET_COLOR = "#ffffff"
_SEV_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def _worst(fs: list[Finding]) -> str | None:
    return min((f.severity for f in fs), key=_SEV_ORDER.__getitem__) if fs else None


def _counts(fs: list[Finding]) -> str:
    n = Counter(f.severity for f in fs)
    return "，".join(f"{zh} {n.get(s, 0)}" for s, (zh, _en) in SEVERITIES.items())


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def _look(severity: str | None, share: float | None, size: float, shape: str) -> dict:
    fill = SEVERITY_LOOK[severity]["color"] if severity else NO_FINDING_COLOR
    ring = share_color(share)
    return {
        "shape": shape, "size": size,
        "color": {"background": fill, "border": ring,
                  "highlight": {"background": fill, "border": "#000000"},
                  "hover": {"background": fill, "border": "#000000"}},
        "borderWidth": 5, "borderWidthSelected": 7,
    }


def overview_json(G: nx.MultiDiGraph, findings: list[Finding], *, as_of: date | None = None,
                  street: str | None = None, views: dict[str, str] | None = None) -> dict:
    """The overview picture of ``G`` (or of street ``street``).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The whole co-building graph (shared people are counted across it).
    findings : list of Finding
        The analysis findings (each community's worst one colours it).
    as_of : datetime.date, optional
        Posts count on this date (default: today).
    street : str, optional
        Only this street and its communities.
    views : dict, optional
        Community code -> the id of the page block holding its full network
        (set as the node's ``view``: a click opens it).

    Returns
    -------
    dict
        ``{"nodes", "edges", "legend", "meta"}`` like
        :func:`graph.explorer.network.network_json`, ``meta["overview"]`` true.

    Examples
    --------
    >>> overview_json(nx.MultiDiGraph(), [], as_of=date(2024, 1, 1))["nodes"]
    []
    """
    as_of = as_of or date.today()
    view = View(G, as_of)
    views = views or {}
    streets = sorted(s for s in view.nodes.get("Street", {}) if street is None or s == street)
    in_scope = set(streets)
    communities = sorted(x for x in view.nodes.get("Community", {})
                         if view.street_of(x) in in_scope or (street is None and not view.street_of(x)))

    member_orgs: dict[str, set] = defaultdict(set)
    pairs: Counter = Counter()
    two_way: Counter = Counter()
    has_org: set[str] = set()
    for c in view.community_orgs:
        x = view.org_place(c)[0]
        if not x:
            continue
        has_org.add(x)
        cov = view.coverage[c]
        member_orgs[x].update(cov.members)
        pairs[x] += len(cov.members)
        two_way[x] += len(cov.two_way)
    by_comm: dict[str, list[Finding]] = defaultdict(list)
    by_street: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.community:
            by_comm[f.community].append(f)
        elif f.street:
            by_street[f.street].append(f)

    def share(xs) -> float | None:
        p = sum(pairs[x] for x in xs)
        return sum(two_way[x] for x in xs) / p if p else None

    nodes: list[dict] = []
    edges: list[dict] = []
    comms_of: dict[str, list[str]] = defaultdict(list)
    for x in communities:
        comms_of[view.street_of(x)].append(x)
    for s in streets:
        xs = comms_of.get(s, [])
        sev = _worst(by_street.get(s, []))
        n_members = len(set().union(*(member_orgs[x] for x in xs))) if xs else 0
        name = view.name("Street", s)
        st_share = share(xs)
        node = {"id": f"Street:{s}", "type": "Street", "code": s, "name": name, "kind": "Street",
                "label": f"{name}\n双向 {_pct(st_share)}", "severity": sev, "community": None,
                "member_orgs": n_members, "two_way_share": st_share,
                "title": "\n".join([
                    f"街道 street：{name}（{s}）",
                    f"社区 communities：{len(xs)}",
                    f"纳入大党委的单位党组织 unit orgs taken in：{n_members}",
                    f"双向进入比例（按纳入关系）two-way share：{_pct(st_share)}",
                    f"街道层面缺口 street-level findings：{_counts(by_street.get(s, []))}",
                ])}
        node.update(_look(sev, st_share, 30 + 3 * math.sqrt(n_members), "star"))
        node["color"]["background"] = SEVERITY_LOOK[sev]["color"] if sev else _STREET_COLOR
        node["font"] = {"size": 18, "face": FONT_FACE, "bold": True}
        nodes.append(node)
    for x in communities:
        fs = by_comm.get(x, [])
        sev = _worst(fs)
        name = view.name("Community", x)
        sh = share([x])
        n_members = len(member_orgs[x])
        s = view.street_of(x)
        lines = [f"社区 community：{name}（{x}）",
                 f"街道 street：{view.name('Street', s) if s else '—'}",
                 f"最高风险 worst finding：{SEVERITIES[sev][0] + ' ' + SEVERITIES[sev][1] if sev else '无 none'}",
                 f"缺口 findings：{_counts(fs)}",
                 f"纳入大党委的单位党组织 unit orgs taken in：{n_members}",
                 f"双向进入比例 two-way share：{_pct(sh)}"]
        if x not in has_org:
            lines.append("没有社区党组织 no community party organization")
        if x in views:
            lines.append("点击打开本社区完整网络 / click to open this community's network")
        node = {"id": f"Community:{x}", "type": "Community", "code": x, "name": name,
                "kind": "Community", "label": f"{name}\n双向 {_pct(sh)}", "severity": sev,
                "community": f"Community:{x}", "member_orgs": n_members, "two_way_share": sh,
                "findings": [f.as_dict() for f in fs][:50], "title": "\n".join(lines)}
        if x in views:
            node["view"] = views[x]
        node.update(_look(sev, sh, 14 + 5 * math.sqrt(n_members), "dot"))
        node["font"] = {"size": 14, "face": FONT_FACE,
                        "color": SEVERITY_LOOK[sev]["label"] if sev else "#222222"}
        nodes.append(node)
        if s in in_scope:
            edges.append({"id": f"in:{x}", "from": f"Community:{x}", "to": f"Street:{s}", "type": "IN",
                          "kind": "structure", "color": {"color": "#b0b0b0"}, "width": 1,
                          "title": f"{name} 属于 {view.name('Street', s)}"})

    # communities that share people: someone holding posts in both
    placed = set(communities)
    person_comms: dict[str, set[str]] = defaultdict(set)
    for p in view.posts:
        x = view.org_place(p.org)[0]
        if x in placed:
            person_comms[p.person].add(x)
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for person, xs in person_comms.items():
        xs = sorted(xs)
        for i, a in enumerate(xs):
            for b in xs[i + 1:]:
                shared[(a, b)].append(person)
    for (a, b), people in sorted(shared.items()):
        names = "、".join(view.name("Person", p) for p in sorted(people)[:8])
        more = "等" if len(people) > 8 else ""
        edges.append({"id": f"share:{a}:{b}", "from": f"Community:{a}", "to": f"Community:{b}",
                      "type": "SHARES_PEOPLE", "kind": "shared", "people": len(people),
                      "color": {"color": "#5c6bc0"}, "width": 1 + 2 * math.log2(len(people)),
                      "title": f"共有 {len(people)} 人在两个社区任职 / {len(people)} people serve both："
                               f"{names}{more}"})

    sev_counts = Counter(n["severity"] or "none" for n in nodes if n["type"] == "Community")
    legend = [
        {"group": "node", "key": "Street", "zh": "街道（星形）", "en": "street (star)", "shape": "star",
         "color": "#ffffff", "border": "#555555", "count": len(streets)},
        {"group": "node", "key": "Community", "zh": "社区（圆点，大小为纳入的单位党组织数）",
         "en": "community (dot, sized by unit orgs taken in)", "shape": "dot",
         "color": NO_FINDING_COLOR, "border": "#555555", "count": len(communities)},
    ]
    for lo, hi, color in SHARE_SCALE:
        legend.append({"group": "edge", "key": f"share-{lo}", "zh": f"外圈：双向进入比例 {lo:.0%}–{hi:.0%}",
                       "en": f"ring: two-way share {lo:.0%}–{hi:.0%}", "color": color, "width": 5,
                       "dashes": False})
    legend.append({"group": "edge", "key": "share-none", "zh": "外圈：无纳入关系", "en": "ring: no members",
                   "color": share_color(None), "width": 5, "dashes": False})
    legend.append({"group": "edge", "key": "shared", "zh": "两社区有同一人任职（线越粗人越多）",
                   "en": "people serving both communities (thicker: more)", "color": "#5c6bc0",
                   "width": 3, "dashes": False})
    for sev, (zh, en) in SEVERITIES.items():
        legend.append({"group": "severity", "key": sev, "zh": f"填色：最高为{zh}风险", "en": f"fill: worst {en}",
                       "color": SEVERITY_LOOK[sev]["color"], "fill": True, "count": sev_counts.get(sev, 0)})
    legend.append({"group": "severity", "key": "none", "zh": "填色：无缺口", "en": "fill: no finding",
                   "color": NO_FINDING_COLOR, "fill": True, "count": sev_counts.get("none", 0)})

    placed_f = Counter(f.severity for x in communities for f in by_comm.get(x, []))
    return {
        "nodes": nodes,
        "edges": edges,
        "legend": legend,
        "meta": {
            "as_of": as_of.isoformat(), "scope": "street" if street else "county", "overview": True,
            "grouped": False, "physics": len(nodes) <= 400, "graph_nodes": G.number_of_nodes(),
            "nodes": len(nodes), "edges": len(edges),
            "findings": {s: placed_f.get(s, 0) for s in SEVERITIES},
        },
    }
