"""Where a node lies: the one module that says it, for every reader.

Three questions, one set of rules (``domain.md``: a community is ``IN`` a
street; grids, units and compounds are ``IN`` a community; an org
``BELONGS_TO`` a community, grid, unit or street; a person lies where their
posts are):

* :class:`Places` -- the communities and streets each node lies in (a set:
  a joint branch or a person with posts in two streets lies in both). The
  API's street-limited tokens see what lies in their street, and its
  answers list these places.
* :meth:`graph.analysis.view.View.org_place` / ``person_place`` -- *the one*
  community and street of an org or person on the as-of date, the place a
  finding is filed under (a unit org taken into a community's committee is
  filed there). :func:`graph.explorer.places.community_of` places every
  other node after it, for the explorer's layout and grouping.
* :func:`keeping_streets` -- the streets an import keeps each node for: those
  whose scope (:func:`graph.scope.scope_nodes`) holds it, which is where it
  lies and also where it is needed to analyze a street (a cross-appointed
  person's other orgs, the committee a unit org is taken into).

They hold together (``tests/test_places.py``, on the demo county and random
rosters): the View's street of an org or person is one of its
:class:`Places` streets, the explorer's community of a placed org or person
is the View's, and every street a node lies in keeps it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import networkx as nx

__all__ = ["Places", "keeping_streets"]

_EMPTY: frozenset[str] = frozenset()

#: How a node of each label finds its place: the relationships it leaves by,
#: tried in order (the next only when the first gave no street).
PLACED_VIA: dict[str, tuple[tuple[str, ...], ...]] = {
    "Grid": (("IN",),),
    "Unit": (("IN",),),
    "Compound": (("IN",),),
    # an org that belongs nowhere lies where the committees it is in lie
    "PartyOrg": (("BELONGS_TO",), ("MEMBER_OF", "UNDER")),
    "Person": (("HOLDS", "LIAISES_WITH", "IN_CHARGE_OF", "CENTRAL_HOUSEHOLD_IN",
                "REGISTERED_WITH", "SERVED"),),
    "Need": (("RAISED_BY",),),
    "Resource": (("OFFERED_BY",),),
    "Project": (("MEETS", "USES"), ("LED_BY",)),
    # an agreement lies where its community org lies, a meeting where its convener does
    "Agreement": (("SIGNED_WITH",), ("SIGNED_BY",)),
    "Meeting": (("CONVENED_BY",),),
}


class Places:
    """The communities and streets every node of ``G`` lies in (codes).

    A street lies in itself; a community in itself and its street; grids,
    units and compounds where they are ``IN``; an org where what it
    ``BELONGS_TO`` lies (else where its committees lie); a person where the
    orgs of their posts (any date), the communities they keep in touch with,
    the streets they are in charge of, their grids and registrations lie;
    needs, resources and projects where who raised, offered or uses them
    (else, a project, where who leads it); an agreement where its community
    org lies, a meeting where the org that convened it lies.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    by_label, outgoing, held : optional
        Indexes a caller has already built (node ids by label; targets by
        ``(node, type)``; the orgs each person holds posts in).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("Street:S1", label="Street", code="S1")
    >>> G.add_node("Community:C1", label="Community", code="C1")
    >>> G.add_edge("Community:C1", "Street:S1", type="IN")
    0
    >>> p = Places(G)
    >>> sorted(p.streets_of["Community:C1"]), p.lies_in("Community:C1", "S2")
    (['S1'], False)
    """

    def __init__(self, G: nx.MultiDiGraph, *, by_label: dict[str, list[str]] | None = None,
                 outgoing: dict[tuple[str, str], list[str]] | None = None,
                 held: dict[str, list[str]] | None = None) -> None:
        if by_label is None or outgoing is None or held is None:
            by_label, outgoing, held = defaultdict(list), defaultdict(list), defaultdict(list)
            for n, a in G.nodes(data=True):
                by_label[a.get("label")].append(n)
            for u, v, t in G.edges(data="type"):
                (held[u] if t == "HOLDS" else outgoing[(u, t)]).append(v)
        self._outgoing = outgoing
        self._held = held
        self.communities_of: dict[str, frozenset[str]] = {}
        self.streets_of: dict[str, frozenset[str]] = {}
        for n in by_label.get("Street", ()):
            self.communities_of[n] = _EMPTY
            self.streets_of[n] = frozenset({G.nodes[n]["code"]})
        for n in by_label.get("Community", ()):
            _, ss = self._via(n, ("IN",))
            self.communities_of[n] = frozenset({G.nodes[n]["code"]})
            self.streets_of[n] = ss
        for label, ways in PLACED_VIA.items():
            nodes = by_label.get(label, ())
            for n in nodes:
                self.communities_of[n], self.streets_of[n] = self._via(n, ways[0])
            for way in ways[1:]:
                for n in nodes:
                    if not self.streets_of[n]:
                        self.communities_of[n], self.streets_of[n] = self._via(n, way)

    def _via(self, n: str, types: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
        cs: set[str] = set()
        ss: set[str] = set()
        for t in types:
            for m in (self._held.get(n, ()) if t == "HOLDS" else self._outgoing.get((n, t), ())):
                cs |= self.communities_of.get(m, _EMPTY)
                ss |= self.streets_of.get(m, _EMPTY)
        return frozenset(cs), frozenset(ss)

    def lies_in(self, n: str, street: str) -> bool:
        """Whether node ``n`` lies in ``street`` (a code)."""
        return street in self.streets_of.get(n, _EMPTY)


def keeping_streets(G: nx.MultiDiGraph, streets: Iterable[str]):
    """The streets of ``streets`` an import keeps each node and edge of ``G``
    for: a node, those whose scope holds it (all of them when none does: a
    person with no post, say); an edge, those whose scope holds both its
    ends, or else the union of its two ends' streets.

    Returns
    -------
    (dict node id -> set of str, dict (u, v, key) -> set of str)
    """
    from graph.scope import IndexedWalk, scope_nodes

    streets = tuple(streets)
    raw: dict[str, set[str]] = defaultdict(set)
    if len(streets) > 1:  # with one street, everything is kept for it
        walk = IndexedWalk(G)
        for s in streets:
            for n in scope_nodes(walk, street=s):
                raw[n].add(s)
    whole = set(streets)
    node_tags = {n: (raw[n] if raw.get(n) else whole) for n in G}
    edge_tags = {}
    none: set[str] = set()
    for u, v, k in G.edges(keys=True):
        both = raw.get(u, none) & raw.get(v, none)
        edge_tags[(u, v, k)] = both or (node_tags[u] | node_tags[v])
    return node_tags, edge_tags
