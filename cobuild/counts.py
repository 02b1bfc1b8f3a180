"""How much there is in each street and community: grids, compounds,
resident units, party organizations, people and posts.

Places are those of the analysis' :class:`~graph.analysis.view.View`: a unit
org lies where :meth:`View.org_place` puts it (a joint branch counts once), a
person where :meth:`View.person_place` puts them (people with no post that
counts on the as-of date have no place and are not counted), a post in the
place of its org. A street's figures include what lies in the street but in
none of its communities (the street party working committee and its people).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import networkx as nx

from graph import schema
from graph.analysis.view import View

__all__ = ["FIGURES", "HEADINGS", "place_counts"]

#: The figures counted per place, in display order.
FIGURES: tuple[str, ...] = ("grids", "compounds", "model_compounds", "units", "community_orgs",
                            "unit_orgs", "grid_orgs", "people", "posts")

#: Column headings (Chinese with English beside) for the keys of the rows.
HEADINGS: dict[str, str] = {
    "street": "街道编码 street",
    "street_name": "街道 street name",
    "community": "社区编码 community",
    "community_name": "社区 community name",
    "communities": "社区 communities",
    "grids": "网格 grids",
    "compounds": "小区 compounds",
    "model_compounds": "红色物业示范小区 model compounds",
    "units": "驻区单位 resident units",
    "community_orgs": "社区党组织 community orgs",
    "unit_orgs": "单位党组织 unit orgs",
    "grid_orgs": "网格党组织 grid orgs",
    "people": "在任人员 people holding a post",
    "posts": "在任职务 posts",
}


def _zero() -> Counter:
    return Counter({k: 0 for k in FIGURES})


def place_counts(G: nx.MultiDiGraph, as_of: date | None = None) -> dict:
    """Counts per community, per street and for the whole graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The co-building graph.
    as_of : datetime.date, optional
        People and posts count when a post counts on this date (default:
        today).

    Returns
    -------
    dict
        ``{"communities": [...], "streets": [...], "county": {...}}``; a
        community row has ``street, street_name, community, community_name``
        and the :data:`FIGURES`, a street row ``street, street_name,
        communities`` and the figures, the county the figures and
        ``streets, communities`` (everything in the graph, placed or not).

    Examples
    --------
    >>> place_counts(nx.MultiDiGraph(), date(2024, 1, 1))["county"]["units"]
    0
    """
    view = View(G, as_of or date.today())
    communities = sorted(view.nodes.get("Community", {}))
    streets = sorted(view.nodes.get("Street", {}))
    by_community = {x: _zero() for x in communities}
    by_street = {s: _zero() for s in streets}
    county = _zero()

    def add(place: tuple[str | None, str | None], key: str, n: int = 1) -> None:
        community, street = place
        county[key] += n
        if community in by_community:
            by_community[community][key] += n
        if street in by_street:
            by_street[street][key] += n

    def in_community(community: str | None) -> tuple[str | None, str | None]:
        return community, view.street_of(community)

    for x in view.grid_community.values():
        add(in_community(x), "grids")
    for c, x in view.compound_community.items():
        add(in_community(x), "compounds")
        if view.attr("Compound", c, "model"):
            add(in_community(x), "model_compounds")
    for x in view.unit_community.values():
        add(in_community(x), "units")
    for o, kind in view.org_kind.items():
        group = schema.org_group(kind)
        if group in ("community", "unit", "grid"):
            add(view.org_place(o), f"{group}_orgs")
    for person in view.posts_of_person:
        add(view.person_place(person), "people")
    for p in view.posts:
        add(view.org_place(p.org), "posts")

    community_rows = []
    for x in communities:
        s = view.street_of(x)
        community_rows.append({
            "street": s, "street_name": view.name("Street", s) if s else None,
            "community": x, "community_name": view.name("Community", x),
            **{k: by_community[x][k] for k in FIGURES},
        })
    community_rows.sort(key=lambda r: (r["street"] or "", r["community"]))
    street_rows = [{
        "street": s, "street_name": view.name("Street", s),
        "communities": sum(1 for x in communities if view.street_of(x) == s),
        **{k: by_street[s][k] for k in FIGURES},
    } for s in streets]
    return {
        "communities": community_rows,
        "streets": street_rows,
        "county": {"streets": len(streets), "communities": len(communities),
                   **{k: county[k] for k in FIGURES}},
    }
