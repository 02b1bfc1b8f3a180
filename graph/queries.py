"""Every Cypher statement of cobuild, in one place.

Rules this module keeps (conventions.md):

* one UPPER_SNAKE constant per statement; values only ever go in as
  ``$parameters``;
* labels and relationship types cannot be parameters, so the statements that
  name one are built here once, at import time, from the declarations of
  :mod:`graph.schema` (``MERGE_NODES["Unit"]``, ``NEIGHBORS_IN[("HOLDS",
  "PartyOrg")]`` ...) -- never from input;
* the text works on Neo4j 5.26 and 2025.x/2026.x alike (no version-specific
  syntax).

Internal properties of the store start with ``_`` (``_streets``: the streets
a node or relationship is kept for, see :mod:`graph.store`); a relationship
also stores its NetworkX edge key as ``key``.
"""

from __future__ import annotations

import re

from graph import schema

_NAME = re.compile(r"^[A-Z][A-Za-z_]*$")


def _name(name: str) -> str:
    """A label or type as it may appear in Cypher text (checked, never input)."""
    if not _NAME.match(name):  # pragma: no cover - guards the schema itself
        raise ValueError(f"not a safe Cypher name: {name!r}")
    return name


LABELS: tuple[str, ...] = tuple(_name(k.label) for k in schema.NODE_KINDS)
TYPES: tuple[str, ...] = tuple(_name(r.type) for r in schema.REL_KINDS)
IMPORT_RECORD, IMPORT_LOCK, ROSTER_SHAPE = (_name(x) for x in schema.META_LABELS)

#: ``(type, source label, target label)`` of every relationship the schema allows.
REL_ENDS: tuple[tuple[str, str, str], ...] = tuple(
    (_name(rk.type), _name(s), _name(t)) for rk in schema.REL_KINDS
    for s in rk.sources for t in rk.targets
)


#: The prefix of the statements an import and a read-back run again and again
#: (the node, relationship, count and scope-walk families below): keep the
#: plan once made. Each takes its shape from the schema -- a seek on a
#: uniqueness constraint, a scan of one label, an expansion -- so the
#: statistics never make another plan better; but after the counts change a
#: lot (the first import fills an empty database) Neo4j would plan every one
#: of them again on its next use, 15–500 ms each: 1–2 s of an analysis or an
#: import right after an import. A restart, a schema change or an eviction
#: from the plan cache still plans them anew.
KEEP_PLAN = "CYPHER replan=skip "


def _per_rel_ends(make) -> dict[tuple[str, str, str], str]:
    """``{(type, source, target): make(type, source, target)}`` over :data:`REL_ENDS`."""
    return {ends: make(*ends) for ends in REL_ENDS}


# ---------------------------------------------------------------------------
# Server and database housekeeping (graph.db, cobuild.localserver, tests/conftest.py)
# ---------------------------------------------------------------------------

#: Does the server answer?
PING = "RETURN 1 AS ok"

#: Set the logged-in user's password (run on the ``system`` database; cobuild.localserver).
CHANGE_OWN_PASSWORD = "ALTER CURRENT USER SET PASSWORD FROM $old TO $new"

#: Every node, whatever its label: ``[{"nodes": n}]``.
COUNT_NODES = "MATCH (n) RETURN count(n) AS nodes"

#: Empty the database (tests only).
DELETE_ALL = "MATCH (n) DETACH DELETE n"

#: Empty the server's plan caches: ``[{"value": "... cleared of N queries."}]``
#: (tests: how many plans a piece of work added).
CLEAR_PLAN_CACHES = "CALL db.clearQueryCaches()"

LIST_CONSTRAINTS = "SHOW CONSTRAINTS YIELD name RETURN name"
DROP_CONSTRAINT = "DROP CONSTRAINT $name IF EXISTS"
#: Indexes that may be dropped (not the built-in token lookup indexes).
LIST_INDEXES = "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name"
DROP_INDEX = "DROP INDEX $name IF EXISTS"

# ---------------------------------------------------------------------------
# Schema: constraints and indexes (Community edition: uniqueness only)
# ---------------------------------------------------------------------------

