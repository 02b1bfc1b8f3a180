"""Planning on the co-building graph: the 补齐方案 (:func:`recommend`), the
12-month forecast (:func:`forecast`) and the what-if (:func:`what_if`).

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
