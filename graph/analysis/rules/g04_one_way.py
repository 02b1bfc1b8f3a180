"""G04 one-way entry (单向进入).

A member unit org U of community org C with a link in one direction only:
U → C (someone whose home includes U holds a part-time post in C) or C → U
(someone whose home includes C holds a part-time post in U), not both. One
finding per (U, C) pair. Subject: the unit org; community: C's community.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per member pair linked in one direction only."""
    for c in view.community_orgs:
        cov = view.coverage[c]
        community, street = view.org_place(c)
        cname = view.name("PartyOrg", c)
        for u in cov.members:
            up, down = u in cov.u_to_c, u in cov.c_to_u
            if up == down:
                continue
            uname = view.name("PartyOrg", u)
            posts = cov.u_to_c.get(u) or cov.c_to_u.get(u)
            if up:
                zh = (f"{uname}与{cname}只有单向进入：单位有人在社区党组织兼职，但社区党组织没有人到该单位党组织兼职："
                      f"建议选派{cname}班子成员到{uname}兼任职务，形成双向进入。")
                en = (f"{uname} and {cname} are linked one way only: someone from the unit holds a "
                      f"part-time post in the community organization, but nobody from the community "
                      f"organization holds one in the unit: appoint a member of {cname} to a part-time "
                      f"post in {uname}.")
            else:
                zh = (f"{uname}与{cname}只有单向进入：社区党组织有人到该单位党组织兼职，但该单位没有人在社区党组织兼职："
                      f"建议吸收{uname}负责人担任{cname}兼职委员，形成双向进入。")
                en = (f"{uname} and {cname} are linked one way only: someone from the community "
                      f"organization holds a part-time post in the unit, but nobody from the unit holds "
                      f"one in the community organization: appoint the head of {uname} as a part-time "
                      f"member of {cname}.")
            evidence = [schema.org_id(u), schema.org_id(c)]
            evidence += [schema.person_id(p.person) for p in posts] + [p.id for p in posts]
            yield make_finding(view, cfg, "PartyOrg", u, community=community, street=street,
                               zh=zh, en=en, evidence=evidence, key=[schema.org_id(c)])


RULE = Rule(
    id="G04",
    name_zh="单向进入",
    name_en="one-way entry",
    subject_type="PartyOrg",
    default_severity="medium",
    description_zh="已纳入的成员单位党组织与社区党组织之间只有一个方向的交叉任职（单位→社区 或 社区→单位）。",
    description_en="A member unit party organization with a link in one direction only (U → C or C → U).",
    check=check,
)
