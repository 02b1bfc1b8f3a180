"""Matching open needs to registered resources (需求对接): an optimal
assignment.

Which needs: every *open* need on the as-of date -- raised by then (提出日期
empty or not after it), not 已认领 or 已完成, with no 认领主体 and no counting
project meeting it.

Which resources may take a need: a resource registered by then (登记日期
empty or not after it) **of the need's category** (需求类型 = 资源类型; when
either has none, any resource may take it, and the proposal says the
category is unknown).

Capacity (how many open needs a resource may take now): a venue (场地) or
funds (资金) is used up by one need at a time, so its base capacity is 1; a
service (volunteers, health care, education, legal service, jobs, culture,
care, other) can serve several communities, base ``service_capacity``
(default 3). Projects that already use the resource and are under way
(counting, not 已完成 and with no 完成日期 on or before the as-of date) take
one each; what is left is the capacity (never below 0).

The score of a (need, resource) pair, in the brief's order of preference:
same community +100, same street +40, the resource's unit already has an
org taken into a big party committee of the need's community +15, past
ratings +2 × the average 评价 of the projects that used the unit's
resources or that it (or its org) led and of the services its orgs gave
(3 -- neutral -- when there is none). Each preference outweighs all the
later ones together for one pair.

The assignment is a minimum-cost maximum flow (:func:`networkx.max_flow_min_cost`):
source → need (capacity 1) → resource (capacity 1, cost −score) → sink
(capacity: the resource's). It serves as many needs as the capacities
allow and, among those assignments, has the greatest total score. A need
left open says why: no resource of its category, or every such resource
is at capacity (or went to needs that fit it better).

To keep the flow small on a province, each need keeps only its
``candidates`` best-scoring resources (default 30).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from graph import schema
from graph.analysis.activity import counts_on

__all__ = ["Proposal", "OpenNeed", "Matching", "match_needs", "ONE_AT_A_TIME", "WEIGHTS"]

#: categories a resource serves one need at a time
ONE_AT_A_TIME = frozenset({"venue", "funds"})
#: the score of each preference
WEIGHTS = {"community": 100, "street": 40, "member": 15, "rating": 2}


@dataclass(frozen=True)
class Proposal:
    """One need proposed to one resource (and so to its unit)."""

    need: str
    need_title: str
    community: str | None
    resource: str
    resource_title: str
    unit: str | None
    unit_name: str
    score: int
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"need": self.need, "need_title": self.need_title, "community": self.community,
                "resource": self.resource, "resource_title": self.resource_title, "unit": self.unit,
                "unit_name": self.unit_name, "score": self.score,
                "why_zh": "；".join(self.reasons_zh), "why_en": "; ".join(self.reasons_en)}


@dataclass(frozen=True)
class OpenNeed:
    """A need no resource was proposed for, and why."""

    need: str
    need_title: str
    community: str | None
    why_zh: str
    why_en: str

    def as_dict(self) -> dict:
        return {"need": self.need, "need_title": self.need_title, "community": self.community,
                "why_zh": self.why_zh, "why_en": self.why_en}


@dataclass
class Matching:
    """The proposals, the needs left open, and each resource's capacity."""

    as_of: date
    proposals: list[Proposal] = field(default_factory=list)
    unmatched: list[OpenNeed] = field(default_factory=list)
    capacity: dict[str, int] = field(default_factory=dict)
    scope: dict = field(default_factory=lambda: {"street": None, "community": None})

    def as_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "scope": dict(self.scope),
                "weights": dict(WEIGHTS),
                "proposals": [p.as_dict() for p in self.proposals],
                "unmatched": [u.as_dict() for u in self.unmatched],
                "capacity": dict(sorted(self.capacity.items()))}


def open_needs(view) -> list[str]:
    """Needs open on the as-of date (see the module docstring)."""
    a = view.activity
    met = a.projects_meeting(view)
    out = []
    for n, attrs in sorted(view.nodes.get("Need", {}).items()):
        if attrs.get("status") in ("claimed", "done") or a.need_claimed_by.get(n) or met.get(n):
            continue
        if counts_on(attrs.get("date"), view.as_of):
            out.append(n)
    return out


def _capacity(view, service_capacity: int) -> dict[str, int]:
    a = view.activity
    busy: dict[str, int] = defaultdict(int)
    for p in a.counting_projects(view):
        attrs = view.nodes["Project"][p]
        end = attrs.get("end")
        if attrs.get("status") == "done" or (end is not None and end <= view.as_of):
            continue
        for r in a.project_resources.get(p, ()):
            busy[r] += 1
    out = {}
    for r, attrs in view.nodes.get("Resource", {}).items():
        if not counts_on(attrs.get("date"), view.as_of):
            continue
        base = 1 if attrs.get("category") in ONE_AT_A_TIME else service_capacity
        out[r] = max(0, base - busy[r])
    return out


def _unit_ratings(view) -> dict[str, float]:
    """unit -> average 评价 of its past work (projects using its resources or
    led by it or its orgs; services given by its orgs)."""
    a = view.activity
    got: dict[str, list[int]] = defaultdict(list)

    def units_of(nid: str) -> list[str]:
        label, code = schema.split_node_id(nid)
        return [code] if label == "Unit" else list(view.org_units.get(code, ()))

    for p, attrs in view.nodes.get("Project", {}).items():
        rating = attrs.get("rating")
        if rating is None:
            continue
        units = {a.resource_unit.get(r) for r in a.project_resources.get(p, ())}
        units |= {u for nid in a.project_leads.get(p, ()) for u in units_of(nid)}
        for u in units - {None}:
            got[u].append(rating)
    for s in a.services:
        if s.rating is not None and s.label == "PartyOrg":
            for u in view.org_units.get(s.subject, ()):
                got[u].append(s.rating)
    return {u: sum(v) / len(v) for u, v in got.items()}


