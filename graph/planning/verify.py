"""A plan checked, not trusted: apply it to a copy of the graph, re-run
every registered rule, and compare.

:func:`check_plan` says, for a set of new posts and the findings they are
claimed to close:

* the finding counts per rule before and after;
* which claimed closures do not hold (a bug);
* which findings are new (a bug), apart from a member on paper (G05) that
  became one-way (G04), which is progress;
* who ends above ``max_part_time_posts``, which community org above
  ``max_part_time_seats``, who got more than one new post when the policy
  allows one (bugs).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from graph.analysis import run_rules
from graph.analysis.view import View
from graph.findings import Finding
from graph.planning.changes import AddPost, apply_changes
from graph.planning.problem import finding_key

__all__ = ["Check", "check_plan"]


@dataclass
class Check:
    """What re-running the rules on the changed graph shows."""

    before: dict[str, int]
    after: dict[str, int]
    closed: list[str]  # claimed closures that hold (finding keys)
    not_closed: list[str] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    progress: list[Finding] = field(default_factory=list)
    over_limit: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.not_closed or self.new or self.over_limit)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "closed": len(self.closed), "not_closed": self.not_closed,
                "new_findings": [f.as_dict() for f in self.new],
                "progress": [f.as_dict() for f in self.progress],
                "over_limit": self.over_limit}


def _counts(findings) -> dict[str, int]:
    return dict(sorted(Counter(f.rule for f in findings).items()))


def check_plan(G: nx.MultiDiGraph, view: View, before: list[Finding], posts: list[AddPost],
               claimed: set[str], policy, *, street: str | None = None,
               community: str | None = None) -> Check:
    """Apply ``posts`` to ``G`` and compare the findings of the scope.

    Parameters
    ----------
    G, view : the graph and its view on the as-of date (before)
    before : the scope's findings before (every enabled rule)
    posts : the new posts of the plan
    claimed : keys (:func:`graph.planning.problem.finding_key`) of the
        findings the plan claims to close
    """
    as_of = view.as_of
    H = apply_changes(G, posts, as_of) if posts else G
    after_view = View(H, as_of) if posts else view
    after = run_rules(after_view, policy, street=street, community=community) if posts else list(before)
    kb = Counter(finding_key(view, f) for f in before)
    ka = Counter(finding_key(after_view, f) for f in after)
    paper = {k.split("|", 1)[1] for k in kb if k.startswith("G05|")}
    new, progress = [], []
    seen: Counter = Counter()
    for f in after:
        k = finding_key(after_view, f)
        seen[k] += 1
        if seen[k] <= kb.get(k, 0):
            continue
        if f.rule == "G04" and k.split("|", 1)[1] in paper:
            progress.append(f)
        else:
            new.append(f)
    not_closed = sorted(k for k in claimed if ka.get(k))
    over = []
    max_posts = policy.rule("G07")["max_part_time_posts"]
    people = sorted({p.person for p in posts})
    for person in people:
        n = sum(1 for p in after_view.posts_of_person.get(person, ()) if p.post_type == "part_time")
        if n > max_posts:
            over.append(f"Person:{person} part_time_posts={n}>{max_posts}")
    seats = policy.plan.max_part_time_seats
    if seats:
        for c in sorted({p.org for p in posts if after_view.is_community_org(p.org)}):
            n = len({p.person for p in after_view.posts_in_org.get(c, ()) if p.post_type == "part_time"})
            before_n = len({p.person for p in view.posts_in_org.get(c, ()) if p.post_type == "part_time"})
            if n > max(seats, before_n):
                over.append(f"PartyOrg:{c} part_time_members={n}>{seats}")
    if policy.plan.one_new_post_per_person:
        many = Counter(p.person for p in posts)
        over += [f"Person:{p} new_posts={n}>1" for p, n in sorted(many.items()) if n > 1]
    return Check(_counts(before), _counts(after), sorted(k for k in claimed if not ka.get(k)),
                 not_closed, new, progress, over)
