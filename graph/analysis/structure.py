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


def exact_betweenness(H: nx.Graph) -> dict:
    """Unnormalized betweenness of a connected undirected graph.

    The same values as ``nx.betweenness_centrality(H, normalized=False)``,
    computed faster for the person–org graph, where most people hold one
    post: a breadth-first search is run only from nodes of degree 2 or
    more. A leaf ``l`` hanging on ``o`` depends on every node other than
    ``l`` and ``o`` exactly as ``o`` does, and ``o`` lies on the paths from
    ``l`` to all ``n - 2`` other nodes, so each leaf adds one more copy of
    ``o``'s dependencies, plus ``n - 2`` to ``o`` (Brandes' algorithm,
    otherwise unchanged).

    Examples
    --------
    >>> exact_betweenness(nx.path_graph(4)) == nx.betweenness_centrality(nx.path_graph(4), normalized=False)
    True
    """
    nodes = list(H)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    adj = [[index[u] for u in H[v]] for v in nodes]
    leaves = [0] * n
    for a in adj:
        if len(a) == 1:
            leaves[a[0]] += 1
    bc = [0.0] * n
    for s in range(n):
        if len(adj[s]) <= 1 and n > 2:
            continue  # a leaf: counted through its neighbour
        weight = 1 + leaves[s]
        order = []
        preds: list[list[int]] = [[] for _ in range(n)]
        sigma = [0] * n
        dist = [-1] * n
        sigma[s], dist[s] = 1, 0
        queue = deque([s])
        while queue:
            v = queue.popleft()
            order.append(v)
            dv, sv = dist[v] + 1, sigma[v]
            for u in adj[v]:
                if dist[u] < 0:
                    dist[u] = dv
                    queue.append(u)
                if dist[u] == dv:
                    sigma[u] += sv
                    preds[u].append(v)
        delta = [0.0] * n
        while order:
            u = order.pop()
            coeff = (1.0 + delta[u]) / sigma[u]
            for v in preds[u]:
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
        H = B.subgraph(comp).copy()
        if len(comp) <= exact_max or k >= len(comp):
            bc.update(exact_betweenness(H))
            exact += 1
        else:
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
                    f"节点数超过{exact_max}的连通分量按{k}个随机起点抽样估算(种子{seed})"),
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
            L2 = L.subgraph(n for n in reach if n != v)
            after = nx.node_connected_component(L2, corg)
            cut = [u for u in linked if schema.org_id(u) not in after and schema.org_id(u) != v]
            if not cut:
                continue
            label, code = _split(v)
            out.append({
                "node": v, "type": label, "code": code, "name": view.name(label, code),
                "community_org": c, "community": x, "street": s, "cuts_off": cut,
            })
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
        progress("结构:介数中心性 / structure: betweenness")
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
        progress("结构:关节点 / structure: articulation points")
    articulation = _articulation(view)

    main = comps[0] if comps else set()
    rest = comps[1:]
    cut_rows = []
    for comp in rest[:top]:
        orgs = sorted(_split(n)[1] for n in comp if n.startswith("PartyOrg:"))
        ppl = sorted(_split(n)[1] for n in comp if n.startswith("Person:"))
        comms = sorted({x for o in orgs if (x := view.org_place(o)[0])})
        cut_rows.append({"size": len(comp), "orgs": orgs, "people": ppl, "communities": comms})
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
