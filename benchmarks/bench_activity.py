"""Benchmark of the co-building activity: rules G15-G23, the 统计表 and the
matching of open needs, on demo counties of growing size.

Prints, per scale: the graph's size, then seconds for the whole analysis
(G01-G23, no structural figures), the activity rules alone, the 统计表 of
every community, street and the county, the 统计表 of one street from the
street's own scope (what a province-sized store answers per street), and
the matching -- with the street's share of the county's time as a ratio
within the run. No assertions: figures to read.

Usage::

    .venv/bin/python benchmarks/bench_activity.py            # scales 1 5
    .venv/bin/python benchmarks/bench_activity.py 1 10 20
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

AS_OF = dt.date(2025, 6, 30)


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(scale: float) -> None:
    from graph.analysis import analyze
    from graph.analysis.matching import match_needs
    from graph.analysis.rules import RULES
    from graph.analysis.stats import compute_stats
    from graph.analysis.view import View
    from graph.build import roster_to_graph
    from graph.scope import subgraph
    from loaders.demo import generate

    G = roster_to_graph(generate(seed=2024, scale=scale, as_of=AS_OF))
    a, t_all = _timed(lambda: analyze(G, AS_OF, with_structure=False))
    view = View(G, AS_OF)
    _, t_index = _timed(lambda: view.activity)
    activity = [r for r in RULES if r.id >= "G15"]
    _, t_rules = _timed(lambda: [list(r.check(view, r.default_config())) for r in activity])
    stats, t_stats = _timed(lambda: compute_stats(view))
    street = sorted(view.nodes["Street"])[0]
    sub = subgraph(G, street=street)
    _, t_street = _timed(lambda: compute_stats(View(sub, AS_OF), street=street))
    m, t_match = _timed(lambda: match_needs(view))
    print(f"scale {scale:g}: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges; "
          f"{sum(1 for f in a.findings if f.rule >= 'G15'):,} activity findings, "
          f"{len(stats.places)} table rows, {len(m.proposals)} proposals")
    print(f"  analyze (G01-G23) {t_all:.2f}s | activity index {t_index:.2f}s | G15-G23 {t_rules:.2f}s | "
          f"统计表 county {t_stats:.2f}s | one street from its scope ({sub.number_of_nodes():,} nodes) "
          f"{t_street:.2f}s = {t_street / t_stats:.2f}x the county's | match {t_match:.2f}s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scales", nargs="*", type=float, default=[1, 5])
    for scale in p.parse_args().scales:
        run(scale)


if __name__ == "__main__":
    main()
