"""G18 need unclaimed (需求未认领).

A need whose 提出日期 is at least ``claim_days`` before the as-of date
(empty: long ago), not 已完成, with no 认领主体 and no counting project
listing it in 对应需求. Subject: the need; community: the community that
raised it. Not checked without 需求清单's 提出日期, 状态 and 认领主体
columns.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.activity import days_before
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per need left unclaimed too long."""
    days = cfg["claim_days"]
    a = view.activity
    met = a.projects_meeting(view)
    for n, attrs in sorted(view.nodes.get("Need", {}).items()):
        if attrs.get("status") == "done" or a.need_claimed_by.get(n) or met.get(n):
            continue
        raised = attrs.get("date")
        if not days_before(raised, view.as_of, days):
            continue
        x = a.need_community.get(n)
        title = view.name("Need", n)
        since_zh = f"于 {raised.isoformat()} 提出，" if raised else ""
        zh = (f"需求“{title}”{since_zh}超过 {days} 天仍无人认领，也没有对应的项目："
              f"建议在大党委联席会议上推介，由成员单位认领。")
        since_en = f"raised on {raised.isoformat()}" if raised else "no date given"
        en = (f"The need '{title}' ({since_en}) has been open more than {days} days with nobody "
              f"claiming it and no project: present it at the joint meeting for a member unit to take on.")
        yield make_finding(view, cfg, "Need", n, community=x, zh=zh, en=en,
                           evidence=[schema.need_id(n)] + ([schema.community_id(x)] if x else []))


RULE = Rule(
    id="G18",
    name_zh="需求未认领",
    name_en="need unclaimed",
    subject_type="Need",
    default_severity="medium",
    description_zh="需求提出已满一定天数（默认 30 天），未完成，没有认领主体，也没有对应的项目。",
    description_en="A need raised at least claim_days before the as-of date (default 30), not done, "
                   "with no claimant and no counting project meeting it.",
    check=check,
    params=(
        Param("claim_days", "int", 30, "需求待认领的天数", "days a need may wait for a claimant",
              minimum=0, maximum=3650),
    ),
    requires=("needs.date", "needs.status", "needs.claimed_by"),
)
