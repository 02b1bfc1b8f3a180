"""The parsed roster: typed rows per table, before it becomes a graph.

Readers (:mod:`loaders`) produce a :class:`Roster`; the validator checks it;
:func:`graph.build.roster_to_graph` turns a valid one into the graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
    #: the columns each table's header held (set by the readers); a table
    #: not named here has the columns its rows fill (see :meth:`shape`)
    columns: dict[str, frozenset[str]] = field(default_factory=dict)

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

    def shape(self) -> dict[str, list[str]]:
        """The tables the roster has, each with its columns (keys, in schema
        order): what the header of a read table held, or -- for a roster
        built in code -- the columns its rows fill. A table with neither
        is absent. Rules whose table or column is absent are not checked.

        >>> r = Roster()
        >>> _ = r.add("streets", {"code": "S1", "name": "城关街道"})
        >>> r.shape()
        {'streets': ['code', 'name']}
        """
        out: dict[str, list[str]] = {}
        for t in schema.TABLES:
            cols = self.columns.get(t.key)
            if cols is None:
                rows = self.rows(t.key)
                if not rows:
                    continue
                cols = {k for r in rows for k in r.values}
            out[t.key] = [c.key for c in t.columns if c.key in cols]
        return out

    def counts(self) -> dict[str, int]:
        return {t.key: len(self.rows(t.key)) for t in schema.TABLES if self.rows(t.key)}

    def digest(self) -> str:
        """SHA-256 of what the roster says -- every table's rows in order and
        its shape -- whatever file (if any) it was read from: two rosters
        with one digest build one graph. The import compares it with the
        latest import's to skip a roster stored already; the file's own
        ``sha256`` would miss a roster changed after it was read.

        >>> a, b = Roster(), Roster(sha256="0" * 64)
        >>> _ = a.add("streets", {"code": "S1", "name": "城关街道"})
        >>> _ = b.add("streets", {"code": "S1", "name": "城关街道"})
        >>> a.digest() == b.digest()
        True
        >>> _ = b.add("streets", {"code": "S2", "name": "东城街道"})
        >>> a.digest() == b.digest()
        False
        """
        def plain(value: Any) -> Any:
            if isinstance(value, (dt.date, dt.datetime)):
                return value.isoformat()
            if isinstance(value, (set, frozenset)):
                return sorted(value)
            return str(value)

        body = {"shape": self.shape(),
                "rows": {t.key: [r.values for r in self.rows(t.key)] for t in schema.TABLES}}
        text = json.dumps(body, ensure_ascii=False, sort_keys=True, default=plain)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
