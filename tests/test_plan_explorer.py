"""The explorer with a 补齐方案 overlay (dashed blue proposed posts, toggled)
and a forecast as-of slider: the JSON (the page in headless Chromium is in
test_explorer_browser.py)."""

from __future__ import annotations

from analysis_kit import AS_OF
from graph.explorer import network_json
from plan_kit import overlay_setup


def test_network_json_draws_the_plan_and_the_forecast():
    G, plan, fc, findings = overlay_setup()
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
