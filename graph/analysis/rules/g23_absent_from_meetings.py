"""G23 absent from joint meetings (联席会议缺席).

A member unit org of community org C that attended fewer than
``min_attendance`` of the meetings C convened in the 365 days up to the
as-of date, when there were at least 2. One finding per (unit org,
community org) pair. Subject: the unit org; community: C's community. Not
checked without 联席会议.参会党组织.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.activity import YEAR_DAYS
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per member that missed too many meetings."""
    share = cfg["min_attendance"]
    a = view.activity
    held = a.meetings_of_year(view)
    for c in view.community_orgs:
        meetings = held.get(c, [])
        if len(meetings) < 2:
            continue
        community, street = view.org_place(c)
        for u in view.members.get(c, ()):
            went = [m for m in meetings if u in a.meeting_attendees.get(m, ())]
            if len(went) >= share * len(meetings):
                continue
            uname, cname = view.name("PartyOrg", u), view.name("PartyOrg", c)
            zh = (f"{cname}近 {YEAR_DAYS} 天召开联席会议 {len(meetings)} 次，{uname}只参加了 {len(went)} 次"
                  f"（要求不少于 {share:.0%}）：建议提醒该单位党组织负责人按时参会。")
            en = (f"{cname} convened {len(meetings)} joint meetings in the last {YEAR_DAYS} days and "
                  f"{uname} attended {len(went)} (at least {share:.0%} expected): remind its head to attend.")
            yield make_finding(view, cfg, "PartyOrg", u, community=community, street=street,
                               zh=zh, en=en, evidence=[schema.org_id(u), schema.org_id(c)]
                               + [schema.meeting_id(m) for m in meetings if m not in went],
                               key=[schema.org_id(c)])


RULE = Rule(
    id="G23",
    name_zh="联席会议缺席",
    name_en="absent from joint meetings",
    subject_type="PartyOrg",
    default_severity="low",
    description_zh="纳入大党委的单位党组织，近 365 天参加所在社区党组织联席会议的比例低于规定（默认 50%，会议至少 2 次时才检查）。",
    description_en="A member unit party organization that attended fewer than min_attendance of the "
                   "meetings its community party organization convened in the last 365 days (when at least 2).",
    check=check,
    params=(
        Param("min_attendance", "float", 0.5, "联席会议出席比例下限", "lowest share of meetings attended",
              minimum=0.0, maximum=1.0),
    ),
    requires=("meetings.attendees",),
)
