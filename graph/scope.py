"""The part of the graph that belongs to one community or one street.

A scope is a set of nodes; the scoped graph is the subgraph those nodes
induce (every relationship whose two ends are both in scope, with its key and
properties). The same walk runs over a NetworkX graph (:func:`subgraph`) and
over Neo4j (:func:`graph.store.load_graph`, one query per step from
:mod:`graph.queries`), so both give the same graph for the same data.

Scope of a set of communities ``C`` (one community, or a street's)
----------------------------------------------------------------------
1. places: ``C``; the streets ``C`` is ``IN``; the grids, compounds and
   units ``IN`` ``C``;
2. local orgs: the party orgs ``BELONGS_TO`` ``C``, its grids or its units
   (a joint branch of one of its units counts); the community orgs among them
   (kind in ``COMMUNITY_ORG_KINDS``) are ``C``'s committees;
3. property orgs: the party orgs ``BELONGS_TO`` the property units the
   compounds are ``MANAGED_BY`` (and those units);
4. the circle of the local and property orgs plus the orgs that are
   ``MEMBER_OF`` a committee (even when their unit is elsewhere): those orgs,
   the units they ``BELONGS_TO``, every person who ``HOLDS`` a post in one of
   them, and *all* posts of those people with the orgs of those posts (so
   the analysis can tell each person's home org);
5. county leaders who are ``LIAISES_WITH`` ``C`` or ``IN_CHARGE_OF`` its
   streets; central households (``CENTRAL_HOUSEHOLD_IN``) of its grids;
   subjects (people, orgs) ``REGISTERED_WITH`` or that ``SERVED`` ``C``,
   and the people ``REGISTERED_FROM`` an org of the circle (双报到 所在党组织);
6. lists: the needs ``RAISED_BY`` ``C``, the resources ``OFFERED_BY`` its
   units, the projects that ``MEETS`` one of those needs or ``USES`` one of
   those resources or are ``LED_BY`` one of its units or local orgs, and
   every need and resource of those projects; the agreements
   ``SIGNED_WITH`` its committees and the meetings ``CONVENED_BY`` them with
   the orgs that ``ATTENDED_BY`` them;
7. placement, for everything gathered so far: what the needs, resources,
   projects, agreements and meetings point to (``RAISED_BY``,
   ``CLAIMED_BY``, ``OFFERED_BY``, ``LED_BY``, ``SIGNED_BY``/``SIGNED_WITH``,
   ``CONVENED_BY``); the committees each org is
   ``MEMBER_OF``, the places each org ``BELONGS_TO``, and up the ``IN``
   chain (unit, grid, compound -> community -> street). Those places come
   alone, without their own grids, units or orgs: they only say where a
   node sits (whose a cross-appointed person's home org is, that a unit org
   is taken in elsewhere).

Scope of a street ``S``: ``S``; the scope of the communities ``IN`` ``S``;
the circle (step 4) of the orgs ``BELONGS_TO`` ``S`` with the street
committees among them (``STREET_ORG_KINDS``) as committees, and their
agreements and meetings (step 6); the county
leaders ``IN_CHARGE_OF`` ``S``; and the placement (step 7) of all that.

Every step is a union of per-node steps, so the scope of a set of
communities is the union of their scopes, and a street's scope holds each of
its communities' scopes whole. Because a community's scope holds its units,
orgs, member orgs, every post of the people in them, its grids, compounds
with their property units' orgs, leaders, households, and where all of
those sit, the gap analysis (:func:`graph.analysis.analyze`) of the scoped
graph gives the same findings for that community (street) as the analysis
of the whole graph -- ``tests/test_scope.py`` checks it on demo counties.
What the analysis finds there about other communities is not to be read:
they are present only as places.
"""

from __future__ import annotations

from typing import Iterable, Protocol

import networkx as nx

from graph import schema
from graph.errors import NotFound

__all__ = ["GraphWalk", "NxWalk", "IndexedWalk", "scope_nodes", "subgraph"]

OUT, IN = "out", "in"


class GraphWalk(Protocol):
    """What the scope walk needs from a graph (NetworkX or Neo4j)."""

    def has(self, node_id: str) -> bool:
        """Whether the node exists."""

    def step(self, ids: Iterable[str], type_: str, direction: str) -> dict[str, str | None]:
        """The nodes joined to ``ids`` by ``type_`` relationships leaving
        (``"out"``) or reaching (``"in"``) them, with their ``kind``."""


