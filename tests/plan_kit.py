"""Tiny rosters for the planning tests, where the optimal 补齐方案 is known
by hand, and a random roster generator for the property tests.

Import from tests as ``from plan_kit import ...``.
"""

from __future__ import annotations

import random

from analysis_kit import Kit
from graph.analysis.policy import Policy


def policy(plan: dict | None = None, **rules) -> Policy:
    """A policy with rule tables ``rules`` and ``[plan]`` keys ``plan``."""
    data: dict = {"rules": rules}
    if plan:
        data["plan"] = plan
    return Policy.from_dict(data)


def base(kit: Kit | None = None) -> Kit:
    """One street S1, community C1 with its community committee OC1 whose
    secretary is Q1, a county leader (so no G11/G12), nothing else."""
    k = kit or Kit()
    k.street("S1").community("C1", "S1", name="东关社区")
    k.org("OC1", "community_committee", community="C1", name="东关社区党委")
    k.person("Q1", name="社区书记").post("Q1", "OC1", "own")
    k.person("L1").liaison("L1", "street_charge", "S1").liaison("L1", "community_liaison", "C1")
    return k


def paper_members(n: int = 3) -> Kit:
    """OC1 with ``n`` member unit orgs OU1..OUn, each with its secretary
    P1..Pn, and no cross-appointment at all: G01 (none, high), G05 for
    each, G06 (0 two-way)."""
    k = base()
    for i in range(1, n + 1):
        k.unit(f"U{i}", "C1").org(f"OU{i}", "unit_branch", units=[f"U{i}"], member_of=["OC1"])
        k.person(f"P{i}").post(f"P{i}", f"OU{i}", "own")
    return k


def greedy_trap() -> Kit:
    """Six member unit orgs of OC1, each already linked C → U by its own
    community member Q1..Q6: six one-way (G04) findings lacking U → C.
    A holds own posts in OU1-OU3, B in OU4-OU6, X in OU1, OU2, OU4, OU5.
    Greedy takes X first (four findings at once) and then still needs A and
    B; the optimum is A and B."""
    k = Kit()
    k.street("S1").community("C1", "S1")
    k.org("OC1", "community_committee", community="C1")
    k.person("L1").liaison("L1", "street_charge", "S1").liaison("L1", "community_liaison", "C1")
    for i in range(1, 7):
        k.unit(f"U{i}", "C1").org(f"OU{i}", "unit_branch", units=[f"U{i}"], member_of=["OC1"])
        k.person(f"Q{i}").post(f"Q{i}", "OC1", "own", role="member").post(f"Q{i}", f"OU{i}", role="member")
    k.person("A")
    for i in (1, 2, 3):
        k.post("A", f"OU{i}", "own")
    k.person("B")
    for i in (4, 5, 6):
        k.post("B", f"OU{i}", "own")
    k.person("X")
    for i in (1, 2, 4, 5):
        k.post("X", f"OU{i}", "own", role="deputy_secretary")
    return k


def random_kit(rng: random.Random) -> Kit:
    """A small random county: 1-3 communities (one may lack an org), unit
    orgs taken into one or two community orgs, people with own posts, some
    part-time posts in both directions, a property company or two."""
    k = Kit()
    k.street("S1").person("L1").liaison("L1", "street_charge", "S1")
    n_comm = rng.randint(1, 3)
    corgs = []
    for c in range(1, n_comm + 1):
        k.community(f"C{c}", "S1")
        k.liaison("L1", "community_liaison", f"C{c}")
        if c == 1 or rng.random() < 0.85:
            k.org(f"OC{c}", "community_committee", community=f"C{c}")
            corgs.append((f"OC{c}", f"C{c}"))
    uorgs = []
    n_units = rng.randint(1, 6)
    for u in range(1, n_units + 1):
        comm = f"C{rng.randint(1, n_comm)}"
        kind = "property" if rng.random() < 0.2 else "agency"
        k.unit(f"U{u}", comm, kind=kind)
        if rng.random() < 0.85:
            member_of = [o for o, x in corgs if rng.random() < (0.8 if x == comm else 0.25)]
            k.org(f"OU{u}", "unit_branch", units=[f"U{u}"], member_of=member_of)
            uorgs.append(f"OU{u}")
        if kind == "property":
            k.compound(f"K{u}", comm, property_unit=f"U{u}", model=rng.random() < 0.5)
    people = []
    n_people = rng.randint(2, 12)
    own_orgs = [o for o, _ in corgs] + uorgs
    for p in range(1, n_people + 1):
        code = f"P{p}"
        k.person(code)
        people.append(code)
        if own_orgs and rng.random() < 0.9:
            homes = rng.sample(own_orgs, k=1 if rng.random() < 0.85 else min(2, len(own_orgs)))
            for h in homes:
                k.post(code, h, "own", role=rng.choice(["secretary", "deputy_secretary", "member"]))
    all_orgs = own_orgs
    for code in people:
        for o in rng.sample(all_orgs, k=min(len(all_orgs), rng.choice([0, 0, 1, 1, 2, 3, 4]))):
            k.post(code, o, role=rng.choice(["part_time_member", "member"]))
    return k


def random_policy(rng: random.Random) -> Policy:
    return policy(
        plan={"max_part_time_seats": rng.choice([0, 0, 2, 3, 5]),
              "one_new_post_per_person": rng.random() < 0.3, "time_limit_seconds": 10.0},
        G01={"min_part_time_members": rng.randint(1, 3)},
        G06={"min_two_way_share": rng.choice([0.3, 0.5, 1.0])},
        G07={"max_part_time_posts": rng.randint(1, 3)},
        G08={"spof_min_units": rng.randint(1, 3)},
    )


def overlay_setup():
    """A graph, its plan and 3-month forecast (as dicts) and its findings:
    the explorer's plan overlay and forecast slider. Q1's post in OU3 ends
    in August, so the forecast changes."""
    from datetime import date

    from analysis_kit import AS_OF
    from graph.analysis import analyze
    from graph.planning import recommend
    from graph.planning.forecast import forecast

    k = paper_members(3)
    k.post("Q1", "OU3", end=date(2024, 8, 20))
    G = k.graph()
    plan = recommend(G, AS_OF).as_dict()
    fc = forecast(G, AS_OF, months=3).as_dict()
    findings = analyze(G, AS_OF, with_structure=False).findings
    return G, plan, fc, findings
