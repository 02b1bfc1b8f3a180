"""The explorer's network: nodes, edges and legend as plain JSON.

:func:`network_json` is what the API serves at
``/api/v1/communities/{code}/network`` and what :func:`graph.explorer.page.
render_page` draws. Nodes and edges carry vis-network fields (``id``,
``label``, ``shape``, ``color``, ``title``, ``x``/``y`` ...) next to the
domain ones (``type``, ``code``, ``name``, ``kind``, ``severity``,
``findings``); every text is plain text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from functools import partial

import networkx as nx

from graph import schema
from graph.analysis.view import View, post_counts, view_of
from graph.explorer import tooltips
from graph.explorer.layout import cluster_layout
from graph.explorer.places import community_of, street_of
from graph.explorer.style import (
    EDGE_STYLES,
    LINK_STYLES,
    PLAN_STYLE,
    SEVERITY_LOOK,
    DETAIL_GROUP,
    UNIT_GROUP,
    VIEW_KINDS_BY_KEY,
    legend,
    view_kind_of,
)
from graph.findings import SEVERITIES, Finding

__all__ = ["network_json", "PHYSICS_NODE_LIMIT", "GROUP_NODE_LIMIT", "SCOPES", "LABEL_MAX"]

#: Above this many drawn nodes (and in a grouped county view) the page runs
#: no physics: positions come from :mod:`graph.explorer.layout` and stay put.
PHYSICS_NODE_LIMIT = 2000
#: A county view of a graph with more nodes than this draws one node per
#: community for its units, their orgs and the people who only serve there.
GROUP_NODE_LIMIT = 2000
#: What a picture covers.
SCOPES = ("community", "street", "county")
#: Labels longer than this are cut (the tooltip has the whole name).
LABEL_MAX = 32

#: How central a kind is in a cluster's radial layout (lower: nearer the hub).
_RANK = {
    "Street": 0, "Community": 1, "PartyOrg:community": 2, "PartyOrg:other": 3, "Grid": 4,
    "Compound": 5, UNIT_GROUP: 5, DETAIL_GROUP: 5, "Unit": 6, "PartyOrg:unit": 7, "Need": 8, "Resource": 8,
    "Project": 9, "Person": 10,
}
_SEV_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


def _worst(severities) -> str | None:
    sev = [s for s in severities if s]
    return min(sev, key=_SEV_ORDER.__getitem__) if sev else None


def _rule_names() -> dict[str, str]:
    from graph.analysis.rules import RULES

    return {r.id: f"{r.name_zh} {r.name_en}" for r in RULES}


def _label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _node_name(G, nid: str) -> str:
    attrs = G.nodes[nid]
    label = attrs.get("label") or schema.split_node_id(nid)[0]
    key = schema.node_kind(label).name_key if label in schema.NODE_KINDS_BY_LABEL else "name"
    return str(attrs.get(key) or attrs.get("code") or schema.split_node_id(nid)[1])


def _look(vk, severity: str | None, size: int | None = None) -> dict:
    """vis fields for a node of view kind ``vk`` marked by ``severity``."""
    border = vk.border
    width = 1
    out: dict = {"shape": vk.shape, "size": size or vk.size}
    if severity:
        border = SEVERITY_LOOK[severity]["color"]
        width = SEVERITY_LOOK[severity]["width"]
        out["shadow"] = {"enabled": True, "color": border, "size": 14, "x": 0, "y": 0}
        out["font"] = {"color": SEVERITY_LOOK[severity]["label"]}
    out["color"] = {
        "background": vk.color, "border": border,
        "highlight": {"background": vk.color, "border": "#000000"},
        "hover": {"background": vk.color, "border": "#000000"},
    }
    out["borderWidth"] = width
    out["borderWidthSelected"] = width + 2
    return out


def _finding_dict(f: Finding) -> dict:
    return {"rule": f.rule, "severity": f.severity, "message_zh": f.message_zh,
            "message_en": f.message_en}


def _collapse(G, view: View, places: dict[str, str | None]) -> dict[str, str]:
    """Node id -> group id, for what a grouped county view folds per
    community.

    Kept: streets, communities, community orgs, orgs above communities, and
    county leaders (people in charge of a street or keeping in touch with a
    community). Folded into the community's unit group: its units, unit
    orgs, the resources they offer, and the people whose own posts are all in
    those unit orgs. Folded into its detail group: everything else placed in
    the community (grids and their orgs, compounds, needs, projects, other
    people).
    """
    out: dict[str, str] = {}
    people: list[str] = []
    for nid in G.nodes:
        label, code = schema.split_node_id(nid)
        place = places.get(nid)
        if place is None or label == "Community":
            continue
        c = schema.split_node_id(place)[1]
        if label in ("Unit", "Resource") or (label == "PartyOrg" and view.is_unit_org(code)):
            out[nid] = f"{UNIT_GROUP}:{c}"
        elif label == "PartyOrg" and view.is_community_org(code):
            continue
        elif label == "Person":
            people.append(nid)
        else:
            out[nid] = f"{DETAIL_GROUP}:{c}"
    for nid in people:
        out_types = {d.get("type") for _, _, d in G.out_edges(nid, data=True)}
        if out_types & {"IN_CHARGE_OF", "LIAISES_WITH"}:
            continue
        homes = {out.get(v) for _, v, d in G.out_edges(nid, data=True)
                 if d.get("type") == "HOLDS" and d.get("post_type") == "own"}
        home = homes.pop() if len(homes) == 1 else None
        if home and home.startswith(UNIT_GROUP + ":"):
            out[nid] = home
        else:
            out[nid] = f"{DETAIL_GROUP}:{schema.split_node_id(places[nid])[1]}"
    return out


class _Edges:
    """Collects the drawn edges; edges touching a group are merged."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self.merged: dict[tuple, dict] = {}
        self.counts: Counter = Counter()

    def add(self, frm: str, to: str, style_key: str, title: str, *, type_: str,
            arrows: str = "", smooth: dict | None = None, **extra) -> None:
        s = LINK_STYLES.get(style_key) or EDGE_STYLES.get(style_key) or PLAN_STYLE
        e = {"id": f"e{len(self.items)}", "from": frm, "to": to, "type": type_,
             "style": style_key, "title": title,
             "color": {"color": s["color"], "highlight": s["color"], "hover": s["color"]},
             "width": s["width"], "dashes": s["dashes"], "arrows": arrows}
        if smooth:
            e["smooth"] = smooth
        e.update(extra)
        self.items.append(e)
        self.counts[style_key] += 1

    def merge(self, frm: str, to: str, style_key: str, what: str) -> None:
        k = (frm, to, style_key)
        m = self.merged.setdefault(k, Counter())
        m[what] += 1

    def flush_merged(self) -> None:
        for (frm, to, style_key), what in sorted(self.merged.items()):
            n = sum(what.values())
            title = "合并的关系 merged relationships:\n" + "\n".join(
                f"  {w} ×{c}" for w, c in sorted(what.items()))
            self.add(frm, to, style_key, title, type_="merged", count=n)
            self.items[-1]["width"] = min(1 + n ** 0.5, 8)


