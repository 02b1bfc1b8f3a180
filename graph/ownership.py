"""Who may change what in an import: a street's data belongs to its street.

Every stored node and relationship carries the streets it is kept for
(``_streets``, see :mod:`graph.store`): where it lies. An import of a roster
covering the streets ``J`` replaces what is kept for ``J``. Codes are unique
per label across the whole database, so a roster row may name a node that is
already kept for other streets; this module decides, before anything is
written, whether the import may touch it.

"Changes a node" means: a visible property differs from the stored one, or
the node's own row adds a reference the stored node does not have (a unit
put in another community, an org placed under another street).

Full rights (the command line, an admin token with no street):

* a node kept only for streets outside ``J`` (its code belongs to another
  jurisdiction) may be listed unchanged -- a county leader in charge of two
  streets appears in both streets' rosters -- but not changed: that would
  silently re-home or overwrite another jurisdiction's row. The error names
  the row and the streets that hold the code; a roster whose jurisdiction
  covers one of them may change it;
* a node kept for some street of ``J`` and others besides (shared) may be
  changed: the caller's rights cover every street.

A street-limited caller (``within="S1"``, whose roster covers ``S1`` only):

* a node not kept for ``S1`` is another street's: the row is refused whether
  or not it matches what is stored, so the answer says that the code is
  taken and nothing about what it holds or whose it is;
* a node kept for ``S1`` and other streets (a person with posts in two
  streets) may be listed unchanged, not changed: only a caller whose scope
  covers every street that lists it may change it;
* the same holds for a relationship row (a post, a liaison ...) kept for
  other streets too: its properties stay as they are.

The stored relationships checked are the ones touching the roster's nodes;
the store reads them anyway to compute the plan.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import networkx as nx

from graph import schema
from graph.errors import Issue
from graph.roster import Roster, Row

__all__ = ["TAG", "tags", "visible", "ownership_issues"]

#: The internal property holding the streets a node/relationship is kept for.
TAG = "_streets"

#: The relationship types a node's own row makes (its reference columns).
_ROW_RELS: dict[str, frozenset[str]] = {
    t.node: frozenset(c.rel for c in t.columns if c.rel) for t in schema.TABLES if t.node
}


def tags(props: dict | None) -> set[str]:
    """The streets a stored node or relationship is kept for."""
    return set((props or {}).get(TAG) or ())


def native(value: Any) -> Any:
    """Neo4j temporal values as Python ones (``neo4j.time.Date`` -> ``date``)."""
    if isinstance(value, list):
        return [native(v) for v in value]
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def visible(props: dict) -> dict:
    """The graph-contract properties of stored ones (as :mod:`graph.store`
    reads them: dates already ``datetime.date``): no internal ``_`` ones, no
    edge ``key``."""
    return {k: v for k, v in props.items() if k[0] != "_" and k != "key"}


class _Rows:
    """The roster row behind each node and each edge-table relationship."""

    def __init__(self, roster: Roster) -> None:
        self.nodes: dict[str, Row] = {}
        self.edges: dict[tuple, Row] = {}
        for t in schema.TABLES:
            for row in roster.rows(t.key):
                if t.node:
                    self.nodes[schema.node_id(t.node, row["code"])] = row
                    continue
                e = t.edge
                props = {p: row.values[p] for p in e.properties if p in row.values}
                rel = e.rel_for(row.values)
                key = (rel, row.get(e.source), row.get(e.target), schema.edge_key(rel, props))
                self.edges.setdefault(key, row)

    def of_edge(self, u: str, v: str, type_: str, key: str) -> Row | None:
        return self.edges.get((type_, schema.split_node_id(u)[1], schema.split_node_id(v)[1], key))


def _first_difference(new: dict, old: dict, table: str) -> tuple[str, Any] | None:
    """The first column of ``table`` whose value differs, with the new value."""
    for c in schema.table(table).columns:
        if new.get(c.key) != old.get(c.key):
            return c.key, new.get(c.key)
    return None


def _column_of_ref(label: str, type_: str, target: str) -> str:
    """The column of ``label``'s table whose reference makes ``type_`` to ``target``."""
    t = schema.table(schema.node_kind(label).table)
    target_table = schema.node_kind(schema.split_node_id(target)[0]).table
    for c in t.columns:
        if c.rel == type_ and target_table in c.ref:
            return c.key
    return ""  # pragma: no cover - every row relationship comes from a column


def _node_change(G: nx.MultiDiGraph, n: str, old: dict,
                 stored_refs: set[tuple[str, str]]) -> tuple[str, Any] | None:
    """``(column, new value)`` of the first change the roster makes to node
    ``n``, or ``None`` when its row repeats what is stored."""
    attrs = G.nodes[n]
    label = attrs["label"]
    new = {k: v for k, v in attrs.items() if k != "label"}
    diff = _first_difference(new, visible(old), schema.node_kind(label).table)
    if diff is not None:
        return diff
    own = _ROW_RELS.get(label, frozenset())
    added = sorted((t, v) for _, v, t in G.out_edges(n, data="type")
                   if t in own and (t, v) not in stored_refs)
    if added:
        type_, target = added[0]
        return _column_of_ref(label, type_, target), schema.split_node_id(target)[1]
    return None