#: One uniqueness constraint on ``code`` per node label, plus the ids of the
#: import records and of the import lock.
CREATE_CONSTRAINTS: tuple[str, ...] = tuple(
    f"CREATE CONSTRAINT cobuild_{label.lower()}_code IF NOT EXISTS "
    f"FOR (n:{label}) REQUIRE n.code IS UNIQUE"
    for label in LABELS
) + tuple(
    f"CREATE CONSTRAINT cobuild_{label.lower()}_id IF NOT EXISTS "
    f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    for label in (IMPORT_RECORD, IMPORT_LOCK)
) + (
    f"CREATE CONSTRAINT cobuild_rostershape_street IF NOT EXISTS "
    f"FOR (n:{ROSTER_SHAPE}) REQUIRE n.street IS UNIQUE",
)

#: The import history is read newest first.
CREATE_INDEXES: tuple[str, ...] = (
    f"CREATE INDEX cobuild_importrecord_at IF NOT EXISTS FOR (r:{IMPORT_RECORD}) ON (r.at)",
)

# ---------------------------------------------------------------------------
# Nodes, per label
# ---------------------------------------------------------------------------

#: Create or replace nodes: ``$rows`` = ``[{code, props}]``; ``SET n = props``
#: replaces every property, so a cleared cell removes its property.
MERGE_NODES: dict[str, str] = {
    label: f"{KEEP_PLAN}UNWIND $rows AS row MERGE (n:{label} {{code: row.code}}) SET n = row.props"
    for label in LABELS
}

#: Create nodes the import knows are new (it holds the import lock; the
#: uniqueness constraint still refuses a duplicate): ``$rows`` = ``[{props}]``
#: (``props`` holds ``code``). Cheaper than ``MERGE``: no lookup first.
CREATE_NODES: dict[str, str] = {
    label: f"{KEEP_PLAN}UNWIND $rows AS row CREATE (n:{label}) SET n = row.props"
    for label in LABELS
}

#: Delete nodes (and their relationships) by code: ``$codes``.
DELETE_NODES: dict[str, str] = {
    label: f"{KEEP_PLAN}UNWIND $codes AS code MATCH (n:{label} {{code: code}}) DETACH DELETE n"
    for label in LABELS
}

# Statements that read many rows return them collected in one record
# (``rows``, a list of lists): a record per row costs the driver far more
# than the values in it.
#
# They return a node's or relationship's properties with its dates
# (:data:`graph.schema.DATE_PROPERTIES`) as ISO text: the driver's temporal
# values cost more to decode than everything else in a read-back, and the
# store turns the text into ``datetime.date`` itself (``graph.store``).


def _props(var: str, kind: str) -> str:
    """``properties(var)`` with the dates of ``kind`` (a label or a
    relationship type) as ISO text (``null`` where there is none)."""
    dates = schema.DATE_PROPERTIES[kind]
    if not dates:
        return f"properties({var})"
    return f"{var} {{.*, " + ", ".join(f"{p}: toString({var}.{p})" for p in dates) + "}"


def _rel_props(var: str) -> str:
    """:func:`_props` of a relationship whose type the statement does not fix."""
    cases = " ".join(f"WHEN '{t}' THEN {_props(var, t)}"
                     for t in TYPES if schema.DATE_PROPERTIES[t])
    return f"CASE type({var}) {cases} ELSE properties({var}) END"


#: Stored properties of the nodes with these ``$codes``: ``rows`` of
#: ``[code, props]``.
READ_NODES: dict[str, str] = {
    label: (
        f"{KEEP_PLAN}UNWIND $codes AS code MATCH (n:{label} {{code: code}}) "
        f"RETURN collect([n.code, {_props('n', label)}]) AS rows"
    )
    for label in LABELS
}

#: Codes of the stored nodes of a label kept for any of the ``$streets`` (a
#: scan of the label; imports only).
CODES_OF_STREETS: dict[str, str] = {
    label: (
        f"{KEEP_PLAN}MATCH (n:{label}) WHERE any(s IN n._streets WHERE s IN $streets) "
        "RETURN collect(n.code) AS codes"
    )
    for label in LABELS
}

_PROPERTY = re.compile(r"^[a-z][a-z0-9_]*$")


def _values(var: str, kind: str, keys: tuple[str, ...]) -> list[str]:
    """``["var.a", "toString(var.d)", ...]``: the values of ``keys`` in order,
    the dates of ``kind`` as ISO text (``null`` where a property is absent)."""
    dates = schema.DATE_PROPERTIES[kind]
    for k in keys:
        if not _PROPERTY.match(k):  # pragma: no cover - guards the schema itself
            raise ValueError(f"not a safe property name: {k!r}")
    return [f"toString({var}.{k})" if k in dates else f"{var}.{k}" for k in keys]