def _rel_words(type_: str) -> str:
    rk = schema.REL_KINDS_BY_TYPE.get(type_)
    return f"{rk.zh} {rk.en}" if rk else type_


def network_json(G: nx.MultiDiGraph, findings: list[Finding], *, show_phones: bool = False,
                 as_of: date | None = None, scope: str | None = None,
                 group_units: bool | None = None, view: View | None = None, plan: dict | None = None,
                 forecast: dict | None = None) -> dict:
    """The explorer's picture of ``G``: nodes, edges and legend.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The co-building graph (or a community's / street's subgraph).
    findings : list of graph.findings.Finding
        Their subjects found in ``G`` are marked by severity; others are
        ignored.
    show_phones : bool
        Show phone numbers whole (a planner); masked otherwise.
    as_of : datetime.date, optional
        Posts count on this date (default: today).
    scope : {"community", "street", "county"}, optional
        What the picture covers; a county view of more than
        :data:`GROUP_NODE_LIMIT` nodes groups units per community.
    group_units : bool, optional
        Force grouping on or off (default: decided by ``scope`` and size).
    view : graph.analysis.view.View, optional
        ``View(G, as_of)`` when the caller has it (not built again).
    plan : dict, optional
        A 补齐方案 (``Plan.as_dict()``, the ``cobuild recommend`` JSON): its
        proposals are drawn as dashed blue edges (``overlay: "plan"``) the
        page can toggle; ``meta.plan`` counts them.
    forecast : dict, optional
        A forecast (``Forecast.as_dict()``): ``meta.forecast`` gives, per
        community org node drawn, its worst severity on each date (the
        page's as-of slider).

    Returns
    -------
    dict
        ``{"nodes": [...], "edges": [...], "legend": [...], "meta": {...}}``;
        JSON-ready.

    Examples
    --------
    >>> network_json(nx.MultiDiGraph(), [], as_of=date(2024, 1, 1))["nodes"]
    []
    """
    as_of = as_of or date.today()
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    view = view_of(G, as_of, view)
    places = community_of(G, view)
    rule_names = _rule_names()
    by_node: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if G.has_node(f.subject.node_id):
            by_node[f.subject.node_id].append(f)
    layer_of = _layers(G)
    # the activity layer starts hidden: the structure decides the picture's size
    structure_nodes = sum(1 for x in layer_of.values() if x == schema.STRUCTURE)
    grouped = group_units if group_units is not None else (
        scope == "county" and structure_nodes > GROUP_NODE_LIMIT)
    collapsed = _collapse(G, view, places) if grouped else {}

    nodes: list[dict] = []
    kind_of: dict[str, str] = {}
    for nid, attrs in G.nodes(data=True):
        if nid in collapsed:
            continue
        label, code = schema.split_node_id(nid)
        vk = view_kind_of(label, attrs)
        fs = by_node.get(nid, [])
        sev = _worst(f.severity for f in fs)
        place = places.get(nid)
        extra = _org_lines(view, code) if vk.key == "PartyOrg:community" else []
        name = _node_name(G, nid)
        n = {"id": nid, "label": _label(name), "type": label, "code": code, "name": name,
             "kind": vk.key, "community": place, "severity": sev,
             "findings": [_finding_dict(f) for f in fs],
             "title": tooltips.node_title(
                 G, nid, vk, as_of=as_of, findings=fs, show_phones=show_phones,
                 place=_node_name(G, place) if place and place != nid else None,
                 rule_names=rule_names, extra=extra)}
        n.update(_look(vk, sev))
        _put_layer(n, layer_of[nid])
        nodes.append(n)
        kind_of[nid] = vk.key

    edges = _Edges()
    link_counts = _draw_links(G, view, collapsed, edges)
    _draw_relations(G, view, collapsed, edges, as_of)
    plan_meta = _draw_plan(G, collapsed, edges, plan) if plan is not None else None

    if grouped:
        nodes += _group_nodes(G, collapsed, by_node, link_counts, rule_names, kind_of)

    # positions: always computed (a cheap start for physics; final without)
    streets = street_of(G, view, places)
    cluster_of = {n["id"]: n["community"] or streets.get(n["id"]) for n in nodes}
    group_of: dict[str | None, str | None] = {
        schema.community_id(c): schema.street_id(s) for c, s in view.community_street.items()}
    pos = cluster_layout([n["id"] for n in nodes], [(e["from"], e["to"]) for e in edges.items],
                         cluster_of, {nid: _RANK.get(k, 99) for nid, k in kind_of.items()},
                         group_of)
    for n in nodes:
        n["x"], n["y"] = pos[n["id"]]
    # a grouped view is a map: its laid-out places are the point, and physics
    # would pull the merged cross-community edges into a knot
    # (vis-network simulates hidden nodes too: every node counts here)
    physics = len(nodes) <= PHYSICS_NODE_LIMIT and not grouped

    kind_counts = Counter(n["kind"] for n in nodes)
    sev_counts = Counter(n["severity"] or "none" for n in nodes)
    placed = Counter(f.severity for fs in by_node.values() for f in fs)
    layer_counts = Counter(n.get("layer", schema.STRUCTURE) for n in nodes)
    layer_counts.update(e.get("layer", schema.STRUCTURE) for e in edges.items)
    return {
        "nodes": nodes,
        "edges": edges.items,
        "legend": legend(kind_counts, sev_counts, edges.counts, layer_counts),
        "meta": {
            "as_of": as_of.isoformat(),
            "scope": scope,
            "grouped": bool(grouped),
            "physics": physics,
            "graph_nodes": G.number_of_nodes(),
            "nodes": len(nodes),
            "edges": len(edges.items),
            "findings": {s: placed.get(s, 0) for s in SEVERITIES},
            "limits": {"physics_node_limit": PHYSICS_NODE_LIMIT,
                       "group_node_limit": GROUP_NODE_LIMIT},
            "plan": plan_meta,
            "forecast": _forecast_meta(forecast, {n["id"] for n in nodes}) if forecast else None,
        },
    }


