"""Store a roster in Neo4j, read it back as the same NetworkX graph.

The exchange format is the graph of :func:`graph.build.roster_to_graph`
(the contract in :mod:`graph.schema`). The store writes that graph
generically -- one statement per label and per relationship type, all from
:mod:`graph.queries` -- and :func:`load_graph` reads back exactly the same
graph: node ids, attributes, edge keys and attributes.

In Neo4j a node has its label and its properties (``code`` unique per label);
a relationship has its type, its properties and ``key`` (the NetworkX edge
key, :func:`graph.schema.edge_key`). ``MERGE`` on ``code`` and on ``key``
keeps imports idempotent.

Jurisdictions
-------------
A roster covers the streets of its 街道 table (``roster.jurisdiction``).
Every stored node and relationship carries ``_streets``: the streets it is
kept for. Importing a roster for streets ``J``:

* gives each of its nodes the streets of ``J`` whose scope
  (:func:`graph.scope.scope_nodes`) holds it (:func:`graph.places.keeping_streets`)
  -- or all of ``J`` when no street's scope does (a person with no post, say) -- keeping the streets
  outside ``J`` it already had; a relationship gets the streets whose scope
  holds both its ends, or else the union of its two ends' streets;
* takes ``J`` away from every stored node and relationship that is not in
  the roster; what is then kept for no street is deleted (a node with its
  relationships: ``DETACH DELETE``). So a row gone from the roster is gone
  from the graph, while a person or org another jurisdiction's roster still
  holds stays, with that roster's relationships;
* replaces the properties of its nodes and relationships (a cleared cell
  removes the property).

Data kept only for streets outside ``J`` is never touched. ``_streets`` is
internal: :func:`load_graph` drops every property starting with ``_``.

The plan -- what will be created, changed and deleted, per label and type --
is computed before anything is written (:func:`plan_import`), and again inside
the import's single transaction, which writes it in ``UNWIND`` batches
together with an ``ImportRecord``. A lock node serializes concurrent imports.
Any driver or server error becomes :class:`~graph.errors.DatabaseUnavailable`;
the transaction is then rolled back whole.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

import networkx as nx

from graph import queries as Q
from graph import schema
from graph.build import roster_to_graph
from graph.db import Database
from graph.errors import Issue, RosterError
from graph.roster import Roster
from graph.places import keeping_streets
from graph.scope import IN, OUT, scope_nodes

__all__ = [
    "BATCH_SIZE",
    "Change",
    "ImportPlan",
    "ImportResult",
    "ensure_schema",
    "plan_import",
    "require_jurisdiction",
    "import_roster",
    "import_graph",
    "import_history",
    "load_graph",
    "counts",
    "data_version",
    "combine_shapes",
]

#: Rows per ``UNWIND`` statement.
BATCH_SIZE = 2000

#: The internal property holding the streets a node/relationship is kept for.
TAG = "_streets"

#: ``progress(stage, done, total)``; ``stage`` is bilingual text.
Progress = Callable[[str, int, int], None]

_LOCK_ID = "import"


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def _database_errors(db: Database):
    """Every driver or server error as DatabaseUnavailable (bilingual)."""
    return db.errors(any_error=True)


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


def _native(value: Any) -> Any:
    """Neo4j temporal values as Python ones (``neo4j.time.Date`` -> ``date``)."""
    if isinstance(value, list):
        return [_native(v) for v in value]
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native is not None else value


def _visible(props: dict) -> dict:
    """The graph-contract properties: no internal ``_`` ones, no edge ``key``."""
    return {k: _native(v) for k, v in props.items() if not k.startswith("_") and k != "key"}


def _domain_label(labels: Iterable[str]) -> str | None:
    for label in labels:
        if label in schema.NODE_KINDS_BY_LABEL:
            return label
    return None


def _chunks(rows: list) -> Iterator[list]:
    size = BATCH_SIZE
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _by_label(ids: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for nid in ids:
        label, code = schema.split_node_id(nid)
        out[label].append(code)
    return out


# ---------------------------------------------------------------------------
# Plan
# ---------------------------------------------------------------------------


@dataclass
class Change:
    """How many nodes (of a label) or relationships (of a type) an import
    creates, changes (visible properties) and deletes."""

    created: int = 0
    changed: int = 0
    deleted: int = 0

    def __bool__(self) -> bool:
        return bool(self.created or self.changed or self.deleted)


@dataclass
class ImportPlan:
    """What importing a roster does to the stored graph.

    ``nodes`` and ``rels`` map each label / type to its :class:`Change`;
    ``replaced`` is the number of nodes stored for these streets before.
    """

    streets: tuple[str, ...]
    nodes: dict[str, Change] = field(default_factory=dict)
    rels: dict[str, Change] = field(default_factory=dict)
    replaced: int = 0
    #: nodes and relationships of the roster (label/type -> count)
    roster_counts: dict[str, int] = field(default_factory=dict)
    # the writes, for the import transaction
    _node_writes: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _node_deletes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _rel_creates: dict[tuple, list[dict]] = field(default_factory=lambda: defaultdict(list), repr=False)
    _rel_updates: list[dict] = field(default_factory=list, repr=False)
    _rel_deletes: list[str] = field(default_factory=list, repr=False)

    def _total(self, what: str) -> int:
        return sum(getattr(c, what) for c in (*self.nodes.values(), *self.rels.values()))

    @property
    def created(self) -> int:
        return self._total("created")

    @property
    def changed(self) -> int:
        return self._total("changed")

    @property
    def deleted(self) -> int:
        return self._total("deleted")

    @property
    def is_empty(self) -> bool:
        """True when the import changes nothing visible."""
        return not (self.created or self.changed or self.deleted)

    def changes(self) -> dict[str, dict[str, int]]:
        """``{label or type: {created, changed, deleted}}`` for what changes."""
        return {
            k: {"created": c.created, "changed": c.changed, "deleted": c.deleted}
            for k, c in (*self.nodes.items(), *self.rels.items())
            if c
        }

    @property
    def _write_count(self) -> int:
        return (
            sum(map(len, self._node_writes.values()))
            + sum(map(len, self._node_deletes.values()))
            + sum(map(len, self._rel_creates.values()))
            + len(self._rel_updates)
            + len(self._rel_deletes)
        )


@dataclass
class ImportResult:
    """The outcome of :func:`import_roster`."""

    plan: ImportPlan
    dry_run: bool
    record_id: str | None = None
    #: stored nodes/relationships per label/type after the import
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def created(self) -> int:
        return self.plan.created

    @property
    def changed(self) -> int:
        return self.plan.changed

    @property
    def deleted(self) -> int:
        return self.plan.deleted


def _tags(props: dict | None) -> set[str]:
    return set((props or {}).get(TAG) or ())


def _read_stored(tx, G: nx.MultiDiGraph, streets: list[str], progress: Progress | None):
    """Stored nodes that are in ``G`` or kept for ``streets``, and every
    relationship touching them."""
    stored: dict[str, dict] = {}
    wanted = _by_label(G.nodes)
    for label in Q.LABELS:
        for batch in _chunks(wanted.get(label, [])):
            for r in tx.run(Q.READ_NODES[label], codes=batch):
                stored[schema.node_id(label, r["code"])] = r["props"]
    of_streets = set()
    for r in tx.run(Q.READ_NODES_OF_STREETS, streets=streets):
        label = _domain_label(r["labels"])
        if label is None:
            continue
        nid = schema.node_id(label, r["code"])
        stored[nid] = r["props"]
        of_streets.add(nid)
    rels: dict[str, dict] = {}
    done = 0
    for label, codes in _by_label(stored).items():
        for batch in _chunks(codes):
            for r in tx.run(Q.READ_RELS[label], codes=batch):
                if r["rid"] in rels:
                    continue
                edge = _rel_of(label, r)
                if edge is not None:
                    rels[r["rid"]] = edge
            done += len(batch)
            if progress:
                progress("读取已有数据 reading the stored data", done, len(stored))
    return stored, of_streets, rels


def _rel_of(label: str, r) -> dict | None:
    """A READ_RELS record as ``{source, target, type, props}`` (node ids)."""
    other = _domain_label(r["other_labels"])
    if other is None or r["type"] not in schema.REL_KINDS_BY_TYPE:
        return None
    a, b = schema.node_id(label, r["code"]), schema.node_id(other, r["other"])
    source, target = (a, b) if r["outgoing"] else (b, a)
    return {"source": source, "target": target, "type": r["type"], "props": r["props"]}


def _diff(G: nx.MultiDiGraph, streets: tuple[str, ...], stored: dict[str, dict],
          of_streets: set[str], rels: dict[str, dict]) -> ImportPlan:
    J = set(streets)
    plan = ImportPlan(streets=streets, replaced=len(of_streets))
    plan.nodes = {label: Change() for label in Q.LABELS}
    plan.rels = {t: Change() for t in Q.TYPES}
    node_tags, edge_tags = keeping_streets(G, streets)
    for n, d in G.nodes(data=True):
        plan.roster_counts[d["label"]] = plan.roster_counts.get(d["label"], 0) + 1
    for *_, t in G.edges(data="type"):
        plan.roster_counts[t] = plan.roster_counts.get(t, 0) + 1

    # nodes of the roster: create or replace
    for n, attrs in G.nodes(data=True):
        label = attrs["label"]
        new = {k: v for k, v in attrs.items() if k != "label"}
        old = stored.get(n)
        tags = sorted((_tags(old) - J) | node_tags[n])
        if old is None:
            plan.nodes[label].created += 1
        elif _visible(old) != new:
            plan.nodes[label].changed += 1
        elif sorted(_tags(old)) == tags:
            continue  # identical: nothing to write
        plan._node_writes[label].append({"code": new["code"], "props": {**new, TAG: tags}})

    # stored nodes of these streets that the roster no longer has
    deleted_nodes = set()
    for n in of_streets:
        if n in G:
            continue
        label, code = schema.split_node_id(n)
        rest = sorted(_tags(stored[n]) - J)
        if rest:
            props = {k: v for k, v in stored[n].items() if k != TAG}
            plan._node_writes[label].append({"code": code, "props": {**props, TAG: rest}})
        else:
            plan.nodes[label].deleted += 1
            plan._node_deletes[label].append(code)
            deleted_nodes.add(n)

    # relationships
    stored_edges = {}
    for rid, r in rels.items():
        key = r["props"].get("key", r["type"])
        stored_edges[(r["source"], r["target"], key)] = rid
    for u, v, k, attrs in G.edges(keys=True, data=True):
        type_ = attrs["type"]
        new = {p: val for p, val in attrs.items() if p != "type"}
        rid = stored_edges.get((u, v, k))
        old = rels[rid]["props"] if rid else None
        tags = sorted((_tags(old) - J) | edge_tags[(u, v, k)])
        props = {**new, "key": k, TAG: tags}
        if old is None:
            plan.rels[type_].created += 1
            s_label, s_code = schema.split_node_id(u)
            t_label, t_code = schema.split_node_id(v)
            plan._rel_creates[(type_, s_label, t_label)].append(
                {"source": s_code, "target": t_code, "key": k, "props": props}
            )
            continue
        if _visible(old) != new:
            plan.rels[type_].changed += 1
        elif sorted(_tags(old)) == tags:
            continue
        plan._rel_updates.append({"rid": rid, "props": props})
    in_roster = set(G.edges(keys=True))
    for (u, v, k), rid in stored_edges.items():
        if (u, v, k) in in_roster:
            continue
        r = rels[rid]
        if u in deleted_nodes or v in deleted_nodes:
            plan.rels[r["type"]].deleted += 1  # goes with its node (DETACH)
            continue
        old_tags = _tags(r["props"])
        if not old_tags & J:
            continue  # another jurisdiction's
        rest = sorted(old_tags - J)
        if rest:
            props = {p: val for p, val in r["props"].items() if p != TAG}
            plan._rel_updates.append({"rid": rid, "props": {**props, TAG: rest}})
        else:
            plan.rels[r["type"]].deleted += 1
            plan._rel_deletes.append(rid)
    return plan


def require_jurisdiction(roster: Roster) -> None:
    """Raise :class:`RosterError` when the roster lists no street: an import
    replaces the data of the roster's streets, so it needs some."""
    if roster.jurisdiction:
        return
    t = schema.table("streets")
    raise RosterError([Issue(
        f"{t.zh} {t.key}", 0, "", None,
        "“街道”表中没有任何街道:导入要替换哪些街道的数据无从确定。请填写本花名册管辖的街道",
        "the 街道 (streets) table lists no street, so there is no telling whose stored data "
        "the import replaces: fill in the streets this roster covers",
        code="no_jurisdiction",
    )])


