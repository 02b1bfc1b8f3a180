"""Benchmark of the gap analysis on demo rosters of growing size.

Prints, per scale: the roster's size, then time and peak memory

* end to end from the roster file (read + check, build the graph, analyze
  with the structural figures), for the .xlsx workbook and the CSV folder;
* analysis only (the graph already built): rules + summary, and the
  structural figures (betweenness, articulation points, components).

Each measurement runs in a fresh subprocess; peak memory is the process's
peak resident set (``VmHWM``; for "analysis only" it is reset just before the
analysis, so it is the peak while analyzing, graph included). No assertions:
these are figures to read. Targets (issue 4): the article-sized county
(scale 1) under 1 s end to end; a 100k-node city under 30 s and 4 GB.

Usage::

    .venv/bin/python benchmarks/bench_analysis.py              # scales 1 10 100
    .venv/bin/python benchmarks/bench_analysis.py 1 10 60 --no-xlsx
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2025, 6, 30)
SEED = 2024


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def child(mode: str, arg: str) -> dict:
    """One measurement, in this (fresh) process."""
    from graph.analysis import analyze
    from graph.build import roster_to_graph

    out: dict = {}
    if mode == "e2e":
        import loaders
        t0 = time.perf_counter()
        roster = loaders.load_roster(arg)
        t1 = time.perf_counter()
        G = roster_to_graph(roster)
        t2 = time.perf_counter()
        a = analyze(G, AS_OF)
        t3 = time.perf_counter()
        out.update(read=t1 - t0, build=t2 - t1, analyze=t3 - t2, total=t3 - t0)
    else:
        from loaders.demo import generate
        G = roster_to_graph(generate(seed=SEED, scale=float(arg), as_of=AS_OF))
        out["peak_reset"] = _reset_peak()
        t0 = time.perf_counter()
        a = analyze(G, AS_OF, with_structure=False)
        t1 = time.perf_counter()
        from graph.analysis.structure import compute_structure
        from graph.analysis.view import View
        v = View(G, AS_OF)
        t2 = time.perf_counter()
        s = compute_structure(v, a.policy.structure)
        t3 = time.perf_counter()
        out.update(rules=t1 - t0, structure=t3 - t2, total=(t1 - t0) + (t3 - t2),
                   betweenness=s["betweenness"]["method"])
    out.update(peak_mb=_peak_mb(), nodes=G.number_of_nodes(), edges=G.number_of_edges(),
               findings=len(a.findings))
    return out


def _run_child(mode: str, arg: str) -> dict:
    r = subprocess.run([sys.executable, __file__, "--child", mode, arg], capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"exit {r.returncode}"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scales", nargs="*", type=float, default=[1, 10, 100])
    ap.add_argument("--no-xlsx", action="store_true", help="skip the .xlsx workbook (slow to write at scale)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return

    from loaders.demo import generate
    from loaders.writer import write_roster

    print(f"cobuild analysis benchmark — seed {SEED}, as of {AS_OF}, python {sys.version.split()[0]}")
    print(f"{'scale':>6} {'nodes':>8} {'edges':>8} {'what':<28} {'time s':>8} {'peak MB':>8}  detail")
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            roster = generate(seed=SEED, scale=scale, as_of=AS_OF)
            targets = [("csv", write_roster(roster, Path(tmp) / f"s{scale}"))]
            if not args.no_xlsx:
                targets.insert(0, ("xlsx", write_roster(roster, Path(tmp) / f"s{scale}.xlsx")))
            del roster
            for kind, path in targets:
                if scale <= 10:  # the whole command, interpreter start included
                    exe = Path(sys.executable).with_name("cobuild")
                    t0 = time.perf_counter()
                    cp = subprocess.run([str(exe), "analyze", str(path), "--as-of", AS_OF.isoformat(),
                                         "--format", "json", "-q"], capture_output=True)
                    wall = time.perf_counter() - t0
                    state = "" if cp.returncode == 0 else f" (exit {cp.returncode})"
                    print(f"{scale:>6g} {'':>8} {'':>8} {'cobuild analyze (' + kind + ')':<28} "
                          f"{wall:>8.2f} {'':>8}  whole command, wall clock{state}")
                r = _run_child("e2e", str(path))
                if "error" in r:
                    print(f"{scale:>6g} {'':>8} {'':>8} {'end to end (' + kind + ')':<28} error: {r['error']}")
                    continue
                print(f"{scale:>6g} {r['nodes']:>8} {r['edges']:>8} {'end to end (' + kind + ')':<28} "
                      f"{r['total']:>8.2f} {r['peak_mb']:>8.0f}  read {r['read']:.2f} + build "
                      f"{r['build']:.2f} + analyze {r['analyze']:.2f}; {r['findings']} findings")
            r = _run_child("analysis", str(scale))
            if "error" in r:
                print(f"{scale:>6g} analysis only: error: {r['error']}")
                continue
            print(f"{scale:>6g} {r['nodes']:>8} {r['edges']:>8} {'analysis only':<28} {r['total']:>8.2f} "
                  f"{r['peak_mb']:>8.0f}  rules+summary {r['rules']:.2f} + structure {r['structure']:.2f} "
                  f"(betweenness {r['betweenness']})")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
