"""Each gap rule of rules.md on tiny rosters where the answer is obvious.

The baseline :func:`analysis_kit.perfect` county has no finding at all; each
test changes one thing and checks the finding that appears (or not).
"""

from __future__ import annotations

import pytest

from analysis_kit import AS_OF, DAY, START, Kit, perfect
from graph.analysis import analyze
from graph.analysis.policy import Policy
from graph.analysis.rules import RULES, RULES_BY_ID


def run(k: Kit, policy: Policy | None = None, as_of=AS_OF):
    return analyze(k.graph(), as_of, policy, with_structure=False).findings


def of(findings, rule):
    return [f for f in findings if f.rule == rule]


def subjects(findings, rule):
    return [(f.subject.type, f.subject.code) for f in of(findings, rule)]


def policy(**rules) -> Policy:
    return Policy.from_dict({"rules": rules})


def test_registry_is_complete_and_ordered():
    assert [r.id for r in RULES] == [f"G{i:02d}" for i in range(1, 24)]
    expected_subjects = {"G01": "PartyOrg", "G06": "PartyOrg", "G02": "Unit", "G03": "Unit",
                         "G04": "PartyOrg", "G05": "PartyOrg", "G07": "Person", "G08": "Person",
                         "G09": "Person", "G10": "Grid", "G11": "Street", "G12": "Community",
                         "G13": "Compound", "G14": "Community",
                         "G15": "PartyOrg", "G16": "PartyOrg", "G17": "Person", "G18": "Need",
                         "G19": "Resource", "G20": "Project", "G21": "PartyOrg", "G22": "PartyOrg",
                         "G23": "PartyOrg"}
    assert {r.id: r.subject_type for r in RULES} == expected_subjects
    for r in RULES:
        assert r.name_zh and r.name_en and r.description_zh and r.description_en
        assert r.check.__module__.startswith("graph.analysis.rules.g")


def test_perfect_county_has_no_finding():
    assert run(perfect()) == []


# --- G01 -------------------------------------------------------------------

def test_g01_fires_below_threshold_with_count_and_evidence():
    k = perfect().drop("posts", person="P3", org="OC1")
    [f] = of(run(k), "G01")
    assert (f.subject.type, f.subject.code, f.subject.name) == ("PartyOrg", "OC1", "东关社区党委")
    assert f.severity == "medium" and f.community == "C1" and f.street == "S1"
    assert "仅有2名" in f.message_zh and "东关社区党委" in f.message_zh and "增补1名" in f.message_zh
    assert "only 2" in f.message_en
    assert {"Person:P1", "Person:P2"} <= set(f.evidence) and "Person:P3" not in f.evidence
    assert "Post:P1@OC1#part_time#part_time_member#2023-01-01" in f.evidence


def test_g01_exactly_at_threshold_is_no_finding_and_policy_raises_it():
    assert of(run(perfect()), "G01") == []
    [f] = of(run(perfect(), policy(G01={"min_part_time_members": 4})), "G01")
    assert "仅有3名" in f.message_zh
    assert "纳入更多" in f.message_zh and "take in more" in f.message_en  # 3 members cannot give 4
    [f] = of(run(perfect().drop("posts", person="P3", org="OC1")), "G01")
    assert "纳入更多" not in f.message_zh


def test_g01_high_when_nobody():
    k = perfect()
    for p in ("P1", "P2", "P3"):
        k.drop("posts", person=p, org="OC1")
    [f] = of(run(k), "G01")
    assert f.severity == "high"


def test_g01_post_dates_on_both_edges():
    k = perfect().drop("posts", person="P3", org="OC1")
    k.post("P3", "OC1", end=AS_OF - DAY)  # ended the day before
    assert len(of(run(k), "G01")) == 1
    k = perfect().drop("posts", person="P3", org="OC1")
    k.post("P3", "OC1", start=AS_OF + DAY)  # starts the day after
    assert len(of(run(k), "G01")) == 1
    k = perfect().drop("posts", person="P3", org="OC1")
    k.post("P3", "OC1", start=AS_OF, end=AS_OF)  # starts and ends on the as-of date
    assert of(run(k), "G01") == []


def test_g01_home_must_be_a_member_of_this_community_org():
    k = perfect().drop("posts", person="P3", org="OC1")
    k.street("S2").community("C2", "S2").org("OC2", "community_committee", community="C2")
    k.unit("U9", "C2").org("OU9", "unit_branch", units=["U9"], member_of=["OC2"])
    k.person("P9").post("P9", "OU9", "own").post("P9", "OC1")  # home is a member of OC2
    g01 = {f.subject.code: f for f in of(run(k), "G01")}
    assert "仅有2名" in g01["OC1"].message_zh and "Person:P9" not in g01["OC1"].evidence
    k.person("P8").post("P8", "OU1", "own").post("P8", "OC1")  # a second person from member OU1
    assert "OC1" not in {f.subject.code for f in of(run(k), "G01")}


