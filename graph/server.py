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
one. :func:`graph.db.connect` reads the file; nothing prints the password.

The default version is 5.26 LTS (runs on Java 17 or 21);
``COBUILD_NEO4J_VERSION`` picks another (e.g. ``2026.08.1``, which needs Java
21 or 25). The JDK is taken from ``JAVA_HOME`` when set (strictly), otherwise
the first fitting one on ``PATH`` or in the usual JDK folders.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from graph.errors import ServerError

__all__ = [
    "DEFAULT_VERSION",
    "ServerInfo",
    "JavaRuntime",
    "Credentials",
    "credentials_file",
    "read_credentials",
    "neo4j_version",
    "server_root",
    "java_majors_for",
    "find_java",
    "fetch",
    "start",
    "status",
    "stop",
    "log_tail",
    "entry_point",
]

DEFAULT_VERSION = "5.26.30"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"  # 5.x; read from the jar when listed
#: JVM system property that marks our servers (found in the process's command line)
MARKER = "-Dcobuild.neo4j.root="
STATE_FILE = "server.json"
CREDENTIALS_FILE = "credentials.json"
USER = "neo4j"
#: the password of a fresh Neo4j user before anyone sets one
DEFAULT_PASSWORD = "neo4j"
PASSWORD_LENGTH = 40  # letters and digits: about 238 bits
ADMIN_TOOL = "org.neo4j.cli.AdminTool"  # neo4j-admin's main class, 5.26 and 2025+
#: new ports tried when the chosen free port is taken before Neo4j binds it
PORT_RETRIES = 3
#: The heap is an eighth of the machine's memory within these bounds (MiB); the
#: transaction memory Neo4j allows is 70 % of it (a 120k-row roster, written
#: in one transaction, needs about 1.5 GiB). The page cache: a 32nd, 64 MiB-1 GiB.
HEAP_BOUNDS = (512, 4096)
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
    """The JVM heap for this machine: 1/8 of its memory, 512m to 4g."""
    return _share(8, HEAP_BOUNDS)


def default_pagecache() -> str:
    """The page cache for this machine: 1/32 of its memory, 64m to 1g."""
    return _share(32, PAGECACHE_BOUNDS)

START_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0
JVM_DIRS = (
    "/usr/lib/jvm",
    "/usr/java",
    "/opt/java",
    "/Library/Java/JavaVirtualMachines",
)
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
    "-Dlog4j2.disable.jmx=true",
    "-Dio.netty.tryReflectionSetAccessible=true",
)

_POM = """\
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.cobuild</groupId>
  <artifactId>neo4j-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId>
      <artifactId>neo4j</artifactId>
      <version>{version}</version>
    </dependency>
  </dependencies>
</project>
"""


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


@dataclass(frozen=True)
class Credentials:
    """User and password of the local server (the password stays out of ``repr``)."""

    user: str
    password: str = field(repr=False)

    @property
    def auth(self) -> tuple[str, str]:
        """``(user, password)`` for :func:`neo4j.GraphDatabase.driver`."""
        return (self.user, self.password)


@dataclass(frozen=True)
class JavaRuntime:
    """A ``java`` executable and its feature version (17, 21, 25 ...)."""

    path: str
    major: int


def _jvm_flags_for(major: int) -> list[str]:
    """Flags that newer JDKs want for Neo4j's native and off-heap access."""
    flags = []
    if major >= 21:
        flags.append("--enable-native-access=ALL-UNNAMED")
    if major >= 24:
        flags.append("--sun-misc-unsafe-memory-access=allow")
    return flags


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def neo4j_version() -> str:
    """The Neo4j version to run: ``COBUILD_NEO4J_VERSION`` or :data:`DEFAULT_VERSION`."""
    return os.environ.get("COBUILD_NEO4J_VERSION", "").strip() or DEFAULT_VERSION


