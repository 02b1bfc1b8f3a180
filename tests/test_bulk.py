"""graph.bulk: the collector is paused while any bulk work runs and runs
again after the last one, if it was running before; the bulk adders build
exactly the graph networkx's own methods build."""

from __future__ import annotations

import gc
import threading

import networkx as nx
import pytest

from graph.bulk import add_edges, add_nodes, paused_gc


def test_nested_uses_resume_the_collector_after_the_outermost() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_uses_in_threads_resume_it_once_all_are_done() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first() -> None:
        with paused_gc():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with paused_gc():
            second_in.set()
            first_out.wait(5)
            seen["after the first ended"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after the first ended": False}
    assert gc.isenabled()


def test_an_error_inside_still_resumes_it() -> None:
    try:
        with paused_gc():
            raise KeyError("x")
    except KeyError:
        pass
    assert gc.isenabled()


def _same(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    """Equal nodes, edges (keys and data, in order) and both adjacencies."""
    assert list(G.nodes(data=True)) == list(H.nodes(data=True))
    assert list(G.edges(keys=True, data=True)) == list(H.edges(keys=True, data=True))
    assert list(G.in_edges(keys=True, data=True)) == list(H.in_edges(keys=True, data=True))
    assert {n: list(G.pred[n]) for n in G} == {n: list(H.pred[n]) for n in H}


def _items():
    nodes = [("Person:P1", {"label": "Person"}), ("PartyOrg:O1", {"label": "PartyOrg"}),
             ("Community:C1", {"label": "Community"})]
    edges = [("Person:P1", "PartyOrg:O1", "HOLDS|委员", {"type": "HOLDS", "role": "委员"}),
             ("Person:P1", "PartyOrg:O1", "HOLDS|书记", {"type": "HOLDS", "role": "书记"}),
             ("PartyOrg:O1", "Community:C1", "BELONGS_TO", {"type": "BELONGS_TO"}),
             ("PartyOrg:O1", "PartyOrg:O1", "UNDER", {"type": "UNDER"}),  # a loop
             ("Person:P1", "PartyOrg:O1", "HOLDS|委员", {"since": 2020}),  # the same key again
             ("Person:P2", "Community:C1", "SERVED", {"type": "SERVED"})]  # a new end
    return nodes, edges


@pytest.mark.parametrize("kind", [nx.MultiDiGraph, type("Sub", (nx.MultiDiGraph,), {})])
def test_the_bulk_adders_build_what_networkx_builds(kind) -> None:
    nodes, edges = _items()
    G = kind()
    G.add_nodes_from((n, dict(d)) for n, d in nodes)
    G.add_edges_from((u, v, k, dict(d)) for u, v, k, d in edges)
    G.add_nodes_from([("Person:P1", {"name": "甲"})])
    H = kind()
    add_nodes(H, ((n, dict(d)) for n, d in nodes))
    add_edges(H, ((u, v, k, dict(d)) for u, v, k, d in edges))
    add_nodes(H, [("Person:P1", {"name": "甲"})])
    _same(G, H)
    # one key dict shared by both directions, as networkx keeps it
    H.edges["Person:P1", "PartyOrg:O1", "HOLDS|书记"]["end"] = "x"
    assert H.pred["PartyOrg:O1"]["Person:P1"]["HOLDS|书记"]["end"] == "x"


def test_the_bulk_adders_refuse_none_as_a_node() -> None:
    with pytest.raises(ValueError):
        add_nodes(nx.MultiDiGraph(), [(None, {})])
    with pytest.raises(ValueError):
        add_edges(nx.MultiDiGraph(), [("a", None, "k", {})])


def test_the_bulk_adders_clear_what_networkx_caches() -> None:
    G = nx.MultiDiGraph()
    add_nodes(G, [("a", {}), ("b", {})])
    assert nx.number_weakly_connected_components(G) == 2
    G.__networkx_cache__["stale"] = True
    add_edges(G, [("a", "b", "k", {})])
    assert "stale" not in G.__networkx_cache__
