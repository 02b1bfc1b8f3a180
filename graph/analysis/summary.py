"""Coverage summary per community org, per street and for the county.

Per community org C (member pairs only): ``members`` (member unit orgs),
``u_to_c`` / ``c_to_u`` (members with a link in that direction, two-way ones
included), ``two_way`` (both), ``part_time_members`` (distinct people with a
part-time post in C whose home is a member unit org -- the G01 count) and
``two_way_share`` (``two_way / members``, 0.0 with no members). A street and
the county add up their community orgs, so their ``members``, ``u_to_c``,
``c_to_u`` and ``two_way`` count *membership pairs* (纳入关系: a joint
branch taken into three community orgs counts three times); ``member_orgs``
counts the distinct unit orgs taken in (a thing, what a headline shows).
Their ``part_time_members`` counts distinct people (someone serving two
community orgs counts once).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from graph.findings import SEVERITIES, Finding

__all__ = ["summarize"]


def _share(two_way: int, members: int) -> float:
    return round(two_way / members, 4) if members else 0.0


def _totals(view, orgs: list[str]) -> dict:
    members = u_to_c = c_to_u = two_way = 0
    people: set[str] = set()
    member_orgs: set[str] = set()
    for c in orgs:
        cov = view.coverage[c]
        members += len(cov.members)
        member_orgs.update(cov.members)
        u_to_c += len(cov.u_to_c)
        c_to_u += len(cov.c_to_u)
        two_way += len(cov.two_way)
        people.update(cov.part_time_people)
    return {
        "members": members,
        "member_orgs": len(member_orgs),
        "u_to_c": u_to_c,
        "c_to_u": c_to_u,
        "two_way": two_way,
        "part_time_members": len(people),
        "two_way_share": _share(two_way, members),
    }


def _severity_counts(findings: list[Finding]) -> dict:
    n = Counter(f.severity for f in findings)
    return {"total": len(findings), **{s: n.get(s, 0) for s in SEVERITIES}}


def summarize(view, findings: list[Finding], street: str | None = None,
              community: str | None = None) -> dict:
    """The summary part of the JSON contract, for the whole graph or for
    one street / community.

    Returns
    -------
    dict
        ``{"communities": [...], "streets": [...], "county": {...}}``.
    """
    def in_scope(x: str | None) -> bool:
        if community is not None and x != community:
            return False
        if street is not None and view.street_of(x) != street:
            return False
        return True

    scoped = street is not None or community is not None
    org_rows = []
    for c in view.community_orgs:
        x, s = view.org_place(c)
        if not in_scope(x):
            continue
        cov = view.coverage[c]
        org_rows.append({
            "org": c,
            "org_name": view.name("PartyOrg", c),
            "community": x,
            "community_name": view.name("Community", x) if x else None,
            "street": s,
            "members": len(cov.members),
            "u_to_c": len(cov.u_to_c),
            "c_to_u": len(cov.c_to_u),
            "two_way": len(cov.two_way),
            "part_time_members": len(cov.part_time_people),
            "two_way_share": _share(len(cov.two_way), len(cov.members)),
        })
    org_rows.sort(key=lambda r: (r["street"] or "", r["community"] or "", r["org"]))

    communities = sorted(x for x in view.nodes.get("Community", {}) if in_scope(x))
    streets = sorted(s for s in view.nodes.get("Street", {})
                     if (street is None or s == street)
                     and (community is None or view.street_of(community) == s))
    orgs_of: dict[str, list[str]] = defaultdict(list)
    for r in org_rows:
        orgs_of[r["street"]].append(r["org"])
    comms_of = Counter(view.street_of(x) for x in communities)
    findings_of: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        findings_of[f.street].append(f)
    street_rows = []
    for s in streets:
        orgs = orgs_of.get(s, [])
        street_rows.append({
            "street": s,
            "name": view.name("Street", s),
            "communities": comms_of.get(s, 0),
            "community_orgs": len(orgs),
            **_totals(view, orgs),
            "findings": _severity_counts(findings_of.get(s, [])),
        })

    all_orgs = [r["org"] for r in org_rows]
    with_org = {r["community"] for r in org_rows}
    units = [u for u in view.nodes.get("Unit", {}) if in_scope(view.unit_community.get(u))]
    unit_orgs = [o for o in view.unit_orgs if in_scope(view.org_place(o)[0])]
    by_rule = Counter(f.rule for f in findings)
    county = {
        "streets": len(streets),
        "communities": len(communities),
        "communities_without_org": sum(1 for x in communities if x not in with_org),
        "community_orgs": len(all_orgs),
        "units": len(units),
        "unit_orgs": len(unit_orgs),
        "people": sum(1 for p in view.nodes.get("Person", {})
                      if scoped is False or in_scope(view.person_place(p)[0])),
        "active_posts": sum(1 for p in view.posts if scoped is False or in_scope(view.org_place(p.org)[0])),
        **_totals(view, all_orgs),
        "findings": _severity_counts(findings),
        "findings_by_rule": {r: by_rule[r] for r in sorted(by_rule)},
    }
    return {"communities": org_rows, "streets": street_rows, "county": county}
