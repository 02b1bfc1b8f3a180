"""Use case: import a roster into the database, with its plan first.

Check the roster (and that it names its jurisdiction), build its graph once,
compute what the import will change, then store it in one transaction. The
command line calls these; the store itself is :mod:`graph.store`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

import networkx as nx

from graph.errors import Issue

__all__ = ["ImportJob", "prepare_import", "plan_import", "run_import"]


@dataclass
class ImportJob:
    """A roster on its way into the database.

    ``issues`` are the checks' (``cobuild check``); ``jurisdiction_issues``
    say the roster names no street (an import replaces its streets' data,
    so it needs some); ``graph`` is built once, when there is no error.
    """

    roster: object
    issues: list[Issue]
    jurisdiction_issues: list[Issue]
    graph: nx.MultiDiGraph | None

    @property
    def errors(self) -> int:
        """How many errors stop the import."""
        return sum(1 for i in self.issues if i.severity == "error") + len(self.jurisdiction_issues)


def prepare_import(path: str | os.PathLike,
                   progress: Callable[[str], None] | None = None) -> ImportJob:
    """Read and check ``path`` as ``cobuild check`` does, check its
    jurisdiction, and build its graph when nothing stops the import."""
    from graph import store
    from graph.build import roster_to_graph
    from graph.errors import RosterError
    from loaders import check_roster

    roster, issues = check_roster(path, progress=progress)
    jurisdiction: list[Issue] = []
    if not any(i.severity == "error" for i in issues):
        try:
            store.require_jurisdiction(roster)
        except RosterError as e:
            jurisdiction = list(e.issues)
    job = ImportJob(roster, issues, jurisdiction, None)
    if not job.errors:
        job.graph = roster_to_graph(roster)
    return job


def plan_import(db, job: ImportJob, *, progress=None):
    """What importing the job's roster would change (nothing is written)."""
    from graph import store

    return store.plan_import(db, job.roster, progress=progress, graph=job.graph)


def run_import(db, job: ImportJob, *, progress=None, dry_run: bool = False):
    """Store the job's roster in one transaction (replacing its jurisdiction)."""
    from graph import store

    return store.import_graph(db, job.roster, job.graph, progress=progress, dry_run=dry_run)
