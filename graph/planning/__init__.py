"""Planning on the co-building graph: the 补齐方案 (:func:`recommend`), the
12-month forecast (:func:`graph.planning.forecast.forecast`) and the what-if
(:func:`graph.planning.whatif.what_if`).

Modules: :mod:`~graph.planning.problem` (what an appointment can close, the
candidates, the state after a plan), :mod:`~graph.planning.solver` (the
CP-SAT model and the greedy baseline), :mod:`~graph.planning.verify` (the
plan checked by re-running every rule), :mod:`~graph.planning.recommend`
(the plan in words), :mod:`~graph.planning.changes` (changes and
scenarios), :mod:`~graph.planning.forecast`, :mod:`~graph.planning.whatif`.

Pure functions over the NetworkX graph and the analysis
:class:`~graph.analysis.view.View`, under a :class:`~graph.analysis.policy.Policy`
(its ``[plan]`` section holds the planning limits). Nothing here writes to a
file or a database.
"""

from __future__ import annotations

from graph.planning.changes import (AddPost, EndPost, RemovePerson, RemoveUnit, apply_changes,
                                    parse_change_arg, parse_scenario)
from graph.planning.recommend import Plan, Proposal, Unclosable, recommend

__all__ = ["recommend", "Plan", "Proposal", "Unclosable", "AddPost", "EndPost", "RemovePerson",
           "RemoveUnit", "apply_changes", "parse_scenario", "parse_change_arg"]
