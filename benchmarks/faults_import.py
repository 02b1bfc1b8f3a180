"""Fault injection: imports killed midway, imports racing each other.

Runs ``cobuild import`` (the real command, as a subprocess) against a real
local Neo4j and checks the stored graph after every fault. Three kinds of
tries:

* ``client-kill``: import roster B over roster A, SIGKILL the ``cobuild``
  process at a random moment while it writes (after it says "writing"),
  then compare the stored graph with A's and B's graphs. It must be exactly
  one of them (the single transaction committed, or not at all).
* ``server-kill``: the same, but SIGKILL the Neo4j server itself; restart it,
  then compare. Also measures how long ``cobuild`` takes to give up and
  whether it printed only cobuild's own words (no driver retry lines, no
  traceback).
* ``race``: N ``cobuild import`` of the same roster started at once into an
  EMPTY database (no constraints yet). Every one must succeed, print only
  cobuild's words, and the stored graph must be the roster's.

For each kind it prints tries, torn states (a stored graph that is neither
before nor after), lost rows (nodes and relationships expected in both the
before and the after graph that are missing), raw lines (driver log or
traceback lines a user would see) and timings. Asserts nothing; exit 0.

A private Neo4j is started in a temporary folder and stopped at the end.
Slow (minutes: a JVM restart per server kill), so it is not part of CI:

    .venv/bin/python benchmarks/faults_import.py --client-kills 20 --server-kills 3 --races 5
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import networkx as nx

from cobuild import localserver as server
from cobuild.database import connect
from graph import queries, store
from graph.build import roster_to_graph
from graph.settings import Settings
from loaders import load_roster
from loaders.demo import generate
from loaders.writer import write_roster

AS_OF = dt.date(2025, 6, 30)
EXE = str(Path(sys.executable).with_name("cobuild"))
WRITING = "writing to Neo4j"
#: What a user should never see: the driver's log lines and Python's.
RAW = ("Transaction failed and will be retried", "Neo.TransientError", "Neo.ClientError",
       "Traceback", "neo4j.exceptions", "Unable to retrieve routing", "Failed to read from")


def rosters(scale: float, seed: int):
    """Roster A (the demo county) and B: every unit renamed, every third post
    gone, 30 new people -- so B's import writes to most of the graph."""
    a = generate(seed=seed, scale=scale, as_of=AS_OF)
    b = copy.deepcopy(a)
    for row in b.rows("units"):
        row.values["name"] = row.values["name"] + "（新）"
    b.tables["posts"] = [row for i, row in enumerate(b.rows("posts")) if i % 3]
    for i in range(30):
        b.add("people", {"code": f"PFAULT{i:03d}", "name": f"新人{i}"})
    return a, b


