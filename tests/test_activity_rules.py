"""Rules G15-G23 (rules.md, version 2) on tiny rosters: each with its
edges -- on the day, one day before, the table absent, the column absent."""

from __future__ import annotations

import pytest

from activity_kit import AS_OF, DAY, activity
from graph.analysis import analyze
from graph.analysis.policy import Policy
from graph.analysis.rules import RULES_BY_ID


def run(k, policy=None, as_of=AS_OF):
    return analyze(k.graph(), as_of, policy, with_structure=False)


def found(k, rule, **kw):
    """(subject code, community) of the findings of ``rule``."""
    return sorted((f.subject.code, f.community) for f in run(k, **kw).findings if f.rule == rule)


def not_checked(k, **kw):
    return {e["rule"]: e for e in run(k, **kw).not_checked}


def registered_all(k):
    for o in ("OU1", "OU2", "OU3"):
        k.register(o, "C1", AS_OF - 100 * DAY)
    return k


def test_v1_roster_checks_no_activity_rule_and_says_why():
    k = activity()
    a = run(k)
    assert [f.rule for f in a.findings] == []
    nc = {e["rule"]: e for e in a.not_checked}
    assert sorted(nc) == [f"G{i}" for i in range(15, 24)]
    assert nc["G15"]["missing"] == ["registrations"]
    assert nc["G15"]["reason_zh"] == "未检查：花名册没有“双报到”表"
    assert "registrations" in nc["G15"]["reason_en"]
    assert nc["G16"]["missing"] == ["party_orgs.member_count", "registrations.home_org"]
    assert "党员人数" in nc["G16"]["reason_zh"] and "member_count" in nc["G16"]["reason_en"]


def test_a_rule_switched_off_is_not_listed_as_not_checked():
    pol = Policy.from_dict({"rules": {"G21": {"enabled": False}}})
    assert "G21" not in not_checked(activity(), policy=pol)


# --- G15 unit org not registered -------------------------------------------------------

def test_g15_registration_on_the_day_counts_the_day_after_does_not():
    k = registered_all(activity())
    assert found(k, "G15") == []
    k.drop("registrations", subject="OU2").register("OU2", "C1", AS_OF)
    assert found(k, "G15") == []
    k.drop("registrations", subject="OU2").register("OU2", "C1", AS_OF + DAY)
    assert found(k, "G15") == [("OU2", "C1")]


def test_g15_undated_registration_counts_and_registering_elsewhere_does_not():
    k = registered_all(activity()).drop("registrations", subject="OU3")
    k.community("C2", "S1").register("OU3", "C2")
    assert found(k, "G15") == [("OU3", "C1")]
    k.register("OU3", "C1")  # no date: long ago
    assert found(k, "G15") == []


def test_g15_joint_branch_registers_in_every_community_it_lies_in():
    k = registered_all(activity())
    k.community("C2", "S1").unit("U4", "C1").unit("U5", "C2")
    k.org("J1", "joint_branch", units=["U4", "U5"], member_of=["OC1"])
    k.person("PJ").post("PJ", "J1", "own").post("PJ", "OC1").person("QJ").post("QJ", "OC1", "own")
    k.post("QJ", "J1").register("J1", "C1", AS_OF)
    assert found(k, "G15") == [("J1", "C2")]
    k.register("J1", "C2", AS_OF)
    assert found(k, "G15") == []


def test_g15_not_checked_without_the_table():
    k = registered_all(activity()).without("registrations")
    assert found(k, "G15") == [] and "G15" in not_checked(k)


# --- G16 member registration low -------------------------------------------------------

def with_members(k, n_registered, n_members=10, date=AS_OF - 30 * DAY):
    registered_all(k).members("OU1", n_members)
    for i in range(n_registered):
        k.person(f"M{i}").register(f"M{i}", "C1", date, home_org="OU1")
    return k


def test_g16_threshold_is_inclusive():
    assert found(with_members(activity(), 9), "G16") == []  # 9 >= 0.9 x 10
    assert found(with_members(activity(), 8), "G16") == [("OU1", "C1")]


def test_g16_counts_distinct_people_registered_by_the_as_of_date():
    k = with_members(activity(), 8)
    k.register("M0", "C1", AS_OF, home_org="OU1")  # the same person twice: still 8
    assert found(k, "G16") == [("OU1", "C1")]
    k.person("M8").register("M8", "C1", AS_OF + DAY, home_org="OU1")  # not yet
    assert found(k, "G16") == [("OU1", "C1")]
    k.drop("registrations", subject="M8").register("M8", "C1", AS_OF, home_org="OU1")  # on the day
    assert found(k, "G16") == []


def test_g16_zero_members_is_no_finding_and_the_rate_is_a_policy_key():
    k = with_members(activity(), 0, n_members=0)
    assert found(k, "G16") == []
    k = with_members(activity(), 5)
    assert found(k, "G16", policy=Policy.from_dict({"rules": {"G16": {"min_registration_rate": 0.5}}})) == []


