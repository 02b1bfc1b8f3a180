"""The 补齐方案 solved exactly with OR-Tools CP-SAT, and a greedy baseline.

The model (its meaning is :class:`graph.planning.problem.State`):

* ``x[k]``: candidate ``k`` is appointed; ``c[t]``: target ``t`` is closed;
* G01: ``c[t] -> sum(x of new members of C) >= need``; G04: ``c[t] ->`` a
  post in the missing direction; G05 / G13: ``c[t] ->`` a post on one of
  the pairs; G06: ``tw[P] <= up(P)``, ``tw[P] <= down(P)``,
  ``c[t] -> sum(tw) >= need``;
* single points of failure: for every community org C and person q whose
  sole holding of C's member pairs can change, ``s[q, P] >= 1`` when q is
  (still) the only holder of pair P after the plan, and ``sum(s) <=
  max(before, spof_min_units - 1)`` -- nobody becomes a new G08 --, and
  ``<= spof_min_units - 1`` when ``c[t]`` of q's G08 finding;
* limits: part-time posts per person (G07), part-time members per
  community org, one new post per person, the budget.

Solved lexicographically: first the closed findings weighted by severity
(:data:`graph.planning.problem.SEVERITY_WEIGHT`) are maximized, then, with
that weight fixed, the number of new posts is minimized (ties: secretaries
and heads first, the less loaded first). Without a budget the problem falls
apart into independent parts (community orgs joined by shared people), each
solved and proven on its own: a county in well under a second.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from ortools.sat.python import cp_model

from graph.planning.problem import Candidate, Problem, State, Target

__all__ = ["Solution", "solve", "greedy", "components"]


@dataclass
class Solution:
    """Chosen candidates (indexes), the targets the model closes (keys), and
    how sure the solver is."""

    chosen: list[int]
    closed: set[str]
    optimal: bool
    weight: int  # closed findings weighted by severity
    weight_bound: int  # no plan closes more than this
    posts: int
    posts_bound: int  # no plan with this weight has fewer posts
    seconds: float
    parts: int = 0
    status: str = "OPTIMAL"
    method: str = "cp-sat"
    notes: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float:
        """Relative gap of the closed weight (0.0 when proven)."""
        if self.weight_bound <= 0:
            return 0.0
        return round((self.weight_bound - self.weight) / self.weight_bound, 6)


class _Find:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, a: str) -> str:
        self.parent.setdefault(a, a)
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def components(pb: Problem, targets: list[Target]) -> list[tuple[list[Target], list[Candidate]]]:
    """Independent parts of the problem: targets and candidates that share
    no community org and no person."""
    uf = _Find()
    for t in targets:
        for c in t.corgs[1:]:
            uf.union(f"C:{t.corgs[0]}", f"C:{c}")
    for k in pb.candidates:
        a = f"P:{k.person}"
        for _, c in k.pairs:
            uf.union(a, f"C:{c}")
        if k.direction == "u_to_c":
            uf.union(a, f"C:{k.org}")
    groups_t: dict[str, list[Target]] = defaultdict(list)
    groups_k: dict[str, list[Candidate]] = defaultdict(list)
    for t in targets:
        if t.corgs:
            groups_t[uf.find(f"C:{t.corgs[0]}")].append(t)
    for k in pb.candidates:
        groups_k[uf.find(f"P:{k.person}")].append(k)
    return [(groups_t[r], groups_k.get(r, [])) for r in sorted(groups_t)]


class _Model:
    """The CP-SAT model of some targets and candidates."""

    def __init__(self, pb: Problem, targets: list[Target], cands: list[Candidate],
                 budget: int | str | None) -> None:
        m = self.m = cp_model.CpModel()
        self.pb, self.targets, self.cands = pb, targets, cands
        x = self.x = {k.index: m.new_bool_var(f"x{k.index}") for k in cands}
        up_of: dict = defaultdict(list)
        down_of: dict = defaultdict(list)
        touch: dict = defaultdict(list)
        for k in cands:
            for pr in k.ups:
                up_of[pr].append(k)
            for pr in k.downs:
                down_of[pr].append(k)
            for pr in k.pairs:
                touch[pr].append(k)
        self.c: dict[str, cp_model.IntVar] = {}
        g08: dict[tuple[str, str], cp_model.IntVar] = {}
        for t in targets:
            ct = self.c[t.key] = m.new_bool_var(f"c{t.key}")
            if t.rule == "G01":
                m.add(sum(x[k.index] for k in cands if k.adds_member_to == t.corgs[0]) >= t.need) \
                    .only_enforce_if(ct)
            elif t.rule == "G04":
                lits = up_of if t.missing == "up" else down_of
                m.add(sum(x[k.index] for k in lits.get(t.pairs[0], ())) >= 1).only_enforce_if(ct)
            elif t.rule in ("G05", "G13"):
                m.add(sum(x[k.index] for pr in t.pairs for k in touch.get(pr, ())) >= 1).only_enforce_if(ct)
            elif t.rule == "G06":
                tws = []
                for pr in t.pairs:
                    tw = m.new_bool_var("")
                    if pr not in pb.up_before:
                        m.add(tw <= sum(x[k.index] for k in up_of.get(pr, ())))
                    if pr not in pb.down_before:
                        m.add(tw <= sum(x[k.index] for k in down_of.get(pr, ())))
                    tws.append(tw)
                m.add(sum(tws) >= t.need).only_enforce_if(ct)
            elif t.rule == "G08":
                g08[(t.person, t.corgs[0])] = ct
        self._spof(touch, g08)
        # limits
        by_person: dict[str, list] = defaultdict(list)
        seats: dict[str, list] = defaultdict(list)
        for k in cands:
            by_person[k.person].append(x[k.index])
            if k.direction == "u_to_c":
                seats[k.org].append(x[k.index])
        for p, xs in by_person.items():
            room = pb.max_posts - pb.load.get(p, 0)
            m.add(sum(xs) <= (min(room, 1) if pb.one_per_person else room))
        if pb.max_seats:
            for c, xs in seats.items():
                m.add(sum(xs) <= pb.max_seats - pb.seats_before.get(c, 0))
        self.k = None
        if budget == "variable":  # set by set_budget() before each run
            self.k = m.new_int_var(0, len(cands), "budget")
            m.add(sum(x.values()) <= self.k)
        elif budget is not None:
            m.add(sum(x.values()) <= budget)
        self.weight = sum(t.weight * self.c[t.key] for t in targets)

    def _spof(self, touch: dict, g08: dict) -> None:
        m, x, pb = self.m, self.x, self.pb
        corgs = sorted({pr[1] for pr in touch if pr in pb.member_pairs} | {c for _, c in g08})
        for c in corgs:
            members = pb.view.coverage[c].members
            people = {k.person for u in members for k in touch.get((u, c), ())}
            people |= {next(iter(h)) for u in members if len(h := pb.holders.get((u, c), ())) == 1}
            for q in sorted(people):
                const = before = 0
                terms = []
                for u in members:
                    pr = (u, c)
                    hb = pb.holders.get(pr, frozenset())
                    others = [x[k.index] for k in touch.get(pr, ()) if k.person != q]
                    mine = [x[k.index] for k in touch.get(pr, ()) if k.person == q]
                    if hb == {q}:
                        before += 1
                        if not others:
                            const += 1
                            continue
                        s = m.new_bool_var("")
                        m.add(s + sum(others) >= 1)
                        terms.append(s)
                    elif not hb and mine:
                        s = m.new_bool_var("")
                        for mk in mine:
                            m.add(s + sum(others) >= mk)
                        terms.append(s)
                ct = g08.get((q, c))
                if not terms:
                    if ct is not None and const >= pb.spof_min:
                        m.add(ct == 0)
                    continue
                m.add(const + sum(terms) <= max(before, pb.spof_min - 1))
                if ct is not None:
                    m.add(const + sum(terms) <= pb.spof_min - 1).only_enforce_if(ct)

    def set_budget(self, b: int, hint: list[int] | None = None) -> None:
        """At most ``b`` posts (a model built with ``budget="variable"``),
        starting the search from ``hint`` (chosen indexes)."""
        domain = self.m.proto.variables[self.k.index].domain
        domain[0], domain[1] = 0, b
        self.m.clear_hints()
        if hint is not None:
            on = set(hint)
            for i, v in self.x.items():
                self.m.add_hint(v, i in on)

    def run(self, time_limit: float, workers: int, progress=None, label: str = "",
            fewest: bool = True) -> dict:
        m, x = self.m, self.x
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = max(time_limit, 0.05)
        t0 = time.perf_counter()
        cb = _Progress(progress, label, "最多可解决 / closing") if progress else None
        m.maximize(self.weight)
        st1 = solver.solve(m, cb) if cb else solver.solve(m)
        if st1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return {"chosen": [], "closed": set(), "optimal": False, "weight": 0,
                    "weight_bound": int(sum(t.weight for t in self.targets)), "posts": 0, "posts_bound": 0,
                    "status": solver.status_name(st1)}
        weight = int(round(solver.objective_value))
        weight_bound = int(round(solver.best_objective_bound))
        hint = {i: solver.boolean_value(v) for i, v in x.items()}
        closed_hint = {k: solver.boolean_value(v) for k, v in self.c.items()}
        if not fewest:  # the weight is all the caller wants
            chosen = sorted(i for i, v in hint.items() if v)
            return {"chosen": chosen, "closed": {k for k, v in closed_hint.items() if v},
                    "optimal": st1 == cp_model.OPTIMAL, "weight": weight, "weight_bound": weight_bound,
                    "posts": len(chosen), "posts_bound": 0, "status": solver.status_name(st1)}
        m.add(self.weight >= weight)
        big = 1 + sum(k.penalty for k in self.cands)
        m.minimize(sum((big + k.penalty) * x[k.index] for k in self.cands))
        m.clear_hints()
        for i, v in x.items():
            m.add_hint(v, hint[i])
        for k, v in self.c.items():
            m.add_hint(v, closed_hint[k])
        left = max(time_limit - (time.perf_counter() - t0), 0.05)
        solver.parameters.max_time_in_seconds = left
        cb2 = _Progress(progress, label, "最少职务 / fewest posts") if progress else None
        st2 = solver.solve(m, cb2) if cb2 else solver.solve(m)
        if st2 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):  # keep stage 1's plan
            chosen = sorted(i for i, v in hint.items() if v)
            closed = {k for k, v in closed_hint.items() if v}
            return {"chosen": chosen, "closed": closed, "optimal": False, "weight": weight,
                    "weight_bound": weight_bound, "posts": len(chosen), "posts_bound": 0,
                    "status": solver.status_name(st2)}
        chosen = sorted(i for i, v in x.items() if solver.boolean_value(v))
        closed = {k for k, v in self.c.items() if solver.boolean_value(v)}
        posts_bound = int(solver.best_objective_bound) // big if big else 0
        return {"chosen": chosen, "closed": closed,
                "optimal": st1 == cp_model.OPTIMAL and st2 == cp_model.OPTIMAL,
                "weight": weight, "weight_bound": weight_bound, "posts": len(chosen),
                "posts_bound": min(posts_bound, len(chosen)),
                "status": solver.status_name(st2) if st1 == cp_model.OPTIMAL else solver.status_name(st1)}


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports each better solution of a long solve (at most one line a
    second)."""

    def __init__(self, progress, label: str, what: str) -> None:
        super().__init__()
        self.progress, self.label, self.what = progress, label, what
        self.t0 = self.last = time.perf_counter()

    def on_solution_callback(self) -> None:
        now = time.perf_counter()
        if now - self.last < 1.0:
            return
        self.last = now
        self.progress(f"{self.label}{self.what}：目标 objective {self.objective_value:g},"
                      f"界 bound {self.best_objective_bound:g}({now - self.t0:.1f}s)")