class NxWalk:
    """:class:`GraphWalk` over a NetworkX graph of the graph contract."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G

    def has(self, node_id: str) -> bool:
        return node_id in self.G

    def step(self, ids: Iterable[str], type_: str, direction: str) -> dict[str, str | None]:
        G = self.G
        found: dict[str, str | None] = {}
        for n in ids:
            if n not in G:
                continue
            if direction == OUT:
                pairs = ((v, t) for _, v, t in G.out_edges(n, data="type"))
            else:
                pairs = ((u, t) for u, _, t in G.in_edges(n, data="type"))
            for m, t in pairs:
                if t == type_:
                    found[m] = G.nodes[m].get("kind")
        return found


class IndexedWalk(NxWalk):
    """:class:`NxWalk` with the neighbours indexed by relationship type once
    (one pass over the edges), so a step costs what it finds: for walking
    many scopes of one big graph (every street of a roster)."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        super().__init__(G)
        self._next: dict[tuple[str, str], dict[str, list[str]]] = {}
        for u, v, t in G.edges(data="type"):
            self._next.setdefault((t, OUT), {}).setdefault(u, []).append(v)
            self._next.setdefault((t, IN), {}).setdefault(v, []).append(u)

    def step(self, ids: Iterable[str], type_: str, direction: str) -> dict[str, str | None]:
        nodes, table = self.G.nodes, self._next.get((type_, direction), {})
        return {m: nodes[m].get("kind") for n in ids for m in table.get(n, ())}


def _of(ids: Iterable[str], *labels: str) -> set[str]:
    return {n for n in ids if schema.split_node_id(n)[0] in labels}


def _circle(walk: GraphWalk, orgs: set[str], committees: set[str]) -> set[str]:
    """Step 4: orgs plus committee members, their units, the people posted in
    them and all those people's posts' orgs."""
    orgs = orgs | set(walk.step(committees, "MEMBER_OF", IN))
    units = _of(walk.step(orgs, "BELONGS_TO", OUT), "Unit")
    people = set(walk.step(orgs, "HOLDS", IN))
    post_orgs = set(walk.step(people, "HOLDS", OUT))
    return orgs | units | people | post_orgs


#: Step 7's first move: what each list entry, agreement and meeting points
#: to (where it sits, who claimed or leads it, who signed or convened it).
_POINTERS: tuple[tuple[str, str], ...] = (
    ("Need", "RAISED_BY"), ("Need", "CLAIMED_BY"), ("Resource", "OFFERED_BY"),
    ("Project", "LED_BY"), ("Agreement", "SIGNED_BY"), ("Agreement", "SIGNED_WITH"),
    ("Meeting", "CONVENED_BY"),
)


def _placement(walk: GraphWalk, nodes: set[str]) -> set[str]:
    """Step 7: where the nodes sit -- what the list entries, agreements and
    meetings point to, the committees the orgs are taken into
    (``MEMBER_OF``), the places the orgs ``BELONGS_TO``, and up the ``IN``
    chain to the communities and streets."""
    nodes = set(nodes)
    for label, type_ in _POINTERS:
        nodes |= set(walk.step(_of(nodes, label), type_, OUT))
    orgs = _of(nodes, "PartyOrg")
    orgs |= set(walk.step(orgs, "MEMBER_OF", OUT))
    placed = nodes | orgs | set(walk.step(orgs, "BELONGS_TO", OUT))
    placed |= set(walk.step(_of(placed, "Unit", "Grid", "Compound"), "IN", OUT))
    placed |= set(walk.step(_of(placed, "Community"), "IN", OUT))
    return placed


