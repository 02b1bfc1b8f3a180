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
is computed before anything is written (:func:`plan_import`): one read of
the stored nodes of the roster and of its streets, and of each relationship
touching them once. The import's single transaction takes a lock node (which
serializes concurrent imports), and writes that plan in ``UNWIND`` batches
together with an ``ImportRecord`` -- the plan it was given when no import
was committed since it was read, otherwise one it reads again under the
lock. New nodes and relationships are ``CREATE``d (the lock and the
uniqueness constraints make that safe), changed ones replaced.

A roster whose content (:meth:`Roster.digest`, not the file's SHA-256: a
roster may be changed after it was read) and streets are those of the latest
import record is stored already: the plan says so (``unchanged_since``)
without reading the graph, and the import writes nothing, not even a record. Any other import in
between makes a newer record, so the roster is then compared in full.

Any driver or server error becomes :class:`~graph.errors.DatabaseUnavailable`;
the transaction is then rolled back whole. Running out of the server's
transaction memory is not retried: the message says what to set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Union

import networkx as nx

from graph import queries as Q
from graph import schema
from graph.build import roster_to_graph
from graph.bulk import add_edges, add_nodes, paused_gc
from graph.db import ClientError, Database, DriverError, Neo4jError, is_out_of_memory
from graph.errors import Issue, RosterError
from graph.ownership import TAG, native as _native, ownership_issues, visible as _visible
from graph.ownership import tags as _tags
from graph.roster import Roster
from graph.places import keeping_streets
from graph.scope import OUT, scope_nodes

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
    "street_codes",
    "load_graph",
    "counts",
    "data_version",
    "warm_up",
    "combine_shapes",
]

#: Rows per ``UNWIND`` statement.
BATCH_SIZE = 2000

#: ``progress(stage, done, total)``; ``stage`` is bilingual text.
Progress = Callable[[str, int, int], None]

_LOCK_ID = "import"


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


class _OutOfMemory(Exception):
    """The server ran out of transaction memory: raised instead of its error
    inside a transaction function, so the driver does not retry it (a retry
    needs the same memory again); :func:`_database_errors` hands the server's
    error to :func:`graph.db.translate`, which says what to set."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _not_retried_when_out_of_memory(fn: Callable) -> Callable:
    """``fn`` for ``execute_read/execute_write``, raising :class:`_OutOfMemory`
    instead of the server's memory error."""

    @functools.wraps(fn)
    def run(tx, *args):
        try:
            return fn(tx, *args)
        except Exception as exc:
            if is_out_of_memory(exc):
                raise _OutOfMemory(exc) from exc
            raise

    return run


