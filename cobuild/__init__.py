"""cobuild's use cases: what the command line, the API and the notebooks call.

Layers, each importing only the ones below it::

    faces      cli/  api/  notebooks/  benchmarks/
    use cases  cobuild/     open a source, analyze a scope, draw a scope,
                            import with its plan, recommend / forecast /
                            simulate; the local Neo4j server
    readers    loaders/     roster files in and out, the demo county
    graph      graph/       schema, graph, scope, analysis, store, explorer

Entry points (imported on first use, so ``import cobuild`` stays light):

* :func:`open_graph` -- a roster file or the database, optionally one scope
  (:func:`open_roster`: a roster file with its issues);
* :func:`connect` -- the database the settings point at;
* :func:`analyze_scope` -- the gap analysis of the county, a street or a community;
  :func:`what_if_leaves` -- what changes when one person leaves;
* :func:`explore` -- analyze, take a scope and draw it;
  :func:`draw_scope` / :func:`scope_network` -- the explorer page / JSON of a scope;
* :func:`prepare_import`, :func:`plan_import`, :func:`run_import` -- an import;
* :func:`recommend_scope` -- the 补齐方案 of a scope; :func:`forecast_scope` --
  its 12-month forecast; :func:`simulate` -- a what-if (:func:`read_scenario`
  reads a scenario file); :func:`write_roster_with_plan` -- an accepted plan
  as a new roster; :func:`draw_plan` -- the explorer with the plan over it.
* :func:`stats_scope` -- the 统计表 of the county, a street or a community;
  :func:`match_scope` -- proposals matching open needs to resources.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "open_graph": "cobuild.sources",
    "connect": "cobuild.database",
    "database_configured": "cobuild.database",
    "analyze_scope": "cobuild.analysis",
    "what_if_leaves": "cobuild.analysis",
    "draw_scope": "cobuild.explorer",
    "scope_network": "cobuild.explorer",
    "prepare_import": "cobuild.imports",
    "plan_import": "cobuild.imports",
    "run_import": "cobuild.imports",
    "open_roster": "cobuild.sources",
    "explore": "cobuild.explorer",
    "recommend_scope": "cobuild.planning",
    "forecast_scope": "cobuild.planning",
    "simulate": "cobuild.planning",
    "read_scenario": "cobuild.planning",
    "write_roster_with_plan": "cobuild.planning",
    "draw_plan": "cobuild.planning",
    "stats_scope": "cobuild.activity",
    "match_scope": "cobuild.activity",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cobuild' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
