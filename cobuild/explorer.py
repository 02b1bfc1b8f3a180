"""Use case: draw a scope (the county, a street or a community) as the
network explorer's page or its JSON.

The faces (``cobuild explore``, the API's ``/network`` and ``/explorer``, the
notebooks) call :func:`draw_scope` / :func:`scope_network`; the drawing
itself is :mod:`graph.explorer`.
"""

from __future__ import annotations

from datetime import date

import networkx as nx

__all__ = ["scope_graph", "scope_kind", "draw_scope", "scope_network"]


def scope_kind(community: str | None = None, street: str | None = None) -> str:
    """``"community"``, ``"street"`` or ``"county"``."""
    return "community" if community else "street" if street else "county"


def scope_graph(G: nx.MultiDiGraph, *, community: str | None = None,
                street: str | None = None) -> nx.MultiDiGraph:
    """The part of ``G`` a scope draws (all of ``G`` for the county)."""
    if not community and not street:
        return G
    from graph.scope import subgraph

    return subgraph(G, community=community, street=street)


def draw_scope(G: nx.MultiDiGraph, findings, *, title: str, community: str | None = None,
               street: str | None = None, as_of: date | None = None,
               show_phones: bool = False) -> str:
    """The explorer page (one self-contained HTML file) of a scope of ``G``,
    its ``findings`` marked."""
    from graph.explorer import render_page

    return render_page(scope_graph(G, community=community, street=street), findings,
                       title=title, show_phones=show_phones, as_of=as_of,
                       scope=scope_kind(community, street))


def scope_network(G: nx.MultiDiGraph, findings, *, community: str | None = None,
                  street: str | None = None, as_of: date | None = None,
                  show_phones: bool = False) -> dict:
    """The explorer's nodes, edges and legend (JSON) of a scope of ``G``."""
    from graph.explorer import network_json

    return network_json(scope_graph(G, community=community, street=street), findings,
                        show_phones=show_phones, as_of=as_of, scope=scope_kind(community, street))
