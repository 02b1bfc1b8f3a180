"""G09 term expiring (任期将满).

A part-time post that counts on the as-of date, makes a link between a unit
org and a community org (U → C or C → U; membership is not required, so a
property company's link counts too) and ends within ``expiry_warning_days``
after the as-of date (``0 <= end - as_of <= days``; a post already ended
does not count at all). One finding per post. Subject: the person; community:
that of the community org of the (first) link.
"""

from __future__ import annotations

from collections import defaultdict

from graph import schema
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per linking post about to end."""
    days = cfg["expiry_warning_days"]
    pairs = defaultdict(list)  # post -> [(unit org, community org)]
    for (u, c), posts in view.u_to_c.items():
        for p in posts:
            pairs[p].append((u, c))
    for (c, u), posts in view.c_to_u.items():
        for p in posts:
            pairs[p].append((u, c))
    for post in sorted(pairs, key=lambda p: p.id):
        if post.end is None:
            continue
        left = (post.end - view.as_of).days
        if not 0 <= left <= days:
            continue
        links = sorted(set(pairs[post]))
        u, c = links[0]
        name = view.name("Person", post.person)
        org = view.name("PartyOrg", post.org)
        role = schema.ROLE.zh_of(post.role)
        role_en = schema.ROLE.by_code(post.role).en if post.role in schema.ROLE.codes else post.role
        uname, cname = view.name("PartyOrg", u), view.name("PartyOrg", c)
        zh = (f"{name}在{org}的兼职（{role}）将于{post.end.isoformat()}到期（还有{left}天），"
              f"这是{uname}与{cname}之间的交叉任职联系：建议提前办理续任或物色接替人选。")
        en = (f"{name}'s part-time post ({role_en}) in {org} ends on {post.end.isoformat()} "
              f"(in {left} days); it links {uname} and {cname}: renew it or find a successor in time.")
        community, street = view.org_place(c)
        evidence = [post.id, schema.person_id(post.person)]
        for u_, c_ in links:
            evidence += [schema.org_id(u_), schema.org_id(c_)]
        yield make_finding(view, cfg, "Person", post.person, community=community, street=street,
                           zh=zh, en=en, evidence=evidence, key=[post.id])


RULE = Rule(
    id="G09",
    name_zh="任期将满",
    name_en="term expiring",
    subject_type="Person",
    default_severity="low",
    description_zh="构成单位与社区党组织之间联系的兼职，将在分析日期后若干天内（默认90天）到期。",
    description_en="A part-time post that makes a link between a unit party organization and a community "
                   "party organization and ends within expiry_warning_days after the as-of date (default 90).",
    check=check,
    params=(
        Param("expiry_warning_days", "int", 90, "到期提醒天数", "days of warning before a post ends",
              minimum=0, maximum=3650),
    ),
)
