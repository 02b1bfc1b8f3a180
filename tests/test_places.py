"""Where a node lies (:mod:`graph.places`), held together with everyone who
asks: the analysis' View (where a finding is filed), the API's street limit
(:class:`graph.places.Places`, through ``api.lookup.Lookup``), the explorer's
layout (:func:`graph.places.community_of`), the scope walk
(:func:`graph.scope.scope_nodes`) and an import's ownership tags
(:func:`graph.places.keeping_streets`) -- on the demo county, on random demo
rosters of other seeds and sizes, and on the small rich roster whose shapes
cross streets.
"""

from __future__ import annotations

import datetime as dt

import pytest

from api.lookup import Lookup
from graph import schema
from graph.analysis.view import View
from graph.build import roster_to_graph
from graph.explorer.places import community_of, street_of
from graph.places import Places, keeping_streets
from graph.scope import scope_nodes
from loaders.demo import generate
from graph_kit import rich_roster

AS_OF = dt.date(2026, 6, 30)


def _graphs():
    yield "demo county", roster_to_graph(generate(seed=2024, as_of=AS_OF))
    for seed, scale in ((7, 0.3), (11, 0.5), (99, 0.2)):
        yield f"random roster (seed {seed}, scale {scale})", roster_to_graph(
            generate(seed=seed, scale=scale, as_of=AS_OF))
    yield "rich roster", roster_to_graph(rich_roster())


GRAPHS = dict(_graphs())


def _codes(G, label):
    return [a["code"] for _, a in G.nodes(data=True) if a.get("label") == label]


@pytest.fixture(scope="module", params=sorted(GRAPHS))
def case(request):
    G = GRAPHS[request.param]
    return G, View(G, AS_OF), Places(G)


def test_the_lookup_reads_the_one_definition(case) -> None:
    G, _, places = case
    lk = Lookup(G)
    assert lk.streets_of == places.streets_of and lk.communities_of == places.communities_of
    s = _codes(G, "Street")[0]
    assert all(lk.in_street(n, s) == (s in places.streets_of[n]) for n in G)


def test_a_finding_is_filed_where_its_subject_lies(case) -> None:
    """The View's one community and street of an org are among those it lies
    in, or (a unit org taken in elsewhere) those of the committee it is taken
    into; a person's are those of one of the orgs they hold a post in."""
    G, view, places = case

    def org_places(code):
        n = schema.org_id(code)
        cs, ss = set(places.communities_of[n]), set(places.streets_of[n])
        for m in view.member_of.get(code, ()):
            cs |= places.communities_of[schema.org_id(m)]
            ss |= places.streets_of[schema.org_id(m)]
        return cs, ss

    checked = 0
    for code in _codes(G, "PartyOrg"):
        c, s = view.org_place(code)
        cs, ss = org_places(code)
        assert c is None or c in cs, (code, c, cs)
        assert s is None or s in ss, (code, s, ss)
        checked += c is not None
    for code in _codes(G, "Person"):
        c, s = view.person_place(code)
        if s is None:
            continue
        held = [p.org for p in view.posts_of_person.get(code, ())]
        assert any(s in org_places(o)[1] and (c is None or c in org_places(o)[0])
                   for o in held), (code, c, s)
        checked += 1
    assert checked > 0


def test_the_explorer_places_orgs_and_people_where_the_view_does(case) -> None:
    G, view, _ = case
    communities = community_of(G, view)
    streets = street_of(G, view, communities)
    for label, place_of, node in (("PartyOrg", view.org_place, schema.org_id),
                                  ("Person", view.person_place, schema.person_id)):
        for code in _codes(G, label):
            c, s = place_of(code)
            n = node(code)
            if c is not None:
                assert communities[n] == schema.community_id(c)
            elif s is not None and label == "PartyOrg":
                assert streets[n] == schema.street_id(s)


def test_what_lies_in_a_street_is_in_its_scope_and_kept_for_it(case) -> None:
    """Every node lying in a street is in that street's scope (so its
    analysis and explorer see it) and an import of that street keeps it."""
    G, _, places = case
    streets = _codes(G, "Street")
    tags, _ = keeping_streets(G, streets)
    for s in streets:
        scope = scope_nodes(G, street=s)
        lying = {n for n in G if places.lies_in(n, s)}
        assert lying and lying <= scope, s
        assert all(s in tags[n] for n in lying), s
    for c in _codes(G, "Community"):
        lying = {n for n in G if c in places.communities_of.get(n, ())}
        assert lying <= scope_nodes(G, community=c), c