#: Independent parts are solved together up to this many candidates per
#: model: one model per tiny part would spend its time building models.
BATCH_CANDIDATES = 400


def _batches(parts: list[tuple[list[Target], list[Candidate]]]) -> list[tuple[list[Target], list[Candidate]]]:
    """Small independent parts joined into models of about
    :data:`BATCH_CANDIDATES` candidates. Maximizing the summed weight of
    independent parts maximizes each, and the fewest posts at that weight
    are the fewest of each, so a batch has the same optimum as its parts."""
    out: list[tuple[list[Target], list[Candidate]]] = []
    ts: list[Target] = []
    ks: list[Candidate] = []
    for t, k in parts:
        if ks and len(ks) + len(k) > BATCH_CANDIDATES:
            out.append((ts, ks))
            ts, ks = [], []
        ts = ts + t
        ks = ks + k
    if ks:
        out.append((ts, ks))
    return out


def solve(pb: Problem, targets: list[Target], *, budget: int | None = None, time_limit: float = 60.0,
          workers: int = 1, progress: Callable[[str], None] | None = None) -> Solution:
    """The optimal plan for ``targets`` (those some candidate can help).

    Without ``budget`` the independent parts are solved on their own (small
    ones batched), each model with ``time_limit`` seconds. With one, see
    :func:`_solve_budget`. ``progress`` hears how far the solve is.
    """
    t0 = time.perf_counter()
    if budget is not None:
        return _solve_budget(pb, targets, budget, time_limit, workers, progress)
    parts = _batches([(ts, ks) for ts, ks in components(pb, targets) if ts and ks])
    chosen: list[int] = []
    closed: set[str] = set()
    optimal = True
    weight = weight_bound = posts_bound = 0
    statuses: set[str] = set()
    last_say = t0
    for n, (ts, ks) in enumerate(parts, 1):
        if progress and (time.perf_counter() - last_say > 1.0 or len(ks) > 2000):
            last_say = time.perf_counter()
            progress(f"求解 solving {n}/{len(parts)}（{len(ks)} 个候选 candidates）")
        big_part = progress if len(ks) > 2000 else None
        r = _Model(pb, ts, ks, None).run(time_limit, workers, big_part, f"[{n}/{len(parts)}] ")
        chosen += r["chosen"]
        closed |= r["closed"]
        optimal &= r["optimal"]
        weight += r["weight"]
        weight_bound += r["weight_bound"]
        posts_bound += r["posts_bound"]
        statuses.add(r["status"])
    status = "OPTIMAL" if optimal else ("FEASIBLE" if statuses <= {"OPTIMAL", "FEASIBLE"} else
                                        "/".join(sorted(statuses)))
    return Solution(sorted(chosen), closed, optimal, weight, weight_bound, len(chosen), posts_bound,
                    round(time.perf_counter() - t0, 3), len(parts), status)


