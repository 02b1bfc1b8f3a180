"""What if: the findings that appear and go, and the coverage figures
before and after, when posts are added or end, people leave or units go.

:func:`what_if` applies the changes (:mod:`graph.planning.changes`) to a
copy of the graph and re-runs every rule; nothing is written. A
``cobuild recommend`` JSON is a valid scenario, so a plan can be tried out
as it is, or edited first. :func:`graph.analysis.what_if_leaves` (one
person leaves) is the special case of one :class:`RemovePerson`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from graph.analysis import finding_sort_key, run_rules
from graph.analysis.policy import Policy
from graph.analysis.summary import summarize
from graph.analysis.view import View
from graph.findings import Finding
from graph.planning.changes import Change, apply_changes, describe_change

__all__ = ["Scenario", "what_if", "diff_findings", "COVERAGE_KEYS"]

#: The coverage figures compared before and after.
COVERAGE_KEYS = ("members", "u_to_c", "c_to_u", "two_way", "part_time_members", "two_way_share")


def _identity(f: Finding) -> tuple:
    return (f.rule, f.subject.type, f.subject.code, f.community, f.street)


def diff_findings(before: list[Finding], after: list[Finding]):
    """``(added, removed, changed)`` between two lists of findings.

    Findings about the same rule, subject, community and street are
    matched; several findings of one identity (G08, G09) are compared as a
    whole group; ``changed`` pairs ``(before, after)`` of one identity whose
    wording or evidence changed.
    """
    def group(fs):
        out: dict[tuple, list[Finding]] = {}
        for f in fs:
            out.setdefault(_identity(f), []).append(f)
        return out

    gb, ga = group(before), group(after)
    added, removed, changed = [], [], []
    for key in sorted(set(gb) | set(ga), key=lambda k: tuple("" if x is None else x for x in k)):
        b, a = gb.get(key, []), ga.get(key, [])
        if b == a:
            continue
        if not b:
            added.extend(a)
        elif not a:
            removed.extend(b)
        elif len(a) == 1 and len(b) == 1:
            changed.append((b[0], a[0]))
        else:
            sb, sa = set(b), set(a)
            removed.extend(f for f in b if f not in sa)
            added.extend(f for f in a if f not in sb)
    added.sort(key=finding_sort_key)
    removed.sort(key=finding_sort_key)
    return added, removed, changed


@dataclass
class Scenario:
    """The result of :func:`what_if`."""

    as_of: date
    changes: list[Change]
    descriptions: list[tuple[str, str]]
    added: list[Finding]
    removed: list[Finding]
    changed: list[tuple[Finding, Finding]]
    before: dict  # county coverage figures and finding counts
    after: dict
    communities: list[dict] = field(default_factory=list)  # community orgs whose figures change
    scope: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "scope": self.scope,
            "changes": [{**c.as_dict(), "zh": d[0], "en": d[1]} for c, d in zip(self.changes, self.descriptions)],
            "appear": [f.as_dict() for f in self.added],
            "go": [f.as_dict() for f in self.removed],
            "changed": [{"before": a.as_dict(), "after": b.as_dict()} for a, b in self.changed],
            "before": self.before,
            "after": self.after,
            "communities": self.communities,
        }


def _figures(summary: dict) -> dict:
    c = summary["county"]
    return {**{k: c[k] for k in COVERAGE_KEYS}, "findings": c["findings"]["total"],
            "findings_by_rule": c["findings_by_rule"]}


def what_if(G: nx.MultiDiGraph, changes: list[Change], as_of: date | None = None,
            policy: Policy | None = None, *, street: str | None = None,
            community: str | None = None) -> Scenario:
    """The findings and coverage figures of ``G`` before and after
    ``changes`` on ``as_of`` (only those of ``street`` / ``community`` when
    given).

    Raises
    ------
    graph.errors.NotFound
        A change names a person, org or unit not in the graph.

    Examples
    --------
    >>> r = what_if(nx.MultiDiGraph(), [], date(2026, 6, 30))
    >>> r.added, r.removed, r.before["members"]
    ([], [], 0)
    """
    as_of = as_of or date.today()
    policy = policy or Policy()
    H = apply_changes(G, changes, as_of)
    vb, va = View(G, as_of), View(H, as_of)
    fb = run_rules(vb, policy, street=street, community=community)
    fa = run_rules(va, policy, street=street, community=community)
    added, removed, changed = diff_findings(fb, fa)
    sb = summarize(vb, fb, street=street, community=community)
    sa = summarize(va, fa, street=street, community=community)
    rows_b = {r["org"]: r for r in sb["communities"]}
    rows = []
    for r in sa["communities"]:
        b = rows_b.get(r["org"])
        if b is None or any(b[k] != r[k] for k in COVERAGE_KEYS):
            rows.append({"org": r["org"], "org_name": r["org_name"], "community": r["community"],
                         "street": r["street"],
                         "before": {k: b[k] for k in COVERAGE_KEYS} if b else None,
                         "after": {k: r[k] for k in COVERAGE_KEYS}})
    for org, b in rows_b.items():  # an org that went with its unit
        if org not in {r["org"] for r in sa["communities"]}:
            rows.append({"org": org, "org_name": b["org_name"], "community": b["community"],
                         "street": b["street"], "before": {k: b[k] for k in COVERAGE_KEYS}, "after": None})
    return Scenario(as_of, list(changes), [describe_change(c, G) for c in changes], added, removed, changed,
                    _figures(sb), _figures(sa), rows, {"street": street, "community": community})
