"""Bearer tokens: roles, street limits, and their file.

A token is ``cbt_`` followed by 43 URL-safe characters (256 random bits).
Only its SHA-256 is stored, in ``$COBUILD_HOME/tokens.json`` (file mode
0600, written atomically: a temporary file in the same folder, then
``os.replace``). A presented token is hashed and compared with every stored
hash in constant time (:func:`hmac.compare_digest`).

Roles, weakest first:

* ``reader`` -- lookups; phone numbers masked (``138****1234``);
* ``planner`` -- lookups with phone numbers;
* ``admin`` -- also imports rosters and lists the audit records.

A token may be limited to one street: it then sees nothing outside it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from graph.errors import CobuildError

__all__ = [
    "ROLES",
    "TOKEN_PREFIX",
    "TokenRecord",
    "Principal",
    "TokenStore",
    "TokenFileError",
    "hash_token",
]

#: Roles, weakest first, with what a planner reads.
ROLES: dict[str, tuple[str, str]] = {
    "reader": ("只读（手机号打码）", "read-only, phone numbers masked"),
    "planner": ("规划人员（可见手机号）", "planner, may see phone numbers"),
    "admin": ("管理员（可导入、可查审计）", "administrator: may import and list the audit"),
}

TOKEN_PREFIX = "cbt_"


class TokenFileError(CobuildError):
    """The token file cannot be read or written."""


def hash_token(token: str) -> str:
    """SHA-256 hex digest of a presented token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenRecord:
    """A stored token (never its secret)."""

    id: str
    role: str
    street: str | None
    name: str | None
    created: str
    sha256: str

    def public(self) -> dict:
        """What ``token list`` and the API may show: everything but the hash."""
        d = asdict(self)
        d.pop("sha256")
        return d

    def principal(self) -> "Principal":
        """Who calls with this token."""
        return Principal(self.id, self.name, self.role, self.street)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's id, name, role and street limit."""

    token_id: str
    name: str | None
    role: str
    street: str | None

    @property
    def may_see_phones(self) -> bool:
        return self.role in ("planner", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class TokenStore:
    """The token file. Re-read when it changes on disk, so tokens made or
    revoked with ``cobuild token`` take effect in a running server at once.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> store = TokenStore(pathlib.Path(tempfile.mkdtemp()) / "tokens.json")
    >>> rec, secret = store.create("reader", street="S1")
    >>> store.verify(secret).street
    'S1'
    >>> store.verify(secret + "x") is None
    True
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fspath = os.fspath(self.path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._records: tuple[TokenRecord, ...] = ()

    # -- reading -----------------------------------------------------------

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self._fspath)  # once per request: no pathlib on the way
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _read(self) -> list[TokenRecord]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as e:
            raise TokenFileError(
                f"令牌文件 {self.path} 无法读取：{type(e).__name__}",
                f"cannot read the token file {self.path}: {type(e).__name__}",
            ) from e
        return [TokenRecord(**t) for t in data.get("tokens", [])]

    def records(self) -> list[TokenRecord]:
        """Every stored token, reloaded when the file changed."""
        return list(self._current())

    def _current(self) -> tuple[TokenRecord, ...]:
        stamp = self._stat()
        with self._lock:
            if stamp != self._stamp:
                self._records = tuple(self._read()) if stamp else ()
                self._stamp = stamp
            return self._records

    def verify(self, token: str) -> TokenRecord | None:
        """The record of a presented token, or ``None``.

        Every stored hash is compared, in constant time, so neither timing
        nor order tells which one matched.
        """
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        digest = hash_token(token)
        found = None
        for rec in self._current():
            if hmac.compare_digest(digest, rec.sha256):
                found = rec
        return found

    # -- writing -----------------------------------------------------------

    @contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _write(self, records: list[TokenRecord]) -> None:
        data = json.dumps({"version": 1, "tokens": [asdict(r) for r in records]},
                          ensure_ascii=False, indent=2)
        fd, tmp = tempfile.mkstemp(prefix=".tokens-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def create(self, role: str, street: str | None = None,
               name: str | None = None) -> tuple[TokenRecord, str]:
        """Make a token; returns its record and the secret (shown once)."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._locked():
            records = self._read()
            ids = {r.id for r in records}
            tid = "t_" + secrets.token_hex(4)
            while tid in ids:
                tid = "t_" + secrets.token_hex(4)
            rec = TokenRecord(
                id=tid,
                role=role,
                street=street or None,
                name=name or None,
                created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                sha256=hash_token(secret),
            )
            self._write(records + [rec])
        return rec, secret

    def revoke(self, token_id: str) -> bool:
        """Remove a token by id; ``True`` when one was removed."""
        with self._locked():
            records = self._read()
            keep = [r for r in records if r.id != token_id]
            if len(keep) == len(records):
                return False
            self._write(keep)
        return True