@contextlib.contextmanager
def _database_errors(db: Database) -> Iterator[None]:
    """Every driver or server error as DatabaseUnavailable (bilingual)."""
    with db.errors(any_error=True):
        try:
            yield
        except _OutOfMemory as exc:
            raise exc.error from None


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------


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
    ``unchanged_since`` is the latest import record (``id, file, at``) when
    it holds this very roster (same SHA-256, same streets): nothing to do.
    """

    streets: tuple[str, ...]
    nodes: dict[str, Change] = field(default_factory=dict)
    rels: dict[str, Change] = field(default_factory=dict)
    replaced: int = 0
    #: nodes and relationships of the roster (label/type -> count)
    roster_counts: dict[str, int] = field(default_factory=dict)
    #: which stored items change and which go, each as :func:`_item` makes
    #: it (all of them; the CLI lists the first few and counts the rest)
    changed_items: list[dict] = field(default_factory=list)
    deleted_items: list[dict] = field(default_factory=list)
    #: each street's part: ``{street: {label or type: Change}}`` (what the
    #: import does to what is kept for that street) and ``{street: {label or
    #: type: count}}`` (the roster's nodes and relationships kept for it)
    parts: dict[str, dict[str, Change]] = field(default_factory=dict)
    part_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    unchanged_since: dict | None = None
    #: id of the latest import record when the plan was read (None: none)
    base: str | None = None
    # the writes, for the import transaction
    _node_creates: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list), repr=False)
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
        return _changes(self.nodes.items(), self.rels.items())

    def part(self, street: str) -> dict[str, Any]:
        """One street's part of the import: ``counts`` (the roster's nodes and
        relationships kept for it), ``changes`` and the ``created``,
        ``changed``, ``deleted`` totals of what is kept for it."""
        changes = _changes(self.parts.get(street, {}).items())
        return {
            "counts": dict(sorted(self.part_counts.get(street, {}).items())),
            "changes": changes,
            **{what: sum(c[what] for c in changes.values())
               for what in ("created", "changed", "deleted")},
        }

    @property
    def _write_count(self) -> int:
        return (
            sum(map(len, self._node_creates.values()))
            + sum(map(len, self._node_writes.values()))
            + sum(map(len, self._node_deletes.values()))
            + sum(map(len, self._rel_creates.values()))
            + len(self._rel_updates)
            + len(self._rel_deletes)
        )


def _changes(*groups) -> dict[str, dict[str, int]]:
    return {
        k: {"created": c.created, "changed": c.changed, "deleted": c.deleted}
        for group in groups for k, c in group
        if c
    }


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
    def unchanged(self) -> bool:
        """True when the roster was stored already (nothing written, no record)."""
        return self.plan.unchanged_since is not None

    @property
    def created(self) -> int:
        return self.plan.created

    @property
    def changed(self) -> int:
        return self.plan.changed

    @property
    def deleted(self) -> int:
        return self.plan.deleted




def _rows(tx, query: str, **params) -> list:
    """The ``rows`` a collecting statement returns (see :mod:`graph.queries`)."""
    return tx.run(query, **params).single()["rows"]


_date = dt.date.fromisoformat


def _from_store(kind: str, props: dict) -> dict:
    """Properties as a reading statement returns them (dates as ISO text,
    ``null`` where a date is absent) as the graph has them: dates as
    ``datetime.date``, no key for an absent one. ``kind`` is the label or
    relationship type."""
    for p in schema.DATE_PROPERTIES[kind]:
        value = props.get(p)
        if value is None:
            props.pop(p, None)
        else:
            props[p] = _date(value)
    return props


def _values_to_props(kind: str, keys: tuple[str, ...], **first) -> Callable[[list], dict]:
    """Turn a row of ``keys``' values (a whole-graph read's, see
    :data:`graph.queries.NODE_VALUES`) into the graph's properties: ``first``
    then each value present, dates made as by :func:`_from_store` (a whole
    read turns some 150,000 rows into properties, so the work per row is
    kept to what its kind needs)."""
    if not keys:
        return lambda values: dict(first)
    dates = [k for k in keys if k in schema.DATE_PROPERTIES[kind]]

    def props(values: list) -> dict:
        out = dict(first)
        for k, v in zip(keys, values):
            if v is not None:
                out[k] = v
        for k in dates:
            if k in out:
                out[k] = _date(out[k])
        return out

    return props


def _node_rows(tx, label: str, query: str, **params) -> Iterator[tuple[str, dict]]:
    """``(code, properties)`` of a node-reading statement's rows."""
    for code, props in _rows(tx, query, **params):
        yield code, _from_store(label, props)


def _read_stored(tx, G: nx.MultiDiGraph, streets: list[str], progress: Progress | None):
    """Stored nodes that are in ``G`` or kept for ``streets``, and every
    relationship touching them, each read once."""
    stored: dict[str, dict] = {}
    of_streets: set[str] = set()
    wanted = _by_label(G.nodes)
    present = tx.run(Q.COUNTS).single()
    for label in Q.LABELS:
        if not present[label]:
            continue  # nothing of this label is stored
        tagged = tx.run(Q.CODES_OF_STREETS[label], streets=streets).single()["codes"]
        of_streets.update(schema.node_id(label, c) for c in tagged)
        in_roster = wanted.get(label, [])
        seen = set(in_roster)
        for batch in _chunks(in_roster + [c for c in tagged if c not in seen]):
            for code, props in _node_rows(tx, label, Q.READ_NODES[label], codes=batch):
                stored[schema.node_id(label, code)] = props
    rels: dict[str, dict] = {}
    done = 0
    for label, codes in _by_label(stored).items():
        for batch in _chunks(codes):
            for row in _rows(tx, Q.READ_RELS_OUT[label], codes=batch):
                edge = _rel_of(label, row, outgoing=True)
                if edge is not None:
                    rels[row[5]] = edge
            for row in _rows(tx, Q.READ_RELS_IN_FROM_OUTSIDE[label], codes=batch,
                             streets=streets):
                edge = _rel_of(label, row, outgoing=False)
                # a start node read above has given its relationships already
                if edge is not None and edge["source"] not in stored:
                    rels[row[5]] = edge
            done += len(batch)
            if progress:
                progress("读取已有数据 reading the stored data", done, len(stored))
    return stored, of_streets, rels


