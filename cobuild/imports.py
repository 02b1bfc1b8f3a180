"""Use case: import a roster into the database, with its plan first.

Check the roster (and that it names its jurisdiction), compute what the
import will change, then store that plan in one transaction. The roster's
graph is built once, and only when the roster has to be compared with the
stored one (not for the file the latest import stored). The command line
calls these; the store itself is :mod:`graph.store`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

import networkx as nx

from graph.errors import Issue

__all__ = ["ImportJob", "prepare_import", "plan_import", "run_import"]


@dataclass
class ImportJob:
    """A roster on its way into the database.

    ``issues`` are the checks' (``cobuild check``); ``jurisdiction_issues``
    say the roster names no street (an import replaces its streets' data,
    so it needs some); :attr:`graph` is built once, when first needed.
    """

    roster: object
    issues: list[Issue]
    jurisdiction_issues: list[Issue]
    _graph: nx.MultiDiGraph | None = field(default=None, repr=False)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The roster's graph (built on first use)."""
        if self._graph is None:
            from graph.build import roster_to_graph

            self._graph = roster_to_graph(self.roster)
        return self._graph

    def _graph_source(self):
        """For the store: the graph, or how to build it when needed."""
        return self._graph if self._graph is not None else (lambda: self.graph)

    @property
    def errors(self) -> int:
        """How many errors stop the import."""
        return sum(1 for i in self.issues if i.severity == "error") + len(self.jurisdiction_issues)


def prepare_import(path: str | os.PathLike,
                   progress: Callable[[str], None] | None = None) -> ImportJob:
    """Read and check ``path`` as ``cobuild check`` does, and check its
    jurisdiction."""
    from graph import store
    from graph.errors import RosterError
    from loaders import check_roster

    roster, issues = check_roster(path, progress=progress)
    jurisdiction: list[Issue] = []
    if not any(i.severity == "error" for i in issues):
        try:
            store.require_jurisdiction(roster)
        except RosterError as e:
            jurisdiction = list(e.issues)
    return ImportJob(roster, issues, jurisdiction)


def plan_import(db, job: ImportJob, *, progress=None):
    """What importing the job's roster would change (nothing is written)."""
    from graph import store

    return store.plan_import(db, job.roster, progress=progress, graph=job._graph_source())


def run_import(db, job: ImportJob, *, progress=None, dry_run: bool = False, plan=None):
    """Store the job's roster in one transaction (replacing its jurisdiction):
    ``plan``, the one :func:`plan_import` gave and the user saw, is written
    without reading the stored graph again when no import came in between."""
    from graph import store

    return store.import_graph(db, job.roster, job._graph_source(), progress=progress,
                              dry_run=dry_run, plan=plan)
