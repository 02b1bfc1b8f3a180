"""G02 not taken in (未纳入大党委).

A unit located in community X (``Unit -IN-> Community``) that has at least
one unit org (its own, or a joint branch listing it), none of which is a
member of a community org of X (an org ``BELONGS_TO`` X). A unit org taken
into another community's big party committee does not count for X; when X
has no community org at all the unit cannot be taken in and is a finding.
Subject: the unit; community: X.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per unit whose orgs are not taken in where it sits."""
    for u in sorted(view.nodes.get("Unit", {})):
        orgs = view.unit_orgs_of_unit.get(u, [])
        if not orgs:
            continue  # G03's case
        x = view.unit_community.get(u)
        here = set(view.community_orgs_of.get(x, [])) if x else set()
        if any(set(view.member_of.get(o, ())) & here for o in orgs):
            continue
        unit = view.name("Unit", u)
        org_zh, org_en = view.name_list("PartyOrg", orgs)
        comm = view.name("Community", x) if x else "所在社区"
        comm_en = view.name("Community", x) if x else "its community"
        elsewhere = sorted({c for o in orgs for c in view.member_of.get(o, ())})
        if not here:
            zh = (f"{unit}有党组织（{org_zh}），但所在的{comm}还没有社区党组织，无法纳入社区“大党委”："
                  f"建议先建立{comm}党组织，再将该单位党组织纳入。")
            en = (f"{unit} has a party organization ({org_en}) but {comm_en} has no community party "
                  f"organization to take it in: set one up first, then take the unit's organization in.")
        else:
            tgt_zh, tgt_en = view.name_list("PartyOrg", sorted(here))
            if elsewhere:
                oth_zh, oth_en = view.name_list("PartyOrg", elsewhere)
                zh = (f"{unit}位于{comm}，其党组织（{org_zh}）纳入的是{oth_zh}，未纳入所在社区的{tgt_zh}："
                      f"建议将其纳入{tgt_zh}“大党委”，就近参与共驻共建。")
                en = (f"{unit} sits in {comm_en}, but its party organization ({org_en}) is taken into "
                      f"{oth_en}, not into {tgt_en} where it sits: take it into {tgt_en} as well.")
            else:
                zh = (f"{unit}的党组织（{org_zh}）未纳入所在{comm}的{tgt_zh}“大党委”："
                      f"建议将其纳入，并推荐其负责人担任社区兼职委员。")
                en = (f"The party organization of {unit} ({org_en}) is not taken into the big party "
                      f"committee of {tgt_en} in {comm_en}: take it in and propose its head as a "
                      f"part-time committee member.")
        evidence = ([schema.unit_id(u)] + [schema.org_id(o) for o in orgs]
                    + ([schema.community_id(x)] if x else []) + [schema.org_id(c) for c in sorted(here)])
        yield make_finding(view, cfg, "Unit", u, community=x, zh=zh, en=en, evidence=evidence)


RULE = Rule(
    id="G02",
    name_zh="未纳入大党委",
    name_en="not taken in",
    subject_type="Unit",
    default_severity="high",
    description_zh="驻区单位有党组织（单独建立或联合党支部），但没有一个纳入其所在社区的社区党组织（大党委）。",
    description_en="A unit located in a community that has a unit party organization (own or joint), "
                   "none of which is a member of a community party organization of that community.",
    check=check,
)
