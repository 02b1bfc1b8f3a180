"""Read/check/write time of a large roster workbook.

Builds a roster of ``--people`` people (one post each, plus streets,
communities, units and their party organizations in proportion), writes it
as .xlsx and as a CSV folder, then reads and checks both. Prints the
figures; asserts nothing.

    .venv/bin/python benchmarks/bench_read.py --people 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from graph.roster import Roster
from loaders import check_roster, read_roster
from loaders.writer import write_roster


def build(people: int) -> Roster:
    r = Roster()
    n_comm = max(1, people // 500)
    n_units = max(2, people // 20)
    for s in range(max(1, n_comm // 8)):
        r.add("streets", {"code": f"S{s:03d}", "name": f"街道{s}"})
    n_streets = len(r.rows("streets"))
    for c in range(n_comm):
        r.add("communities", {"code": f"C{c:05d}", "name": f"社区{c}", "street": f"S{c % n_streets:03d}"})
        r.add("party_orgs", {"code": f"CO{c:05d}", "name": f"社区{c}党委", "kind": "community_committee",
                             "community": f"C{c:05d}"})
    for u in range(n_units):
        comm = f"C{u % n_comm:05d}"
        r.add("units", {"code": f"U{u:06d}", "name": f"单位{u}", "kind": "private", "community": comm})
        r.add("party_orgs", {"code": f"UO{u:06d}", "name": f"单位{u}党支部", "kind": "unit_branch",
                             "units": [f"U{u:06d}"], "member_of": [f"CO{u % n_comm:05d}"]})
    for p in range(people):
        r.add("people", {"code": f"P{p:07d}", "name": f"人员{p}", "phone": f"138{p:08d}",
                         "party_member": p % 3 != 0})
        r.add("posts", {"person": f"P{p:07d}", "org": f"UO{p % n_units:06d}", "role": "委员",
                        "post_type": "own", "start": dt.date(2020, 1, 1) + dt.timedelta(days=p % 1500)})
    return r


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    print(f"{label:<36} {time.perf_counter() - t:7.2f} s wall {time.process_time() - c:7.2f} s CPU"
          f"   (peak RSS {rss_mb():.0f} MB)")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=100_000)
    args = ap.parse_args()
    roster = timed("build roster in memory", lambda: build(args.people))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times stretch under load)")
    rows = sum(roster.counts().values())
    print(f"rows: {rows}  ({roster.counts()})")
    with tempfile.TemporaryDirectory() as d:
        xlsx, folder = Path(d) / "big.xlsx", Path(d) / "big_csv"
        timed("write .xlsx (write-only)", lambda: write_roster(roster, xlsx))
        print(f"  .xlsx size {os.path.getsize(xlsx) / 1e6:.1f} MB")
        timed("write CSV folder", lambda: write_roster(roster, folder))
        _, issues = timed("read .xlsx (read-only)", lambda: read_roster(xlsx))
        timed("check .xlsx (read + validate)", lambda: check_roster(xlsx))
        timed("read CSV folder", lambda: read_roster(folder))
        _, issues = timed("check CSV folder", lambda: check_roster(folder))
        errors = sum(1 for i in issues if i.severity == "error")
        print(f"issues: {len(issues)} ({errors} errors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
