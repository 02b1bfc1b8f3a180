"""The forecast: what breaks next, month by month.

Community committees serve five-year terms (支部工作条例), so the part-time
posts that link units and communities end in clusters at 换届 time.
:func:`forecast` re-runs every rule at the as-of date and at each of the
next ``months`` month ends, with the posts as the roster dates them (a post
that ends is gone, one that starts later comes in), and reports per
community org the figures and findings on each date, the findings that
appear and go between dates, and the 换届 cliffs: months in which
``cliff_min_posts`` or more linking posts of one community org end.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Callable

import networkx as nx

from graph.analysis import run_rules
from graph.analysis.policy import Policy
from graph.analysis.view import View
from graph.findings import SEVERITIES, Finding
from graph.planning.problem import finding_key

__all__ = ["Forecast", "forecast", "month_ends"]

_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def month_ends(as_of: date, months: int) -> list[date]:
    """``as_of`` and the next ``months`` month ends after it.

    >>> [d.isoformat() for d in month_ends(date(2026, 6, 30), 2)]
    ['2026-06-30', '2026-07-31', '2026-08-31']
    >>> [d.isoformat() for d in month_ends(date(2026, 1, 15), 2)]
    ['2026-01-15', '2026-01-31', '2026-02-28']
    """
    out = [as_of]
    y, m = as_of.year, as_of.month
    while len(out) <= months:
        d = date(y, m, calendar.monthrange(y, m)[1])
        if d > as_of:
            out.append(d)
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


@dataclass
class Forecast:
    """The result of :func:`forecast` (``as_dict`` is the JSON contract)."""

    as_of: date
    dates: list[date]
    communities: list[dict]
    events: list[dict]
    cliffs: list[dict]
    policy: Policy
    scope: dict

    def as_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "scope": self.scope,
                "dates": [d.isoformat() for d in self.dates],
                "communities": self.communities, "events": self.events, "cliffs": self.cliffs,
                "cliff_min_posts": self.policy.plan.cliff_min_posts}

    def worst(self) -> list[list[str | None]]:
        """communities x dates: the worst severity of each cell (None: no
        finding) -- the chart."""
        return [[s["worst"] for s in c["series"]] for c in self.communities]


def _org_of(view: View, f: Finding, key: str) -> str | None:
    corg = key.split("|")[2]
    if view.is_community_org(corg):
        return corg
    orgs = view.community_orgs_of.get(f.community or "", ())
    return orgs[0] if orgs else None


def _cliffs(view: View, dates: list[date], cliff_min: int, orgs: set[str]) -> list[dict]:
    ending: dict[tuple[str, str], dict[str, object]] = defaultdict(dict)
    last = dates[-1]
    for links in (view.u_to_c, view.c_to_u):
        for pair, posts in links.items():
            c = pair[1] if links is view.u_to_c else pair[0]
            if c not in orgs:
                continue
            for p in posts:
                if p.end is not None and view.as_of <= p.end <= last:
                    ending[(c, f"{p.end.year:04d}-{p.end.month:02d}")][p.id] = p
    out = []
    for (c, month), posts in sorted(ending.items()):
        if len(posts) < cliff_min:
            continue
        community, street = view.org_place(c)
        out.append({"org": c, "org_name": view.name("PartyOrg", c), "community": community,
                    "street": street, "month": month,
                    "posts": [{"id": p.id, "person": p.person, "name": view.name("Person", p.person),
                               "org": p.org, "org_name": view.name("PartyOrg", p.org),
                               "end": p.end.isoformat()} for _, p in sorted(posts.items())]})
    return out


def forecast(G: nx.MultiDiGraph, as_of: date | None = None, months: int = 12, policy: Policy | None = None,
             *, street: str | None = None, community: str | None = None,
             progress: Callable[[str], None] | None = None) -> Forecast:
    """Re-run the analysis at ``as_of`` and each of the next ``months``
    month ends.

    Returns
    -------
    Forecast
        ``communities``: per community org of the scope, its ``series`` (one
        entry per date: ``part_time_members``, ``two_way_share``,
        ``findings`` per rule, ``worst`` severity); ``events``: findings
        that ``"appears"`` / ``"goes"`` from one date to the next;
        ``cliffs``: the 换届 cliffs.

    Examples
    --------
    >>> fc = forecast(nx.MultiDiGraph(), date(2026, 6, 30), months=1)
    >>> [d.isoformat() for d in fc.dates], fc.communities, fc.events
    (['2026-06-30', '2026-07-31'], [], [])
    """
    from graph.errors import CobuildError

    if not 1 <= months <= 120:
        raise CobuildError(f"月数 --months 应在 1 到 120 之间（现为 {months}）",
                           f"--months must be between 1 and 120 (got {months})")
    as_of = as_of or date.today()
    policy = policy or Policy()
    dates = month_ends(as_of, months)
    series: dict[str, list[dict]] = defaultdict(list)
    events: list[dict] = []
    prev: Counter | None = None
    prev_f: dict[str, Finding] = {}
    first_view = None
    orgs: list[str] = []
    for i, d in enumerate(dates):
        if progress:
            progress(f"预测 forecasting {d.isoformat()}（{i + 1}/{len(dates)}）")
        view = View(G, d)
        if first_view is None:
            first_view = view
            orgs = [c for c in view.community_orgs
                    if (community is None or view.org_place(c)[0] == community)
                    and (street is None or view.org_place(c)[1] == street)]
        findings = run_rules(view, policy, street=street, community=community)
        keys = [finding_key(view, f) for f in findings]
        per_org: dict[str, list[Finding]] = defaultdict(list)
        for f, k in zip(findings, keys):
            o = _org_of(view, f, k)
            if o:
                per_org[o].append(f)
        for c in orgs:
            cov = view.coverage[c]
            fs = per_org.get(c, [])
            worst = min((f.severity for f in fs), key=_RANK.__getitem__, default=None)
            series[c].append({
                "date": d.isoformat(), "members": len(cov.members),
                "part_time_members": len(cov.part_time_people), "two_way": len(cov.two_way),
                "two_way_share": round(cov.two_way_share, 4),
                "findings": dict(sorted(Counter(f.rule for f in fs).items())), "worst": worst})
        now = Counter(keys)
        now_f = dict(zip(keys, findings))
        if prev is not None:
            for k in sorted(set(now) | set(prev)):
                n, p = now.get(k, 0), prev.get(k, 0)
                if n == p:
                    continue
                f = now_f.get(k) or prev_f[k]
                events.append({"date": d.isoformat(), "rule": f.rule, "severity": f.severity,
                               "subject": {"type": f.subject.type, "code": f.subject.code,
                                           "name": f.subject.name},
                               "community": f.community, "street": f.street,
                               "change": "appears" if n > p else "goes",
                               "message_zh": f.message_zh, "message_en": f.message_en})
        prev, prev_f = now, now_f
    communities = []
    for c in orgs:
        x, s = first_view.org_place(c)
        communities.append({"org": c, "org_name": first_view.name("PartyOrg", c), "community": x,
                            "community_name": first_view.name("Community", x) if x else None,
                            "street": s, "series": series[c]})
    communities.sort(key=lambda r: (r["street"] or "", r["community"] or "", r["org"]))
    cliffs = _cliffs(first_view, dates, policy.plan.cliff_min_posts, set(orgs)) if first_view else []
    return Forecast(as_of, dates, communities, events, cliffs, policy,
                    {"street": street, "community": community})
