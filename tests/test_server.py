"""The local Neo4j launcher (cobuild/localserver/, ``cobuild neo4j``), on real servers.

Each test that starts a server uses its own COBUILD_HOME inside the test
session's folder, so an interrupted run's leftovers are reaped by the next.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cobuild import localserver as server
from cobuild.localserver import credentials, process
from graph import queries
from cobuild.database import connect
from graph.errors import DatabaseUnavailable, ServerError
from graph.settings import Settings

import conftest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent


def cobuild(*args: str, home: Path, env: dict | None = None, timeout: float = 300):
    """Run ``cobuild`` in a subprocess with COBUILD_HOME=home."""
    full_env = {**os.environ, "COBUILD_HOME": str(home), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], cwd=REPO, env=full_env,
        capture_output=True, text=True, timeout=timeout,
    )


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def process_exists(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and ") Z" in stat.read_text())


def wait_gone(pid: int, port: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process_exists(pid) and not port_open(port):
            return True
        time.sleep(0.2)
    return False


def dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def fake_java(tmp_path: Path, version: str) -> Path:
    """A JAVA_HOME whose ``java -version`` claims ``version`` (not a database)."""
    home = tmp_path / f"fake-jdk-{version}"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f'#!/bin/sh\necho \'openjdk version "{version}" 2019-01-15\' >&2\n')
    java.chmod(0o755)
    return home


# ------------------------------------------------------------------ lifecycle


def test_cli_start_status_start_twice_stop() -> None:
    home = conftest.new_home("cli")
    first = cobuild("neo4j", "start", home=home)
    assert first.returncode == 0, first.stderr
    uri = first.stdout.strip().splitlines()[-1]
    assert uri.startswith("bolt://127.0.0.1:")
    state = json.loads((home / "neo4j" / "server.json").read_text())
    pid, port = state["pid"], state["port"]
    assert uri == state["bolt_uri"] and port_open(port) and process_exists(pid)
    assert (home / "neo4j" / "data").is_dir() and (home / "neo4j" / "logs" / "neo4j.log").is_file()

    status = cobuild("neo4j", "status", home=home)
    assert status.returncode == 0 and status.stdout.strip().endswith(uri)

    second = cobuild("neo4j", "start", home=home)
    assert second.returncode == 0
    assert "already running" in second.stdout
    assert second.stdout.strip().endswith(uri)
    assert json.loads((home / "neo4j" / "server.json").read_text())["pid"] == pid
    out = subprocess.run(["pgrep", "-f", "--", f"--home-dir={home / 'neo4j'}"],
                         capture_output=True, text=True)
    assert out.stdout.split() == [str(pid)]  # one server, not two

    stop = cobuild("neo4j", "stop", home=home)
    assert stop.returncode == 0, stop.stderr
    assert not process_exists(pid)
    assert not port_open(port)
    assert not (home / "neo4j" / "server.json").exists()

    after = cobuild("neo4j", "status", home=home)
    assert after.returncode == 1 and "not running" in after.stdout
    assert cobuild("neo4j", "stop", home=home).returncode == 0  # stopping twice is harmless


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_local_server_requires_its_saved_password() -> None:
    home = conftest.new_home("auth")
    root = home / "neo4j"
    started = cobuild("neo4j", "start", home=home)
    assert started.returncode == 0, started.stderr
    try:
        creds_file = root / "credentials.json"
        creds = json.loads(creds_file.read_text())
        password = creds["password"]
        assert creds["user"] == "neo4j" and len(password) >= 32 and password.isalnum()
        assert mode(creds_file) == 0o600 and mode(root) == 0o700
        uri = json.loads((root / "server.json").read_text())["bolt_uri"]

        # what start and status print names the file, never the password
        status = cobuild("neo4j", "status", home=home)
        for out in (started.stdout + started.stderr, status.stdout + status.stderr):
            assert str(creds_file) in out and password not in out
        # nor does any file the server or cobuild wrote, nor the JVM's command line
        for f in root.rglob("*"):
            if f.is_file() and f != creds_file and "dist" not in f.relative_to(root).parts:
                assert password.encode() not in f.read_bytes(), f
        pid = json.loads((root / "server.json").read_text())["pid"]
        assert password.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()

        # no password: refused, as a bilingual DatabaseUnavailable
        with pytest.raises(DatabaseUnavailable) as err:
            connect(Settings(neo4j_uri=uri, neo4j_password=None, cobuild_home=home))
        assert "拒绝" in err.value.message_zh and "NEO4J_PASSWORD" in err.value.message_zh
        assert "rejected the user name or password" in err.value.message_en

        # no NEO4J_URI: connect() finds the server and its password by itself
        local = Settings(cobuild_home=home, neo4j_uri=None)
        with connect(local) as db:
            assert db.uri == uri and db.run(queries.PING) == [{"ok": 1}]

        # a credentials file that does not match: refused, naming the file
        creds_file.write_text(json.dumps({"user": "neo4j", "password": "not-the-password"}))
        with pytest.raises(DatabaseUnavailable) as err:
            connect(local)
        assert str(creds_file) in err.value.message_en and "拒绝" in err.value.message_zh
        creds_file.write_text(json.dumps(creds))

        # a restart keeps the same password (the file is kept, the store accepts it)
        assert cobuild("neo4j", "stop", home=home).returncode == 0
        again = cobuild("neo4j", "start", home=home)
        assert again.returncode == 0, again.stderr
        assert json.loads(creds_file.read_text()) == creds and mode(creds_file) == 0o600
        with connect(local) as db:
            assert db.run(queries.PING) == [{"ok": 1}]
    finally:
        server.stop(home, timeout=10)


def test_credentials_file_helpers(tmp_path: Path) -> None:
    assert server.read_credentials(tmp_path) is None
    root = tmp_path / "neo4j"
    root.mkdir()
    old = os.umask(0)  # even a permissive umask gives 0600
    try:
        credentials._write_credentials(root, server.Credentials("neo4j", "s3cret"))
    finally:
        os.umask(old)
    assert mode(root / "credentials.json") == 0o600
    creds = server.read_credentials(tmp_path)
    assert creds.auth == ("neo4j", "s3cret")
    assert "s3cret" not in repr(creds)
    (root / "credentials.json").write_text("{not json")
    with pytest.raises(ServerError) as err:
        server.read_credentials(tmp_path)
    assert "credentials.json" in err.value.message_en and "凭据" in err.value.message_zh


def test_port_taken_before_neo4j_binds_it_is_replaced() -> None:
    home = conftest.new_home("port-race")
    blocker = socket.socket()  # bound, not listening: looks free, cannot be bound
    blocker.bind(("127.0.0.1", 0))
    taken = blocker.getsockname()[1]
    ports = itertools.chain([taken], iter(process._free_port, None))
    said: list[str] = []
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(process, "_free_port", lambda: next(ports))
            info, started = server.start(home, progress=said.append,
                                         **conftest.launcher_kwargs())
        assert started and info.port != taken
        assert any(f"port {taken} was taken" in m for m in said)
        with connect(Settings(cobuild_home=home, neo4j_uri=None)) as db:
            assert db.uri == f"bolt://127.0.0.1:{info.port}"
            assert db.run(queries.PING) == [{"ok": 1}]
    finally:
        blocker.close()
        server.stop(home, timeout=10)


def test_port_given_and_taken_is_a_clear_error() -> None:
    home = conftest.new_home("port-given")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(ServerError) as err:
            server.start(home, port=port, **conftest.launcher_kwargs())
    assert f"port {port}" in err.value.message_en and "占用" in err.value.message_zh
    assert not (home / "neo4j" / "server.json").exists()


def test_stale_state_file_is_cleaned(tmp_path: Path) -> None:
    root = tmp_path / "neo4j"
    root.mkdir()
    stale = dict(pid=dead_pid(), port=1, bolt_uri="bolt://127.0.0.1:1", version="5.26.30",
                 java="java", java_major=17, root=str(root), started_at=0.0)
    (root / "server.json").write_text(json.dumps(stale))
    assert server.status(tmp_path) is None
    assert not (root / "server.json").exists()


def test_pid_reused_by_another_program_is_not_a_server(tmp_path: Path) -> None:
    root = tmp_path / "neo4j"
    root.mkdir()
    other = subprocess.Popen(["sleep", "60"])
    try:
        state = dict(pid=other.pid, port=1, bolt_uri="bolt://127.0.0.1:1", version="5.26.30",
                     java="java", java_major=17, root=str(root), started_at=0.0)
        (root / "server.json").write_text(json.dumps(state))
        assert server.status(tmp_path) is None
        assert server.stop(tmp_path) is None
        assert other.poll() is None  # the unrelated process was left alone
    finally:
        other.kill()
        other.wait()


def test_failed_start_leaves_nothing_and_shows_the_log(monkeypatch) -> None:
    home = conftest.new_home("bad-conf")
    monkeypatch.setenv("COBUILD_NEO4J_PAGECACHE", "not-a-size")
    with pytest.raises(ServerError) as err:
        server.start(home, timeout=120, **conftest.launcher_kwargs())
    msg = str(err.value)
    assert "neo4j.log" in msg or "console.log" in msg  # the log's tail is shown
    assert "pagecache" in msg.lower() or "not-a-size" in msg
    assert not (home / "neo4j" / "server.json").exists()
    out = subprocess.run(["pgrep", "-f", "--", f"--home-dir={home / 'neo4j'}"],
                         capture_output=True, text=True)
    assert out.stdout.strip() == ""


# ------------------------------------------------------------------ never a stray process


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_killed_test_run_takes_its_server_along() -> None:
    home = conftest.new_home("orphan")
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(REPO / 'tests')!r})
        import conftest
        from cobuild import localserver as server
        conftest._OWNER_PID = __import__("os").getpid()
        info, _ = server.start({str(home)!r}, **conftest.launcher_kwargs())
        print(info.pid, info.port, flush=True)
        time.sleep(600)
    """)
    fake_pytest = subprocess.Popen([sys.executable, "-c", script], cwd=REPO,
                                   stdout=subprocess.PIPE, text=True)
    try:
        pid, port = map(int, fake_pytest.stdout.readline().split())
        assert process_exists(pid) and port_open(port)
        fake_pytest.send_signal(signal.SIGKILL)
        fake_pytest.wait()
        assert wait_gone(pid, port), "the JVM outlived the killed test run"
    finally:
        fake_pytest.kill()
        server.stop(home, timeout=5)