def test_g01_any_part_time_role_counts_but_an_own_post_does_not():
    k = perfect().drop("posts", person="P3", org="OC1").post("P3", "OC1", role="member")
    assert of(run(k), "G01") == []
    k = perfect().drop("posts", person="P3", org="OC1").post("P3", "OC1", post_type="own", role="member")
    assert len(of(run(k), "G01")) == 1


def test_g01_without_members_says_take_units_in_first():
    k = Kit().street("S1").community("C1", "S1").org("OC1", "community_committee", community="C1")
    [f] = of(run(k), "G01")
    assert f.severity == "high" and "尚未纳入" in f.message_zh and "take the resident" in f.message_en


# --- G02 -------------------------------------------------------------------

def test_g02_unit_org_not_taken_in():
    k = perfect().unit("U4", "C1", name="县税务局").org("OU4", "unit_branch", units=["U4"])
    [f] = of(run(k), "G02")
    assert (f.subject.type, f.subject.code, f.subject.name) == ("Unit", "U4", "县税务局")
    assert f.severity == "high" and f.community == "C1" and f.street == "S1"
    assert {"Unit:U4", "PartyOrg:OU4", "PartyOrg:OC1"} <= set(f.evidence)
    assert "县税务局" in f.message_zh and "纳入" in f.message_zh


def test_g02_taken_into_a_community_it_is_not_located_in():
    k = perfect().street("S2").community("C2", "S2").org("OC2", "community_committee", community="C2")
    k.unit("U4", "C1").org("OU4", "unit_branch", units=["U4"], member_of=["OC2"])
    [f] = of(run(k), "G02")
    assert f.subject.code == "U4" and f.community == "C1"
    assert "OC2党组织" in f.message_zh and "taken into" in f.message_en
    # taken in where it sits as well: no finding
    k2 = perfect().street("S2").community("C2", "S2").org("OC2", "community_committee", community="C2")
    k2.unit("U4", "C1").org("OU4", "unit_branch", units=["U4"], member_of=["OC2", "OC1"])
    assert of(run(k2), "G02") == []


def test_g02_joint_branch_counts_per_unit_location():
    k = perfect().street("S2").community("C2", "S2").org("OC2", "community_committee", community="C2")
    k.unit("U4", "C1").unit("U5", "C2")
    k.org("J1", "joint_branch", units=["U4", "U5"], member_of=["OC1"])
    assert subjects(run(k), "G02") == [("Unit", "U5")]
    assert of(run(k), "G02")[0].community == "C2"
    assert of(run(k), "G03") == []  # both are covered by the joint branch


def test_g02_community_without_org_and_unit_without_org():
    k = perfect().community("C3", "S1").unit("U7", "C3").org("OU7", "unit_branch", units=["U7"])
    k.unit("U8", "C3")  # no org at all: G03, not G02
    [f] = of(run(k), "G02")
    assert f.subject.code == "U7" and "还没有社区党组织" in f.message_zh
    assert subjects(run(k), "G03") == [("Unit", "U8")]


# --- G03 -------------------------------------------------------------------

def test_g03_blank_unit_and_org_of_kind_other_does_not_cover():
    k = perfect().unit("U6", "C1", kind="private", name="小微企业").unit("U7", "C1")
    k.org("OX", "other", units=["U7"])
    fs = run(k)
    assert subjects(fs, "G03") == [("Unit", "U6"), ("Unit", "U7")]
    f = of(fs, "G03")[0]
    assert f.severity == "medium" and f.community == "C1" and "非公企业" in f.message_zh


# --- G04 / G05 --------------------------------------------------------------

def test_g04_only_unit_to_community():
    k = perfect().drop("posts", person="Q2", org="OU3")
    fs = run(k)
    assert subjects(fs, "G04") == [("PartyOrg", "OU3")]
    f = of(fs, "G04")[0]
    assert f.community == "C1" and "选派" in f.message_zh and "Person:P3" in f.evidence
    assert of(fs, "G05") == []


def test_g04_only_community_to_unit():
    k = perfect().drop("posts", person="P2", org="OC1")
    f = of(run(k), "G04")[0]
    assert f.subject.code == "OU2" and "吸收" in f.message_zh and "Person:Q1" in f.evidence


def test_g05_member_on_paper_and_not_g04():
    k = perfect().unit("U4", "C1").org("OU4", "unit_branch", units=["U4"], member_of=["OC1"])
    fs = run(k)
    assert subjects(fs, "G05") == [("PartyOrg", "OU4")]
    assert of(fs, "G04") == [] and of(fs, "G05")[0].severity == "low"