def _draw_plan(G, collapsed: dict[str, str], edges, plan: dict) -> dict:
    """The plan's proposals as dashed blue edges person → org."""
    drawn = 0
    for p in plan.get("proposals", ()):
        a, b = f"Person:{p['person']['code']}", f"PartyOrg:{p['org']['code']}"
        if a not in G or b not in G:
            continue
        closes = "、".join(f"{c['rule']} {c['subject']['name']}" for c in p.get("closes", ()))
        title = (f"拟任 proposed: {p['person']['name']} → {p['org']['name']} {p['role']}（兼职 part-time）\n"
                 f"解决 closes: {closes or '—'}\n{p.get('reason_zh', '')}\n{p.get('reason_en', '')}")
        edges.add(collapsed.get(a, a), collapsed.get(b, b), "proposed", title, type_="PROPOSED",
                  arrows="to", overlay="plan", person=p["person"]["code"], org=p["org"]["code"])
        drawn += 1
    return {"proposals": len(plan.get("proposals", ())), "drawn": drawn,
            "as_of": plan.get("as_of"), "optimal": plan.get("optimal")}


def _forecast_meta(forecast: dict, drawn: set[str]) -> dict:
    """Per community org node drawn: its worst severity on each date."""
    nodes = {}
    for c in forecast.get("communities", ()):
        nid = f"PartyOrg:{c['org']}"
        if nid in drawn:
            nodes[nid] = [s.get("worst") for s in c["series"]]
    return {"dates": list(forecast.get("dates", ())), "nodes": nodes,
            "looks": {k: {"color": v["color"], "width": v["width"]} for k, v in SEVERITY_LOOK.items()}}


