"""Benchmark: how long the demo generator takes per scale (not a test).

Each scale runs in a fresh Python process so the peak memory (max RSS) is
that scale's own. Prints one line per scale: nodes, relationship rows,
generation time, validation time, optional write time, and peak memory.

Usage::

    .venv/bin/python benchmarks/bench_demo.py               # scales 1 10 50 100
    .venv/bin/python benchmarks/bench_demo.py 1 10 --write  # also write an .xlsx
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2025, 6, 30)


def one(scale: float, write: bool) -> dict:
    """Measure one scale in this process."""
    from graph import schema
    from loaders import validate
    from loaders.demo import generate
    from loaders.writer import write_roster

    t0 = time.perf_counter()
    roster = generate(seed=2024, scale=scale, as_of=AS_OF)
    t1 = time.perf_counter()
    issues = validate(roster)
    t2 = time.perf_counter()
    out = {"scale": scale, "generate_s": t1 - t0, "validate_s": t2 - t1,
           "errors": sum(1 for i in issues if i.severity == "error")}
    counts = roster.counts()
    out["nodes"] = sum(n for k, n in counts.items() if schema.table(k).node)
    out["rel_rows"] = sum(n for k, n in counts.items() if schema.table(k).edge)
    if write:
        with tempfile.TemporaryDirectory() as d:
            t3 = time.perf_counter()
            write_roster(roster, Path(d) / "demo.xlsx")
            out["write_s"] = time.perf_counter() - t3
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="演示数据生成耗时 / demo generator timing")
    ap.add_argument("scales", nargs="*", type=float, default=[1, 10, 50, 100])
    ap.add_argument("--write", action="store_true", help="也写出 .xlsx / also write an .xlsx")
    ap.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one is not None:
        print(json.dumps(one(args.one, args.write)))
        return 0
    print(f"{'scale':>6} {'nodes':>8} {'rel rows':>9} {'generate s':>11} {'validate s':>11} "
          f"{'write s':>8} {'peak MB':>8} {'errors':>6}")
    for s in args.scales:
        cmd = [sys.executable, __file__, "--one", str(s)] + (["--write"] if args.write else [])
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        write = f"{r['write_s']:.2f}" if "write_s" in r else "-"
        print(f"{r['scale']:>6g} {r['nodes']:>8} {r['rel_rows']:>9} {r['generate_s']:>11.2f} "
              f"{r['validate_s']:>11.2f} {write:>8} {r['peak_mb']:>8.0f} {r['errors']:>6}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
