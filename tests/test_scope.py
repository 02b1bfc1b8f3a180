"""graph.scope on NetworkX graphs: the scope of a community and of a street."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from graph.analysis import analyze
from loaders.demo import generate

from graph.build import roster_to_graph
from graph.errors import NotFound
from graph.scope import scope_nodes, subgraph
from graph_kit import rich_roster


def ids(*names: str) -> set[str]:
    return set(names)


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return roster_to_graph(rich_roster())


def test_community_scope_follows_the_definition(G):
    # worked out by hand from the definition in graph/scope.py's docstring
    expected = ids(
        # places: C1, its street, grids, units, compounds
        "Community:C1", "Street:S1", "Grid:G1", "Grid:G2", "Unit:U1", "Unit:U2", "Unit:U3",
        "Compound:K1",
        # local orgs (of C1, G1, U1, U2 via the joint branch, U3), members of PC1
        "PartyOrg:PC1", "PartyOrg:GB1", "PartyOrg:UO1", "PartyOrg:J1", "PartyOrg:UO3",
        "PartyOrg:UO5",
        # the members' units, also those located elsewhere (U4 in C2, U5 in C3)
        "Unit:U4", "Unit:U5",
        # people posted in those orgs, and the orgs of all their posts
        "Person:P1", "Person:P2", "Person:P3", "Person:P4", "Person:P5", "Person:P8",
        "Person:P9", "PartyOrg:PC2", "PartyOrg:PC3",
        # county leader (liaison of C1 and in charge of S1), central household, registrants
        "Person:P10", "Person:P12",
        # lists: N1 raised by C1, R1 offered by U1; projects PR1 (N1), PR2 (R1) and theirs
        "Need:N1", "Need:N2", "Resource:R1", "Resource:R2", "Project:PR1", "Project:PR2",
        # placement: UO1 is also taken into SW1; U4 sits in C2, U5 and PC3 in C3 (of S2)
        "PartyOrg:SW1", "Community:C2", "Community:C3", "Street:S2",
    )
    assert scope_nodes(G, community="C1") == expected


def test_community_scope_leaves_out_other_communities_surroundings(G):
    nodes = scope_nodes(G, community="C1")
    # C2 and C3 are there as places only: none of their grids, units, compounds,
    # own people or needs; nor the street committee's own people
    for other in ("Grid:G3", "Grid:G4", "Unit:U6", "Compound:K2", "Compound:K3",
                  "PartyOrg:GG3", "PartyOrg:SW2", "Person:P6", "Person:P7", "Person:P11",
                  "Person:P13", "Person:P14", "Person:P16", "Need:N3"):
        assert other not in nodes


def test_street_scope_is_its_communities_plus_its_own_orgs_and_leaders(G):
    s1 = scope_nodes(G, street="S1")
    c1, c2 = scope_nodes(G, community="C1"), scope_nodes(G, community="C2")
    # SW1 and its secretary P7 are the street's own; UO1 (member of SW1) is in C1 already
    assert s1 == c1 | c2 | ids("PartyOrg:SW1", "Person:P7")
    assert "Grid:G4" not in s1 and "Person:P6" not in s1


def test_subgraph_is_induced_and_keeps_keys_and_attributes(G):
    H = subgraph(G, community="C1")
    assert set(H) == scope_nodes(G, community="C1")
    for u, v, k, d in G.edges(keys=True, data=True):
        if u in H and v in H:
            assert H.edges[u, v, k] == d
        else:
            assert not H.has_edge(u, v, k)
    for n in H:
        assert H.nodes[n] == G.nodes[n]
    # P8's two terms in PC1 are two edges with their own keys
    assert H.number_of_edges("Person:P8", "PartyOrg:PC1") == 2
    # P5's post in PC3 is there, and where PC3 sits; C3's own grid is not
    assert H.has_edge("Person:P5", "PartyOrg:PC3")
    assert H.has_edge("PartyOrg:PC3", "Community:C3", "BELONGS_TO")
    assert not H.has_node("Grid:G4")


def test_subgraph_is_a_copy(G):
    H = subgraph(G, street="S2")
    H.add_node("Street:S9", label="Street", code="S9", name="x")
    H.nodes["Street:S2"]["name"] = "changed"
    assert "Street:S9" not in G and G.nodes["Street:S2"]["name"] == "东城街道"
    W = subgraph(G)
    assert nx.utils.graphs_equal(W, G) and W is not G


def test_unknown_codes_raise_not_found(G):
    with pytest.raises(NotFound) as err:
        subgraph(G, community="C99")
    assert "C99" in err.value.message_zh and "C99" in err.value.message_en
    with pytest.raises(NotFound):
        scope_nodes(G, street="S99")


def test_both_or_neither_scope_is_an_error(G):
    with pytest.raises(ValueError):
        scope_nodes(G, community="C1", street="S1")
    with pytest.raises(ValueError):
        scope_nodes(G)
    with pytest.raises(ValueError):
        subgraph(G, community="C1", street="S1")


def test_empty_street_scope_is_the_street_alone():
    from graph.roster import Roster

    r = Roster()
    r.add("streets", {"code": "S1", "name": "空街道"})
    assert scope_nodes(roster_to_graph(r), street="S1") == {"Street:S1"}


# ------------------------------------------------- same findings as the whole graph

AS_OF = dt.date(2025, 6, 30)


@pytest.mark.parametrize("seed,scale", [(1, 1.0), (7, 0.5)])
def test_scoped_analysis_finds_what_the_whole_graph_finds(seed, scale):
    """The promise analysis relies on: analyzing a community's (street's)
    scope gives the findings the whole graph gives for it."""
    roster = generate(seed=seed, scale=scale, as_of=AS_OF)
    G = roster_to_graph(roster)
    whole = analyze(G, AS_OF, with_structure=False)
    assert whole.findings, "the demo county has gaps of every kind"
    for c in sorted(roster.codes("communities")):
        scoped = analyze(subgraph(G, community=c), AS_OF, community=c, with_structure=False)
        assert scoped.findings == whole.findings_for(community=c), c
        assert subgraph(G, community=c).number_of_nodes() < G.number_of_nodes()
    for s in sorted(roster.codes("streets")):
        scoped = analyze(subgraph(G, street=s), AS_OF, street=s, with_structure=False)
        assert scoped.findings == whole.findings_for(street=s), s


def test_scoped_analysis_of_the_rich_roster(G):
    whole = analyze(G, AS_OF, with_structure=False)
    for c in ("C1", "C2", "C3"):
        scoped = analyze(subgraph(G, community=c), AS_OF, community=c, with_structure=False)
        assert scoped.findings == whole.findings_for(community=c), c
