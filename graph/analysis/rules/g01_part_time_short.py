"""G01 part-time members short (兼职委员不足).

A community org C with fewer than ``min_part_time_members`` distinct people
who hold a part-time post in C (any role: rules.md says "a part-time post",
so a 兼职 seat that is not titled 兼职委员 counts too) and whose home
includes a unit org that is a member of C. Severity ``severity_when_none``
(high) when there is nobody, else ``severity`` (medium). Subject: the
community org; community: the community it serves.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per community org short of part-time members."""
    need = cfg["min_part_time_members"]
    for c in view.community_orgs:
        cov = view.coverage[c]
        people = sorted(cov.part_time_people)
        n = len(people)
        if n >= need:
            continue
        name = view.name("PartyOrg", c)
        community, street = view.org_place(c)
        if not cov.members:
            zh = (f"{name}没有来自成员单位的兼职委员，且尚未纳入任何驻区单位党组织（至少应有{need}名兼职委员）："
                  f"建议先将辖区驻区单位党组织纳入社区“大党委”，再从其负责人中增补兼职委员。")
            en = (f"{name} has no part-time committee members from member units and has taken in no "
                  f"resident unit's party organization (at least {need} expected): first take the resident "
                  f"units' party organizations into the big party committee, then appoint their heads as "
                  f"part-time members.")
        else:
            m = len(cov.members)
            more_zh = "" if m >= need else f"，并纳入更多驻区单位党组织（目前仅{m}个成员单位）"
            more_en = "" if m >= need else f", and take in more resident units' organizations (only {m} now)"
            have_zh = "还没有" if n == 0 else f"仅有{n}名"
            have_en = "has no" if n == 0 else f"has only {n}"
            zh = (f"{name}{have_zh}来自成员单位的兼职委员（至少应有{need}名）："
                  f"建议从成员单位党组织负责人中增补{need - n}名兼职委员{more_zh}。")
            en = (f"{name} {have_en} part-time committee member(s) from its member units (at least {need} "
                  f"expected): appoint {need - n} more from the heads of member unit party "
                  f"organizations{more_en}.")
        evidence = [schema.org_id(c)] + [schema.person_id(p) for p in people]
        evidence += [post.id for p in people for post in cov.part_time_people[p]]
        yield make_finding(
            view, cfg, "PartyOrg", c,
            severity=cfg["severity_when_none"] if n == 0 else cfg.severity,
            community=community, street=street, zh=zh, en=en, evidence=evidence)


RULE = Rule(
    id="G01",
    name_zh="兼职委员不足",
    name_en="part-time members short",
    subject_type="PartyOrg",
    default_severity="medium",
    description_zh="社区党组织中，来自已纳入成员单位、在该社区党组织兼职的人数少于下限（默认3人）；一人也没有时为高。",
    description_en="A community party organization with fewer than min_part_time_members distinct people "
                   "who hold a part-time post in it and whose own post is in one of its member unit "
                   "organizations (default 3); high when there are none.",
    check=check,
    params=(
        Param("min_part_time_members", "int", 3, "兼职委员最少人数", "minimum number of part-time members",
              minimum=0, maximum=1000),
        Param("severity_when_none", "severity", "high", "一人也没有时的严重程度",
              "severity when there are none"),
    ),
)