def _solve_budget(pb: Problem, targets: list[Target], budget: int, time_limit: float, workers: int,
                  progress: Callable[[str], None] | None) -> Solution:
    """The most weight closed with at most ``budget`` new posts.

    One model of the whole scope with a budget is a knapsack CP-SAT proves
    slowly. Instead each independent part gets its *profile*: the best
    weight with at most ``b`` posts for ``b = 0 .. P`` (``P``: the fewest
    posts closing all it can), each point a small model proven on its own;
    then a dynamic programme over the parts shares the budget (a
    multiple-choice knapsack, exact). A point a time limit left unproven
    keeps its solution (the plan stays feasible) and its solver bound (the
    gap is reported).
    """
    t0 = time.perf_counter()
    parts = [(ts, ks) for ts, ks in components(pb, targets) if ts and ks]
    tops = [_Model(pb, ts, ks, None).run(time_limit, workers) for ts, ks in parts]
    if sum(r["posts"] for r in tops) <= budget:  # the budget does not bind
        sol = solve(pb, targets, time_limit=time_limit, workers=workers, progress=progress)
        sol.seconds = round(time.perf_counter() - t0, 3)
        return sol
    profiles = []  # per part: [(weight, bound, b)] for b = 0 .. m
    proven = all(r["optimal"] for r in tops)
    last_say = t0
    for n, ((ts, ks), top) in enumerate(zip(parts, tops), 1):
        if progress and time.perf_counter() - last_say > 1.0:
            last_say = time.perf_counter()
            progress(f"求解 solving {n}/{len(parts)}（{len(ks)} 个候选 candidates）")
        prof = [(0, 0)]
        model = None
        hint: list[int] = []
        for b in range(1, min(top["posts"], budget) + 1):
            if b == top["posts"]:
                r = top
            else:  # one model per part; the best with b - 1 posts is a start for b
                model = model or _Model(pb, ts, ks, "variable")
                model.set_budget(b, hint)
                r = model.run(time_limit, workers, fewest=False)
                hint = r["chosen"]
            proven &= r["optimal"]
            prof.append((r["weight"], r["weight_bound"]))
        profiles.append(prof)
    best, choice = _knapsack([[w for w, _ in p] for p in profiles], budget)
    bound, _ = _knapsack([[ub for _, ub in p] for p in profiles], budget)
    chosen: list[int] = []
    closed: set[str] = set()
    for (ts, ks), top, b in zip(parts, tops, choice):
        if b:  # the fewest posts (secretaries first) for the weight the profile found
            r = top if b == top["posts"] else _Model(pb, ts, ks, b).run(time_limit, workers)
            chosen += r["chosen"]
            closed |= r["closed"]
    return Solution(sorted(chosen), closed, proven, best, max(bound, best), len(chosen), 0,
                    round(time.perf_counter() - t0, 3), len(parts), "OPTIMAL" if proven else "FEASIBLE")


