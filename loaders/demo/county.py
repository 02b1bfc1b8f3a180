"""Build the demo county, stage by stage, with its planted gaps.

:class:`CountyBuilder` keeps plain Python records while it builds (streets,
communities, units, organizations, people, posts ...) and turns them into a
:class:`~graph.roster.Roster` at the end. Every random choice comes from one
``random.Random`` seeded with ``(seed, scale)``; only lists and dicts are
iterated (never sets), so the same ``(seed, scale, as_of)`` always gives the
same roster. Dates are offsets from ``as_of``: the structure does not depend
on the day, only the dates move with it.

The planted gaps (rules.md) and how often they appear at scale 1 are in
:data:`PLANTED`; the article's figures in :data:`ARTICLE`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Callable

from graph import schema
from graph.roster import Roster
from loaders.demo import names as nm

__all__ = ["ARTICLE", "PLANTED", "ACTIVITY", "CountyBuilder"]

#: The article's figures (scale 1); everything is multiplied by ``scale``.
ARTICLE = {
    "units": 169,
    "part_time_members": 40,
    "grid_branches": 18,
    "grid_groups": 46,
    "central_households": 37,
    "model_compounds": 50,
}

#: Other sizes at scale 1 (not in the article; plausible for a county seat).
SIZES = {
    "other_managed_compounds": 30,  # compounds with a property company, not model
    "unmanaged_compounds": 15,  # old compounds with no property company
    "in_service_members": 200,  # 在职党员 registering with a community (双报到)
    "street_committee_members": 12,  # unit orgs also taken into a street 大工委
    "members_and_volunteers": 2800,  # the article's 2,800+ registered members and volunteers
}

#: The co-building activity (roster format version 2), at scale 1: shares
#: chosen so that every rule G15-G23 has real instances while most of the
#: county does what it should.
ACTIVITY = {
    "volunteer_share": 0.3,  # of the added registrants, volunteers who are not party members
    "G16_low_share": 0.15,  # unit orgs whose members registered too little
    "G17_inactive_share": 0.04,  # registered people with no service in the last half year
    "G21_none_share": 0.12,  # memberships with no agreement
    "G21_expired_share": 0.06,  # memberships whose agreement has run out
    "G22_few_share": 0.15,  # committees that met fewer than twice in the year
    "G23_absent_share": 0.1,  # members that seldom attend
    "G20_no_feedback_share": 0.3,  # finished projects still without rating or feedback
}

#: Gaps planted on purpose, per rule, at scale 1 (at least one each at any
#: scale). Rules G04, G05 and G06 also follow from the article's own figures:
#: 40 part-time members for ~150 member organizations leave most of them
#: with a link in one direction or none.
PLANTED = {
    "G01_zero": 3,  # communities with no part-time member at all
    "G02_not_taken_in": 3,  # unit orgs taken into no community org of theirs
    "G02_joint_across": 1,  # a joint branch with a unit in a second community
    "G03_blank": 7,  # units with no party organization
    "G04_u_only_share": 0.15,  # of U -> C orgs, the share without C -> U
    "G05_none_share": 0.35,  # of the other member orgs, the share with no link
    "G07_overloaded": 1,  # community secretaries with 4-5 part-time posts
    "G08_spof": 3,  # a community member alone linking two unit orgs
    "G09_expiring": 4,  # link posts ending within 90 days of as_of
    "G10_grids": 5,  # grids with no grid branch or group
    "G11_streets": 1,  # streets with no county leader in charge
    "G12_communities": 3,  # communities with no county leader in touch
    "G13_no_org": 2,  # property companies with no party organization
    "G13_no_link": 3,  # (property org, community) pairs with no cross-appointment
    "G13_model": 1,  # of those, model compounds
    "doubles": 5,  # unit org heads who are part-time members in two communities
    "history": 6,  # predecessors whose posts have ended
}

# ---------------------------------------------------------------------------
# records
# ---------------------------------------------------------------------------


@dataclass
class _Street:
    code: str
    name: str
    county: str
    committee: str = ""  # org code of the 街道党工委
    communities: list = field(default_factory=list)


@dataclass
class _Community:
    code: str
    name: str
    street: str
    org: str = ""
    units: list = field(default_factory=list)
    grids: list = field(default_factory=list)
    staff: list = field(default_factory=list)  # person codes, [0] = 书记
    weight: float = 1.0


@dataclass
class _Unit:
    code: str
    name: str
    kind: str
    community: str
    size: int = 1  # 3 party committee, 2 general branch, 1 branch
    credit_code: str | None = None
    org: str | None = None  # its own org or its joint branch


@dataclass
class _Org:
    code: str
    name: str
    kind: str
    parent: str | None = None
    units: list = field(default_factory=list)
    community: str | None = None
    grid: str | None = None
    street: str | None = None
    member_of: list = field(default_factory=list)
    # generator bookkeeping, not written
    home: str | None = None  # community code the org sits in
    size: int = 1
    head: str | None = None  # person code of the 书记
    head_post: dict | None = None
    member_count: int | None = None  # 党员人数 (unit orgs)


@dataclass
class _Person:
    code: str
    name: str
    phone: str | None
    party_member: bool | None = True


def _apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), each at least
    ``minimum`` when the total allows."""
    n = len(weights)
    if n == 0:
        return []
    base = minimum if total >= minimum * n else 0
    rest = total - base * n
    s = sum(weights) or 1.0
    raw = [rest * w / s for w in weights]
    out = [base + int(r) for r in raw]
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: (-(raw[i] - int(raw[i])), i))
    for i in order[:left]:
        out[i] += 1
    return out