def _plan_tx(tx, G, streets, progress=None) -> ImportPlan:
    stored, of_streets, rels = _read_stored(tx, G, list(streets), progress)
    return _diff(G, streets, stored, of_streets, rels)


def plan_import(db: Database, roster: Roster, *, progress: Progress | None = None,
                graph: nx.MultiDiGraph | None = None) -> ImportPlan:
    """What importing ``roster`` would create, change and delete (writes
    nothing).

    Parameters
    ----------
    db : graph.db.Database
    roster : graph.roster.Roster
        A validated roster.
    progress : callable, optional
        ``progress(stage, done, total)`` while the stored data is read.
    graph : networkx.MultiDiGraph, optional
        The roster's graph when the caller has built it (it is not built
        again; :func:`import_graph` takes it too).

    Returns
    -------
    ImportPlan
    """
    require_jurisdiction(roster)
    G = roster_to_graph(roster) if graph is None else graph
    with _database_errors(db):
        return db.execute_read(_plan_tx, G, roster.jurisdiction, progress)


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def ensure_schema(db: Database) -> None:
    """Create the uniqueness constraints and indexes (``IF NOT EXISTS``).

    Raises
    ------
    DatabaseUnavailable
        When Neo4j cannot be reached or refuses (e.g. stored duplicates).
    """
    with _database_errors(db):
        for q in (*Q.CREATE_CONSTRAINTS, *Q.CREATE_INDEXES):
            db.run(q)


