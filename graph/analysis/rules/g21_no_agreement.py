"""G21 member without agreement (无共建协议).

A member unit org of community org C with no 共建协议 between it and C in
force on the as-of date (签订日期 <= as-of, 到期日期 empty or >= as-of).
One finding per (unit org, community org) pair. Subject: the unit org;
community: C's community. Not checked without the 共建协议 table.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per membership with no agreement in force."""
    in_force = view.activity.agreements_in_force(view)
    for c in view.community_orgs:
        community, street = view.org_place(c)
        for u in view.members.get(c, ()):
            if in_force.get((u, c)):
                continue
            uname, cname = view.name("PartyOrg", u), view.name("PartyOrg", c)
            zh = (f"{uname}已纳入{cname}“大党委”，但双方没有有效的共建协议："
                  f"建议签订（或续签）共驻共建协议，明确责任清单。")
            en = (f"{uname} is a member of {cname} but they have no co-building agreement in force: "
                  f"sign (or renew) one that sets out what each side does.")
            yield make_finding(view, cfg, "PartyOrg", u, community=community, street=street,
                               zh=zh, en=en, evidence=[schema.org_id(u), schema.org_id(c)],
                               key=[schema.org_id(c)])


RULE = Rule(
    id="G21",
    name_zh="无共建协议",
    name_en="member without agreement",
    subject_type="PartyOrg",
    default_severity="medium",
    description_zh="纳入社区党组织（大党委）的单位党组织，与该社区党组织之间没有在分析日期有效的共建协议。",
    description_en="A member unit party organization of a community party organization with no "
                   "co-building agreement between them in force on the as-of date.",
    check=check,
    requires=("agreements",),
)
