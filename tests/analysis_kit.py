"""Tiny hand-made rosters for the analysis tests.

:func:`perfect` is a county in which no rule fires; each test changes one
thing and checks that exactly the expected finding appears.
"""

from __future__ import annotations

from datetime import date, timedelta

from graph.build import roster_to_graph
from graph.roster import Roster

AS_OF = date(2024, 6, 30)
START = date(2023, 1, 1)
DAY = timedelta(days=1)


class Kit:
    """A roster under construction, with short helpers per table."""

    def __init__(self) -> None:
        self.r = Roster()

    def street(self, code, name=None):
        self.r.add("streets", {"code": code, "name": name or f"{code}街道"})
        return self

    def community(self, code, street, name=None):
        self.r.add("communities", {"code": code, "name": name or f"{code}社区", "street": street})
        return self

    def grid(self, code, community, name=None):
        self.r.add("grids", {"code": code, "name": name or f"{code}网格", "community": community})
        return self

    def unit(self, code, community, kind="agency", name=None):
        self.r.add("units", {"code": code, "name": name or f"{code}单位", "kind": kind,
                             "community": community})
        return self

    def org(self, code, kind, *, units=(), community=None, grid=None, street=None, member_of=(),
            name=None):
        self.r.add("party_orgs", {"code": code, "name": name or f"{code}党组织", "kind": kind,
                                  "units": list(units), "community": community, "grid": grid,
                                  "street": street, "member_of": list(member_of)})
        return self

    def person(self, code, name=None, phone=None):
        self.r.add("people", {"code": code, "name": name or f"人{code}", "phone": phone})
        return self

    def post(self, person, org, post_type="part_time", role=None, start=START, end=None):
        role = role or ("part_time_member" if post_type == "part_time" else "secretary")
        self.r.add("posts", {"person": person, "org": org, "role": role, "post_type": post_type,
                             "start": start, "end": end})
        return self

    def liaison(self, person, kind, target):
        self.r.add("liaisons", {"person": person, "kind": kind, "target": target})
        return self

    def compound(self, code, community, property_unit=None, model=None, name=None):
        self.r.add("compounds", {"code": code, "name": name or f"{code}小区", "community": community,
                                 "property_unit": property_unit, "model": model})
        return self

    def drop(self, table, **match):
        """Remove the rows of ``table`` whose values match ``match``."""
        rows = self.r.tables.get(table, [])
        keep = [row for row in rows if any(row.values.get(k) != v for k, v in match.items())]
        assert len(keep) < len(rows), f"nothing to drop in {table} for {match}"
        self.r.tables[table] = keep
        return self

    def graph(self):
        return roster_to_graph(self.r)


def perfect() -> Kit:
    """One street, one community with its 大党委 OC1, three member units
    linked both ways, a grid with its branch, a model compound whose
    property company cross-appoints, leaders in charge and in touch.

    Links: P1/P2/P3 (own in OU1/OU2/OU3) are part-time members of OC1
    (U → C); Q1 and Q2 (own in OC1) hold part-time posts in OU1+OU2 and
    OU3+OU1 (C → U). Every member has two different linking people.
    """
    k = Kit()
    k.street("S1").community("C1", "S1", name="东关社区").grid("G1", "C1")
    k.unit("U1", "C1").unit("U2", "C1").unit("U3", "C1", kind="property", name="安居物业")
    k.org("OC1", "community_committee", community="C1", name="东关社区党委")
    k.org("OG1", "grid_branch", grid="G1")
    for i in (1, 2, 3):
        k.org(f"OU{i}", "unit_branch", units=[f"U{i}"], member_of=["OC1"])
        k.person(f"P{i}").post(f"P{i}", f"OU{i}", "own").post(f"P{i}", "OC1")
    k.person("Q1").post("Q1", "OC1", "own").post("Q1", "OU1").post("Q1", "OU2")
    k.person("Q2").post("Q2", "OC1", "own", role="deputy_secretary").post("Q2", "OU3").post("Q2", "OU1")
    k.person("L1").liaison("L1", "street_charge", "S1").liaison("L1", "community_liaison", "C1")
    k.compound("K1", "C1", property_unit="U3", model=True)
    return k


