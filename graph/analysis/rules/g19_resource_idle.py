"""G19 resource idle (资源闲置).

A resource whose 登记日期 is at least ``idle_days`` before the as-of date
(empty: long ago) and that no counting project lists in 使用资源. Subject:
the resource; community: that of the unit offering it. Not checked without
资源清单.登记日期 or the 项目清单 table.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.activity import days_before
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per resource no project uses."""
    days = cfg["idle_days"]
    a = view.activity
    used = a.projects_using(view)
    for r, attrs in sorted(view.nodes.get("Resource", {}).items()):
        if used.get(r) or not days_before(attrs.get("date"), view.as_of, days):
            continue
        unit = a.resource_unit.get(r)
        x = view.unit_community.get(unit) if unit else None
        title = view.name("Resource", r)
        who = view.name("Unit", unit) if unit else "提供单位"
        zh = (f"{who}登记的资源“{title}”已超过 {days} 天没有被任何项目使用："
              f"建议对照社区需求清单，促成对接项目。")
        en = (f"The resource '{title}' offered by {view.name('Unit', unit) if unit else 'its unit'} "
              f"has not been used by any project for more than {days} days: match it with a need.")
        yield make_finding(view, cfg, "Resource", r, community=x, zh=zh, en=en,
                           evidence=[schema.resource_id(r)] + ([schema.unit_id(unit)] if unit else []))


RULE = Rule(
    id="G19",
    name_zh="资源闲置",
    name_en="resource idle",
    subject_type="Resource",
    default_severity="low",
    description_zh="资源登记已满一定天数（默认 180 天），但没有任何项目使用它。",
    description_en="A resource registered at least idle_days before the as-of date (default 180) "
                   "that no counting project uses.",
    check=check,
    params=(
        Param("idle_days", "int", 180, "资源闲置的天数", "days a resource may stay unused",
              minimum=0, maximum=3650),
    ),
    requires=("resources.date", "projects"),
)