def test_next_run_reaps_servers_of_killed_runs() -> None:
    fake_root = conftest.new_home("reap-root")
    session = fake_root / "session-dead"
    home = session / "home"
    home.mkdir(parents=True)
    (session / "owner.pid").write_text(str(dead_pid()))
    # started detached (no death signal), as on a system without prctl
    started = cobuild("neo4j", "start", home=home)
    assert started.returncode == 0, started.stderr
    state = json.loads((home / "neo4j" / "server.json").read_text())

    live = fake_root / "session-live"  # a run still going: left alone
    live.mkdir()
    (live / "owner.pid").write_text(str(os.getpid()))

    assert conftest.reap_stale_sessions(fake_root) == [state["pid"]]
    assert wait_gone(state["pid"], state["port"], 5)
    assert not session.exists()
    assert live.exists()


# ------------------------------------------------------------------ Java


def test_java_too_old_is_a_clear_error(tmp_path: Path) -> None:
    home = conftest.new_home("old-java")
    res = cobuild("neo4j", "start", home=home, env={"JAVA_HOME": str(fake_java(tmp_path, "11.0.2"))})
    assert res.returncode == 2
    assert "Java 11" in res.stderr and "17 或 21" in res.stderr and "17 or 21" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (home / "neo4j" / "server.json").exists()


