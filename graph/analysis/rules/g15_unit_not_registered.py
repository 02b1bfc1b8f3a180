"""G15 unit org not registered (单位党组织未报到).

A unit org whose unit(s) lie in community X and that has no 双报到 row
(subject = the org, 报到日期 empty or not after the as-of date) with X; a
joint branch whose units lie in several communities needs one registration
per community. One finding per (unit org, community) pair. Subject: the
unit org; community: X. Not checked without the 双报到 table.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.activity import lies_in
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per (unit org, community it lies in) with no
    registration."""
    registered = view.activity.org_registered_with(view.as_of)
    for o in view.unit_orgs:
        for x in lies_in(view, o):
            if (o, x) in registered:
                continue
            org, comm = view.name("PartyOrg", o), view.name("Community", x)
            zh = (f"{org}所属单位位于{comm}，但该党组织没有到{comm}报到（双报到）："
                  f"建议组织其到社区报到，参与社区治理和服务。")
            en = (f"{org} has a unit in {comm} but has not registered with it （双报到）： "
                  f"have it register with {comm} and take part in the community's work.")
            units = [u for u in view.org_units.get(o, ()) if view.unit_community.get(u) == x]
            yield make_finding(view, cfg, "PartyOrg", o, community=x, zh=zh, en=en,
                               evidence=[schema.org_id(o), schema.community_id(x)]
                               + [schema.unit_id(u) for u in units], key=[schema.community_id(x)])


RULE = Rule(
    id="G15",
    name_zh="单位党组织未报到",
    name_en="unit org not registered",
    subject_type="PartyOrg",
    default_severity="medium",
    description_zh="驻区单位党组织的单位位于某社区，但没有到该社区报到（双报到）；联合党支部的单位分属几个社区时，每个社区都要报到。",
    description_en="A unit party organization whose unit(s) lie in a community and that has no 双报到 "
                   "registration with it (a joint branch needs one per community its units lie in).",
    check=check,
    requires=("registrations",),
)