def _org_lines(view: View, code: str) -> list[str]:
    """Coverage lines of a community org's tooltip."""
    cov = view.coverage.get(code)
    if cov is None:
        return []
    n = len(cov.members)
    two = len(cov.two_way)
    one = sum(1 for u in cov.members if (u in cov.u_to_c) != (u in cov.c_to_u))
    return [f"纳入单位党组织 member unit orgs: {n}; 双向 two-way {two}, 单向 one-way {one}, "
            f"无 none {n - two - one}",
            f"兼职委员（来自纳入单位） part-time members from member units: "
            f"{len(cov.part_time_people)}"]


def _draw_links(G, view: View, collapsed: dict[str, str], edges: _Edges) -> dict:
    """The co-building links of every member pair; returns, per unit group,
    the count of its members' link states."""
    group_links: dict[str, Counter] = defaultdict(Counter)
    curve = {"enabled": True, "type": "curvedCW", "roundness": 0.18}
    for c, cov in view.coverage.items():
        C = schema.org_id(c)
        for u in cov.members:
            U = schema.org_id(u)
            if not (G.has_node(U) and G.has_node(C)):
                continue
            up, down = cov.u_to_c.get(u, []), cov.c_to_u.get(u, [])
            state = "two_way" if up and down else "one_way" if (up or down) else "none"
            if U in collapsed or C in collapsed:
                g = collapsed.get(U, U)
                group_links[g][state] += 1
                edges.merge(g, collapsed.get(C, C), "missing" if state == "none" else state,
                            tooltips.LINK_WORDS[state])
                continue
            title = partial(tooltips.link_title, G, U, C, up, down)
            if state == "two_way":
                edges.add(U, C, "two_way", title("two_way"), type_="link", link="two_way",
                          arrows="to,from")
            elif state == "one_way":
                a, b = (U, C) if up else (C, U)
                present, missing = ("u_to_c", "missing_c_to_u") if up else ("c_to_u", "missing_u_to_c")
                edges.add(a, b, "one_way", title(present), type_="link", link="one_way",
                          arrows="to", smooth=curve)
                edges.add(b, a, "missing", title(missing), type_="link", link="missing",
                          arrows="to", smooth=curve)
            else:
                edges.add(U, C, "missing", title("none"), type_="link", link="none")
    return group_links


