"""Use cases of the co-building activity: the 统计表 of a scope, and the
matching of open needs to resources.

The faces (``cobuild stats``, ``cobuild match``, the API's ``/stats``
routes, the notebooks) call these; the figures and the assignment
themselves are :mod:`graph.analysis.stats` and
:mod:`graph.analysis.matching`.
"""

from __future__ import annotations

from datetime import date

import networkx as nx

__all__ = ["stats_scope", "match_scope"]


def stats_scope(G: nx.MultiDiGraph, as_of: date | None = None, *, street: str | None = None,
                community: str | None = None, view=None):
    """The 统计表 of ``G`` on ``as_of`` (default today): every community,
    street and the county, or one street (its communities, then the street)
    or one community.

    Raises
    ------
    graph.errors.NotFound
        When the street or community is not in the graph.
    """
    from graph.analysis.stats import compute_stats
    from graph.analysis.view import view_of

    as_of = as_of or date.today()
    _known(G, street, community)
    return compute_stats(view_of(G, as_of, view), street=street, community=community)


def match_scope(G: nx.MultiDiGraph, as_of: date | None = None, *, street: str | None = None,
                community: str | None = None, service_capacity: int = 3, view=None):
    """Proposals for the open needs of the scope (resources from the whole
    graph): :func:`graph.analysis.matching.match_needs`."""
    from graph.analysis.matching import match_needs
    from graph.analysis.view import view_of

    as_of = as_of or date.today()
    _known(G, street, community)
    return match_needs(view_of(G, as_of, view), street=street, community=community,
                       service_capacity=service_capacity)


def _known(G: nx.MultiDiGraph, street: str | None, community: str | None) -> None:
    from graph import schema
    from graph.errors import NotFound

    if street is not None and schema.node_id("Street", street) not in G:
        raise NotFound(f"没有街道 {street}", f"no street {street!r}")
    if community is not None and schema.node_id("Community", community) not in G:
        raise NotFound(f"没有社区 {community}", f"no community {community!r}")
