"""cobuild's use cases: what the command line, the API and the notebooks call.

Layers, each importing only the ones below it::

    faces      cli/  api/  notebooks/  benchmarks/
    use cases  cobuild/     open a source, analyze a scope, draw a scope,
                            import with its plan; the local Neo4j server
    readers    loaders/     roster files in and out, the demo county
    graph      graph/       schema, graph, scope, analysis, store, explorer

Entry points (imported on first use, so ``import cobuild`` stays light):

* :func:`open_graph` -- a roster file or the database, optionally one scope
  (:func:`open_roster`: a roster file with its issues);
* :func:`connect` -- the database the settings point at;
* :func:`analyze_scope` -- the gap analysis of the county, a street or a community;
* :func:`explore` -- analyze, take a scope and draw it;
  :func:`draw_scope` / :func:`scope_network` -- the explorer page / JSON of a scope;
* :func:`prepare_import`, :func:`plan_import`, :func:`run_import` -- an import;
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
    "draw_scope": "cobuild.explorer",
    "scope_network": "cobuild.explorer",
    "prepare_import": "cobuild.imports",
    "plan_import": "cobuild.imports",
    "run_import": "cobuild.imports",
    "open_roster": "cobuild.sources",
    "explore": "cobuild.explorer",
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