def _members_of_community(view) -> dict[str, set[str]]:
    """community -> units with an org taken into one of its community orgs."""
    out: dict[str, set[str]] = defaultdict(set)
    for c in view.community_orgs:
        x = view.org_community.get(c)
        for o in view.members.get(c, ()):
            out[x].update(view.org_units.get(o, ()))
    return out


def match_needs(view, *, street: str | None = None, community: str | None = None,
                service_capacity: int = 3, candidates: int = 30) -> Matching:
    """Propose a resource for each open need of the scope.

    Parameters
    ----------
    view : graph.analysis.view.View
    street, community : str, optional
        Only the needs of this street / community (resources may come from
        anywhere in the graph).
    service_capacity : int
        Base capacity of a service resource (a venue or funds: 1).
    candidates : int
        Resources kept per need (its best-scoring ones).

    Returns
    -------
    Matching

    Examples
    --------
    >>> import networkx as nx
    >>> from graph.analysis.view import View
    >>> match_needs(View(nx.MultiDiGraph(), date(2024, 1, 1))).proposals
    []
    """
    a = view.activity
    cat = schema.CATEGORY
    capacity = _capacity(view, service_capacity)
    ratings = _unit_ratings(view)
    members = _members_of_community(view)
    needs = [n for n in open_needs(view)
             if (community is None or a.need_community.get(n) == community)
             and (street is None or view.street_of(a.need_community.get(n)) == street)]
    by_category: dict[str | None, list[str]] = defaultdict(list)
    for r in sorted(capacity):
        by_category[view.attr("Resource", r, "category")].append(r)

    def pair(n: str, r: str) -> tuple[int, list[str], list[str]]:
        nc, rc = view.attr("Need", n, "category"), view.attr("Resource", r, "category")
        x = a.need_community.get(n)
        unit = a.resource_unit.get(r)
        ux = view.unit_community.get(unit)
        zh, en, score = [], [], 0
        if nc and nc == rc:
            zh.append(f"同类：{cat.zh_of(nc)}")
            en.append(f"same category: {cat.by_code(nc).en}")
        else:
            zh.append("类型未填，无法比对")
            en.append("category not given, not compared")
        if x and ux == x:
            score += WEIGHTS["community"] + WEIGHTS["street"]
            zh.append("同一社区")
            en.append("same community")
        elif x and view.street_of(ux) == view.street_of(x) and view.street_of(x):
            score += WEIGHTS["street"]
            zh.append("同一街道")
            en.append("same street")
        if unit in members.get(x, ()):
            score += WEIGHTS["member"]
            zh.append("该单位已纳入本社区大党委")
            en.append("the unit is already a member of the community's big party committee")
        avg = ratings.get(unit)
        score += round(WEIGHTS["rating"] * (avg if avg is not None else 3))
        if avg is not None:
            zh.append(f"以往评价平均 {avg:.1f} 分")
            en.append(f"past ratings average {avg:.1f}")
        else:
            zh.append("暂无以往评价")
            en.append("no past rating yet")
        return score, zh, en

    F = nx.DiGraph()
    reasons: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    no_candidate: list[str] = []
    for n in needs:
        nc = view.attr("Need", n, "category")
        pool = (by_category.get(nc, []) + by_category.get(None, [])) if nc else list(capacity)
        scored = []
        for r in pool:
            s, zh, en = pair(n, r)
            scored.append((-s, r, zh, en))
        scored.sort()
        if not scored:
            no_candidate.append(n)
            continue
        F.add_edge("source", ("n", n), capacity=1, weight=0)
        for neg, r, zh, en in scored[:candidates]:
            F.add_edge(("n", n), ("r", r), capacity=1, weight=neg)
            F.add_edge(("r", r), "sink", capacity=capacity[r], weight=0)
            reasons[(n, r)] = (zh, en)
    flow = nx.max_flow_min_cost(F, "source", "sink") if F.number_of_nodes() else {}
    result = Matching(view.as_of, capacity=dict(capacity), scope={"street": street, "community": community})
    taken: set[str] = set()
    for n in needs:
        out = flow.get(("n", n), {})
        chosen = [node[1] for node, f in out.items() if f > 0]
        if chosen:
            r = chosen[0]
            taken.add(n)
            zh, en = reasons[(n, r)]
            unit = a.resource_unit.get(r)
            result.proposals.append(Proposal(
                n, view.name("Need", n), a.need_community.get(n), r, view.name("Resource", r), unit,
                view.name("Unit", unit) if unit else "", -F.edges[("n", n), ("r", r)]["weight"],
                tuple(zh), tuple(en)))
            result.capacity[r] -= 1
    for n in needs:
        if n in taken:
            continue
        nc = view.attr("Need", n, "category")
        if n in no_candidate:
            what = cat.zh_of(nc) if nc else ""
            zh = f"没有已登记的{what}类资源" if nc else "没有已登记的资源"
            en = (f"no registered resource of its category ({cat.by_code(nc).en})" if nc
                  else "no registered resource at all")
        else:
            zh = "同类资源均已满负荷，或已对接更合适的需求"
            en = "every resource of its category is at capacity or went to a need it fits better"
        result.unmatched.append(OpenNeed(n, view.name("Need", n), a.need_community.get(n), zh, en))
    result.proposals.sort(key=lambda p: (view.street_of(p.community) or "", p.community or "", p.need))
    return result
