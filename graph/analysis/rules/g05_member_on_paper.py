"""G05 member on paper (无交叉任职).

A member unit org U of community org C with no link in either direction.
One finding per (U, C) pair. Subject: the unit org; community: C's community.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per member pair with no cross-appointment."""
    for c in view.community_orgs:
        cov = view.coverage[c]
        community, street = view.org_place(c)
        cname = view.name("PartyOrg", c)
        for u in cov.members:
            if u in cov.u_to_c or u in cov.c_to_u:
                continue
            uname = view.name("PartyOrg", u)
            zh = (f"{uname}已纳入{cname}，但双方没有任何交叉任职，只是名义上的成员："
                  f"建议吸收该单位党组织负责人担任社区兼职委员，并选派社区党组织成员到该单位兼职。")
            en = (f"{uname} is a member of {cname} on paper only: there is no cross-appointment either "
                  f"way: appoint the unit organization's head as a part-time member of the community "
                  f"organization, and a community organization member to a part-time post in the unit.")
            yield make_finding(view, cfg, "PartyOrg", u, community=community, street=street,
                               zh=zh, en=en, evidence=[schema.org_id(u), schema.org_id(c)],
                               key=[schema.org_id(c)])


RULE = Rule(
    id="G05",
    name_zh="无交叉任职",
    name_en="member on paper",
    subject_type="PartyOrg",
    default_severity="low",
    description_zh="已纳入的成员单位党组织与社区党组织之间没有任何方向的交叉任职（仅名义纳入）。",
    description_en="A member unit party organization with no link in either direction.",
    check=check,
)
