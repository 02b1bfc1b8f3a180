"""The 补齐方案 as a problem: the findings an appointment can close
(targets), the appointments that may close them (candidates), and the state
of the links after a set of appointments (:class:`State`, the model's
meaning written out in Python, which the greedy baseline and the claims of a
plan read).

Definitions (``rules.md``, ``domain.md``):

* a *pair* ``(U, C)`` is a unit org and a community org; its *holders* are
  the people whose posts make a link U → C or C → U between them;
* a candidate U → C is a person whose own post is in a unit org U (a member
  of C, or a property company's org for G13) taking a part-time post
  兼职委员 in C; a candidate C → U is a person whose own post is in C taking
  a part-time post 委员 in U. A new post links every home org of its holder
  of the other kind, exactly as :class:`graph.analysis.view.View` reads it;
* what closes: G01 enough distinct part-time members from member unit orgs;
  G04 the missing direction; G05 a link either way (a member on paper that
  becomes one-way is progress, not a new finding); G06 enough two-way
  members; G08 a second holder on enough of the pairs one person alone
  holds; G13 a link either way between a property company's org and a
  community org of the compound's community;
* what may not happen: anyone above ``max_part_time_posts`` part-time
  posts (G07), a community org above ``max_part_time_seats`` part-time
  members (when set), more than one new post per person (when set), and a
  person who becomes the sole holder of ``spof_min_units`` member pairs of
  one community org (a new G08).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Iterable

from graph import schema
from graph.findings import Finding

__all__ = ["TARGET_RULES", "SEVERITY_WEIGHT", "Target", "Candidate", "Blocked", "Problem",
           "State", "build_problem", "target_key", "finding_key", "role_word"]

#: Rules whose findings a new appointment can close.
TARGET_RULES: tuple[str, ...] = ("G01", "G04", "G05", "G06", "G08", "G13")
#: Weight of a closed finding by its severity (``--budget`` maximizes the sum).
SEVERITY_WEIGHT = {"high": 3, "medium": 2, "low": 1}
#: Preference among the holders of own posts: secretary / head first.
_ROLE_RANK = {"secretary": 0, "deputy_secretary": 1, "member": 2}

Pair = tuple[str, str]  # (unit org, community org)


def target_key(rule: str, subject_code: str, corg: str | None) -> str:
    """The identity of a closable finding: ``"G04|O12|C3"`` (rule, subject,
    community org it concerns; ``-`` when none)."""
    return f"{rule}|{subject_code}|{corg or '-'}"


def finding_key(view, f: Finding) -> str:
    """The identity of any finding, to match findings before and after a
    change: a target's :func:`target_key` for the closable rules (the
    community org read from the subject or the evidence), else rule,
    subject and community."""
    code = f.subject.code
    if f.rule in ("G01", "G06"):
        return target_key(f.rule, code, code)
    if f.rule in ("G04", "G05"):
        return target_key(f.rule, code, _corg_in(f.evidence, view, skip=code))
    if f.rule == "G08":
        return target_key(f.rule, code, _corg_in(f.evidence, view))
    if f.rule == "G13":
        x = view.compound_community.get(code)
        corgs = view.community_orgs_of.get(x, ()) if x else ()
        return target_key(f.rule, code, corgs[0] if corgs else None)
    return f"{f.rule}|{f.subject.type}:{code}|{f.community or '-'}"


@dataclass
class Target:
    """A finding the plan tries to close, with what closing it takes.

    ``pairs``: the pairs whose links matter; ``need``: how many units of
    progress close it (G01 people, G06 two-way members, G08 relieved
    pairs; 1 otherwise); ``missing``: for G04, the direction lacking
    (``"up"`` U → C, ``"down"`` C → U).
    """

    key: str
    finding: Finding
    rule: str
    corgs: tuple[str, ...]
    pairs: tuple[Pair, ...] = ()
    need: int = 1
    missing: str | None = None
    person: str | None = None  # G08: the sole holder

    @property
    def weight(self) -> int:
        return SEVERITY_WEIGHT.get(self.finding.severity, 1)


@dataclass(frozen=True)
class Candidate:
    """A post that may be proposed: ``person`` takes ``role`` (a
    :data:`graph.schema.ROLE` code) as a part-time post in ``org``."""

    index: int
    person: str
    org: str
    role: str
    direction: str  # "u_to_c" | "c_to_u"
    home: str  # the home org that makes the person a candidate
    home_role: str
    ups: tuple[Pair, ...]  # pairs gaining a link U → C
    downs: tuple[Pair, ...]  # pairs gaining a link C → U
    adds_member_to: str | None  # community org whose G01 count rises
    load: int  # part-time posts the person holds already
    penalty: int  # preference: lower is better (secretary first, less loaded)

    @property
    def pairs(self) -> tuple[Pair, ...]:
        return self.ups + self.downs  # a post links one way only: no pair twice


@dataclass(frozen=True)
class Blocked:
    """A would-be candidate left out, and why (``"limit"``: at
    ``max_part_time_posts`` already; ``"seats"``: the community org has
    ``max_part_time_seats`` part-time members already)."""

    person: str
    org: str
    why: str


@dataclass
class Problem:
    """Everything the solver and the greedy baseline need (pure data)."""

    view: object
    targets: list[Target]
    candidates: list[Candidate]
    blocked: dict[str, list[Blocked]]  # target key -> candidates left out for it
    max_posts: int
    max_seats: int  # 0 = no limit
    one_per_person: bool
    spof_min: int
    #: pair -> people holding it before
    holders: dict[Pair, frozenset[str]]
    up_before: set[Pair]
    down_before: set[Pair]
    member_pairs: set[Pair]
    #: community org -> distinct people with a part-time post in it (seats)
    seats_before: dict[str, int]
    #: community org -> people counted by G01 before
    g01_people: dict[str, frozenset[str]]
    #: person -> part-time posts before
    load: dict[str, int]
    #: targets whose finding could not be read as a closable gap
    not_modelled: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_pair: dict[Pair, list[Candidate]] = defaultdict(list)
        self._by_g01: dict[str, list[Candidate]] = defaultdict(list)
        for k in self.candidates:
            for pr in k.pairs:
                self._by_pair[pr].append(k)
            if k.adds_member_to:
                self._by_g01[k.adds_member_to].append(k)

    def candidates_of(self, target: Target) -> list[Candidate]:
        """The candidates that can make progress on ``target``, in
        preference order."""
        if target.rule == "G01":
            return list(self._by_g01.get(target.corgs[0], ()))
        out: dict[int, Candidate] = {}
        for pr in target.pairs:
            for k in self._by_pair.get(pr, ()):
                if target.rule == "G04" and pr not in (k.ups if target.missing == "up" else k.downs):
                    continue
                if target.rule == "G08" and k.person == target.person:
                    continue
                out[k.index] = k
        return [out[i] for i in sorted(out)]


# -- building ---------------------------------------------------------------


def _corg_in(evidence: Iterable[str], view, skip: str | None = None) -> str | None:
    for e in evidence:
        label, _, code = e.partition(":")
        if label == "PartyOrg" and code != skip and view.is_community_org(code):
            return code
    return None


def _sole_pairs(holders, view, c: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for u in view.coverage[c].members:
        h = holders.get((u, c), frozenset())
        if len(h) == 1:
            out[next(iter(h))].append(u)
    return out


def _need_two_way(threshold: float, members: int) -> int:
    """Least number of two-way members not below ``threshold`` (compared
    exactly, as G06 does)."""
    limit = Fraction(str(threshold))
    t = 0
    while t < members and Fraction(t, members) < limit:
        t += 1
    return t


def _targets(view, findings: list[Finding], policy, holders) -> tuple[list[Target], list[Finding]]:
    targets: list[Target] = []
    odd: list[Finding] = []
    seen = set()
    for f in findings:
        if f.rule not in TARGET_RULES:
            continue
        t = _target(view, f, policy, holders)
        if t is None or t.key in seen:
            odd.append(f)
            continue
        seen.add(t.key)
        targets.append(t)
    return targets, odd


def _target(view, f: Finding, policy, holders) -> Target | None:
    code = f.subject.code
    if f.rule in ("G01", "G06"):
        if not view.is_community_org(code):
            return None
        cov = view.coverage[code]
        if f.rule == "G01":
            need = policy.rule("G01")["min_part_time_members"] - len(cov.part_time_people)
            pairs = tuple((u, code) for u in cov.members)
        else:
            need = _need_two_way(policy.rule("G06")["min_two_way_share"], len(cov.members)) - len(cov.two_way)
            pairs = tuple((u, code) for u in cov.members if u not in set(cov.two_way))
        return Target(finding_key(view, f), f, f.rule, (code,), pairs, max(need, 1))
    if f.rule in ("G04", "G05"):
        c = _corg_in(f.evidence, view, skip=code)
        if c is None or code not in view.coverage[c].members:
            return None
        missing = None
        if f.rule == "G04":
            missing = "down" if (code, c) in view.u_to_c else "up"
        return Target(finding_key(view, f), f, f.rule, (c,), ((code, c),), 1, missing)
    if f.rule == "G08":
        c = _corg_in(f.evidence, view)
        if c is None:
            return None
        units = _sole_pairs(holders, view, c).get(code, [])
        need = len(units) - policy.rule("G08")["spof_min_units"] + 1
        if need <= 0:
            return None
        return Target(finding_key(view, f), f, f.rule, (c,), tuple((u, c) for u in units),
                      need, person=code)
    if f.rule == "G13":
        x = view.compound_community.get(code)
        corgs = tuple(view.community_orgs_of.get(x, ())) if x else ()
        props = view.compound_property.get(code, ())
        porgs = sorted({o for u in props for o in view.unit_orgs_of_unit.get(u, ())})
        pairs = tuple((u, c) for u in porgs for c in corgs)
        return Target(finding_key(view, f), f, f.rule, corgs, pairs)
    return None


def _own_posts(view, person: str, org: str):
    return [p for p in view.posts_of_person.get(person, ()) if p.org == org and p.post_type == "own"]


def _home_role(view, person: str, org: str) -> str:
    posts = _own_posts(view, person, org)
    return min((p.role for p in posts), key=lambda r: (_ROLE_RANK.get(r, 3), r)) if posts else "other"


def build_problem(view, findings: list[Finding], policy) -> Problem:
    """The targets and candidates of ``findings`` (the findings of the
    scope being planned) on ``view``, under ``policy``.

    Only enabled rules' findings are targets; ``max_part_time_posts`` is
    G07's parameter, ``spof_min_units`` G08's, the rest ``policy.plan``.
    """
    holders: dict[Pair, set[str]] = defaultdict(set)
    for (u, c), posts in view.u_to_c.items():
        holders[(u, c)].update(p.person for p in posts)
    for (c, u), posts in view.c_to_u.items():
        holders[(u, c)].update(p.person for p in posts)
    frozen = {k: frozenset(v) for k, v in holders.items()}
    targets, odd = _targets(view, findings, policy, frozen)

    max_posts = policy.rule("G07")["max_part_time_posts"]
    max_seats = policy.plan.max_part_time_seats
    load = {p: sum(1 for x in posts if x.post_type == "part_time")
            for p, posts in view.posts_of_person.items()}
    seats: dict[str, set[str]] = defaultdict(set)
    for c in view.community_orgs:
        seats[c] = {p.person for p in view.posts_in_org.get(c, ()) if p.post_type == "part_time"}
    holds_in: dict[str, set[str]] = defaultdict(set)  # person -> orgs they hold any post in
    for p in view.posts:
        holds_in[p.person].add(p.org)

    staff: dict[str, list[str]] = defaultdict(list)  # org -> people whose home it is
    for person, homes in view.home.items():
        for h in homes:
            staff[h].append(person)

    cands: dict[tuple[str, str], Candidate] = {}
    blocked: dict[str, list[Blocked]] = defaultdict(list)

    def consider(target: Target, person: str, org: str, home: str, direction: str) -> None:
        if org in holds_in.get(person, ()):
            return  # already holds a post there: a second one adds nothing
        key = (person, org)
        why = None
        if load.get(person, 0) >= max_posts:
            why = "limit"
        elif direction == "u_to_c" and max_seats and len(seats[org]) >= max_seats:
            why = "seats"
        if why:
            blocked[target.key].append(Blocked(person, org, why))
            return
        if key in cands:
            return
        homes = view.home.get(person, ())
        if direction == "u_to_c":
            ups = tuple((h, org) for h in homes if view.is_unit_org(h))
            downs: tuple[Pair, ...] = ()
            members = set(view.coverage[org].members)
            adds = org if person not in view.coverage[org].part_time_people \
                and any(h in members and h != org for h in homes) else None
            role = "part_time_member"
        else:
            ups = ()
            downs = tuple((org, h) for h in homes if view.is_community_org(h))
            adds = None
            role = "member"
        home_role = _home_role(view, person, home)
        n = load.get(person, 0)
        cands[key] = Candidate(0, person, org, role, direction, home, home_role, ups, downs, adds, n,
                               _ROLE_RANK.get(home_role, 3) + n)

    for t in targets:
        if t.rule == "G01":
            c = t.corgs[0]
            for u in view.coverage[c].members:
                for person in staff.get(u, ()):
                    consider(t, person, c, u, "u_to_c")
            continue
        for (u, c) in t.pairs:
            if t.rule == "G04":
                if t.missing == "up":
                    for person in staff.get(u, ()):
                        consider(t, person, c, u, "u_to_c")
                else:
                    for person in staff.get(c, ()):
                        consider(t, person, u, c, "c_to_u")
                continue
            for person in staff.get(u, ()):
                if t.rule == "G08" and person == t.person:
                    continue
                consider(t, person, c, u, "u_to_c")
            for person in staff.get(c, ()):
                if t.rule == "G08" and person == t.person:
                    continue
                consider(t, person, u, c, "c_to_u")

    ordered = sorted(cands.values(), key=lambda k: (k.penalty, k.org, k.person))
    candidates = [replace(k, index=i) for i, k in enumerate(ordered)]
    member_pairs = {(u, c) for c in view.community_orgs for u in view.coverage[c].members}
    return Problem(
        view=view, targets=targets, candidates=candidates, blocked=dict(blocked),
        max_posts=max_posts, max_seats=max_seats,
        one_per_person=policy.plan.one_new_post_per_person,
        spof_min=policy.rule("G08")["spof_min_units"],
        holders=frozen, up_before=set(view.u_to_c), down_before={(u, c) for (c, u) in view.c_to_u},
        member_pairs=member_pairs, seats_before={c: len(s) for c, s in seats.items()},
        g01_people={c: frozenset(view.coverage[c].part_time_people) for c in view.community_orgs},
        load=load, not_modelled=odd)


# -- the state after a set of appointments -----------------------------------


class State:
    """The links after the candidates ``chosen`` (indexes) are appointed:
    what each target still lacks, and whether a limit is broken.

    This is the meaning the CP-SAT model encodes; the greedy baseline and
    the plan's claims read it, and the verification re-runs the real rules
    to check both.
    """

    def __init__(self, problem: Problem, chosen: Iterable[int] = ()) -> None:
        self.pb = problem
        self.chosen: list[int] = []
        self.holders: dict[Pair, set[str]] = {}
        self.up: set[Pair] = set()
        self.down: set[Pair] = set()
        self.g01_new: dict[str, set[str]] = defaultdict(set)
        self.posts_of: dict[str, int] = defaultdict(int)
        self.seats_new: dict[str, int] = defaultdict(int)
        for i in chosen:
            self.add(i)

    def _h(self, pair: Pair) -> set[str]:
        if pair not in self.holders:
            self.holders[pair] = set(self.pb.holders.get(pair, ()))
        return self.holders[pair]

    def add(self, i: int) -> None:
        k = self.pb.candidates[i]
        self.chosen.append(i)
        for pr in k.ups:
            self._h(pr).add(k.person)
            self.up.add(pr)
        for pr in k.downs:
            self._h(pr).add(k.person)
            self.down.add(pr)
        if k.adds_member_to:
            self.g01_new[k.adds_member_to].add(k.person)
        self.posts_of[k.person] += 1
        if k.direction == "u_to_c":
            self.seats_new[k.org] += 1

    def holders_of(self, pair: Pair) -> set[str] | frozenset[str]:
        return self.holders.get(pair, self.pb.holders.get(pair, frozenset()))

    def has_up(self, pair: Pair) -> bool:
        return pair in self.up or pair in self.pb.up_before

    def has_down(self, pair: Pair) -> bool:
        return pair in self.down or pair in self.pb.down_before

    def sole_count(self, person: str, c: str) -> int:
        """Member pairs of community org ``c`` whose only holder is ``person``."""
        return self._sole(person, c)

    def lack(self, t: Target, extra: Candidate | None = None) -> int:
        """How much ``t`` still lacks (0: closed), after ``extra`` too when
        given."""
        def holders(pr):
            h = self.holders_of(pr)
            return h | {extra.person} if extra is not None and pr in extra.pairs else h

        def up(pr):
            return self.has_up(pr) or (extra is not None and pr in extra.ups)

        def down(pr):
            return self.has_down(pr) or (extra is not None and pr in extra.downs)

        if t.rule == "G01":
            n = len(self.g01_new.get(t.corgs[0], ()))
            if extra is not None and extra.adds_member_to == t.corgs[0]:
                n += 1
            return max(0, t.need - n)
        if t.rule == "G04":
            return 0 if (up(t.pairs[0]) and down(t.pairs[0])) else 1
        if t.rule in ("G05", "G13"):
            return 0 if any(holders(pr) for pr in t.pairs) else 1
        if t.rule == "G06":
            return max(0, t.need - sum(1 for pr in t.pairs if up(pr) and down(pr)))
        if t.rule == "G08":
            c = t.corgs[0]
            over = {(u, c): holders((u, c)) for u in self.pb.view.coverage[c].members}
            return max(0, self._sole(t.person, c, holders=over) - self.pb.spof_min + 1)
        raise ValueError(t.rule)

    def allowed(self, i: int) -> bool:
        """Whether candidate ``i`` may be added now without breaking a limit
        or making someone a new single point of failure."""
        k = self.pb.candidates[i]
        if self.pb.load.get(k.person, 0) + self.posts_of[k.person] + 1 > self.pb.max_posts:
            return False
        if self.pb.one_per_person and self.posts_of[k.person]:
            return False
        if k.direction == "u_to_c" and self.pb.max_seats and \
                self.pb.seats_before.get(k.org, 0) + self.seats_new[k.org] + 1 > self.pb.max_seats:
            return False
        return not self.new_spof(extra=k)

    def _sole(self, person: str, c: str, holders: dict | None = None) -> int:
        holders = holders if holders is not None else {}
        n = 0
        for u in self.pb.view.coverage[c].members:
            h = holders.get((u, c))
            if h is None:
                h = self.holders_of((u, c))
            if h == {person}:
                n += 1
        return n

    def new_spof(self, extra: Candidate | None = None) -> list[tuple[str, str]]:
        """(person, community org) pairs where someone alone holds at least
        ``spof_min_units`` member pairs and did not before (or now holds
        more than before) -- after the chosen candidates, plus ``extra``
        when given (then only the community orgs ``extra`` touches are
        looked at)."""
        if extra is not None:
            holders = {pr: set(self.holders_of(pr)) | {extra.person} for pr in extra.pairs}
            touched = {pr[1] for pr in extra.pairs if pr in self.pb.member_pairs}
        else:
            holders = {}
            touched = {pr[1] for pr in self.holders if pr in self.pb.member_pairs}
        out = []
        for c in sorted(touched):
            members = self.pb.view.coverage[c].members
            people = set()
            for u in members:
                people |= holders.get((u, c)) or self.holders_of((u, c))
            for p in sorted(people):
                after = self._sole(p, c, holders=holders)
                if after < self.pb.spof_min:
                    continue
                before = sum(1 for u in members if self.pb.holders.get((u, c), frozenset()) == {p})
                if after > max(before, self.pb.spof_min - 1):
                    out.append((p, c))
        return out


def role_word(role: str) -> tuple[str, str]:
    """``"part_time_member"`` -> ``("兼职委员", "part-time committee member")``."""
    if role in schema.ROLE.codes:
        m = schema.ROLE.by_code(role)
        return m.zh, m.en
    return role, role
