"""G03 party coverage blank (党组织空白).

A unit with no unit org: no org of a unit kind belongs to it and no joint
branch lists it (an org of kind 其他 "other" does not count). Subject: the
unit; community: where it is located.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per unit with no party organization."""
    for u in sorted(view.nodes.get("Unit", {})):
        if view.unit_orgs_of_unit.get(u):
            continue
        x = view.unit_community.get(u)
        unit = view.name("Unit", u)
        kind = schema.UNIT_KIND.zh_of(view.attr("Unit", u, "kind", "other"))
        zh = (f"{unit}（{kind}）既没有自己的党组织，也未被联合党支部覆盖："
              f"党员3人以上的建议单独建立党支部，不足3人的建议就近组建或加入联合党支部。")
        en = (f"{unit} has no party organization of its own and no joint branch covers it: with 3 or "
              f"more party members set up its own branch, otherwise form or join a joint branch nearby.")
        yield make_finding(view, cfg, "Unit", u, community=x, zh=zh, en=en,
                           evidence=[schema.unit_id(u)] + ([schema.community_id(x)] if x else []))


RULE = Rule(
    id="G03",
    name_zh="党组织空白",
    name_en="party coverage blank",
    subject_type="Unit",
    default_severity="medium",
    description_zh="驻区单位没有党组织：既没有单独建立，也没有联合党支部覆盖。",
    description_en="A unit with no unit party organization: none of its own and no joint branch listing it.",
    check=check,
)
