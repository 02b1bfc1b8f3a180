"""Reading a roster: openpyxl vs python-calamine vs CSV, on the same roster.

For each scale, builds a roster (``scale`` x 3,000 people with one post each,
plus streets, communities, units and their party organizations in
proportion: about 6,300 rows per unit of scale), writes it once as .xlsx
and once as a CSV folder, and times in this one process:

* ``openpyxl read-only``   -- every cell of the workbook through openpyxl's
  streaming reader (the way cobuild read workbooks before python-calamine);
* ``calamine raw``         -- every cell through python-calamine alone;
* ``cobuild .xlsx``        -- :func:`loaders.read_roster` on the workbook
  (package scan + calamine + every reading rule);
* ``cobuild CSV``          -- :func:`loaders.read_roster` on the CSV folder;

and prints CPU seconds (the least of a few runs; openpyxl, the slow one, runs
once), rows per second and the ratio of each to ``cobuild CSV``. The machine
is shared: read the ratios, not the seconds. Asserts nothing but that both
files read as the same roster.

    .venv/bin/python benchmarks/bench_read.py --scale 1 10 40

``run(scale)`` is the entry point ``make bench`` calls: it returns the rows
of figures it printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from graph.roster import Roster
from loaders import read_roster
from loaders.writer import write_roster

PEOPLE_PER_SCALE = 3_000


def build(people: int) -> Roster:
    """A valid roster of ``people`` people, one post each."""
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


def _openpyxl_cells(path: Path) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            n += len(row)
    wb.close()
    return n


def _calamine_cells(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    n = 0
    with CalamineWorkbook.from_path(str(path)) as wb:
        for name in wb.sheet_names:
            for row in wb.get_sheet_by_name(name).iter_rows():
                n += len(row)
    return n


def _cpu(fn, repeat: int) -> float:
    """The least CPU time of ``repeat`` runs (other work on the machine only
    ever adds to it)."""
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def run(scale: float, say=print, repeat: int | None = None) -> list[dict]:
    """Time the four readers on a roster of ``scale``; print a table and
    return its rows (``reader``, ``rows``, ``cpu_s``, ``rows_per_s``,
    ``vs_csv``). Each figure is the least CPU time of ``repeat`` runs
    (default: 3 below scale 10, else 2)."""
    repeat = repeat or (3 if scale < 10 else 2)
    roster = build(max(10, int(PEOPLE_PER_SCALE * scale)))
    rows = sum(roster.counts().values())
    with tempfile.TemporaryDirectory() as d:
        xlsx, folder = Path(d) / "roster.xlsx", Path(d) / "roster_csv"
        write_roster(roster, xlsx)
        write_roster(roster, folder)
        size = os.path.getsize(xlsx) / 1e6
        # the same roster from both files, before anything is timed
        a, b = read_roster(xlsx)[0], read_roster(folder)[0]
        assert [r.values for t in a.tables for r in a.rows(t)] == \
            [r.values for t in b.tables for r in b.rows(t)], "xlsx and CSV read differently"
        timings = [
            ("openpyxl read-only (cells only)", _cpu(lambda: _openpyxl_cells(xlsx), 1)),
            ("calamine raw (cells only)", _cpu(lambda: _calamine_cells(xlsx), repeat)),
            ("cobuild .xlsx (scan + calamine + rules)", _cpu(lambda: read_roster(xlsx), repeat)),
            ("cobuild CSV folder", _cpu(lambda: read_roster(folder), repeat)),
        ]
    csv_s = timings[-1][1]
    load = os.getloadavg()[0]
    say(f"scale {scale:g}: {rows} roster rows, .xlsx {size:.1f} MB, load average {load:.1f} "
        f"on {os.cpu_count()} cores (least CPU seconds of {repeat} runs; read the ratios)")
    out = []
    for label, s in timings:
        row = {"scale": scale, "reader": label, "rows": rows, "cpu_s": round(s, 3),
               "rows_per_s": round(rows / s) if s else None, "vs_csv": round(s / csv_s, 2),
               "load": round(load, 1)}
        out.append(row)
        say(f"  {label:<42} {s:7.2f} s CPU  {row['rows_per_s']:>9} rows/s  {row['vs_csv']:5.2f}x CSV")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, nargs="+", default=[1, 10],
                    help="roster sizes: 1 = 3,000 people (~6,300 rows); 40 = ~250,000 rows")
    args = ap.parse_args(argv)
    for scale in args.scale:
        run(scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