def test_g04_g05_are_per_membership_pair():
    k = perfect().street("S2").community("C2", "S2").org("OC2", "community_committee", community="C2")
    k.drop("party_orgs", code="OU1")
    k.org("OU1", "unit_branch", units=["U1"], member_of=["OC1", "OC2"])
    fs = run(k)
    [f] = of(fs, "G05")
    assert f.subject.code == "OU1" and f.community == "C2" and "PartyOrg:OC2" in f.evidence


def test_link_needs_a_different_home_org():
    # someone whose own post is in OC1 holds a part-time post in OC1: no link of any kind
    k = perfect().unit("U4", "C1").org("OU4", "unit_branch", units=["U4"], member_of=["OC1"])
    k.person("Z").post("Z", "OC1", "own").post("Z", "OC1")
    assert subjects(run(k), "G05") == [("PartyOrg", "OU4")]


# --- G06 --------------------------------------------------------------------

def _members(two_way: int, one_way: int) -> Kit:
    k = Kit().street("S1").community("C1", "S1").org("OC1", "community_committee", community="C1")
    k.person("Q").post("Q", "OC1", "own")
    for i in range(two_way + one_way):
        k.unit(f"U{i}", "C1").org(f"OU{i}", "unit_branch", units=[f"U{i}"], member_of=["OC1"])
        k.person(f"P{i}").post(f"P{i}", f"OU{i}", "own").post(f"P{i}", "OC1")
        if i < two_way:
            k.post("Q", f"OU{i}")
    return k


def test_g06_share_below_threshold_exactly():
    fs = run(_members(1, 3), policy(G06={"min_two_way_share": 0.25}))
    assert of(fs, "G06") == []  # 1/4 is not below 0.25
    fs = run(_members(1, 3), policy(G06={"min_two_way_share": 0.26}))
    [f] = of(fs, "G06")
    assert f.subject.code == "OC1" and "1个（25%）" in f.message_zh and "1 of the 4" in f.message_en
    assert set(f.evidence) == {"PartyOrg:OC1", "PartyOrg:OU1", "PartyOrg:OU2", "PartyOrg:OU3"}


def test_g06_default_threshold_and_no_members():
    assert [f.subject.code for f in of(run(_members(0, 3)), "G06")] == ["OC1"]
    assert of(run(_members(1, 2)), "G06") == []  # 1/3 >= 0.3
    assert of(run(_members(0, 0)), "G06") == []  # no members: G01 reports it


# --- G07 --------------------------------------------------------------------

def test_g07_overloaded_above_not_at_threshold():
    k = perfect()
    k.org("OU4", "unit_branch", units=["U1"]).post("Q1", "OU3")  # Q1: OU1, OU2, OU3 = 3
    assert of(run(k), "G07") == []
    k.post("Q1", "OU4")  # 4
    [f] = of(run(k), "G07")
    assert (f.subject.type, f.subject.code) == ("Person", "Q1")
    assert f.community == "C1" and "4个兼职" in f.message_zh and "holds 4" in f.message_en
    assert f.severity == "medium"


def test_g07_ended_post_does_not_count():
    k = perfect().org("OU4", "unit_branch", units=["U1"]).post("Q1", "OU3")
    k.post("Q1", "OU4", end=AS_OF - DAY)
    assert of(run(k), "G07") == []


# --- G08 --------------------------------------------------------------------

def test_g08_only_link_to_two_member_units():
    k = perfect()
    # P1 and P2 leave OC1: Q1 alone links OU2 (C → U) and OU1 is linked by Q1 and Q2
    k.drop("posts", person="P2", org="OC1")
    assert of(run(k), "G08") == []  # Q1 is the only link of one unit only
    k.drop("posts", person="Q2", org="OU1").drop("posts", person="P1", org="OC1")
    [f] = of(run(k), "G08")
    assert (f.subject.code, f.community, f.severity) == ("Q1", "C1", "high")
    assert {"PartyOrg:OU1", "PartyOrg:OU2", "PartyOrg:OC1"} <= set(f.evidence)
    assert "唯一" in f.message_zh and "2个成员单位" in f.message_zh
    assert of(run(k, policy(G08={"spof_min_units": 3})), "G08") == []


def test_g08_both_directions_by_one_person_is_still_one_link():
    k = perfect()
    k.drop("posts", person="P1", org="OC1").drop("posts", person="Q2", org="OU1")
    k.drop("posts", person="P2", org="OC1")
    # Q1 holds OU1 and OU2 alone -> finding; add P1 back as second link of OU1
    assert [f.subject.code for f in of(run(k), "G08")] == ["Q1"]
    k.post("P1", "OC1")
    assert of(run(k), "G08") == []


# --- G09 --------------------------------------------------------------------

