"""The 统计表: the figures planners report upward, per community, street
and county (``roster-format-v2.md``).

:func:`compute_stats` reads a :class:`~graph.analysis.view.View` and gives
:class:`Stats`, whose :meth:`Stats.as_dict` is the JSON of ``cobuild stats
--format json``. A figure whose table or column is absent from the roster,
or whose denominator is 0, is ``None`` -- "无数据 no data", never 0.

Places: a unit org *lies in* a community when one of its units does (a
joint branch may lie in several). The community orgs *of* a place are those
whose 所属社区 is in the place; for a street or the county its street
working committees count as well where the figure says so
(``with_street_committee``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from graph import schema
from graph.analysis.activity import counts_on, lies_in
from graph.analysis.presence import missing, reason

__all__ = ["Figure", "FIGURES", "FIGURES_BY_KEY", "Stats", "compute_stats"]


@dataclass(frozen=True)
class Figure:
    """One figure of the 统计表: ``rate`` figures have num/den, the others
    are counts."""

    key: str
    zh: str
    en: str
    rate: bool
    requires: tuple[str, ...] = ()
    with_street_committee: bool = False


#: The figures, in the order of roster-format-v2.md.
FIGURES: tuple[Figure, ...] = (
    Figure("taken_in_rate", "纳入率", "taken-in rate", True, with_street_committee=True),
    Figure("part_time_members", "兼职委员人数", "part-time members", False),
    Figure("part_time_share", "兼职委员占比", "part-time share", True),
    Figure("two_way_share", "双向进入比例", "two-way share", True),
    Figure("party_coverage", "组织覆盖率", "party coverage", True),
    Figure("grid_coverage", "网格党组织覆盖率", "grid coverage", True),
    Figure("unit_registration_rate", "单位报到率", "unit registration rate", True, ("registrations",)),
    Figure("member_registration_rate", "党员报到率", "member registration rate", True,
           ("party_orgs.member_count", "registrations.home_org")),
    Figure("agreement_rate", "协议签订率", "agreement rate", True, ("agreements",)),
    Figure("needs_met", "需求满足率", "needs met", True, ("needs.status",)),
    Figure("meetings", "联席会议次数", "joint meetings", False, ("meetings",),
           with_street_committee=True),
)
FIGURES_BY_KEY = {f.key: f for f in FIGURES}


@dataclass
class Stats:
    """The 统计表 on one date.

    ``places`` are dicts ``{level, code, name, street, figures}`` (community
    rows of each street, then the street, then the county); ``unavailable``
    names the figures whose table or column the roster lacks, with why.
    """

    as_of: date
    places: list[dict] = field(default_factory=list)
    unavailable: dict[str, dict] = field(default_factory=dict)
    scope: dict = field(default_factory=lambda: {"street": None, "community": None})

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "scope": dict(self.scope),
            "figures": [{"key": f.key, "zh": f.zh, "en": f.en, "rate": f.rate} for f in FIGURES],
            "unavailable": self.unavailable,
            "places": self.places,
        }

    def place(self, level: str, code: str | None = None) -> dict:
        for p in self.places:
            if p["level"] == level and p["code"] == code:
                return p
        raise KeyError((level, code))


def _rate(num: int, den: int) -> dict | None:
    return {"value": round(num / den, 4), "num": num, "den": den} if den else None


class _Index:
    """What the figures need, grouped by community once, so that a place's
    figures cost what the place holds (a street's figures read only its
    communities)."""

    def __init__(self, view) -> None:
        self.view = view
        a = view.activity
        self.street_orgs = sorted(o for o, k in view.org_kind.items() if k in schema.STREET_ORG_KINDS)
        #: unit org -> every big committee (community org or street committee) it is taken into
        self.taken_into = view.taken_into
        self.lies = {o: lies_in(view, o) for o in view.unit_orgs}
        self.corgs_of: dict[str, list[str]] = defaultdict(list)
        for c in view.community_orgs:
            if view.org_community.get(c):
                self.corgs_of[view.org_community[c]].append(c)
        self.lying_of: dict[str, list[str]] = defaultdict(list)
        for o, xs in self.lies.items():
            for x in xs:
                self.lying_of[x].append(o)
        self.units_of: dict[str, list[str]] = defaultdict(list)
        for u, x in view.unit_community.items():
            self.units_of[x].append(u)
        self.grids_of: dict[str, list[str]] = defaultdict(list)
        for g, x in view.grid_community.items():
            self.grids_of[x].append(g)
        self.needs_of: dict[str, list[str]] = defaultdict(list)
        for n, x in a.need_community.items():
            if counts_on(view.attr("Need", n, "date"), view.as_of):
                self.needs_of[x].append(n)
        self.street_orgs_of: dict[str, list[str]] = defaultdict(list)
        for o in self.street_orgs:
            self.street_orgs_of[view.org_street.get(o)].append(o)
        self.registered = a.org_registered_with(view.as_of)
        self.in_force = a.agreements_in_force(view)
        self.meetings = a.meetings_of_year(view)


def _figures(ix: _Index, communities: set[str], streets: set[str] | None, absent: set[str]) -> dict:
    """The figures of the place made of ``communities`` (and, for a street
    or the county, the street committees of ``streets``)."""
    v = ix.view
    a = v.activity
    every = lambda index: [y for x in sorted(communities) for y in index.get(x, ())]  # noqa: E731
    corgs = every(ix.corgs_of)
    big = set(corgs)
    if streets is not None:
        big |= {o for s in streets for o in ix.street_orgs_of.get(s, ())}
    lying = sorted(set(every(ix.lying_of)))

    part_time = {p.person for c in corgs for p in v.posts_in_org.get(c, ()) if p.part_time}
    holders = {p.person for c in corgs for p in v.posts_in_org.get(c, ())}
    members = sum(len(v.coverage[c].members) for c in corgs)
    two_way = sum(len(v.coverage[c].two_way) for c in corgs)
    units, grids, needs = every(ix.units_of), every(ix.grids_of), every(ix.needs_of)
    pairs = [(o, x) for o in lying for x in ix.lies[o] if x in communities]
    counted = [o for o in lying if (v.attr("PartyOrg", o, "member_count") or 0) > 0]
    member_pairs = [(u, c) for c in corgs for u in v.members.get(c, ())]
    meeting_orgs = big if streets is not None else set(corgs)

    out = {
        "taken_in_rate": _rate(sum(1 for o in lying if ix.taken_into.get(o, set()) & big), len(lying)),
        "part_time_members": {"value": len(part_time)},
        "part_time_share": _rate(len(part_time), len(holders)),
        "two_way_share": _rate(two_way, members),
        "party_coverage": _rate(sum(1 for u in units if v.unit_orgs_of_unit.get(u)), len(units)),
        "grid_coverage": _rate(sum(1 for g in grids if v.grid_orgs_of.get(g)), len(grids)),
        "unit_registration_rate": _rate(sum(1 for p in pairs if p in ix.registered), len(pairs)),
        "member_registration_rate": _rate(
            sum(len(a.registered_members(o, v.as_of)) for o in counted),
            sum(v.attr("PartyOrg", o, "member_count") for o in counted)),
        "agreement_rate": _rate(sum(1 for p in member_pairs if ix.in_force.get(p)), len(member_pairs)),
        "needs_met": _rate(sum(1 for n in needs if v.attr("Need", n, "status") == "done"), len(needs)),
        "meetings": {"value": sum(len(ix.meetings.get(o, ())) for o in meeting_orgs)},
    }
    for key in absent:
        out[key] = None
    return out


def compute_stats(view, *, street: str | None = None, community: str | None = None) -> Stats:
    """The 统计表 of ``view``'s graph on ``view.as_of``.

    Parameters
    ----------
    view : graph.analysis.view.View
    street, community : str, optional
        Only this street (its communities, then the street) or this
        community (its row alone); neither: every community, every street
        and the county.

    Returns
    -------
    Stats

    Examples
    --------
    >>> import networkx as nx
    >>> from graph.analysis.view import View
    >>> s = compute_stats(View(nx.MultiDiGraph(), date(2024, 1, 1)))
    >>> s.place("county")["figures"]["taken_in_rate"], s.place("county")["figures"]["meetings"]
    (None, None)
    """
    ix = _Index(view)
    unavailable = {}
    for f in FIGURES:
        lacking = missing(view.shape, f.requires)
        if lacking:
            zh, en = reason(lacking)
            unavailable[f.key] = {"missing": lacking, "reason_zh": f"无数据：{zh}",
                                  "reason_en": f"no data: {en}"}
    absent = set(unavailable)
    stats = Stats(view.as_of, unavailable=unavailable, scope={"street": street, "community": community})
    all_streets = sorted(view.nodes.get("Street", {}))
    by_street: dict[str | None, list[str]] = defaultdict(list)
    for x in sorted(view.nodes.get("Community", {})):
        by_street[view.street_of(x)].append(x)
    for s in all_streets:
        if street is not None and s != street:
            continue
        for x in by_street.get(s, []):
            if community is not None and x != community:
                continue
            stats.places.append({"level": "community", "code": x, "name": view.name("Community", x),
                                 "street": s, "figures": _figures(ix, {x}, None, absent)})
        if community is None:
            stats.places.append({"level": "street", "code": s, "name": view.name("Street", s),
                                 "street": s, "figures": _figures(ix, set(by_street.get(s, [])), {s},
                                                                  absent)})
    if street is None and community is None:
        everything = set(view.nodes.get("Community", {}))
        stats.places.append({"level": "county", "code": None, "name": "全县 county", "street": None,
                             "figures": _figures(ix, everything, set(all_streets), absent)})
    return stats
