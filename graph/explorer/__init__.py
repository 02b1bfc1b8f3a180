"""The visual network explorer: the co-building network with its gaps in colour.

* :func:`network_json` -- nodes, edges and legend as JSON (the API serves it);
* :func:`render_page` -- one self-contained, offline HTML page drawn with
  pyvis / vis-network (inlined from the installed pyvis package).
"""

from graph.explorer.network import GROUP_NODE_LIMIT, PHYSICS_NODE_LIMIT, SCOPES, network_json

__all__ = ["network_json", "render_page", "PHYSICS_NODE_LIMIT", "GROUP_NODE_LIMIT", "SCOPES"]


def render_page(G, findings, *, title, show_phones=False, as_of=None, scope=None,
                group_units=None, view=None) -> str:
    """One self-contained HTML page of ``G`` (see :func:`graph.explorer.page.render_page`)."""
    from graph.explorer.page import render_page as _render

    return _render(G, findings, title=title, show_phones=show_phones, as_of=as_of, scope=scope,
                   group_units=group_units, view=view)