def _write(tx, plan: ImportPlan, progress: Progress | None) -> None:
    total, done = plan._write_count, 0
    stage = "写入 writing"

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(stage, done, total)

    for batch in _chunks(plan._rel_deletes):
        tx.run(Q.DELETE_RELS_BY_ID, rids=batch).consume()
        step(len(batch))
    for label, codes in plan._node_deletes.items():
        for batch in _chunks(codes):
            tx.run(Q.DELETE_NODES[label], codes=batch).consume()
            step(len(batch))
    for label in Q.LABELS:
        for batch in _chunks(plan._node_writes.get(label, [])):
            tx.run(Q.MERGE_NODES[label], rows=batch).consume()
            step(len(batch))
    for batch in _chunks(plan._rel_updates):
        tx.run(Q.SET_RELS_BY_ID, rows=batch).consume()
        step(len(batch))
    for key, rows in plan._rel_creates.items():
        for batch in _chunks(rows):
            tx.run(Q.MERGE_RELS[key], rows=batch).consume()
            step(len(batch))


def _import_tx(tx, G, roster: Roster, record_id: str, progress) -> ImportPlan:
    tx.run(Q.LOCK_IMPORTS, id=_LOCK_ID).consume()
    plan = _plan_tx(tx, G, roster.jurisdiction, progress)
    _write(tx, plan, progress)
    shape = json.dumps(G.graph.get("columns", {}), ensure_ascii=False, sort_keys=True)
    tx.run(Q.MERGE_ROSTER_SHAPES,
           rows=[{"street": s, "columns": shape} for s in roster.jurisdiction]).consume()
    tx.run(
        Q.CREATE_IMPORT_RECORD,
        id=record_id,
        file=roster.source,
        sha256=roster.sha256,
        streets=list(roster.jurisdiction),
        counts=json.dumps(plan.roster_counts, ensure_ascii=False, sort_keys=True),
        changes=json.dumps(plan.changes(), ensure_ascii=False, sort_keys=True),
        created=plan.created,
        changed=plan.changed,
        deleted=plan.deleted,
    ).consume()
    return plan


