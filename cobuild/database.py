"""Which Neo4j the product talks to, and the connection to it.

``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE`` (or
a ``.env``) when ``NEO4J_URI`` is set; otherwise the server ``cobuild neo4j
start`` left running under ``COBUILD_HOME`` (:mod:`cobuild.localserver`),
logging in with the user and password saved in
``$COBUILD_HOME/neo4j/credentials.json``; otherwise
:class:`~graph.errors.DatabaseUnavailable` saying how to get one. The
connection itself is :func:`graph.db.connect`, handed the address.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.errors import DatabaseUnavailable, ServerError

if TYPE_CHECKING:  # the driver is imported on connecting, not with this module
    from graph.db import Database

__all__ = ["Address", "address", "connect", "database_configured"]


@dataclass(frozen=True)
class Address:
    """Where the database is and how to log in (the password stays out of ``repr``).

    ``credentials`` names the file the password came from (the local
    server's), None when it came from the NEO4J_* settings.
    """

    uri: str
    auth: tuple[str, str] | None = field(default=None, repr=False)
    database: str | None = None
    credentials: str | None = None


def database_configured() -> bool:
    """True when ``NEO4J_URI`` is set (in the environment or ``.env``)."""
    from graph.settings import Settings

    return bool(os.environ.get("NEO4J_URI") or Settings().neo4j_uri)


def address(settings=None) -> Address:
    """The database the settings point at: ``NEO4J_URI``, else the local server.

    Raises
    ------
    DatabaseUnavailable
        No ``NEO4J_URI`` and no local server running (or its credentials
        file missing or damaged).
    """
    if settings is None:
        from graph.settings import get_settings

        settings = get_settings()
    database = settings.neo4j_database or None
    if settings.neo4j_uri:
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
        return Address(settings.neo4j_uri, auth, database)
    uri, auth, source = _local_server(settings)
    return Address(uri, auth, database, source)


def connect(settings=None, *, verify: bool = True) -> Database:
    """Open the database the settings point at (see :func:`address`).

    Parameters
    ----------
    settings : graph.settings.Settings, optional
        Default :func:`graph.settings.get_settings`.
    verify : bool
        Check that the server answers before returning (default True).

    Raises
    ------
    DatabaseUnavailable
        When no server is configured or running, or it cannot be reached or
        rejects the credentials.
    """
    from graph import db

    a = address(settings)
    return db.connect(a.uri, a.auth, a.database, credentials=a.credentials, verify=verify)


def _local_server(settings) -> tuple[str, tuple[str, str], str]:
    """Bolt URI, ``(user, password)`` and credentials file of the server
    ``cobuild neo4j start`` left running."""
    from cobuild import localserver as server

    info = server.status(settings.home)
    if info is None:
        from graph.db import HOW_TO_GET_ONE

        raise DatabaseUnavailable(
            f"没有可用的 Neo4j:{HOW_TO_GET_ONE[0]}",
            f"no Neo4j available: {HOW_TO_GET_ONE[1]}",
        )
    try:
        creds = server.read_credentials(settings.home)
    except ServerError as exc:
        raise DatabaseUnavailable(exc.message_zh, exc.message_en) from None
    path = server.credentials_file(settings.home)
    if creds is None:  # a server started by an older cobuild, without auth
        raise DatabaseUnavailable(
            f"本地 Neo4j 正在运行，但没有凭据文件 {path}：请用 `cobuild neo4j stop` 和 "
            f"`cobuild neo4j start` 重启它（重启时会设置密码）",
            f"the local Neo4j runs but its credentials file {path} is missing: restart it "
            f"with `cobuild neo4j stop` and `cobuild neo4j start` (the restart sets a password)",
        )
    return info.bolt_uri, creds.auth, str(path)
