"""Headless Chromium for the browser tests: Debian's ``/usr/bin/chromium``
(or ``COBUILD_CHROMIUM``), never a downloaded browser. Without Chromium a
test is skipped on a developer machine and fails under CI (``CI=true``).

Import from tests as ``from browser_kit import ...``.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def unavailable(why: str):
    """Skip (a developer machine) or fail (CI) for a missing browser."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI: {why}; install it (.ci/run does)")
    pytest.skip(why)


@contextmanager
def chromium():
    """A launched headless Chromium (closed at the end)."""
    exe = os.environ.get("COBUILD_CHROMIUM", "/usr/bin/chromium")
    if not Path(exe).exists():
        unavailable(f"Chromium not found at {exe}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the python playwright package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Opened:
    """A page opened from a file:// URL with every other request aborted,
    and what happened while it was open."""

    def __init__(self, browser, path: Path):
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = page = self.context.new_page()

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(path.as_uri())
        # (a CSS selector: the page's CSP forbids the eval behind wait_for_function)
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def node_point(self, nid: str) -> tuple[float, float]:
        """Where node ``nid`` is on the screen."""
        p = self.js("""id => {
            const n = window.cobuild.network;
            const d = n.canvasToDOM(n.getPosition(id));
            const r = document.getElementById('mynetwork').getBoundingClientRect();
            return [r.left + d.x, r.top + d.y];
        }""", nid)
        return p[0], p[1]

    def drawn(self) -> tuple[dict[str, dict], dict[str, dict]]:
        """The nodes and the edges in the network's DataSets, by id: what
        the page gave vis-network (looks, tooltips, positions)."""
        got = self.js("() => ({nodes: window.cobuild.nodes.get(), edges: window.cobuild.edges.get()})")
        return {n["id"]: n for n in got["nodes"]}, {e["id"]: e for e in got["edges"]}

    def assert_draws(self, picture: dict) -> None:
        """The picture shown is ``picture`` (network_json's or
        overview_json's) item for item, every field compared -- the
        tooltip (``title``) the page puts together too -- but a node's
        ``findings`` (they are in its tooltip) and ``hidden`` (the page's
        filters decide it)."""
        nodes, edges = self.drawn()
        assert set(nodes) == {n["id"] for n in picture["nodes"]}
        assert set(edges) == {e["id"] for e in picture["edges"]}
        skip = ("findings", "hidden")
        for n in picture["nodes"]:
            got = nodes[n["id"]]
            assert {k: got.get(k) for k in n if k not in skip} == \
                {k: v for k, v in n.items() if k not in skip}, n["id"]
        for e in picture["edges"]:
            got = edges[e["id"]]
            assert {k: got.get(k) for k in e if k not in skip} == \
                {k: v for k, v in e.items() if k not in skip}, e["id"]