# The whole-graph reads (``load_graph``, ``analyze --db``) return the graph's
# properties as plain lists in a declared order, not as maps: a map repeats
# every key in every row, and decoding the keys cost more than the values.

#: The properties :data:`ALL_NODE_ROWS` returns per label, in order (the
#: node's table columns, ``code`` among them).
NODE_VALUES: dict[str, tuple[str, ...]] = {k.label: k.properties for k in schema.NODE_KINDS}

#: The properties :data:`ALL_REL_ROWS` returns per type after the two codes,
#: in order: the stored edge ``key`` first where the type has one other than
#: its name (:func:`graph.schema.edge_key`), then the type's properties.
REL_VALUES: dict[str, tuple[str, ...]] = {
    r.type: (("key",) if r.identity else ()) + r.properties for r in schema.REL_KINDS
}

#: How many rows a whole-graph read returns at most: :data:`EVERY_ROW` for
#: ``load_graph``; 0 for ``warm_up``, which so runs the statement -- and has
#: its plan cached -- without reading the graph (an ``EXPLAIN`` plan is cached
#: under another key, and does not serve the statement when it runs).
EVERY_ROW = 2**63 - 1

#: Every node of a label (at most ``$limit``): ``rows`` of its :data:`NODE_VALUES`.
ALL_NODE_ROWS: dict[str, str] = {
    label: f"{KEEP_PLAN}MATCH (n:{label}) WITH n LIMIT $limit "
           f"RETURN collect([{', '.join(_values('n', label, NODE_VALUES[label]))}]) AS rows"
    for label in LABELS
}

#: Every node of a label, a record each (tests).
ALL_NODES: dict[str, str] = {
    label: f"MATCH (n:{label}) RETURN n.code AS code, properties(n) AS props"
    for label in LABELS
}

#: Does the node with ``$code`` exist?
NODE_EXISTS: dict[str, str] = {
    label: f"{KEEP_PLAN}MATCH (n:{label} {{code: $code}}) RETURN count(n) > 0 AS found"
    for label in LABELS
}

# ---------------------------------------------------------------------------
# Relationships
# ---------------------------------------------------------------------------

_REL_COLUMNS = (
    f"RETURN collect([a.code, type(r), b.code, labels(b), {_rel_props('r')}, elementId(r)]) AS rows"
)

#: Relationships starting at the nodes with these ``$codes`` (each
#: relationship is read once, from its start node): ``rows`` of ``[code,
#: type, other code, other labels, props, elementId]``.
READ_RELS_OUT: dict[str, str] = {
    label: f"{KEEP_PLAN}UNWIND $codes AS code MATCH (a:{label} {{code: code}})-[r]->(b) " + _REL_COLUMNS
    for label in LABELS
}

#: Relationships ending at the nodes with these ``$codes`` whose start node is
#: kept for none of the ``$streets`` (the others are read from their start).
READ_RELS_IN_FROM_OUTSIDE: dict[str, str] = {
    label: (
        f"{KEEP_PLAN}UNWIND $codes AS code MATCH (a:{label} {{code: code}})<-[r]-(b) "
        "WHERE NOT any(s IN coalesce(b._streets, []) WHERE s IN $streets) " + _REL_COLUMNS
    )
    for label in LABELS
}

#: Every relationship of a type between two labels (at most ``$limit``):
#: ``rows`` of ``[source code, target code, *values]`` (the type's
#: :data:`REL_VALUES`).
ALL_REL_ROWS: dict[tuple[str, str, str], str] = _per_rel_ends(lambda type_, s, t: (
    f"{KEEP_PLAN}MATCH (a:{s})-[r:{type_}]->(b:{t}) WITH a, r, b LIMIT $limit "
    f"RETURN collect([{', '.join(['a.code', 'b.code', *_values('r', type_, REL_VALUES[type_])])}]) AS rows"
))

#: Every relationship of a type, a record each (tests).
ALL_RELS: dict[str, str] = {
    type_: (
        f"MATCH (a)-[r:{type_}]->(b) RETURN a.code AS source, labels(a) AS source_labels, "
        "b.code AS target, labels(b) AS target_labels, properties(r) AS props"
    )
    for type_ in TYPES
}

