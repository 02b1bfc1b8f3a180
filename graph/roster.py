"""The parsed roster: typed rows per table, before it becomes a graph.

Readers (:mod:`loaders`) produce a :class:`Roster`; the validator checks it;
:func:`graph.build.roster_to_graph` turns a valid one into the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from graph import schema

__all__ = ["Row", "Roster"]


@dataclass
class Row:
    """One roster row.

    ``values`` holds the parsed cells under the column keys of
    :mod:`graph.schema` (``{"code": "U001", "kind": "agency", ...}``); an empty
    cell is absent. ``line`` is the row number the planner sees in Excel
    (or the line in the CSV file, header = its own line).
    """

    table: str
    line: int
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass
class Roster:
    """A whole roster: every table's rows, in file order."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    #: where it came from (file or folder name) and its SHA-256, for the
    #: import record
    source: str | None = None
    sha256: str | None = None

    def rows(self, table_key: str) -> list[Row]:
        return self.tables.get(table_key, [])

    def codes(self, table_key: str) -> set[str]:
        return {r.values["code"] for r in self.rows(table_key) if "code" in r.values}

    def add(self, table_key: str, values: dict[str, Any], line: int = 0) -> Row:
        """Append a row (used by generators and tests; readers fill
        ``tables`` themselves)."""
        if table_key not in schema.TABLES_BY_KEY:
            raise KeyError(table_key)
        row = Row(table_key, line, {k: v for k, v in values.items() if v not in (None, "", [])})
        self.tables.setdefault(table_key, []).append(row)
        return row

    def __iter__(self) -> Iterator[Row]:
        for t in schema.TABLES:
            yield from self.rows(t.key)

    @property
    def jurisdiction(self) -> tuple[str, ...]:
        """The street codes this roster covers: an import replaces what is
        stored for these streets."""
        return tuple(sorted(self.codes("streets")))

    def counts(self) -> dict[str, int]:
        return {t.key: len(self.rows(t.key)) for t in schema.TABLES if self.rows(t.key)}
