"""Settings from the environment (or a ``.env`` file), in one place.

``COBUILD_HOME`` (default ``./.cobuild``) is the product's data folder: the
local Neo4j server, tokens and audit records live there. ``NEO4J_URI``,
``NEO4J_USER`` (or ``NEO4J_USERNAME``, the name Neo4j's own tools and Aura
credential files use; ``NEO4J_USER`` wins when both are set),
``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` point the product at an existing
Neo4j; with none set, the server started by ``cobuild neo4j start`` is used.
``COBUILD_CORS_ORIGINS`` lists the web origins the API answers
cross-origin requests from (comma separated; none by default).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    cobuild_home: Path = Path(".cobuild")
    neo4j_uri: str | None = None
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("neo4j_user", "neo4j_username"))
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    #: the roster file `cobuild serve --roster` serves (read by its worker processes)
    cobuild_api_roster: Path | None = None
    #: web origins allowed to call the API from a browser (comma separated), e.g.
    #: ``https://dash.example.org,http://127.0.0.1:3000``; empty: no cross-origin access
    cobuild_cors_origins: str = ""

    @property
    def home(self) -> Path:
        return self.cobuild_home.expanduser().resolve()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
