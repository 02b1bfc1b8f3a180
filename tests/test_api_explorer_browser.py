"""The explorer page as the API serves it, opened over HTTP in headless
Chromium with a bearer token: it draws the community and asks for nothing
but the page itself; a reader's page shows masked phone numbers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from api_kit import AS_OF, Oracle, demo_roster, serve, write_demo

from api.source import RosterSource
from graph.privacy import mask_phone

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    exe = os.environ.get("COBUILD_CHROMIUM", "/usr/bin/chromium")
    if not Path(exe).exists():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI: Chromium not found at {exe}")
        pytest.skip(f"Chromium not found at {exe}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_the_served_explorer_page_draws_the_community_offline(browser, tmp_path):
    o = Oracle(demo_roster())
    community = sorted(o.by_code["communities"])[0]
    with serve(RosterSource(write_demo(tmp_path)), tmp_path / "home") as api:
        token = api.token("reader")
        url = f"{api.url}/api/v1/communities/{community}/explorer?as_of={AS_OF.isoformat()}"
        expected = api.client("reader").get(
            f"/api/v1/communities/{community}/network", params={"as_of": AS_OF.isoformat()}).json()
        ctx = browser.new_context(extra_http_headers={"Authorization": f"Bearer {token}"})
        page = ctx.new_page()
        requests, errors = [], []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        drawn = page.evaluate("() => window.cobuild.network.body.data.nodes.length")
        titles = page.evaluate("""() => ({
            nodes: Object.fromEntries(window.cobuild.nodes.get().map(n => [n.id, n.title])),
            edges: Object.fromEntries(window.cobuild.edges.get().map(e => [e.id, e.title]))})""")
        text = page.content()
        ctx.close()
    assert drawn == len(expected["nodes"]) > 10
    # the tooltips the page puts together are the API's, line for line
    assert titles["nodes"] == {n["id"]: n["title"] for n in expected["nodes"]}
    assert titles["edges"] == {e["id"]: e["title"] for e in expected["edges"]}
    assert errors == []
    assert requests == [url], "the page loads nothing but itself"
    phones = [p["phone"] for p in o.rows["people"] if p.get("phone")]
    assert not any(ph in text for ph in phones)
    assert any(mask_phone(ph) in text for ph in phones)


def test_the_api_docs_render_with_the_network_blocked(browser, tmp_path):
    """/docs (Swagger UI) draws every operation of the served OpenAPI
    document; every request stays on 127.0.0.1 (anything else is blocked
    and recorded)."""
    with serve(RosterSource(write_demo(tmp_path)), tmp_path / "home") as api:
        ctx = browser.new_context()
        page = ctx.new_page()
        outside, local, errors = [], [], []
        page.route("**/*", lambda r: (local.append(r.request.url), r.continue_())
                   if r.request.url.startswith(api.url + "/")
                   else (outside.append(r.request.url), r.abort()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(api.url + "/docs")
        page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=120_000)
        text = page.inner_text("body")
        paths = page.eval_on_selector_all(".opblock-summary-path", "els => els.length")
        ctx.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert errors == []
    assert api.url + "/openapi.json" in local
    assert "cobuild API" in text and "/api/v1/communities/{code}" in text
    assert paths >= 17  # every operation of the document