def _draw_relations(G, view: View, collapsed: dict[str, str], edges: _Edges, as_of: date) -> None:
    """Every relationship but the member links: thin and grey; posts solid
    when they count on ``as_of``, dotted otherwise."""
    for u, v, data in G.edges(data=True):
        t = data.get("type")
        ul, uc = schema.split_node_id(u)
        vl, vc = schema.split_node_id(v)
        if t == "MEMBER_OF" and view.is_unit_org(uc) and view.is_community_org(vc):
            continue  # drawn as a co-building link
        if t == "HOLDS":
            style = "post" if post_counts(data.get("start"), data.get("end"), as_of) else "post_inactive"
        else:
            style = "structure"
        gu, gv = collapsed.get(u, u), collapsed.get(v, v)
        if u in collapsed or v in collapsed:
            if gu != gv:
                edges.merge(gu, gv, style, _rel_words(t))
            continue
        post = tooltips.post_words(data, as_of) if t == "HOLDS" else None
        title = tooltips.relation_title(_node_name(G, u), _node_name(G, v), _rel_words(t), post)
        edges.add(u, v, style, title, type_=t)
        rk = schema.REL_KINDS_BY_TYPE.get(t)
        _put_layer(edges.items[-1], rk.layer if rk else schema.STRUCTURE)
    edges.flush_merged()


def _layers(G) -> dict[str, str]:
    """The explorer layer of every node: its kind's (:data:`graph.schema.
    NodeKind.layer`); a person whose every relationship is of the activity
    layer (an in-service member or volunteer who only registered and
    served) is of the activity layer too."""
    out = {}
    for nid, attrs in G.nodes(data=True):
        label = attrs.get("label") or schema.split_node_id(nid)[0]
        kind = schema.NODE_KINDS_BY_LABEL.get(label)
        layer = kind.layer if kind else schema.STRUCTURE
        if label == "Person":
            types = [d.get("type") for *_, d in G.out_edges(nid, data=True)]
            types += [d.get("type") for *_, d in G.in_edges(nid, data=True)]
            if types and all(schema.REL_KINDS_BY_TYPE[t].layer == schema.ACTIVITY
                             for t in types if t in schema.REL_KINDS_BY_TYPE):
                layer = schema.ACTIVITY
        out[nid] = layer
    return out


def _put_layer(item: dict, layer: str) -> None:
    """Tag a node or edge with its layer; the activity layer starts hidden."""
    item["layer"] = layer
    if layer == schema.ACTIVITY:
        item["hidden"] = True


def _group_nodes(G, collapsed, by_node, link_counts, rule_names, kind_of) -> list[dict]:
    """One node per community and group kind for what :func:`_collapse`
    folded, sized by how many units (or nodes) it stands for."""
    members: dict[str, list[str]] = defaultdict(list)
    for nid, g in collapsed.items():
        members[g].append(nid)
    out = []
    for g in sorted(members):
        group_kind, code = schema.split_node_id(g)
        vk = VIEW_KINDS_BY_KEY[group_kind]
        ids = sorted(members[g])
        community = schema.community_id(code)
        cname = _node_name(G, community) if G.has_node(community) else code
        names: dict[str, list[str]] = defaultdict(list)
        for nid in ids:
            names[schema.split_node_id(nid)[0]].append(_node_name(G, nid))
        fs = [f for nid in ids for f in by_node.get(nid, [])]
        sev = _worst(f.severity for f in fs)
        counted = len(names.get("Unit", [])) if group_kind == UNIT_GROUP else len(ids)
        short = schema.node_kind("Unit").zh if group_kind == UNIT_GROUP else "其他"
        node = {"id": g, "label": f"{cname}·{short} ×{counted}", "type": group_kind, "code": code,
                "name": f"{cname} {vk.zh}", "kind": vk.key,
                "community": community if G.has_node(community) else None,
                "severity": sev, "count": len(ids),
                "findings": [_finding_dict(f) for f in fs[:50]],
                "members": [{"id": nid, "type": schema.split_node_id(nid)[0],
                             "code": schema.split_node_id(nid)[1], "name": _node_name(G, nid)}
                            for nid in ids],
                "title": tooltips.group_title(cname, vk, dict(names), link_counts.get(g, Counter()),
                                              fs, rule_names)}
        node.update(_look(vk, sev, size=int(min(12 + 3 * max(counted, 1) ** 0.5, 60))))
        out.append(node)
        kind_of[g] = vk.key
    return out