def _rel_of(label: str, row: list, outgoing: bool) -> dict | None:
    """A READ_RELS_* row ``[code, type, other, other labels, props, id]`` as
    ``{source, target, type, props}`` (node ids)."""
    code, type_, other_code, other_labels, props = row[:5]
    other = _domain_label(other_labels)
    if other is None or type_ not in schema.REL_KINDS_BY_TYPE:
        return None
    a, b = schema.node_id(label, code), schema.node_id(other, other_code)
    source, target = (a, b) if outgoing else (b, a)
    return {"source": source, "target": target, "type": type_, "props": _from_store(type_, props)}


def _node_item(nid: str, old: dict, new: dict | None = None) -> dict:
    """A stored node that changes or goes: its kind, code, name and (when it
    changes) the properties that differ."""
    label, code = schema.split_node_id(nid)
    kind = schema.node_kind(label)
    props = new if new is not None else old
    item = {"label": label, "code": code, "name": str(props.get(kind.name_key) or code)}
    if new is not None:
        before = _visible(old)
        item["fields"] = sorted(k for k in set(before) | set(new) if before.get(k) != new.get(k))
    return item


def _rel_item(type_: str, source: str, target: str, old: dict, new: dict | None = None) -> dict:
    """A stored relationship that changes or goes."""
    item = {"type": type_, "source": source, "target": target}
    if new is not None:
        before = _visible(old)
        item["fields"] = sorted(k for k in set(before) | set(new) if before.get(k) != new.get(k))
    return item


def _diff(G: nx.MultiDiGraph, streets: tuple[str, ...], stored: dict[str, dict],
          of_streets: set[str], rels: dict[str, dict]) -> ImportPlan:
    J = set(streets)
    plan = ImportPlan(streets=streets, replaced=len(of_streets))
    plan.nodes = {label: Change() for label in Q.LABELS}
    plan.rels = {t: Change() for t in Q.TYPES}
    plan.parts = {s: defaultdict(Change) for s in streets}
    plan.part_counts = {s: defaultdict(int) for s in streets}
    node_tags, edge_tags = keeping_streets(G, streets)

    def count(what: str, kind: str, table: dict, streets_of: Iterable[str]) -> None:
        """One node/relationship created, changed or deleted, in the whole
        plan and in each of its streets' parts."""
        c = table[kind]
        setattr(c, what, getattr(c, what) + 1)
        for s in set(streets_of) & J:
            part = plan.parts[s][kind]
            setattr(part, what, getattr(part, what) + 1)

    for n, d in G.nodes(data=True):
        plan.roster_counts[d["label"]] = plan.roster_counts.get(d["label"], 0) + 1
        for s in node_tags[n]:
            plan.part_counts[s][d["label"]] += 1
    for u, v, k, t in G.edges(keys=True, data="type"):
        plan.roster_counts[t] = plan.roster_counts.get(t, 0) + 1
        for s in edge_tags[(u, v, k)]:
            plan.part_counts[s][t] += 1

    # nodes of the roster: create or replace
    for n, attrs in G.nodes(data=True):
        label = attrs["label"]
        new = {k: v for k, v in attrs.items() if k != "label"}
        old = stored.get(n)
        tags = sorted((_tags(old) - J) | node_tags[n])
        if old is None:
            count("created", label, plan.nodes, node_tags[n])
            plan._node_creates[label].append({"props": {**new, TAG: tags}})
            continue
        if _visible(old) != new:
            count("changed", label, plan.nodes, node_tags[n])
            plan.changed_items.append(_node_item(n, old, new))
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
            count("deleted", label, plan.nodes, _tags(stored[n]))
            plan.deleted_items.append(_node_item(n, stored[n]))
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
            count("created", type_, plan.rels, edge_tags[(u, v, k)])
            s_label, s_code = schema.split_node_id(u)
            t_label, t_code = schema.split_node_id(v)
            plan._rel_creates[(type_, s_label, t_label)].append(
                {"source": s_code, "target": t_code, "props": props}
            )
            continue
        if _visible(old) != new:
            count("changed", type_, plan.rels, edge_tags[(u, v, k)])
            plan.changed_items.append(_rel_item(type_, u, v, old, new))
        elif sorted(_tags(old)) == tags:
            continue
        plan._rel_updates.append({"rid": rid, "props": props})
    in_roster = set(G.edges(keys=True))
    for (u, v, k), rid in stored_edges.items():
        if (u, v, k) in in_roster:
            continue
        r = rels[rid]
        old_tags = _tags(r["props"])
        if u in deleted_nodes or v in deleted_nodes:
            count("deleted", r["type"], plan.rels, old_tags)  # goes with its node (DETACH)
            plan.deleted_items.append(_rel_item(r["type"], u, v, r["props"]))
            continue
        if not old_tags & J:
            continue  # another jurisdiction's
        rest = sorted(old_tags - J)
        if rest:
            props = {p: val for p, val in r["props"].items() if p != TAG}
            plan._rel_updates.append({"rid": rid, "props": {**props, TAG: rest}})
        else:
            count("deleted", r["type"], plan.rels, old_tags)
            plan.deleted_items.append(_rel_item(r["type"], u, v, r["props"]))
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
        "“街道”表中没有任何街道：导入要替换哪些街道的数据无从确定。请填写本花名册管辖的街道",
        "the 街道 (streets) table lists no street, so there is no telling whose stored data "
        "the import replaces: fill in the streets this roster covers",
        code="no_jurisdiction",
    )])


