"""Structural figures of the co-building network, for planners.

All figures read the *person–org graph*: an undirected bipartite graph whose
nodes are people and party orgs (every org, so an org nobody holds a post in
is a node of its own) and whose edges are the posts that count on the as-of
date.

* ``bridges``: people ranked by betweenness centrality (who bridges the most
  communities), with the communities their posts reach. Computed per
  connected component: exact for components up to
  ``betweenness_exact_max_nodes`` nodes, sampled with ``k`` sources and a
  fixed seed above that (the output says which). Values are raw pair counts
  (not normalized), so components compare.
* ``articulation``: per community org C, the people or orgs whose removal
  cuts C off from one or more of its member unit orgs, in C's local network
  (C, its member unit orgs, and everyone holding a post in them).
* ``components``: the connected components cut off from the county's main
  (largest) component.
* ``cross_appointments``: people with the most part-time posts.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

import networkx as nx

from graph import schema

__all__ = ["person_org_graph", "compute_structure", "exact_betweenness"]


def person_org_graph(view) -> nx.Graph:
    """The undirected person–org graph of the posts that count.

    Node ids are those of the co-building graph (``"Person:P1"``,
    ``"PartyOrg:O1"``).
    """
    B = nx.Graph()
    B.add_nodes_from(schema.org_id(o) for o in sorted(view.nodes.get("PartyOrg", {})))
    for p in view.posts:
        B.add_edge(schema.person_id(p.person), schema.org_id(p.org))
    return B


def _split(nid: str) -> tuple[str, str]:
    label, _, code = nid.partition(":")
    return label, code


def exact_betweenness(H: nx.Graph, nodes: Iterable | None = None) -> dict:
    """Unnormalized betweenness of a connected undirected graph.

    The same values as ``nx.betweenness_centrality(H, normalized=False)``,
    computed faster for the person–org graph, where most people hold one
    post and so are leaves. A leaf ``l`` hanging on ``o`` lies inside no
    shortest path, and every path from it runs through ``o``: so a search
    is started only from nodes that are not leaves, and never enters a
    leaf. ``o``'s dependency counts 1 for each of its leaves, each leaf adds
    one more copy of ``o``'s dependencies as a source, and ``o`` lies on
    the paths from ``l`` to all ``n - 2`` other nodes (Brandes' algorithm,
    otherwise unchanged).

    Parameters
    ----------
    H : networkx.Graph
    nodes : iterable, optional
        A connected component of ``H``: the betweenness within it (no copy
        of the subgraph is made). Default: all of ``H``, which must then be
        connected.

    Examples
    --------
    >>> exact_betweenness(nx.path_graph(4)) == nx.betweenness_centrality(nx.path_graph(4), normalized=False)
    True
    """
    nodes = list(H if nodes is None else nodes)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    adj = [[index[u] for u in H.adj[v]] for v in nodes]
    leaves = [0] * n
    if n > 2:
        for a in adj:
            if len(a) == 1:
                leaves[a[0]] += 1
        # the searches walk the core: the nodes that are not leaves
        core = [[u for u in a if len(adj[u]) > 1] for a in adj]
    else:
        core = adj
    bc = [0.0] * n
    for s in range(n):
        if len(adj[s]) <= 1 and n > 2:
            continue  # a leaf: counted through its neighbour
        weight = 1 + leaves[s]
        order = []
        sigma = [0] * n
        dist = [-1] * n
        sigma[s], dist[s] = 1, 0
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            dv, sv = dist[v] + 1, sigma[v]
            for u in core[v]:
                if dist[u] < 0:
                    dist[u] = dv
                    queue.append(u)
                if dist[u] == dv:
                    sigma[u] += sv
        # each leaf below u depends on u once (1 + its own dependency, 0)
        delta = [float(x) for x in leaves]
        while order:
            u = order.pop()
            coeff = (1.0 + delta[u]) / sigma[u]
            du = dist[u] - 1
            for v in core[u]:
                if dist[v] == du:
                    delta[v] += sigma[v] * coeff
            if u != s:
                bc[u] += weight * delta[u]
        if n > 2:
            bc[s] += leaves[s] * (n - 2)
    return {v: bc[i] / 2 for i, v in enumerate(nodes)}


def _betweenness(B: nx.Graph, comps: list[set], settings) -> tuple[dict, dict]:
    exact_max, k, seed = settings.betweenness_exact_max_nodes, settings.betweenness_sample_k, settings.seed
    bc: dict[str, float] = {}
    exact = sampled = 0
    for comp in comps:
        # a person's betweenness is 0 unless they hold posts in two orgs: a
        # component where nobody does (an org and its own staff) is skipped
        if len(comp) < 3 or not any(n.startswith("Person:") and B.degree(n) > 1 for n in comp):
            continue
        if len(comp) <= exact_max or k >= len(comp):
            bc.update(exact_betweenness(B, comp))
            exact += 1
        else:
            H = B.subgraph(comp).copy()
            bc.update(nx.betweenness_centrality(H, k=k, normalized=False, seed=seed))
            sampled += 1
    method = "exact" if not sampled else ("sampled" if not exact else "mixed")
    return bc, {
        "method": method,
        "exact_components": exact,
        "sampled_components": sampled,
        "exact_max_nodes": exact_max,
        "sample_k": k,
        "seed": seed,
        "note_zh": ("全部精确计算" if method == "exact" else
                    f"节点数超过{exact_max}的连通分量按{k}个随机起点抽样估算（种子{seed}）"),
        "note_en": ("all computed exactly" if method == "exact" else
                    f"components larger than {exact_max} nodes estimated from {k} sampled sources "
                    f"(seed {seed})"),
    }


def _communities_of_person(view, person: str) -> list[str]:
    out = set()
    for p in view.posts_of_person.get(person, ()):
        x = view.org_place(p.org)[0]
        if x:
            out.add(x)
    return sorted(out)


_ORG = "PartyOrg"


def _org_label(view, code: str) -> str:
    return f"{view.name(_ORG, code)}（{code}）"


def _articulation_advice(row: dict) -> tuple[str, str]:
    """What to do about an articulation point (Chinese, English)."""
    n = len(row["cuts_off"])
    who = f"{row['name']}（{row['code']}）"
    corg = f"{row['community_org_name']}（{row['community_org']}）"
    names = "、".join(row["cuts_off_names"][:5]) + ("等" if n > 5 else "")
    if row["type"] == "Person":
        return (f"{who}一旦离任，{corg}将与{n}个成员单位党组织（{names}）失去联系；"
                f"建议在这些单位党组织与社区党组织之间再安排一名兼职委员，做到双向进入、不靠一人",
                f"if {row['name']} ({row['code']}) leaves, {row['community_org_name']} loses touch with "
                f"{n} member unit org(s); appoint a second part-time member between them so the link "
                f"does not rest on one person")
    return (f"{corg}与{n}个成员单位党组织（{names}）只经由{who}相连；"
            f"建议这些单位党组织与社区党组织直接互派兼职委员",
            f"{row['community_org_name']} reaches {n} member unit org(s) only through {row['name']} "
            f"({row['code']}); have them appoint part-time members with the community org directly")


def _component_advice(view, orgs: list[str], people: list[str]) -> tuple[str, str]:
    """What to do about a part cut off from the main network."""
    names = "、".join(_org_label(view, o) for o in orgs[:5]) + ("等" if len(orgs) > 5 else "")
    if not people:
        return (f"{names}无人任职：请补录书记、委员等任职，或核实该党组织是否仍存在",
                "nobody holds a post here: add the secretary and members, or check that the org "
                "still exists")
    return (f"{names}与全县主网络没有任职联系：建议纳入所在社区党组织（大党委），"
            f"并与社区党组织互派兼职委员",
            "no post links these orgs to the county's main network: take them into their "
            "community's big party committee and appoint part-time members both ways")


def _reach_without(L: nx.Graph, start: str, gone: str) -> set[str]:
    """The nodes ``start`` reaches in ``L`` without passing ``gone``."""
    adj = L.adj
    seen = {start, gone}
    todo = [start]
    while todo:
        for u in adj[todo.pop()]:
            if u not in seen:
                seen.add(u)
                todo.append(u)
    seen.discard(gone)
    return seen


def _articulation(view) -> list[dict]:
    out = []
    for c in view.community_orgs:
        members = view.members.get(c, [])
        if not members:
            continue
        L = nx.Graph()
        corg = schema.org_id(c)
        L.add_node(corg)
        for o in [c, *members]:
            L.add_node(schema.org_id(o))
            for p in view.posts_in_org.get(o, ()):
                L.add_edge(schema.person_id(p.person), schema.org_id(o))
        # people with a single post are leaves: never on a path between C
        # and a member, so they cannot cut one off
        L.remove_nodes_from([n for n, d in list(L.degree()) if d == 1 and n.startswith("Person:")])
        reach = nx.node_connected_component(L, corg)
        linked = [u for u in members if schema.org_id(u) in reach]
        if not linked:
            continue
        x, s = view.org_place(c)
        for v in sorted(nx.articulation_points(L)):
            if v == corg or v not in reach:
                continue
            after = _reach_without(L, corg, v)
            cut = [u for u in linked if schema.org_id(u) not in after and schema.org_id(u) != v]
            if not cut:
                continue
            label, code = _split(v)
            row = {
                "node": v, "type": label, "code": code, "name": view.name(label, code),
                "community_org": c, "community_org_name": view.name(_ORG, c),
                "community": x, "street": s, "cuts_off": cut,
                "cuts_off_names": [_org_label(view, u) for u in cut],
            }
            row["advice_zh"], row["advice_en"] = _articulation_advice(row)
            out.append(row)
    out.sort(key=lambda r: (r["street"] or "", r["community"] or "", r["community_org"],
                            -len(r["cuts_off"]), r["node"]))
    return out


def compute_structure(view, settings, progress=None) -> dict:
    """The structural figures (see the module docstring) as a dict.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.analysis.view import View
    >>> from graph.analysis.policy import StructureSettings
    >>> s = compute_structure(View(nx.MultiDiGraph(), date(2024, 1, 1)), StructureSettings.default())
    >>> s["components"]["count"], s["bridges"]
    (0, [])
    """
    top = settings.top_n
    B = person_org_graph(view)
    comps = sorted((set(c) for c in nx.connected_components(B)), key=lambda c: (-len(c), min(c)))
    if progress:
        progress("结构：介数中心性 / structure: betweenness")
    bc, method = _betweenness(B, comps, settings)

    people = [n for n in bc if n.startswith("Person:") and bc[n] > 0]
    people.sort(key=lambda n: (-bc[n], n))
    bridges = []
    for n in people[:top]:
        code = _split(n)[1]
        bridges.append({
            "person": code, "name": view.name("Person", code),
            "betweenness": round(bc[n], 2),
            "communities": _communities_of_person(view, code),
            "posts": len(view.posts_of_person.get(code, ())),
        })

    if progress:
        progress("结构：关节点 / structure: articulation points")
    articulation = _articulation(view)

    main = comps[0] if comps else set()
    rest = comps[1:]
    cut_rows = []
    for comp in rest[:top]:
        orgs = sorted(_split(n)[1] for n in comp if n.startswith("PartyOrg:"))
        ppl = sorted(_split(n)[1] for n in comp if n.startswith("Person:"))
        comms = sorted({x for o in orgs if (x := view.org_place(o)[0])})
        zh, en = _component_advice(view, orgs, ppl)
        cut_rows.append({"size": len(comp), "orgs": orgs, "people": ppl, "communities": comms,
                         "org_names": [_org_label(view, o) for o in orgs],
                         "advice_zh": zh, "advice_en": en})
    components = {
        "count": len(comps),
        "main_size": len(main),
        "main_orgs": sum(1 for n in main if n.startswith("PartyOrg:")),
        "cut_off": len(rest),
        "cut_off_orgs": sum(1 for comp in rest for n in comp if n.startswith("PartyOrg:")),
        "isolated_orgs": sum(1 for comp in rest if len(comp) == 1),
        "largest_cut_off": cut_rows,
    }

    counts = defaultdict(list)
    for p in view.posts:
        if p.post_type == "part_time":
            counts[p.person].append(p)
    ranked = sorted(counts, key=lambda x: (-len(counts[x]), x))[:top]
    cross = [{
        "person": x, "name": view.name("Person", x), "part_time_posts": len(counts[x]),
        "orgs": sorted({p.org for p in counts[x]}), "communities": _communities_of_person(view, x),
    } for x in ranked]

    return {
        "graph": {"people": sum(1 for n in B if n.startswith("Person:")),
                  "orgs": sum(1 for n in B if n.startswith("PartyOrg:")),
                  "posts": len(view.posts), "edges": B.number_of_edges()},
        "betweenness": method,
        "bridges": bridges,
        "articulation": articulation,
        "components": components,
        "cross_appointments": cross,
    }
