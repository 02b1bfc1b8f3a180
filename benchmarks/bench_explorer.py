"""Benchmark of the explorer page: size and time to a stable picture.

Cases:

* the demo county (scale 1, county view: every node drawn, physics
  stabilized then switched off);
* a city-sized demo roster (scale 10, county view: units grouped per
  community);
* a synthetic 5,000-node street (street view: above the physics limit, so
  positions come from Python and no physics runs).

Per case it prints the graph's nodes, what is drawn, the time to build the
network JSON and the page in Python, the page size, and -- in headless
Chromium (``/usr/bin/chromium``, network blocked) -- the time from navigation
to the page's ready flag (vis-network's ``stabilizationIterationsDone``, or
the first drawing when physics is off) and the JS heap then. No assertions:
figures to read.

Usage::

    .venv/bin/python benchmarks/bench_explorer.py
    .venv/bin/python benchmarks/bench_explorer.py --city-scale 20 --street-nodes 8000
    .venv/bin/python benchmarks/bench_explorer.py --no-browser
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2025, 6, 30)
SEED = 2024
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def demo_county(scale: float):
    from graph.build import roster_to_graph
    from loaders.demo import generate

    return roster_to_graph(generate(seed=SEED, scale=scale, as_of=AS_OF))


def street(nodes: int):
    from explorer_kit import synthetic_street
    from graph.build import roster_to_graph

    # nodes ≈ communities * units * (2 + people) + small change
    communities, people = 10, 4
    units = max(1, round(nodes / communities / (2 + people)))
    return roster_to_graph(synthetic_street(communities, units, people))


def build(G, scope: str, title: str) -> dict:
    from graph.analysis import analyze
    from graph.explorer import network_json, render_page

    findings = analyze(G, AS_OF, with_structure=False).findings
    t0 = time.perf_counter()
    data = network_json(G, findings, as_of=AS_OF, scope=scope)
    t1 = time.perf_counter()
    html = render_page(G, findings, title=title, as_of=AS_OF, scope=scope)
    t2 = time.perf_counter()
    return {"graph_nodes": G.number_of_nodes(), "nodes": data["meta"]["nodes"],
            "edges": data["meta"]["edges"], "physics": data["meta"]["physics"],
            "grouped": data["meta"]["grouped"], "json_s": t1 - t0, "page_s": t2 - t1,
            "html": html}


def measure_in_browser(browser, path: Path) -> dict:
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    outside: list[str] = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else (outside.append(r.request.url), r.abort()))
    t0 = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=600_000)
    wall = time.perf_counter() - t0
    t = page.evaluate("() => window.cobuild.timings")
    heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0")
    ctx.close()
    return {"ready_ms": t["ready"], "script_ms": t["script"], "wall_s": wall,
            "heap_mb": heap / 2**20, "outside": len(outside)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="explorer page benchmark (prints figures)")
    ap.add_argument("--city-scale", type=float, default=10.0)
    ap.add_argument("--street-nodes", type=int, default=5000)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)

    cases = [
        ("demo county (scale 1), county view", lambda: demo_county(1.0), "county"),
        (f"demo city (scale {args.city_scale:g}), county view", lambda: demo_county(args.city_scale),
         "county"),
        (f"synthetic street (~{args.street_nodes} nodes), street view",
         lambda: street(args.street_nodes), "street"),
    ]
    browser = pw = None
    if not args.no_browser:
        if Path(CHROMIUM).exists():
            from playwright.sync_api import sync_playwright

            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        else:
            say(f"no Chromium at {CHROMIUM}: browser figures skipped")

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, scope in cases:
            say(f"-- {name}: building the graph")
            G = make()
            say(f"   {G.number_of_nodes()} nodes: analysis, network JSON, page")
            r = build(G, scope, name)
            path = Path(tmp) / "page.html"
            path.write_text(r.pop("html"), encoding="utf-8")
            r["size_mb"] = path.stat().st_size / 2**20
            if browser:
                say("   opening in Chromium")
                r.update(measure_in_browser(browser, path))
            rows.append((name, r))
    if browser:
        browser.close()
        pw.stop()

    print(f"{'case':48} {'graph':>7} {'drawn':>6} {'edges':>6} {'phys':>5} {'group':>5} "
          f"{'json s':>7} {'page s':>7} {'MB':>6} {'ready s':>8} {'heap MB':>8}")
    for name, r in rows:
        ready = f"{r['ready_ms'] / 1000:8.2f}" if "ready_ms" in r else f"{'-':>8}"
        heap = f"{r['heap_mb']:8.0f}" if "heap_mb" in r else f"{'-':>8}"
        print(f"{name:48} {r['graph_nodes']:7d} {r['nodes']:6d} {r['edges']:6d} "
              f"{'on' if r['physics'] else 'off':>5} {'yes' if r['grouped'] else 'no':>5} "
              f"{r['json_s']:7.2f} {r['page_s']:7.2f} {r['size_mb']:6.2f} {ready} {heap}")
        if r.get("outside"):
            print(f"   !! {r['outside']} request(s) outside the file were blocked")
    print("ready s: from navigation to the page's ready flag (stabilized, or first drawn "
          "when physics is off); page s: every picture's network JSON, packed "
          "(graph.explorer.page.PageData), and the template.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