def _plan_tx(tx, G, roster: Roster, within: str | None, progress=None) -> ImportPlan:
    streets = roster.jurisdiction
    stored, of_streets, rels = _read_stored(tx, G, list(streets), progress)
    issues = ownership_issues(roster, G, streets, stored, rels, within)
    if issues:
        raise RosterError(issues)
    return _diff(G, streets, stored, of_streets, rels)


def _require_within(roster: Roster, within: str | None) -> None:
    """A street-limited caller imports a roster of its one street only."""
    if within is not None and tuple(roster.jurisdiction) != (within,):
        raise ValueError(f"a caller limited to street {within!r} imports only that street's "
                         f"roster, not one of {roster.jurisdiction!r}")



def _latest_tx(tx) -> dict | None:
    record = tx.run(Q.LATEST_IMPORT).single()
    return None if record is None else {k: _native(v) for k, v in record.items()}


def _same_roster(latest: dict | None, roster: Roster, digest: str) -> bool:
    """Is ``roster`` (of :meth:`Roster.digest` ``digest``) what the latest
    import stored (same content, same streets)?"""
    return bool(latest and latest.get("digest") == digest
                and sorted(latest.get("streets") or ()) == sorted(roster.jurisdiction))


def _unchanged_plan(latest: dict, roster: Roster) -> ImportPlan:
    """The plan of a roster the latest import stored: nothing to do. Every
    node of a roster is kept for its streets, so ``replaced`` is the
    roster's node count (from the record)."""
    counts_ = json.loads(latest.get("counts") or "{}")
    plan = ImportPlan(streets=roster.jurisdiction, roster_counts=counts_, base=latest["id"],
                      unchanged_since={k: latest.get(k) for k in ("id", "file", "at")})
    plan.nodes = {label: Change() for label in Q.LABELS}
    plan.rels = {t: Change() for t in Q.TYPES}
    plan.replaced = sum(counts_.get(label, 0) for label in Q.LABELS)
    return plan


def _plan_roster_tx(tx, roster: Roster, graph: Callable[[], nx.MultiDiGraph],
                    within: str | None, progress: Progress | None) -> ImportPlan:
    """The plan, or the unchanged one when the latest import stored this roster."""
    latest = _latest_tx(tx)
    if _same_roster(latest, roster, roster.digest()):
        return _unchanged_plan(latest, roster)
    plan = _plan_tx(tx, graph(), roster, within, progress)
    plan.base = latest["id"] if latest else None
    return plan


#: A roster's graph, or a function that builds it (called when needed only).
GraphSource = Union[nx.MultiDiGraph, Callable[[], nx.MultiDiGraph], None]


def _graph_of(roster: Roster, graph=None) -> Callable[[], nx.MultiDiGraph]:
    """The roster's graph as a function, built on first use (not at all for
    an unchanged roster): ``graph`` when given (a graph or a function)."""
    if isinstance(graph, nx.MultiDiGraph):
        return lambda: graph
    return functools.cache(graph if graph is not None else (lambda: roster_to_graph(roster)))


