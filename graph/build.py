"""Build the co-building graph from a roster, with no database.

The graph follows the contract in :mod:`graph.schema`: a ``MultiDiGraph``
with node ids ``"<Label>:<code>"``. The Neo4j store reads back exactly the
same graph (:func:`graph.store.load_graph`).
"""

from __future__ import annotations

import networkx as nx

from graph import schema
from graph.bulk import add_edges, add_nodes, paused_gc
from graph.roster import Roster, Row

__all__ = ["roster_to_graph", "resolve_ref"]


def resolve_ref(roster_codes: dict[str, set[str]], column: schema.Column, code: str,
                table_key: str | None = None) -> str | None:
    """The table a referenced ``code`` belongs to, or ``None`` when unknown.

    ``table_key`` forces the table (a liaison's kind decides it); otherwise
    the column's ``ref`` tables are tried in order.
    """
    candidates = (table_key,) if table_key else column.ref
    for t in candidates:
        if code in roster_codes.get(t, ()):
            return t
    return None


def _node_props(t: schema.Table, row: Row) -> dict:
    props = {}
    for c in t.columns:
        if c.type in ("ref", "refs"):
            continue
        if c.key in row.values:
            props[c.key] = row.values[c.key]
    return props


@paused_gc()
def roster_to_graph(roster: Roster) -> nx.MultiDiGraph:
    """The graph of a (valid) roster.

    Examples
    --------
    >>> from graph.roster import Roster
    >>> r = Roster()
    >>> _ = r.add("streets", {"code": "S1", "name": "城关街道"})
    >>> _ = r.add("communities", {"code": "C1", "name": "东关社区", "street": "S1"})
    >>> G = roster_to_graph(r)
    >>> sorted(G.nodes), list(G.edges(keys=True))
    (['Community:C1', 'Street:S1'], [('Community:C1', 'Street:S1', 'IN')])
    """
    G = nx.MultiDiGraph()
    #: the tables and columns the roster had (rules whose table or column
    #: is absent are not checked); the store keeps it per street
    G.graph["columns"] = roster.shape()
    codes = {t.key: roster.codes(t.key) for t in schema.TABLES if t.node}

    for t in schema.TABLES:
        if t.node:
            add_nodes(G, ((schema.node_id(t.node, row["code"]), {"label": t.node, **_node_props(t, row)})
                          for row in roster.rows(t.key)))

    edges: list[tuple[str, str, str, dict]] = []  # added at the end, in this order
    for t in schema.TABLES:
        for row in roster.rows(t.key):
            if t.node:
                src = schema.node_id(t.node, row["code"])
                for c in t.columns:
                    if not c.rel or c.key not in row.values:
                        continue
                    values = row[c.key] if c.type == "refs" else [row[c.key]]
                    for code in values:
                        target_table = resolve_ref(codes, c, code)
                        if target_table is None:
                            continue  # the validator reports unknown codes
                        dst = schema.node_id(schema.label_of_table(target_table), code)
                        edges.append((src, dst, c.rel, {"type": c.rel}))
            else:
                e = t.edge
                s_col, t_col = t.column(e.source), t.column(e.target)
                s_table = resolve_ref(codes, s_col, row[e.source])
                t_table = resolve_ref(codes, t_col, row[e.target], e.target_table(row.values))
                if s_table is None or t_table is None:
                    continue
                rel = e.rel_for(row.values)
                props = {p: row.values[p] for p in e.properties if p in row.values}
                src = schema.node_id(schema.label_of_table(s_table), row[e.source])
                edges.append((src, schema.node_id(schema.label_of_table(t_table), row[e.target]),
                              schema.edge_key(rel, props), {"type": rel, **props}))
                edges.extend(_derived(codes, t, row, src))
    add_edges(G, edges)
    return G


def _derived(codes: dict[str, set[str]], t: schema.Table, row: Row, src: str):
    """The relationships a relationship table's row makes besides its own
    (``(u, v, key, attributes)``): one per ``ref`` column with ``rel`` (a
    registration's 所在党组织)."""
    for c in t.columns:
        if not c.rel or c.key in (t.edge.source, t.edge.target) or c.key not in row.values:
            continue
        target_table = resolve_ref(codes, c, row[c.key])
        if target_table is None:
            continue
        rk = schema.rel_kind(c.rel)
        props = {p: row.values[p] for p in rk.properties if p in row.values}
        yield (src, schema.node_id(schema.label_of_table(target_table), row[c.key]),
               schema.edge_key(c.rel, props), {"type": c.rel, **props})
