"""Use cases: the 补齐方案 of a scope, its forecast, a what-if, and an
accepted plan written back as a roster.

The faces (``cobuild recommend / forecast / whatif``, the API's planner
routes, the notebook ``04_plan``) call these; the algorithms are
:mod:`graph.planning`, the roster writing :mod:`loaders`.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Callable

import networkx as nx

__all__ = ["recommend_scope", "forecast_scope", "simulate", "read_scenario", "roster_with_plan",
           "write_roster_with_plan", "draw_plan"]


def recommend_scope(G: nx.MultiDiGraph, as_of: date | None = None, policy=None,
                    progress: Callable[[str], None] | None = None, *, street: str | None = None,
                    community: str | None = None, budget: int | None = None, method: str = "cp-sat"):
    """The 补齐方案 of ``G`` (one street or community of it when given):
    :func:`graph.planning.recommend`, checked by re-running every rule."""
    from graph.planning import recommend

    return recommend(G, as_of, policy, street=street, community=community, budget=budget,
                     method=method, progress=progress)


def forecast_scope(G: nx.MultiDiGraph, as_of: date | None = None, months: int = 12, policy=None,
                   progress: Callable[[str], None] | None = None, *, street: str | None = None,
                   community: str | None = None):
    """The month-end forecast of a scope (:func:`graph.planning.forecast.forecast`)."""
    from graph.planning.forecast import forecast

    return forecast(G, as_of, months, policy, street=street, community=community, progress=progress)


def simulate(G: nx.MultiDiGraph, changes, as_of: date | None = None, policy=None, *,
             street: str | None = None, community: str | None = None):
    """What changes with ``changes`` (:func:`graph.planning.whatif.what_if`);
    nothing is written."""
    from graph.planning.whatif import what_if

    return what_if(G, changes, as_of, policy, street=street, community=community)


def read_scenario(path: str | os.PathLike):
    """The changes of a scenario file (:func:`loaders.scenario.read_scenario`)."""
    from loaders.scenario import read_scenario as _read

    return _read(path)


def roster_with_plan(plan, *, roster: str | os.PathLike | None = None, db: bool = False,
                     progress: Callable[[str], None] | None = None):
    """The whole roster (the file ``roster``, or the whole graph stored in
    the database) with the plan's proposals added as 任职 rows (兼职, start
    = the plan's as-of date), ready for ``cobuild check`` and ``import``.

    The roster is read whole even when the plan is of one street: the new
    roster replaces the old one.
    """
    from cobuild.sources import open_graph, open_roster
    from loaders.export import graph_to_roster

    if db:
        r = graph_to_roster(open_graph(db=True, progress=progress))
    else:
        r = open_roster(roster, progress=progress).roster
    line = max((row.line for row in r.rows("posts")), default=1)
    for i, ch in enumerate(plan.changes, 1):
        r.add("posts", {"person": ch.person, "org": ch.org, "role": ch.role, "post_type": ch.post_type,
                        "start": ch.start or plan.as_of}, line=line + i)
    return r


def write_roster_with_plan(plan, out: str | os.PathLike, *, roster: str | os.PathLike | None = None,
                           db: bool = False, progress: Callable[[str], None] | None = None) -> Path:
    """Write :func:`roster_with_plan` to ``out`` (.xlsx, or a CSV folder);
    the database is never written."""
    from loaders.writer import write_roster

    return write_roster(roster_with_plan(plan, roster=roster, db=db, progress=progress), out, progress)


def draw_plan(G: nx.MultiDiGraph, findings, plan=None, forecast=None, *, community: str | None = None,
              street: str | None = None, as_of: date | None = None, title: str | None = None,
              show_phones: bool = False) -> str:
    """The explorer page of a scope with the plan drawn over it (dashed
    blue proposed posts, a toggle) and the forecast as an as-of slider."""
    from cobuild.explorer import draw_scope

    return draw_scope(G, findings, community=community, street=street, as_of=as_of, title=title,
                      show_phones=show_phones, plan=plan.as_dict() if plan is not None else None,
                      forecast=forecast.as_dict() if forecast is not None else None)
