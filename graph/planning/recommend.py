"""``recommend``: the 补齐方案 -- the new appointments that close the gaps
together, within the policy's limits, with the fewest new posts -- checked
by applying it and re-running every rule.

:func:`recommend` reads the graph on the as-of date, builds the problem
(:mod:`graph.planning.problem`), solves it (:mod:`graph.planning.solver`:
CP-SAT, or the greedy baseline), words every proposal and every finding it
cannot close in Chinese and English, and checks the plan
(:mod:`graph.planning.verify`). Nothing is written anywhere.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import networkx as nx

from graph.analysis import places_of, run_rules
from graph.analysis.policy import Policy
from graph.analysis.rules import RULES_BY_ID
from graph.analysis.view import View
from graph.errors import CobuildError
from graph.findings import Finding
from graph.planning.changes import AddPost
from graph.planning.problem import (TARGET_RULES, Candidate, Problem, State, Target, build_problem,
                                    role_word)
from graph.planning.solver import Solution, _Model, greedy, solve
from graph.planning.verify import Check, check_plan

__all__ = ["Proposal", "Unclosable", "Plan", "recommend", "METHODS"]

METHODS = ("cp-sat", "greedy")


@dataclass
class Proposal:
    """One new appointment and why."""

    candidate: Candidate
    person_name: str
    org_name: str
    home_name: str
    community: str | None
    street: str | None
    closes: list[Finding]
    advances: list[Finding]
    reason_zh: str
    reason_en: str

    @property
    def change(self) -> AddPost:
        return AddPost(self.candidate.person, self.candidate.org, self.candidate.role, "part_time")

    def as_dict(self) -> dict:
        k = self.candidate
        zh, en = role_word(k.role)
        hz, he = role_word(k.home_role)

        def subj(f: Finding) -> dict:
            return {"rule": f.rule, "severity": f.severity,
                    "subject": {"type": f.subject.type, "code": f.subject.code, "name": f.subject.name},
                    "community": f.community}
        return {
            "person": {"code": k.person, "name": self.person_name},
            "org": {"code": k.org, "name": self.org_name},
            "role": zh, "role_code": k.role, "role_en": en,
            "post_type": "part_time",
            "direction": k.direction,
            "community": self.community, "street": self.street,
            "current_post": {"org": {"code": k.home, "name": self.home_name}, "role": hz, "role_en": he},
            "part_time_posts_before": k.load,
            "closes": [subj(f) for f in self.closes],
            "advances": [subj(f) for f in self.advances],
            "reason_zh": self.reason_zh, "reason_en": self.reason_en,
        }


@dataclass
class Unclosable:
    """A finding no appointment of this plan closes, and why."""

    finding: Finding
    code: str  # no_unit_org | nobody_in_office | no_members | no_community_org | limit | seats |
    #           too_few | conflict | no_way | budget | not_modelled
    why_zh: str
    why_en: str

    def as_dict(self) -> dict:
        f = self.finding
        return {"rule": f.rule, "severity": f.severity,
                "subject": {"type": f.subject.type, "code": f.subject.code, "name": f.subject.name},
                "community": f.community, "street": f.street, "reason": self.code,
                "why_zh": self.why_zh, "why_en": self.why_en}


@dataclass
class Plan:
    """The 补齐方案 of a scope (see :func:`recommend`)."""

    as_of: date
    policy: Policy
    scope: dict
    budget: int | None
    method: str
    proposals: list[Proposal]
    unclosable: list[Unclosable]
    solution: Solution
    check: Check
    places: dict = field(default_factory=dict)

    @property
    def changes(self) -> list[AddPost]:
        """The proposals as new posts (a what-if scenario)."""
        return [AddPost(p.candidate.person, p.candidate.org, p.candidate.role, "part_time", self.as_of)
                for p in self.proposals]

    @property
    def before(self) -> dict[str, int]:
        return self.check.before

    @property
    def after(self) -> dict[str, int]:
        return self.check.after

    def as_dict(self) -> dict:
        s = self.solution
        return {
            "as_of": self.as_of.isoformat(),
            "policy": self.policy.as_dict(),
            "scope": dict(self.scope),
            "budget": self.budget,
            "method": self.method,
            "proposals": [p.as_dict() for p in self.proposals],
            "unclosable": [u.as_dict() for u in self.unclosable],
            "before": self.check.before,
            "after": self.check.after,
            "optimal": s.optimal,
            "objective": s.posts,
            "solver": {"status": s.status, "seconds": s.seconds, "parts": s.parts,
                       "closed_weight": s.weight, "closed_weight_bound": s.weight_bound,
                       "posts_bound": s.posts_bound, "gap": s.gap},
            "closed": self.closed_counts(),
            "check": self.check.as_dict(),
            "places": self.places,
        }

    def closed_counts(self) -> dict[str, int]:
        """Findings each rule closes, as verified."""
        return dict(sorted(Counter(k.split("|")[0] for k in self.check.closed).items()))


def _names(view, codes, label="PartyOrg", limit=4) -> tuple[str, str]:
    return view.name_list(label, list(codes), limit=limit)


def _finding_words(view, f: Finding) -> tuple[str, str]:
    r = RULES_BY_ID.get(f.rule)
    zh, en = (r.name_zh, r.name_en) if r else (f.rule, f.rule)
    return f"{f.rule} {zh}（{f.subject.name}）", f"{f.rule} {en} ({f.subject.name})"


def _contributions(pb: Problem, state: State, targets: list[Target],
                   chosen: set[int]) -> dict[int, list[Target]]:
    """chosen candidate -> the targets (of ``targets``) it helps: G06 only
    through a member that is two-way after the plan."""
    out: dict[int, list[Target]] = {i: [] for i in chosen}
    for t in targets:
        for k in pb.candidates_of(t):
            if k.index not in chosen:
                continue
            if t.rule == "G06" and not any(pr in t.pairs and state.has_up(pr) and state.has_down(pr)
                                           for pr in k.pairs):
                continue
            out[k.index].append(t)
    return out


def _proposal(view, pb: Problem, k: Candidate, closes: list[Finding], advances: list[Finding]) -> Proposal:
    pname, oname, hname = view.name("Person", k.person), view.name("PartyOrg", k.org), view.name("PartyOrg", k.home)
    rz, re_ = role_word(k.role)
    hz, he = role_word(k.home_role)
    corg = k.org if k.direction == "u_to_c" else k.home
    community, street = view.org_place(corg)
    if k.direction == "u_to_c":
        members = set(view.coverage[k.org].members)
        if k.home in members:
            wz, we = f"{hname}是{oname}的成员单位党组织", f"{hname} is a member unit organization of {oname}"
        else:
            wz, we = (f"{hname}是辖区小区物业企业的党组织", f"{hname} is the party organization of a compound's "
                      f"property company")
        head_z = "，作为单位党组织负责人优先人选" if k.home_role == "secretary" else ""
        head_e = ", the head of the unit's organization, who comes first" if k.home_role == "secretary" else ""
        dz, de = "单位→社区", "unit → community"
    else:
        wz, we = (f"{hname}是社区党组织，选派其成员到{oname}兼职",
                  f"{hname} is the community organization, sending one of its members to {oname}")
        head_z = head_e = ""
        dz, de = "社区→单位", "community → unit"
    cz = "、".join(_finding_words(view, f)[0] for f in closes) or "无（仅推进）"
    ce = "; ".join(_finding_words(view, f)[1] for f in closes) or "none (progress only)"
    adv_z = ("；并推进：" + "、".join(_finding_words(view, f)[0] for f in advances)) if advances else ""
    adv_e = ("; and advances: " + "; ".join(_finding_words(view, f)[1] for f in advances)) if advances else ""
    zh = (f"{pname}（{k.person}）现任{hname}{hz}（本职）{head_z}；{wz}。拟任{oname}{rz}（兼职，{dz}），"
          f"任后兼职{k.load + 1}个（上限{pb.max_posts}个）。解决：{cz}{adv_z}。")
    en = (f"{pname} ({k.person}) is {he} of {hname} (own post){head_e}; {we}. Proposed: {re_} of "
          f"{oname} (part-time, {de}), then holding {k.load + 1} part-time post(s) (limit {pb.max_posts}). "
          f"Closes: {ce}{adv_e}.")
    return Proposal(k, pname, oname, hname, community, street, closes, advances, zh, en)


def _why(view, pb: Problem, t: Target, sol: Solution, budget: int | None) -> tuple[str, str, str]:
    """(reason code, zh, en) of a target the plan does not close."""
    name = t.finding.subject.name
    cands = pb.candidates_of(t)
    blocked = pb.blocked.get(t.key, [])
    c = t.corgs[0] if t.corgs else None
    cname = view.name("PartyOrg", c) if c else ""
    if t.rule == "G13":
        props = view.compound_property.get(t.finding.subject.code, ())
        if not t.corgs:
            return ("no_community_org", "小区所在社区没有社区党组织，无从交叉任职；须先建立社区党组织",
                    "the compound's community has no community party organization to cross-appoint with; "
                    "set one up first")
        if not t.pairs:
            pz, pe = _names(view, props, "Unit")
            return ("no_unit_org", f"物业企业{pz}没有党组织（单位无党组织），任命无法补齐；须先单独建立或加入联合党支部",
                    f"the property company {pe} has no party organization (a unit with no party "
                    f"organization): no appointment can close it; it must set one up or join a joint branch")
    if not cands and not blocked:
        if t.rule == "G01" and not view.coverage[c].members:
            return ("no_members", f"{cname}尚未纳入任何驻区单位党组织，没有可增补兼职委员的成员单位；须先纳入大党委",
                    f"{cname} has taken in no resident unit's organization, so no member unit can supply "
                    f"part-time members; take units into the big party committee first")
        if t.rule == "G04":
            u, c2 = t.pairs[0]
            side = u if t.missing == "up" else c2
            sz = view.name("PartyOrg", side)
            return ("nobody_in_office", f"{sz}没有在任（本职）人员，无人可以兼职（党组织无人在任）",
                    f"{sz} has nobody in office (no own post), so nobody can take the part-time post "
                    f"(an organization with nobody in office)")
        orgs = sorted({o for pr in t.pairs for o in pr} | ({c} if c else set()))
        oz, oe = _names(view, orgs)
        return ("nobody_in_office", f"{oz}中没有可任命的在任（本职）人员（党组织无人在任，或人人已在对方兼职）",
                f"nobody in office (own post) in {oe} who could be appointed (nobody in office there, or "
                f"everyone already holds a post on the other side)")
    if not cands and blocked:
        seats = [b for b in blocked if b.why == "seats"]
        limit = [b for b in blocked if b.why == "limit"]
        if limit:
            pz, pe = _names(view, sorted({b.person for b in limit}), "Person")
            return ("limit", f"可任命的人选（{pz}）均已达兼职上限{pb.max_posts}个（G07），再任命即兼职过多",
                    f"every candidate ({pe}) already holds the limit of {pb.max_posts} part-time posts (G07)")
        oz, oe = _names(view, sorted({b.org for b in seats}))
        return ("seats", f"{oz}的兼职委员已达上限{pb.max_seats}名，不能再增补",
                f"{oe} already has the most part-time members allowed ({pb.max_seats})")
    if t.rule == "G01" and pb.max_seats:
        room = pb.max_seats - pb.seats_before.get(c, 0)
        if room < t.need:
            return ("seats", f"{cname}还需{t.need}名兼职委员，但兼职委员上限{pb.max_seats}名只剩{max(room, 0)}个席位",
                    f"{cname} needs {t.need} more part-time members but the limit of {pb.max_seats} leaves "
                    f"only {max(room, 0)} seat(s)")
    capacity = {"G01": len({k.person for k in cands}),
                "G06": sum(1 for pr in t.pairs
                           if (pr in pb.up_before or any(pr in k.ups for k in cands))
                           and (pr in pb.down_before or any(pr in k.downs for k in cands))),
                "G08": sum(1 for pr in t.pairs if any(pr in k.pairs and k.person != t.person for k in cands))}
    if t.rule in capacity and capacity[t.rule] < t.need:
        have = capacity[t.rule]
        what_z = {"G01": "名可增补的人选", "G06": "个成员单位能够实现双向进入", "G08": "个单位能够另派联系人"}[t.rule]
        what_e = {"G01": "people can be appointed", "G06": "member units can become two-way",
                  "G08": "units can get a second link holder"}[t.rule]
        lim_z = f"（另有{len(blocked)}人已达兼职上限或席位已满）" if blocked else ""
        lim_e = f" ({len(blocked)} more are at a limit)" if blocked else ""
        return ("too_few", f"{name}需要{t.need}，但只有{have}{what_z}{lim_z}",
                f"{name} needs {t.need} but only {have} {what_e}{lim_e}")
    if budget is not None and sol.posts >= budget:
        return ("budget", f"已用完 {budget} 个新职务的预算：按严重程度优先解决了其他缺口",
                f"the budget of {budget} new posts is spent on findings that weigh more (severity)")
    alone = _Model(pb, [t], cands, None).run(5.0, 1)
    if alone["closed"]:
        return ("conflict", "单独可以解决，但与其他缺口争用同一批人选或席位；按严重程度和数量优先解决了其他缺口",
                "it could be closed alone, but it competes for the same people or seats with other "
                "findings, which close more (weighted by severity)")
    return ("no_way", "任何任命组合都会使某人成为新的单点依赖（G08）或超出上限，故不能补齐",
            "every set of appointments that closes it makes someone a new single point of failure (G08) "
            "or breaks a limit")


def recommend(G: nx.MultiDiGraph, as_of: date | None = None, policy: Policy | None = None, *,
              street: str | None = None, community: str | None = None, budget: int | None = None,
              method: str = "cp-sat", progress: Callable[[str], None] | None = None) -> Plan:
    """The 补齐方案 of graph ``G`` (or of one street / community of it).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The co-building graph (a street's scope is enough for that street).
    as_of : date, optional
        Posts counting on this day count; new posts start on it (default
        today).
    policy : Policy, optional
        Thresholds; ``[plan]`` holds the planning limits.
    street, community : str, optional
        Plan only the findings of this scope.
    budget : int, optional
        At most this many new posts: the closed findings, weighted by
        severity, are maximized.
    method : ``"cp-sat"`` or ``"greedy"``
        The exact solver, or the greedy baseline (for comparison).
    progress : callable, optional
        Hears about each step of a long solve.

    Returns
    -------
    Plan

    Examples
    --------
    >>> plan = recommend(nx.MultiDiGraph(), date(2026, 6, 30))
    >>> plan.proposals, plan.solution.optimal, plan.check.ok
    ([], True, True)
    """
    if method not in METHODS:
        raise CobuildError(f"未知的求解方法 {method}（可用：{', '.join(METHODS)}）",
                           f"unknown method {method} (known: {', '.join(METHODS)})")
    if budget is not None and budget < 0:
        raise CobuildError("预算 --budget 不能为负数", "--budget cannot be negative")
    as_of = as_of or date.today()
    policy = policy or Policy()
    if progress:
        progress("分析现状 / analyzing the graph as it is")
    view = View(G, as_of)
    findings = run_rules(view, policy, street=street, community=community)
    targets_rules = [r for r in TARGET_RULES if r in policy.rules and policy.rules[r].enabled]
    pb = build_problem(view, [f for f in findings if f.rule in targets_rules], policy)
    solvable = [t for t in pb.targets if pb.candidates_of(t)]
    if progress:
        progress(f"可补齐的缺口 closable candidates: {len(pb.targets)} 个缺口 findings, "
                 f"{len(pb.candidates)} 个候选任命 candidate posts")
    if method == "greedy":
        sol = greedy(pb, solvable, budget=budget)
    else:
        sol = solve(pb, solvable, budget=budget, time_limit=policy.plan.time_limit_seconds,
                    workers=policy.plan.workers, progress=progress)
    state = State(pb, sol.chosen)
    closed = [t for t in pb.targets if state.lack(t) == 0]
    closed_keys = {t.key for t in closed}
    advanced = [t for t in pb.targets if t.key not in closed_keys and state.lack(t) < State(pb).lack(t)]
    chosen = set(sol.chosen)
    helps = _contributions(pb, state, closed, chosen)
    moves = _contributions(pb, state, advanced, chosen)
    proposals = [_proposal(view, pb, pb.candidates[i], [t.finding for t in helps[i]],
                           [t.finding for t in moves[i]]) for i in sol.chosen]
    proposals.sort(key=lambda p: (p.street or "", p.community or "", p.candidate.org if
                                  p.candidate.direction == "u_to_c" else p.candidate.home,
                                  p.candidate.direction, p.candidate.person))
    unclosable = []
    for t in pb.targets:
        if t.key in closed_keys:
            continue
        code, zh, en = _why(view, pb, t, sol, budget)
        unclosable.append(Unclosable(t.finding, code, zh, en))
    for f in pb.not_modelled:
        unclosable.append(Unclosable(f, "not_modelled", "该缺口无法通过新增任命补齐",
                                     "no new appointment can close this finding"))
    if progress:
        progress(f"校验方案 / checking the plan （{len(proposals)} 个新职务 new posts）")
    plan_changes = [AddPost(p.candidate.person, p.candidate.org, p.candidate.role, "part_time", as_of)
                    for p in proposals]
    check = check_plan(G, view, findings, plan_changes, closed_keys, policy,
                       street=street, community=community)
    return Plan(as_of, policy, {"street": street, "community": community}, budget, method, proposals,
                unclosable, sol, check, places_of(view))
