"""The explorer's county/street overview and its palette (issue 13, point 3):
one node per street and community, filled by the worst finding, ringed by
the two-way share, sized by unit orgs taken in, linked where communities
share people; a click opens a community's network; red, orange and yellow
only ever mean a severity. The browser test opens the page in headless
Chromium, offline."""

from __future__ import annotations

import colorsys
import json
import re
from pathlib import Path

import pytest

from analysis_kit import AS_OF, Kit
from browser_kit import Opened, chromium
from explorer_kit import page_blocks, page_pictures
from graph.analysis import analyze
from graph.explorer import network_json, render_page
from graph.explorer.overview import NO_FINDING_COLOR, overview_json
from graph.scope import subgraph
from graph.explorer.style import LINK_STYLES, SEVERITY_LOOK, VIEW_KINDS, share_color

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
#: The page block of each community's picture (render_page numbers them in code order).
VIEWS = {x: f"cobuild-view-{i}" for i, x in enumerate(("C1", "C2", "C3"))}


def county():
    """S1 (C1, C2), S2 (C3). C1: OC1 with OU1 taken in, two-way. C2: OC2 with
    OU2 taken in, no link (G05 high). C3: OC3, nobody taken in. P9 holds posts
    in OC1 and OC2: C1 and C2 share one person."""
    k = Kit()
    k.street("S1").street("S2")
    k.community("C1", "S1", name="东关社区").community("C2", "S1", name="西关社区")
    k.community("C3", "S2", name="河畔社区")
    for c in ("C1", "C2", "C3"):
        k.org(f"O{c}", "community_committee", community=c, name=f"{c}党委")
    k.unit("U1", "C1").unit("U2", "C2")
    k.org("OU1", "unit_branch", units=["U1"], member_of=["OC1"])
    k.org("OU2", "unit_branch", units=["U2"], member_of=["OC2"])
    k.person("P1").post("P1", "OU1", "own").post("P1", "OC1")
    k.person("Q1").post("Q1", "OC1", "own").post("Q1", "OU1")
    k.person("P9").post("P9", "OC2", "own").post("P9", "OC1")
    return k.graph()


@pytest.fixture(scope="module")
def graph_and_findings():
    G = county()
    return G, analyze(G, AS_OF, with_structure=False).findings


def _node(data, nid):
    return next(n for n in data["nodes"] if n["id"] == nid)


def test_one_node_per_street_and_community(graph_and_findings):
    G, fs = graph_and_findings
    data = overview_json(G, fs, as_of=AS_OF)
    assert sorted(n["id"] for n in data["nodes"]) == [
        "Community:C1", "Community:C2", "Community:C3", "Street:S1", "Street:S2"]
    assert data["meta"]["overview"] is True
    street = overview_json(G, fs, as_of=AS_OF, street="S1")
    assert sorted(n["id"] for n in street["nodes"]) == ["Community:C1", "Community:C2", "Street:S1"]


def test_fill_is_the_worst_finding_and_ring_the_two_way_share(graph_and_findings):
    G, fs = graph_and_findings
    data = overview_json(G, fs, as_of=AS_OF)
    worst = {}
    for f in fs:
        if f.community:
            rank = ("high", "medium", "low").index(f.severity)
            worst[f.community] = min(worst.get(f.community, 9), rank)
    for x in ("C1", "C2", "C3"):
        n = _node(data, f"Community:{x}")
        sev = ("high", "medium", "low")[worst[x]] if x in worst else None
        assert n["severity"] == sev
        assert n["color"]["background"] == (SEVERITY_LOOK[sev]["color"] if sev else NO_FINDING_COLOR)
    c1, c2, c3 = (_node(data, f"Community:{x}") for x in ("C1", "C2", "C3"))
    assert c1["two_way_share"] == 1.0 and c1["color"]["border"] == share_color(1.0)
    assert c2["two_way_share"] == 0.0 and c2["color"]["border"] == share_color(0.0)
    assert c3["two_way_share"] is None and c3["color"]["border"] == share_color(None)
    assert c2["severity"] == "high"  # G05: OU2 taken in on paper only
    assert "双向 100%" in c1["label"] and "双向 0%" in c2["label"]


def test_size_follows_unit_orgs_taken_in(graph_and_findings):
    G, fs = graph_and_findings
    data = overview_json(G, fs, as_of=AS_OF)
    c1, c3 = _node(data, "Community:C1"), _node(data, "Community:C3")
    assert c1["member_orgs"] == 1 and c3["member_orgs"] == 0
    assert c1["size"] > c3["size"]


def test_communities_sharing_people_are_linked(graph_and_findings):
    G, fs = graph_and_findings
    data = overview_json(G, fs, as_of=AS_OF)
    shared = [e for e in data["edges"] if e["type"] == "SHARES_PEOPLE"]
    assert [(e["from"], e["to"], e["people"]) for e in shared] == [("Community:C1", "Community:C2", 1)]
    assert "人P9" in shared[0]["title"]