def _communities_scope(walk: GraphWalk, communities: set[str]) -> set[str]:
    streets = _of(walk.step(communities, "IN", OUT), "Street")
    places = set(walk.step(communities, "IN", IN))
    grids = _of(places, "Grid")
    compounds = _of(places, "Compound")
    units = _of(places, "Unit")

    local = walk.step(communities | grids | units, "BELONGS_TO", IN)
    committees = {o for o, kind in local.items() if kind in schema.COMMUNITY_ORG_KINDS}
    property_units = _of(walk.step(compounds, "MANAGED_BY", OUT), "Unit")
    property_orgs = set(walk.step(property_units, "BELONGS_TO", IN))
    circle = _circle(walk, set(local) | property_orgs, committees)

    leaders = set(walk.step(communities, "LIAISES_WITH", IN)) | set(
        walk.step(streets, "IN_CHARGE_OF", IN)
    )
    households = set(walk.step(grids, "CENTRAL_HOUSEHOLD_IN", IN))
    registrants = set(walk.step(communities, "REGISTERED_WITH", IN))
    registrants |= set(walk.step(communities, "SERVED", IN))
    registrants |= set(walk.step(_of(circle, "PartyOrg"), "REGISTERED_FROM", IN))

    needs = set(walk.step(communities, "RAISED_BY", IN))
    resources = set(walk.step(units, "OFFERED_BY", IN))
    projects = (set(walk.step(needs, "MEETS", IN)) | set(walk.step(resources, "USES", IN))
                | set(walk.step(set(local) | units, "LED_BY", IN)))
    needs |= set(walk.step(projects, "MEETS", OUT))
    resources |= set(walk.step(projects, "USES", OUT))

    return (
        communities | streets | places | property_units | circle | leaders | households
        | registrants | needs | resources | projects | _activity(walk, committees)
    )


def _activity(walk: GraphWalk, committees: set[str]) -> set[str]:
    """The agreements signed with the committees and the meetings they
    convened (with the orgs that attended them)."""
    agreements = set(walk.step(committees, "SIGNED_WITH", IN))
    meetings = set(walk.step(committees, "CONVENED_BY", IN))
    return agreements | meetings | set(walk.step(meetings, "ATTENDED_BY", OUT))


def scope_nodes(walk: GraphWalk | nx.MultiDiGraph, *, community: str | None = None,
                street: str | None = None) -> set[str]:
    """The node ids in the scope of one community or one street.

    Parameters
    ----------
    walk : GraphWalk or networkx.MultiDiGraph
        The graph to walk.
    community, street : str
        The code of the community or the street (exactly one).

    Returns
    -------
    set of str
        Node ids (``"Unit:U1"`` ...), the community or street included.

    Raises
    ------
    NotFound
        When the community or street is not in the graph.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("Community:C1", "Street:S1", key="IN", type="IN")
    >>> G.add_edge("Unit:U1", "Community:C1", key="IN", type="IN")
    >>> sorted(scope_nodes(G, community="C1"))
    ['Community:C1', 'Street:S1', 'Unit:U1']
    """
    if isinstance(walk, nx.MultiDiGraph):
        walk = NxWalk(walk)
    if (community is None) == (street is None):
        raise ValueError("give exactly one of community= or street=")
    if community is not None:
        cid = schema.node_id("Community", community)
        if not walk.has(cid):
            raise NotFound(f"没有社区 {community}", f"no community {community!r}")
        return _placement(walk, _communities_scope(walk, {cid}))
    sid = schema.node_id("Street", street)
    if not walk.has(sid):
        raise NotFound(f"没有街道 {street}", f"no street {street!r}")
    communities = _of(walk.step({sid}, "IN", IN), "Community")
    nodes = {sid} | _communities_scope(walk, communities)
    own = walk.step({sid}, "BELONGS_TO", IN)
    committees = {o for o, kind in own.items() if kind in schema.STREET_ORG_KINDS}
    nodes |= _circle(walk, set(own), committees)
    nodes |= _activity(walk, committees)
    nodes |= set(walk.step({sid}, "IN_CHARGE_OF", IN))
    return _placement(walk, nodes)


def subgraph(G: nx.MultiDiGraph, *, community: str | None = None,
             street: str | None = None) -> nx.MultiDiGraph:
    """The graph of one community or street (a copy); the whole graph (a
    copy) when neither is given.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph of the graph contract (:mod:`graph.schema`).
    community, street : str, optional
        The code of the community or of the street (at most one).

    Returns
    -------
    networkx.MultiDiGraph
        The subgraph induced by :func:`scope_nodes`, attributes and edge
        keys kept.

    Raises
    ------
    NotFound
        When the community or street is not in ``G``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("Community:C1", "Street:S1", key="IN", type="IN")
    >>> G.add_edge("Community:C2", "Street:S1", key="IN", type="IN")
    >>> sorted(subgraph(G, community="C1"))
    ['Community:C1', 'Street:S1']
    """
    if community is None and street is None:
        return G.copy()
    return G.subgraph(scope_nodes(G, community=community, street=street)).copy()
