"""cobuild's store and analysis side by side with the alternatives (issue 16).

``make bench`` runs this. For each demo-county scale (default 1, 10, 40) one
child process starts a private local Neo4j with the product's defaults
(:func:`cobuild.localserver.start`: the default heap, page cache and
transaction memory; it warms the query plans up when it starts), and measures, in that one process:

* the first import right after the server started (the usual CLI case),
  the re-import of the unchanged roster, a replacement with ~1 % of the
  units and people removed, and the first import into an emptied database
  with the query plans warm;
* the same graph written by the alternatives: one ``MERGE`` statement per
  row (on a sample, extrapolated), one ``UNWIND ... CREATE`` per label and
  relationship kind (no diff, no read-back: the bound of a diffing import),
  and ``neo4j-admin database import full`` (offline bulk load, from the same
  Maven artifacts as the server, into a separate store);
* ``analyze --db`` (``cobuild.sources.open_graph(db=True)`` + ``analyze``)
  right after that import and again later (least of 3), the whole ``cobuild
  analyze --db`` command as a planner runs it (a fresh Python: imports,
  connection, text report to a file), and the Cypher peer of rules G01 and
  G04 on the same database (and whether both find the same);
* ``cobuild --help`` in a fresh Python (what every command pays to start);
* the roster readers, by running ``benchmarks/bench_read.py``'s entry point
  on a roster of about the same size.

Then it prints one table: figures per scale, ratios within each run, and
the load average (2 cores shared with other work: read the ratios, not the
seconds). Nothing is asserted.

    .venv/bin/python benchmarks/bench_compare.py               # scales 1,10,40
    .venv/bin/python benchmarks/bench_compare.py --scales 1 --no-reader
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2025, 6, 30)
SEED = 2024
#: elements (nodes + relationships) written one statement each, for the per-row peer
SAMPLE = 600

Row = tuple[str, str]  # (what, figure as printed)
#: a child prints each row as it is measured on a line starting with this
ROW_MARK = "@@row "


class Rows(list):
    """The rows of one child, printed as they come (a crash keeps the rows so far)."""

    def append(self, row: Row) -> None:
        super().append(row)
        print(ROW_MARK + json.dumps(row, ensure_ascii=False), flush=True)

    def extend(self, rows) -> None:
        for row in rows:
            self.append(row)


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def load() -> str:
    return "{:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def attempt(fn):
    """``(result, seconds, error text or None)``: a failure is a figure too."""
    t = time.perf_counter()
    try:
        return fn(), time.perf_counter() - t, None
    except Exception as exc:  # noqa: BLE001 - reported in the table
        text = " ".join(str(exc).split())
        return None, time.perf_counter() - t, f"{type(exc).__name__}: {text[:90]}"


# --------------------------------------------------------------------- helpers


def wipe(db) -> None:
    """Empty the database in bounded transactions."""
    from graph import queries as Q

    with db.driver.session(database=db.database) as s:
        s.run(Q.DELETE_ALL_IN_BATCHES).consume()


def smaller(roster, share: float = 0.01):
    """A copy without every ``1/share``-th unit and person (the store does not
    validate: references to removed rows make no relationship)."""
    r = copy.deepcopy(roster)
    step = int(1 / share)
    for table in ("units", "people"):
        r.tables[table] = [row for i, row in enumerate(r.rows(table)) if i % step]
    r.sha256 = None
    return r


def graph_rows(G):
    """The graph as write rows: ``{label: [props]}`` and
    ``{(type, source label, target label): [{source, target, props}]}``,
    every element tagged with all of the roster's streets (no diff)."""
    from graph import schema

    streets = sorted(c for n, c in G.nodes(data="code") if n.startswith("Street:"))
    nodes: dict[str, list] = {}
    for n, d in G.nodes(data=True):
        props = {k: v for k, v in d.items() if k != "label"}
        nodes.setdefault(d["label"], []).append({**props, "_streets": streets})
    rels: dict[tuple, list] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        (sl, sc), (tl, tc) = schema.split_node_id(u), schema.split_node_id(v)
        props = {p: x for p, x in d.items() if p != "type"}
        rels.setdefault((d["type"], sl, tl), []).append(
            {"source": sc, "target": tc, "props": {**props, "key": k, "_streets": streets}})
    return nodes, rels