def _expiring(end):
    return perfect().drop("posts", person="P1", org="OC1").post("P1", "OC1", end=end)


def test_g09_window_edges():
    for days, fires in ((0, True), (1, True), (90, True), (91, False)):
        fs = of(run(_expiring(AS_OF + days * DAY)), "G09")
        assert bool(fs) is fires, days
    [f] = of(run(_expiring(AS_OF + 30 * DAY)), "G09")
    assert (f.subject.code, f.severity, f.community) == ("P1", "low", "C1")
    assert "Post:P1@OC1#part_time#part_time_member#2023-01-01" in f.evidence
    assert "还有30天" in f.message_zh and "兼职委员" in f.message_zh


def test_g09_already_ended_is_no_finding_and_own_post_is_no_link():
    assert of(run(_expiring(AS_OF - DAY)), "G09") == []
    k = perfect().drop("posts", person="P1", org="OU1").post("P1", "OU1", "own", end=AS_OF + DAY)
    assert of(run(k), "G09") == []
    assert of(run(_expiring(AS_OF + 100 * DAY), policy(G09={"expiry_warning_days": 100})), "G09")


# --- G10, G11, G12 ------------------------------------------------------------

def test_g10_grid_without_grid_org():
    k = perfect().grid("G2", "C1").grid("G3", "C1").org("OG3", "grid_group", grid="G3")
    k.grid("G4", "C1").org("OX", "other", grid="G4")
    fs = run(k)
    assert subjects(fs, "G10") == [("Grid", "G2"), ("Grid", "G4")]
    assert of(fs, "G10")[0].community == "C1"


def test_g11_g12_leaders():
    k = perfect().street("S2").community("C2", "S2").community("C3", "S1")
    k.org("OC2", "community_committee", community="C2").org("OC3", "community_committee", community="C3")
    k.person("L2").liaison("L2", "community_liaison", "C2")
    fs = run(k)
    assert subjects(fs, "G11") == [("Street", "S2")]
    f = of(fs, "G11")[0]
    assert f.street == "S2" and f.community is None and f.severity == "medium"
    assert subjects(fs, "G12") == [("Community", "C3")]
    assert of(fs, "G12")[0].street == "S1" and of(fs, "G12")[0].severity == "low"


def test_g14_community_without_party_org():
    k = perfect().street("S2").community("C2", "S2").community("C3", "S2")
    k.org("OC2", "community_committee", community="C2")
    k.unit("U9", "C3", "private").org("OX3", "other", community="C3")  # not a community kind
    fs = run(k)
    assert subjects(fs, "G14") == [("Community", "C3")]
    f = of(fs, "G14")[0]
    assert f.community == "C3" and f.street == "S2" and f.severity == "high"
    assert "Unit:U9" in f.evidence


# --- G13 --------------------------------------------------------------------

def test_g13_property_without_org_model_and_plain():
    k = perfect().unit("U5", "C1", kind="property")
    k.compound("K2", "C1", property_unit="U5", model=True).compound("K3", "C1", property_unit="U5")
    k.compound("K4", "C1")  # no property unit: no finding
    fs = of(run(k), "G13")
    assert [(f.subject.code, f.severity) for f in fs] == [("K2", "high"), ("K3", "medium")]
    assert "没有党组织" in fs[0].message_zh and "示范" in fs[0].message_zh


def test_g13_either_direction_is_enough_and_other_community_does_not_count():
    k = perfect().drop("posts", person="Q2", org="OU3")  # only U → C left for OU3
    assert of(run(k), "G13") == []
    k.drop("posts", person="P3", org="OC1")
    [f] = of(run(k), "G13")
    assert f.subject.code == "K1" and f.severity == "high" and "PartyOrg:OU3" in f.evidence
    # a link with another community's org does not help
    k.street("S2").community("C2", "S2").org("OC2", "community_committee", community="C2")
    k.post("P3", "OC2")
    assert [x.subject.code for x in of(run(k), "G13")] == ["K1"]


def test_g13_property_company_not_taken_in_still_counts_its_links():
    k = perfect().unit("U5", "C1", kind="property").org("OU5", "unit_branch", units=["U5"])
    k.compound("K2", "C1", property_unit="U5")
    k.person("P5").post("P5", "OU5", "own").post("P5", "OC1")
    assert of(run(k), "G13") == []
    assert subjects(run(k), "G02") == [("Unit", "U5")]


# --- policy effects -------------------------------------------------------------

def test_policy_severity_override_and_switch_off():
    k = perfect().unit("U6", "C1")
    assert of(run(k, policy(G03={"severity": "high"})), "G03")[0].severity == "high"
    assert of(run(k, policy(G03={"enabled": False})), "G03") == []
    assert of(run(k), "G03")[0].severity == RULES_BY_ID["G03"].default_severity
