"""The co-building activity of a graph on the as-of date, indexed once.

Rules G15–G23 and the 统计表 read an :class:`Activity` (``view.activity``,
built on first use with one pass over the graph's activity relationships)
instead of scanning the graph.

Date conventions (``rules.md``, version 2):

* a row dated after the as-of date does not count yet; an empty 报到日期,
  提出日期, 登记日期 or 开始日期 counts as long ago (:func:`counts_on`,
  :func:`days_before`);
* "in the N days up to the as-of date" means ``0 <= as_of - date < N``
  (:func:`within`);
* a *counting* project is one whose 开始日期 is empty or not after the
  as-of date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from graph import schema

__all__ = ["Activity", "Registration", "Service", "counts_on", "days_before", "within", "lies_in",
           "YEAR_DAYS"]

#: "the 365 days up to the as-of date" of G22, G23 and the meetings figure.
YEAR_DAYS = 365
#: The relationships the index reads (the activity layer of the schema).
_ACTIVITY_TYPES = frozenset(r.type for r in schema.REL_KINDS if r.layer == schema.ACTIVITY)

#: The index of :class:`Activity` each plain activity relationship fills,
#: keyed by its start node's code: (attribute, the target as a node id
#: rather than a code -- it may be of more than one label --, many targets).
_INDEXES: dict[str, tuple[str, bool, bool]] = {
    "RAISED_BY": ("need_community", False, False),
    "CLAIMED_BY": ("need_claimed_by", True, True),
    "OFFERED_BY": ("resource_unit", False, False),
    "MEETS": ("project_needs", False, True),
    "USES": ("project_resources", False, True),
    "LED_BY": ("project_leads", True, True),
    "SIGNED_BY": ("agreement_unit_org", False, False),
    "SIGNED_WITH": ("agreement_community_org", False, False),
    "CONVENED_BY": ("meeting_org", False, False),
    "ATTENDED_BY": ("meeting_attendees", False, True),
}


def counts_on(d: date | None, as_of: date) -> bool:
    """Whether a row dated ``d`` counts on ``as_of`` (empty: long ago).

    >>> counts_on(None, date(2024, 1, 1)), counts_on(date(2024, 1, 2), date(2024, 1, 1))
    (True, False)
    """
    return d is None or d <= as_of


def days_before(d: date | None, as_of: date, n: int) -> bool:
    """Whether ``d`` is at least ``n`` days before ``as_of`` (empty: long ago).

    >>> days_before(date(2024, 1, 1), date(2024, 1, 31), 30), days_before(date(2024, 1, 2), date(2024, 1, 31), 30)
    (True, False)
    """
    return d is None or (as_of - d).days >= n


def within(d: date | None, as_of: date, n: int) -> bool:
    """Whether ``d`` is in the ``n`` days up to ``as_of``: ``0 <= as_of - d < n``.

    >>> within(date(2024, 1, 1), date(2024, 12, 30), 365), within(date(2024, 1, 1), date(2024, 12, 31), 365)
    (True, False)
    """
    return d is not None and 0 <= (as_of - d).days < n


def first_day_within(as_of: date, n: int) -> date:
    """The first day ``within(d, as_of, n)`` accepts: ``within`` is then
    ``first <= d <= as_of``, two comparisons to test many rows with (the
    calendar's first day when the window starts before it).

    >>> first_day_within(date(2024, 12, 30), 365), first_day_within(date(1, 1, 5), 183)
    (datetime.date(2024, 1, 1), datetime.date(1, 1, 1))
    """
    if (as_of - date.min).days < n - 1:
        return date.min
    return as_of - timedelta(days=n - 1)


class Registration(NamedTuple):
    """One 双报到 row: a person or party org registered with a community.

    (A named tuple, as :class:`Service`: the county has tens of thousands of
    them and a frozen dataclass costs several times more to make.)"""

    label: str  # "Person" or "PartyOrg"
    subject: str
    community: str
    date: date | None
    home_org: str | None


class Service(NamedTuple):
    """One 服务记录 row."""

    label: str
    subject: str
    community: str
    date: date | None
    hours: float | None
    need: str | None
    rating: int | None


@dataclass
class Activity:
    """Indexes of the activity relationships of ``view.G``."""

    registrations: list[Registration] = field(default_factory=list)
    #: org -> [(person, date)] of 双报到 rows naming the org as 所在党组织
    registered_from: dict[str, list[tuple[str, date | None]]] = field(
        default_factory=lambda: defaultdict(list))
    services: list[Service] = field(default_factory=list)
    need_community: dict[str, str] = field(default_factory=dict)
    need_claimed_by: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    resource_unit: dict[str, str] = field(default_factory=dict)
    project_needs: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    project_resources: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    project_leads: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    agreement_unit_org: dict[str, str] = field(default_factory=dict)
    agreement_community_org: dict[str, str] = field(default_factory=dict)
    meeting_org: dict[str, str] = field(default_factory=dict)
    meeting_attendees: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, view) -> "Activity":
        a = cls()
        for u, v, d in view.other_edges:
            t = d.get("type")
            if t not in _ACTIVITY_TYPES:
                continue
            ul, uc = schema.split_node_id(u)
            vc = schema.split_node_id(v)[1]
            if t == "REGISTERED_WITH":
                a.registrations.append(Registration(ul, uc, vc, d.get("date"), d.get("home_org")))
            elif t == "REGISTERED_FROM":
                if ul == "Person":
                    a.registered_from[vc].append((uc, d.get("date")))
            elif t == "SERVED":
                a.services.append(Service(ul, uc, vc, d.get("date"), d.get("hours"), d.get("need"),
                                          d.get("rating")))
            else:
                index, whole_id, many = _INDEXES[t]
                target = v if whole_id else vc
                if many:
                    getattr(a, index)[uc].append(target)
                else:
                    getattr(a, index)[uc] = target
        for index, _, many in _INDEXES.values():
            if not many:
                continue
            dd = getattr(a, index)
            for k in dd:
                dd[k] = sorted(set(dd[k]))
        a.registrations.sort(key=lambda r: (r.subject, r.community, r.date or date.min))
        return a

    # -- derived facts ------------------------------------------------------

    def counting_projects(self, view) -> list[str]:
        """Projects whose 开始日期 is empty or not after the as-of date."""
        return sorted(p for p, attrs in view.nodes.get("Project", {}).items()
                      if counts_on(attrs.get("start"), view.as_of))

    def projects_meeting(self, view) -> dict[str, list[str]]:
        """need -> counting projects listing it in 对应需求."""
        out: dict[str, list[str]] = defaultdict(list)
        for p in self.counting_projects(view):
            for n in self.project_needs.get(p, ()):
                out[n].append(p)
        return out

    def projects_using(self, view) -> dict[str, list[str]]:
        """resource -> counting projects listing it in 使用资源."""
        out: dict[str, list[str]] = defaultdict(list)
        for p in self.counting_projects(view):
            for r in self.project_resources.get(p, ()):
                out[r].append(p)
        return out

    def project_community(self, view, project: str) -> str | None:
        """A project's community: that of its first need with one, else of
        its first resource's unit, else of its first lead."""
        for n in self.project_needs.get(project, ()):
            if self.need_community.get(n):
                return self.need_community[n]
        for r in self.project_resources.get(project, ()):
            c = view.unit_community.get(self.resource_unit.get(r))
            if c:
                return c
        for nid in self.project_leads.get(project, ()):
            label, code = schema.split_node_id(nid)
            c = view.unit_community.get(code) if label == "Unit" else view.org_place(code)[0]
            if c:
                return c
        return None

    def org_registered_with(self, as_of: date) -> set[tuple[str, str]]:
        """(party org, community) pairs with a 双报到 row counting on ``as_of``."""
        return {(r.subject, r.community) for r in self.registrations
                if r.label == "PartyOrg" and counts_on(r.date, as_of)}

    def registered_members(self, org: str, as_of: date) -> list[str]:
        """Distinct people whose 双报到 row (counting on ``as_of``) names
        ``org`` as 所在党组织."""
        return sorted({p for p, d in self.registered_from.get(org, ()) if counts_on(d, as_of)})

    def agreements_in_force(self, view) -> dict[tuple[str, str], list[str]]:
        """(unit org, community org) -> agreements in force on the as-of
        date (start <= as-of, end empty or >= as-of)."""
        out: dict[tuple[str, str], list[str]] = defaultdict(list)
        for a, attrs in sorted(view.nodes.get("Agreement", {}).items()):
            u, c = self.agreement_unit_org.get(a), self.agreement_community_org.get(a)
            start, end = attrs.get("start"), attrs.get("end")
            if u and c and counts_on(start, view.as_of) and (end is None or end >= view.as_of):
                out[(u, c)].append(a)
        return out

    def meetings_of_year(self, view) -> dict[str, list[str]]:
        """convening org -> meetings in the 365 days up to the as-of date."""
        out: dict[str, list[str]] = defaultdict(list)
        for m, attrs in sorted(view.nodes.get("Meeting", {}).items()):
            org = self.meeting_org.get(m)
            if org and within(attrs.get("date"), view.as_of, YEAR_DAYS):
                out[org].append(m)
        return out


def lies_in(view, org: str) -> list[str]:
    """The communities a unit org lies in: those of its units."""
    return sorted({c for u in view.org_units.get(org, ()) if (c := view.unit_community.get(u))})