def unwind_per_kind(db, G) -> None:
    """One ``UNWIND ... CREATE`` per label and relationship kind, one transaction."""
    from graph import queries as Q

    nodes, rels = graph_rows(G)

    def work(tx):
        for label, rows in nodes.items():
            tx.run(Q.CREATE_NODES[label], rows=[{"props": p} for p in rows]).consume()
        for key, rows in rels.items():
            tx.run(Q.CREATE_RELS[key], rows=rows).consume()

    db.execute_write(work)


def per_row_sample(db, G, size: int) -> int:
    """One ``MERGE`` statement per element, for a sample of about ``size``
    elements (every k-th relationship with its two ends); returns how many."""
    from graph import queries as Q

    nodes, rels = graph_rows(G)
    flat = [(key, r) for key, rows in rels.items() for r in rows]
    step = max(1, len(flat) * 3 // size)
    picked = flat[::step][: size // 3]
    wanted = {(s, r["source"]) for (_, s, _), r in picked} | {(t, r["target"]) for (_, _, t), r in picked}
    node_rows = [(label, p) for label, rows in nodes.items() for p in rows if (label, p["code"]) in wanted]

    def work(tx):
        for label, props in node_rows:
            tx.run(Q.MERGE_ONE_NODE[label], code=props["code"], props=props).consume()
        for key, r in picked:
            tx.run(Q.MERGE_ONE_REL[key], source=r["source"], target=r["target"],
                   key=r["props"]["key"], props=r["props"]).consume()

    db.execute_write(work)
    wipe(db)
    return len(node_rows) + len(picked)


# ----------------------------------------------------------- neo4j-admin import


def _csv_type(values) -> str:
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            return "boolean"
        if isinstance(v, int):
            return "long"
        if isinstance(v, float):
            return "double"
        if isinstance(v, dt.date):
            return "date"
        if isinstance(v, (list, tuple)):
            return "string[]"
        return "string"
    return "string"


def _csv_value(v, kind: str) -> str:
    if v is None:
        return ""
    if kind == "string[]":
        return ";".join(map(str, v))
    if kind == "boolean":
        return "true" if v else "false"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _write_csv(path: Path, id_cols: list[str], id_vals, records: list[dict]) -> None:
    keys = sorted({k for r in records for k in r})
    kinds = {k: _csv_type(r.get(k) for r in records) for k in keys}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(id_cols + [f"{k}:{kinds[k]}" for k in keys])
        for ids, r in zip(id_vals, records):
            w.writerow(list(ids) + [_csv_value(r.get(k), kinds[k]) for k in keys])


def admin_csv(G, folder: Path) -> list[str]:
    """The graph as neo4j-admin import CSV files; returns the import arguments."""
    nodes, rels = graph_rows(G)
    args = []
    for label, rows in nodes.items():
        f = folder / f"n_{label}.csv"
        recs = [{k: v for k, v in p.items() if k != "code"} for p in rows]
        _write_csv(f, [f"code:ID({label})"], ([p["code"]] for p in rows), recs)
        args.append(f"--nodes={label}={f}")
    for (type_, s, t), rows in rels.items():
        f = folder / f"r_{type_}_{s}_{t}.csv"
        _write_csv(f, [f":START_ID({s})", f":END_ID({t})"],
                   ([r["source"], r["target"]] for r in rows), [r["props"] for r in rows])
        args.append(f"--relationships={type_}={f}")
    return args


def admin_import(args: list[str], folder: Path) -> None:
    """``neo4j-admin database import full`` into a fresh store under ``folder``."""
    from cobuild import localserver as server
    from cobuild.localserver.credentials import ADMIN_TOOL
    from cobuild.localserver.java import _jvm_flags_for

    version = server.neo4j_version()
    java = server.find_java(version)
    jars = server.fetch(version, _dist_dir(version), java, say)
    home = folder / "admin-home"
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(
        f"server.directories.data={home / 'data'}\nserver.directories.logs={home / 'logs'}\n")
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    cmd = [java.path, "-Xmx1g", *_jvm_flags_for(java.major), "-cp", os.pathsep.join(jars),
           ADMIN_TOOL, "database", "import", "full", "neo4j", "--overwrite-destination=true",
           *args]
    out = subprocess.run(cmd, cwd=home, env=env, capture_output=True, text=True, errors="replace")
    if out.returncode != 0:
        raise RuntimeError((out.stdout + out.stderr).strip().splitlines()[-1])


def _dist_dir(version: str) -> Path:
    return Path(tempfile.gettempdir()) / "cobuild-bench" / "dist" / version


# ----------------------------------------------------------------------- reader




def reader_rows(scale: float) -> list[Row]:
    """Run ``bench_read.py``'s entry point (:func:`bench_read.run`) on a
    roster of this scale: each reader's least CPU seconds and its ratio to
    the CSV folder."""
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_read

    found = bench_read.run(scale, say=say)
    rows: list[Row] = [("reader: roster rows (bench_read.py's roster)", f"{found[0]['rows']}")]
    for r in found:
        ratio = "" if r["reader"].startswith("cobuild CSV") else f"  ({r['vs_csv']:.2f}× CSV)"
        rows.append((f"reader: {r['reader']}", f"{r['cpu_s']:.2f} s CPU{ratio}"))
    return rows


# ------------------------------------------------------------------------ child


def child(scale: float, sample: int, with_reader: bool, with_admin: bool) -> list[Row]:
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    import loaders
    from cobuild import localserver as server
    from cobuild.database import connect
    from cobuild.sources import open_graph
    from graph import queries as Q
    from graph import schema, store
    from graph.analysis import analyze
    from graph.build import roster_to_graph
    from graph.settings import Settings
    from loaders.demo import generate
    from loaders.writer import write_roster

    rows = Rows([])
    rows.append(("load average (1/5/15 min) at start", load()))
    tmp = Path(tempfile.mkdtemp(prefix="cobuild-bench-"))
    home = tmp / "home"
    os.environ["COBUILD_HOME"] = str(home)
    os.environ.pop("NEO4J_URI", None)
    say(f"[scale {scale:g}] generating the demo county …")
    generated = generate(seed=SEED, scale=scale, as_of=AS_OF)
    folder = write_roster(generated, tmp / "roster")
    roster, t_read = timed(lambda: loaders.load_roster(folder))  # sets sha256 like a file import
    G = roster_to_graph(roster)
    n_rows = sum(roster.counts().values())
    elements = G.number_of_nodes() + G.number_of_edges()
    rows.append(("roster rows / nodes / relationships",
                 f"{n_rows} / {G.number_of_nodes()} / {G.number_of_edges()}"))
    rows.append(("read + check the CSV roster", f"{t_read:.2f} s"))
    started = _whole_command(["--help"])
    if started:
        rows.append(("`cobuild --help` (a fresh Python: what every command pays to start)", started))

    say(f"[scale {scale:g}] starting a private Neo4j with the defaults …")
    (info, _), t_start = timed(lambda: server.start(home, dist_dir=_dist_dir(server.neo4j_version()),
                                                    progress=say))
    conf = (Path(info.root) / "conf" / "neo4j.conf").read_text()
    heap = re.search(r"-Xmx(\S+)", Path(f"/proc/{info.pid}/cmdline").read_bytes()
                     .replace(b"\0", b" ").decode()) if Path(f"/proc/{info.pid}/cmdline").exists() else None
    tx = re.search(r"transaction\.total\.max=(\S+)", conf)
    rows.append(("local server: heap / tx memory",
                 f"{heap.group(1) if heap else '?'} / {tx.group(1) if tx else 'default (70% heap)'}"))
    rows.append(("`neo4j start` (server up, plans warmed if done)", f"{t_start:.2f} s"))
    try:
        with connect(Settings(cobuild_home=home)) as db:
            _measure(db, roster, str(folder), G, n_rows, elements, sample, with_admin, tmp, rows, scale,
                     store=store, analyze=analyze, open_graph=open_graph, Q=Q, schema=schema)
    finally:
        server.stop(home)
    if with_reader:
        say(f"[scale {scale:g}] readers (benchmarks/bench_read.py) …")
        _, t, err = attempt(lambda: rows.extend(reader_rows(scale)))
        if err:
            rows.append(("reader", f"failed: {err}"))
    rows.append(("load average at end", load()))
    return rows


def _measure(db, roster, roster_path, G, n_rows, elements, sample, with_admin, tmp, rows, scale, *,
             store, analyze, open_graph, Q, schema) -> None:
    def tag(msg):
        say(f"[scale {scale:g}] {msg}")

    def rate(s):
        return f"{s:.2f} s  {n_rows / s / 1000:.1f}k rows/s"

    tag("first import right after start …")
    _, t_cold, err = attempt(lambda: store.import_roster(db, roster))
    rows.append(("first import right after start", f"failed after {t_cold:.0f} s: {err}" if err
                 else rate(t_cold)))

    if err is None:
        tag("analyze --db and the Cypher peer …")
        G_db, t_load = timed(lambda: open_graph(db=True))
        a, t_an = timed(lambda: analyze(G_db, AS_OF))
        t_db = t_load + t_an
        rows.append(("analyze --db right after the first import (open_graph + analyze)",
                     f"{t_db:.2f} s  (load_graph {t_load:.2f} s = {100 * t_load / t_db:.0f}%)"))
        later = []
        for _ in range(3):
            G_db, t_load = timed(lambda: open_graph(db=True))
            _, t_an = timed(lambda: analyze(G_db, AS_OF))
            later.append((t_load + t_an, t_load))
            del G_db
        t_later, t_later_load = min(later)
        rows.append(("analyze --db later (least of 3)",
                     f"{t_later:.2f} s  (load_graph {t_later_load:.2f} s)"))
        whole = _whole_command(["analyze", "--db", "--as-of", AS_OF.isoformat(), "-q",
                                "--out", str(Path(roster_path).parent / "report.txt")])
        if whole:
            rows.append(("whole `cobuild analyze --db` command (text report)", whole))
        params = dict(as_of=AS_OF, community_kinds=sorted(schema.COMMUNITY_ORG_KINDS),
                      unit_kinds=sorted(schema.UNIT_ORG_KINDS), min_people=3)

        def peer():
            g01 = {r["org"] for r in db.run(Q.PEER_G01, **params)}
            g04 = {(r["unit_org"], r["community_org"]) for r in db.run(Q.PEER_G04, **params)}
            return g01, g04

        peer()  # plan once: the peer's figure is for warm plans
        (g01, g04), t_peer = timed(peer)
        mine01 = {f.subject.code for f in a.findings if f.rule == "G01"}
        mine04 = {(f.evidence[0].split(":", 1)[1], f.evidence[1].split(":", 1)[1])
                  for f in a.findings if f.rule == "G04"}
        same = "same findings" if (g01, g04) == (mine01, mine04) else \
            f"DIFFERENT: Cypher {len(g01)}+{len(g04)}, cobuild {len(mine01)}+{len(mine04)}"
        rows.append(("Cypher peer G01+G04 (warm plans)",
                     f"{t_peer:.3f} s  analyze --db is {t_db / t_peer:.1f}× right after the import, "
                     f"{t_later / t_peer:.1f}× later ({same}, {len(g01)}+{len(g04)})"))
        community = sorted(roster.codes("communities"))[0]
        _, t_comm = timed(lambda: store.load_graph(db, community=community))
        rows.append((f"load_graph of one community ({community})", f"{t_comm:.3f} s"))

        tag("re-import of the unchanged roster …")
        _, t_same, err2 = attempt(lambda: store.import_roster(db, roster))
        rows.append(("re-import, unchanged roster", f"failed: {err2}" if err2 else f"{t_same:.2f} s"))
        whole = _whole_command(["import", roster_path, "--yes"])
        if whole:
            rows.append(("re-import, unchanged: whole `cobuild import` command", whole))
        tag("replacement with ~1 % removed …")
        less = smaller(roster)
        res, t_repl, err3 = attempt(lambda: store.import_roster(db, less))
        rows.append(("replace (~1 % of units and people removed)",
                     f"failed after {t_repl:.0f} s: {err3}" if err3 else
                     f"{t_repl:.2f} s  (deleted {res.deleted}, changed {res.changed})"))
    else:
        t_same = None

    tag("first import, warm plans …")
    _, _, err_w = attempt(lambda: wipe(db))
    if err_w:
        rows.append(("emptying the database", f"failed: {err_w}"))
        return
    _, t_first, err4 = attempt(lambda: store.import_roster(db, roster))
    rows.append(("first import, warm", f"failed after {t_first:.0f} s: {err4}" if err4
                 else rate(t_first)))
    ok = err4 is None
    if ok and err is None:
        rows.append(("  ratio: right after start / warm", f"{t_cold / t_first:.2f}×"))
    if ok and t_same is not None and err2 is None:
        rows.append(("  ratio: unchanged re-import / first import", f"{t_same / t_first:.2f}×"))

    tag("one UNWIND per kind …")
    _, _, err_w = attempt(lambda: wipe(db))
    if err_w:
        rows.append(("emptying the database", f"failed: {err_w}"))
        return
    _, t_unwind, err5 = attempt(lambda: unwind_per_kind(db, G))
    rows.append(("peer: one UNWIND per kind (CREATE, no diff)",
                 f"failed after {t_unwind:.0f} s: {err5}" if err5 else
                 rate(t_unwind) + (f"  cobuild is {t_first / t_unwind:.2f}×" if ok else "")))

    tag("per-row MERGE sample …")
    _, _, err_w = attempt(lambda: wipe(db))
    if err_w:
        rows.append(("emptying the database", f"failed: {err_w}"))
        return
    n, t_row, err6 = attempt(lambda: per_row_sample(db, G, sample))
    if err6:
        rows.append(("peer: per-row MERGE", f"failed: {err6}"))
    else:
        whole = t_row * elements / n
        rows.append(("peer: per-row MERGE (on a sample, extrapolated)",
                     f"{whole:.1f} s  ({n} elements at {n / t_row:.0f}/s)"
                     + (f"  {whole / t_first:.1f}× cobuild" if ok else "")))

    if with_admin:
        tag("neo4j-admin database import …")
        folder = tmp / "admin-csv"
        folder.mkdir()
        args, t_csv = timed(lambda: admin_csv(G, folder))
        _, t_admin, err7 = attempt(lambda: admin_import(args, tmp))
        rows.append(("peer: neo4j-admin database import full (offline, new store)",
                     f"failed: {err7}" if err7 else
                     f"{t_admin:.2f} s + {t_csv:.2f} s CSV"
                     + (f"  cobuild is {t_first / t_admin:.2f}×" if ok else "")))


def _whole_command(args: list[str]) -> str | None:
    """``cobuild ARGS`` as the user runs it (same COBUILD_HOME): its wall time."""
    exe = Path(sys.executable).with_name("cobuild")
    if not exe.exists():
        return None
    t = time.perf_counter()
    cp = subprocess.run([str(exe), *args], capture_output=True, text=True)
    s = time.perf_counter() - t
    return f"{s:.2f} s" + ("" if cp.returncode == 0 else f" (exit {cp.returncode})")


# ----------------------------------------------------------------------- parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,10,40", help="demo-county scales (default 1,10,40)")
    ap.add_argument("--sample", type=int, default=SAMPLE,
                    help=f"elements written one MERGE each (default {SAMPLE})")
    ap.add_argument("--no-reader", action="store_true", help="skip the reader comparison")
    ap.add_argument("--no-admin", action="store_true", help="skip neo4j-admin import")
    ap.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child, args.sample, not args.no_reader, not args.no_admin)
        return 0

    scales = [float(s) for s in args.scales.split(",")]
    print(f"cobuild benchmark (issue 16): demo county seed {SEED}, as of {AS_OF}, "
          f"{os.cpu_count()} cores, {dt.datetime.now():%Y-%m-%d %H:%M}", flush=True)
    results: dict[float, dict[str, str]] = {}
    order: list[str] = []
    for scale in scales:
        cmd = [sys.executable, __file__, "--child", repr(scale), "--sample", str(args.sample)]
        cmd += ["--no-reader"] * args.no_reader + ["--no-admin"] * args.no_admin
        cp = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        rows = [tuple(json.loads(line[len(ROW_MARK):])) for line in cp.stdout.splitlines()
                if line.startswith(ROW_MARK)]
        if cp.returncode != 0:
            rows.append(("error", f"the child process exited {cp.returncode} (see above)"))
        results[scale] = dict(rows)
        order += [k for k, _ in rows if k not in order]
    width = max(len(k) for k in order) + 2
    print()
    print("| " + "what".ljust(width) + " | " + " | ".join(f"scale {s:g}" for s in scales) + " |")
    print("| " + "-" * width + " | " + " | ".join("---" for _ in scales) + " |")
    for k in order:
        print("| " + k.ljust(width) + " | " + " | ".join(results[s].get(k, "") for s in scales) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