def _place(row: Row, column: str) -> tuple[str, str]:
    t = schema.table(row.table)
    header = t.column(column).zh if column else ""
    return f"{t.zh} {t.key}", header


def _issue(row: Row, column: str, value: Any, zh: str, en: str, code: str) -> Issue:
    table, header = _place(row, column)
    return Issue(table, row.line, header, value, zh, en, "error", code)


def _kind(n: str) -> tuple[str, str, str]:
    label, code = schema.split_node_id(n)
    k = schema.node_kind(label)
    return k.zh, k.en, code


def ownership_issues(roster: Roster, G: nx.MultiDiGraph, streets: Iterable[str],
                     stored: dict[str, dict], rels: dict[str, dict],
                     within: str | None = None) -> list[Issue]:
    """The rows of ``roster`` that would change data the import may not touch
    (see the module doc); empty when it may go ahead.

    Parameters
    ----------
    roster : graph.roster.Roster
        The roster imported (its rows name the issues).
    G : networkx.MultiDiGraph
        Its graph (:func:`graph.build.roster_to_graph`).
    streets : iterable of str
        The roster's jurisdiction.
    stored : dict
        Stored properties (``_streets`` included) of the stored nodes among
        ``G``'s, by node id.
    rels : dict
        Stored relationships touching them: ``{rid: {source, target, type,
        props}}``.
    within : str, optional
        The street the caller is limited to; ``None``: full rights.

    Returns
    -------
    list of graph.errors.Issue
    """
    J = set(streets)
    rows = _Rows(roster)
    stored_refs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    stored_edges: dict[tuple, dict] = {}
    for r in rels.values():
        stored_refs[r["source"]].add((r["type"], r["target"]))
        key = r["props"].get("key", r["type"])
        stored_edges[(r["source"], r["target"], key)] = r["props"]

    issues: list[Issue] = []
    refused: set[str] = set()
    for n in G:
        old = stored.get(n)
        if old is None:
            continue
        T = tags(old)
        row = rows.nodes.get(n)
        if row is None:  # pragma: no cover - every roster node has its row
            continue
        zh_kind, en_kind, code = _kind(n)
        if within is not None and within not in T:
            refused.add(n)
            issues.append(_issue(
                row, "code", code,
                f"{zh_kind}编码 {code} 已被其他街道的数据使用，本令牌（限街道 {within}）不能导入或"
                "修改它。请改用本街道自己的编码；若确属同一对象，请由不限街道的管理员导入。",
                f"the {en_kind} code {code} is already used by another street's data, which "
                f"this token (limited to street {within}) may neither import nor change: use "
                "a code of your own street, or, if it really is the same one, have an admin "
                "whose token is not limited to a street import it",
                "owned_elsewhere"))
            continue
        foreign = T - J
        if not foreign:
            continue
        if within is None and T & J:
            continue  # shared, and full rights cover every street
        change = _node_change(G, n, old, stored_refs.get(n, set()))
        if change is None:
            continue
        column, value = change
        refused.add(n)
        if within is None:
            others = "、".join(sorted(foreign))
            issues.append(_issue(
                row, column, value,
                f"{zh_kind} {code} 属于街道 {others} 的数据，不在本花名册管辖的街道内；导入会改写"
                f"或迁移它。请改用新的编码，或使这一行与已有数据一致，或导入包含街道 {others} 的花名册。",
                f"{en_kind} {code} belongs to the data of street(s) {', '.join(sorted(foreign))}, "
                "outside the streets this roster covers; importing would rewrite or move it. "
                "Use a new code, make this row match the stored one, or import a roster that "
                "covers those streets",
                "owned_elsewhere"))
        else:
            issues.append(_issue(
                row, column, value,
                f"{zh_kind} {code} 同时属于其他街道的数据，本令牌（限街道 {within}）不能修改它："
                "请保持这一行与已有数据一致，修改请由不限街道的管理员进行。",
                f"{en_kind} {code} also belongs to other streets' data, so this token (limited "
                f"to street {within}) may not change it: keep this row as stored, and have an "
                "admin whose token is not limited to a street make the change",
                "shared_elsewhere"))

    # relationship rows (posts, liaisons ...) kept for other streets too
    for u, v, k, attrs in G.edges(keys=True, data=True):
        if u in refused or v in refused:
            continue
        old = stored_edges.get((u, v, k))
        if old is None:
            continue
        T = tags(old)
        outside = (T - {within}) if within is not None else (set() if T & J else T - J)
        if not outside:
            continue
        row = rows.of_edge(u, v, attrs["type"], k)
        if row is None:
            continue  # a node row's reference: judged with its node
        new = {p: val for p, val in attrs.items() if p != "type"}
        diff = _first_difference(new, visible(old), row.table)
        if diff is None:
            continue
        column, value = diff
        rk = schema.rel_kind(attrs["type"])
        who_zh = f"本令牌（限街道 {within}）" if within else "本花名册"
        who_en = f"this token (limited to street {within})" if within else "this roster"
        issues.append(_issue(
            row, column, value,
            f"这一{rk.zh}关系同时属于其他街道的数据，{who_zh}不能修改它：请保持这一行与已有数据一致。",
            f"this {rk.en} row also belongs to other streets' data, which {who_en} may not "
            "change: keep the row as stored",
            "shared_elsewhere"))
    issues.sort(key=lambda i: (i.table, i.line, i.column))
    return issues
