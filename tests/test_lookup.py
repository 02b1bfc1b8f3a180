"""api.lookup on the small rich roster (tests/roster_kit.py), where every
answer can be checked by eye."""

from __future__ import annotations

import datetime as dt

import pytest
from roster_kit import rich_roster

from graph.analysis import analyze
from graph.analysis.view import View
from graph.build import roster_to_graph
from api.audit import PhoneView
from api.lookup import Lookup

D = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def G():
    return roster_to_graph(rich_roster())


@pytest.fixture(scope="module")
def lk(G):
    return Lookup(G)


def test_every_node_knows_its_streets(lk):
    assert lk.streets_of["Community:C01"] == {"001"}
    assert lk.streets_of["Unit:U04"] == {"002"}
    assert lk.streets_of["PartyOrg:JB1"] == {"002"}  # joint branch of two C02 units
    assert lk.streets_of["PartyOrg:SC1"] == {"001"}  # street committee
    # P007: member of street 001's committee, county leader in touch with C02
    assert lk.streets_of["Person:P007"] == {"001", "002"}
    assert lk.streets_of["Project:PR1"] == {"001", "002"}  # need of C02, resource of U02 (C01)
    assert lk.node("Person", "P004", within="001") is None
    assert lk.node("Person", "P004", within="002") == "Person:P004"
    assert lk.node("Unit", "NOPE") is None


def test_links_in_each_direction_come_from_the_analysis_view(G, lk):
    c = lk.community("C01", view=View(G, D), phones=PhoneView(False))
    cc1 = c["party_orgs"][0]
    assert cc1["code"] == "CC1"
    members = {m["org"]["code"]: m for m in cc1["members"]}
    assert set(members) == {"UO1", "UO2"}
    uo1 = members["UO1"]
    assert uo1["link"] == "two_way"
    assert [x["person"]["code"] for x in uo1["u_to_c"]] == ["P001"]  # UO1 secretary, CC1 兼职委员
    assert [x["person"]["code"] for x in uo1["c_to_u"]] == ["P002"]  # CC1 secretary, UO1 宣传委员
    assert uo1["c_to_u"][0]["part_time_post"]["role_zh"] == "宣传委员"
    assert members["UO2"]["link"] == "none"
    assert [(m["person"]["code"], m["from_member_unit"]) for m in cc1["part_time_members"]] == [
        ("P001", True)]


def test_the_as_of_date_decides_the_term(G, lk):
    """P001's first CC1 term ends 2025-02-28, the renewal starts 2025-03-01;
    before 2022-03-01 there is no U → C link, before 2023-01-01 (P002's post
    in UO1) no C → U link."""
    for day, expected in ((dt.date(2025, 2, 28), "2022-03-01"),
                          (dt.date(2025, 3, 1), "2025-03-01")):
        c = lk.community("C01", view=View(G, day), phones=PhoneView(False))
        link = c["party_orgs"][0]["members"][0]["u_to_c"]
        assert [x["part_time_post"]["start"] for x in link] == [expected]
    for day, expected in ((dt.date(2022, 2, 28), "none"), (dt.date(2022, 3, 1), "u_to_c"),
                          (dt.date(2023, 1, 1), "two_way")):
        c = lk.community("C01", view=View(G, day), phones=PhoneView(False))
        assert c["party_orgs"][0]["members"][0]["link"] == expected, day


def test_phones_are_masked_or_shown_and_remembered(G, lk):
    masked, shown = PhoneView(False), PhoneView(True)
    p1 = lk.person("P001", view=View(G, D), phones=masked)
    p2 = lk.person("P001", view=View(G, D), phones=shown)
    assert p1["phone"] == "138****1234" and masked.shown == set()
    assert p2["phone"] == "13812341234" and shown.shown == {"P001"}
    assert lk.person("P003", view=View(G, D), phones=shown)["phone"] is None
    assert shown.shown == {"P001"}, "no number, nothing shown"


def test_a_street_limited_person_shows_only_that_streets_posts(G, lk):
    v = View(G, D)
    everything = lk.person("P007", view=v, phones=PhoneView(False))
    in_002 = lk.person("P007", view=v, phones=PhoneView(False), within="002")
    assert [p["org"]["code"] for p in everything["posts"]] == ["SC1"]
    assert in_002["posts"] == [] and [x["target"]["code"] for x in in_002["liaisons"]] == ["C02"]


def test_search_ranks_exact_code_first_and_ignores_case_and_width(lk):
    assert [(h["type"], h["code"]) for h in lk.search("C01")][0] == ("Community", "C01")
    assert ("Community", "C01") in [(h["type"], h["code"]) for h in lk.search("ｃ０１")]
    names = [h["name"] for h in lk.search("东关")]
    assert names[0] == "东关社区" and set(names) == {"东关社区", "东关一网格", "东关小区",
                                                 "东关社区党委", "东关一网格党支部"}
    assert [h["code"] for h in lk.search("东关", kinds=["Grid"])] == ["G01"]
    assert lk.search("东关", within="002") == []
    assert lk.search("   ") == []
    assert lk.search("1381234") == [], "phone numbers are not searched"


def test_findings_within_a_street(G, lk):
    findings = analyze(G, D, with_structure=False).findings
    mine = lk.findings(findings, within="002")
    assert mine and all(f.street == "002" or (f.street is None and "002" in
                        lk.streets_of[f.subject.node_id]) for f in mine)
    assert lk.findings(findings, rules=["G11"], within="002") == [
        f for f in findings if f.rule == "G11" and f.street == "002"]
    assert len(lk.findings(findings)) == len(findings)


def test_an_empty_graph_has_nothing(lk):
    import networkx as nx

    empty = Lookup(nx.MultiDiGraph())
    assert empty.communities() == [] and empty.streets() == [] and empty.search("x") == []
    assert empty.community("C01", view=View(nx.MultiDiGraph(), D), phones=PhoneView(False)) is None