#: Create relationships the import knows are new, of one type between two
#: labels: ``$rows`` = ``[{source, target, props}]`` (``props`` holds ``key``).
CREATE_RELS: dict[tuple[str, str, str], str] = _per_rel_ends(lambda type_, s, t: (
    f"{KEEP_PLAN}UNWIND $rows AS row "
    f"MATCH (a:{s} {{code: row.source}}) MATCH (b:{t} {{code: row.target}}) "
    f"CREATE (a)-[r:{type_}]->(b) SET r = row.props"
))

#: Replace the properties of relationships read in the same transaction:
#: ``$rows`` = ``[{rid, props}]``.
SET_RELS_BY_ID = (
    f"{KEEP_PLAN}UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.rid SET r = row.props"
)

#: Delete relationships read in the same transaction: ``$rids``.
DELETE_RELS_BY_ID = f"{KEEP_PLAN}UNWIND $rids AS rid MATCH ()-[r]->() WHERE elementId(r) = rid DELETE r"

#: Stored nodes per label and relationships per type, in one row (columns
#: named after the labels and types).
COUNTS = f"{KEEP_PLAN}RETURN " + ", ".join(
    [f"COUNT {{ MATCH (:{label}) }} AS `{label}`" for label in LABELS]
    + [f"COUNT {{ MATCH ()-[:{type_}]->() }} AS `{type_}`" for type_ in TYPES]
)

#: :data:`COUNTS` of what is kept for one ``$street`` (``_streets`` holds it).
COUNTS_OF_STREET = f"{KEEP_PLAN}RETURN " + ", ".join(
    [f"COUNT {{ MATCH (n:{label}) WHERE $street IN n._streets }} AS `{label}`"
     for label in LABELS]
    + [f"COUNT {{ MATCH ()-[r:{type_}]->() WHERE $street IN r._streets }} AS `{type_}`"
       for type_ in TYPES]
)

# ---------------------------------------------------------------------------
# Scope walk (graph.scope): one step along one relationship type
# ---------------------------------------------------------------------------

_NEIGHBOR_COLUMNS = (
    "WITH DISTINCT b RETURN collect([b.code, labels(b), b.kind]) AS rows"
)

#: Nodes reached from the ``$codes`` nodes of a label along ``type``:
#: ``NEIGHBORS_OUT[(type, source label)]``, ``rows`` of ``[code, labels,
#: kind]``.
NEIGHBORS_OUT: dict[tuple[str, str], str] = {
    (rk.type, s): (
        f"{KEEP_PLAN}UNWIND $codes AS code MATCH (a:{_name(s)} {{code: code}})-[:{rk.type}]->(b) "
        + _NEIGHBOR_COLUMNS
    )
    for rk in schema.REL_KINDS
    for s in rk.sources
}

#: Nodes reaching the ``$codes`` nodes of a label along ``type``:
#: ``NEIGHBORS_IN[(type, target label)]``.
NEIGHBORS_IN: dict[tuple[str, str], str] = {
    (rk.type, t): (
        f"{KEEP_PLAN}UNWIND $codes AS code MATCH (a:{_name(t)} {{code: code}})<-[:{rk.type}]-(b) "
        + _NEIGHBOR_COLUMNS
    )
    for rk in schema.REL_KINDS
    for t in rk.targets
}

# ---------------------------------------------------------------------------
# Import records and the import lock
# ---------------------------------------------------------------------------

#: Taken first by every import: serializes concurrent imports (the lock is
#: held until the transaction ends).
LOCK_IMPORTS = f"MERGE (l:{IMPORT_LOCK} {{id: $id}}) SET l.at = datetime()"

CREATE_IMPORT_RECORD = (
    f"CREATE (r:{IMPORT_RECORD} {{id: $id, file: $file, sha256: $sha256, digest: $digest, "
    "at: datetime(), "
    "streets: $streets, counts: $counts, changes: $changes, "
    "created: $created, changed: $changed, deleted: $deleted, parts: $parts}) "
    "RETURN r.at AS at"
)

IMPORT_HISTORY = (
    f"MATCH (r:{IMPORT_RECORD}) RETURN properties(r) AS record "
    "ORDER BY r.at DESC LIMIT $limit"
)

#: The latest import: what it stored (``digest``, ``streets``, ``counts``) and when.
LATEST_IMPORT = (
    f"MATCH (r:{IMPORT_RECORD}) RETURN r.id AS id, r.file AS file, r.digest AS digest, "
    "r.streets AS streets, r.counts AS counts, r.at AS at ORDER BY r.at DESC LIMIT 1"
)

