"""A graph back as a roster: the inverse of :func:`graph.build.roster_to_graph`.

Driven by :mod:`graph.schema` alone: every relationship kind is traced back
to the roster column or relationship table it came from by its
``(source label, type, target label)``, so there is no per-table code and
``roster_to_graph(graph_to_roster(G)) == G`` for any graph the builder or
the store produces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph import schema
from graph.errors import CobuildError
from graph.roster import Roster

__all__ = ["graph_to_roster", "natural_key"]


@dataclass(frozen=True)
class _Origin:
    """Where a relationship comes from: a node table's column, or a row of
    a relationship table (with the ``rel_by`` value that chose the type)."""

    table: schema.Table
    column: schema.Column | None = None
    rel_by_value: str | None = None


def _origins() -> dict[tuple[str, str, str], _Origin]:
    out: dict[tuple[str, str, str], _Origin] = {}

    def put(key, origin):
        if key in out:  # the schema would make export ambiguous
            raise AssertionError(f"two roster origins for relationship {key}")
        out[key] = origin

    for t in schema.TABLES:
        if t.node:
            for c in t.columns:
                if c.rel and not schema.rel_kind(c.rel).derived:
                    for ref in c.ref:
                        put((t.node, c.rel, schema.label_of_table(ref)), _Origin(t, c))
            continue
        e = t.edge
        choices = [(None, e.rel)] if isinstance(e.rel, str) else list(e.rel)
        for value, rel in choices:
            targets = (dict(e.target_by)[value],) if e.target_by else t.column(e.target).ref
            for s in t.column(e.source).ref:
                for d in targets:
                    put((schema.label_of_table(s), rel, schema.label_of_table(d)),
                        _Origin(t, None, value))
    return out


_ORIGINS = _origins()
_DERIVED = frozenset(r.type for r in schema.REL_KINDS if r.derived)
_DIGITS = re.compile(r"(\d+)")


def natural_key(code: str) -> tuple:
    """Sort key that puts ``U2`` before ``U10``."""
    return tuple((0, int(p), p) if p.isdigit() else (1, 0, p) for p in _DIGITS.split(code) if p)


def _code(G: nx.MultiDiGraph, nid: str) -> str:
    return G.nodes[nid].get("code") or schema.split_node_id(nid)[1]


def _cannot(zh: str, en: str) -> CobuildError:
    return CobuildError(f"无法导出为花名册：{zh}", f"cannot export as a roster: {en}")


def graph_to_roster(G: nx.MultiDiGraph) -> Roster:
    """The roster a co-building graph stands for.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph following the contract in :mod:`graph.schema` (from
        :func:`graph.build.roster_to_graph` or :func:`graph.store.load_graph`).

    Returns
    -------
    Roster
        Rows sorted by code (node tables) or by source, target and key
        (relationship tables); list cells sorted by code. ``line`` is the row
        number the writer gives each row (header = row 1).

    Raises
    ------
    CobuildError
        When the graph holds a relationship no roster column can carry.

    Examples
    --------
    >>> from graph.build import roster_to_graph
    >>> from graph.roster import Roster
    >>> r = Roster()
    >>> _ = r.add("streets", {"code": "S1", "name": "城关街道"})
    >>> graph_to_roster(roster_to_graph(r)).rows("streets")[0].values
    {'code': 'S1', 'name': '城关街道'}
    """
    node_values: dict[str, dict[str, Any]] = {}
    node_tables: dict[str, list[str]] = {t.key: [] for t in schema.TABLES if t.node}
    for nid, attrs in G.nodes(data=True):
        label = attrs.get("label") or schema.split_node_id(nid)[0]
        kind = schema.NODE_KINDS_BY_LABEL.get(label)
        if kind is None:
            continue  # not a roster node (nothing of the domain)
        t = schema.table(kind.table)
        values = {c.key: attrs[c.key] for c in t.columns
                  if c.type not in ("ref", "refs") and attrs.get(c.key) is not None}
        values["code"] = _code(G, nid)
        node_values[nid] = values
        node_tables[t.key].append(nid)

    edge_rows: dict[str, list[tuple[tuple, dict[str, Any]]]] = {}
    for u, v, key, d in G.edges(keys=True, data=True):
        lu, lv = G.nodes[u].get("label"), G.nodes[v].get("label")
        type_ = d.get("type") or str(key).split("|")[0]
        if type_ in _DERIVED:
            continue  # carried by the property of its row's own relationship
        origin = _ORIGINS.get((lu, type_, lv))
        if origin is None:
            raise _cannot(f"关系 {u} -[{type_}]-> {v} 不属于任何花名册列",
                          f"relationship {u} -[{type_}]-> {v} belongs to no roster column")
        t = origin.table
        if origin.column is not None:
            c = origin.column
            values = node_values[u]
            code = _code(G, v)
            if c.type == "refs":
                values.setdefault(c.key, []).append(code)
            elif values.get(c.key, code) != code:
                raise _cannot(
                    f"{u} 的“{c.zh}”只能填一个，图中却有 {values[c.key]} 和 {code}",
                    f"{u} has two {c.key} ({values[c.key]} and {code}); the roster holds one",
                )
            else:
                values[c.key] = code
            continue
        e = t.edge
        row = {e.source: _code(G, u), e.target: _code(G, v)}
        if e.rel_by:
            row[e.rel_by] = origin.rel_by_value
        for p in e.properties:
            if d.get(p) is not None:
                row[p] = d[p]
        edge_rows.setdefault(t.key, []).append(
            ((natural_key(row[e.source]), natural_key(row[e.target]), str(key)), row))

    roster = Roster()
    if "columns" in G.graph:
        roster.columns = {t: frozenset(cols) for t, cols in G.graph["columns"].items()}
    for t in schema.TABLES:
        if t.node:
            ids = sorted(node_tables[t.key], key=lambda n: natural_key(node_values[n]["code"]))
            for line, nid in enumerate(ids, start=2):
                values = node_values[nid]
                for c in t.columns:
                    if c.type == "refs" and c.key in values:
                        values[c.key] = sorted(values[c.key], key=natural_key)
                roster.add(t.key, values, line=line)
        else:
            rows = sorted(edge_rows.get(t.key, []), key=lambda kr: kr[0])
            for line, (_, values) in enumerate(rows, start=2):
                roster.add(t.key, values, line=line)
    return roster