def gappy() -> Kit:
    """A county with a bit of everything wrong."""
    k = perfect().drop("posts", person="Q2", org="OU3")  # G04 on OU3
    k.street("S2").community("C2", "S2").community("C3", "S2").grid("G2", "C2")
    k.org("OC2", "community_committee", community="C2", name="西关社区党委")
    k.unit("U4", "C2").org("OU4", "unit_branch", units=["U4"], member_of=["OC2"])  # G05
    k.unit("U5", "C2").org("OU5", "unit_branch", units=["U5"])  # G02
    k.unit("U6", "C3")  # G03
    k.unit("U7", "C2", kind="property").compound("K2", "C2", property_unit="U7", model=True)
    k.person("P4", phone="13812341234").post("P4", "OU4", "own").post("P4", "OC1")
    k.post("P1", "OC1", role="member", end=AS_OF + 10 * DAY)
    k.person("L2").liaison("L2", "community_liaison", "C2")
    return k


def random_county(seed: int) -> Kit:
    """A small random county full of the awkward cases: communities with 0-2
    community orgs, joint branches over communities, unit orgs taken into
    several (or foreign) 大党委, people with several homes, posts starting or
    ending right at the as-of date."""
    import random

    rnd = random.Random(seed)
    k = Kit()
    k.street("S1").street("S2")
    comms = ["C1", "C2", "C3"]
    for i, c in enumerate(comms):
        k.community(c, "S1" if i < 2 else "S2")
    comm_orgs = []
    for c in comms:
        for j in range(rnd.choice((0, 1, 1, 2))):
            o = f"O{c}{j}"
            k.org(o, rnd.choice(("community_committee", "community_general_branch", "community_branch")),
                  community=c)
            comm_orgs.append(o)
    units = [f"U{i}" for i in range(7)]
    for u in units:
        k.unit(u, rnd.choice(comms), kind=rnd.choice(("agency", "property", "private")))
    unit_orgs = []
    for i in range(6):
        listed = rnd.sample(units, rnd.choice((1, 1, 2, 3)))
        kind = "joint_branch" if len(listed) > 1 else rnd.choice(("unit_branch", "unit_committee", "other"))
        member_of = rnd.sample(comm_orgs, min(len(comm_orgs), rnd.choice((0, 1, 1, 2))))
        k.org(f"OU{i}", kind, units=listed, member_of=member_of)
        unit_orgs.append(f"OU{i}")
    for c in comms:
        if rnd.random() < 0.6:
            k.grid(f"G{c}", c)
            if rnd.random() < 0.6:
                k.org(f"OG{c}", rnd.choice(("grid_branch", "grid_group", "other")), grid=f"G{c}")
    orgs = comm_orgs + unit_orgs
    edges = (AS_OF - 400 * DAY, AS_OF - DAY, AS_OF, AS_OF + DAY, AS_OF + 90 * DAY, AS_OF + 91 * DAY, None)
    for p in range(9):
        k.person(f"P{p}")
        seen = set()
        for _ in range(rnd.choice((0, 1, 1, 2))):
            o = rnd.choice(orgs)
            start = rnd.choice((START, START, AS_OF, AS_OF + DAY, None))
            if (o, "own", start) in seen:
                continue
            seen.add((o, "own", start))
            k.post(f"P{p}", o, "own", start=start, end=rnd.choice(edges[:4] + (None, None)))
        for _ in range(rnd.choice((0, 1, 2, 3, 4, 5))):
            o = rnd.choice(orgs)
            start = rnd.choice((START, AS_OF, AS_OF + DAY, None, START + DAY))
            if (o, "part_time", start) in seen:
                continue
            seen.add((o, "part_time", start))
            end = rnd.choice(edges)
            if end is not None and start is not None and end < start:
                end = None
            k.post(f"P{p}", o, start=start, end=end)
    for s in ("S1", "S2"):
        if rnd.random() < 0.5:
            k.person(f"L{s}").liaison(f"L{s}", "street_charge", s)
    for c in comms:
        if rnd.random() < 0.5:
            k.person(f"L{c}").liaison(f"L{c}", "community_liaison", c)
    for i in range(3):
        k.compound(f"K{i}", rnd.choice(comms), property_unit=rnd.choice(units + [None]),
                   model=rnd.choice((True, False, None)))
    return k
