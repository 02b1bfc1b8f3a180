"""The 统计表 and the activity findings over real HTTP: /county/stats,
/streets/{code}/stats, /communities/{code}/stats, and the gap lookups
listing G15-G23 findings and the rules not checked."""

from __future__ import annotations

import json

import pytest
from api_kit import AS_OF, demo_roster, serve, write_demo

from api.source import RosterSource
from graph.analysis import analyze
from graph.analysis.stats import compute_stats
from graph.analysis.view import View
from graph.build import roster_to_graph
from loaders.writer import write_roster
from roster_kit import rich_roster

A = {"as_of": AS_OF.isoformat()}
ROSTER = demo_roster()
G = roster_to_graph(ROSTER)


def expected(**scope) -> dict:
    return json.loads(json.dumps(compute_stats(View(G, AS_OF), **scope).as_dict(), ensure_ascii=False))


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with serve(RosterSource(write_demo(tmp_path_factory.mktemp("roster"))),
               tmp_path_factory.mktemp("home")) as a:
        yield a


@pytest.fixture(scope="module")
def reader(api):
    return api.client("reader")


def test_county_stats_is_the_statistics_table(reader):
    r = reader.get("/api/v1/county/stats", params=A)
    assert r.status_code == 200
    body = r.json()
    assert body["places"] == expected()["places"]
    assert body["places"][-1]["level"] == "county"
    assert {f["key"] for f in body["figures"]} >= {"taken_in_rate", "needs_met", "meetings"}


def test_street_and_community_stats(reader):
    s = reader.get("/api/v1/streets/S01/stats", params=A).json()
    assert s["places"] == expected(street="S01")["places"]
    assert [p["level"] for p in s["places"]][-1] == "street"
    code = s["places"][0]["code"]
    c = reader.get(f"/api/v1/communities/{code}/stats", params=A).json()
    assert c["places"] == expected(community=code)["places"] and len(c["places"]) == 1


def test_unknown_places_are_404_in_the_one_error_shape(reader):
    for path in ("/api/v1/streets/S99/stats", "/api/v1/communities/C999/stats"):
        r = reader.get(path, params=A)
        assert r.status_code == 404 and "error" in r.json()


def test_a_street_limited_token_gets_its_street_only(api):
    c = api.client("reader", street="S01")
    body = c.get("/api/v1/county/stats", params=A).json()
    assert {p["street"] for p in body["places"]} == {"S01"}
    assert c.get("/api/v1/streets/S02/stats", params=A).status_code == 404


def test_activity_findings_through_the_gap_lookups(reader):
    a = analyze(G, AS_OF, with_structure=False)
    want = sorted(f.subject.code for f in a.findings if f.rule == "G21")
    r = reader.get("/api/v1/gaps", params={**A, "rule": "G21", "limit": 500}).json()
    assert sorted(f["subject"]["code"] for f in r["items"]) == want and want
    assert r["not_checked"] == []
    rules = {x["id"]: x for x in reader.get("/api/v1/rules").json()}
    assert rules["G16"]["requires"] == ["party_orgs.member_count", "registrations.home_org"]


def test_gap_lookups_list_the_rules_not_checked(tmp_path):
    with serve(RosterSource(write_roster(rich_roster(), tmp_path / "v1.xlsx")), tmp_path / "home") as a:
        body = a.client("reader").get("/api/v1/gaps", params=A).json()
        nc = {e["rule"]: e for e in body["not_checked"]}
        assert sorted(nc) == [f"G{i}" for i in range(16, 24)]
        assert nc["G21"]["reason_zh"].startswith("未检查") and "agreements" in nc["G21"]["reason_en"]
        stats = a.client("reader").get("/api/v1/county/stats", params=A).json()
        assert stats["places"][-1]["figures"]["agreement_rate"] is None
        assert "agreement_rate" in stats["unavailable"]


def test_the_served_graph_keeps_the_rosters_shape():
    from api.source import canonical

    H = canonical(G)
    assert H.graph["columns"] == G.graph["columns"]
