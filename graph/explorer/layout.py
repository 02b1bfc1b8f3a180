"""Positions computed in Python, so a large picture needs no physics.

networkx's force layouts were measured too slow for this job on a
5,700-node street (``forceatlas2_layout``: 97 s for 50 iterations;
``spring_layout`` needs SciPy above 500 nodes). The picture has a natural
shape instead: every community is a cluster, and within it a tree from the
community outwards (community → its orgs, units, grids → unit orgs → people).
So each cluster gets a *radial tree* layout (rings by distance from the
cluster's hub, each subtree in its own angular sector, ring radii grown so
that neighbours on a ring keep their distance); a street's communities sit on
a ring around the street's own cluster, and the streets are packed in rows.
Linear in nodes and edges.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque

__all__ = ["cluster_layout", "NODE_SPACING", "RING_GAP"]

#: Distance kept between neighbours on a ring, and between rings (vis units).
NODE_SPACING = 46.0
RING_GAP = 120.0
_CLUSTER_GAP = 160.0


def _radial(nodes: list[str], adj: dict[str, set[str]], rank: dict[str, int]
            ) -> tuple[dict[str, tuple[float, float]], float]:
    """Radial tree layout of one cluster; returns positions around (0, 0)
    and the radius used."""
    key = lambda n: (rank.get(n, 99), n)  # noqa: E731
    members = set(nodes)
    depth: dict[str, int] = {}
    roots: list[str] = []
    for start in sorted(nodes, key=key):
        if start in depth:
            continue
        roots.append(start)
        depth[start] = 0
        queue = deque([start])
        while queue:
            n = queue.popleft()
            for m in sorted(adj[n] & members, key=key):
                if m not in depth:
                    depth[m] = depth[n] + 1
                    queue.append(m)
    # parent: the most specific neighbour one ring in (a unit org hangs off
    # its unit rather than off the community org it is a member of)
    children: dict[str, list[str]] = defaultdict(list)
    for n in nodes:
        if depth[n] == 0:
            continue
        cands = [m for m in adj[n] & members if depth.get(m) == depth[n] - 1]
        parent = max(cands, key=lambda m: (rank.get(m, 99), m))
        children[parent].append(n)
    for c in children.values():
        c.sort(key=key)

    multi = len(roots) > 1
    shift = 1 if multi else 0  # several components: their roots on ring 1
    leaves: dict[str, int] = {}

    def count(n: str) -> int:  # iterative post-order leaf count
        stack = [(n, False)]
        while stack:
            x, done = stack.pop()
            if done:
                leaves[x] = sum(leaves[c] for c in children[x]) or 1
            else:
                stack.append((x, True))
                stack.extend((c, False) for c in children[x])
        return leaves[n]

    total = sum(count(r) for r in roots)
    per_ring: dict[int, int] = defaultdict(int)
    for n in nodes:
        per_ring[depth[n] + shift] += 1
    radius = {0: 0.0}
    for d in range(1, max(per_ring) + 1):
        need = per_ring.get(d, 0) * NODE_SPACING / (2 * math.pi)
        radius[d] = max(radius[d - 1] + RING_GAP, need)

    pos: dict[str, tuple[float, float]] = {}
    angle: dict[str, float] = {}
    start = 0.0
    for r in roots:
        span = 2 * math.pi * leaves[r] / total
        stack = [(r, start, span)]
        while stack:
            n, a0, width = stack.pop()
            a = a0 + width / 2
            angle[n] = a
            rr = radius[depth[n] + shift]
            pos[n] = (rr * math.cos(a), rr * math.sin(a))
            a_child = a0
            for c in children[n]:
                w = width * leaves[c] / leaves[n]
                stack.append((c, a_child, w))
                a_child += w
        start += span
    return pos, radius[max(per_ring)]


def _ring(hub_r: float, radii: list[float]) -> tuple[float, list[tuple[float, float]]]:
    """Centres for clusters of ``radii`` on a ring around a hub of radius
    ``hub_r``; returns the outer radius and the centres."""
    if not radii:
        return hub_r, []
    widths = [2 * r + _CLUSTER_GAP for r in radii]
    ring = max(hub_r + max(radii) + _CLUSTER_GAP, sum(widths) / (2 * math.pi))
    if len(radii) == 1 and hub_r == 0:
        return radii[0], [(0.0, 0.0)]
    centres, a = [], -math.pi / 2
    total = sum(widths)
    for w in widths:
        half = math.pi * w / total
        a += half
        centres.append((ring * math.cos(a), ring * math.sin(a)))
        a += half
    return ring + max(radii), centres


def cluster_layout(nodes: list[str], edges: list[tuple[str, str]],
                   cluster_of: dict[str, str | None], rank: dict[str, int],
                   group_of: dict[str | None, str | None] | None = None
                   ) -> dict[str, tuple[float, float]]:
    """Positions for every node: a radial tree per cluster; the clusters of
    a group on a ring around the group's own cluster; groups packed in rows.

    Parameters
    ----------
    nodes, edges : the drawn network (node ids, (from, to) pairs)
    cluster_of : node id -> cluster key (a community node id; a street's
        node id for what lies on the street itself; ``None``: the rest)
    rank : node id -> how central its kind is (lower: nearer the hub)
    group_of : cluster key -> group key (a community's street); a cluster
        whose key is a group key is that group's hub. Default: every
        cluster its own group.

    Examples
    --------
    >>> pos = cluster_layout(["a", "b", "c"], [("a", "b"), ("a", "c")],
    ...                      {"a": "k", "b": "k", "c": "k"}, {"a": 0, "b": 1, "c": 1})
    >>> pos["a"] != pos["b"] != pos["c"]
    True
    """
    adj: dict[str, set[str]] = defaultdict(set)
    for u, v in edges:
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    clusters: dict[str | None, list[str]] = defaultdict(list)
    for n in nodes:
        clusters[cluster_of.get(n)].append(n)
    laid = {k: _radial(ns, adj, rank) for k, ns in clusters.items()}
    group_of = group_of or {}
    groups: dict[str | None, list[str | None]] = defaultdict(list)
    for k in clusters:
        groups[group_of.get(k, k)].append(k)

    def skey(k):
        return (k is not None, k or "")

    placed = []  # (group radius, [(cluster key, dx, dy)])
    for g in sorted(groups, key=skey):
        members = sorted(groups[g], key=skey)
        hub = g if g is not None and g in members else None
        ring = [k for k in members if hub is None or k != hub]
        hub_r = laid[hub][1] if hub is not None else 0.0
        outer, centres = _ring(hub_r, [laid[k][1] for k in ring])
        items = ([(hub, 0.0, 0.0)] if hub is not None else []) + [
            (k, cx, cy) for k, (cx, cy) in zip(ring, centres)]
        placed.append((max(outer, hub_r), items))

    area = sum((2 * r + _CLUSTER_GAP) ** 2 for r, _ in placed)
    row_width = max(math.sqrt(area) * 1.15, max((2 * r for r, _ in placed), default=0))
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for r, items in placed:
        d = 2 * r + _CLUSTER_GAP
        if x > 0 and x + d > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        gx, gy = x + d / 2, y + d / 2
        for k, cx, cy in items:
            for n, (px, py) in laid[k][0].items():
                out[n] = (round(gx + cx + px, 1), round(gy + cy + py, 1))
        x += d
        row_h = max(row_h, d)
    return out
