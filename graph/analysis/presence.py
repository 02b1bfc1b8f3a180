"""Which tables and columns the roster behind a graph had.

A version-2 rule (G15–G23) or 统计表 figure whose table or column is absent
from the roster is *not checked*: it gives no findings, and the reports say
so. The roster's shape travels with the graph as ``G.graph["columns"]``
(:meth:`graph.roster.Roster.shape`; the Neo4j store keeps it per street). A
graph without it (built by hand, or stored before shapes were kept) has the
shape its nodes and relationships show.

A requirement is a table key (``"registrations"``) or ``table.column``
(``"party_orgs.member_count"``).
"""

from __future__ import annotations

import networkx as nx

from graph import schema

__all__ = ["graph_shape", "missing", "reason", "not_checked_entry"]


def _inferred(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """The shape a graph shows: a table is present when one of its nodes or
    relationships is, a column when one of them carries it."""
    seen: dict[str, set[str]] = {}
    for _, attrs in G.nodes(data=True):
        kind = schema.NODE_KINDS_BY_LABEL.get(attrs.get("label"))
        if kind is not None:
            seen.setdefault(kind.table, set()).update(attrs)
    rel_cols: dict[str, tuple[str, str]] = {}
    for t in schema.TABLES:
        for c in t.columns:
            if c.rel:
                rel_cols[c.rel] = (t.key, c.key)
        if t.edge:
            rels = [t.edge.rel] if isinstance(t.edge.rel, str) else [r for _, r in t.edge.rel]
            for r in rels:
                rel_cols[r] = (t.key, t.edge.source)
    for _, _, d in G.edges(data=True):
        where = rel_cols.get(d.get("type"))
        if where is None:
            continue
        table_key, col = where
        cols = seen.setdefault(table_key, set())
        cols.add(col)
        t = schema.table(table_key)
        if t.edge and col == t.edge.source:
            cols.update({t.edge.target, *(k for k in d if k != "type")})
    return {t.key: [c.key for c in t.columns if c.key in seen[t.key] or c.required]
            for t in schema.TABLES if t.key in seen}


def graph_shape(G: nx.MultiDiGraph) -> dict[str, list[str]]:
    """``{table: [columns]}`` of the roster behind ``G``."""
    shape = G.graph.get("columns")
    return shape if shape is not None else _inferred(G)


def missing(shape: dict[str, list[str]], requires) -> list[str]:
    """The requirements ``shape`` does not meet (table keys or
    ``table.column``).

    >>> missing({"needs": ["code", "date"]}, ["needs.date", "needs.status", "agreements"])
    ['needs.status', 'agreements']
    """
    out = []
    for req in requires:
        table_key, _, col = req.partition(".")
        if table_key not in shape or (col and col not in shape[table_key]):
            out.append(req)
    return out


def reason(requirements) -> tuple[str, str]:
    """Why something was not checked, in Chinese and English.

    >>> reason(["registrations", "party_orgs.member_count"])[1]
    'the roster has no 双报到 (registrations) table; no 党员人数 (member_count) column in 党组织 (party_orgs)'
    """
    zh, en = [], []
    for req in requirements:
        table_key, _, col = req.partition(".")
        t = schema.table(table_key)
        if col:
            c = t.column(col)
            zh.append(f"“{t.zh}”表没有“{c.zh}”列")
            en.append(f"no {c.zh} ({c.key}) column in {t.zh} ({t.key})")
        else:
            zh.append(f"花名册没有“{t.zh}”表")
            en.append(f"the roster has no {t.zh} ({t.key}) table")
    return "；".join(zh), "; ".join(en)


def not_checked_entry(rule, requirements) -> dict:
    """The report entry of a rule that was not checked."""
    zh, en = reason(requirements)
    return {"rule": rule.id, "name_zh": rule.name_zh, "name_en": rule.name_en,
            "missing": list(requirements), "reason_zh": f"未检查：{zh}",
            "reason_en": f"not checked: {en}"}