def signature(G: nx.MultiDiGraph) -> tuple[frozenset, frozenset]:
    """Nodes with their properties and edges with theirs, comparable."""
    nodes = frozenset((n, tuple(sorted((k, str(v)) for k, v in d.items())))
                      for n, d in G.nodes(data=True))
    edges = frozenset((u, v, k, tuple(sorted((p, str(x)) for p, x in d.items())))
                      for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges


def judge(stored: nx.MultiDiGraph, before: nx.MultiDiGraph, after: nx.MultiDiGraph) -> tuple[str, int]:
    """``("before" | "after" | "torn", lost rows)``."""
    sig = signature(stored)
    if sig == signature(before):
        return "before", 0
    if sig == signature(after):
        return "after", 0
    common_nodes = set(before) & set(after)
    common_edges = set(before.edges(keys=True)) & set(after.edges(keys=True))
    lost = len(common_nodes - set(stored)) + len(common_edges - set(stored.edges(keys=True)))
    for name, G in (("before", before), ("after", after)):
        nodes, edges = signature(G)
        print(f"    torn: vs {name}: {len(sig[0] - nodes)} nodes and {len(sig[1] - edges)} "
              f"relationships differ or are extra, {len(nodes - sig[0])} and "
              f"{len(edges - sig[1])} missing or differ", flush=True)
    return "torn", lost


def raw_lines(text: str) -> int:
    return sum(1 for line in text.splitlines() if any(r in line for r in RAW))


class Lab:
    """A private Neo4j in a temporary COBUILD_HOME, and ``cobuild import`` runs
    against it."""

    def __init__(self, home: Path, heap: str) -> None:
        self.home = home
        self.heap = heap
        self.start()

    def start(self) -> None:
        self.info, _ = server.start(self.home, heap=self.heap, progress=lambda m: None)
        self.settings = Settings(cobuild_home=self.home)
        user, password = server.read_credentials(self.home).auth
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")},
                    "NEO4J_URI": self.info.bolt_uri, "NEO4J_USER": user,
                    "NEO4J_PASSWORD": password, "COBUILD_HOME": str(self.home)}

    def kill_server(self) -> None:
        os.kill(self.info.pid, signal.SIGKILL)

    def wait_server_gone(self) -> None:
        """Until the killed server's port takes no connection (its pid may
        linger as a zombie of this process)."""
        port = int(self.info.bolt_uri.rsplit(":", 1)[1])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.2)

    def db(self):
        return connect(self.settings)

    def stored(self) -> nx.MultiDiGraph:
        with self.db() as db:
            return store.load_graph(db)

    def wipe(self) -> None:
        with self.db() as db:
            db.run(queries.DELETE_ALL)
            for row in db.run(queries.LIST_CONSTRAINTS):
                db.run(queries.DROP_CONSTRAINT, name=row["name"])
            for row in db.run(queries.LIST_INDEXES):
                db.run(queries.DROP_INDEX, name=row["name"])

    def load(self, roster) -> None:
        with self.db() as db:
            db.run(queries.DELETE_ALL)
            store.import_roster(db, roster)

    def cobuild(self, path: Path) -> subprocess.Popen:
        return subprocess.Popen([EXE, "import", str(path), "--yes"], env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_writing(proc: subprocess.Popen) -> str:
    """stderr up to the "writing" line (the transaction is about to start)."""
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if WRITING in line:
            break
    return "".join(seen)


def timed_import(lab: Lab, path: Path) -> tuple[float, float]:
    """Seconds of a whole ``cobuild import`` and of its writing part."""
    t0 = time.monotonic()
    proc = lab.cobuild(path)
    wait_for_writing(proc)
    t1 = time.monotonic()
    proc.communicate()
    t2 = time.monotonic()
    return t2 - t0, t2 - t1


def kill_tries(lab: Lab, files: dict, graphs: dict, tries: int, kill_server: bool,
               rng: random.Random) -> dict:
    lab.load(files["A_roster"])
    current = "A"
    _, write_s = timed_import(lab, files["B"])  # measure, and leave B stored
    current = "B"
    out = Counter()
    waits, raws = [], 0
    for i in range(tries):
        target = "A" if current == "B" else "B"
        proc = lab.cobuild(files[target])
        err = wait_for_writing(proc)
        delay = rng.uniform(0, write_s)
        time.sleep(delay)
        t_kill = time.monotonic()
        if kill_server:
            lab.kill_server()
            stdout, rest = proc.communicate(timeout=300)
            waits.append(time.monotonic() - t_kill)
            raws += raw_lines(stdout + err + rest)
            out["exit %d" % proc.returncode] += 1
            said = [ln for ln in (stdout + rest).splitlines() if "error" in ln.lower()][:2]
            print(f"    cobuild exit {proc.returncode} after {waits[-1]:.1f} s: {said}", flush=True)
            lab.wait_server_gone()
            lab.start()
        else:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
        state, lost = judge(lab.stored(), graphs[current], graphs[target])
        out[state] += 1
        out["lost rows"] += lost
        if state == "after":
            current = target
        elif state == "torn":  # start the next try from a known state
            lab.load(files[target + "_roster"])
            current = target
        print(f"  try {i + 1}: killed {delay:.2f} s into the writing -> {state}"
              + (f", lost {lost}" if lost else ""), flush=True)
    return {"tries": tries, "counter": out, "waits": waits, "raw": raws, "write_s": write_s}


def race_tries(lab: Lab, path: Path, graph: nx.MultiDiGraph, tries: int, n: int) -> dict:
    out = Counter()
    raws, seconds = 0, []
    for i in range(tries):
        lab.wipe()
        t0 = time.monotonic()
        procs = [lab.cobuild(path) for _ in range(n)]
        results = [p.communicate() for p in procs]
        seconds.append(time.monotonic() - t0)
        for p, (so, se) in zip(procs, results):
            out["exit %d" % p.returncode] += 1
            raws += raw_lines(so + se)
            if p.returncode:
                print("    a racer failed:", " | ".join((so + se).strip().splitlines()[-3:]),
                      flush=True)
        state, lost = judge(lab.stored(), graph, graph)
        out["torn" if state == "torn" else "whole"] += 1
        out["lost rows"] += lost
        with lab.db() as db:
            records = store.import_history(db)
        out["records %d" % len(records)] += 1
        print(f"  race {i + 1}: exits {[p.returncode for p in procs]}, {state}, "
              f"{seconds[-1]:.1f} s", flush=True)
    return {"tries": tries, "counter": out, "raw": raws, "seconds": seconds}


def report(kind: str, r: dict) -> None:
    c = r["counter"]
    torn = c.get("torn", 0)
    print(f"{kind}: tries {r['tries']}, torn states {torn}, lost rows {c.get('lost rows', 0)}, "
          f"raw lines {r['raw']}, outcomes "
          + ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k not in ("torn", "lost rows")))
    if r.get("waits"):
        w = sorted(r["waits"])
        print(f"  cobuild gave up {w[0]:.1f}–{w[-1]:.1f} s after the server was killed "
              f"(median {w[len(w) // 2]:.1f} s)")
    if r.get("seconds"):
        s = sorted(r["seconds"])
        print(f"  race wall time {s[0]:.1f}–{s[-1]:.1f} s")
    if r.get("write_s"):
        print(f"  one import's writing part took {r['write_s']:.1f} s (kills land within it)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="demo county scale (default 1)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--client-kills", type=int, default=20, help="SIGKILLs of cobuild (default 20)")
    ap.add_argument("--server-kills", type=int, default=3,
                    help="SIGKILLs of the Neo4j server (default 3; each restarts it)")
    ap.add_argument("--races", type=int, default=5, help="concurrent-import runs (default 5)")
    ap.add_argument("--racers", type=int, default=2, help="imports per race (default 2)")
    ap.add_argument("--heap", default="1g", help="heap of the private server (default 1g)")
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    a, b = rosters(args.scale, args.seed)
    with tempfile.TemporaryDirectory(prefix="cobuild-faults-") as tmp:
        tmp = Path(tmp)
        files = {"A": write_roster(a, tmp / "A"), "B": write_roster(b, tmp / "B")}
        # the rosters as `cobuild import` reads them from the files
        a, b = load_roster(files["A"]), load_roster(files["B"])
        files.update(A_roster=a, B_roster=b)
        graphs = {"A": roster_to_graph(a), "B": roster_to_graph(b)}
        print(f"roster A: {sum(a.counts().values())} rows, {graphs['A'].number_of_nodes()} nodes, "
              f"{graphs['A'].number_of_edges()} relationships; B differs in "
              f"{len(b.rows('units'))} unit names, {len(a.rows('posts')) - len(b.rows('posts'))} "
              "posts, 30 people", flush=True)
        lab = Lab(tmp / "home", args.heap)
        try:
            results = {}
            if args.client_kills:
                print("client kills:", flush=True)
                results["SIGKILL cobuild mid-import"] = kill_tries(
                    lab, files, graphs, args.client_kills, False, rng)
            if args.server_kills:
                print("server kills:", flush=True)
                results["SIGKILL Neo4j mid-import"] = kill_tries(
                    lab, files, graphs, args.server_kills, True, rng)
            if args.races:
                print("races:", flush=True)
                results[f"{args.racers} concurrent imports into an empty database"] = race_tries(
                    lab, files["A"], graphs["A"], args.races, args.racers)
            print()
            for kind, r in results.items():
                report(kind, r)
        finally:
            server.stop(lab.home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
