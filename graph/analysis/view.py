"""The facts of the co-building graph on one as-of date, indexed once.

Every rule and the coverage summary read a :class:`View` instead of scanning
the graph: the view walks the nodes and edges of the graph exactly once and
keeps the indexes the rules need (posts that count on the as-of date, each
person's home orgs, membership, the links U → C and C → U, where every org
lies).

Definitions (``docs/rules.md`` and ``domain.md``):

* A post *counts* on the as-of date when ``start <= as_of`` and (no ``end``
  or ``as_of <= end``); a post with no start counts from always.
* A *community org* has a kind in :data:`graph.schema.COMMUNITY_ORG_KINDS`;
  a *unit org* a kind in :data:`graph.schema.UNIT_ORG_KINDS` (joint branches
  included).
* A unit org U is a *member* of community org C when U has a ``MEMBER_OF``
  relationship to C (纳入).
* A person's *home* is the set of orgs where they hold an own (本职) post
  that counts.
* *U → C*: someone whose home includes U holds a part-time (兼职) post in C.
  *C → U*: someone whose home includes C holds a part-time post in U.
  The view records these links for every (unit org, community org) pair,
  member or not (the red-property rule G13 needs them for property companies
  that were never taken in); the coverage figures use member pairs only.

Evidence strings are node ids (``"Person:P007"``, ``"PartyOrg:O012"``,
``"Unit:U003"``) and post ids ``"Post:<person>@<org>#<post_type>#<role>#<start>"``
(see :func:`post_id`; ``<start>`` is empty when the post has none).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import networkx as nx

from graph import schema
from graph.analysis.activity import Activity
from graph.analysis.presence import graph_shape

__all__ = ["Post", "Coverage", "View", "view_of", "post_id", "post_counts"]

_ORG = "PartyOrg"


def post_id(person: str, org: str, post_type: str, role: str, start: date | None) -> str:
    """The stable evidence id of a post.

    Examples
    --------
    >>> post_id("P007", "O012", "part_time", "part_time_member", date(2024, 1, 1))
    'Post:P007@O012#part_time#part_time_member#2024-01-01'
    >>> post_id("P007", "O012", "own", "secretary", None)
    'Post:P007@O012#own#secretary#'
    """
    s = start.isoformat() if start else ""
    return f"Post:{person}@{org}#{post_type}#{role}#{s}"


def post_counts(start: date | None, end: date | None, as_of: date) -> bool:
    """Whether a post with this term counts on ``as_of``.

    >>> post_counts(date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 31))
    True
    >>> post_counts(date(2024, 1, 2), None, date(2024, 1, 1))
    False
    >>> post_counts(None, None, date(2000, 1, 1))
    True
    """
    if start is not None and start > as_of:
        return False
    return end is None or as_of <= end


@dataclass(frozen=True)
class Post:
    """A post (a seat in a party org) held by a person, counting on the as-of
    date."""

    person: str
    org: str
    role: str
    post_type: str
    start: date | None
    end: date | None

    @property
    def id(self) -> str:
        return post_id(self.person, self.org, self.post_type, self.role, self.start)

    @property
    def part_time(self) -> bool:
        return self.post_type == "part_time"


@dataclass
class Coverage:
    """Two-way entry figures of one community org (member pairs only)."""

    org: str
    members: list[str]
    #: member unit org -> posts making U → C / C → U
    u_to_c: dict[str, list[Post]] = field(default_factory=dict)
    c_to_u: dict[str, list[Post]] = field(default_factory=dict)
    #: people with a part-time post in C whose home is a member unit org,
    #: with those posts
    part_time_people: dict[str, list[Post]] = field(default_factory=dict)

    @property
    def two_way(self) -> list[str]:
        return [u for u in self.members if u in self.u_to_c and u in self.c_to_u]

    @property
    def two_way_share(self) -> float:
        return len(self.two_way) / len(self.members) if self.members else 0.0


def _sorted(xs) -> list[str]:
    return sorted(set(xs))


#: the relationship types the view reads (the structure layer)
_READ_HERE = frozenset({"HOLDS", "IN", "BELONGS_TO", "MEMBER_OF", "IN_CHARGE_OF", "LIAISES_WITH",
                        "MANAGED_BY"})


class View:
    """The facts of graph ``G`` on ``as_of``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The co-building graph (contract in :mod:`graph.schema`).
    as_of : datetime.date
        Only posts that count on this date are seen.
    exclude_people : iterable of str, optional
        Person codes treated as gone (their posts are not seen): the
        "what if this person leaves" question.

    Examples
    --------
    >>> import networkx as nx
    >>> v = View(nx.MultiDiGraph(), date(2024, 1, 1))
    >>> v.posts, v.community_orgs
    ([], [])
    """

    def __init__(self, G: nx.MultiDiGraph, as_of: date, exclude_people=()) -> None:
        self.G = G
        self.as_of = as_of
        excluded = set(exclude_people)
        #: the people treated as gone (``exclude_people``)
        self.excluded: frozenset[str] = frozenset(excluded)
        #: label -> code -> node attribute dict
        self.nodes: dict[str, dict[str, dict]] = defaultdict(dict)
        for nid, attrs in G.nodes(data=True):
            label = attrs.get("label") or schema.split_node_id(nid)[0]
            code = attrs.get("code") or schema.split_node_id(nid)[1]
            self.nodes[label][code] = attrs

        self.org_kind: dict[str, str] = {c: a.get("kind", "other") for c, a in self.nodes[_ORG].items()}
        self.community_orgs: list[str] = sorted(
            c for c, k in self.org_kind.items() if k in schema.COMMUNITY_ORG_KINDS)
        self.unit_orgs: list[str] = sorted(
            c for c, k in self.org_kind.items() if k in schema.UNIT_ORG_KINDS)
        self._is_comm = set(self.community_orgs)
        self._is_unit_org = set(self.unit_orgs)

        # containment and belonging
        self.community_street: dict[str, str] = {}
        self.unit_community: dict[str, str] = {}
        self.grid_community: dict[str, str] = {}
        self.compound_community: dict[str, str] = {}
        self.compound_property: dict[str, list[str]] = defaultdict(list)
        self.org_units: dict[str, list[str]] = defaultdict(list)
        self.org_community: dict[str, str] = {}
        self.org_grid: dict[str, str] = {}
        self.org_street: dict[str, str] = {}
        self.unit_orgs_of_unit: dict[str, list[str]] = defaultdict(list)
        self.community_orgs_of: dict[str, list[str]] = defaultdict(list)
        self.grid_orgs_of: dict[str, list[str]] = defaultdict(list)
        #: unit org -> community orgs it is a member of; and the reverse
        self.member_of: dict[str, list[str]] = defaultdict(list)
        self.members: dict[str, list[str]] = defaultdict(list)
        #: org -> every org it is a member of (``MEMBER_OF``, whatever the
        #: kinds: a street committee's members too)
        self.taken_into: dict[str, set[str]] = defaultdict(set)
        self.streets_in_charge: set[str] = set()
        self.communities_with_liaison: set[str] = set()
        self.leaders_of_street: dict[str, list[str]] = defaultdict(list)
        self.leaders_of_community: dict[str, list[str]] = defaultdict(list)

        self.posts: list[Post] = []
        self.posts_of_person: dict[str, list[Post]] = defaultdict(list)
        self.posts_in_org: dict[str, list[Post]] = defaultdict(list)

        #: ``(u, v, data)`` of the relationships this view does not read (the
        #: activity layer), for :class:`~graph.analysis.activity.Activity`
        self.other_edges: list[tuple[str, str, dict]] = []
        as_of_ = as_of
        for u, v, data in G.edges(data=True):
            t = data.get("type")
            if t not in _READ_HERE:
                self.other_edges.append((u, v, data))
                continue
            ul, uc = schema.split_node_id(u)
            vl, vc = schema.split_node_id(v)
            if t == "HOLDS":
                if uc in excluded:
                    continue
                start, end = data.get("start"), data.get("end")
                if start is not None and start > as_of_:
                    continue
                if end is not None and end < as_of_:
                    continue
                p = Post(uc, vc, str(data.get("role", "")), data.get("post_type", ""), start, end)
                self.posts.append(p)
                self.posts_of_person[uc].append(p)
                self.posts_in_org[vc].append(p)
            elif t == "IN":
                if ul == "Community":
                    self.community_street[uc] = vc
                elif ul == "Unit":
                    self.unit_community[uc] = vc
                elif ul == "Grid":
                    self.grid_community[uc] = vc
                elif ul == "Compound":
                    self.compound_community[uc] = vc
            elif t == "BELONGS_TO":
                if vl == "Unit":
                    self.org_units[uc].append(vc)
                    if uc in self._is_unit_org:
                        self.unit_orgs_of_unit[vc].append(uc)
                elif vl == "Community":
                    self.org_community[uc] = vc
                    if uc in self._is_comm:
                        self.community_orgs_of[vc].append(uc)
                elif vl == "Grid":
                    self.org_grid[uc] = vc
                    if self.org_kind.get(uc) in schema.GRID_ORG_KINDS:
                        self.grid_orgs_of[vc].append(uc)
                elif vl == "Street":
                    self.org_street[uc] = vc
            elif t == "MEMBER_OF":
                self.taken_into[uc].add(vc)
                if uc in self._is_unit_org and vc in self._is_comm:
                    self.member_of[uc].append(vc)
                    self.members[vc].append(uc)
            elif t == "IN_CHARGE_OF":
                if uc not in excluded:
                    self.streets_in_charge.add(vc)
                    self.leaders_of_street[vc].append(uc)
            elif t == "LIAISES_WITH":
                if uc not in excluded:
                    self.communities_with_liaison.add(vc)
                    self.leaders_of_community[vc].append(uc)
            elif t == "MANAGED_BY":
                self.compound_property[uc].append(vc)

        for d in (self.org_units, self.unit_orgs_of_unit, self.community_orgs_of,
                  self.grid_orgs_of, self.member_of, self.members, self.compound_property,
                  self.leaders_of_street, self.leaders_of_community):
            for k in d:
                d[k] = _sorted(d[k])
        self.posts.sort(key=lambda p: p.id)
        for d in (self.posts_of_person, self.posts_in_org):
            for k in d:
                d[k].sort(key=lambda p: p.id)

        #: person -> home orgs (own posts that count)
        self.home: dict[str, list[str]] = {}
        for person, posts in self.posts_of_person.items():
            h = _sorted(p.org for p in posts if p.post_type == "own")
            if h:
                self.home[person] = h

        # links, for every (unit org, community org) pair
        self.u_to_c: dict[tuple[str, str], list[Post]] = defaultdict(list)
        self.c_to_u: dict[tuple[str, str], list[Post]] = defaultdict(list)
        for p in self.posts:
            if p.post_type != "part_time":
                continue
            for h in self.home.get(p.person, ()):
                if p.org in self._is_comm and h in self._is_unit_org:
                    self.u_to_c[(h, p.org)].append(p)
                elif p.org in self._is_unit_org and h in self._is_comm:
                    self.c_to_u[(h, p.org)].append(p)

        self._place: dict[str, tuple[str | None, str | None]] = {}

    # -- names and places ---------------------------------------------------

    def name(self, label: str, code: str) -> str:
        """The node's name (its code when it has none)."""
        attrs = self.nodes.get(label, {}).get(code, {})
        key = schema.node_kind(label).name_key if label in schema.NODE_KINDS_BY_LABEL else "name"
        return str(attrs.get(key) or code)

    def attr(self, label: str, code: str, key: str, default=None):
        """A node property (``view.attr("Compound", "K1", "model")``)."""
        return self.nodes.get(label, {}).get(code, {}).get(key, default)

    def street_of(self, community: str | None) -> str | None:
        """The street a community lies in."""
        return self.community_street.get(community) if community else None

    def org_place(self, org: str) -> tuple[str | None, str | None]:
        """(community, street) an org belongs to.

        A community org: its community. A unit org: the community of the
        first (by code) community org it is a member of, else the community
        its first unit is located in. A grid org: its grid's community. A
        street org: no community, its street.
        """
        if org in self._place:
            return self._place[org]
        community = self.org_community.get(org)
        if community is None and org in self._is_unit_org:
            for c in self.member_of.get(org, ()):
                community = self.org_community.get(c)
                if community:
                    break
        if community is None:
            for u in self.org_units.get(org, ()):
                community = self.unit_community.get(u)
                if community:
                    break
        if community is None and org in self.org_grid:
            community = self.grid_community.get(self.org_grid[org])
        street = self.street_of(community) if community else self.org_street.get(org)
        self._place[org] = (community, street)
        return community, street

    def person_place(self, person: str) -> tuple[str | None, str | None]:
        """(community, street) of a person: those of their first home org
        that has a place, else of the first org where they hold a post."""
        orgs = list(self.home.get(person, ())) + [p.org for p in self.posts_of_person.get(person, ())]
        for o in orgs:
            place = self.org_place(o)
            if place != (None, None):
                return place
        return None, None

    def is_community_org(self, org: str) -> bool:
        return org in self._is_comm

    def is_unit_org(self, org: str) -> bool:
        return org in self._is_unit_org

    @cached_property
    def post_index(self) -> dict[str, Post]:
        """The posts that count, keyed by their evidence id."""
        return {p.id: p for p in self.posts}

    # -- activity (roster format version 2) -----------------------------------

    @cached_property
    def activity(self):
        """The co-building activity indexes (:mod:`graph.analysis.activity`)."""
        return Activity.of(self)

    @cached_property
    def shape(self) -> dict[str, list[str]]:
        """The tables and columns of the roster behind the graph
        (:func:`graph.analysis.presence.graph_shape`)."""
        return graph_shape(self.G)

    # -- coverage -----------------------------------------------------------

    @cached_property
    def coverage(self) -> dict[str, Coverage]:
        """Coverage of every community org, keyed by its code."""
        out = {}
        for c in self.community_orgs:
            members = self.members.get(c, [])
            cov = Coverage(c, list(members))
            member_set = set(members)
            for u in members:
                if (u, c) in self.u_to_c:
                    cov.u_to_c[u] = self.u_to_c[(u, c)]
                if (c, u) in self.c_to_u:
                    cov.c_to_u[u] = self.c_to_u[(c, u)]
            for p in self.posts_in_org.get(c, ()):
                if p.post_type != "part_time":
                    continue
                if any(h in member_set and h != c for h in self.home.get(p.person, ())):
                    cov.part_time_people.setdefault(p.person, []).append(p)
            out[c] = cov
        return out

    # -- wording --------------------------------------------------------------

    def name_list(self, label: str, codes, limit: int = 5) -> tuple[str, str]:
        """Names of ``codes`` for a message: ``("甲、乙等7个", "A, B and 5 more")``."""
        codes = list(codes)
        names = [self.name(label, c) for c in codes[:limit]]
        zh = "、".join(names)
        en = ", ".join(names)
        if len(codes) > limit:
            zh += f"等{len(codes)}个"
            en += f" and {len(codes) - limit} more"
        return zh, en


def view_of(G: nx.MultiDiGraph, as_of: date, view: View | None = None) -> View:
    """``view`` when it is the whole :class:`View` of ``G`` on ``as_of`` (no one
    excluded), else a new one: how a caller hands on the view it has."""
    if view is not None and view.G is G and view.as_of == as_of and not view.excluded:
        return view
    return View(G, as_of)
