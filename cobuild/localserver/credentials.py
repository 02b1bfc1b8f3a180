"""The local server's user and password (section credentials of
:mod:`cobuild.localserver`).

A strong random password, saved in ``credentials.json`` (mode 0600) and set
with ``neo4j-admin dbms set-initial-password`` before the store exists.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from cobuild.localserver.java import JavaRuntime, _jvm_flags_for
from cobuild.localserver.layout import server_root
from graph.errors import ServerError

__all__ = ["Credentials", "credentials_file", "read_credentials", "CREDENTIALS_FILE", "USER"]

CREDENTIALS_FILE = "credentials.json"
USER = "neo4j"
#: the password of a fresh Neo4j user before anyone sets one
DEFAULT_PASSWORD = "neo4j"
PASSWORD_LENGTH = 40  # letters and digits: about 238 bits
ADMIN_TOOL = "org.neo4j.cli.AdminTool"  # neo4j-admin's main class, 5.26 and 2025+


@dataclass(frozen=True)
class Credentials:
    """User and password of the local server (the password stays out of ``repr``)."""

    user: str
    password: str = field(repr=False)

    @property
    def auth(self) -> tuple[str, str]:
        """``(user, password)`` for :func:`neo4j.GraphDatabase.driver`."""
        return (self.user, self.password)


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


def _set_initial_password(root: Path, java: JavaRuntime, jars: list[str],
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
        raise ServerError(f"无法运行 neo4j-admin 设置初始密码：{exc}",
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
            f"neo4j-admin 设置初始密码失败（退出码 {out.returncode}），完整输出见 {console}:\n{tail}",
            f"neo4j-admin failed to set the initial password (exit code {out.returncode}); "
            f"its messages are above, its full output is in {console}",
        )


def _unknown_password_error(root: Path) -> ServerError:
    return ServerError(
        f"本地 Neo4j 拒绝了 {root / CREDENTIALS_FILE} 中的密码：数据库的密码不是 cobuild 保存的那个"
        f"（凭据文件被替换或丢失?）。请恢复该文件；或删除 {root / 'data'}（会清空图，之后重新导入花名册）"
        f"再运行 `cobuild neo4j start`",
        f"the local Neo4j rejected the password in {root / CREDENTIALS_FILE}: the database's "
        f"password is not the one cobuild saved (credentials file replaced or lost?). Restore "
        f"that file, or delete {root / 'data'} (this empties the graph; import the roster "
        f"again) and run `cobuild neo4j start`",
    )
