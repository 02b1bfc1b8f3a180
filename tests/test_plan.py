"""The 补齐方案 (graph.planning.recommend) on tiny rosters whose optimal plan
is known by hand, on random rosters against a brute-force optimum, and on
the demo county."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from analysis_kit import AS_OF
from graph.analysis import analyze
from graph.build import roster_to_graph
from graph.planning import AddPost, apply_changes, recommend
from graph.planning.problem import State, build_problem
from graph.analysis import run_rules
from graph.analysis.view import View
from graph.planning.solver import greedy, solve
from plan_kit import base, greedy_trap, paper_members, policy, random_kit, random_policy


def posts(plan) -> set[tuple[str, str, str]]:
    return {(p.candidate.person, p.candidate.org, p.candidate.role) for p in plan.proposals}


def closes(plan) -> Counter:
    return Counter(f.rule for p in plan.proposals for f in p.closes)


# -- known optimum ----------------------------------------------------------


def test_paper_members_known_optimum_four_posts():
    G = paper_members(3).graph()
    plan = recommend(G, AS_OF)
    # G01 needs three distinct member-unit people in OC1 (3 posts U → C),
    # G06 one two-way member (one more post C → U): 4 is the least
    assert plan.solution.optimal and plan.check.ok
    assert plan.before == {"G01": 1, "G05": 3, "G06": 1}
    assert len(plan.proposals) == 4
    got = posts(plan)
    assert {("P1", "OC1", "part_time_member"), ("P2", "OC1", "part_time_member"),
            ("P3", "OC1", "part_time_member")} <= got
    [down] = [p for p in plan.proposals if p.candidate.direction == "c_to_u"]
    assert down.candidate.person == "Q1" and down.candidate.role == "member"
    # the members on paper became one-way (progress), one of them two-way
    assert plan.after == {"G04": 2}
    assert len(plan.check.progress) == 2 and not plan.check.new
    assert plan.unclosable == []
    # every proposal says why, in both languages, naming the person
    for p in plan.proposals:
        assert p.closes and p.candidate.person in p.reason_zh and p.candidate.person in p.reason_en
        assert "（" in p.reason_zh and "。" in p.reason_zh


def test_every_claimed_closure_holds_after_applying_the_posts():
    G = paper_members(3).graph()
    plan = recommend(G, AS_OF)
    H = apply_changes(G, plan.changes, AS_OF)
    after = analyze(H, AS_OF, with_structure=False).findings
    left = {(f.rule, f.subject.code) for f in after}
    for p in plan.proposals:
        for f in p.closes:
            assert (f.rule, f.subject.code) not in left


def test_greedy_is_worse_than_the_optimum():
    G = greedy_trap().graph()
    pol = policy(G01={"enabled": False}, G06={"enabled": False})
    best = recommend(G, AS_OF, pol)
    greedy_plan = recommend(G, AS_OF, pol, method="greedy")
    assert best.before == {"G04": 6}
    assert best.after == {} and greedy_plan.after == {}
    assert posts(best) == {("A", "OC1", "part_time_member"), ("B", "OC1", "part_time_member")}
    assert len(greedy_plan.proposals) == 3 and ("X", "OC1", "part_time_member") in posts(greedy_plan)
    assert best.solution.optimal and best.check.ok and greedy_plan.check.ok


def test_a_limit_makes_a_finding_unclosable():
    k = paper_members(1)
    # P1 (the only person in OU1) already holds three part-time posts elsewhere
    for i in range(3):
        k.unit(f"V{i}", "C1").org(f"OV{i}", "unit_branch", units=[f"V{i}"])
        k.post("P1", f"OV{i}")
    G = k.graph()
    pol = policy(G01={"min_part_time_members": 1}, G13={"enabled": False})
    plan = recommend(G, AS_OF, pol)
    assert plan.check.ok
    reasons = {(u.finding.rule, u.code) for u in plan.unclosable}
    assert ("G01", "limit") in reasons
    [g01] = [u for u in plan.unclosable if u.finding.rule == "G01"]
    assert "上限3个" in g01.why_zh and "limit of 3" in g01.why_en
    # what can still be done is done: Q1 into OU1 closes the member on paper
    assert posts(plan) == {("Q1", "OU1", "member")}
    assert "G05" not in plan.after


def test_seat_limit_and_one_post_per_person():
    k = paper_members(3)
    k.person("Z").post("Z", "OC1", role="part_time_member")  # one part-time seat taken already
    G = k.graph()
    pol = policy(plan={"max_part_time_seats": 2, "one_new_post_per_person": True})
    plan = recommend(G, AS_OF, pol)
    assert plan.check.ok
    ups = [p for p in plan.proposals if p.candidate.direction == "u_to_c"]
    assert len(ups) == 1  # 1 + 1 = 2 seats
    assert Counter(p.candidate.person for p in plan.proposals).most_common(1)[0][1] == 1
    g01 = [u for u in plan.unclosable if u.finding.rule == "G01"]
    assert g01 and g01[0].code == "seats" and "上限2名" in g01[0].why_zh


def test_budget_maximizes_severity_weighted_closures():
    G = paper_members(3).graph()
    # weights: G01 high 3, G06 medium 2, each G05 low 1
    two = recommend(G, AS_OF, budget=2)
    assert two.solution.optimal and two.check.ok and len(two.proposals) == 2
    assert two.solution.weight == 3  # one member two-way: its G05 and G06
    assert closes(two)["G06"] >= 1 and "G06" not in two.after
    three = recommend(G, AS_OF, budget=3)
    assert three.solution.weight == 6  # G01 (3) + three G05 (3)
    assert "G01" not in three.after and "G05" not in three.after and three.after.get("G06") == 1
    assert {u.code for u in three.unclosable} == {"budget"}
    zero = recommend(G, AS_OF, budget=0)
    assert zero.proposals == [] and zero.check.ok


def test_single_point_of_failure_gets_a_second_holder():
    k = base()
    for i in (1, 2):
        k.unit(f"U{i}", "C1").org(f"OU{i}", "unit_branch", units=[f"U{i}"], member_of=["OC1"])
        k.person(f"P{i}").post(f"P{i}", f"OU{i}", "own")
        k.post("Q1", f"OU{i}", role="member")  # Q1 alone links both
    pol = policy(G01={"enabled": False}, G04={"enabled": False}, G06={"enabled": False})
    plan = recommend(k.graph(), AS_OF, pol)
    assert plan.before == {"G08": 1} and plan.after == {}
    assert len(plan.proposals) == 1 and plan.proposals[0].candidate.direction == "u_to_c"
    assert [f.rule for f in plan.proposals[0].closes] == ["G08"]


def test_no_new_single_point_of_failure():
    # Q1 is the only person of OC1; OU1 and OU2 have nobody in office: only
    # Q1 → OU1 and Q1 → OU2 can close the members on paper, and both would
    # make Q1 the sole link of two members (a new G08)
    k = base()
    for i in (1, 2):
        k.unit(f"U{i}", "C1").org(f"OU{i}", "unit_branch", units=[f"U{i}"], member_of=["OC1"])
    pol = policy(G01={"enabled": False}, G06={"enabled": False})
    plan = recommend(k.graph(), AS_OF, pol)
    assert plan.check.ok and "G08" not in plan.after
    assert len(plan.proposals) == 1 and plan.after == {"G04": 1, "G05": 1}  # one-way: progress
    [u] = plan.unclosable
    assert u.finding.rule == "G05" and u.code == "conflict"


def test_red_property_link_and_a_property_company_without_org():
    k = base()
    k.unit("U1", "C1", kind="property").org("OU1", "unit_branch", units=["U1"])
    k.person("P1").post("P1", "OU1", "own")
    k.compound("K1", "C1", property_unit="U1", model=True)
    k.unit("U2", "C1", kind="property").compound("K2", "C1", property_unit="U2")
    pol = policy(G01={"enabled": False})
    plan = recommend(k.graph(), AS_OF, pol)
    assert plan.before["G13"] == 2 and plan.after == {"G02": 1, "G03": 1, "G13": 1}
    assert len(plan.proposals) == 1 and closes(plan) == {"G13": 1}
    [u] = plan.unclosable
    assert u.finding.subject.code == "K2" and u.code == "no_unit_org"
    assert "没有党组织" in u.why_zh and "no party organization" in u.why_en


def test_nobody_in_office_and_no_members():
    k = base()
    k.org("OC2", "community_committee", community="C1", name="第二党委")  # nobody, no members
    k.unit("U1", "C1").org("OU1", "unit_branch", units=["U1"], member_of=["OC1"])  # nobody in office
    k.person("P9").post("P9", "OC1", role="part_time_member")
    pol = policy(G01={"enabled": True}, G06={"enabled": False})
    plan = recommend(k.graph(), AS_OF, pol)
    reasons = {(u.finding.rule, u.finding.subject.code): u.code for u in plan.unclosable}
    assert reasons[("G01", "OC2")] == "no_members"
    assert reasons[("G01", "OC1")] == "nobody_in_office"


def test_scope_plans_only_that_street():
    k = paper_members(2)
    k.street("S2").community("C2", "S2").org("OC2", "community_committee", community="C2")
    k.unit("U9", "C2").org("OU9", "unit_branch", units=["U9"], member_of=["OC2"])
    k.person("P9").post("P9", "OU9", "own")
    G = k.graph()
    plan = recommend(G, AS_OF, street="S2")
    assert plan.proposals and {p.street for p in plan.proposals} == {"S2"}
    assert all(f.street == "S2" for u in plan.unclosable for f in [u.finding])


def test_json_contract():
    plan = recommend(paper_members(2).graph(), AS_OF).as_dict()
    assert plan["as_of"] == AS_OF.isoformat() and "rules" in plan["policy"]
    p = plan["proposals"][0]
    assert set(p) >= {"person", "org", "role", "post_type", "direction", "community", "street", "closes",
                      "reason_zh", "reason_en"}
    assert p["role"] in ("兼职委员", "委员") and p["post_type"] == "part_time"
    assert p["direction"] in ("u_to_c", "c_to_u") and set(p["person"]) >= {"code", "name"}
    assert p["closes"][0]["subject"]["type"] == "PartyOrg"
    assert plan["optimal"] is True and plan["objective"] == len(plan["proposals"])
    assert set(plan["before"]) >= {"G01", "G05"} and isinstance(plan["after"], dict)


# -- random rosters ---------------------------------------------------------


def _brute_force(pb, targets):
    """(best weight, fewest posts for it) over every subset of candidates."""
    best = (-1, 0)
    n = len(pb.candidates)
    for r in range(n + 1):
        for chosen in itertools.combinations(range(n), r):
            st = State(pb, chosen)
            if not _feasible(pb, st):
                continue
            w = sum(t.weight for t in targets if st.lack(t) == 0)
            if w > best[0] or (w == best[0] and r < best[1]):
                best = (w, r)
    return best


def _feasible(pb, st) -> bool:
    for person, n in st.posts_of.items():
        if pb.load.get(person, 0) + n > pb.max_posts or (pb.one_per_person and n > 1):
            return False
    if pb.max_seats:
        for c, n in st.seats_new.items():
            if pb.seats_before.get(c, 0) + n > pb.max_seats:
                return False
    return not st.new_spof()


@pytest.mark.parametrize("seed", range(40))
def test_random_roster_plan_is_checked_and_optimal(seed):
    rng = random.Random(seed)
    k = random_kit(rng)
    pol = random_policy(rng)
    G = k.graph()
    plan = recommend(G, AS_OF, pol)
    # checked by re-running every rule: claims hold, nothing new, limits kept
    assert plan.check.ok, plan.check.as_dict()
    H = apply_changes(G, plan.changes, AS_OF)
    view = View(H, AS_OF)
    limit = pol.rule("G07")["max_part_time_posts"]
    for p in plan.proposals:
        n = sum(1 for x in view.posts_of_person[p.candidate.person] if x.post_type == "part_time")
        assert n <= limit
    before = {(f.rule, f.subject.code) for f in run_rules(View(G, AS_OF), pol)}
    for f in run_rules(view, pol):
        assert (f.rule, f.subject.code) in before or f.rule == "G04", f
    # optimal: against every subset of the candidates when there are few
    v = View(G, AS_OF)
    pb = build_problem(v, run_rules(v, pol), pol)
    targets = [t for t in pb.targets if pb.candidates_of(t)]
    sol = solve(pb, targets)
    assert sol.optimal
    if len(pb.candidates) <= 12:
        assert (sol.weight, sol.posts) == _brute_force(pb, targets)
    # never worse than greedy
    g = greedy(pb, targets)
    assert (sol.weight, -sol.posts) >= (g.weight, -g.posts)


def test_random_rosters_with_hypothesis():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    @hypothesis.settings(max_examples=40, deadline=None, derandomize=True)
    @hypothesis.given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=3))
    def prop(seed, budget):
        rng = random.Random(seed)
        k = random_kit(rng)
        pol = random_policy(rng)
        for b in (None, budget):
            plan = recommend(k.graph(), AS_OF, pol, budget=b)
            assert plan.check.ok, plan.check.as_dict()
            if b is not None:
                assert len(plan.proposals) <= b

    prop()


# -- the demo county --------------------------------------------------------


def test_demo_county_closes_every_closable_g01_g04_g05():
    from loaders.demo import generate

    G = roster_to_graph(generate(seed=2024, scale=1.0, as_of=AS_OF))
    plan = recommend(G, AS_OF)
    assert plan.solution.optimal and plan.check.ok
    assert plan.solution.weight == plan.solution.weight_bound
    left = {u.finding.rule for u in plan.unclosable}
    for rule in ("G01", "G04", "G05"):
        still = plan.after.get(rule, 0)
        named = sum(1 for u in plan.unclosable if u.finding.rule == rule)
        if rule == "G04":  # members on paper that became one-way are progress
            still -= len(plan.check.progress)
        assert still == named, (rule, still, named, left)
    for u in plan.unclosable:
        assert u.why_zh and u.why_en and u.code
    g = recommend(G, AS_OF, method="greedy")
    assert len(plan.proposals) <= len(g.proposals) or plan.solution.weight > g.solution.weight


def test_apply_changes_does_not_touch_the_graph():
    G = paper_members(1).graph()
    n = G.number_of_edges()
    H = apply_changes(G, [AddPost("P1", "OC1")], AS_OF)
    assert G.number_of_edges() == n and H.number_of_edges() == n + 1
