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
    label: f"UNWIND $rows AS row MERGE (n:{label} {{code: row.code}}) SET n = row.props"
    for label in LABELS
}

#: Delete nodes (and their relationships) by code: ``$codes``.
DELETE_NODES: dict[str, str] = {
    label: f"UNWIND $codes AS code MATCH (n:{label} {{code: code}}) DETACH DELETE n"
    for label in LABELS
}

#: Stored properties of the nodes with these ``$codes``.
READ_NODES: dict[str, str] = {
    label: (
        f"UNWIND $codes AS code MATCH (n:{label} {{code: code}}) "
        "RETURN n.code AS code, properties(n) AS props"
    )
    for label in LABELS
}

#: Stored nodes kept for any of the ``$streets`` (a scan; imports only).
READ_NODES_OF_STREETS = (
    "MATCH (n) WHERE any(s IN n._streets WHERE s IN $streets) "
    "RETURN n.code AS code, labels(n) AS labels, properties(n) AS props"
)

#: Every node of a label.
ALL_NODES: dict[str, str] = {
    label: f"MATCH (n:{label}) RETURN n.code AS code, properties(n) AS props"
    for label in LABELS
}

#: Does the node with ``$code`` exist?
NODE_EXISTS: dict[str, str] = {
    label: f"MATCH (n:{label} {{code: $code}}) RETURN count(n) > 0 AS found"
    for label in LABELS
}

# ---------------------------------------------------------------------------
# Relationships
# ---------------------------------------------------------------------------

#: Relationships touching the nodes with these ``$codes``, either way
#: (``outgoing``: the node is the start).
READ_RELS: dict[str, str] = {
    label: (
        f"UNWIND $codes AS code MATCH (a:{label} {{code: code}})-[r]-(b) "
        "RETURN a.code AS code, startNode(r) = a AS outgoing, type(r) AS type, "
        "b.code AS other, labels(b) AS other_labels, properties(r) AS props, "
        "elementId(r) AS rid"
    )
    for label in LABELS
}

#: Every relationship of a type.
ALL_RELS: dict[str, str] = {
    type_: (
        f"MATCH (a)-[r:{type_}]->(b) RETURN a.code AS source, labels(a) AS source_labels, "
        "b.code AS target, labels(b) AS target_labels, properties(r) AS props"
    )
    for type_ in TYPES
}

#: Create or replace relationships of one type between two labels, merged on
#: their edge ``key``: ``$rows`` = ``[{source, target, key, props}]``.
MERGE_RELS: dict[tuple[str, str, str], str] = {
    (rk.type, s, t): (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_name(s)} {{code: row.source}}) MATCH (b:{_name(t)} {{code: row.target}}) "
        f"MERGE (a)-[r:{rk.type} {{key: row.key}}]->(b) SET r = row.props"
    )
    for rk in schema.REL_KINDS
    for s in rk.sources
    for t in rk.targets
}

#: Replace the properties of relationships read in the same transaction:
#: ``$rows`` = ``[{rid, props}]``.
SET_RELS_BY_ID = (
    "UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.rid SET r = row.props"
)

#: Delete relationships read in the same transaction: ``$rids``.
DELETE_RELS_BY_ID = "UNWIND $rids AS rid MATCH ()-[r]->() WHERE elementId(r) = rid DELETE r"

#: Stored nodes per label and relationships per type, in one row (columns
#: named after the labels and types).
COUNTS = "RETURN " + ", ".join(
    [f"COUNT {{ MATCH (:{label}) }} AS `{label}`" for label in LABELS]
    + [f"COUNT {{ MATCH ()-[:{type_}]->() }} AS `{type_}`" for type_ in TYPES]
)

# ---------------------------------------------------------------------------
# Scope walk (graph.scope): one step along one relationship type
# ---------------------------------------------------------------------------

_NEIGHBOR_COLUMNS = "RETURN DISTINCT b.code AS code, labels(b) AS labels, b.kind AS kind"

#: Nodes reached from the ``$codes`` nodes of a label along ``type``:
#: ``NEIGHBORS_OUT[(type, source label)]``.
NEIGHBORS_OUT: dict[tuple[str, str], str] = {
    (rk.type, s): (
        f"UNWIND $codes AS code MATCH (a:{_name(s)} {{code: code}})-[:{rk.type}]->(b) "
        + _NEIGHBOR_COLUMNS
    )
    for rk in schema.REL_KINDS
    for s in rk.sources
}

#: Nodes reaching the ``$codes`` nodes of a label along ``type``:
#: ``NEIGHBORS_IN[(type, target label)]``.
NEIGHBORS_IN: dict[tuple[str, str], str] = {
    (rk.type, t): (
        f"UNWIND $codes AS code MATCH (a:{_name(t)} {{code: code}})<-[:{rk.type}]-(b) "
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
    f"CREATE (r:{IMPORT_RECORD} {{id: $id, file: $file, sha256: $sha256, at: datetime(), "
    "streets: $streets, counts: $counts, changes: $changes, "
    "created: $created, changed: $changed, deleted: $deleted}) "
    "RETURN r.at AS at"
)

IMPORT_HISTORY = (
    f"MATCH (r:{IMPORT_RECORD}) RETURN properties(r) AS record "
    "ORDER BY r.at DESC LIMIT $limit"
)

LATEST_IMPORT_ID = f"MATCH (r:{IMPORT_RECORD}) RETURN r.id AS id ORDER BY r.at DESC LIMIT 1"

COUNT_IMPORT_RECORDS = f"MATCH (r:{IMPORT_RECORD}) RETURN count(r) AS n"

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
