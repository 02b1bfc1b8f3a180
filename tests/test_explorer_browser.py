"""The explorer page in a real headless Chromium, with the network blocked.

Uses Debian's Chromium (``/usr/bin/chromium``, or ``COBUILD_CHROMIUM``);
never downloads a browser. Without Chromium the tests are skipped on a
developer machine and fail under CI (``CI=true``). A screenshot is kept in
``test-artifacts/explorer.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_kit import Opened, chromium
from explorer_kit import AS_OF, XSS_NAME, tiny_findings, tiny_graph
from plan_kit import overlay_setup
from graph.explorer import network_json, render_page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("explorer") / "东关社区.html"
    path.write_text(render_page(tiny_graph(), tiny_findings(), title="东关社区 共驻共建关系网络",
                                as_of=AS_OF), encoding="utf-8")
    return path


@pytest.fixture
def opened(browser, page_file):
    o = Opened(browser, page_file)
    yield o
    o.context.close()


def test_page_renders_offline(opened):
    expected = network_json(tiny_graph(), tiny_findings(), as_of=AS_OF)
    assert opened.js("() => window.cobuild.network.body.data.nodes.length") == len(expected["nodes"])
    assert opened.js("() => window.cobuild.network.body.data.edges.length") == len(expected["edges"])
    positions = opened.js("() => window.cobuild.network.getPositions()")
    assert set(positions) == {n["id"] for n in expected["nodes"]}
    # the canvas holds a drawing: many pixels that are not background
    painted = opened.js("""() => {
        const c = document.querySelector('#mynetwork canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4 * 7) if (d[i] > 0) n++;
        return n;
    }""")
    assert painted > 1000
    assert opened.errors == []
    assert opened.blocked == []
    assert all(u.startswith("file:") for u in opened.requests), opened.requests
    legend = opened.page.locator("#legend-kinds").inner_text()
    assert "社区党组织 community party organization" in legend
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "explorer.png"))


def test_every_node_and_edge_is_drawn_as_python_built_it_tooltips_too(opened):
    """The tooltips explorer.js puts together from the page's pieces are
    the ones Python's tooltip builder made (network_json, the API's JSON),
    line for line, for every node and edge; so is every other field."""
    expected = network_json(tiny_graph(), tiny_findings(), as_of=AS_OF)
    opened.assert_draws(expected)
    nodes, _ = opened.drawn()
    assert "手机 phone: 138****5678" in nodes["Person:P2"]["title"].split("\n")  # a reader's page
    assert "13812345678" not in str(opened.drawn())


def test_a_planners_page_shows_whole_phone_numbers(browser, tmp_path):
    path = tmp_path / "城关街道.html"
    path.write_text(render_page(tiny_graph(), tiny_findings(), title="城关街道", as_of=AS_OF,
                                scope="street", street="S1", show_phones=True), encoding="utf-8")
    o = Opened(browser, path)
    try:
        o.page.evaluate("() => document.body.removeAttribute('data-ready')")
        o.js("id => window.cobuild.openView(id)", "cobuild-view-full")
        o.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        o.assert_draws(network_json(tiny_graph(), tiny_findings(), as_of=AS_OF, scope="street",
                                    show_phones=True))
        assert "手机 phone: 13812345678" in o.drawn()[0]["Person:P2"]["title"].split("\n")
        assert o.errors == []
    finally:
        o.context.close()


def test_a_grouped_page_carries_each_groups_members(browser, tmp_path):
    path = tmp_path / "全县.html"
    path.write_text(render_page(tiny_graph(), tiny_findings(), title="全县", as_of=AS_OF, scope="county",
                                group_units=True, overview=False), encoding="utf-8")
    o = Opened(browser, path)
    try:
        want = network_json(tiny_graph(), tiny_findings(), as_of=AS_OF, scope="county", group_units=True)
        assert any(n.get("members") for n in want["nodes"])
        o.assert_draws(want)  # members, tooltips and all
        o.page.fill("#search", "县医院")  # a unit folded into its community's group
        assert o.page.locator("#search-results button").first.get_attribute("data-node") == "UnitGroup:C1"
        assert o.errors == []
    finally:
        o.context.close()


def test_search_finds_a_node_by_name_and_by_code(opened):
    page = opened.page
    page.fill("#search", "县医院")
    assert page.locator("#search-results button").first.get_attribute("data-node") == "Unit:U2"
    page.press("#search", "Enter")
    assert opened.js("() => window.cobuild.network.getSelectedNodes()") == ["Unit:U2"]
    assert "县医院" in page.locator("#details").inner_text()

    page.fill("#search", "uo1")
    page.locator("#search-results button").first.click()
    assert opened.js("() => window.cobuild.network.getSelectedNodes()") == ["PartyOrg:UO1"]

    page.fill("#search", "没有这个单位")
    assert "未找到 nothing found" in page.locator("#search-results").inner_text()
    assert opened.errors == []


def test_kind_filter_hides_exactly_that_kind(opened):
    hidden_by_type = """() => {
        const out = {};
        window.cobuild.nodes.get().forEach(n => {
            out[n.type] = out[n.type] || [];
            out[n.type].push(!!n.hidden);
        });
        return out;
    }"""
    opened.page.click("input[data-filter=node][data-key=Person]")
    state = opened.js(hidden_by_type)
    assert state["Person"] and all(state["Person"])
    assert not any(h for t, hs in state.items() if t != "Person" for h in hs)

    opened.page.click("input[data-filter=node][data-key=Person]")
    assert not any(h for hs in opened.js(hidden_by_type).values() for h in hs)


def test_severity_filter_leaves_only_subjects_of_findings(opened):
    opened.page.click("input[data-filter=severity][data-key=none]")
    visible = opened.js("() => window.cobuild.nodes.get({filter: n => !n.hidden}).map(n => n.id)")
    assert sorted(visible) == ["PartyOrg:CO1", "PartyOrg:UO2", "PartyOrg:UO3", "PartyOrg:UO4"]
    # searching a hidden node shows it again
    opened.page.fill("#search", "王书记")
    opened.page.press("#search", "Enter")
    assert opened.js("() => window.cobuild.nodes.get('Person:P1').hidden") is False
    assert opened.js("() => window.cobuild.network.getSelectedNodes()") == ["Person:P1"]


def test_click_highlights_the_neighbourhood(opened):
    x, y = opened.node_point("PartyOrg:UO2")
    opened.page.mouse.click(x, y)
    assert opened.js("() => window.cobuild.highlighted") == "PartyOrg:UO2"
    opacity = opened.js("() => Object.fromEntries(window.cobuild.nodes.get().map(n => [n.id, n.opacity]))")
    for near in ("PartyOrg:UO2", "PartyOrg:CO1", "Unit:U2", "Person:P4"):
        assert opacity.get(near) in (None, 1), near  # never dimmed
    for far in ("Community:C2", "Person:P6", "Unit:U1"):
        assert opacity[far] < 0.5, far
    assert "县医院党支部" in opened.page.locator("#details").inner_text()
    # a click on empty canvas restores everything
    box = opened.page.locator("#mynetwork").bounding_box()
    opened.page.mouse.click(box["x"] + 5, box["y"] + box["height"] - 5)
    assert opened.js("() => window.cobuild.highlighted") is None
    assert opened.js("() => window.cobuild.nodes.get().every(n => n.opacity === undefined || n.opacity === 1)")


def test_a_name_made_of_html_stays_text(opened):
    assert opened.js("() => window.cobuild.nodes.get('Unit:U4').label") == XSS_NAME
    # hover: vis-network's tooltip shows the text as text
    x, y = opened.node_point("Unit:U4")
    opened.page.mouse.move(x - 30, y - 30)
    opened.page.mouse.move(x, y, steps=5)
    tip = opened.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    assert XSS_NAME in tip.inner_text()
    # search and details panel
    opened.page.fill("#search", "U4")
    opened.page.press("#search", "Enter")
    assert XSS_NAME in opened.page.locator("#details").inner_text()
    assert XSS_NAME in opened.page.locator("#search-results").inner_text()
    assert opened.js("() => document.querySelectorAll('img').length") == 0
    assert opened.dialogs == []
    assert opened.errors == []


def test_page_toggles_the_plan_and_slides_the_forecast(browser, tmp_path):
    G, plan, fc, findings = overlay_setup()
    path = tmp_path / "plan.html"
    path.write_text(render_page(G, findings, title="补齐方案", as_of=AS_OF, plan=plan, forecast=fc),
                    encoding="utf-8")
    o = Opened(browser, path)
    try:
        o.assert_draws(network_json(G, findings, as_of=AS_OF, plan=plan, forecast=fc))
        visible = "() => window.cobuild.edges.get().filter(e => e.overlay === 'plan' && !e.hidden).length"
        assert o.js(visible) == len(plan["proposals"]) > 0
        o.page.uncheck("#plan-toggle")
        assert o.js(visible) == 0
        o.page.check("#plan-toggle")
        assert o.js(visible) == len(plan["proposals"])
        series = fc["communities"][0]["series"]
        last = len(fc["dates"]) - 1
        o.page.fill("#forecast-slider", str(last))
        assert o.page.locator("#forecast-date").inner_text() == fc["dates"][last]
        border = o.js("() => window.cobuild.nodes.get('PartyOrg:OC1').color.border")
        looks = network_json(G, findings, as_of=AS_OF, forecast=fc)["meta"]["forecast"]["looks"]
        assert border == looks[series[last]["worst"]]["color"]
        assert o.errors == [] and o.blocked == []
    finally:
        o.context.close()


@pytest.fixture(scope="module")
def activity_page(tmp_path_factory) -> Path:
    from graph.analysis import analyze
    from graph.build import roster_to_graph
    from roster_kit import rich_roster_v2

    G = roster_to_graph(rich_roster_v2())
    findings = analyze(G, AS_OF, with_structure=False).findings
    path = tmp_path_factory.mktemp("explorer") / "活动.html"
    path.write_text(render_page(G, findings, title="共建活动", as_of=AS_OF), encoding="utf-8")
    return path


#: Whether each drawn activity node and edge is hidden, and whether any
#: structure node is.
LAYER_STATE = """() => {
    const n = window.cobuild.nodes.get(), e = window.cobuild.edges.get();
    return {nodes: n.filter(x => x.layer === 'activity').map(x => !!x.hidden),
            edges: e.filter(x => x.layer === 'activity').map(x => !!x.hidden),
            structure: n.filter(x => x.layer !== 'activity').some(x => x.hidden)};
}"""


def test_activity_layer_is_off_at_first_and_a_tick_shows_it(browser, activity_page):
    o = Opened(browser, activity_page)
    try:
        state = LAYER_STATE
        before = o.js(state)
        assert before["nodes"] and all(before["nodes"]) and all(before["edges"])
        assert before["structure"] is False
        box = o.page.locator("input[data-filter=layer][data-key=activity]")
        assert box.is_checked() is False
        assert "共建活动" in o.page.locator("#legend-layers").inner_text()
        box.click()
        after = o.js(state)
        assert not any(after["nodes"]) and not any(after["edges"])
        box.click()
        assert all(o.js(state)["nodes"])
        # finding a need by name shows its layer again
        o.page.fill("#search", "法律咨询")
        o.page.press("#search", "Enter")
        assert o.js("() => window.cobuild.nodes.get('Need:N03').hidden") is False
        assert box.is_checked()
        assert o.errors == []
    finally:
        o.context.close()


def test_a_picture_opened_from_the_overview_starts_with_the_activity_layer_off(browser, tmp_path):
    from graph.analysis import analyze
    from graph.build import roster_to_graph
    from roster_kit import rich_roster_v2

    G = roster_to_graph(rich_roster_v2())
    findings = analyze(G, AS_OF, with_structure=False).findings
    path = tmp_path / "全县.html"
    path.write_text(render_page(G, findings, title="全县", as_of=AS_OF, scope="county"),
                    encoding="utf-8")
    o = Opened(browser, path)
    try:
        for view in ("cobuild-view-0", "cobuild-view-full"):
            o.page.evaluate("() => document.body.removeAttribute('data-ready')")
            o.js("id => window.cobuild.openView(id)", view)
            o.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
            state = o.js(LAYER_STATE)
            assert state["nodes"] and all(state["nodes"]) and all(state["edges"]), view
            assert state["structure"] is False
            box = o.page.locator("input[data-filter=layer][data-key=activity]")
            assert box.is_checked() is False
            box.click()
            assert not any(o.js(LAYER_STATE)["nodes"])
        assert o.errors == []
    finally:
        o.context.close()
