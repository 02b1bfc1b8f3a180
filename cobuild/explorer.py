"""Use case: analyze, take a scope (the county, a street or a community) and
draw it -- the network explorer's page or its JSON.

The faces call these and nothing else to draw: ``cobuild explore`` and
``cobuild demo`` (:func:`explore`, :func:`draw_scope`), the API's
``/network`` and ``/explorer`` (:func:`scope_network`, :func:`draw_scope`
on its cached analysis), the notebooks (:func:`draw_scope`). The drawing
itself is :mod:`graph.explorer`; the findings drawn are those of the scope
(:func:`graph.findings.select`).
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import networkx as nx

from graph import schema
from graph.findings import select

__all__ = ["scope_kind", "scope_graph", "scope_title", "scope_findings", "draw_scope",
           "scope_network", "explore"]


def scope_kind(community: str | None = None, street: str | None = None) -> str:
    """``"community"``, ``"street"`` or ``"county"``."""
    return "community" if community else "street" if street else "county"


def scope_graph(G: nx.MultiDiGraph, *, community: str | None = None,
                street: str | None = None) -> nx.MultiDiGraph:
    """The part of ``G`` a scope draws (:func:`graph.scope.subgraph`; ``G``
    itself for the county)."""
    if not community and not street:
        return G
    from graph.scope import subgraph

    return subgraph(G, community=community, street=street)


def scope_title(G: nx.MultiDiGraph, *, community: str | None = None,
                street: str | None = None) -> str:
    """The page title of a scope: ``"<name> 共驻共建关系网络 / Co-building network of <name>"``."""
    if not community and not street:
        return "全县共驻共建关系网络 / Co-building network of the county"
    label, code = ("Community", community) if community else ("Street", street)
    nid = schema.node_id(label, code)
    name = G.nodes[nid].get("name", code) if nid in G else code
    return f"{name} 共驻共建关系网络 / Co-building network of {name}"


def scope_findings(findings, *, community: str | None = None, street: str | None = None,
                   within: str | None = None, lies_in: Callable[[str, str], bool] | None = None):
    """The findings a scope shows (a reader limited to street ``within``
    sees only that street's; see :func:`graph.findings.select`)."""
    return select(findings, community=community, street=street, within=within, lies_in=lies_in)


def draw_scope(G: nx.MultiDiGraph, findings, *, community: str | None = None,
               street: str | None = None, as_of: date | None = None, title: str | None = None,
               show_phones: bool = False, within: str | None = None,
               lies_in: Callable[[str, str], bool] | None = None,
               scoped: nx.MultiDiGraph | None = None, view=None, plan: dict | None = None,
               forecast: dict | None = None, overview: bool | None = None) -> str:
    """The explorer page (one self-contained HTML file) of a scope of ``G``,
    its findings marked.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The whole graph.
    findings : list of graph.findings.Finding
        The analysis' findings (those of the scope are drawn).
    community, street : str, optional
        The scope (neither: the county).
    title : str, optional
        Default :func:`scope_title`.
    within, lies_in
        A reader limited to one street (see :func:`scope_findings`).
    scoped, view : optional
        The scope's graph and its :class:`graph.analysis.view.View` on
        ``as_of`` when the caller has them (they are not built again).
    plan, forecast : dict, optional
        A 补齐方案 / forecast (their ``as_dict()``) drawn over the page.
    overview : bool, optional
        Open a county or street page on its overview (the default) or on the
        whole network (False); see :func:`graph.explorer.page.render_page`.
    """
    from graph.explorer import render_page

    sub = scoped if scoped is not None else scope_graph(G, community=community, street=street)
    return render_page(sub, scope_findings(findings, community=community, street=street,
                                           within=within, lies_in=lies_in),
                       title=title or scope_title(G, community=community, street=street),
                       show_phones=show_phones, as_of=as_of,
                       scope=scope_kind(community, street), view=view, plan=plan, forecast=forecast,
                       street=street, overview=overview)


def scope_network(G: nx.MultiDiGraph, findings, *, community: str | None = None,
                  street: str | None = None, as_of: date | None = None,
                  show_phones: bool = False, within: str | None = None,
                  lies_in: Callable[[str, str], bool] | None = None,
                  scoped: nx.MultiDiGraph | None = None, view=None, plan: dict | None = None,
                  forecast: dict | None = None) -> dict:
    """The explorer's nodes, edges and legend (JSON) of a scope of ``G``
    (parameters as :func:`draw_scope`)."""
    from graph.explorer import network_json

    sub = scoped if scoped is not None else scope_graph(G, community=community, street=street)
    return network_json(sub, scope_findings(findings, community=community, street=street,
                                            within=within, lies_in=lies_in),
                        show_phones=show_phones, as_of=as_of,
                        scope=scope_kind(community, street), view=view, plan=plan, forecast=forecast)


def explore(G: nx.MultiDiGraph, as_of: date, *, community: str | None = None,
            street: str | None = None, policy=None, title: str | None = None,
            show_phones: bool = False, progress: Callable[[str], None] | None = None,
            overview: bool | None = None) -> str:
    """Analyze ``G`` on ``as_of``, take the scope and draw it: the explorer
    page ``cobuild explore`` writes."""
    from cobuild.analysis import analyze_scope

    sub = scope_graph(G, community=community, street=street)
    result = analyze_scope(G, as_of, policy, progress, street=street, community=community,
                           with_structure=False)
    if progress:
        progress(f"绘制网络图 / drawing the page （{sub.number_of_nodes()} 个节点 nodes）")
    return draw_scope(G, result.findings, community=community, street=street, as_of=as_of,
                      title=title, show_phones=show_phones, scoped=sub,
                      view=result.view if sub is G else None, overview=overview)