def server_root(home: Path | str | None = None) -> Path:
    """The server's folder, ``<COBUILD_HOME>/neo4j``.

    Parameters
    ----------
    home : path, optional
        The product's data folder; default from :func:`graph.settings.get_settings`.
    """
    if home is None:
        from graph.settings import get_settings

        home = get_settings().home
    return Path(home).expanduser().resolve() / "neo4j"


# --------------------------------------------------------------------------- credentials


def credentials_file(home: Path | str | None = None) -> Path:
    """The file holding the local server's user and password (mode 0600).

    Parameters
    ----------
    home : path, optional
        The product's data folder (default: ``COBUILD_HOME``).
    """
    return server_root(home) / CREDENTIALS_FILE


def read_credentials(home: Path | str | None = None) -> Credentials | None:
    """The local server's user and password, or None when none were made yet.

    Parameters
    ----------
    home : path, optional
        The product's data folder (default: ``COBUILD_HOME``).

    Raises
    ------
    ServerError
        When the file exists but cannot be read or is damaged.
    """
    path = credentials_file(home)
    try:
        data = json.loads(path.read_text())
        return Credentials(str(data["user"]), str(data["password"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ServerError(
            f"无法读取本地 Neo4j 的凭据文件 {path}({type(exc).__name__})",
            f"cannot read the local Neo4j's credentials file {path} ({type(exc).__name__})",
        ) from None


def _write_credentials(root: Path, creds: Credentials) -> None:
    """Save ``creds`` atomically in a file only its owner may read (0600)."""
    tmp = root / (CREDENTIALS_FILE + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"user": creds.user, "password": creds.password}, fh)
    os.chmod(tmp, 0o600)
    tmp.replace(root / CREDENTIALS_FILE)


def _new_password() -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(PASSWORD_LENGTH))


def _lock_down(root: Path) -> None:
    """Owner-only access to the server's folder (it holds the store and the password)."""
    os.chmod(root, 0o700)
    with contextlib.suppress(FileNotFoundError):
        os.chmod(root / CREDENTIALS_FILE, 0o600)


def _system_database_exists(root: Path) -> bool:
    return (root / "data" / "databases" / "system").is_dir()


def _set_initial_password(root: Path, java: "JavaRuntime", jars: list[str],
                          creds: Credentials) -> None:
    """``neo4j-admin dbms set-initial-password`` for a store not created yet.

    Runs Neo4j's admin tool on the server's class path. The password goes in
    a 0600 argument file (picocli's ``@file``) inside the 0700 server folder,
    so it never shows in a process list.
    """
    args = root / "run" / "set-initial-password.args"
    args.parent.mkdir(exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        args.unlink()
    fd = os.open(args, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"dbms\nset-initial-password\n{creds.password}\n")
    env = {**os.environ, "NEO4J_HOME": str(root), "NEO4J_CONF": str(root / "conf")}
    cmd = [java.path, *_jvm_flags_for(java.major), "-Dfile.encoding=UTF-8",
           "-cp", os.pathsep.join(jars), ADMIN_TOOL, f"@{args}"]
    try:
        out = subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, errors="replace", timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ServerError(f"无法运行 neo4j-admin 设置初始密码:{exc}",
                          f"could not run neo4j-admin to set the initial password: {exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            args.unlink()
    if out.returncode != 0 or not (root / "data" / "dbms" / "auth.ini").is_file():
        text = (out.stdout + out.stderr).replace(creds.password, "********")
        console = root / "logs" / "console.log"
        with contextlib.suppress(OSError), open(console, "a") as fh:
            fh.write(f"--- neo4j-admin dbms set-initial-password (exit {out.returncode})\n{text}\n")
        # the messages, without Java's stack frames
        lines = [ln for ln in text.strip().splitlines()
                 if not re.match(r"\s+(at |\.\.\. \d+ more)", ln)]
        tail = "\n".join(lines[-10:])
        raise ServerError(
            f"neo4j-admin 设置初始密码失败(退出码 {out.returncode}),完整输出见 {console}:\n{tail}",
            f"neo4j-admin failed to set the initial password (exit code {out.returncode}); "
            f"its messages are above, its full output is in {console}",
        )


def _unknown_password_error(root: Path) -> ServerError:
    return ServerError(
        f"本地 Neo4j 拒绝了 {root / CREDENTIALS_FILE} 中的密码:数据库的密码不是 cobuild 保存的那个"
        f"(凭据文件被替换或丢失?)。请恢复该文件;或删除 {root / 'data'}(会清空图,之后重新导入花名册)"
        f"再运行 `cobuild neo4j start`",
        f"the local Neo4j rejected the password in {root / CREDENTIALS_FILE}: the database's "
        f"password is not the one cobuild saved (credentials file replaced or lost?). Restore "
        f"that file, or delete {root / 'data'} (this empties the graph; import the roster "
        f"again) and run `cobuild neo4j start`",
    )


# --------------------------------------------------------------------------- Java


def java_majors_for(version: str) -> tuple[int, ...]:
    """Java feature versions a Neo4j version runs on.

    >>> java_majors_for("5.26.30")
    (17, 21)
    >>> java_majors_for("2026.08.1")
    (21, 25)
    """
    m = re.match(r"(\d+)\.(\d+)", version)
    if not m:
        raise ServerError(
            f"无法识别的 Neo4j 版本号 {version!r}(应如 5.26.30 或 2026.08.1)",
            f"unrecognised Neo4j version {version!r} (expected e.g. 5.26.30 or 2026.08.1)",
        )
    major, minor = int(m.group(1)), int(m.group(2))
    if major == 5:
        return (17, 21)
    if major >= 2025:
        return (21, 25) if (major, minor) >= (2025, 10) else (21,)
    raise ServerError(
        f"不支持 Neo4j {version}:请用 5.26 或 2025.01 之后的版本",
        f"Neo4j {version} is not supported: use 5.26 or a release from 2025.01 on",
    )


_VERSION_RE = re.compile(r'version "(\d+)(?:\.(\d+))?[^"]*"')


def _java_major(java: str) -> int | None:
    """Feature version of a ``java`` executable, or None when it does not run."""
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    m = _VERSION_RE.search(out.stderr + out.stdout)
    if not m:
        return None
    first = int(m.group(1))
    return int(m.group(2) or 0) if first == 1 else first  # "1.8.0" -> 8


def _java_candidates(env: dict[str, str], jvm_dirs: tuple[str, ...]) -> Iterator[str]:
    on_path = shutil.which("java", path=env["PATH"]) if env.get("PATH") else None
    if on_path:
        yield str(Path(on_path).resolve())
    for base in jvm_dirs:
        p = Path(base)
        if not p.is_dir():
            continue
        for jdk in sorted(p.iterdir(), reverse=True):
            for java in (jdk / "bin" / "java", jdk / "Contents" / "Home" / "bin" / "java"):
                if java.is_file() and os.access(java, os.X_OK):
                    yield str(java.resolve())


def find_java(
    version: str,
    env: dict[str, str] | None = None,
    jvm_dirs: tuple[str, ...] = JVM_DIRS,
) -> JavaRuntime:
    """Pick a JDK that runs the given Neo4j version.

    ``JAVA_HOME``, when set, is used strictly (an unfit one is an error). Else
    the ``java`` on ``PATH`` is tried, then the JDKs in ``jvm_dirs``.

    Parameters
    ----------
    version : str
        Neo4j version, e.g. ``"5.26.30"``.
    env : dict, optional
        Environment to read ``JAVA_HOME`` and ``PATH`` from (default ``os.environ``).
    jvm_dirs : tuple of str
        Folders holding installed JDKs.

    Raises
    ------
    ServerError
        When Java is missing or no JDK found fits, saying which versions fit.
    """
    env = dict(os.environ if env is None else env)
    fits = java_majors_for(version)
    need = " 或 ".join(map(str, fits)), " or ".join(map(str, fits))
    java_home = env.get("JAVA_HOME", "").strip()
    if java_home:
        java = Path(java_home) / "bin" / "java"
        major = _java_major(str(java)) if java.exists() else None
        if major in fits:
            return JavaRuntime(str(java), major)
        found = "找不到可运行的 java" if major is None else f"是 Java {major}"
        found_en = "has no runnable java" if major is None else f"is Java {major}"
        raise ServerError(
            f"JAVA_HOME={java_home} {found};Neo4j {version} 需要 Java {need[0]}。"
            f"请把 JAVA_HOME 指向合适的 JDK,或取消设置 JAVA_HOME 让 cobuild 自己寻找",
            f"JAVA_HOME={java_home} {found_en}; Neo4j {version} needs Java {need[1]}. "
            f"Point JAVA_HOME at a fitting JDK, or unset it to let cobuild search",
        )
    seen: dict[str, int | None] = {}
    for java in _java_candidates(env, jvm_dirs):
        if java in seen:
            continue
        seen[java] = major = _java_major(java)
        if major in fits:
            return JavaRuntime(java, major)
    if not any(v is not None for v in seen.values()):
        raise ServerError(
            f"找不到 Java。Neo4j {version} 需要 Java {need[0]}:请安装 JDK"
            f"(如 apt install openjdk-17-jdk-headless)或设置 JAVA_HOME",
            f"Java not found. Neo4j {version} needs Java {need[1]}: install a JDK "
            f"(e.g. apt install openjdk-17-jdk-headless) or set JAVA_HOME",
        )
    have = ", ".join(f"{p} (Java {m})" for p, m in seen.items() if m is not None)
    raise ServerError(
        f"找到的 Java 版本不合适:{have};Neo4j {version} 需要 Java {need[0]}。"
        f"请安装合适的 JDK 并设置 JAVA_HOME",
        f"no fitting Java found: {have}; Neo4j {version} needs Java {need[1]}. "
        f"Install a fitting JDK and set JAVA_HOME",
    )


# --------------------------------------------------------------------------- fetch


def _classpath_ok(cp_file: Path) -> list[str] | None:
    if not cp_file.is_file():
        return None
    jars = [j for j in cp_file.read_text().strip().split(os.pathsep) if j]
    if jars and all(Path(j).is_file() for j in jars):
        return jars
    return None


def fetch(
    version: str,
    dist_dir: Path,
    java: JavaRuntime | None = None,
    progress: Callable[[str], None] = _progress,
) -> list[str]:
    """Resolve Neo4j ``version`` with Maven; return the class path (jar files).

    The jars stay in the Maven local repository; the class path is saved in
    ``dist_dir/classpath.txt`` and reused while all its jars exist. Maven runs
    offline first, and goes online (with progress on stderr) only when
    something is missing.

    Raises
    ------
    ServerError
        When Maven is missing or the download fails (with Maven's last lines).
    """
    dist_dir = Path(dist_dir)
    cp_file = dist_dir / "classpath.txt"
    jars = _classpath_ok(cp_file)
    if jars:
        return jars
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServerError(
            "找不到 Maven(mvn)。cobuild 用 Maven 从 Maven Central 下载 Neo4j:"
            "请安装 Maven(如 apt install maven),或用 NEO4J_URI 指向已有的 Neo4j",
            "Maven (mvn) not found. cobuild fetches Neo4j from Maven Central with Maven: "
            "install it (e.g. apt install maven), or point NEO4J_URI at an existing Neo4j",
        )
    dist_dir.mkdir(parents=True, exist_ok=True)
    (dist_dir / "pom.xml").write_text(_POM.format(version=version))
    env = dict(os.environ)
    if java is not None:  # run Maven on a JDK known to work
        env["JAVA_HOME"] = str(Path(java.path).resolve().parent.parent)
    base = [mvn, "-B", "-Dstyle.color=never", "-f", str(dist_dir / "pom.xml"),
            "dependency:build-classpath", f"-Dmdep.outputFile={cp_file}"]
    offline = subprocess.run(base[:1] + ["-o", "-q"] + base[1:], env=env,
                             capture_output=True, text=True)
    if offline.returncode == 0 and (jars := _classpath_ok(cp_file)):
        return jars
    progress(f"正在从 Maven Central 下载 Neo4j {version}(约 120 MB,只需一次)…\n"
             f"downloading Neo4j {version} from Maven Central (about 120 MB, once only)…")
    tail: deque[str] = deque(maxlen=25)
    count = 0
    last = 0.0
    proc = subprocess.Popen(base, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace")
    assert proc.stdout is not None
    for line in proc.stdout:
        tail.append(line.rstrip())
        if "Downloaded from" in line:  # "[INFO] Downloaded from central: …"
            count += 1
            if time.monotonic() - last > 2:
                last = time.monotonic()
                progress(f"  已下载 downloaded {count} 个文件 files…")
    rc = proc.wait()
    if rc != 0 or not (jars := _classpath_ok(cp_file)):
        raise ServerError(
            f"下载 Neo4j {version} 失败(mvn 退出码 {rc})。请检查网络或 Maven 设置"
            f"(~/.m2/settings.xml 的镜像)。Maven 最后的输出:\n" + "\n".join(tail),
            f"downloading Neo4j {version} failed (mvn exit code {rc}). Check the network "
            f"or Maven's settings (mirrors in ~/.m2/settings.xml). Maven's last lines are above.",
        )
    progress(f"  完成 done: {len(jars)} 个 jar / jars")
    return jars


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
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    from graph.queries import PING

    root = Path(info.root)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            if log_sizes is not None and _BIND_FAILED.search(_new_log_text(root, log_sizes)):
                raise _PortTaken(f"端口 {info.port} 已被占用", f"port {info.port} is taken")
            raise ServerError(
                f"Neo4j 启动失败(进程已退出,退出码 {proc.returncode})",
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
    from neo4j import GraphDatabase
    from neo4j.exceptions import DriverError, Neo4jError

    from graph.queries import CHANGE_OWN_PASSWORD, PING

    try:
        with GraphDatabase.driver(info.bolt_uri, auth=(creds.user, DEFAULT_PASSWORD)) as d:
            d.execute_query(CHANGE_OWN_PASSWORD, old=DEFAULT_PASSWORD, new=creds.password,
                            database_="system")
        with GraphDatabase.driver(info.bolt_uri, auth=creds.auth) as d:
            d.execute_query(PING)
    except (DriverError, Neo4jError) as exc:
        raise ServerError(
            f"无法为本地 Neo4j 的已有数据库设置密码({type(exc).__name__})",
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
                _warm_up(info, creds, progress)
                return info, True
            except _PortTaken:
                if chosen or attempt == PORT_RETRIES:
                    raise ServerError(
                        f"Neo4j 无法使用端口 {port}(已被占用)",
                        f"Neo4j could not bind port {port} (taken)",
                    ) from None
                progress(f"端口 {port} 刚被占用,换一个端口重试… / port {port} was taken "
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
    progress(f"正在启动 Neo4j {version}(Java {java.major})… / starting Neo4j {version} "
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
            raise ServerError(exc.message_zh + "。日志末尾:\n" + tail,
                              exc.message_en + ". The log's tail is above.") from None
        raise
    return info


def _warm_up(info: ServerInfo, creds: Credentials, progress: Callable[[str], None]) -> None:
    """Plan the import's statements now (:func:`graph.store.warm_up`), so the
    first import does not wait for them; a failure here only costs that time."""
    from neo4j import GraphDatabase

    from graph import store
    from graph.db import Database
    from graph.errors import DatabaseUnavailable

    progress("预热查询计划… / warming up the query plans…")
    try:
        driver = GraphDatabase.driver(info.bolt_uri, auth=creds.auth,
                                      notifications_min_severity="OFF")
        with Database(driver, None, info.bolt_uri) as db:
            store.warm_up(db)
    except DatabaseUnavailable as exc:
        progress(f"查询计划未能预热(不影响使用)/ the query plans were not warmed up "
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
