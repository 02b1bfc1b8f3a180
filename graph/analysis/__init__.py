"""Gap analysis: the rules of ``rules.md`` on the co-building graph.

:func:`analyze` builds a :class:`~graph.analysis.view.View` of the graph on
the as-of date (one pass over the graph), runs every enabled rule of
:data:`graph.analysis.rules.RULES`, and adds the coverage summary and the
structural figures. :func:`what_if_leaves` says what changes when one person
leaves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import networkx as nx

from graph import schema
from graph.bulk import paused_gc
from graph.errors import NotFound
from graph.findings import SEVERITIES, Finding, select
from graph.analysis.policy import Policy, load_policy
from graph.analysis.presence import missing, not_checked_entry
from graph.analysis.stats import Stats, compute_stats
from graph.analysis.rules import RULES
from graph.analysis.structure import compute_structure
from graph.analysis.summary import summarize
from graph.analysis.view import View, view_of

__all__ = ["Analysis", "WhatIf", "analyze", "run_rules", "places_of", "what_if_leaves", "finding_sort_key",
           "not_checked", "Policy", "load_policy", "RULES"]

_SEV_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def finding_sort_key(f: Finding) -> tuple:
    """Deterministic order: rule id, severity (high first), street,
    community, subject code, then evidence."""
    return (f.rule, _SEV_RANK[f.severity], f.street or "", f.community or "",
            f.subject.code, f.evidence, f.message_en)


@dataclass
class Analysis:
    """The result of :func:`analyze`.

    ``findings`` are in :func:`finding_sort_key` order; ``summary`` and
    ``as_dict()`` follow the JSON contract of issue 4 (``as_dict`` adds
    ``"structure"`` and ``"scope"``).
    """

    as_of: date
    policy: Policy
    findings: list[Finding]
    summary: dict
    structure: dict = field(default_factory=dict)
    scope: dict = field(default_factory=lambda: {"street": None, "community": None})
    #: names of the streets and communities findings refer to:
    #: ``{"streets": {code: name}, "communities": {code: {"name": .., "street": ..}}}``
    places: dict = field(default_factory=lambda: {"streets": {}, "communities": {}})
    #: the indexed facts of the whole graph on ``as_of`` the rules read (for
    #: whoever draws or looks up the same graph on the same date next)
    view: View | None = field(default=None, repr=False, compare=False)
    #: where the graph came from: ``"roster"`` (a roster file) or ``"database"`` (Neo4j)
    source: str = "roster"
    #: enabled rules not checked because the roster lacks their table or
    #: column: ``[{rule, name_zh, name_en, missing, reason_zh, reason_en}]``
    not_checked: list[dict] = field(default_factory=list)
    #: the 统计表 of the same scope (:mod:`graph.analysis.stats`)
    stats: Stats | None = None

    def findings_for(self, community: str | None = None, street: str | None = None) -> list[Finding]:
        """The findings of one community and/or street (community and street
        codes)."""
        return select(self.findings, community=community, street=street)

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "policy": self.policy.as_dict(),
            "scope": dict(self.scope),
            "findings": [f.as_dict() for f in self.findings],
            "summary": self.summary,
            "structure": self.structure,
            "places": self.places,
            "not_checked": self.not_checked,
            "stats": self.stats.as_dict() if self.stats else None,
        }


def places_of(view: View) -> dict:
    """The names of the streets and communities findings refer to:
    ``{"streets": {code: name}, "communities": {code: {"name": .., "street": ..}}}``."""
    return {
        "streets": {s: view.name("Street", s) for s in sorted(view.nodes.get("Street", {}))},
        "communities": {x: {"name": view.name("Community", x), "street": view.street_of(x)}
                        for x in sorted(view.nodes.get("Community", {}))},
    }


def run_rules(view: View, policy: Policy, progress=None, *, street: str | None = None,
              community: str | None = None) -> list[Finding]:
    """Every enabled rule's findings on ``view``, in :func:`finding_sort_key`
    order; only those of ``street`` / ``community`` when given."""
    findings = _run_rules(view, policy, progress)
    if street is not None or community is not None:
        findings = select(findings, street=street, community=community)
    return findings


def not_checked(view: View, policy: Policy) -> list[dict]:
    """The enabled rules whose table or column the roster lacks, each with
    why (bilingual): they give no findings."""
    out = []
    for rule in RULES:
        cfg = policy.rules.get(rule.id) or rule.default_config()
        lacking = missing(view.shape, rule.requires)
        if cfg.enabled and lacking:
            out.append(not_checked_entry(rule, lacking))
    return out


def _run_rules(view: View, policy: Policy, progress=None) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        cfg = policy.rules.get(rule.id) or rule.default_config()
        if not cfg.enabled:
            continue
        if missing(view.shape, rule.requires):
            if progress:
                progress(f"规则 rule {rule.id} {rule.name_zh} / {rule.name_en}：未检查 not checked")
            continue
        if progress:
            progress(f"规则 rule {rule.id} {rule.name_zh} / {rule.name_en}")
        findings.extend(rule.check(view, cfg))
    findings.sort(key=finding_sort_key)
    return findings


@paused_gc()
def analyze(G: nx.MultiDiGraph, as_of: date | None = None, policy: Policy | None = None,
            progress: Callable[[str], None] | None = None, *, street: str | None = None,
            community: str | None = None, with_structure: bool = True,
            view: View | None = None) -> Analysis:
    """Find the coverage gaps of graph ``G`` on ``as_of``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The co-building graph (from :func:`graph.build.roster_to_graph` or
        :func:`graph.store.load_graph`).
    as_of : datetime.date, optional
        Only posts that count on this date count (default: today).
    policy : Policy, optional
        Thresholds, severities, rules switched off (default: rules.md).
    progress : callable, optional
        Called with a short bilingual text at each step.
    street, community : str, optional
        Keep only the findings and summary of this street / community (the
        rules still see the whole graph).
    with_structure : bool
        Compute the structural figures (betweenness ...).
    view : View, optional
        ``View(G, as_of)`` when the caller has it already (it is not built
        again).

    Returns
    -------
    Analysis

    Examples
    --------
    >>> a = analyze(nx.MultiDiGraph(), date(2024, 1, 1))
    >>> a.findings, a.summary["county"]["members"]
    ([], 0)
    """
    as_of = as_of or date.today()
    policy = policy or Policy()
    if progress:
        progress("建立索引 / indexing the graph")
    view = view_of(G, as_of, view)
    findings = _run_rules(view, policy, progress)
    if street is not None or community is not None:
        findings = select(findings, street=street, community=community)
    if progress:
        progress("汇总 / summarizing")
    summary = summarize(view, findings, street=street, community=community)
    structure = {}
    if with_structure:
        structure = compute_structure(view, policy.structure, progress)
        if street is not None or community is not None:
            structure["articulation"] = [
                r for r in structure["articulation"]
                if (community is None or r["community"] == community)
                and (street is None or r["street"] == street)]
    if progress:
        progress("统计表 / the statistics table")
    stats = compute_stats(view, street=street, community=community)
    return Analysis(as_of, policy, findings, summary, structure,
                    {"street": street, "community": community}, places_of(view), view,
                    not_checked=not_checked(view, policy), stats=stats)


@dataclass
class WhatIf:
    """What changes when one person leaves: findings that appear, that go,
    and that change (same rule and subject, new wording/evidence)."""

    person: str
    name: str
    as_of: date
    added: list[Finding]
    removed: list[Finding]
    changed: list[tuple[Finding, Finding]]

    def as_dict(self) -> dict:
        return {
            "person": self.person,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "added": [f.as_dict() for f in self.added],
            "removed": [f.as_dict() for f in self.removed],
            "changed": [{"before": a.as_dict(), "after": b.as_dict()} for a, b in self.changed],
        }


def what_if_leaves(G: nx.MultiDiGraph, person_code: str, as_of: date | None = None,
                   policy: Policy | None = None) -> WhatIf:
    """The findings that change when person ``person_code`` leaves (all
    their posts and liaisons end): the what-if
    (:func:`graph.planning.whatif.what_if`) of one
    :class:`~graph.planning.changes.RemovePerson`.

    Findings about the same rule, subject, community and street are matched;
    several findings of one identity (G08, G09) are compared as a whole
    group.

    Raises
    ------
    graph.errors.NotFound
        No person with this code.
    """
    from graph.planning.changes import RemovePerson
    from graph.planning.whatif import what_if

    as_of = as_of or date.today()
    nid = schema.person_id(person_code)
    if nid not in G:
        raise NotFound(f"没有编码为 {person_code} 的人员", f"no person with code {person_code}")
    r = what_if(G, [RemovePerson(person_code)], as_of, policy)
    name = str(G.nodes[nid].get("name") or person_code)
    return WhatIf(person_code, name, as_of, r.added, r.removed, r.changed)
