"""The connection to Neo4j.

:func:`connect` opens the database at the address and with the credentials
it is handed; where they come from (``NEO4J_URI`` and friends, or the local
server ``cobuild neo4j start`` left running) is decided one layer up, in
:func:`cobuild.database.connect`.
Connection and authentication failures always surface as
``DatabaseUnavailable`` with a bilingual message, never as a driver traceback.

Retries are cobuild's, not the driver's (:meth:`Database._retrying`): a
transient error (a deadlock between two imports, a busy lock) is retried
quietly for up to :data:`RETRY_SECONDS`; a lost connection is retried only
while the server still answers, so a server that died is reported at once
instead of after half a minute of retries. The driver's own log lines
(retry notices, defunct connections) are not printed: the ``neo4j`` logger
gets a ``NullHandler``, so they reach only handlers an application sets up.
The code uses no version-specific Cypher: it works with Neo4j 5.26 and
2025.x/2026.x alike.

This is the one module that imports the driver (:func:`_import_driver`);
the others take its names from here.
"""

from __future__ import annotations

import contextlib
import logging
import random
import sys
import time
from typing import Any, Callable, Iterator, TypeVar


def _import_driver() -> None:
    """Import the driver without numpy and pandas.

    The driver imports them when they are installed, only to take their
    values as query parameters and vectors (cobuild uses neither;
    ``Result.to_df`` imports pandas itself). OR-Tools installs both, and
    importing them took 0.4-0.5 s of every command that opens the database. They are hidden only while the driver loads and only if not
    loaded yet: a later ``import pandas`` (OR-Tools's, a notebook's) works.
    """
    hidden = [m for m in ("numpy", "pandas") if m not in sys.modules]
    if "neo4j" in sys.modules or not hidden:
        return
    for m in hidden:
        sys.modules[m] = None  # type: ignore[assignment]  # `import m` raises ImportError
    try:
        import neo4j  # noqa: F401
    finally:
        for m in hidden:
            del sys.modules[m]


_import_driver()