LATEST_IMPORT_ID = f"MATCH (r:{IMPORT_RECORD}) RETURN r.id AS id ORDER BY r.at DESC LIMIT 1"

#: Codes of the stored streets (``cobuild token create --street`` checks its street).
STREET_CODES = "MATCH (s:Street) RETURN s.code AS code ORDER BY code"

COUNT_IMPORT_RECORDS = f"MATCH (r:{IMPORT_RECORD}) RETURN count(r) AS n"

# ---------------------------------------------------------------------------
# Peers the benchmark measures cobuild against (benchmarks/bench_compare.py)
# ---------------------------------------------------------------------------

#: Empty the database in bounded transactions (auto-commit session only).
DELETE_ALL_IN_BATCHES = "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"

#: One node per statement: ``$code``, ``$props``.
MERGE_ONE_NODE: dict[str, str] = {
    label: f"MERGE (n:{label} {{code: $code}}) SET n = $props" for label in LABELS
}

#: One relationship per statement: ``$source``, ``$target``, ``$key``, ``$props``.
MERGE_ONE_REL: dict[tuple[str, str, str], str] = _per_rel_ends(lambda type_, s, t: (
    f"MATCH (a:{s} {{code: $source}}) MATCH (b:{t} {{code: $target}}) "
    f"MERGE (a)-[r:{type_} {{key: $key}}]->(b) SET r = $props"
))

_COUNTS_ON = (
    "({r}.start IS NULL OR {r}.start <= $as_of) AND ({r}.end IS NULL OR {r}.end >= $as_of)"
)

#: Rule G01 in Cypher (rules.md): community orgs with fewer than
#: ``$min_people`` distinct people holding a part-time post in them whose own
#: post is in a member unit org, on ``$as_of``. ``$community_kinds``,
#: ``$unit_kinds``: the kinds of :mod:`graph.schema`.
PEER_G01 = (
    "MATCH (c:PartyOrg) WHERE c.kind IN $community_kinds "
    "OPTIONAL MATCH (c)<-[pt:HOLDS]-(p:Person)-[own:HOLDS]->(u:PartyOrg)-[:MEMBER_OF]->(c) "
    "WHERE pt.post_type = 'part_time' AND own.post_type = 'own' AND u.kind IN $unit_kinds AND "
    + _COUNTS_ON.format(r="pt") + " AND " + _COUNTS_ON.format(r="own") + " "
    "WITH c, count(DISTINCT p) AS people WHERE people < $min_people "
    "RETURN c.code AS org, people"
)

#: Rule G04 in Cypher: member (unit org, community org) pairs linked in one
#: direction only on ``$as_of``.
PEER_G04 = (
    "MATCH (u:PartyOrg)-[:MEMBER_OF]->(c:PartyOrg) "
    "WHERE u.kind IN $unit_kinds AND c.kind IN $community_kinds "
    "WITH DISTINCT u, c "
    "WITH u, c, "
    "EXISTS { MATCH (u)<-[o:HOLDS]-(:Person)-[t:HOLDS]->(c) WHERE o.post_type = 'own' "
    "AND t.post_type = 'part_time' AND " + _COUNTS_ON.format(r="o") + " AND "
    + _COUNTS_ON.format(r="t") + " } AS up, "
    "EXISTS { MATCH (c)<-[o:HOLDS]-(:Person)-[t:HOLDS]->(u) WHERE o.post_type = 'own' "
    "AND t.post_type = 'part_time' AND " + _COUNTS_ON.format(r="o") + " AND "
    + _COUNTS_ON.format(r="t") + " } AS down "
    "WHERE up <> down RETURN u.code AS unit_org, c.code AS community_org"
)


# ---------------------------------------------------------------------------
# Roster shapes: the tables and columns each street's roster had
# ---------------------------------------------------------------------------

#: Keep the shape of the roster last imported for each street:
#: ``$rows`` = ``[{street, columns}]`` (``columns``: JSON text).
MERGE_ROSTER_SHAPES = (
    f"UNWIND $rows AS row MERGE (s:{ROSTER_SHAPE} {{street: row.street}}) "
    "SET s.columns = row.columns"
)

#: The stored shapes: ``[{street, columns}]``.
READ_ROSTER_SHAPES = f"MATCH (s:{ROSTER_SHAPE}) RETURN s.street AS street, s.columns AS columns"
