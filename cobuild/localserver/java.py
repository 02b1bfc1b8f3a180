"""The JDK that runs the local server (section Java of :mod:`cobuild.localserver`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from graph.errors import ServerError

__all__ = ["JavaRuntime", "JVM_DIRS", "JVM_FLAGS", "java_majors_for", "find_java"]

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
            f"无法识别的 Neo4j 版本号 {version!r}（应如 5.26.30 或 2026.08.1）",
            f"unrecognised Neo4j version {version!r} (expected e.g. 5.26.30 or 2026.08.1)",
        )
    major, minor = int(m.group(1)), int(m.group(2))
    if major == 5:
        return (17, 21)
    if major >= 2025:
        return (21, 25) if (major, minor) >= (2025, 10) else (21,)
    raise ServerError(
        f"不支持 Neo4j {version}：请用 5.26 或 2025.01 之后的版本",
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
            f"请把 JAVA_HOME 指向合适的 JDK，或取消设置 JAVA_HOME 让 cobuild 自己寻找",
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
            f"找不到 Java。Neo4j {version} 需要 Java {need[0]}：请安装 JDK"
            f"（如 apt install openjdk-17-jdk-headless）或设置 JAVA_HOME",
            f"Java not found. Neo4j {version} needs Java {need[1]}: install a JDK "
            f"(e.g. apt install openjdk-17-jdk-headless) or set JAVA_HOME",
        )
    have = ", ".join(f"{p} (Java {m})" for p, m in seen.items() if m is not None)
    raise ServerError(
        f"找到的 Java 版本不合适：{have};Neo4j {version} 需要 Java {need[0]}。"
        f"请安装合适的 JDK 并设置 JAVA_HOME",
        f"no fitting Java found: {have}; Neo4j {version} needs Java {need[1]}. "
        f"Install a fitting JDK and set JAVA_HOME",
    )
