"""Benchmark of the 补齐方案 (``cobuild recommend``): CP-SAT against the
greedy baseline, side by side, on demo rosters of growing size.

Prints, per scale: the graph's size, the findings an appointment may close,
the candidates, and for each method the solve time, the whole time
(analysis, problem, solve, wording, the check that re-runs every rule), the
plan size (new posts), the closed findings weighted by severity, whether
optimality is proven (and the gap when a time limit stopped it), and
whether the check passed. Then the ratios greedy / CP-SAT. The same graph
is used by both methods. No assertions: figures to read.

Scale 1 is the article's county (~1,750 nodes); scale 57 a city of about
100,000 nodes.

Usage::

    .venv/bin/python benchmarks/bench_plan.py              # scales 1 and 57
    .venv/bin/python benchmarks/bench_plan.py 1 10 --time-limit 30
    .venv/bin/python benchmarks/bench_plan.py 57 --budget 500
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

AS_OF = dt.date(2026, 6, 30)
SEED = 2024


def run(scale: float, time_limit: float, budget: int | None) -> None:
    from graph.analysis.policy import Policy
    from graph.build import roster_to_graph
    from graph.planning import recommend
    from loaders.demo import generate

    t = time.perf_counter()
    G = roster_to_graph(generate(seed=SEED, scale=scale, as_of=AS_OF))
    print(f"\n== scale {scale:g}: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges "
          f"(generated in {time.perf_counter() - t:.1f}s)", flush=True)
    policy = Policy.from_dict({"plan": {"time_limit_seconds": time_limit}})
    rows = {}
    for method in ("cp-sat", "greedy"):
        t = time.perf_counter()
        plan = recommend(G, AS_OF, policy, budget=budget, method=method)
        total = time.perf_counter() - t
        s = plan.solution
        rows[method] = (s, total, plan)
        proven = ("proven" if s.optimal else f"gap {s.gap:.2%}") if method == "cp-sat" else "-"
        print(f"  {method:<7} solve {s.seconds:8.2f}s  whole {total:8.2f}s  posts {s.posts:6d}  "
              f"closed weight {s.weight:6d}/{s.weight_bound:<6d} optimal {proven:<12} "
              f"check {'ok' if plan.check.ok else 'FAILED'}  parts {s.parts}", flush=True)
    (cs, ct, cp), (gs, gt, gp) = rows["cp-sat"], rows["greedy"]
    closed_c = sum(cp.closed_counts().values())
    closed_g = sum(gp.closed_counts().values())
    print(f"  findings closable by rule (before): "
          f"{ {r: n for r, n in cp.before.items() if r in ('G01', 'G04', 'G05', 'G06', 'G08', 'G13')} }")
    print(f"  closed findings: cp-sat {closed_c}, greedy {closed_g}; unclosable: cp-sat {len(cp.unclosable)}, "
          f"greedy {len(gp.unclosable)}")
    if cs.posts:
        print(f"  greedy / cp-sat: posts {gs.posts / cs.posts:.3f}x, solve time "
              f"{gs.seconds / max(cs.seconds, 1e-9):.3f}x, closed weight {gs.weight / max(cs.weight, 1):.3f}x")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scales", nargs="*", type=float, default=[1.0, 57.0])
    ap.add_argument("--time-limit", type=float, default=60.0, help="CP-SAT time limit per model (s)")
    ap.add_argument("--budget", type=int, default=None, help="at most this many new posts")
    args = ap.parse_args(argv)
    for s in args.scales:
        run(s, args.time_limit, args.budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