def _knapsack(profiles: list[list[int]], budget: int) -> tuple[int, list[int]]:
    """Share ``budget`` posts among parts: ``profiles[i][b]`` is part i's
    weight with ``b`` posts. Returns the best total and each part's ``b``
    (the fewest posts among the best).

    >>> _knapsack([[0, 1, 4], [0, 2, 5]], 2)
    (5, [0, 2])
    >>> _knapsack([[0, 1, 4], [0, 2, 5]], 4)
    (9, [2, 2])
    """
    NEG = -1
    dp = [0] * (budget + 1)  # best weight using at most b posts so far
    used = [0] * (budget + 1)  # posts behind dp[b] (fewest for that weight)
    picks: list[list[int]] = []
    for prof in profiles:
        new, new_used, pick = [NEG] * (budget + 1), [0] * (budget + 1), [0] * (budget + 1)
        for b in range(budget + 1):
            for k in range(min(b, len(prof) - 1) + 1):
                w = dp[b - k] + prof[k]
                u = used[b - k] + k
                if w > new[b] or (w == new[b] and u < new_used[b]):
                    new[b], new_used[b], pick[b] = w, u, k
        dp, used = new, new_used
        picks.append(pick)
    b = budget
    choice = [0] * len(profiles)
    for i in range(len(profiles) - 1, -1, -1):
        choice[i] = picks[i][b]
        b -= choice[i]
    return dp[budget], choice


