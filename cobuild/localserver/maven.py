"""Neo4j's jars, resolved from Maven Central into the Maven local repository
(section Maven of :mod:`cobuild.localserver`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections import deque
from pathlib import Path
from typing import Callable

from cobuild.localserver.java import JavaRuntime
from cobuild.localserver.layout import _progress
from graph.errors import ServerError

__all__ = ["fetch"]

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
            "请安装 Maven（如 apt install maven），或用 NEO4J_URI 指向已有的 Neo4j",
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
    progress(f"正在从 Maven Central 下载 Neo4j {version}（约 120 MB，只需一次）…\n"
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
            f"下载 Neo4j {version} 失败（mvn 退出码 {rc}）。请检查网络或 Maven 设置"
            f"（~/.m2/settings.xml 的镜像）。Maven 最后的输出：\n" + "\n".join(tail),
            f"downloading Neo4j {version} failed (mvn exit code {rc}). Check the network "
            f"or Maven's settings (mirrors in ~/.m2/settings.xml). Maven's last lines are above.",
        )
    progress(f"  完成 done: {len(jars)} 个 jar / jars")
    return jars
