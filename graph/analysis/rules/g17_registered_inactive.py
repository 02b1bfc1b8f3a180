"""G17 registered but inactive (报到后无服务).

A person registered with community X at least ``inactive_days`` before the
as-of date (报到日期 empty counts as long ago) with no 服务记录 in X in the
``inactive_days`` up to the as-of date (``0 <= as_of - date < days``). One
finding per (person, community). Subject: the person; community: X. Not
checked without the 双报到 or 服务记录 table.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.activity import days_before, first_day_within
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per registered person with no recent service."""
    days = cfg["inactive_days"]
    a = view.activity
    first, last = first_day_within(view.as_of, days), view.as_of
    served = {(s.subject, s.community) for s in a.services
              if s.label == "Person" and s.date is not None and first <= s.date <= last}
    pairs = sorted({(r.subject, r.community) for r in a.registrations
                    if r.label == "Person" and days_before(r.date, view.as_of, days)})
    for p, x in pairs:
        if (p, x) in served:
            continue
        name, comm = view.name("Person", p), view.name("Community", x)
        zh = (f"{name}已到{comm}报到，但近 {days} 天内在该社区没有服务记录："
              f"建议社区为其安排志愿服务岗位，或核实其是否仍在本社区。")
        en = (f"{name} registered with {comm} but has no service record there in the last {days} days: "
              f"offer a volunteer task, or check whether they are still around.")
        yield make_finding(view, cfg, "Person", p, community=x, zh=zh, en=en,
                           evidence=[schema.person_id(p), schema.community_id(x)], key=[schema.community_id(x)])


RULE = Rule(
    id="G17",
    name_zh="报到后无服务",
    name_en="registered but inactive",
    subject_type="Person",
    default_severity="low",
    description_zh="在职党员到社区报到已满一定天数（默认 183 天），但这段时间内在该社区没有任何服务记录。",
    description_en="A person registered with a community at least inactive_days before the as-of date "
                   "with no service record there in the inactive_days up to it (default 183).",
    check=check,
    params=(
        Param("inactive_days", "int", 183, "报到后无服务的天数", "days without a service record",
              minimum=1, maximum=3650),
    ),
    requires=("registrations", "services"),
)
