"""Rosters in and out.

* :func:`read_roster` -- parse an .xlsx workbook, a folder of CSV files or a
  .zip of them (cell problems come back as issues);
* :func:`validate` -- the whole-roster checks;
* :func:`check_roster` -- both, every issue sorted by table, row, column;
* :func:`load_roster` -- a roster with no error, or :class:`RosterError`;
* :mod:`loaders.writer`, :mod:`loaders.template`, :mod:`loaders.export` --
  write a roster, the empty template, a graph back as a roster.
"""

from __future__ import annotations

import os
from typing import Callable

from graph import schema
from graph.bulk import paused_gc
from graph.errors import Issue, NotARosterError, RosterError
from graph.roster import Roster
from loaders.readers import read_roster, table_label
from loaders.validate import issue_sort_key, validate

__all__ = [
    "read_roster",
    "validate",
    "check_roster",
    "load_roster",
    "NotARosterError",
    "RosterError",
]

#: Reader issue codes after which a table's rows are not there at all.
_UNREAD = frozenset({"missing_table", "no_header", "missing_column"})


def check_roster(path: str | os.PathLike, *, progress: Callable[[str], None] | None = None
                 ) -> tuple[Roster, list[Issue]]:
    """Read and check a roster: every issue, errors and warnings.

    A cell the reader could not read is reported once (not again as an
    empty required cell); references into a table that could not be read
    are not reported one by one.

    Parameters
    ----------
    path : an .xlsx workbook, a folder of CSV files or a .zip of them
    progress : optional callable receiving one-line progress messages

    Returns
    -------
    (Roster, issues) with issues sorted by table (schema order), row, column.

    Raises
    ------
    NotARosterError
        When the file is not a roster at all.
    """
    roster, read_issues = read_roster(path, progress=progress)
    by_label = {table_label(t): t.key for t in schema.TABLES}
    unread = {by_label[i.table] for i in read_issues if i.code in _UNREAD and i.table in by_label}
    flagged = {(i.table, i.line, i.column) for i in read_issues}
    issues = list(read_issues)
    issues.extend(i for i in validate(roster, skip_refs_to=unread)
                  if (i.table, i.line, i.column) not in flagged)
    issues.sort(key=issue_sort_key)
    return roster, issues


@paused_gc()
def load_roster(path: str | os.PathLike, *, progress: Callable[[str], None] | None = None
                ) -> Roster:
    """A roster with no error in it.

    Raises
    ------
    RosterError
        With every issue (errors and warnings) when there is any error.
    NotARosterError
        When the file is not a roster at all.
    """
    roster, issues = check_roster(path, progress=progress)
    if any(i.severity == "error" for i in issues):
        raise RosterError(issues)
    return roster