@paused_gc()
def plan_import(db: Database, roster: Roster, *, progress: Progress | None = None,
                graph: GraphSource = None, within: str | None = None) -> ImportPlan:
    """What importing ``roster`` would create, change and delete (writes
    nothing).

    Parameters
    ----------
    db : graph.db.Database
    roster : graph.roster.Roster
        A validated roster.
    progress : callable, optional
        ``progress(stage, done, total)`` while the stored data is read.
    graph : networkx.MultiDiGraph or callable, optional
        The roster's graph when the caller has built it (it is not built
        again; :func:`import_graph` takes it too), or a function building it
        (called only when the roster has to be compared).
    within : str, optional
        The street the caller is limited to (``None``: full rights); see
        :mod:`graph.ownership`.

    Returns
    -------
    ImportPlan
        With ``unchanged_since`` set (and nothing read but the latest import
        record) when that record holds this roster already.

    Raises
    ------
    RosterError
        When the roster lists no street, or a row would change data the
        caller or the roster's jurisdiction does not own.
    """
    require_jurisdiction(roster)
    _require_within(roster, within)
    with _database_errors(db):
        return db.execute_read(_not_retried_when_out_of_memory(_plan_roster_tx), roster,
                               _graph_of(roster, graph), within, progress)


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def ensure_schema(db: Database) -> None:
    """Create the uniqueness constraints and indexes that are missing.

    Raises
    ------
    DatabaseUnavailable
        When Neo4j cannot be reached or refuses (e.g. stored duplicates).
    """
    with _database_errors(db):
        have = _schema_names(db)
        for q in (*Q.CREATE_CONSTRAINTS, *Q.CREATE_INDEXES):
            name = q.split()[2]  # "CREATE CONSTRAINT|INDEX <name> IF NOT EXISTS ..."
            if name not in have:
                _create_schema_rule(db, q, name)


#: Tries at one constraint or index while other imports create it too.
SCHEMA_TRIES = 4


def _schema_names(db: Database) -> set[str]:
    """The names of the stored constraints and indexes."""
    return ({r["name"] for r in db.run(Q.LIST_CONSTRAINTS)}
            | {r["name"] for r in db.run(Q.LIST_INDEXES)})


def _create_schema_rule(db: Database, query: str, name: str) -> None:
    """Run one ``CREATE ... IF NOT EXISTS``. Imports into a new database
    create the same rule at the same moment; the losers may be told that it
    "already exists", get an internal error, or wait past the connection's
    patience while the winner builds it. What counts is whether the rule is
    there afterwards: then it is done, else it is tried again. A refusal
    (say, duplicate codes stored under a uniqueness constraint) is raised
    at once."""
    for attempt in range(1, SCHEMA_TRIES + 1):
        try:
            db.run(query)
            return
        except ClientError as exc:
            if not (exc.code or "").endswith("AlreadyExists"):
                raise
            error: Exception = exc
        except (Neo4jError, DriverError) as exc:
            error = exc
        if name in _schema_names(db):
            return
        if attempt == SCHEMA_TRIES:
            raise error
        time.sleep(0.2 * attempt)


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
        for batch in _chunks(plan._node_creates.get(label, [])):
            tx.run(Q.CREATE_NODES[label], rows=batch).consume()
            step(len(batch))
    for batch in _chunks(plan._rel_updates):
        tx.run(Q.SET_RELS_BY_ID, rows=batch).consume()
        step(len(batch))
    for key, rows in plan._rel_creates.items():
        for batch in _chunks(rows):
            tx.run(Q.CREATE_RELS[key], rows=batch).consume()
            step(len(batch))


def _import_tx(tx, graph: Callable[[], nx.MultiDiGraph], roster: Roster, digest: str,
               within: str | None, record_id: str, progress,
               planned: ImportPlan | None = None) -> ImportPlan:
    """Under the import lock: the plan given when no import was committed
    since it was read, else a fresh one; written with its record. Nothing
    is written for a roster the latest import stored."""
    tx.run(Q.LOCK_IMPORTS, id=_LOCK_ID).consume()
    latest = _latest_tx(tx)
    if _same_roster(latest, roster, digest):
        return _unchanged_plan(latest, roster)
    base = latest["id"] if latest else None
    if (planned is not None and planned.unchanged_since is None and planned.base == base
            and tuple(planned.streets) == tuple(roster.jurisdiction)):
        plan = planned
    else:
        plan = _plan_tx(tx, graph(), roster, within, progress)
        plan.base = base
    _write(tx, plan, progress)
    parts = {s: plan.part(s) for s in plan.streets}
    shape = json.dumps(roster.shape(), ensure_ascii=False, sort_keys=True)
    tx.run(Q.MERGE_ROSTER_SHAPES,
           rows=[{"street": s, "columns": shape} for s in roster.jurisdiction]).consume()
    tx.run(
        Q.CREATE_IMPORT_RECORD,
        id=record_id,
        file=roster.source,
        sha256=roster.sha256,
        digest=digest,
        streets=list(roster.jurisdiction),
        counts=json.dumps(plan.roster_counts, ensure_ascii=False, sort_keys=True),
        changes=json.dumps(plan.changes(), ensure_ascii=False, sort_keys=True),
        created=plan.created,
        changed=plan.changed,
        deleted=plan.deleted,
        parts=json.dumps(parts, ensure_ascii=False, sort_keys=True),
    ).consume()
    return plan