def test_java_missing_is_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    with pytest.raises(ServerError) as err:
        server.find_java("5.26.30", env={"PATH": str(empty)}, jvm_dirs=())
    assert "找不到 Java" in err.value.message_zh
    assert "Java not found" in err.value.message_en


def test_only_unfit_java_on_path(tmp_path: Path) -> None:
    bin_dir = fake_java(tmp_path, "1.8.0_392") / "bin"
    with pytest.raises(ServerError) as err:
        server.find_java("5.26.30", env={"PATH": str(bin_dir)}, jvm_dirs=())
    assert "Java 8" in err.value.message_en and "17 or 21" in err.value.message_en


def test_java_pick_follows_the_neo4j_line(tmp_path: Path) -> None:
    fits17 = fake_java(tmp_path, "17.0.15")
    fits25 = fake_java(tmp_path, "25.0.1")
    env17 = {"PATH": str(fits17 / "bin")}
    assert server.find_java("5.26.30", env=env17, jvm_dirs=()).major == 17
    with pytest.raises(ServerError, match="21 or 25"):
        server.find_java("2026.08.1", env=env17, jvm_dirs=())
    jdks = tmp_path  # a folder of JDKs, as /usr/lib/jvm
    assert server.find_java("2026.08.1", env={"PATH": ""}, jvm_dirs=(str(jdks),)).major == 25
    assert server.find_java("5.26.30", env={"PATH": ""}, jvm_dirs=(str(jdks),)).major == 17


def test_java_majors_per_line() -> None:
    assert server.java_majors_for("5.26.30") == (17, 21)
    assert server.java_majors_for("2025.01.0") == (21,)
    assert server.java_majors_for("2025.10.1") == (21, 25)
    assert server.java_majors_for("2026.08.1") == (21, 25)
    with pytest.raises(ServerError):
        server.java_majors_for("4.4.0")
    with pytest.raises(ServerError):
        server.java_majors_for("latest")


def test_maven_missing_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServerError) as err:
        server.fetch("5.26.30", tmp_path / "dist")
    assert "Maven" in err.value.message_zh and "NEO4J_URI" in err.value.message_en


def test_neo4j_help_is_bilingual() -> None:
    res = cobuild("neo4j", "start", "--help", home=Path("/nonexistent"))
    assert res.returncode == 0
    assert "启动本地 Neo4j" in res.stdout and "Start the local Neo4j" in res.stdout
