"""The connection to Neo4j.

:func:`connect` uses ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` /
``NEO4J_DATABASE`` (or a ``.env``) when ``NEO4J_URI`` is set; otherwise the
server ``cobuild neo4j start`` left running under ``COBUILD_HOME``, logging in
with the user and password saved in ``$COBUILD_HOME/neo4j/credentials.json``;
otherwise it raises :class:`~graph.errors.DatabaseUnavailable` saying how to
get one.
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
    ServiceUnavailable,
    SessionExpired,
)

from graph import server
from graph.errors import DatabaseUnavailable, ServerError
from graph.queries import PING

__all__ = ["Database", "connect", "unavailable_errors"]

T = TypeVar("T")

_HOW_TO_GET_ONE = (
    "请先运行 `cobuild neo4j start` 启动本地 Neo4j,或设置 NEO4J_URI(及 NEO4J_USER、"
    "NEO4J_PASSWORD)指向已有的 Neo4j",
    "run `cobuild neo4j start` to start the local Neo4j, or set NEO4J_URI (and "
    "NEO4J_USER, NEO4J_PASSWORD) to point at an existing Neo4j",
)


def _translate(exc: Exception, uri: str, database: str | None,
               credentials: str | None = None) -> DatabaseUnavailable | None:
    """The DatabaseUnavailable for a driver error, or None when it is not one.

    ``credentials`` names where the password came from (the local server's
    credentials file); default: the NEO4J_* settings.
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
            f"Neo4j({uri})拒绝了用户名或密码:请检查 NEO4J_USER（或 NEO4J_USERNAME）和 NEO4J_PASSWORD",
            f"Neo4j ({uri}) rejected the user name or password: check NEO4J_USER (or NEO4J_USERNAME) "
            f"and NEO4J_PASSWORD",
        )
    if isinstance(exc, (ServiceUnavailable, SessionExpired, OSError)):
        return DatabaseUnavailable(
            f"无法连接 Neo4j({uri}):{_HOW_TO_GET_ONE[0]}",
            f"cannot reach Neo4j ({uri}): {_HOW_TO_GET_ONE[1]}",
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
    return None


@contextlib.contextmanager
def unavailable_errors(uri: str, database: str | None = None,
                       credentials: str | None = None) -> Iterator[None]:
    """Turn driver connection/auth errors raised inside into DatabaseUnavailable.

    ``credentials``: where the password came from, named in an auth error.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - re-raised unless translated
        translated = _translate(exc, uri, database, credentials)
        if translated is None:
            raise
        raise translated from exc


def _local_server(settings) -> tuple[str, tuple[str, str]]:
    """Bolt URI and ``(user, password)`` of the server ``cobuild neo4j start`` left running."""
    info = server.status(settings.home)
    if info is None:
        raise DatabaseUnavailable(
            f"没有可用的 Neo4j:{_HOW_TO_GET_ONE[0]}",
            f"no Neo4j available: {_HOW_TO_GET_ONE[1]}",
        )
    try:
        creds = server.read_credentials(settings.home)
    except ServerError as exc:
        raise DatabaseUnavailable(exc.message_zh, exc.message_en) from None
    if creds is None:  # a server started by an older cobuild, without auth
        path = server.credentials_file(settings.home)
        raise DatabaseUnavailable(
            f"本地 Neo4j 正在运行,但没有凭据文件 {path}:请用 `cobuild neo4j stop` 和 "
            f"`cobuild neo4j start` 重启它(重启时会设置密码)",
            f"the local Neo4j runs but its credentials file {path} is missing: restart it "
            f"with `cobuild neo4j stop` and `cobuild neo4j start` (the restart sets a password)",
        )
    return info.bolt_uri, creds.auth


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


def connect(settings=None, *, verify: bool = True) -> Database:
    """Open the database the settings point at.

    Parameters
    ----------
    settings : graph.settings.Settings, optional
        Default :func:`graph.settings.get_settings`.
    verify : bool
        Check that the server answers before returning (default True).

    Returns
    -------
    Database

    Raises
    ------
    DatabaseUnavailable
        When no server is configured or running, or it cannot be reached or
        rejects the credentials.
    """
    if settings is None:
        from graph.settings import get_settings

        settings = get_settings()
    source = None  # where the password came from, when not the NEO4J_* settings
    if settings.neo4j_uri:
        uri = settings.neo4j_uri
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
    else:
        uri, auth = _local_server(settings)
        source = str(server.credentials_file(settings.home))
    database = settings.neo4j_database or None
    with unavailable_errors(uri, database, source):
        # Server notifications (e.g. "label does not exist" on an empty
        # database) are planner noise, not errors: the server sends none.
        driver = GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF")
    db = Database(driver, database, uri)
    if verify:
        try:
            with unavailable_errors(uri, database, source):
                driver.verify_connectivity()
                if database:
                    # verify_connectivity does not check that the database exists
                    with driver.session(database=database) as session:
                        session.run(PING).consume()
        except BaseException:
            driver.close()
            raise
    return db

