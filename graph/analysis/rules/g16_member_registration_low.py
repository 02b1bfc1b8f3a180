"""G16 member registration low (在职党员报到率低).

A unit org with 党员人数 n > 0 whose distinct registered members (双报到
rows with a person subject, 所在党组织 = the org, 报到日期 empty or not after
the as-of date) number fewer than ``min_registration_rate`` × n. Subject:
the unit org; community: its community (:meth:`View.org_place`). Not
checked without 党组织.党员人数 or 双报到.所在党组织.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per unit org whose members registered too little."""
    rate = cfg["min_registration_rate"]
    for o in view.unit_orgs:
        n = view.attr("PartyOrg", o, "member_count")
        if not n:
            continue
        people = view.activity.registered_members(o, view.as_of)
        if len(people) >= rate * n:
            continue
        org = view.name("PartyOrg", o)
        need = rate * n
        zh = (f"{org}有党员 {n} 名，到社区报到的在职党员只有 {len(people)} 名"
              f"（报到率 {len(people) / n:.0%}，要求不低于 {rate:.0%}）：建议动员在职党员到居住地社区报到。")
        en = (f"{org} has {n} party members but only {len(people)} registered with a community "
              f"({len(people) / n:.0%}; at least {rate:.0%}, i.e. {need:g}, expected): "
              f"ask its in-service members to register where they live.")
        community, street = view.org_place(o)
        yield make_finding(view, cfg, "PartyOrg", o, community=community, street=street, zh=zh, en=en,
                           evidence=[schema.org_id(o)] + [schema.person_id(p) for p in people])


RULE = Rule(
    id="G16",
    name_zh="在职党员报到率低",
    name_en="member registration low",
    subject_type="PartyOrg",
    default_severity="medium",
    description_zh="单位党组织有党员（党员人数大于 0），但到社区报到的在职党员（双报到中所在党组织为该组织的人员）少于党员人数的一定比例（默认 90%）。",
    description_en="A unit party organization with n > 0 party members whose distinct registered members "
                   "（双报到 rows of people naming it as 所在党组织） are fewer than min_registration_rate × n.",
    check=check,
    params=(
        Param("min_registration_rate", "float", 0.9, "在职党员报到率下限",
              "lowest share of the org's members registered with a community", minimum=0.0, maximum=1.0),
    ),
    requires=("party_orgs.member_count", "registrations.home_org"),
)
