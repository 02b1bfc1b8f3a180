"""G22 joint meetings too few (联席会议不足).

A community org or street working committee that convened fewer than
``min_meetings`` 联席会议 in the 365 days up to the as-of date. Subject: the
convening org; community: its community (a street committee: none, its
street). Not checked without the 联席会议 table.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.activity import YEAR_DAYS
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per committee that met too seldom."""
    least = cfg["min_meetings"]
    held = view.activity.meetings_of_year(view)
    street_orgs = sorted(o for o, k in view.org_kind.items() if k in schema.STREET_ORG_KINDS)
    for o in sorted(set(view.community_orgs) | set(street_orgs)):
        meetings = held.get(o, [])
        if len(meetings) >= least:
            continue
        name = view.name("PartyOrg", o)
        zh = (f"{name}近 {YEAR_DAYS} 天只召开了 {len(meetings)} 次联席会议（要求至少 {least} 次）："
              f"建议定期召开大党委（大工委）联席会议，共商共驻共建事项。")
        en = (f"{name} convened {len(meetings)} joint meeting(s) in the last {YEAR_DAYS} days "
              f"(at least {least} expected): hold the big committee's joint meetings regularly.")
        community, street = view.org_place(o)
        yield make_finding(view, cfg, "PartyOrg", o, community=community, street=street, zh=zh, en=en,
                           evidence=[schema.org_id(o)] + [schema.meeting_id(m) for m in meetings])


RULE = Rule(
    id="G22",
    name_zh="联席会议不足",
    name_en="joint meetings too few",
    subject_type="PartyOrg",
    default_severity="medium",
    description_zh="社区党组织或街道党工委近 365 天召开的联席会议少于规定次数（默认 2 次）。",
    description_en="A community party organization or street working committee that convened fewer "
                   "than min_meetings joint meetings in the 365 days up to the as-of date (default 2).",
    check=check,
    params=(
        Param("min_meetings", "int", 2, "每年联席会议最少次数", "fewest joint meetings a year",
              minimum=0, maximum=365),
    ),
    requires=("meetings",),
)
