"""Matching open needs to resources (graph/analysis/matching.py): the
preferences in order, capacity, needs left open with why, and optimality
against brute force on small random cases."""

from __future__ import annotations

import itertools
import random

from activity_kit import AS_OF, DAY, activity
from graph.analysis.matching import WEIGHTS, match_needs, open_needs
from graph.analysis.view import View


def view(k):
    return View(k.graph(), AS_OF)


def two_communities():
    """C1 (with OC1 and member units U1-U3 of perfect()) and C2 in the same
    street with a unit U9 that is nobody's member; S2/C3 with U8."""
    k = activity().community("C2", "S1").unit("U9", "C2")
    k.street("S2").community("C3", "S2").unit("U8", "C3")
    k.project("J0")  # the projects table is there
    return k


def proposals(m):
    return {p.need: p.resource for p in m.proposals}


def test_only_open_needs_are_matched():
    k = two_communities().resource("R1", "U1", category="care")
    k.need("N1", "C1").need("N2", "C1", status="claimed").need("N3", "C1", claimed_by="OU2")
    k.need("N4", "C1").project("J1", needs=["N4"], start=AS_OF).need("N5", "C1", date=AS_OF + DAY)
    k.need("N6", "C1").project("J2", needs=["N6"], start=AS_OF + DAY)  # not under way yet
    assert open_needs(view(k)) == ["N1", "N6"]


def test_same_category_first_then_same_community():
    k = two_communities().need("N1", "C1", category="health")
    k.resource("R1", "U1", category="care")  # same community, other category
    k.resource("R2", "U8", category="health")  # other street, same category
    [p] = match_needs(view(k)).proposals
    assert (p.need, p.resource) == ("N1", "R2")
    assert "同类：医疗健康" in p.reasons_zh and "same community" not in p.reasons_en


def test_community_then_street_then_member_then_rating():
    k = two_communities().need("N1", "C1")
    k.resource("R8", "U8").resource("R9", "U9")
    assert proposals(match_needs(view(k))) == {"N1": "R9"}  # same street beats another street
    k.resource("R2", "U2")
    [p] = match_needs(view(k)).proposals
    assert p.resource == "R2" and "same community" in p.reasons_en
    assert p.score == WEIGHTS["community"] + WEIGHTS["street"] + WEIGHTS["member"] + 2 * 3


def test_membership_and_past_ratings_decide_between_equals():
    k = two_communities().need("N1", "C2").unit("U7", "C2").org("OU7", "unit_branch", units=["U7"])
    k.resource("R7", "U7").resource("R9", "U9")
    k.project("J5", resources=["R9"], end=AS_OF - 300 * DAY, rating=5, feedback_date=AS_OF - 290 * DAY)
    k.project("J6", resources=["R7"], end=AS_OF - 300 * DAY, rating=2, feedback_date=AS_OF - 290 * DAY)
    [p] = match_needs(view(k)).proposals
    assert p.resource == "R9" and "以往评价平均 5.0 分" in p.reasons_zh


def test_a_venue_serves_one_need_and_the_other_is_left_open_with_why():
    k = two_communities().resource("R1", "U1", category="venue")
    k.need("N1", "C1", category="venue").need("N2", "C1", category="venue")
    k.need("N3", "C1", category="legal")
    m = match_needs(view(k))
    assert len(m.proposals) == 1 and m.capacity["R1"] == 0
    why = {u.need: u.why_en for u in m.unmatched}
    assert "at capacity" in why[({"N1", "N2"} - {m.proposals[0].need}).pop()]
    assert "no registered resource of its category" in why["N3"]


def test_a_service_serves_up_to_its_capacity_minus_projects_under_way():
    k = two_communities().resource("R1", "U1", category="care")
    for i in range(4):
        k.need(f"N{i}", "C1")
    assert len(match_needs(view(k)).proposals) == 3
    assert len(match_needs(view(k), service_capacity=4).proposals) == 4
    k.project("J9", resources=["R1"], start=AS_OF - 10 * DAY)  # under way: takes one place
    assert len(match_needs(view(k)).proposals) == 2


def test_agrees_with_brute_force_on_random_cases():
    """As many needs served as capacities allow, then the greatest total score:
    every assignment of small random cases is tried."""
    cats = ("venue", "care", "health")
    for seed in range(60):
        rnd = random.Random(seed)
        k = two_communities()
        units = ["U1", "U2", "U3", "U8", "U9"]
        for i in range(rnd.randint(1, 4)):
            k.resource(f"R{i}", rnd.choice(units), category=rnd.choice(cats))
        for i in range(rnd.randint(1, 5)):
            k.need(f"N{i}", rnd.choice(["C1", "C2", "C3"]), category=rnd.choice(cats))
        v = view(k)
        m = match_needs(v, service_capacity=2)
        got = (len(m.proposals), sum(p.score for p in m.proposals))
        assert got == _brute_force(v, m), seed


def _brute_force(v, m):
    """The best (needs served, total score) over every assignment."""
    from graph.analysis.matching import _capacity

    needs = open_needs(v)
    cap = _capacity(v, 2)
    res = sorted(cap)
    best = (0, 0)
    pairs = {}
    for n in needs:
        for r in res:
            if v.attr("Need", n, "category") != v.attr("Resource", r, "category"):
                continue
            pairs[(n, r)] = _pair_score(v, n, r)
    for choice in itertools.product(*[[None] + [r for r in res if (n, r) in pairs] for n in needs]):
        used = {}
        ok = True
        for r in choice:
            if r is not None:
                used[r] = used.get(r, 0) + 1
                ok &= used[r] <= cap[r]
        if not ok:
            continue
        served = sum(1 for r in choice if r is not None)
        total = sum(pairs[(n, r)] for n, r in zip(needs, choice) if r is not None)
        best = max(best, (served, total))
    return best


def _pair_score(v, n, r):
    """The documented score, computed plainly."""
    a = v.activity
    x = a.need_community[n]
    unit = a.resource_unit[r]
    s = 0
    if v.unit_community[unit] == x:
        s += WEIGHTS["community"] + WEIGHTS["street"]
    elif v.street_of(v.unit_community[unit]) == v.street_of(x):
        s += WEIGHTS["street"]
    members = {u for c in v.community_orgs if v.org_community.get(c) == x
               for o in v.members.get(c, ()) for u in v.org_units.get(o, ())}
    if unit in members:
        s += WEIGHTS["member"]
    return s + 2 * 3


def test_demo_county_proposals_all_fit():
    from datetime import date

    from graph.build import roster_to_graph
    from loaders.demo import generate

    as_of = date(2025, 6, 30)
    v = View(roster_to_graph(generate(seed=2024, scale=1, as_of=as_of)), as_of)
    m = match_needs(v)
    assert m.proposals, "the demo has open needs with resources of their category"
    for p in m.proposals:
        assert v.attr("Need", p.need, "category") == v.attr("Resource", p.resource, "category")
        assert p.need in open_needs(v)
    used = {}
    for p in m.proposals:
        used[p.resource] = used.get(p.resource, 0) + 1
    assert all(m.capacity[r] >= 0 for r in used)