@pytest.mark.parametrize("table,column", [("party_orgs", "member_count"),
                                          ("registrations", "home_org")])
def test_g16_not_checked_without_its_columns(table, column):
    k = with_members(activity(), 2).without(table, column)
    assert found(k, "G16") == [] and "G16" in not_checked(k)


# --- G17 registered but inactive -------------------------------------------------------

def test_g17_registration_exactly_inactive_days_before():
    k = registered_all(activity()).person("V").register("V", "C1", AS_OF - 183 * DAY)
    k.service("OU1", "C1", AS_OF)  # services table present
    assert found(k, "G17") == [("V", "C1")]
    k.drop("registrations", subject="V").register("V", "C1", AS_OF - 182 * DAY)
    assert found(k, "G17") == []


def test_g17_service_window_edges():
    k = registered_all(activity()).person("V").register("V", "C1", AS_OF - 400 * DAY)
    k.service("V", "C1", AS_OF - 183 * DAY)  # just outside the 183 days
    assert found(k, "G17") == [("V", "C1")]
    k.service("V", "C1", AS_OF - 182 * DAY)  # inside
    assert found(k, "G17") == []


def test_g17_service_elsewhere_or_in_the_future_does_not_count():
    k = registered_all(activity()).community("C2", "S1").person("V")
    k.register("V", "C1").service("V", "C2", AS_OF).service("V", "C1", AS_OF + DAY)
    assert found(k, "G17") == [("V", "C1")]


def test_g17_on_the_calendar_s_first_days():
    """An as-of date whose window starts before 0001-01-01 (the API takes
    any date): undated registrations count, nothing overflows."""
    import datetime as dt

    k = registered_all(activity()).person("V").register("V", "C1")
    k.service("OU1", "C1", AS_OF)
    assert found(k, "G17", as_of=dt.date(1, 1, 5)) == [("V", "C1")]


def test_g17_not_checked_without_services():
    k = registered_all(activity()).person("V").register("V", "C1", AS_OF - 400 * DAY)
    assert found(k, "G17") == [] and "G17" in not_checked(k)


# --- G18 need unclaimed -------------------------------------------------------------------

def test_g18_claim_days_edge():
    k = activity().need("N1", "C1", AS_OF - 30 * DAY)
    assert found(k, "G18") == [("N1", "C1")]
    k = activity().need("N1", "C1", AS_OF - 29 * DAY)
    assert found(k, "G18") == []


@pytest.mark.parametrize("change", ["done", "claimed_by", "project"])
def test_g18_done_claimed_or_met_is_no_finding(change):
    k = activity()
    if change == "done":
        k.need("N1", "C1", AS_OF - 90 * DAY, status="done").project("J1", needs=["N1"])
    elif change == "claimed_by":
        k.need("N1", "C1", AS_OF - 90 * DAY, claimed_by="OU1")
    else:
        k.need("N1", "C1", AS_OF - 90 * DAY).project("J1", needs=["N1"], start=AS_OF)
    assert found(k, "G18") == []


def test_g18_project_starting_tomorrow_does_not_count_yet():
    k = activity().need("N1", "C1", AS_OF - 90 * DAY).project("J1", needs=["N1"], start=AS_OF + DAY)
    assert found(k, "G18") == [("N1", "C1")]


@pytest.mark.parametrize("column", ["date", "status", "claimed_by"])
def test_g18_not_checked_without_its_columns(column):
    k = activity().need("N1", "C1", AS_OF - 90 * DAY).without("needs", column)
    assert found(k, "G18") == [] and "G18" in not_checked(k)


# --- G19 resource idle -------------------------------------------------------------------

def test_g19_idle_days_edge_and_counting_projects():
    k = activity().resource("R1", "U1", AS_OF - 180 * DAY).project("J0")
    assert found(k, "G19") == [("R1", "C1")]
    k = activity().resource("R1", "U1", AS_OF - 179 * DAY).project("J0")
    assert found(k, "G19") == []
    k = activity().resource("R1", "U1", AS_OF - 400 * DAY).project("J1", resources=["R1"], start=AS_OF)
    assert found(k, "G19") == []
    k = activity().resource("R1", "U1", AS_OF - 400 * DAY)
    k.project("J1", resources=["R1"], start=AS_OF + DAY)
    assert found(k, "G19") == [("R1", "C1")]


def test_g19_not_checked_without_projects_or_date():
    k = activity().resource("R1", "U1", AS_OF - 400 * DAY)
    assert found(k, "G19") == [] and "G19" in not_checked(k)
    k = activity().resource("R1", "U1", AS_OF - 400 * DAY).project("J0").without("resources", "date")
    assert found(k, "G19") == [] and "G19" in not_checked(k)


# --- G20 project without feedback -------------------------------------------------------

