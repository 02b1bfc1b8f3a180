"""Use case: import a roster into the database, with its plan first.

Check the roster (and that it names its jurisdiction), compute what the
import will change, then store it in one transaction. The faces (``cobuild
import``, ``POST /api/v1/imports``) call these; the store itself is
:mod:`graph.store`.
"""

from __future__ import annotations

import os
from typing import Callable

__all__ = ["check_for_import", "plan_import", "import_roster"]


def check_for_import(path: str | os.PathLike, progress: Callable[[str], None] | None = None):
    """``(roster, issues)``: the roster read and validated as ``cobuild
    check`` does, plus the jurisdiction an import needs (its issues added)."""
    from graph import store
    from graph.errors import RosterError
    from loaders import check_roster

    roster, issues = check_roster(path, progress=progress)
    if not any(i.severity == "error" for i in issues):
        try:
            store.require_jurisdiction(roster)
        except RosterError as e:
            issues = [*issues, *e.issues]
    return roster, issues


def plan_import(db, roster, progress=None):
    """What importing ``roster`` would change (nothing is written)."""
    from graph import store

    return store.plan_import(db, roster, progress=progress)


def import_roster(db, roster, *, dry_run: bool = False, progress=None):
    """Store ``roster`` in one transaction (replacing its jurisdiction)."""
    from graph import store

    return store.import_roster(db, roster, dry_run=dry_run, progress=progress)