def import_roster(db: Database, roster: Roster, *, progress: Progress | None = None,
                  dry_run: bool = False) -> ImportResult:
    """Store a validated roster, replacing its jurisdiction's previous data.

    One transaction for the whole roster: all of it is written, with its
    ``ImportRecord``, or nothing is.

    Parameters
    ----------
    db : graph.db.Database
    roster : graph.roster.Roster
        Validated (:func:`loaders.load_roster`).
    progress : callable, optional
        ``progress(stage, done, total)``, called per batch.
    dry_run : bool
        Only compute the plan; write nothing.

    Returns
    -------
    ImportResult
        The plan carried out (created/changed/deleted per label and type),
        the import record's id and the stored counts after.

    Raises
    ------
    RosterError
        When the roster lists no street (its jurisdiction is unknown).
    DatabaseUnavailable
        When Neo4j cannot be reached or refuses the work (nothing written).

    Examples
    --------
    >>> result = import_roster(db, load_roster("花名册.xlsx"))   # doctest: +SKIP
    >>> result.created, result.deleted                            # doctest: +SKIP
    (412, 0)
    """
    return import_graph(db, roster, roster_to_graph(roster), progress=progress, dry_run=dry_run)


def import_graph(db: Database, roster: Roster, G: nx.MultiDiGraph, *,
                 progress: Progress | None = None, dry_run: bool = False) -> ImportResult:
    """:func:`import_roster` with the roster's graph already built."""
    require_jurisdiction(roster)
    t0 = time.perf_counter()
    if dry_run:
        with _database_errors(db):
            plan = db.execute_read(_plan_tx, G, roster.jurisdiction, progress)
        return ImportResult(plan=plan, dry_run=True, seconds=time.perf_counter() - t0)
    ensure_schema(db)
    record_id = uuid.uuid4().hex
    with _database_errors(db):
        plan = db.execute_write(_import_tx, G, roster, record_id, progress)
    after = counts(db)
    return ImportResult(plan=plan, dry_run=False, record_id=record_id, counts=after,
                        seconds=time.perf_counter() - t0)


