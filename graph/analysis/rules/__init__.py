"""The registry of coverage-gap rules (``docs/rules.md``'s G01–G13,
plus the project's own G14, and the co-building activity rules G15–G23).

:data:`RULES` lists every rule in id order; the analysis, the CLI, the API,
the reports and the docs enumerate it. A project adds a rule by writing one
module with a ``RULE`` and appending it here.
"""

from __future__ import annotations

from graph.analysis.rules import (
    g01_part_time_short,
    g02_not_taken_in,
    g03_party_blank,
    g04_one_way,
    g05_member_on_paper,
    g06_two_way_low,
    g07_overloaded,
    g08_single_point,
    g09_term_expiring,
    g10_grid_no_org,
    g11_street_no_leader,
    g12_community_no_liaison,
    g13_red_property,
    g14_community_no_org,
    g15_unit_not_registered,
    g16_member_registration_low,
    g17_registered_inactive,
    g18_need_unclaimed,
    g19_resource_idle,
    g20_project_no_feedback,
    g21_no_agreement,
    g22_meetings_few,
    g23_absent_from_meetings,
)
from graph.analysis.rules.base import Param, Rule, RuleConfig

__all__ = ["RULES", "RULES_BY_ID", "Rule", "Param", "RuleConfig"]

RULES: tuple[Rule, ...] = (
    g01_part_time_short.RULE,
    g02_not_taken_in.RULE,
    g03_party_blank.RULE,
    g04_one_way.RULE,
    g05_member_on_paper.RULE,
    g06_two_way_low.RULE,
    g07_overloaded.RULE,
    g08_single_point.RULE,
    g09_term_expiring.RULE,
    g10_grid_no_org.RULE,
    g11_street_no_leader.RULE,
    g12_community_no_liaison.RULE,
    g13_red_property.RULE,
    g14_community_no_org.RULE,
    g15_unit_not_registered.RULE,
    g16_member_registration_low.RULE,
    g17_registered_inactive.RULE,
    g18_need_unclaimed.RULE,
    g19_resource_idle.RULE,
    g20_project_no_feedback.RULE,
    g21_no_agreement.RULE,
    g22_meetings_few.RULE,
    g23_absent_from_meetings.RULE,
)

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
