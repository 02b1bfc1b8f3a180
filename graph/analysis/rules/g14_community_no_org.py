"""G14 community without party organization (社区无党组织).

Not in ``rules.md`` (whose ids G01–G13 stay fixed): added by this project,
as rules.md allows, because a community with no community party organization
(no org of a kind in :data:`graph.schema.COMMUNITY_ORG_KINDS` belonging to
it) has no 大党委 at all -- G01 and G06 cannot even be asked of it, and its
units' organizations have nowhere to be taken in. Subject: the community.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per community with no community party organization."""
    for c in sorted(view.nodes.get("Community", {})):
        if view.community_orgs_of.get(c):
            continue
        name = view.name("Community", c)
        units = sorted(u for u, x in view.unit_community.items() if x == c)
        zh = (f"{name}没有社区党组织（社区党委、党总支或党支部），驻区单位党组织无处纳入“大党委”："
              f"建议按党员人数组建社区党组织，并把驻区单位党组织纳入。")
        en = (f"{name} has no community party organization (committee, general branch or branch), so its "
              f"units' organizations have no big party committee to join: set one up according to the "
              f"number of party members and take the units' organizations in.")
        yield make_finding(view, cfg, "Community", c, community=c, zh=zh, en=en,
                           evidence=[schema.community_id(c)] + [schema.unit_id(u) for u in units])


RULE = Rule(
    id="G14",
    name_zh="社区无党组织",
    name_en="community without party organization",
    subject_type="Community",
    default_severity="high",
    description_zh="社区没有社区党组织（本项目增补，不在 rules.md 的 G01–G13 之内）。",
    description_en="A community with no community party organization (added by this project; "
                   "not one of rules.md's G01–G13).",
    check=check,
)
