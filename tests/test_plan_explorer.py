"""The explorer with a 补齐方案 overlay (dashed blue proposed posts, toggled)
and a forecast as-of slider: the JSON, and the page in headless Chromium."""

from __future__ import annotations

from datetime import date

import pytest

from analysis_kit import AS_OF
from graph.analysis import analyze
from graph.explorer import network_json, render_page
from graph.planning import recommend
from graph.planning.forecast import forecast
from plan_kit import paper_members
from test_explorer_browser import Opened, browser  # noqa: F401  (the fixture)


def _setup():
    k = paper_members(3)
    k.post("Q1", "OU3", end=date(2024, 8, 20))  # a link that ends: OU3 becomes a member on paper again
    G = k.graph()
    plan = recommend(G, AS_OF).as_dict()
    fc = forecast(G, AS_OF, months=3).as_dict()
    findings = analyze(G, AS_OF, with_structure=False).findings
    return G, plan, fc, findings


def test_network_json_draws_the_plan_and_the_forecast():
    G, plan, fc, findings = _setup()
    data = network_json(G, findings, as_of=AS_OF, plan=plan, forecast=fc)
    proposed = [e for e in data["edges"] if e.get("overlay") == "plan"]
    assert len(proposed) == len(plan["proposals"]) == data["meta"]["plan"]["drawn"]
    assert all(e["dashes"] and e["color"]["color"] == "#1f5fd6" for e in proposed)
    assert {(e["from"], e["to"]) for e in proposed} == {
        (f"Person:{p['person']['code']}", f"PartyOrg:{p['org']['code']}") for p in plan["proposals"]}
    assert any(x["key"] == "proposed" for x in data["legend"] if x["group"] == "edge")
    f = data["meta"]["forecast"]
    assert f["dates"] == fc["dates"] and set(f["nodes"]) == {"PartyOrg:OC1"}
    assert len(f["nodes"]["PartyOrg:OC1"]) == len(fc["dates"])
    # without a plan: no overlay, no legend entry
    plain = network_json(G, findings, as_of=AS_OF)
    assert not [e for e in plain["edges"] if e.get("overlay")]
    assert not any(x["key"] == "proposed" for x in plain["legend"])
    assert plain["meta"]["plan"] is None and plain["meta"]["forecast"] is None


@pytest.mark.browser
def test_page_toggles_the_plan_and_slides_the_forecast(browser, tmp_path):  # noqa: F811
    G, plan, fc, findings = _setup()
    path = tmp_path / "plan.html"
    path.write_text(render_page(G, findings, title="补齐方案", as_of=AS_OF, plan=plan, forecast=fc),
                    encoding="utf-8")
    o = Opened(browser, path)
    try:
        count_visible = """() => window.cobuild.edges.get().filter(e => e.overlay === 'plan' && !e.hidden).length"""
        assert o.js(count_visible) == len(plan["proposals"])
        o.page.uncheck("#plan-toggle")
        assert o.js(count_visible) == 0
        o.page.check("#plan-toggle")
        assert o.js(count_visible) == len(plan["proposals"])
        sevs = fc["communities"][0]["series"]
        last = len(fc["dates"]) - 1
        o.page.fill("#forecast-slider", str(last))
        assert o.page.locator("#forecast-date").inner_text() == fc["dates"][last]
        border = o.js("() => window.cobuild.nodes.get('PartyOrg:OC1').color.border")
        looks = network_json(G, findings, as_of=AS_OF, forecast=fc)["meta"]["forecast"]["looks"]
        assert border == looks[sevs[last]["worst"]]["color"]
        assert o.errors == [] and o.blocked == []
    finally:
        o.context.close()