from neo4j import READ_ACCESS, Driver, GraphDatabase  # noqa: E402
from neo4j.exceptions import (  # noqa: E402
    AuthError,
    ClientError,
    ConfigurationError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.errors import DatabaseUnavailable  # noqa: E402
from graph.queries import PING  # noqa: E402

__all__ = ["Database", "connect", "translate", "unavailable_errors", "is_out_of_memory",
           "HOW_TO_GET_ONE", "RETRY_SECONDS",
           # the driver's names the other modules take from here
           "GraphDatabase", "READ_ACCESS", "AuthError", "ClientError", "DriverError", "Neo4jError"]

T = TypeVar("T")

#: How long a unit of work is retried after transient errors (seconds).
RETRY_SECONDS = 30.0
#: How long opening a connection may take before the server counts as gone.
CONNECT_TIMEOUT = 10.0

# The driver's log lines are not for planners (see the module doc).
logging.getLogger("neo4j").addHandler(logging.NullHandler())


def _retryable(exc: Exception) -> bool:
    """A transient server error worth another try: a deadlock, a lock
    timeout -- not memory running out, which another try does not fix."""
    if not isinstance(exc, Neo4jError) or not exc.is_retryable():
        return False
    return not is_out_of_memory(exc)


HOW_TO_GET_ONE = (
    "请先运行 `cobuild neo4j start` 启动本地 Neo4j，或设置 NEO4J_URI（及 NEO4J_USER、"
    "NEO4J_PASSWORD）指向已有的 Neo4j",
    "run `cobuild neo4j start` to start the local Neo4j, or set NEO4J_URI (and "
    "NEO4J_USER, NEO4J_PASSWORD) to point at an existing Neo4j",
)


#: Neo4j's codes for "the work needs more memory than it may have": the pool
#: of all transactions (``dbms.memory.transaction.total.max``, a transient
#: error the driver would retry), one transaction's limit
#: (``db.memory.transaction.max``), the JVM heap.
_MEMORY_CODES = ("MemoryPoolOutOfMemoryError", "TransactionOutOfMemoryError",
                 "General.OutOfMemoryError", "TransactionMemoryLimit")


def is_out_of_memory(exc: BaseException) -> bool:
    """Is this the server saying it has not the memory for the work?"""
    code = getattr(exc, "code", None) or ""
    return isinstance(exc, Neo4jError) and any(c in code for c in _MEMORY_CODES)


def _out_of_memory(uri: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"Neo4j（{uri}）的事务内存不足，这项工作没有完成，未写入任何数据（一次导入的整个花名册在"
        "一个事务中）。本地服务器（`cobuild neo4j start`）：设置更大的堆，如 COBUILD_NEO4J_HEAP=8g"
        "（事务可用堆的 70%），再运行 `cobuild neo4j stop` 和 `cobuild neo4j start`；"
        "其他 Neo4j：在 neo4j.conf 中调大 server.memory.heap.max_size 和 "
        "dbms.memory.transaction.total.max（及 db.memory.transaction.max，如已设置）后重启。",
        f"Neo4j ({uri}) ran out of transaction memory: the work did not complete and nothing "
        "was written (an import writes the whole roster in one transaction). Local server "
        "(`cobuild neo4j start`): set a bigger heap, e.g. COBUILD_NEO4J_HEAP=8g (transactions "
        "may use 70% of it), then run `cobuild neo4j stop` and `cobuild neo4j start`. Another "
        "Neo4j: raise server.memory.heap.max_size and dbms.memory.transaction.total.max (and "
        "db.memory.transaction.max if set) in neo4j.conf and restart it.",
    )


def translate(exc: BaseException, uri: str, database: str | None = None,
              credentials: str | None = None, *, any_error: bool = False
              ) -> DatabaseUnavailable | None:
    """The :class:`DatabaseUnavailable` for a driver error, or None when it
    is not one: the one place driver errors become a planner's message.

    ``credentials`` names where the password came from (the local server's
    credentials file); default: the NEO4J_* settings. With ``any_error``,
    every other driver or server error is one too ("could not complete the
    work; nothing was written"), as the store wants for its transactions.
    """
    if isinstance(exc, AuthError):
        if credentials:
            return DatabaseUnavailable(
                f"本地 Neo4j（{uri}）拒绝了 {credentials} 中的用户名或密码："
                f"请用 `cobuild neo4j stop` 和 `cobuild neo4j start` 重启它",
                f"the local Neo4j ({uri}) rejected the user name or password in "
                f"{credentials}: restart it with `cobuild neo4j stop` and `cobuild neo4j start`",
            )
        return DatabaseUnavailable(
            f"Neo4j（{uri}）拒绝了用户名或密码：请检查 NEO4J_USER（或 NEO4J_USERNAME）和 NEO4J_PASSWORD",
            f"Neo4j ({uri}) rejected the user name or password: check NEO4J_USER (or NEO4J_USERNAME) "
            f"and NEO4J_PASSWORD",
        )
    if isinstance(exc, (ServiceUnavailable, SessionExpired, OSError)):
        return DatabaseUnavailable(
            f"无法连接 Neo4j（{uri}）：{HOW_TO_GET_ONE[0]}",
            f"cannot reach Neo4j ({uri}): {HOW_TO_GET_ONE[1]}",
        )
    if isinstance(exc, ConfigurationError):
        return DatabaseUnavailable(
            f"Neo4j 连接设置有误（{uri}）：{exc}",
            f"the Neo4j connection settings are wrong ({uri}): {exc}",
        )
    if isinstance(exc, ClientError) and "DatabaseNotFound" in (exc.code or ""):
        return DatabaseUnavailable(
            f"Neo4j（{uri}）上没有名为 {database!r} 的数据库：请检查 NEO4J_DATABASE",
            f"Neo4j ({uri}) has no database named {database!r}: check NEO4J_DATABASE",
        )
    if is_out_of_memory(exc):
        return _out_of_memory(uri)
    if _retryable(exc):  # still busy after Database._retrying
        return DatabaseUnavailable(
            f"Neo4j（{uri}）一直忙于其他事务（例如另一个同时进行的导入），"
            f"{RETRY_SECONDS:.0f} 秒内未能完成，未写入任何数据：请稍后再试",
            f"Neo4j ({uri}) stayed busy with other work (another import at the same "
            f"time?) for {RETRY_SECONDS:.0f} s; nothing was written: try again later",
        )
    if any_error and isinstance(exc, (Neo4jError, DriverError)):
        detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return DatabaseUnavailable(
            f"Neo4j（{uri}）未能完成操作，未写入任何数据：{detail}",
            f"Neo4j ({uri}) could not complete the work; nothing was written: {detail}",
        )
    return None


@contextlib.contextmanager
def unavailable_errors(uri: str, database: str | None = None,
                       credentials: str | None = None, *, any_error: bool = False
                       ) -> Iterator[None]:
    """Turn driver connection/auth errors raised inside into DatabaseUnavailable
    (with ``any_error``: every driver or server error; see :func:`translate`).

    ``credentials``: where the password came from, named in an auth error.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - re-raised unless translated
        translated = translate(exc, uri, database, credentials, any_error=any_error)
        if translated is None:
            raise
        raise translated from exc


class Database:
    """An open connection to one Neo4j database.

    Parameters
    ----------
    driver : neo4j.Driver
        The driver (owned: :meth:`close` closes it).
    database : str or None
        Database name; None means the server's default database.
    uri : str
        Where the driver points (shown in messages).

    Examples
    --------
    >>> with connect() as db:                      # doctest: +SKIP
    ...     db.run("RETURN $x AS x", x=1)
    [{'x': 1}]
    """

    def __init__(self, driver: Driver, database: str | None = None, uri: str = "") -> None:
        self.driver = driver
        self.database = database
        self.uri = uri

    def _guard(self):
        return unavailable_errors(self.uri, self.database)

    def errors(self, *, any_error: bool = False):
        """A context in which driver errors become :class:`DatabaseUnavailable`
        naming this database (see :func:`translate`)."""
        return unavailable_errors(self.uri, self.database, any_error=any_error)

    def _answers(self) -> bool:
        """Whether the server takes a new connection now."""
        try:
            self.driver.verify_connectivity()
        except Exception:  # noqa: BLE001 - any failure means "not now"
            return False
        return True

    def _retrying(self, work: Callable[[], T]) -> T:
        """``work()``, tried again after transient errors for up to
        :data:`RETRY_SECONDS`, and after a lost connection only while the
        server still answers (see the module doc)."""
        deadline = time.monotonic() + RETRY_SECONDS
        delay = 0.1
        while True:
            try:
                return work()
            except IncompleteCommit:
                raise  # it may have been committed: never run it twice
            except (ServiceUnavailable, SessionExpired):
                # the server is gone (or keeps failing): say so now
                if time.monotonic() + delay > deadline or not self._answers():
                    raise
            except Exception as exc:  # noqa: BLE001 - re-raised unless transient
                if not _retryable(exc) or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, 2.0)

    def execute_read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(tx, *args)`` in a managed read transaction (may be retried)."""
        def work() -> T:
            with self.driver.session(database=self.database) as session:
                return session.execute_read(fn, *args)

        with self._guard():
            return self._retrying(work)

    def execute_write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(tx, *args)`` in a managed write transaction (may be retried)."""
        def work() -> T:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(fn, *args)

        with self._guard():
            return self._retrying(work)

    def run(self, query: str, **params: Any) -> list[dict]:
        """Run one query (a constant from :mod:`graph.queries`); records as dicts."""
        with self._guard():
            records, _, _ = self._retrying(lambda: self.driver.execute_query(
                query, parameters_=params, database_=self.database
            ))
        return [r.data() for r in records]

    def server_version(self) -> str:
        """The server's product string, e.g. ``"Neo4j/5.26.30"``."""
        with self._guard():
            return self.driver.get_server_info().agent

    def close(self) -> None:
        """Close the driver."""
        self.driver.close()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database(uri={self.uri!r}, database={self.database!r})"


def connect(uri: str, auth: tuple[str, str] | None = None, database: str | None = None, *,
            credentials: str | None = None, verify: bool = True) -> Database:
    """Open the database at ``uri``.

    This layer does not look for a server: it is handed the address and the
    credentials (:func:`cobuild.database.connect` finds them from the
    settings or the local server).

    Parameters
    ----------
    uri : str
        Bolt URI, e.g. ``bolt://127.0.0.1:7687``.
    auth : (user, password), optional
        None: a server without authentication.
    database : str, optional
        Database name; None means the server's default database.
    credentials : str, optional
        Where the password came from (a file), named when it is refused;
        default: the NEO4J_* settings.
    verify : bool
        Check that the server answers before returning (default True).

    Returns
    -------
    Database

    Raises
    ------
    DatabaseUnavailable
        When the server cannot be reached or rejects the credentials.
    """
    database = database or None
    with unavailable_errors(uri, database, credentials):
        # Server notifications (e.g. "label does not exist" on an empty
        # database) are planner noise, not errors: the server sends none.
        # Retries are ours (Database._retrying): the driver tries once.
        driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF",
                                      max_transaction_retry_time=0,
                                      connection_timeout=CONNECT_TIMEOUT)
    db = Database(driver, database, uri)
    if verify:
        try:
            with unavailable_errors(uri, database, credentials):
                driver.verify_connectivity()
                if database:
                    # verify_connectivity does not check that the database exists
                    with driver.session(database=database) as session:
                        session.run(PING).consume()
        except BaseException:
            driver.close()
            raise
    return db