def greedy(pb: Problem, targets: list[Target], *, budget: int | None = None) -> Solution:
    """The greedy baseline: again and again, appoint the candidate that
    most reduces what the targets lack (weighted by severity; ties:
    secretary first, less loaded first), within the same limits, until no
    candidate helps or the budget is spent. What a planner does finding by
    finding, at best.

    The independent parts of :func:`components` do not change each other's
    gains, so each part keeps its best candidate in a heap and only the part
    just changed is looked at again.
    """
    t0 = time.perf_counter()
    state = State(pb)
    by_pair: dict = defaultdict(list)
    g01_of: dict = defaultdict(list)
    for t in targets:
        for pr in t.pairs:
            by_pair[pr].append(t)
        if t.rule == "G01":
            g01_of[t.corgs[0]].append(t)

    def affected(k: Candidate) -> list[Target]:
        out = {t.key: t for pr in k.pairs for t in by_pair.get(pr, ())}
        if k.adds_member_to:
            out.update({t.key: t for t in g01_of.get(k.adds_member_to, ())})
        return list(out.values())

    lack = {t.key: state.lack(t) for t in targets}
    parts = [[k for k in ks if affected(k)] for _, ks in components(pb, targets)]
    aff = {k.index: affected(k) for ks in parts for k in ks}

    def best_of(ks: list[Candidate]) -> tuple[int, Candidate | None]:
        best, best_gain = None, 0
        for k in ks:
            if k.index in taken:
                continue
            ts = [t for t in aff[k.index] if lack[t.key]]
            if not ts:
                continue
            gain = sum(t.weight * (lack[t.key] - state.lack(t, extra=k)) for t in ts)
            if gain > best_gain and state.allowed(k.index):
                best, best_gain = k, gain
        return best_gain, best

    taken: set[int] = set()
    heap = []
    for n, ks in enumerate(parts):
        g, k = best_of(ks)
        if k is not None:
            heap.append((-g, k.penalty, k.index, n))
    heapq.heapify(heap)
    while heap and (budget is None or len(state.chosen) < budget):
        _, _, i, n = heapq.heappop(heap)
        k = pb.candidates[i]
        state.add(i)
        taken.add(i)
        for t in aff[i]:
            lack[t.key] = state.lack(t)
        g, k2 = best_of(parts[n])
        if k2 is not None:
            heapq.heappush(heap, (-g, k2.penalty, k2.index, n))
    closed = {t.key for t in targets if state.lack(t) == 0}
    weight = sum(t.weight for t in targets if t.key in closed)
    return Solution(sorted(state.chosen), closed, False, weight, weight, len(state.chosen), 0,
                    round(time.perf_counter() - t0, 3), len(parts), "GREEDY", "greedy")