# ---------------------------------------------------------------------------
# Reading back
# ---------------------------------------------------------------------------


class _Neo4jWalk:
    """:class:`graph.scope.GraphWalk` over Neo4j, inside one read transaction."""

    def __init__(self, tx) -> None:
        self.tx = tx

    def has(self, node_id: str) -> bool:
        label, code = schema.split_node_id(node_id)
        return bool(self.tx.run(Q.NODE_EXISTS[label], code=code).single()["found"])

    def step(self, ids, type_, direction):
        table = Q.NEIGHBORS_OUT if direction == OUT else Q.NEIGHBORS_IN
        found: dict[str, str | None] = {}
        for label, codes in _by_label(ids).items():
            q = table.get((type_, label))
            if q is None:  # no such relationship at this label
                continue
            for batch in _chunks(codes):
                for r in self.tx.run(q, codes=batch):
                    other = _domain_label(r["labels"])
                    if other is not None:
                        found[schema.node_id(other, r["code"])] = r["kind"]
        return found


def _add_edge(G: nx.MultiDiGraph, source: str, target: str, type_: str, props: dict) -> None:
    G.add_edge(source, target, key=props.get("key", type_), type=type_, **_visible(props))


def combine_shapes(shapes: Iterable[dict[str, list[str]]]) -> dict[str, list[str]] | None:
    """The shape of several streets' rosters: a table (column) is present
    when every one of them had it -- a rule is checked only where every
    roster reported what it reads. ``None`` when there is no shape at all.

    >>> combine_shapes([{"needs": ["code", "date"]}, {"needs": ["code"], "agreements": ["code"]}])
    {'needs': ['code']}
    """
    out: dict[str, list[str]] | None = None
    for shape in shapes:
        if out is None:
            out = {t: list(cols) for t, cols in shape.items()}
            continue
        out = {t: [c for c in cols if c in shape[t]] for t, cols in out.items() if t in shape}
    return out


