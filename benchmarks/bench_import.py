"""Import speed: the demo county at several scales into a real Neo4j.

For each scale: generate the demo roster (``loaders.demo.generate``), build
its graph, then time

* the first import into an empty database (rows/s, graph elements/s);
* the same roster again (nothing changes: the diff only);
* a replacement with about 1 % of the units and people removed;
* ``load_graph`` of the whole graph and of one community.

Prints the figures; asserts nothing. By default a private Neo4j is started
in a temporary folder and stopped at the end; ``--uri`` uses a running one
instead -- its database is EMPTIED, so ``--wipe`` must say so.

    .venv/bin/python benchmarks/bench_import.py --scales 1,5,20
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from cobuild import localserver as server
from graph import queries, store
from graph.build import roster_to_graph
from cobuild.database import connect
from graph.settings import Settings
from loaders.demo import generate

AS_OF = dt.date(2025, 6, 30)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def wipe(db) -> None:
    db.run(queries.DELETE_ALL)


def smaller(roster, share: float = 0.01):
    """A copy without every ``1/share``-th unit and person. (The store does not
    validate: references to the rows removed simply make no relationship.)"""
    r = copy.deepcopy(roster)
    step = int(1 / share)
    for table in ("units", "people"):
        r.tables[table] = [row for i, row in enumerate(r.rows(table)) if i % step]
    return r


def bench(db, scale: float, seed: int) -> None:
    roster, t_gen = timed(lambda: generate(seed=seed, scale=scale, as_of=AS_OF))
    G, t_graph = timed(lambda: roster_to_graph(roster))
    rows = sum(roster.counts().values())
    elements = G.number_of_nodes() + G.number_of_edges()
    print(f"\n== scale {scale}: {rows} roster rows, {G.number_of_nodes()} nodes, "
          f"{G.number_of_edges()} relationships ==")
    print(f"  generate {t_gen:6.2f} s   roster_to_graph {t_graph:6.2f} s")
    wipe(db)
    store.ensure_schema(db)
    first, t1 = timed(lambda: store.import_roster(db, roster))
    print(f"  first import      {t1:7.2f} s   {rows / t1:9.0f} rows/s   "
          f"{elements / t1:9.0f} elements/s   (created {first.created})")
    again, t2 = timed(lambda: store.import_roster(db, roster))
    print(f"  same roster again {t2:7.2f} s   {rows / t2:9.0f} rows/s   "
          f"(created {again.created}, changed {again.changed}, deleted {again.deleted})")
    less = smaller(roster)
    repl, t3 = timed(lambda: store.import_roster(db, less, progress=None))
    print(f"  ~1 % rows removed {t3:7.2f} s   {sum(less.counts().values()) / t3:9.0f} rows/s   "
          f"(created {repl.created}, changed {repl.changed}, deleted {repl.deleted})")
    H, t4 = timed(lambda: store.load_graph(db))
    print(f"  load_graph whole  {t4:7.2f} s   {H.number_of_nodes() + H.number_of_edges():9d} "
          "elements")
    community = sorted(less.codes("communities"))[0]
    S, t5 = timed(lambda: store.load_graph(db, community=community))
    _, t6 = timed(lambda: store.load_graph(db, community=community))
    print(f"  load_graph {community:<6} {t5:7.2f} s   {S.number_of_nodes():9d} nodes "
          f"({t6:.2f} s the second time: query plans cached)")
    print(f"  peak RSS of this process {rss_mb():.0f} MB")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,5", help="comma-separated demo scales (default 1,5)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--uri", help="use this running Neo4j (NEO4J_USER/NEO4J_PASSWORD from env)")
    ap.add_argument("--wipe", action="store_true", help="allow emptying the --uri database")
    ap.add_argument("--heap", default="1g", help="heap of the private server (default 1g)")
    args = ap.parse_args()
    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    scales = [float(s) for s in args.scales.split(",")]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(wall times stretch under load)")
    if args.uri:
        if not args.wipe:
            print("--uri empties that database: add --wipe to confirm", file=sys.stderr)
            return 2
        settings = Settings(neo4j_uri=args.uri, neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
                            neo4j_password=os.environ.get("NEO4J_PASSWORD"))
        with connect(settings) as db:
            print(db.server_version())
            for s in scales:
                bench(db, s, args.seed)
        return 0
    with tempfile.TemporaryDirectory(prefix="cobuild-bench-") as home:
        server.start(Path(home), heap=args.heap)
        try:
            with connect(Settings(cobuild_home=Path(home))) as db:
                print(f"{db.server_version()} (private, heap {args.heap}), batch "
                      f"{store.BATCH_SIZE} rows per UNWIND")
                for s in scales:
                    bench(db, s, args.seed)
        finally:
            server.stop(Path(home))
    return 0


if __name__ == "__main__":
    sys.exit(main())
