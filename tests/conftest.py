"""Test fixtures: a real Neo4j for the session, an empty database per test.

* ``neo4j_server`` (session): the server the database tests run against —
  ``NEO4J_URI`` when set, otherwise a private Neo4j started with
  :mod:`cobuild.localserver` on a free loopback port, stopped at the end. On Linux
  the JVM gets ``PR_SET_PDEATHSIG`` so a killed pytest takes it along; on
  every start, servers left by earlier killed runs are reaped.
* ``neo4j_db`` (function): a :class:`graph.db.Database` on an empty database,
  emptied again afterwards. Tests using it are marked ``neo4j``.
* ``COBUILD_HOME`` points at a private folder for the whole session, so no
  test writes into the working tree's ``.cobuild``.
* With ``CI=true``: a skipped test fails the session, as does "no tests".
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from cobuild import localserver as server
from graph import queries
from cobuild.database import connect
from graph.db import Database
from graph.settings import Settings, get_settings

pytest_plugins = ("pytester",)  # tests/test_ci_rules.py runs inner sessions

TEST_ROOT = Path(tempfile.gettempdir()) / "cobuild-pytest"
SESSION_DIR = TEST_ROOT / f"session-{os.getpid()}-{uuid.uuid4().hex[:8]}"
DIST_CACHE = TEST_ROOT / "dist"  # class path files, shared by sessions
_PR_SET_PDEATHSIG = 1


@dataclass
class TestServer:
    """Where the database tests run."""

    uri: str
    settings: Settings
    version: str = ""
    private: bool = False
    home: Path | None = None

    def env(self) -> dict[str, str]:
        """``NEO4J_URI`` and the credentials of this server, for a child
        process (a private server's password comes from its credentials
        file)."""
        from cobuild import localserver as graph_server

        env = {"NEO4J_URI": self.uri}
        if self.private:
            creds = graph_server.read_credentials(self.home)
            if creds is not None:
                env["NEO4J_USER"], env["NEO4J_PASSWORD"] = creds.auth
        elif self.settings.neo4j_password:
            env["NEO4J_USER"], env["NEO4J_PASSWORD"] = self.settings.neo4j_user, self.settings.neo4j_password
        if self.settings.neo4j_database:
            env["NEO4J_DATABASE"] = self.settings.neo4j_database
        return env


_used: dict[str, TestServer] = {}
_skipped: list[str] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


# ---------------------------------------------------------------- test servers


def _load_prctl():
    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl
    return None


_PRCTL = _load_prctl()


def die_with_pytest() -> None:
    """``preexec_fn`` for test servers: the JVM gets SIGKILL when pytest dies."""
    parent = _OWNER_PID
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # pytest died between fork and prctl
        os._exit(1)


_OWNER_PID = os.getpid()


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale_sessions(root: Path = TEST_ROOT) -> list[int]:
    """Stop servers left by test sessions whose pytest is gone; remove their files.

    Returns the pids of the servers stopped.
    """
    stopped = []
    if not root.is_dir():
        return stopped
    for d in root.glob("session-*"):
        try:
            owner = int((d / "owner.pid").read_text())
        except (OSError, ValueError):
            owner = 0
        if owner == os.getpid() or (owner and _pid_running(owner)):
            continue
        for state in d.glob("**/neo4j/server.json"):
            with contextlib.suppress(Exception):
                info = server.stop(state.parent.parent, timeout=5)
                if info:
                    stopped.append(info.pid)
        shutil.rmtree(d, ignore_errors=True)
    return stopped


def launcher_kwargs() -> dict:
    """Keyword arguments for :func:`cobuild.localserver.start` in tests."""
    return {"dist_dir": DIST_CACHE / server.neo4j_version(), "preexec_fn": die_with_pytest}


def new_home(name: str) -> Path:
    """A fresh COBUILD_HOME inside this session's folder (reaped if pytest dies)."""
    home = SESSION_DIR / f"{name}-{uuid.uuid4().hex[:6]}"
    home.mkdir(parents=True)
    return home


def pytest_configure(config: pytest.Config) -> None:
    SESSION_DIR.mkdir(parents=True, exist_ok=True)
    (SESSION_DIR / "owner.pid").write_text(str(os.getpid()))
    os.environ["COBUILD_HOME"] = str(SESSION_DIR / "home")
    get_settings.cache_clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    for state in SESSION_DIR.glob("**/neo4j/server.json"):
        with contextlib.suppress(Exception):
            server.stop(state.parent.parent, timeout=10)
    shutil.rmtree(SESSION_DIR, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    uri = get_settings().neo4j_uri
    if uri:
        return f"neo4j: NEO4J_URI={uri}"
    return (f"neo4j: private test server, Neo4j {server.neo4j_version()} "
            f"(started on the first database test)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "neo4j_db" in getattr(item, "fixturenames", ()) or "neo4j_server" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.neo4j)


def _wipe(db: Database) -> None:
    """Delete all data, constraints and indexes."""
    db.run(queries.DELETE_ALL)
    for row in db.run(queries.LIST_CONSTRAINTS):
        db.run(queries.DROP_CONSTRAINT, name=row["name"])
    for row in db.run(queries.LIST_INDEXES):
        db.run(queries.DROP_INDEX, name=row["name"])


@pytest.fixture(scope="session")
def neo4j_server() -> TestServer:
    """The Neo4j the database tests use (``NEO4J_URI``, or a private server)."""
    settings = get_settings()
    if settings.neo4j_uri:
        ts = TestServer(uri=settings.neo4j_uri, settings=settings)
        with connect(settings) as db:
            nodes = db.run(queries.COUNT_NODES)[0]["nodes"]
            if nodes and os.environ.get("COBUILD_TESTS_MAY_WIPE") != "1":
                pytest.exit(
                    f"NEO4J_URI={settings.neo4j_uri} 上已有 {nodes} 个节点,测试会清空它。"
                    f"请指向一个可丢弃的数据库,或设置 COBUILD_TESTS_MAY_WIPE=1 / "
                    f"the database at NEO4J_URI holds {nodes} nodes and the tests empty it: "
                    f"point NEO4J_URI at a throwaway database or set COBUILD_TESTS_MAY_WIPE=1",
                    returncode=3,
                )
            ts.version = db.server_version()
        _used["server"] = ts
        yield ts
        return
    reap_stale_sessions()
    home = settings.home
    info, _ = server.start(home, **launcher_kwargs())
    ts = TestServer(uri=info.bolt_uri, settings=settings, private=True, home=home)
    with connect(settings) as db:
        ts.version = db.server_version()
    _used["server"] = ts
    try:
        yield ts
    finally:
        server.stop(home, timeout=10)


@pytest.fixture
def neo4j_db(neo4j_server: TestServer):
    """A :class:`graph.db.Database` on an empty database; emptied afterwards."""
    db = connect(neo4j_server.settings)
    try:
        _wipe(db)
        yield db
        _wipe(db)
    finally:
        db.close()


# ---------------------------------------------------------------- reporting and CI rules


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append(report.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    ts = _used.get("server")
    if ts is not None:
        kind = "private test server" if ts.private else "NEO4J_URI"
        terminalreporter.write_line(
            f"数据库测试运行于 database tests ran against: {ts.version} at {ts.uri} ({kind})"
        )
    if _in_ci() and _skipped:
        terminalreporter.write_line(
            f"CI: {len(_skipped)} 个测试被跳过,视为失败 / {len(_skipped)} test(s) skipped, "
            f"which fails the CI run: " + ", ".join(_skipped[:10]),
            red=True,
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _in_ci():
        return
    if _skipped and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if session.exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
