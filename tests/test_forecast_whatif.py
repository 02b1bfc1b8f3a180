"""The forecast (month-end re-analysis, events, 换届 cliffs) and the
what-if (changes and scenarios) of graph.planning."""

from __future__ import annotations

import json
from datetime import date

import pytest

from analysis_kit import AS_OF, perfect
from graph.analysis import what_if_leaves
from graph.errors import NotFound
from graph.planning import (AddPost, EndPost, RemovePerson, RemoveUnit, parse_change_arg, parse_scenario,
                            recommend)
from graph.planning.changes import ScenarioError
from graph.planning.forecast import forecast, month_ends
from graph.planning.whatif import what_if
from plan_kit import paper_members


def test_month_ends_cross_years_and_short_months():
    ds = month_ends(date(2026, 11, 30), 3)
    assert [d.isoformat() for d in ds] == ["2026-11-30", "2026-12-31", "2027-01-31", "2027-02-28"]


def ending_kit():
    """The perfect county where P1, P2 and P3's part-time posts in OC1 all
    end on 2024-09-15 (a 换届 cliff), and Q1's post in OU2 on 2024-08-10."""
    k = perfect()
    for p in ("P1", "P2", "P3"):
        k.drop("posts", person=p, org="OC1")
        k.post(p, "OC1", end=date(2024, 9, 15))
    k.drop("posts", person="Q1", org="OU2")
    k.post("Q1", "OU2", end=date(2024, 8, 10))
    return k


def test_forecast_series_events_and_cliff():
    fc = forecast(ending_kit().graph(), AS_OF, months=4)
    assert [d.isoformat() for d in fc.dates] == ["2024-06-30", "2024-07-31", "2024-08-31",
                                                 "2024-09-30", "2024-10-31"]
    [c] = fc.communities
    assert c["org"] == "OC1"
    pt = [s["part_time_members"] for s in c["series"]]
    assert pt == [3, 3, 3, 0, 0]
    assert c["series"][0]["findings"].get("G01") is None and c["series"][3]["findings"]["G01"] == 1
    assert c["series"][3]["worst"] == "high"
    ev = {(e["date"], e["rule"], e["subject"]["code"], e["change"]) for e in fc.events}
    assert ("2024-09-30", "G01", "OC1", "appears") in ev
    # Q1's post in OU2 ended in August: OU2 is no longer two-way
    assert ("2024-08-31", "G04", "OU2", "appears") in ev
    # the three posts ending in 2024-09 are a cliff (cliff_min_posts 3)
    [cliff] = fc.cliffs
    assert cliff["org"] == "OC1" and cliff["month"] == "2024-09" and len(cliff["posts"]) == 3
    d = fc.as_dict()
    assert set(d) >= {"dates", "communities", "events", "cliffs"}
    assert set(d["communities"][0]["series"][0]) >= {"date", "part_time_members", "two_way_share", "findings"}
    json.dumps(d)


def test_forecast_recovery_when_a_post_starts_later():
    k = perfect().drop("posts", person="P3", org="OC1")
    k.post("P3", "OC1", start=date(2024, 8, 1))
    fc = forecast(k.graph(), AS_OF, months=2)
    ev = [(e["date"], e["rule"], e["change"]) for e in fc.events]
    assert ("2024-08-31", "G01", "goes") in ev


def test_forecast_months_out_of_range():
    with pytest.raises(Exception) as e:
        forecast(perfect().graph(), AS_OF, months=0)
    assert "months" in str(e.value)


def test_what_if_remove_person_matches_what_if_leaves():
    G = perfect().graph()
    r = what_if(G, [RemovePerson("Q1")], AS_OF)
    w = what_if_leaves(G, "Q1", AS_OF)
    assert r.added == w.added and r.removed == w.removed and r.changed == w.changed
    assert r.added and r.before["c_to_u"] > r.after["c_to_u"]
    assert any(row["org"] == "OC1" for row in r.communities)


def test_what_if_end_post_add_post_remove_unit():
    G = perfect().graph()
    r = what_if(G, [EndPost("P1", "OC1")], AS_OF)
    assert any(f.rule == "G01" for f in r.added)
    r2 = what_if(G, [EndPost("P1", "OC1"), AddPost("P1", "OC1", "part_time_member")], AS_OF)
    assert r2.added == [] and r2.removed == []
    r3 = what_if(G, [RemoveUnit("U3")], AS_OF)
    assert r3.after["members"] == r3.before["members"] - 1
    assert any(f.rule == "G13" for f in r3.removed) is False  # K1's property unit is gone: no G13 either
    with pytest.raises(NotFound):
        what_if(G, [RemovePerson("NOBODY")], AS_OF)
    with pytest.raises(NotFound):
        what_if(G, [EndPost("P1", "OU2")], AS_OF)
    G2 = perfect().graph()
    assert G.number_of_edges() == G2.number_of_edges()  # nothing written


def test_a_recommend_json_is_a_scenario():
    G = paper_members(3).graph()
    plan = recommend(G, AS_OF)
    doc = json.loads(json.dumps(plan.as_dict(), ensure_ascii=False))
    changes = parse_scenario(doc)
    assert len(changes) == len(plan.proposals) and all(isinstance(c, AddPost) for c in changes)
    r = what_if(G, changes, AS_OF)
    gone = {(f.rule, f.subject.code) for f in r.removed}
    assert {("G01", "OC1"), ("G06", "OC1")} <= gone
    assert sum(r.after["findings_by_rule"].values()) == sum(plan.after.values())


def test_scenario_and_change_args_errors_say_where():
    assert parse_change_arg("add_post", "P1:OC1:委员:兼职") == AddPost("P1", "OC1", "member", "part_time")
    assert parse_change_arg("end_post", "P1:OC1") == EndPost("P1", "OC1")
    with pytest.raises(ScenarioError) as e:
        parse_change_arg("add_post", "P1:OC1")
    assert "--add-post P1:OC1" in e.value.message_zh and "PERSON:ORG:ROLE" in e.value.message_en
    with pytest.raises(ScenarioError) as e:
        parse_scenario({"add_posts": [{"person": "P1"}]}, "s.json")
    assert "s.json add_posts[1]" in e.value.message_zh and "'org'" in e.value.message_en
    with pytest.raises(ScenarioError) as e:
        parse_scenario({"remove_peple": ["P1"]}, "s.json")
    assert "remove_peple" in e.value.message_en
    with pytest.raises(ScenarioError):
        parse_scenario({"add_posts": [{"person": "P1", "org": "O", "role": "委员", "post_type": "借调"}]})
