"""Settings from the environment (or a ``.env`` file), in one place.

``COBUILD_HOME`` (default ``./.cobuild``) is the product's data folder: the
local Neo4j server, tokens and audit records live there. ``NEO4J_URI``,
``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` point the product at
an existing Neo4j; with none set, the server started by ``cobuild neo4j
start`` is used.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    cobuild_home: Path = Path(".cobuild")
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    #: the roster file `cobuild serve --roster` serves (read by its worker processes)
    cobuild_api_roster: Path | None = None

    @property
    def home(self) -> Path:
        return self.cobuild_home.expanduser().resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
