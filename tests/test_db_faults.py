"""What a user sees when the database misbehaves (issue 15, item 9): only
cobuild's words, and at once when the server is gone.

Against the session's real Neo4j: a real deadlock between two writers, and
a server that dies mid-import (a TCP relay in front of the real server is
cut, which is what the driver sees when the server is killed: open
connections drop, new ones are turned away).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from graph_kit import rich_roster

from graph import queries as Q
from graph import store
from graph.build import roster_to_graph
from loaders.demo import generate
from loaders.writer import write_roster

EXE = Path(sys.executable).with_name("cobuild")
#: What a user should never see: the driver's log lines and Python's.
RAW = ("Transaction failed and will be retried", "Neo.TransientError", "Traceback",
       "neo4j.exceptions", "Failed to read from", "defunct")


def raw_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if any(r in line for r in RAW)]


def child_env(server, uri: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(server.env())
    if uri:
        env["NEO4J_URI"] = uri
    return env


DEADLOCK = textwrap.dedent("""
    import threading
    from graph import queries as Q
    from cobuild.database import connect
    from graph.settings import Settings

    db = connect(Settings())
    both_hold_one = threading.Barrier(2, timeout=60)
    attempts = []

    def lock(first, second):
        def work(tx):
            attempts.append(first)
            tx.run(Q.LOCK_IMPORTS, id=first).consume()
            if attempts.count(first) == 1:  # only the first try waits for the other
                both_hold_one.wait()
            tx.run(Q.LOCK_IMPORTS, id=second).consume()
        db.execute_write(work)

    db.run(Q.LOCK_IMPORTS, id="x")
    db.run(Q.LOCK_IMPORTS, id="y")
    threads = [threading.Thread(target=lock, args=("x", "y")),
               threading.Thread(target=lock, args=("y", "x"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("tries", len(attempts))
""")


def test_a_deadlock_between_two_writers_is_retried_without_a_word(neo4j_server, neo4j_db):
    done = subprocess.run([sys.executable, "-c", DEADLOCK], capture_output=True, text=True,
                          env=child_env(neo4j_server), timeout=300)
    assert done.returncode == 0, done.stderr
    tries = int(done.stdout.split()[-1])
    assert tries == 3  # a real deadlock happened: one of the two ran again
    assert done.stderr == "" and raw_lines(done.stdout) == []


def drop_schema(db) -> None:
    for row in db.run(Q.LIST_CONSTRAINTS):
        db.run(Q.DROP_CONSTRAINT, name=row["name"])
    for row in db.run(Q.LIST_INDEXES):
        db.run(Q.DROP_INDEX, name=row["name"])


def test_imports_creating_the_schema_at_once_all_succeed(neo4j_db):
    """Imports into a new database create the constraints and indexes at the
    same moment; the losers are told "already exists", which must not fail
    them."""
    failures = []
    for _ in range(4):
        drop_schema(neo4j_db)
        start = threading.Barrier(4, timeout=60)

        def create(_):
            start.wait()
            try:
                store.ensure_schema(neo4j_db)
            except Exception as exc:  # noqa: BLE001 - collected for the assertion
                return exc
            return None

        with ThreadPoolExecutor(4) as pool:
            failures += [e for e in pool.map(create, range(4)) if e is not None]
    assert failures == []
    assert len(neo4j_db.run(Q.LIST_CONSTRAINTS)) == len(Q.CREATE_CONSTRAINTS)


def test_two_imports_of_one_roster_into_an_empty_database(neo4j_server, neo4j_db, tmp_path):
    roster = rich_roster()
    path = write_roster(roster, tmp_path / "rich.xlsx")
    procs = [subprocess.Popen([str(EXE), "import", str(path), "--yes"], text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=child_env(neo4j_server)) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert raw_lines("".join(o + e for o, e in outputs)) == []
    stored = store.load_graph(neo4j_db)
    G = roster_to_graph(roster)
    assert set(stored) == set(G) and set(stored.edges(keys=True)) == set(G.edges(keys=True))
    # the second, finding the same roster stored, writes nothing, not even a record
    assert len(store.import_history(neo4j_db)) == 1
    assert sum("no new import record" in o for o, _ in outputs) == 1, outputs


class Relay:
    """A TCP relay to the real server that can be cut: :meth:`die` drops
    every open connection, and later ones are accepted and closed at once
    (counted in ``refused``)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dead = False
        self.refused = 0
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.dead:
                    self.refused += 1
                    conn.close()
                    continue
                upstream = socket.create_connection(self.target)
                self.open += [conn, upstream]
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def die(self) -> None:
        with self.lock:
            self.dead = True
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def relay(neo4j_server):
    host, port = neo4j_server.uri.rsplit("/", 1)[1].rsplit(":", 1)
    r = Relay((host, int(port)))
    yield r
    r.die()
    r.close()


def test_a_server_dying_mid_import_is_reported_at_once_in_cobuilds_words(
        neo4j_server, neo4j_db, relay, tmp_path):
    roster = generate(seed=7, scale=1.0)
    path = write_roster(roster, tmp_path / "county")
    proc = subprocess.Popen([str(EXE), "import", str(path), "--yes"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=child_env(neo4j_server, f"bolt://127.0.0.1:{relay.port}"))
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "writing to Neo4j" in line:
            break
    relay.die()  # the server is gone, in the middle of the write
    out, rest = proc.communicate(timeout=300)
    err = "".join(seen) + rest
    assert proc.returncode == 2, out + err
    assert "无法连接 Neo4j" in err and "cannot reach Neo4j" in err
    assert raw_lines(out + err) == []
    # it asked whether the server is still there (a pooled connection, then
    # a new one), then gave up: no rounds of retries against a server that
    # is gone
    assert relay.refused <= 2
    # and nothing of the import was written
    assert store.counts(neo4j_db) == {k: 0 for k in store.counts(neo4j_db)}
    assert roster_to_graph(roster).number_of_nodes() > 0