class CountyBuilder:
    """Builds one demo roster; call :meth:`build` once.

    Parameters
    ----------
    seed, scale, as_of : see :func:`loaders.demo.generate`
    progress : optional callable receiving one-line progress messages
    """

    def __init__(self, seed: int, scale: float, as_of: dt.date,
                 progress: Callable[[str], None] | None = None) -> None:
        self.rng = random.Random(f"cobuild-demo|{seed}|{scale!r}")
        self.seed = seed
        self.scale = scale
        self.as_of = as_of
        self.progress = progress or (lambda msg: None)
        self.streets: list[_Street] = []
        self.communities: dict[str, _Community] = {}
        self.grids: list[dict] = []
        self.units: dict[str, _Unit] = {}
        self.orgs: dict[str, _Org] = {}
        self.people: dict[str, _Person] = {}
        self.posts: list[dict] = []
        self.liaisons: list[dict] = []
        self.compounds: list[dict] = []
        self.households: list[dict] = []
        self.registrations: list[dict] = []
        self.needs: list[dict] = []
        self.resources: list[dict] = []
        self.projects: list[dict] = []
        self.services: list[dict] = []
        self.agreements: list[dict] = []
        self.meetings: list[dict] = []
        self._names = nm.UniqueNames()
        self._person_names: set[str] = set()
        self._phones: set[str] = set()
        self._credit: set[str] = set()
        self._counters: dict[str, int] = {}
        self._widths: dict[str, int] = {}
        # per-(org, community) link category: "two", "u_only", "c_only", "none"
        self.category: dict[tuple[str, str], str] = {}
        self.u2c_posts: list[dict] = []
        self.c2u_posts: list[dict] = []
        self.no_link_pairs: list[tuple[str, str]] = []

    # -- small helpers ------------------------------------------------------

    def n(self, base: float) -> int:
        """A figure at this scale (0 allowed)."""
        return int(round(base * self.scale))

    def gap(self, key: str) -> int:
        """How many of a planted gap at this scale: at least one."""
        return max(1, self.n(PLANTED[key]))

    _WIDTH = {"S": 10, "C": 60, "G": 150, "H": 200, "U": 200, "O": 400, "P": 2000,
              "N": 200, "R": 300, "J": 200, "A": 300, "M": 600}

    def code(self, prefix: str) -> str:
        """Next code of a table: ``U0001``; the width grows with the scale."""
        k = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = k
        width = self._widths.get(prefix)
        if width is None:
            width = self._widths[prefix] = max(
                2 if prefix == "S" else 3 if prefix == "C" else 4,
                len(str(math.ceil(self._WIDTH[prefix] * self.scale))))
        return f"{prefix}{k:0{width}d}"

    def days_ago(self, lo: int, hi: int) -> dt.date:
        return self.as_of - dt.timedelta(days=self.rng.randint(lo, hi))

    def term_end(self) -> dt.date | None:
        """The end of a current post: mostly open, else a term ending well
        after the 90-day warning window."""
        if self.rng.random() < 0.7:
            return None
        return self.as_of + dt.timedelta(days=self.rng.randint(150, 1500))

    def person(self, party_member: bool | None = True) -> str:
        rng = self.rng
        name = nm.person_name(rng)
        for _ in range(3):  # fewer namesakes; real counties have some
            if name not in self._person_names:
                break
            name = nm.person_name(rng)
        self._person_names.add(name)
        phone = None
        if rng.random() < 0.88:
            phone = nm.mobile(rng)
            while phone in self._phones:
                phone = nm.mobile(rng)
            self._phones.add(phone)
        if party_member is True and rng.random() < 0.03:
            party_member = None  # a blank cell, as planners leave some
        code = self.code("P")
        self.people[code] = _Person(code, name, phone, party_member)
        return code

    def post(self, person: str, org: str, role: str, post_type: str,
             start: dt.date, end: dt.date | None = None) -> dict:
        p = {"person": person, "org": org, "role": role, "post_type": post_type,
             "start": start, "end": end}
        self.posts.append(p)
        return p

    def new_org(self, name: str, kind: str, **kw) -> _Org:
        o = _Org(self.code("O"), self._names.take(name), kind, **kw)
        self.orgs[o.code] = o
        return o

    # -- stages ---------------------------------------------------------------

    def build(self) -> Roster:
        """Run every stage and return the roster."""
        stages = (
            ("街道与社区 streets and communities", self.make_places),
            ("驻区单位 resident units", self.make_units),
            ("党组织 party organizations", self.make_orgs),
            ("小区与物业 compounds and property companies", self.make_compounds),
            ("兼职委员 part-time members (U → C)", self.make_part_time_members),
            ("交叉任职 cross-appointments (C → U)", self.make_cross_appointments),
            ("任期与历史 terms and history", self.make_dates_and_history),
            ("网格党组织 grid organizations", self.make_grids),
            ("县级领导 county leaders", self.make_leaders),
            ("双报到 registrations", self.make_registrations),
            ("三张清单 needs, resources, projects", self.make_lists),
            ("共建活动 co-building activity", self.make_activity),
        )
        for i, (label, fn) in enumerate(stages, 1):
            self.progress(f"[{i}/{len(stages)}] {label}")
            fn()
        return self.to_roster()

    # 1 -----------------------------------------------------------------------
    def make_places(self) -> None:
        rng = self.rng
        n_streets = max(1, self.n(rng.choice((4, 5))))
        n_comms = max(n_streets, self.n(rng.randint(26, 32)))
        n_counties = max(1, round(self.scale))
        counties = self._county_names(n_counties)
        per_county = _apportion(n_streets, [1.0] * n_counties, 1)
        street_names = list(nm.STREET_NAMES)
        k = 0
        for county, count in zip(counties, per_county):
            for j in range(count):
                base = street_names[j % len(street_names)]
                name = base if county == nm.COUNTY else county + base
                s = _Street(self.code("S"), self._names.take(name, "街道"), county)
                self.streets.append(s)
                k += 1
        # the first street of each county (城关) is the biggest
        weights = [(1.5 if s.name.endswith(nm.STREET_NAMES[0]) else 1.0) * rng.uniform(0.8, 1.2)
                   for s in self.streets]
        per_street = _apportion(n_comms, weights, 2 if n_comms >= 2 * n_streets else 1)
        stems = nm.community_stems(n_comms)
        rng.shuffle(stems)
        i = 0
        for s, count in zip(self.streets, per_street):
            for _ in range(count):
                stem = stems[i]
                i += 1
                name = self._names.take(stem, "社区")
                c = _Community(self.code("C"), name, s.code,
                               weight=rng.lognormvariate(0, 0.5) * (1.6 if s is self.streets[0] else 1))
                self.communities[c.code] = c
                s.communities.append(c.code)

    def _county_names(self, n: int) -> list[str]:
        out = [nm.COUNTY]
        heads, tails = "桐岚溪翠棠枫榆槐楠樟", "川源阳丘泽谷岗洲湾汀"
        for h in heads:
            for t in tails:
                if len(out) >= n:
                    return out
                name = f"{h}{t}县"
                if name not in out:
                    out.append(name)
        while len(out) < n:
            out.append(f"{nm.COUNTY[:-1]}{nm.zh_number(len(out) + 1)}县")
        return out

    def street_of(self, community: str) -> _Street:
        return self._street_by_code[self.communities[community].street]

    # 2 -----------------------------------------------------------------------
    def make_units(self) -> None:
        rng = self.rng
        self._street_by_code = {s.code: s for s in self.streets}
        n_units = max(1, self.n(ARTICLE["units"]))
        shares = {"agency": 0.20, "institution": 0.22, "soe": 0.09, "private": 0.22,
                  "social": 0.07, "property": 0.13, "other": 0.07}
        kinds = []
        for kind, count in zip(shares, _apportion(n_units, list(shares.values()))):
            kinds += [kind] * count
        rng.shuffle(kinds)
        comms = list(self.communities.values())
        central = [c.weight * (1.8 if self.street_of(c.code) is self.streets[0] else 1.0)
                   for c in comms]
        plain = [c.weight for c in comms]
        # every community gets two units first, then by weight
        first = [c for c in comms for _ in range(2)][: min(len(kinds), 2 * len(comms))]
        cum_central = _cumulative(central)
        cum_plain = _cumulative(plain)
        pools: dict[tuple[str, str], list] = {}
        for i, kind in enumerate(kinds):
            if i < len(first):
                comm = first[i]
            else:
                cum = cum_central if kind in ("agency", "institution", "soe") else cum_plain
                comm = rng.choices(comms, cum_weights=cum)[0]
            county = self.street_of(comm.code).county
            name, size = self._unit_name(kind, county, comm, pools)
            u = _Unit(self.code("U"), name, kind, comm.code, size)
            if rng.random() < 0.93:
                u.credit_code = self._credit_code(kind)
            self.units[u.code] = u
            comm.units.append(u.code)

    def _credit_code(self, kind: str) -> str:
        while True:
            body = f"{self.rng.randrange(10**8):08d}"
            cc = nm.credit_code(nm.CREDIT_PREFIX[kind], body)
            if cc not in self._credit:
                self._credit.add(cc)
                return cc

    def _unit_name(self, kind: str, county: str, comm: _Community, pools: dict) -> tuple[str, int]:
        """A unique unit name and its size class."""
        rng = self.rng
        stem = county[:-1]  # 桐川
        key = (county, kind)
        if kind in ("agency", "institution", "soe", "social"):
            if key not in pools:
                src = {"agency": nm.AGENCIES, "institution": nm.INSTITUTIONS,
                       "soe": nm.SOES, "social": [(s, 1) for s in nm.SOCIAL_ORGS]}[kind]
                lst = list(src)
                rng.shuffle(lst)
                pools[key] = lst
            while pools[key]:
                raw, size = pools[key].pop()
                if kind == "soe":
                    name = raw.format(c=county)
                elif kind == "institution" and raw.startswith("城关"):
                    name = raw if county == nm.COUNTY else county + raw
                else:
                    name = county + raw
                if name not in self._names:
                    return self._names.take(name), size
            street = self.street_of(comm.code)
            street_stem = street.name.removeprefix(county).removesuffix("街道")
            if kind == "agency":
                office = rng.choice(nm.STREET_OFFICES[:4])
                name = (f"{county}公安局{street_stem}派出所" if office == "派出所"
                        else f"{street.name}{office}")
                return self._names.take(name), 1
            if kind == "institution":
                k = rng.randint(6, 30)
                what = rng.choice(("小学", "幼儿园"))
                name = f"{stem}城关第{nm.zh_number(k)}{what}"
                if rng.random() < 0.3:
                    name = f"{street.name}社区卫生服务中心"
                return self._names.take(name), 1
            if kind == "social":
                return self._names.take(f"{county}{rng.choice(nm.BRANDS)}社会工作服务中心"), 1
            return self._names.take(f"{stem}{rng.choice(nm.BRANDS)}{rng.choice(nm.INDUSTRIES)}"), 1
        for _ in range(20):
            brand = rng.choice(nm.BRANDS)
            prefix = stem if rng.random() < 0.5 else ""
            if kind == "private":
                name = f"{prefix}{brand}{rng.choice(nm.INDUSTRIES)}"
            elif kind == "property":
                name = f"{prefix}{brand}{rng.choice(nm.PROPERTY_SUFFIXES)}"
            else:
                name = rng.choice(nm.OTHER_UNITS).format(b=f"{prefix}{brand}")
            if name not in self._names:
                break
        size = 2 if kind == "private" and rng.random() < 0.08 else 1
        return self._names.take(name), size

    # 3 -----------------------------------------------------------------------
    def make_orgs(self) -> None:
        rng = self.rng
        for s in self.streets:
            o = self.new_org(f"{s.name}党工委", "street_committee", street=s.code)
            s.committee = o.code
            start = self.days_ago(300, 1600)
            for role in ("secretary", "deputy_secretary", "member", "member"):
                self.post(self.person(), o.code, role, "own",
                          start + dt.timedelta(days=rng.randint(0, 200)), self.term_end())
        # community orgs: the kind follows the community's number of units
        for c in self.communities.values():
            s = self._street_by_code[c.street]
            n_units = len(c.units)
            kind = ("community_committee" if n_units >= 4 else
                    "community_general_branch" if n_units >= 2 else "community_branch")
            suffix = {"community_committee": "党委", "community_general_branch": "党总支",
                      "community_branch": "党支部"}[kind]
            o = self.new_org(f"{c.name}{suffix}", kind, parent=s.committee, community=c.code)
            o.home = c.code
            c.org = o.code
            base = {"community_committee": 5, "community_general_branch": 4,
                    "community_branch": 3}[kind]
            election = self.days_ago(400, 1500)
            for j in range(base):
                role = "secretary" if j == 0 else "deputy_secretary" if j == 1 else "member"
                p = self.person()
                c.staff.append(p)
                self.post(p, o.code, role, "own", election, self.term_end())
        self._unit_orgs()

    def _unit_orgs(self) -> None:
        rng = self.rng
        units = list(self.units.values())
        # who has none (G03; the property companies' are planted in make_compounds)
        small = [u for u in units if u.kind in ("private", "social", "other")]
        blank = rng.sample(small, min(len(small), self.gap("G03_blank")))
        props = [u for u in units if u.kind == "property"]
        no_org_props = rng.sample(props, min(len(props), self.gap("G13_no_org")))
        self.blank_units = [u.code for u in blank + no_org_props]
        blank_set = set(self.blank_units)
        # joint candidates: small units by community
        joint_p = {"private": 0.45, "social": 0.55, "other": 0.55, "property": 0.2}
        by_comm: dict[str, list[_Unit]] = {}
        for u in units:
            if u.code in blank_set:
                continue
            if u.size == 1 and rng.random() < joint_p.get(u.kind, 0.0):
                by_comm.setdefault(u.community, []).append(u)
        groups: list[list[_Unit]] = []
        # G02: one joint branch with a unit from a neighbouring community
        across = self.gap("G02_joint_across")
        comm_keys = list(by_comm)
        for ck in comm_keys:
            if across == 0:
                break
            street = self.street_of(ck)
            for other in street.communities:
                if other != ck and by_comm.get(other) and len(by_comm[ck]) >= 1:
                    a = by_comm[ck].pop()
                    b = by_comm[other].pop()
                    extra = [by_comm[ck].pop()] if by_comm[ck] else []
                    groups.append([a] + extra + [b])
                    across -= 1
                    break
        self.joint_across = [g[0].community for g in groups]
        for ck in comm_keys:
            lst = by_comm[ck]
            while len(lst) >= 2:
                size = min(len(lst), rng.randint(2, 5))
                if len(lst) - size == 1:
                    size = len(lst) if size < 5 else size - 1
                groups.append(lst[:size])
                lst[:] = lst[size:]
            # a single leftover sets up its own branch
        joint_no = {}
        grouped = set()
        for g in groups:
            home = g[0].community
            comm = self.communities[home]
            joint_no[home] = joint_no.get(home, 0) + 1
            o = self.new_org(f"{comm.name}第{nm.zh_number(joint_no[home])}联合党支部",
                             "joint_branch", parent=comm.org, units=[u.code for u in g])
            o.home = home
            o.member_of = [comm.org]
            for u in g:
                u.org = o.code
                grouped.add(u.code)
            self._staff_unit_org(o, 1 + min(2, len(g) - 1))
        for u in units:
            if u.code in blank_set or u.code in grouped:
                continue
            kind = {3: "unit_committee", 2: "unit_general_branch", 1: "unit_branch"}[u.size]
            suffix = {3: "党委", 2: "党总支", 1: "党支部"}[u.size]
            comm = self.communities[u.community]
            parent = comm.org if u.kind in ("private", "social", "property", "other") else None
            o = self.new_org(f"{u.name}{suffix}", kind, parent=parent, units=[u.code])
            o.home, o.size = u.community, u.size
            o.member_of = [comm.org]
            u.org = o.code
            extra = {3: 4, 2: 2, 1: rng.randint(0, 2)}[u.size]
            self._staff_unit_org(o, 1 + extra)
        # the big ones are also taken into their street's 大工委
        unit_orgs = [o for o in self.orgs.values() if o.kind in _UNIT_KINDS]
        big = sorted((o for o in unit_orgs if o.size >= 2),
                     key=lambda o: (-o.size, o.code))
        for o in big[: self.n(SIZES["street_committee_members"])]:
            o.member_of.append(self.street_of(o.home).committee)
        # G02: taken into no community org of theirs
        cands = [o for o in unit_orgs if o.kind != "joint_branch" and o.size == 1
                 and self.units[o.units[0]].kind in ("private", "social", "soe", "agency")]
        for i, o in enumerate(rng.sample(cands, min(len(cands), self.gap("G02_not_taken_in")))):
            o.member_of = [self.street_of(o.home).committee] if i % 2 == 0 else []
        self.not_taken_in = [o.code for o in unit_orgs if not any(
            m == self.communities[o.home].org for m in o.member_of)]

    def _staff_unit_org(self, o: _Org, n_people: int) -> None:
        start = self.days_ago(200, 2600)
        for j in range(n_people):
            role = "secretary" if j == 0 else ("deputy_secretary" if j == 1 and o.size == 3
                                               else "member")
            p = self.person()
            post = self.post(p, o.code, role, "own",
                             start if j == 0 else self.days_ago(100, 2600), self.term_end())
            if j == 0:
                o.head, o.head_post = p, post

    # 4 -----------------------------------------------------------------------
    def make_compounds(self) -> None:
        rng = self.rng
        props = [u for u in self.units.values() if u.kind == "property"]
        n_model = self.n(ARTICLE["model_compounds"])
        n_managed = n_model + self.n(SIZES["other_managed_compounds"])
        n_unmanaged = self.n(SIZES["unmanaged_compounds"])
        managed: list[tuple[str, str]] = []  # (community, property unit)
        if props:
            for u in props[:n_managed]:
                managed.append((u.community, u.code))
            with_org = [u for u in props if u.org]
            cum = _cumulative([2.0 if u.org else 0.0 for u in props]) if with_org else None
            while len(managed) < n_managed:
                u = rng.choices(props, cum_weights=cum)[0] if cum else rng.choice(props)
                if rng.random() < 0.7:
                    comm = u.community
                else:
                    comm = rng.choice(self.street_of(u.community).communities)
                managed.append((comm, u.code))
        rng.shuffle(managed)
        # property orgs are taken into every community org where they manage
        pairs: list[tuple[str, str]] = []
        for comm, ucode in managed:
            o = self.units[ucode].org
            if o is None:
                continue
            corg = self.communities[comm].org
            org = self.orgs[o]
            if corg not in org.member_of and (
                    org.member_of or org.code not in self.not_taken_in):
                org.member_of.insert(len([m for m in org.member_of
                                          if self.orgs[m].kind != "street_committee"]), corg)
            if (o, corg) not in pairs and org.code not in self.not_taken_in:
                pairs.append((o, corg))
        # G13: pairs with no cross-appointment
        k = min(len(pairs), self.gap("G13_no_link"))
        self.no_link_pairs = rng.sample(pairs, k)
        self.link_pairs = [p for p in pairs if p not in self.no_link_pairs]
        no_link = set(self.no_link_pairs)
        # compounds; which are model: a few of the unlinked ones, the rest linked
        recs = []
        for comm, ucode in managed:
            org = self.units[ucode].org
            gap = org is None or (org, self.communities[comm].org) in no_link
            recs.append({"community": comm, "property_unit": ucode, "gap": gap,
                         "no_org": org is None})
        gap_recs = [r for r in recs if r["gap"] and not r["no_org"]]
        ok_recs = [r for r in recs if not r["gap"]]
        model = gap_recs[: min(len(gap_recs), self.gap("G13_model"))]
        model += ok_recs[: max(0, n_model - len(model))]
        if len(model) < n_model:  # tiny scales: fill with whatever is left
            model += [r for r in recs if r not in model][: n_model - len(model)]
        for r in model:
            r["model"] = True
        comm_codes = list(self.communities)
        for _ in range(n_unmanaged):
            comm = rng.choice(comm_codes)
            recs.append({"community": comm, "property_unit": None, "gap": False})
        rng.shuffle(recs)
        recs.sort(key=lambda r: r["community"])
        for r in recs:
            name = self._compound_name(r)
            self.compounds.append({
                "code": self.code("H"), "name": name, "community": r["community"],
                "property_unit": r["property_unit"], "model": bool(r.get("model")),
            })

    def _compound_name(self, r: dict) -> str:
        rng = self.rng
        if r["property_unit"] is None:
            locals_ = [u for u in self.communities[r["community"]].units
                       if self.units[u].kind in ("agency", "institution", "soe")]
            if locals_ and rng.random() < 0.7:
                return self._names.take(f"{self.units[rng.choice(locals_)].name}家属院")
            street = self.communities[r["community"]].name.removesuffix("社区")
            return self._names.take(f"{street}{rng.randint(1, 160)}号院")
        for _ in range(10):
            head = rng.choice(_COMPOUND_HEADS) if rng.random() < 0.5 else rng.choice(nm.BRANDS)
            name = head + rng.choice(nm.COMPOUND_SUFFIXES)
            if name not in self._names:
                break
        return self._names.take(name)

    # 5 -----------------------------------------------------------------------
    def members_of(self) -> dict[str, list[str]]:
        """Community org code -> member unit org codes, local ones first."""
        out: dict[str, list[str]] = {c.org: [] for c in self.communities.values()}
        for o in self.orgs.values():
            if o.kind not in _UNIT_KINDS:
                continue
            for m in o.member_of:
                if m in out:
                    out[m].append(o.code)
        for corg, lst in out.items():
            home = self.orgs[corg].home
            lst.sort(key=lambda code: (self.orgs[code].home != home,))
        return out

    def make_part_time_members(self) -> None:
        """Exactly ``round(40 * scale)`` distinct unit-org heads hold a
        兼职委员 post in a community org that takes their org in."""
        rng = self.rng
        n_pt = self.n(ARTICLE["part_time_members"])
        members = self.members_of()
        no_link = set(self.no_link_pairs)
        comms = list(self.communities.values())
        cap: dict[str, list[str]] = {}
        for c in comms:
            local = [o for o in members[c.org] if self.orgs[o].home == c.code
                     and (o, c.org) not in no_link and self.orgs[o].head]
            # bigger orgs' heads first, a little shuffled
            local.sort(key=lambda o: (-self.orgs[o].size - rng.random() * 1.5, o))
            cap[c.code] = local
        # communities left with none at all (G01 high)
        by_size = sorted(comms, key=lambda c: (len(cap[c.code]), c.code))
        n_zero = min(len(comms) - 1, self.gap("G01_zero")) if len(comms) > 1 else 0
        zero = [c.code for c in by_size[: max(n_zero * 2, n_zero)]]
        zero = rng.sample(zero, n_zero) if n_zero else []
        self.zero_communities = zero
        eligible = [c for c in comms if c.code not in zero and cap[c.code]]
        eligible.sort(key=lambda c: (-len(cap[c.code]), c.code))
        k = {c.code: 0 for c in comms}
        left = n_pt
        for c in eligible:  # one each
            if left == 0:
                break
            k[c.code] += 1
            left -= 1
        strong = eligible[: max(1, len(eligible) * 2 // 5)]
        for c in strong:  # the bigger communities up to three
            while left > 0 and k[c.code] < 3 and k[c.code] < len(cap[c.code]):
                k[c.code] += 1
                left -= 1
        while left > 0:  # the rest where there is room
            room = [c for c in eligible if k[c.code] < len(cap[c.code])]
            if not room:
                break
            for c in room:
                if left == 0:
                    break
                k[c.code] += 1
                left -= 1
        self.u2c: dict[str, list[str]] = {c.org: [] for c in comms}  # community org -> orgs
        for c in comms:
            for o in cap[c.code][: k[c.code]]:
                self._u2c_post(o, c.org)
        # a few heads are part-time members in a neighbouring community too:
        # their org is taken into that community's org as well
        doubles = 0
        for corg in list(self.u2c):
            if doubles >= self.gap("doubles"):
                break
            for o in self.u2c[corg]:
                org = self.orgs[o]
                if org.home != self.orgs[corg].home:
                    continue  # already a double
                street = self.street_of(org.home)
                targets = [self.communities[x] for x in street.communities
                           if x != org.home and x not in zero]
                targets = [t for t in targets if t.org not in org.member_of]
                if not targets or self.orgs[o].size < 2:
                    continue
                t = min(targets, key=lambda t: (len(self.u2c[t.org]), t.code))
                pos = len([m for m in org.member_of if self.orgs[m].kind != "street_committee"])
                org.member_of.insert(pos, t.org)
                self._u2c_post(o, t.org)
                doubles += 1
                break
        self.n_part_time_members = n_pt - left

    def _u2c_post(self, org_code: str, corg: str) -> None:
        org = self.orgs[org_code]
        start = max(org.head_post["start"], self.days_ago(60, 1400))
        p = self.post(org.head, corg, "part_time_member", "part_time", start, self.term_end())
        self.u2c_posts.append(p)
        self.u2c[corg].append(org_code)

    def make_cross_appointments(self) -> None:
        """C -> U: community staff holding part-time posts in member orgs,
        with the planted one-way links, paper members, overloaded people and
        single points of failure."""
        rng = self.rng
        members = self.members_of()
        no_link = set(self.no_link_pairs)
        must_link = set(self.link_pairs)
        comms = list(self.communities.values())
        for c in comms:
            u2c = set(self.u2c[c.org])
            for o in members[c.org]:
                if (o, c.org) in no_link:
                    cat = "none"
                elif o in u2c:
                    cat = "u_only" if rng.random() < PLANTED["G04_u_only_share"] else "two"
                elif (o, c.org) in must_link:
                    cat = "c_only"
                else:
                    cat = "none" if rng.random() < PLANTED["G05_none_share"] else "c_only"
                self.category[(o, c.org)] = cat
        # which communities get the planted G07 / G08
        def linked(c):
            return [o for o in members[c.org] if self.category[(o, c.org)] in ("two", "c_only")]

        def c_only(c):
            return [o for o in members[c.org] if self.category[(o, c.org)] == "c_only"]

        by_links = sorted(comms, key=lambda c: (-len(linked(c)), c.code))
        g07 = [c.code for c in by_links if len(linked(c)) >= 4][: self.gap("G07_overloaded")]
        g08_cands = [c for c in comms if len(c_only(c)) >= 2 and c.code not in g07]
        if len(g08_cands) < self.gap("G08_spof"):  # make room: turn paper members into c_only
            for c in sorted(comms, key=lambda c: (-len(members[c.org]), c.code)):
                if len(g08_cands) >= self.gap("G08_spof"):
                    break
                if c in g08_cands or c.code in g07:
                    continue
                paper = [o for o in members[c.org] if self.category[(o, c.org)] == "none"
                         and (o, c.org) not in no_link]
                if len(c_only(c)) + len(paper) >= 2:
                    for o in paper[: 2 - len(c_only(c))]:
                        self.category[(o, c.org)] = "c_only"
                    g08_cands.append(c)
        g08 = [c.code for c in rng.sample(g08_cands, min(len(g08_cands), self.gap("G08_spof")))]
        self.overloaded, self.spof = [], []
        for c in comms:
            self._assign_c2u(c, linked(c), c.code in g07, c.code in g08)

    def _assign_c2u(self, c: _Community, linked: list[str], plant_g07: bool,
                    plant_g08: bool) -> None:
        rng = self.rng
        corg = self.orgs[c.org]
        load = {p: 0 for p in c.staff}
        solo = {p: 0 for p in c.staff}
        holders: dict[str, list[str]] = {o: [] for o in linked}
        cat = {o: self.category[(o, c.org)] for o in linked}
        fixed: set[str] = set()  # staff whose posts are planted

        def free(exclude=()):
            cands = [p for p in c.staff if load[p] < 3 and p not in fixed and p not in exclude]
            if not cands:  # a bigger committee: one more member
                p = self.person()
                c.staff.append(p)
                load[p] = solo[p] = 0
                self.post(p, corg.code, "member", "own", self.days_ago(100, 1200), self.term_end())
                cands = [p]
            return cands

        todo = list(linked)
        if plant_g08:
            pair = [o for o in todo if cat[o] == "c_only"][:2]
            p = c.staff[-1]
            for o in pair:
                holders[o] = [p]
                todo.remove(o)
            load[p], solo[p] = 2, 2
            fixed.add(p)
            self.spof.append(p)
        if plant_g07:
            sec = c.staff[0]
            mine = sorted(todo, key=lambda o: (cat[o] != "two", o))[: rng.choice((4, 4, 5))]
            for o in mine:
                holders[o] = [sec]
                if cat[o] == "c_only":  # not his alone: a colleague joins
                    load[sec] += 1
                    q = min(free(exclude=(sec,)), key=lambda p: (load[p], c.staff.index(p)))
                    holders[o].append(q)
                    load[q] += 1
                else:
                    load[sec] += 1
                todo.remove(o)
            fixed.add(sec)
            self.overloaded.append(sec)
        todo.sort(key=lambda o: (cat[o] != "two", o))
        for o in todo:
            cands = free()
            if cat[o] == "two":
                p = min(cands, key=lambda p: (load[p], c.staff.index(p)))
                holders[o] = [p]
                load[p] += 1
                continue
            p = min(cands, key=lambda p: (solo[p], load[p], c.staff.index(p)))
            holders[o] = [p]
            load[p] += 1
            if solo[p] >= 1:  # would make p the only link twice: add a colleague
                q = min(free(exclude=(p,)), key=lambda q: (load[q], c.staff.index(q)))
                holders[o].append(q)
                load[q] += 1
            else:
                solo[p] += 1
        for o in linked:
            for p in holders[o]:
                start = self.days_ago(30, 1300)
                role = "part_time_member" if rng.random() < 0.8 else "member"
                self.c2u_posts.append(self.post(p, o, role, "part_time", start, self.term_end()))

    # 6 -----------------------------------------------------------------------
    def make_dates_and_history(self) -> None:
        """G09 expiring posts, ended and future posts, predecessors."""
        rng = self.rng
        n = self.gap("G09_expiring")
        u2c = [p for p in self.u2c_posts]
        c2u = [p for p in self.c2u_posts]
        expiring = rng.sample(u2c, min(len(u2c), (n + 1) // 2))
        expiring += rng.sample(c2u, min(len(c2u), n - len(expiring)))
        for p in expiring:
            p["end"] = self.as_of + dt.timedelta(days=rng.randint(20, 80))
            p["start"] = min(p["start"], self.as_of - dt.timedelta(days=400))
        self.expiring = expiring
        # a C -> U post that ended yesterday and one that starts tomorrow, on
        # member orgs otherwise on paper (they count neither on as_of)
        no_link = set(self.no_link_pairs)
        paper = [(o, corg) for (o, corg), cat in self.category.items()
                 if cat == "none" and (o, corg) not in no_link]
        edge = rng.sample(paper, min(len(paper), 2))
        for i, (o, corg) in enumerate(edge):
            staff = self.communities[self.orgs[corg].home].staff
            p = staff[1 % len(staff)]
            if i == 0:
                post = self.post(p, o, "part_time_member", "part_time",
                                 self.as_of - dt.timedelta(days=rng.randint(400, 1500)),
                                 self.as_of - dt.timedelta(days=1))
            else:
                post = self.post(p, o, "part_time_member", "part_time",
                                 self.as_of + dt.timedelta(days=1))
            post["edge"] = "ended_yesterday" if i == 0 else "starts_tomorrow"
        # predecessors: a former head and former 兼职委员, replaced
        expiring_people = {p["person"] for p in expiring}
        heads = list({p["person"]: p for p in self.u2c_posts
                      if p["person"] not in expiring_people}.values())
        org_of_head = {o.head: o for o in self.orgs.values() if o.head}
        part_time_of: dict[str, list[dict]] = {}
        for q in self.u2c_posts:
            part_time_of.setdefault(q["person"], []).append(q)
        for pt in rng.sample(heads, min(len(heads), self.gap("history"))):
            org = org_of_head[pt["person"]]
            head_start = self.days_ago(150, 700)
            org.head_post["start"] = head_start
            for q in part_time_of[pt["person"]]:
                q["start"] = max(q["start"], head_start)
            old = self.person()
            old_start = head_start - dt.timedelta(days=rng.randint(900, 1800))
            end = head_start - dt.timedelta(days=1)
            self.post(old, org.code, "secretary", "own", old_start, end)
            self.post(old, pt["org"], "part_time_member", "part_time",
                      old_start + dt.timedelta(days=rng.randint(30, 300)), end)

    # 7 -----------------------------------------------------------------------
    def make_grids(self) -> None:
        rng = self.rng
        n_branch = self.n(ARTICLE["grid_branches"])
        n_group = self.n(ARTICLE["grid_groups"])
        n_empty = self.gap("G10_grids")
        total = n_branch + n_group + n_empty
        comms = list(self.communities.values())
        per = _apportion(total, [c.weight * (1 + len(c.units) / 6) for c in comms], 1)
        for c, count in zip(comms, per):
            for j in range(count):
                g = {"code": self.code("G"), "name": f"{c.name}第{nm.zh_number(j + 1)}网格",
                     "community": c.code}
                self.grids.append(g)
                c.grids.append(g["code"])
        multi = [g for g in self.grids if len(self.communities[g["community"]].grids) >= 2]
        pool = multi if len(multi) >= n_empty else self.grids
        empty = set(g["code"] for g in rng.sample(pool, min(len(pool), n_empty)))
        with_org = [g for g in self.grids if g["code"] not in empty]
        rng.shuffle(with_org)
        self.empty_grids = [g["code"] for g in self.grids if g["code"] in empty]
        org_grids = []
        for i, g in enumerate(with_org[: n_branch + n_group]):
            branch = i < n_branch
            c = self.communities[g["community"]]
            o = self.new_org(f"{g['name']}{'党支部' if branch else '党小组'}",
                             "grid_branch" if branch else "grid_group",
                             parent=c.org, grid=g["code"])
            o.home = c.code
            start = self.days_ago(60, 1100)
            self.post(self.person(), o.code, "secretary" if branch else "group_leader",
                      "own", start, self.term_end())
            if branch:
                self.post(self.person(), o.code, "member", "own", start, self.term_end())
            org_grids.append(g)
        # central households, in grids with a party organization
        hosts = org_grids or self.grids
        for _ in range(self.n(ARTICLE["central_households"])):
            if not hosts:
                break
            self.households.append({"person": self.person(), "grid": rng.choice(hosts)["code"]})

    # 8 -----------------------------------------------------------------------
    def make_leaders(self) -> None:
        rng = self.rng
        no_leader = rng.sample(self.streets, min(len(self.streets), self.gap("G11_streets")))
        self.streets_without_leader = [s.code for s in self.streets if s in no_leader]
        comms = list(self.communities)
        self.communities_without_liaison = sorted(
            rng.sample(comms, min(len(comms), self.gap("G12_communities"))))
        skip = set(self.communities_without_liaison)
        counties: dict[str, list[_Street]] = {}
        for s in self.streets:
            counties.setdefault(s.county, []).append(s)
        for county, streets in counties.items():
            charged = [s for s in streets if s.code not in self.streets_without_leader]
            leaders = [self.person() for _ in range(max(1, 2 * len(streets)))]
            load = {p: 0 for p in leaders}
            in_charge: dict[str, list[str]] = {}
            for i, p in enumerate(leaders):
                if charged and (i < len(charged) or rng.random() < 0.35):
                    s = charged[i % len(charged)]
                    self.liaisons.append({"person": p, "kind": "street_charge", "target": s.code})
                    in_charge.setdefault(s.code, []).append(p)
            for s in streets:
                for ccode in s.communities:
                    if ccode in skip:
                        continue
                    cands = in_charge.get(s.code) or leaders
                    if rng.random() < 0.3:
                        cands = leaders
                    p = min(cands, key=lambda p: (load[p], leaders.index(p)))
                    load[p] += 1
                    self.liaisons.append({"person": p, "kind": "community_liaison",
                                          "target": ccode})

    # 9 -----------------------------------------------------------------------
    def make_registrations(self) -> None:
        rng = self.rng
        comms = list(self.communities)
        for o in self.orgs.values():
            if o.kind in _UNIT_KINDS and rng.random() < 0.8:
                self.registrations.append({"subject": o.code, "community": o.home,
                                           "date": self.days_ago(20, 1500)})
        unit_staff = []
        seen = set()
        for p in self.posts:
            if (p["post_type"] == "own" and p["end"] is None and p["person"] not in seen
                    and self.orgs[p["org"]].kind in _UNIT_KINDS):
                seen.add(p["person"])
                unit_staff.append((p["person"], self.orgs[p["org"]].home))
        for person, home in unit_staff:
            if rng.random() < 0.6:
                street = self.street_of(home)
                r = rng.random()
                comm = home if r < 0.5 else rng.choice(street.communities) if r < 0.8 \
                    else rng.choice(comms)
                self.registrations.append({"subject": person, "community": comm,
                                           "date": self.days_ago(20, 1500)})
        for _ in range(self.n(SIZES["in_service_members"])):
            self.registrations.append({"subject": self.person(), "community": rng.choice(comms),
                                       "date": self.days_ago(20, 1500)})

    # 10 ----------------------------------------------------------------------
    def make_lists(self) -> None:
        rng = self.rng
        by_comm_res: dict[str, list[str]] = {}
        for u in self.units.values():
            if u.org is None:
                continue
            for title in rng.sample(nm.RESOURCES[u.kind], rng.choice((0, 1, 1, 1, 2))):
                r = {"code": self.code("R"), "title": title, "unit": u.code}
                self.resources.append(r)
                by_comm_res.setdefault(u.community, []).append(r["code"])
        for c in self.communities.values():
            for title in rng.sample(nm.NEEDS, rng.randint(2, 4)):
                need = {"code": self.code("N"), "title": title, "community": c.code}
                self.needs.append(need)
                res = by_comm_res.get(c.code, [])
                if res and rng.random() < 0.6:
                    self.projects.append({
                        "code": self.code("J"), "title": f"{c.name}{title.removeprefix('社区')}项目",
                        "needs": [need["code"]],
                        "resources": rng.sample(res, min(len(res), rng.choice((1, 1, 2)))),
                        "status": rng.choices(("planned", "active", "done"), (25, 45, 30))[0],
                    })

    # 11 ----------------------------------------------------------------------
    def make_activity(self) -> None:
        """双报到 with 所在党组织, 党员人数, the three lists in motion, service
        records, agreements and joint meetings (roster format version 2).

        Runs last, so the structure above (and its G01-G14 findings) is
        the same with or without it."""
        self._registered_members()
        self._lists_in_motion()
        self._services()
        self._agreements()
        self._meetings()

    def _registered_members(self) -> None:
        rng = self.rng
        unit_orgs = [o for o in self.orgs.values() if o.kind in _UNIT_KINDS]
        home = {}
        for p in self.posts:
            if p["post_type"] == "own" and self.orgs[p["org"]].kind in _UNIT_KINDS:
                home.setdefault(p["person"], p["org"])
        for r in self.registrations:
            if r["subject"] in home:
                r["home_org"] = home[r["subject"]]
        weights = [o.size for o in unit_orgs]
        for r in self.registrations:
            if r["subject"] in self.people and "home_org" not in r:
                r["home_org"] = rng.choices(unit_orgs, weights)[0].code
        comms = list(self.communities)
        people_regs = sum(1 for r in self.registrations if r["subject"] in self.people)
        for _ in range(max(0, self.n(SIZES["members_and_volunteers"]) - people_regs)):
            volunteer = rng.random() < ACTIVITY["volunteer_share"]
            x = {"subject": self.person(None if volunteer else True), "community": rng.choice(comms),
                 "date": self.days_ago(20, 1500)}
            if volunteer:
                self.people[x["subject"]].party_member = False
            else:
                x["home_org"] = rng.choices(unit_orgs, weights)[0].code
            self.registrations.append(x)
        registered: dict[str, set] = {}
        for r in self.registrations:
            if r.get("home_org"):
                registered.setdefault(r["home_org"], set()).add(r["subject"])
        for o in unit_orgs:
            k = len(registered.get(o.code, ()))
            if k == 0 or rng.random() < ACTIVITY["G16_low_share"]:
                o.member_count = max(k + 1, round(k / rng.uniform(0.4, 0.85)), rng.randint(3, 8))
            else:
                o.member_count = max(1, round(k / rng.uniform(0.92, 1.0)))

    def _lists_in_motion(self) -> None:
        rng = self.rng
        unit_of = {r["code"]: r["unit"] for r in self.resources}
        org_of_unit = {u.code: u.org for u in self.units.values()}
        met = {}
        for pr in self.projects:
            for n in pr["needs"]:
                met[n] = pr
        for r in self.resources:
            r["category"] = nm.CATEGORY_OF.get(r["title"], "other")
            r["date"] = self.days_ago(20, 300)
        members = {c.code: [o.code for o in self.orgs.values() if c.org in o.member_of]
                   for c in self.communities.values()}
        for n in self.needs:
            n["category"] = nm.CATEGORY_OF.get(n["title"], "other")
            n["date"] = self.days_ago(5, 400)
            pr = met.get(n["code"])
            if pr is not None:
                n["claimed_by"] = org_of_unit.get(unit_of[pr["resources"][0]]) or unit_of[pr["resources"][0]]
                n["status"] = "done" if pr["status"] == "done" else "claimed"
            elif members.get(n["community"]) and rng.random() < 0.45:
                n["claimed_by"] = rng.choice(members[n["community"]])
                n["status"] = "claimed"
            else:
                n["status"] = "open"
        needs = {n["code"]: n for n in self.needs}
        for pr in self.projects:
            need = needs[pr["needs"][0]]
            pr["lead"] = org_of_unit.get(unit_of[pr["resources"][0]]) or unit_of[pr["resources"][0]]
            if pr["status"] == "planned":
                pr["start"] = self.as_of + dt.timedelta(days=rng.randint(5, 90))
                continue
            start = min(self.as_of, need["date"] + dt.timedelta(days=rng.randint(3, 60)))
            pr["start"] = start
            if pr["status"] == "done":
                span = (self.as_of - start).days
                end = start + dt.timedelta(days=rng.randint(0, max(0, span - 1)))
                pr["end"] = end
                if rng.random() >= ACTIVITY["G20_no_feedback_share"]:
                    pr["rating"] = rng.choice((5, 5, 4, 4, 3))
                    pr["feedback_date"] = min(self.as_of, end + dt.timedelta(days=rng.randint(1, 20)))

    def _services(self) -> None:
        rng = self.rng
        needs_of = {}
        for n in self.needs:
            needs_of.setdefault(n["community"], []).append(n["code"])
        seen = set()
        for r in self.registrations:
            if r["subject"] not in self.people:
                continue
            since = (self.as_of - r["date"]).days
            inactive = rng.random() < ACTIVITY["G17_inactive_share"]
            for _ in range(rng.randint(1, 4)):
                if inactive:  # served once, long ago (or never)
                    if since <= 200 or rng.random() < 0.4:
                        break
                    ago = rng.randint(184, since)
                else:
                    ago = rng.randint(0, min(since, 182))
                s = {"subject": r["subject"], "community": r["community"],
                     "date": self.as_of - dt.timedelta(days=ago),
                     "hours": rng.choice((1.0, 1.5, 2.0, 2.0, 3.0, 4.0))}
                if needs_of.get(r["community"]) and rng.random() < 0.3:
                    s["need"] = rng.choice(needs_of[r["community"]])
                if rng.random() < 0.5:
                    s["rating"] = rng.choice((5, 5, 4, 3))
                key = (s["subject"], s["community"], s["date"], s["hours"], s.get("need"), s.get("rating"))
                if key not in seen:  # the same record twice is a duplicate row
                    seen.add(key)
                    self.services.append(s)

    def _agreements(self) -> None:
        rng = self.rng
        for c in self.communities.values():
            for o in self.orgs.values():
                if c.org not in o.member_of:
                    continue
                r = rng.random()
                if r < ACTIVITY["G21_none_share"]:
                    continue
                start = self.days_ago(30, 1100)
                if r < ACTIVITY["G21_none_share"] + ACTIVITY["G21_expired_share"]:
                    end = self.as_of - dt.timedelta(days=rng.randint(1, 25))
                    start = min(start, end)
                else:
                    end = rng.choice((None, self.as_of + dt.timedelta(days=rng.randint(0, 700))))
                self.agreements.append({"code": self.code("A"), "unit_org": o.code,
                                        "community_org": c.org, "start": start, "end": end})

    def _meetings(self) -> None:
        rng = self.rng
        committees = [c.org for c in self.communities.values()] + [s.committee for s in self.streets]
        for org in committees:
            members = [o.code for o in self.orgs.values() if org in o.member_of]
            absent = {m for m in members if rng.random() < ACTIVITY["G23_absent_share"]}
            few = rng.random() < ACTIVITY["G22_few_share"]
            n_year = rng.randint(0, 1) if few else rng.randint(2, 6)
            dates = [self.as_of - dt.timedelta(days=d) for d in rng.sample(range(0, 365), n_year)]
            dates += [self.as_of - dt.timedelta(days=rng.randint(365, 900)) for _ in range(rng.randint(0, 3))]
            for d in sorted(dates):
                went = [m for m in members if rng.random() < (0.15 if m in absent else 0.9)]
                self.meetings.append({"code": self.code("M"), "org": org, "date": d,
                                      "attendees": went})

    # -- out ------------------------------------------------------------------
    def to_roster(self) -> Roster:
        r = Roster(source=f"demo(seed={self.seed}, scale={self.scale:g}, "
                          f"as_of={self.as_of.isoformat()})")

        def add(table: str, values: dict) -> None:
            r.add(table, values, line=len(r.rows(table)) + 2)

        for s in self.streets:
            add("streets", {"code": s.code, "name": s.name})
        for c in self.communities.values():
            add("communities", {"code": c.code, "name": c.name, "street": c.street})
        for g in self.grids:
            add("grids", g)
        for u in self.units.values():
            add("units", {"code": u.code, "name": u.name, "kind": u.kind,
                          "community": u.community, "credit_code": u.credit_code})
        for o in self.orgs.values():
            add("party_orgs", {"code": o.code, "name": o.name, "kind": o.kind,
                               "parent": o.parent, "units": list(o.units),
                               "community": o.community, "grid": o.grid, "street": o.street,
                               "member_of": list(o.member_of), "member_count": o.member_count})
        for p in self.people.values():
            add("people", {"code": p.code, "name": p.name, "phone": p.phone,
                           "party_member": p.party_member})
        for p in self.posts:
            add("posts", {k: p[k] for k in ("person", "org", "role", "post_type", "start", "end")})
        for x in self.liaisons:
            add("liaisons", x)
        for x in self.compounds:
            add("compounds", x)
        for x in self.households:
            add("central_households", x)
        for x in self.registrations:
            add("registrations", x)
        for x in self.needs:
            add("needs", x)
        for x in self.resources:
            add("resources", x)
        for x in self.projects:
            add("projects", x)
        for x in self.services:
            add("services", x)
        for x in self.agreements:
            add("agreements", x)
        for x in self.meetings:
            add("meetings", x)
        # the whole version-2 template: a column left empty everywhere is
        # still there (so its rule is checked)
        r.columns = {t: frozenset(cols) | {c.key for c in schema.table(t).columns}
                     for t, cols in r.shape().items()}
        return r


_UNIT_KINDS = schema.UNIT_ORG_KINDS

_COMPOUND_HEADS = ("阳光", "锦绣", "幸福", "书香", "滨河", "御景", "金色", "翰林", "凤凰",
                   "丽景", "紫薇", "玉兰", "香榭", "康桥", "怡景", "明珠", "世纪", "龙湾",
                   "和园", "盛世", "桃源", "东方", "春晓", "锦华", "清华", "学府", "天和")


def _cumulative(weights: list[float]) -> list[float]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out
