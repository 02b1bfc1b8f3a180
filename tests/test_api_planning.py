"""The planner routes over real HTTP: /plan/recommend, /plan/forecast,
/plan/whatif and /plan/explorer, on the demo county from a roster file and
from Neo4j. Readers cannot plan; a street token plans only its street."""

from __future__ import annotations

import pytest
from api_kit import AS_OF, demo_roster, serve_demo

from cobuild.explorer import scope_graph
from cobuild.planning import recommend_scope
from graph.build import roster_to_graph

A = {"as_of": AS_OF.isoformat()}
ROSTER = demo_roster()
G = roster_to_graph(ROSTER)
STREETS = sorted(n.split(":", 1)[1] for n in G if n.startswith("Street:"))
S1, S2 = STREETS[0], STREETS[1]
OTHER_COMMUNITY = sorted(u.split(":", 1)[1] for u, v, d in G.edges(data=True)
                         if d.get("type") == "IN" and u.startswith("Community:") and v == f"Street:{S2}")[0]


@pytest.fixture(scope="module", params=["roster", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def api(request, tmp_path_factory):
    yield from serve_demo(request.param, request, tmp_path_factory, ROSTER)


def test_readers_cannot_plan(api):
    reader = api.client("reader")
    for path in ("/plan/recommend", "/plan/forecast", "/plan/explorer"):
        r = reader.get(f"/api/v1{path}", params=A)
        assert r.status_code == 403, path
        body = r.json()
        assert body["error"]["code"] == "forbidden" and "planner" in body["error"]["message_en"]
    assert reader.post("/api/v1/plan/whatif", params=A, json={}).status_code == 403
    assert api.client(None).get("/api/v1/plan/recommend", params=A).status_code == 401


def test_planner_recommends_a_street_as_the_use_case_does(api):
    planner = api.client("planner")
    r = planner.get("/api/v1/plan/recommend", params={**A, "street": S1})
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["optimal"] is True and plan["check"]["ok"] is True
    assert plan["proposals"] and {p["street"] for p in plan["proposals"]} == {S1}
    direct = recommend_scope(scope_graph(G, street=S1), AS_OF, street=S1).as_dict()
    assert [(p["person"]["code"], p["org"]["code"]) for p in plan["proposals"]] == \
        [(p["person"]["code"], p["org"]["code"]) for p in direct["proposals"]]
    assert plan["before"] == direct["before"] and plan["after"] == direct["after"]
    budget = planner.get("/api/v1/plan/recommend", params={**A, "street": S1, "budget": 2}).json()
    assert len(budget["proposals"]) == 2


def test_a_street_token_plans_only_its_street(api):
    mine = api.client("planner", street=S1)
    r = mine.get("/api/v1/plan/recommend", params=A)
    assert r.status_code == 200 and {p["street"] for p in r.json()["proposals"]} == {S1}
    assert r.json()["scope"] == {"street": S1, "community": None}
    assert mine.get("/api/v1/plan/recommend", params={**A, "street": S2}).status_code == 404
    assert mine.get("/api/v1/plan/forecast", params={**A, "community": OTHER_COMMUNITY}).status_code == 404
    other_person = next(p["person"]["code"] for p in api.client("planner").get(
        "/api/v1/plan/recommend", params={**A, "street": S2}).json()["proposals"])
    r = mine.post("/api/v1/plan/whatif", params=A, json={"remove_people": [other_person]})
    assert r.status_code in (404, 200)
    if r.status_code == 200:  # a person who also serves in S1: only S1's findings are told
        assert all(f["street"] == S1 for f in r.json()["appear"] + r.json()["go"])


def test_whatif_takes_a_recommend_json_and_refuses_a_bad_scenario(api):
    planner = api.client("planner")
    plan = planner.get("/api/v1/plan/recommend", params={**A, "street": S1}).json()
    r = planner.post("/api/v1/plan/whatif", params={**A, "street": S1}, json=plan)
    assert r.status_code == 200, r.text
    w = r.json()
    assert len(w["changes"]) == len(plan["proposals"]) and w["go"]
    assert w["after"]["findings_by_rule"] == plan["after"]
    bad = planner.post("/api/v1/plan/whatif", params=A, json={"add_posts": [{"person": "P1"}]})
    # the declared body schema refuses it before the handler: the one error shape, naming the item
    err = bad.json()["error"]
    assert bad.status_code == 422 and err["code"] in ("scenario_invalid", "invalid_request")
    assert any("add_posts" in d["message_zh"] and "第 1 项" in d["message_zh"] for d in err["details"])
    missing = planner.post("/api/v1/plan/whatif", params=A, json={"remove_people": ["NOBODY"]})
    assert missing.status_code == 404
    # the first day a date can be has no day before it to end a post on (found by the fuzz test)
    early = planner.post("/api/v1/plan/whatif", params={"as_of": "0001-01-01"}, json={})
    assert early.status_code == 422 and early.json()["error"]["code"] == "scenario_invalid"
    assert "0001-01-01" in early.json()["error"]["message_zh"]


def test_forecast_and_explorer(api):
    planner = api.client("planner")
    fc = planner.get("/api/v1/plan/forecast", params={**A, "street": S1, "months": 2}).json()
    assert len(fc["dates"]) == 3 and fc["communities"]
    page = planner.get("/api/v1/plan/explorer", params={**A, "street": S1, "months": 2})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'id="plan-toggle"' in page.text and 'id="forecast-slider"' in page.text
