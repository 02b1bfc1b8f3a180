"""Use case: analyze a scope (the county, a street or a community).

The faces (``cobuild analyze``, the API, the notebooks) call
:func:`analyze_scope`; the rules themselves are :mod:`graph.analysis`.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import networkx as nx

__all__ = ["analyze_scope"]


def analyze_scope(G: nx.MultiDiGraph, as_of: date | None = None, policy=None,
                  progress: Callable[[str], None] | None = None, *, street: str | None = None,
                  community: str | None = None, with_structure: bool = True):
    """The gap analysis of ``G`` on ``as_of``, kept to one street or community.

    See :func:`graph.analysis.analyze` (the rules see the whole graph; the
    findings, summary and structure are those of the scope).
    """
    from graph.analysis import analyze

    return analyze(G, as_of, policy, progress, street=street, community=community,
                   with_structure=with_structure)
