"""Which community each node belongs to, for layout and grouping (one of
the readings of where a node lies that :mod:`graph.places` holds together).

The analysis view already knows where units, grids, compounds, orgs and
people lie (:class:`graph.analysis.view.View`); this module asks it and
places the remaining nodes (needs, resources, projects, people without a
post that counts) after their neighbours. Streets and whatever hangs only
off a street (the street's working committee, county leaders) have no
community: ``None``.
"""

from __future__ import annotations

from collections import Counter

from graph import schema

__all__ = ["community_of", "street_of"]


def community_of(G, view) -> dict[str, str | None]:
    """Map every node id of ``G`` to the node id of its community, or ``None``.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.roster import Roster
    >>> from graph.build import roster_to_graph
    >>> from graph.analysis.view import View
    >>> r = Roster()
    >>> _ = r.add("streets", {"code": "S1", "name": "城关街道"})
    >>> _ = r.add("communities", {"code": "C1", "name": "东关社区", "street": "S1"})
    >>> _ = r.add("grids", {"code": "G1", "name": "一网格", "community": "C1"})
    >>> G = roster_to_graph(r)
    >>> community_of(G, View(G, date(2024, 1, 1)))["Grid:G1"]
    'Community:C1'
    """
    out: dict[str, str | None] = {}
    unplaced: list[str] = []

    def cid(code: str | None) -> str | None:
        if not code:
            return None
        nid = schema.community_id(code)
        return nid if G.has_node(nid) else None

    by_label = {
        "Unit": view.unit_community,
        "Grid": view.grid_community,
        "Compound": view.compound_community,
    }
    for nid, attrs in G.nodes(data=True):
        label, code = schema.split_node_id(nid)
        place: str | None = None
        if label == "Community":
            place = nid
        elif label in by_label:
            place = cid(by_label[label].get(code))
        elif label == "PartyOrg":  # a street's working committee stays None
            out[nid] = cid(view.org_place(code)[0])
            continue
        elif label == "Person":
            place = cid(view.person_place(code)[0])
        elif label == "Street":
            out[nid] = None
            continue
        if place is None:
            unplaced.append(nid)
        out[nid] = place

    # the rest follow the majority of their placed neighbours (two rounds:
    # a project follows its need, which follows its community)
    for _ in range(2):
        still = []
        for nid in unplaced:
            votes = Counter(out.get(m) for m in (*G.successors(nid), *G.predecessors(nid)))
            votes.pop(None, None)
            if votes:
                out[nid] = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            else:
                still.append(nid)
        unplaced = still
    return out


def street_of(G, view, places: dict[str, str | None]) -> dict[str, str | None]:
    """Map the nodes without a community to the node id of their street
    (the street itself, its working committee and its staff, a county leader
    in charge of it), or ``None`` (a leader of several streets, say)."""
    out: dict[str, str | None] = {}
    for nid, place in places.items():
        if place is not None:
            continue
        label, code = schema.split_node_id(nid)
        street = None
        if label == "Street":
            street = code
        elif label == "PartyOrg":
            street = view.org_place(code)[1]
        elif label == "Person":  # street staff; a leader in charge of one street
            street = view.person_place(code)[1]
            streets = sorted(schema.split_node_id(v)[1] for _, v, d in G.out_edges(nid, data=True)
                             if d.get("type") == "IN_CHARGE_OF")
            if street is None and len(streets) == 1:
                street = streets[0]
        sid = schema.street_id(street) if street else None
        out[nid] = sid if sid and G.has_node(sid) else None
    return out
