"""The local Neo4j server: fetched from Maven Central, run on the machine's JDK.

``cobuild neo4j start`` resolves ``org.neo4j:neo4j`` (Community) with Maven
into the Maven local repository (``~/.m2``, the download cache; later starts
run offline), writes a small ``neo4j.conf`` and starts
``org.neo4j.server.CommunityEntryPoint`` on 127.0.0.1 on a free port (a port
taken by someone else before Neo4j binds it is replaced by another, a few
times). All its files live under ``$COBUILD_HOME/neo4j/`` (mode 0700)::

    neo4j/
      credentials.json user and password of the server (mode 0600)
      server.json      state: pid, port, Bolt URI, version, Java (while running)
      conf/neo4j.conf  written at every start
      data/ logs/      the database and Neo4j's logs (logs/console.log: JVM output)
      dist/<version>/  pom.xml and the resolved class path

The server requires authentication. Before its first start a strong random
password is generated, saved in ``credentials.json`` and set as the initial
password of the ``neo4j`` user with Neo4j's own ``neo4j-admin dbms
set-initial-password`` (``org.neo4j.cli.AdminTool``, on the same class path;
the password reaches it in a 0600 argument file, never on a command line). A
database created by an earlier cobuild without authentication gets its
password once, at its next start, by ``ALTER CURRENT USER`` from the default
one. :func:`cobuild.database.connect` reads the file; nothing prints the password.

The default version is 5.26 LTS (runs on Java 17 or 21);
``COBUILD_NEO4J_VERSION`` picks another (e.g. ``2026.08.1``, which needs Java
21 or 25). The JDK is taken from ``JAVA_HOME`` when set (strictly), otherwise
the first fitting one on ``PATH`` or in the usual JDK folders.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator

from cobuild.localserver.credentials import (
    CREDENTIALS_FILE,
    DEFAULT_PASSWORD,
    USER,
    Credentials,
    _lock_down,
    _new_password,
    _set_initial_password,
    _system_database_exists,
    _unknown_password_error,
    _write_credentials,
    read_credentials,
)
from cobuild.localserver.java import JVM_FLAGS, JavaRuntime, _jvm_flags_for, find_java
from cobuild.localserver.layout import _progress, neo4j_version, server_root
from cobuild.localserver.maven import fetch
from graph.errors import ServerError

__all__ = ["ServerInfo", "start", "status", "stop", "log_tail", "entry_point"]

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"  # 5.x; read from the jar when listed
#: JVM system property that marks our servers (found in the process's command line)
MARKER = "-Dcobuild.neo4j.root="
STATE_FILE = "server.json"
#: new ports tried when the chosen free port is taken before Neo4j binds it
PORT_RETRIES = 3
#: The heap is a quarter of the machine's memory within these bounds (MiB); the
#: transaction memory Neo4j allows is 70 % of it. A roster is written in one
#: transaction: the demo county at scale 40 with its activity tables (600k
#: rows, 790k nodes and relationships) used about 2.3 GiB of it, more than an
#: eighth of a 24 GiB machine allows. ``-Xmx`` is a ceiling: the JVM takes
#: memory as it needs it. The page cache: a 32nd, 64 MiB-1 GiB.
HEAP_BOUNDS = (512, 8192)
PAGECACHE_BOUNDS = (64, 1024)


def _machine_mib() -> int | None:
    with contextlib.suppress(ValueError, OSError, AttributeError):
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    return None


def _share(divisor: int, bounds: tuple[int, int]) -> str:
    total = _machine_mib()
    mib = bounds[0] if total is None else min(max(total // divisor, bounds[0]), bounds[1])
    return f"{mib // 64 * 64}m"


def default_heap() -> str:
    """The JVM heap for this machine: 1/4 of its memory, 512m to 8g."""
    return _share(4, HEAP_BOUNDS)


def default_pagecache() -> str:
    """The page cache for this machine: 1/32 of its memory, 64m to 1g."""
    return _share(32, PAGECACHE_BOUNDS)

START_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0


@dataclass(frozen=True)
class ServerInfo:
    """A running (or starting) local server, as recorded in ``server.json``."""

    pid: int
    port: int
    bolt_uri: str
    version: str
    java: str
    java_major: int
    root: str
    started_at: float

    @property
    def log_file(self) -> Path:
        return Path(self.root) / "logs" / "neo4j.log"

    @property
    def credentials_file(self) -> Path:
        """Where the server's user and password are kept (mode 0600)."""
        return Path(self.root) / CREDENTIALS_FILE



