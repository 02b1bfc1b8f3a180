"""G20 project without feedback (项目无评价反馈).

A project whose 完成日期 is at least ``feedback_days`` before the as-of date
and that has no 评价 or no 反馈日期 (a project with no 完成日期 is not
finished: no finding). Subject: the project; community: that of its first
need, else of its first resource's unit, else of its lead. Not checked
without 项目清单's 完成日期, 评价 and 反馈日期 columns.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per finished project still without rating or
    feedback."""
    days = cfg["feedback_days"]
    a = view.activity
    for p, attrs in sorted(view.nodes.get("Project", {}).items()):
        end = attrs.get("end")
        if end is None or (view.as_of - end).days < days:
            continue
        lacks = [k for k in ("rating", "feedback_date") if attrs.get(k) is None]
        if not lacks:
            continue
        title = view.name("Project", p)
        what_zh = "、".join({"rating": "评价", "feedback_date": "反馈日期"}[k] for k in lacks)
        what_en = " and ".join({"rating": "rating", "feedback_date": "feedback date"}[k] for k in lacks)
        zh = (f"项目“{title}”已于 {end.isoformat()} 完成，超过 {days} 天仍没有{what_zh}："
              f"建议组织群众评价，并把结果反馈给承接单位。")
        en = (f"The project '{title}' finished on {end.isoformat()}, more than {days} days ago, "
              f"and still has no {what_en}: have residents rate it and report back to the unit.")
        yield make_finding(view, cfg, "Project", p, community=a.project_community(view, p),
                           zh=zh, en=en, evidence=[schema.project_id(p)])


RULE = Rule(
    id="G20",
    name_zh="项目无评价反馈",
    name_en="project without feedback",
    subject_type="Project",
    default_severity="low",
    description_zh="项目完成已满一定天数（默认 30 天），但没有评价或没有反馈日期。",
    description_en="A project finished at least feedback_days before the as-of date (default 30) "
                   "that has no rating or no feedback date.",
    check=check,
    params=(
        Param("feedback_days", "int", 30, "完成后应评价反馈的天数", "days after completion to rate and report back",
              minimum=0, maximum=3650),
    ),
    requires=("projects.end", "projects.rating", "projects.feedback_date"),
)