def _shape_tx(tx, G: nx.MultiDiGraph, street: str | None) -> None:
    """Set ``G.graph["columns"]`` from the stored shapes of the streets the
    graph is about (one street when scoped, else every stored street)."""
    stored = {r["street"]: json.loads(r["columns"]) for r in tx.run(Q.READ_ROSTER_SHAPES)}
    if street is None:
        streets = [schema.split_node_id(n)[1] for n, d in G.nodes(data="label") if d == "Street"]
    else:
        streets = [street]
    shape = combine_shapes(stored[s] for s in sorted(streets) if s in stored)
    if shape is not None:
        G.graph["columns"] = shape


def _load_tx(tx, street: str | None, community: str | None) -> nx.MultiDiGraph:
    G = _load_nodes_tx(tx, street, community)
    if community is not None:
        street = next((schema.split_node_id(v)[1] for _, v, t in
                       G.out_edges(schema.node_id("Community", community), data="type")
                       if t == "IN"), None)
        if street is None:
            return G
    _shape_tx(tx, G, street)
    return G


def _load_nodes_tx(tx, street: str | None, community: str | None) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    if street is None and community is None:
        for label in Q.LABELS:
            for r in tx.run(Q.ALL_NODES[label]):
                G.add_node(schema.node_id(label, r["code"]), label=label, **_visible(r["props"]))
        for type_ in Q.TYPES:
            for r in tx.run(Q.ALL_RELS[type_]):
                s_label = _domain_label(r["source_labels"])
                t_label = _domain_label(r["target_labels"])
                if s_label and t_label:
                    _add_edge(G, schema.node_id(s_label, r["source"]),
                              schema.node_id(t_label, r["target"]), type_, r["props"])
        return G
    ids = scope_nodes(_Neo4jWalk(tx), community=community, street=street)
    for label, codes in _by_label(ids).items():
        for batch in _chunks(codes):
            for r in tx.run(Q.READ_NODES[label], codes=batch):
                G.add_node(schema.node_id(label, r["code"]), label=label, **_visible(r["props"]))
            for r in tx.run(Q.READ_RELS[label], codes=batch):
                edge = _rel_of(label, r)
                # each relationship once: from its start node, both ends in scope
                if edge and r["outgoing"] and edge["target"] in ids:
                    _add_edge(G, edge["source"], edge["target"], edge["type"], edge["props"])
    return G


def load_graph(db: Database, *, street: str | None = None,
               community: str | None = None) -> nx.MultiDiGraph:
    """The stored graph, whole or for one street or community.

    Gives the same graph as ``graph.scope.subgraph(roster_to_graph(roster),
    street=..., community=...)`` for the roster stored.

    Parameters
    ----------
    db : graph.db.Database
    street, community : str, optional
        The code of a street or a community (at most one); neither: the
        whole graph.

    Returns
    -------
    networkx.MultiDiGraph

    Raises
    ------
    NotFound
        When the street or community is not stored.
    DatabaseUnavailable
        When Neo4j cannot be reached.
    """
    if street is not None and community is not None:
        raise ValueError("give at most one of street= or community=")
    with _database_errors(db):
        return db.execute_read(_load_tx, street, community)


def counts(db: Database) -> dict[str, int]:
    """Stored nodes per label and relationships per type (zeros included)."""
    with _database_errors(db):
        return db.run(Q.COUNTS)[0]


def data_version(db: Database) -> str | None:
    """The id of the latest import (``None`` before any): changes whenever
    an import is committed, cheap enough to check on every request."""
    with _database_errors(db):
        rows = db.run(Q.LATEST_IMPORT_ID)
    return rows[0]["id"] if rows else None


def import_history(db: Database, limit: int = 50) -> list[dict]:
    """The latest imports, newest first.

    Returns
    -------
    list of dict
        ``id, file, sha256, at`` (``datetime``), ``streets``, ``counts`` and
        ``changes`` (dicts), ``created, changed, deleted``.
    """
    with _database_errors(db):
        rows = db.run(Q.IMPORT_HISTORY, limit=int(limit))
    out = []
    for row in rows:
        rec = {k: _native(v) for k, v in row["record"].items()}
        for k in ("counts", "changes"):
            rec[k] = json.loads(rec[k]) if rec.get(k) else {}
        rec.setdefault("file", None)
        rec.setdefault("sha256", None)
        out.append(rec)
    return out