def import_roster(db: Database, roster: Roster, *, progress: Progress | None = None,
                  dry_run: bool = False, within: str | None = None,
                  plan: ImportPlan | None = None) -> ImportResult:
    """Store a validated roster, replacing its jurisdiction's previous data.

    One transaction for the whole roster: all of it is written, with its
    ``ImportRecord``, or nothing is. A roster the latest import stored (same
    SHA-256, same streets) writes nothing (``result.unchanged``).

    Parameters
    ----------
    db : graph.db.Database
    roster : graph.roster.Roster
        Validated (:func:`loaders.load_roster`).
    progress : callable, optional
        ``progress(stage, done, total)``, called per batch.
    dry_run : bool
        Only compute the plan; write nothing.
    within : str, optional
        The street the caller is limited to (``None``: full rights). A
        street-limited caller imports a roster of that street only, changes
        only what is that street's alone, and gets the stored counts of that
        street only (:mod:`graph.ownership`).
    plan : ImportPlan, optional
        The plan :func:`plan_import` gave for this roster (shown to the
        user): written as it is when no import was committed since, so the
        stored graph is not read twice; otherwise planned again.

    Returns
    -------
    ImportResult
        The plan carried out (created/changed/deleted per label and type),
        the import record's id and the stored counts after.

    Raises
    ------
    RosterError
        When the roster lists no street (its jurisdiction is unknown), or a
        row would change another jurisdiction's data (each such row named).
    DatabaseUnavailable
        When Neo4j cannot be reached or refuses the work (nothing written),
        or runs out of transaction memory (saying what to set; not retried).

    Examples
    --------
    >>> result = import_roster(db, load_roster("花名册.xlsx"))   # doctest: +SKIP
    >>> result.created, result.deleted                            # doctest: +SKIP
    (412, 0)
    """
    return _import(db, roster, _graph_of(roster), progress, dry_run, within, plan)


def import_graph(db: Database, roster: Roster, G: GraphSource, *,
                 progress: Progress | None = None, dry_run: bool = False,
                 within: str | None = None, plan: ImportPlan | None = None) -> ImportResult:
    """:func:`import_roster` with the roster's graph already built (or a
    function building it, called only when the roster has to be compared)."""
    return _import(db, roster, _graph_of(roster, G), progress, dry_run, within, plan)


@paused_gc()
def _import(db: Database, roster: Roster, graph: Callable[[], nx.MultiDiGraph],
            progress: Progress | None, dry_run: bool, within: str | None,
            planned: ImportPlan | None) -> ImportResult:
    require_jurisdiction(roster)
    _require_within(roster, within)
    t0 = time.perf_counter()
    with _database_errors(db):
        if dry_run:
            plan = db.execute_read(_not_retried_when_out_of_memory(_plan_roster_tx), roster,
                                   graph, within, progress)
            return ImportResult(plan=plan, dry_run=True, seconds=time.perf_counter() - t0)
        latest = db.execute_read(_latest_tx)
    digest = roster.digest()
    if _same_roster(latest, roster, digest):
        plan = _unchanged_plan(latest, roster)
    else:
        ensure_schema(db)
        record_id = uuid.uuid4().hex
        with _database_errors(db):
            plan = db.execute_write(_not_retried_when_out_of_memory(_import_tx), graph, roster,
                                    digest, within, record_id, progress, planned)
    if plan.unchanged_since is not None:
        record_id = plan.unchanged_since["id"]
    return ImportResult(plan=plan, dry_run=False, record_id=record_id,
                        counts=counts(db, street=within),
                        seconds=time.perf_counter() - t0)


