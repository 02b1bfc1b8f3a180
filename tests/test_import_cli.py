"""``cobuild import`` as a subprocess, against the session's real Neo4j."""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from graph import store
from graph.build import roster_to_graph
from graph.roster import Roster
from loaders.writer import write_roster
from graph_kit import rich_roster
from roster_kit import write_thirty_defects

EXE = Path(sys.executable).with_name("cobuild")


def cobuild(*args: str, uri: str, server=None, stdin: str | None = None, timeout: int = 240):
    """Run the console script with NEO4J_URI (and the credentials) of the
    test server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["NEO4J_URI"] = uri
    if server is not None:
        env.update(server.env())
    return subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env,
                          input=stdin if stdin is not None else "", timeout=timeout)


@pytest.fixture
def run(neo4j_server, neo4j_db):
    """``cobuild ...`` pointed at the test database (emptied after the test)."""
    return lambda *args, **kw: cobuild(*args, uri=neo4j_server.uri, server=neo4j_server, **kw)


def rich_file(tmp_path: Path, roster=None, name: str = "花名册.xlsx") -> Path:
    path = tmp_path / name
    write_roster(roster or rich_roster(), path)
    return path


def test_help_is_bilingual():
    done = subprocess.run([str(EXE), "import", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0
    for words in ("替换", "replaces", "--dry-run", "--yes", "一个事务", "One transaction"):
        assert words in done.stdout


def test_dry_run_shows_the_plan_and_writes_nothing(run, neo4j_db, tmp_path):
    done = run("import", str(rich_file(tmp_path)), "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "全部为新增" in done.stdout and "everything is new" in done.stdout
    assert "dry run: nothing was written" in done.stdout
    assert all(n == 0 for n in store.counts(neo4j_db).values())
    assert store.import_history(neo4j_db) == []


def test_import_then_reimport(run, neo4j_db, tmp_path):
    path = rich_file(tmp_path)
    done = run("import", str(path))
    assert done.returncode == 0, done.stderr
    G = roster_to_graph(rich_roster())
    assert f"新增 created {G.number_of_nodes() + G.number_of_edges()}" in done.stdout
    assert "数据库现有 now stored" in done.stdout
    assert "notification" not in done.stderr  # no driver chatter for planners
    stored = store.load_graph(neo4j_db)
    assert set(stored.edges(keys=True)) == set(G.edges(keys=True))
    assert {n: d for n, d in stored.nodes(data=True)} == {n: d for n, d in G.nodes(data=True)}
    (record,) = store.import_history(neo4j_db)
    assert record["file"] == path.name and len(record["sha256"]) == 64

    again = run("import", str(path))
    assert again.returncode == 0, again.stderr
    assert "将替换街道 S1 城关街道、S2 东城街道" in again.stdout
    assert "完全相同" in again.stdout and "nothing will change" in again.stdout
    assert "新增 created 0, 更新 changed 0, 删除 deleted 0" in again.stdout
    assert len(store.import_history(neo4j_db)) == 2


def test_deleting_needs_confirmation_and_is_announced_first(run, neo4j_db, tmp_path):
    assert run("import", str(rich_file(tmp_path))).returncode == 0
    before = store.counts(neo4j_db)
    smaller = copy.deepcopy(rich_roster())
    smaller.tables["units"] = [r for r in smaller.rows("units") if r["code"] != "U6"]
    path = rich_file(tmp_path, smaller, "花名册-新.xlsx")

    refused = run("import", str(path))  # no terminal, no --yes
    assert refused.returncode == 1
    assert "--yes" in refused.stdout and "nothing was written" in refused.stdout
    assert store.counts(neo4j_db) == before

    done = run("import", str(path), "--yes")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    plan_at, imported_at = out.index("删除 deleted"), out.index("已导入 imported")
    assert plan_at < imported_at  # the plan is printed before the import runs
    assert "驻区单位 Unit" in out[:imported_at] and "将替换街道" in out[:imported_at]
    assert store.counts(neo4j_db)["Unit"] == before["Unit"] - 1
    assert "Unit:U6" not in store.load_graph(neo4j_db)


def test_thirty_defects_rejected_and_nothing_written(run, neo4j_db, tmp_path):
    assert run("import", str(rich_file(tmp_path))).returncode == 0
    before, history = store.counts(neo4j_db), store.import_history(neo4j_db)
    bad = tmp_path / "thirty.xlsx"
    planted = write_thirty_defects(bad)
    done = run("import", str(bad))
    assert done.returncode == 1
    assert f"共 {len(planted)} 个错误" in done.stdout and len(planted) == 30
    assert "nothing was imported" in done.stdout
    for table_key, line, _code, _column in planted:
        assert f"第 {line} 行 row {line}" in done.stdout
    assert store.counts(neo4j_db) == before
    assert store.import_history(neo4j_db) == history


def test_roster_without_streets_is_refused(run, neo4j_db, tmp_path):
    r = Roster()
    r.add("people", {"code": "P1", "name": "无街道的人"})
    done = run("import", str(rich_file(tmp_path, r)))
    assert done.returncode == 1
    assert "没有任何街道" in done.stdout and "lists no street" in done.stdout
    assert "nothing was imported" in done.stdout
    assert all(n == 0 for n in store.counts(neo4j_db).values())


def test_not_a_roster_is_one_clear_message(run, tmp_path):
    fake = tmp_path / "photo.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    done = run("import", str(fake))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "error" in done.stderr


def test_database_down_is_a_clear_message(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = cobuild("import", str(rich_file(tmp_path)), uri=f"bolt://127.0.0.1:{port}")
    assert done.returncode == 2
    assert "无法连接 Neo4j" in done.stderr and "cannot reach Neo4j" in done.stderr
    assert "Traceback" not in done.stderr


def test_big_roster_shows_progress_and_round_trips(run, neo4j_db, tmp_path):
    import datetime as dt

    from loaders.demo import generate

    roster = generate(seed=3, scale=2.5, as_of=dt.date(2025, 6, 30))
    G = roster_to_graph(roster)
    assert G.number_of_nodes() + G.number_of_edges() > 4 * store.BATCH_SIZE
    path = tmp_path / "demo.xlsx"
    write_roster(roster, path)
    done = run("import", str(path), timeout=400)
    assert done.returncode == 0, done.stderr
    assert "写入 writing" in done.stderr and "(100%)" in done.stderr  # progress on stderr
    assert "写入 writing" not in done.stdout
    stored = store.load_graph(neo4j_db)
    assert set(stored.edges(keys=True)) == set(G.edges(keys=True))
    assert dict(stored.nodes(data=True)) == dict(G.nodes(data=True))