def test_g20_feedback_days_edge():
    k = activity().need("N1", "C1", status="done").project("J1", needs=["N1"], end=AS_OF - 30 * DAY)
    assert found(k, "G20") == [("J1", "C1")]
    k = activity().need("N1", "C1", status="done").project("J1", needs=["N1"], end=AS_OF - 29 * DAY)
    assert found(k, "G20") == []


@pytest.mark.parametrize("rating,feedback,fires", [(5, None, True), (None, AS_OF, True),
                                                   (3, AS_OF - 5 * DAY, False)])
def test_g20_needs_both_rating_and_feedback(rating, feedback, fires):
    k = activity().project("J1", resources=[], lead="U2", end=AS_OF - 60 * DAY, rating=rating,
                           feedback_date=feedback)
    assert found(k, "G20") == ([("J1", "C1")] if fires else [])


def test_g20_unfinished_project_is_no_finding_and_column_absent_is_not_checked():
    assert found(activity().project("J1", start=AS_OF - 300 * DAY), "G20") == []
    k = activity().project("J1", end=AS_OF - 60 * DAY).without("projects", "feedback_date")
    assert found(k, "G20") == [] and "G20" in not_checked(k)


# --- G21 member without agreement -------------------------------------------------------

def test_g21_agreement_in_force_edges():
    k = activity()
    k.agreement("A1", "OU1", "OC1", start=AS_OF, end=AS_OF)  # in force on the day
    k.agreement("A2", "OU2", "OC1", start=AS_OF - 400 * DAY, end=AS_OF - DAY)  # ran out yesterday
    k.agreement("A3", "OU3", "OC1", start=AS_OF + DAY)  # not yet
    assert found(k, "G21") == [("OU2", "C1"), ("OU3", "C1")]


def test_g21_agreement_with_another_committee_does_not_count():
    k = activity().community("C2", "S1").org("OC2", "community_committee", community="C2")
    k.agreement("A1", "OU1", "OC2", start=AS_OF - 10 * DAY)
    k.agreement("A2", "OU2", "OC1", start=AS_OF - 10 * DAY).agreement("A3", "OU3", "OC1", start=AS_OF)
    assert found(k, "G21") == [("OU1", "C1")]


def test_g21_not_checked_without_the_table():
    k = activity()
    assert found(k, "G21") == [] and "G21" in not_checked(k)


# --- G22 joint meetings too few --------------------------------------------------------

def test_g22_the_365_days_up_to_the_as_of_date():
    k = activity().meeting("M1", "OC1", AS_OF).meeting("M2", "OC1", AS_OF - 364 * DAY)
    k.meeting("M3", "SW1", AS_OF - 10 * DAY).meeting("M4", "SW1", AS_OF - 20 * DAY)
    assert found(k, "G22") == []
    k = activity().meeting("M1", "OC1", AS_OF).meeting("M2", "OC1", AS_OF - 365 * DAY)
    k.meeting("M0", "OC1", AS_OF + DAY)
    assert found(k, "G22") == [("OC1", "C1"), ("SW1", None)]


def test_g22_street_committee_finding_has_its_street():
    k = activity().meeting("M1", "OC1", AS_OF).meeting("M2", "OC1", AS_OF - DAY)
    [f] = [f for f in run(k).findings if f.rule == "G22"]
    assert (f.subject.code, f.community, f.street) == ("SW1", None, "S1")
    assert found(k, "G22", policy=Policy.from_dict({"rules": {"G22": {"min_meetings": 0}}})) == []


# --- G23 absent from joint meetings ---------------------------------------------------

def test_g23_attendance_share_is_inclusive_and_needs_two_meetings():
    k = activity()
    k.meeting("M1", "OC1", AS_OF, ["OU1", "OU2"]).meeting("M2", "OC1", AS_OF - 364 * DAY, ["OU1"])
    k.meeting("M0", "OC1", AS_OF - 365 * DAY, ["OU3"])  # a year and a day: not counted
    assert found(k, "G23") == [("OU3", "C1")]  # OU2: 1 of 2 = 50 %, not below
    k = activity().meeting("M1", "OC1", AS_OF, ["OU1"])
    assert found(k, "G23") == []  # a single meeting: not checked for attendance


def test_g23_not_checked_without_attendees():
    k = activity().meeting("M1", "OC1", AS_OF).meeting("M2", "OC1", AS_OF - DAY).without(
        "meetings", "attendees")
    assert found(k, "G23") == [] and "G23" in not_checked(k)
    assert "G22" not in not_checked(k)


# --- registry -------------------------------------------------------------------------

@pytest.mark.parametrize("rid", [f"G{i}" for i in range(15, 24)])
def test_activity_rules_declare_what_they_read(rid):
    rule = RULES_BY_ID[rid]
    assert rule.requires and rule.as_dict()["requires"] == list(rule.requires)
    assert rule.check.__module__.startswith(f"graph.analysis.rules.g{rid[1:]}_")