def warm_up(db: Database, rehearsal: Roster | None = None) -> None:
    """Plan every statement of an import, of :func:`load_graph` and of the
    lookups once, so that the first import or analysis after the server
    started does not wait for ~280 cold plans.

    Neo4j caches a plan under the statement's text, the names and types of
    its parameters, and whether the transaction had written anything yet; an
    ``EXPLAIN`` is cached apart. So each statement runs here as it runs for
    real: the import's, after the import lock, with one row of the shape an
    import gives, in a transaction that is rolled back (nothing is written);
    the reading ones in a read transaction, with the parameters their callers
    pass, matching nothing (the whole-graph reads with ``$limit`` 0). The
    constraints are created first (an import needs them; plans depend on
    them). The local server leaves list sizes out of that key
    (``cobuild.localserver``), else a batch of another size would be planned
    again.

    A ``rehearsal`` roster is then imported in a transaction that is rolled
    back: the server's Java compiles the code an import runs, which takes
    about a third off the first real import after a start. It should be
    small: a thousand rows take about a second, and more when its streets
    are stored (their data is read back and replaced, then rolled back:
    nothing changes). One the stored data refuses (its codes are stored
    under other streets) is not rehearsed.
    """
    ensure_schema(db)
    w = "cobuild-warm-up"  # matches nothing stored
    row = {"code": w, "props": {"code": w, TAG: [w]}}
    rel = {"source": w, "target": w, "rid": w, "props": {"key": w, TAG: [w]}}
    codes = streets = [w]
    statements = [(Q.LOCK_IMPORTS, {"id": w}), (Q.LATEST_IMPORT, {}), (Q.COUNTS, {}),
                  (Q.DELETE_RELS_BY_ID, {"rids": codes}), (Q.SET_RELS_BY_ID, {"rows": [rel]})]
    for label in Q.LABELS:
        statements += [
            (Q.CODES_OF_STREETS[label], {"streets": streets}),
            (Q.READ_NODES[label], {"codes": codes}),
            (Q.READ_RELS_OUT[label], {"codes": codes}),
            (Q.READ_RELS_IN_FROM_OUTSIDE[label], {"codes": codes, "streets": streets}),
            (Q.CREATE_NODES[label], {"rows": [row]}),
            (Q.MERGE_NODES[label], {"rows": [row]}),
            (Q.DELETE_NODES[label], {"codes": codes}),
        ]
    statements += [(q, {"rows": [rel]}) for q in Q.CREATE_RELS.values()]
    statements.append((Q.MERGE_ROSTER_SHAPES, {"rows": [{"street": w, "columns": "{}"}]}))
    record = dict(id=w, file=w, sha256=w, digest=w, streets=streets, counts="{}", changes="{}",
                  created=0, changed=0, deleted=0, parts="{}")
    statements += [(Q.CREATE_IMPORT_RECORD, record), (Q.COUNTS, {})]
    # what load_graph, the scope walk and the lookups read, as they read it
    reads = [(Q.COUNTS, {}), (Q.COUNTS_OF_STREET, {"street": w}), (Q.LATEST_IMPORT, {}),
             (Q.LATEST_IMPORT_ID, {}), (Q.IMPORT_HISTORY, {"limit": 1}), (Q.STREET_CODES, {}),
             (Q.READ_ROSTER_SHAPES, {})]
    reads += [(q, {"limit": 0}) for q in (*Q.ALL_NODE_ROWS.values(), *Q.ALL_REL_ROWS.values())]
    reads += [(q, {"code": w}) for q in Q.NODE_EXISTS.values()]
    reads += [(q, {"codes": codes}) for q in (*Q.NEIGHBORS_OUT.values(), *Q.NEIGHBORS_IN.values(),
                                              *Q.READ_NODES.values(), *Q.READ_RELS_OUT.values())]

    def read_all(tx) -> None:
        for query, params in reads:
            tx.run(query, **params).consume()

    with _database_errors(db), db.driver.session(database=db.database) as session:
        tx = session.begin_transaction()
        try:
            for query, params in statements:
                tx.run(query, **params).consume()
        finally:
            tx.rollback()
        session.execute_read(read_all)
        if rehearsal is not None:
            tx = session.begin_transaction()
            try:
                _import_tx(tx, _graph_of(rehearsal), rehearsal, rehearsal.digest(), None,
                           uuid.uuid4().hex, None)
            except RosterError:
                pass  # the stored data refuses it (its codes are another street's): no rehearsal
            finally:
                tx.rollback()


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
                for code, labels, kind in _rows(self.tx, q, codes=batch):
                    other = _domain_label(labels)
                    if other is not None:
                        found[schema.node_id(other, code)] = kind
        return found


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


#: Tries at reading the whole graph while imports keep committing (each try
#: starts again when one committed while it read).
WHOLE_READ_TRIES = 5


