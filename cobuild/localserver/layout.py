"""Where the local server lives and which Neo4j it runs.

The folder ``$COBUILD_HOME/neo4j/`` and the version setting, shared by the
other sections of :mod:`cobuild.localserver`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["DEFAULT_VERSION", "neo4j_version", "server_root"]

DEFAULT_VERSION = "5.26.30"


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