# --------------------------------------------------------------------------- processes


def entry_point(jars: list[str], version: str) -> str:
    """The server's main class, as the ``neo4j`` jar lists it.

    5.26 names ``org.neo4j.server.CommunityEntryPoint``, 2026.x
    ``org.neo4j.server.Neo4jCommunity``; the jar's
    ``META-INF/services/org.neo4j.server.startup.EntryPoint`` says which.
    """
    import zipfile

    for jar in jars:
        if Path(jar).name == f"neo4j-{version}.jar":
            with contextlib.suppress(OSError, KeyError, zipfile.BadZipFile):
                with zipfile.ZipFile(jar) as z:
                    text = z.read("META-INF/services/org.neo4j.server.startup.EntryPoint")
                for line in text.decode().splitlines():
                    if line.strip() and not line.startswith("#"):
                        return line.strip()
    return ENTRY_POINT


def _pid_alive(pid: int) -> bool:
    """True when ``pid`` runs and is a cobuild Neo4j server (not a zombie, not reused)."""
    with contextlib.suppress(ChildProcessError, OSError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child that exited
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    proc = Path(f"/proc/{pid}")
    if proc.exists():
        with contextlib.suppress(OSError):
            if ") Z" in (proc / "stat").read_text():
                return False
            return MARKER.encode() in (proc / "cmdline").read_bytes()
        return False
    out = subprocess.run(["ps", "-o", "stat=,command=", "-p", str(pid)],
                         capture_output=True, text=True)
    return out.returncode == 0 and MARKER in out.stdout and not out.stdout.startswith("Z")


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Serialise start/stop on one server folder."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_state(root: Path) -> ServerInfo | None:
    try:
        return ServerInfo(**json.loads((root / STATE_FILE).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _write_state(root: Path, info: ServerInfo) -> None:
    tmp = root / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(asdict(info), indent=2))
    tmp.replace(root / STATE_FILE)


def log_tail(root: Path | str, lines: int = 20) -> str:
    """The last lines of the server's logs (``neo4j.log``, else ``console.log``)."""
    out = []
    for name in ("console.log", "neo4j.log"):
        f = Path(root) / "logs" / name
        if f.is_file():
            text = f.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {f} ---\n" + "\n".join(text))
    return "\n".join(out)


def status(home: Path | str | None = None) -> ServerInfo | None:
    """The running local server, or None. A stale state file is removed.

    Parameters
    ----------
    home : path, optional
        The product's data folder (default: ``COBUILD_HOME``).
    """
    root = server_root(home)
    info = _read_state(root)
    if info is None:
        return None
    if _pid_alive(info.pid):
        return info
    with contextlib.suppress(OSError):
        (root / STATE_FILE).unlink()
    return None


def _write_conf(root: Path, port: int, pagecache: str, tx_memory: str | None = None) -> None:
    conf = root / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    settings = {
        "server.config.strict_validation.enabled": "false",
        "server.default_listen_address": "127.0.0.1",
        "server.default_advertised_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{port}",
        "server.bolt.advertised_address": f"127.0.0.1:{port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "dbms.usage_report.enabled": "false",
        "server.directories.data": str(root / "data"),
        "server.directories.logs": str(root / "logs"),
        "server.directories.run": str(root / "run"),
        "server.directories.import": str(root / "import"),
        "server.directories.plugins": str(root / "plugins"),
        "server.memory.pagecache.size": pagecache,
        # all transactions together; Neo4j's default is 70 % of the heap
        **({"dbms.memory.transaction.total.max": tx_memory} if tx_memory else {}),
        "db.tx_log.rotation.retention_policy": "2 files",
        # Neo4j caches a plan per size class of each list parameter (1, 10,
        # 100, ...), so an import's batches of other sizes than the warm-up's
        # were planned again right after a start (graph.store.warm_up): one
        # plan per statement. cobuild's plans are seeks and scans fixed by the
        # schema, which a list's size does not change.
        "internal.cypher.use_parameter_size": "false",
    }
    (conf / "neo4j.conf").write_text(
        "# written by cobuild at every start; edits are overwritten\n"
        + "".join(f"{k}={v}\n" for k, v in settings.items())
    )


class _PortTaken(ServerError):
    """Neo4j could not bind its Bolt port: someone took it after we chose it."""


_BIND_FAILED = re.compile(r"address already in use|BindException|Failed to bind", re.I)


def _log_sizes(root: Path) -> dict[Path, int]:
    logs = root / "logs"
    return {f: f.stat().st_size for f in logs.glob("*.log")} if logs.is_dir() else {}


def _new_log_text(root: Path, sizes: dict[Path, int]) -> str:
    """What the logs gained since ``sizes`` was taken."""
    parts = []
    for f in (root / "logs").glob("*.log"):
        with contextlib.suppress(OSError), open(f, "rb") as fh:
            fh.seek(sizes.get(f, 0))
            parts.append(fh.read().decode(errors="replace"))
    return "\n".join(parts)


def _wait_for_bolt(proc: subprocess.Popen, info: ServerInfo, timeout: float,
                   auth: tuple[str, str], *, log_sizes: dict[Path, int] | None = None,
                   expired_ok: bool = False) -> None:
    """Wait until Bolt answers a query on the default database.

    With ``expired_ok``, a login that must change its password first counts
    as an answer (the default password of a store created without auth).

    Raises
    ------
    _PortTaken
        When the process ended because its port was taken.
    ServerError
        When the process ends, the credentials are refused, or time runs out.
    """
    from graph.db import AuthError, DriverError, GraphDatabase, Neo4jError
    from graph.queries import PING

    root = Path(info.root)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            if log_sizes is not None and _BIND_FAILED.search(_new_log_text(root, log_sizes)):
                raise _PortTaken(f"端口 {info.port} 已被占用", f"port {info.port} is taken")
            raise ServerError(
                f"Neo4j 启动失败（进程已退出，退出码 {proc.returncode}）",
                f"Neo4j failed to start (the process exited with code {proc.returncode})",
            )
        if _port_open(info.port):
            try:
                with GraphDatabase.driver(info.bolt_uri, auth=auth) as driver:
                    driver.execute_query(PING)
                return
            except AuthError:
                raise _unknown_password_error(root) from None
            except Neo4jError as exc:
                if expired_ok and "CredentialsExpired" in (exc.code or ""):
                    return
            except (DriverError, OSError):
                pass
        time.sleep(0.5)
    raise ServerError(
        f"Neo4j 在 {timeout:.0f} 秒内没有在 {info.bolt_uri} 上应答",
        f"Neo4j did not answer on {info.bolt_uri} within {timeout:.0f} s",
    )


def _replace_default_password(info: ServerInfo, creds: Credentials) -> None:
    """Give a store created without auth its password (from the default ``neo4j``)."""
    from graph.db import DriverError, GraphDatabase, Neo4jError
    from graph.queries import CHANGE_OWN_PASSWORD, PING

    try:
        with GraphDatabase.driver(info.bolt_uri, auth=(creds.user, DEFAULT_PASSWORD)) as d:
            d.execute_query(CHANGE_OWN_PASSWORD, old=DEFAULT_PASSWORD, new=creds.password,
                            database_="system")
        with GraphDatabase.driver(info.bolt_uri, auth=creds.auth) as d:
            d.execute_query(PING)
    except (DriverError, Neo4jError) as exc:
        raise ServerError(
            f"无法为本地 Neo4j 的已有数据库设置密码（{type(exc).__name__}）",
            f"could not set the password of the local Neo4j's existing database "
            f"({type(exc).__name__})",
        ) from None


def _kill(pid: int, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM, wait, then SIGKILL the server's process group."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                return
            time.sleep(0.2)
    if _pid_alive(pid):
        raise ServerError(f"无法结束 Neo4j 进程 {pid}", f"could not end the Neo4j process {pid}")


def start(
    home: Path | str | None = None,
    *,
    version: str | None = None,
    port: int | None = None,
    heap: str | None = None,
    pagecache: str | None = None,
    tx_memory: str | None = None,
    warm_up: bool = True,
    dist_dir: Path | str | None = None,
    timeout: float = START_TIMEOUT,
    preexec_fn: Callable[[], None] | None = None,
    progress: Callable[[str], None] = _progress,
) -> tuple[ServerInfo, bool]:
    """Start the local Neo4j server, or report the one already running.

    On the first start a random password is made, saved in
    ``neo4j/credentials.json`` (0600) and set before the store exists; later
    starts use the saved one (see the module's docstring).

    Parameters
    ----------
    home : path, optional
        The product's data folder (default: ``COBUILD_HOME``); the server lives
        in its ``neo4j/`` subfolder.
    version : str, optional
        Neo4j version (default :func:`neo4j_version`).
    port : int, optional
        Bolt port on 127.0.0.1 (default: a free one; if that is taken before
        Neo4j binds it, up to :data:`PORT_RETRIES` other ports are tried).
    heap, pagecache : str, optional
        JVM heap and page cache sizes (default ``COBUILD_NEO4J_HEAP`` /
        ``COBUILD_NEO4J_PAGECACHE`` or :func:`default_heap` /
        :func:`default_pagecache`, from the machine's memory).
    tx_memory : str, optional
        Memory all transactions together may use (default
        ``COBUILD_NEO4J_TX_MEMORY`` or Neo4j's: 70 % of the heap).
    warm_up : bool
        Once the server answers, plan the import's and the analysis's
        statements and rehearse a small import, rolled back
        (:func:`graph.store.warm_up`; 20–25 s on two cores), so the first
        import and analysis after the start do not wait for them.
    dist_dir : path, optional
        Where the pom and class path are kept (default ``neo4j/dist/<version>``).
    timeout : float
        Seconds to wait for Bolt to answer.
    preexec_fn : callable, optional
        Run in the child before Java starts (the tests tie the server's life
        to theirs with it).

    Returns
    -------
    (ServerInfo, bool)
        The server, and True when this call started it (False: it was running).

    Raises
    ------
    ServerError
        When Java or Maven is missing, the download fails, the server does
        not come up (the process is then ended and the log's tail shown), or
        it refuses the saved password.
    """
    root = server_root(home)
    with _locked(root):
        _lock_down(root)
        running = status(home)
        if running is not None:
            return running, False
        version = version or neo4j_version()
        java = find_java(version)
        jars = fetch(version, Path(dist_dir) if dist_dir else root / "dist" / version,
                     java, progress)
        heap = heap or os.environ.get("COBUILD_NEO4J_HEAP") or default_heap()
        pagecache = pagecache or os.environ.get("COBUILD_NEO4J_PAGECACHE") or default_pagecache()
        for d in ("data", "logs", "run", "import", "plugins"):
            (root / d).mkdir(exist_ok=True)
        creds = read_credentials(home)
        migrate = creds is None and _system_database_exists(root)
        if creds is None:
            creds = Credentials(USER, _new_password())
            _write_credentials(root, creds)
        chosen = port
        for attempt in range(1 + (0 if chosen else PORT_RETRIES)):
            port = chosen or _free_port()
            if _port_open(port):
                if chosen:
                    raise ServerError(f"端口 {port} 已被占用", f"port {port} is already in use")
                continue
            _write_conf(root, port, pagecache,
                        tx_memory or os.environ.get("COBUILD_NEO4J_TX_MEMORY") or None)
            if not _system_database_exists(root):
                _set_initial_password(root, java, jars, creds)
            try:
                info = _launch(root, java, jars, version, port, heap, creds, migrate,
                               timeout, preexec_fn, progress)
                if warm_up:
                    _warm_up(info, creds, progress)
                return info, True
            except _PortTaken:
                if chosen or attempt == PORT_RETRIES:
                    raise ServerError(
                        f"Neo4j 无法使用端口 {port}（已被占用）",
                        f"Neo4j could not bind port {port} (taken)",
                    ) from None
                progress(f"端口 {port} 刚被占用，换一个端口重试… / port {port} was taken "
                         f"meanwhile; retrying on another port…")
        raise ServerError("找不到空闲端口", "no free port found")


def _launch(root: Path, java: JavaRuntime, jars: list[str], version: str, port: int,
            heap: str, creds: Credentials, migrate: bool, timeout: float,
            preexec_fn: Callable[[], None] | None,
            progress: Callable[[str], None]) -> ServerInfo:
    """Run the JVM, wait for Bolt (setting the password of an old store) and
    record the state; on failure end the process and raise."""
    cmd = [java.path, f"-Xmx{heap}", *JVM_FLAGS, *_jvm_flags_for(java.major),
           f"{MARKER}{root}",
           "-cp", os.pathsep.join(jars), entry_point(jars, version),
           f"--home-dir={root}", f"--config-dir={root / 'conf'}"]
    progress(f"正在启动 Neo4j {version}（Java {java.major}）… / starting Neo4j {version} "
             f"(Java {java.major})…")
    sizes = _log_sizes(root)
    with open(root / "logs" / "console.log", "ab") as console:
        proc = subprocess.Popen(
            cmd, cwd=root, stdin=subprocess.DEVNULL, stdout=console,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=preexec_fn,
        )
    info = ServerInfo(pid=proc.pid, port=port, bolt_uri=f"bolt://127.0.0.1:{port}",
                      version=version, java=java.path, java_major=java.major,
                      root=str(root), started_at=time.time())
    _write_state(root, info)
    try:
        if migrate:
            _wait_for_bolt(proc, info, timeout, (creds.user, DEFAULT_PASSWORD),
                           log_sizes=sizes, expired_ok=True)
            progress("为已有的数据库设置密码… / setting the password of the existing database…")
            _replace_default_password(info, creds)
        else:
            _wait_for_bolt(proc, info, timeout, creds.auth, log_sizes=sizes)
    except BaseException as exc:
        with contextlib.suppress(ServerError):
            _kill(proc.pid, timeout=10)
        proc.wait()
        with contextlib.suppress(OSError):
            (root / STATE_FILE).unlink()
        if isinstance(exc, _PortTaken):
            raise
        if isinstance(exc, ServerError):
            tail = log_tail(root)
            raise ServerError(exc.message_zh + "。日志末尾：\n" + tail,
                              exc.message_en + ". The log's tail is above.") from None
        raise
    return info


#: The roster rehearsed at warm-up: the demo county at this scale (~1,500
#: rows, about a second), on a fixed day so it is the same every time.
REHEARSAL_SCALE, REHEARSAL_DAY = 0.1, dt.date(2025, 6, 30)


def _warm_up(info: ServerInfo, creds: Credentials, progress: Callable[[str], None]) -> None:
    """Plan the statements now and rehearse a small import, rolled back
    (:func:`graph.store.warm_up`), so the first import and analysis do not
    wait for cold plans and cold code; a failure here only costs that time."""
    from graph import store
    from graph.db import Database, GraphDatabase
    from graph.errors import CobuildError
    from loaders.demo import generate

    progress("预热：准备查询并演练一次导入（约 20 秒，不写入任何数据）… / warming up: preparing "
             "the statements and rehearsing an import (about 20 s; nothing is written)…")
    try:
        driver = GraphDatabase.driver(info.bolt_uri, auth=creds.auth,
                                      notifications_min_severity="OFF")
        with Database(driver, None, info.bolt_uri) as db:
            store.warm_up(db, rehearsal=generate(scale=REHEARSAL_SCALE, as_of=REHEARSAL_DAY))
    except CobuildError as exc:
        progress(f"查询计划未能预热（不影响使用）/ the query plans were not warmed up "
                 f"(no harm done): {exc.message_en}")


def stop(home: Path | str | None = None, timeout: float = STOP_TIMEOUT) -> ServerInfo | None:
    """Stop the local server; return what was stopped (None: nothing ran).

    Sends SIGTERM, waits up to ``timeout`` seconds, then SIGKILL, and checks
    that the Bolt port is closed.

    Raises
    ------
    ServerError
        When the process or its port outlives the stop.
    """
    root = server_root(home)
    with _locked(root):
        info = status(home)
        if info is None:
            return None
        _kill(info.pid, timeout)
        deadline = time.monotonic() + 10
        while _port_open(info.port):
            if time.monotonic() > deadline:
                raise ServerError(
                    f"Neo4j 已结束但端口 {info.port} 仍在使用",
                    f"Neo4j ended but port {info.port} is still in use",
                )
            time.sleep(0.2)
        with contextlib.suppress(OSError):
            (root / STATE_FILE).unlink()
        return info