def _load_whole(db: Database) -> nx.MultiDiGraph:
    """The whole graph, read on two sessions at once: the server runs the
    ~45 whole-graph statements on two cores (about a fifth less time), and
    the graph is then built in the schema's order, as one session would.

    No transaction sees one moment here (Neo4j reads what is committed when
    each statement runs), so the latest import's id is read before and
    after, and everything is read again when an import committed between
    them; imports are the only writes.
    """
    queries = [*Q.ALL_NODE_ROWS.values(), *Q.ALL_REL_ROWS.values()]

    def fetch(part: list[str]) -> list[list]:
        return db.execute_read(lambda tx: [_rows(tx, q, limit=Q.EVERY_ROW) for q in part])

    for _ in range(WHOLE_READ_TRIES):
        before = data_version(db)
        rows: list[list] = [[] for _ in queries]
        with ThreadPoolExecutor(1) as other:
            odd = other.submit(fetch, queries[1::2])
            rows[0::2] = fetch(queries[0::2])
            rows[1::2] = odd.result()
        if data_version(db) == before:
            break
    G = nx.MultiDiGraph()
    found = iter(rows)
    for label in Q.LABELS:
        keys = Q.NODE_VALUES[label]
        props, at = _values_to_props(label, keys, label=label), keys.index("code")
        prefix = schema.node_id(label, "")  # node ids are the prefix and the code
        add_nodes(G, ((prefix + row[at], props(row)) for row in next(found)))
    for type_, s_label, t_label in Q.ALL_REL_ROWS:
        keyed = Q.REL_VALUES[type_][:1] == ("key",)
        props = _values_to_props(type_, Q.REL_VALUES[type_][keyed:], type=type_)
        source, target = schema.node_id(s_label, ""), schema.node_id(t_label, "")
        add_edges(G, ((source + row[0], target + row[1], row[2] if keyed else type_,
                       props(row[2 + keyed:])) for row in next(found)))
    return G


def _load_nodes_tx(tx, street: str | None, community: str | None) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    ids = scope_nodes(_Neo4jWalk(tx), community=community, street=street)
    for label, codes in _by_label(ids).items():
        for batch in _chunks(codes):
            G.add_nodes_from(
                (schema.node_id(label, code), {"label": label, **_visible(props)})
                for code, props in _node_rows(tx, label, Q.READ_NODES[label], codes=batch))
            for row in _rows(tx, Q.READ_RELS_OUT[label], codes=batch):
                edge = _rel_of(label, row, outgoing=True)
                # each relationship once: from its start node, both ends in scope
                if edge and edge["target"] in ids:
                    props = edge["props"]
                    G.add_edge(edge["source"], edge["target"], key=props.get("key", edge["type"]),
                               type=edge["type"], **_visible(props))
    return G


@paused_gc()
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
        if street is None and community is None:
            G = _load_whole(db)
            db.execute_read(_shape_tx, G, None)
            return G
        return db.execute_read(_load_tx, street, community)


def counts(db: Database, street: str | None = None) -> dict[str, int]:
    """Stored nodes per label and relationships per type (zeros included);
    with ``street``: only those kept for that street."""
    with _database_errors(db):
        if street is None:
            return db.run(Q.COUNTS)[0]
        return db.run(Q.COUNTS_OF_STREET, street=street)[0]


def data_version(db: Database) -> str | None:
    """The id of the latest import (``None`` before any): changes whenever
    an import is committed, cheap enough to check on every request."""
    with _database_errors(db):
        rows = db.run(Q.LATEST_IMPORT_ID)
    return rows[0]["id"] if rows else None


def street_codes(db: Database) -> list[str]:
    """The codes of the stored streets, in order."""
    with _database_errors(db):
        return [r["code"] for r in db.run(Q.STREET_CODES)]


def import_history(db: Database, limit: int = 50) -> list[dict]:
    """The latest imports, newest first.

    Returns
    -------
    list of dict
        ``id, file, sha256, at`` (``datetime``), ``streets``, ``counts`` and
        ``changes`` (dicts), ``created, changed, deleted``, and ``parts``:
        each street's part (:meth:`ImportPlan.part`; ``{}`` for records of
        older imports).
    """
    with _database_errors(db):
        rows = db.run(Q.IMPORT_HISTORY, limit=int(limit))
    out = []
    for row in rows:
        rec = {k: _native(v) for k, v in row["record"].items()}
        for k in ("counts", "changes", "parts"):
            rec[k] = json.loads(rec[k]) if rec.get(k) else {}
        rec.setdefault("file", None)
        rec.setdefault("sha256", None)
        out.append(rec)
    return out
