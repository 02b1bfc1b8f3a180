"""The connection to Neo4j.

:func:`connect` opens the database at the address and with the credentials
it is handed; where they come from (``NEO4J_URI`` and friends, or the local
server ``cobuild neo4j start`` left running) is decided one layer up, in
:func:`cobuild.database.connect`.
Connection and authentication failures always surface as
``DatabaseUnavailable`` with a bilingual message, never as a driver traceback.
The code uses no version-specific Cypher: it works with Neo4j 5.26 and
2025.x/2026.x alike.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, TypeVar

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.errors import DatabaseUnavailable
from graph.queries import PING

__all__ = ["Database", "connect", "translate", "unavailable_errors", "HOW_TO_GET_ONE"]

T = TypeVar("T")

HOW_TO_GET_ONE = (
    "请先运行 `cobuild neo4j start` 启动本地 Neo4j,或设置 NEO4J_URI(及 NEO4J_USER、"
    "NEO4J_PASSWORD)指向已有的 Neo4j",
    "run `cobuild neo4j start` to start the local Neo4j, or set NEO4J_URI (and "
    "NEO4J_USER, NEO4J_PASSWORD) to point at an existing Neo4j",
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
                f"本地 Neo4j({uri})拒绝了 {credentials} 中的用户名或密码:"
                f"请用 `cobuild neo4j stop` 和 `cobuild neo4j start` 重启它",
                f"the local Neo4j ({uri}) rejected the user name or password in "
                f"{credentials}: restart it with `cobuild neo4j stop` and `cobuild neo4j start`",
            )
        return DatabaseUnavailable(
            f"Neo4j({uri})拒绝了用户名或密码:请检查 NEO4J_USER 和 NEO4J_PASSWORD",
            f"Neo4j ({uri}) rejected the user name or password: check NEO4J_USER "
            f"and NEO4J_PASSWORD",
        )
    if isinstance(exc, (ServiceUnavailable, SessionExpired, OSError)):
        return DatabaseUnavailable(
            f"无法连接 Neo4j({uri}):{HOW_TO_GET_ONE[0]}",
            f"cannot reach Neo4j ({uri}): {HOW_TO_GET_ONE[1]}",
        )
    if isinstance(exc, ConfigurationError):
        return DatabaseUnavailable(
            f"Neo4j 连接设置有误({uri}):{exc}",
            f"the Neo4j connection settings are wrong ({uri}): {exc}",
        )
    if isinstance(exc, ClientError) and "DatabaseNotFound" in (exc.code or ""):
        return DatabaseUnavailable(
            f"Neo4j({uri})上没有名为 {database!r} 的数据库:请检查 NEO4J_DATABASE",
            f"Neo4j ({uri}) has no database named {database!r}: check NEO4J_DATABASE",
        )
    if any_error and isinstance(exc, (Neo4jError, DriverError)):
        detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return DatabaseUnavailable(
            f"Neo4j({uri})未能完成操作,未写入任何数据:{detail}",
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

    def execute_read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(tx, *args)`` in a managed read transaction (may be retried)."""
        with self._guard(), self.driver.session(database=self.database) as session:
            return session.execute_read(fn, *args)

    def execute_write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(tx, *args)`` in a managed write transaction (may be retried)."""
        with self._guard(), self.driver.session(database=self.database) as session:
            return session.execute_write(fn, *args)

    def run(self, query: str, **params: Any) -> list[dict]:
        """Run one query (a constant from :mod:`graph.queries`); records as dicts."""
        with self._guard():
            records, _, _ = self.driver.execute_query(
                query, parameters_=params, database_=self.database
            )
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
        driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")
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