def test_no_node_kind_is_drawn_in_a_severity_colour():
    """Red, orange, yellow: hue 0–65° (and 340–360°) with some saturation
    mean a severity; no node kind and no overview ring may use them."""
    def warm(color):
        r, g, b = (int(color.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        h, s, v = colorsys.rgb_to_hsv(r, g, b)
        return s > 0.3 and v > 0.3 and (h * 360 < 65 or h * 360 > 340)

    assert all(warm(look["color"]) for look in SEVERITY_LOOK.values())
    bad = [(k.key, k.color) for k in VIEW_KINDS if warm(k.color)]
    assert bad == []
    assert not any(warm(share_color(x)) for x in (None, 0.0, 0.5, 1.0))
    assert not warm(NO_FINDING_COLOR)
    # a link's state is not a kind either: two-way is green
    assert not warm(LINK_STYLES["two_way"]["color"])


def test_page_opens_on_the_overview_and_carries_each_community(graph_and_findings):
    G, fs = graph_and_findings
    html = render_page(G, fs, title="全县", as_of=AS_OF, scope="county")
    for i, x in enumerate(("C1", "C2", "C3")):
        assert f'id="cobuild-view-{i}"' in html
    assert 'id="cobuild-view-full"' in html and "全县完整网络" in html
    plain = render_page(G, fs, title="东关社区", as_of=AS_OF, scope="community")
    assert 'id="cobuild-view-0"' not in plain
    legacy = render_page(G, fs, title="全县", as_of=AS_OF, scope="county", overview=False)
    assert 'id="cobuild-view-full"' not in legacy


def test_pictures_are_packed_without_loss(graph_and_findings):
    """Each text, node and edge is written once: put back together, every
    picture the page carries is network_json's (tooltips included), but for
    the findings (in the tooltips); a community's picture reuses the whole
    network's records."""
    G, fs = graph_and_findings
    html = render_page(G, fs, title="全县", as_of=AS_OF, scope="county")
    pictures = page_pictures(html)
    want = network_json(G, fs, as_of=AS_OF, scope="county")
    full = pictures["cobuild-view-full"]
    assert full["nodes"] == [{k: v for k, v in n.items() if k != "findings"} for n in want["nodes"]]
    assert full["edges"] == want["edges"]
    for i, x in enumerate(("C1", "C2", "C3")):
        sub = network_json(subgraph(G, community=x), fs, as_of=AS_OF, scope="community")
        assert pictures[f"cobuild-view-{i}"]["nodes"] == [
            {k: v for k, v in n.items() if k != "findings"} for n in sub["nodes"]]
        assert pictures[f"cobuild-view-{i}"]["edges"] == sub["edges"]
    ov = overview_json(G, fs, as_of=AS_OF, views=VIEWS)
    assert pictures["home"]["nodes"] == [{k: v for k, v in n.items() if k != "findings"} for n in ov["nodes"]]
    assert pictures["home"]["edges"] == ov["edges"]
    tables = json.loads(page_blocks(html)["cobuild-data"])
    drawn = sum(len(p["nodes"]) for p in pictures.values())
    assert len(tables["nodes"]["rows"]) < drawn - len(pictures["home"]["nodes"])
    assert len(tables["nodes"]["forms"]) < len(tables["nodes"]["rows"])


@pytest.mark.browser
def test_overview_in_chromium_click_opens_the_community(graph_and_findings, tmp_path):
    G, fs = graph_and_findings
    path = tmp_path / "全县.html"
    path.write_text(render_page(G, fs, title="全县共驻共建关系网络", as_of=AS_OF, scope="county"),
                    encoding="utf-8")
    community = network_json(
        subgraph(G, community="C2"), fs,
        as_of=AS_OF, scope="community")
    with chromium() as browser:
        if True:
            o = Opened(browser, path)
            assert o.js("() => window.cobuild.nodes.length") == 5
            o.assert_draws(overview_json(G, fs, as_of=AS_OF, views=VIEWS))
            ARTIFACTS.mkdir(exist_ok=True)
            o.page.screenshot(path=str(ARTIFACTS / "explorer-overview.png"))
            x, y = o.node_point("Community:C2")
            o.page.evaluate("() => document.body.removeAttribute('data-ready')")
            o.page.mouse.click(x, y)
            o.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
            assert o.js("() => window.cobuild.view") == "C2"
            assert o.js("() => window.cobuild.nodes.length") == len(community["nodes"])
            # every node and edge, tooltips included, is network_json's
            o.assert_draws(community)
            assert "西关社区" in o.page.locator("#view-name").inner_text()
            o.page.screenshot(path=str(ARTIFACTS / "explorer-overview-community.png"))
            o.page.click("#view-full")
            o.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
            assert o.js("() => window.cobuild.view") == "full"
            assert o.js("() => window.cobuild.nodes.length") == G.number_of_nodes()
            o.assert_draws(network_json(G, fs, as_of=AS_OF, scope="county"))
            o.page.click("#view-back")
            o.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
            assert o.js("() => window.cobuild.nodes.length") == 5
            assert o.errors == [] and o.blocked == []
            assert all(u.startswith("file:") for u in o.requests)
            o.context.close()
