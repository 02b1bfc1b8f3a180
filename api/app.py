"""The cobuild HTTP API: lookups by community, secure by default.

``create_app(settings, source)`` builds the FastAPI application: versioned
routes under ``/api/v1`` (one router per resource, :mod:`api.routes`),
``/healthz`` and ``/readyz``, bearer tokens from ``$COBUILD_HOME/
tokens.json``, the audit trail in ``$COBUILD_HOME/audit.jsonl``, and one
error shape for every error (:mod:`api.errors`). The OpenAPI document is at
``/openapi.json``; there is no Swagger UI page (it would load its scripts
from a CDN, and the product works offline).
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api.audit import AuditLog
from api.auth import TokenStore
from api.deps import reject_unknown_query
from api.errors import error_body, install_error_handlers
from api.routes import ROUTERS
from api.routes.imports import MAX_UPLOAD_BYTES
from api.source import DataSource, Neo4jSource
from graph.settings import Settings, get_settings

__all__ = ["create_app", "app_from_env", "API_PREFIX", "API_VERSION"]

API_PREFIX = "/api/v1"
API_VERSION = "1.0.0"

DESCRIPTION = """\
城市社区党建“共驻共建”关系图谱的查询接口。/ Lookups of the co-building network of urban
community party-building: communities, streets, resident units, party organizations,
people and their posts, coverage gaps, search, roster imports.

**访问令牌 Access.** 除 `/healthz` 外,每个接口都需要 `Authorization: Bearer <令牌>`。
令牌由 `cobuild token create --role reader|planner|admin [--street S1]` 生成。
Every endpoint but `/healthz` needs a bearer token. Roles: `reader` (phone numbers masked
as 138****1234), `planner` (may see them), `admin` (may also import and list the audit).
A token limited to one street sees nothing outside it (404 for things outside; lists
filtered). Every answer that shows an unmasked phone number is recorded in the audit.

**错误 Errors.** Every error has one shape:
`{"error": {"status", "code", "message_zh", "message_en", "details": [...]}}`.
"""

TAGS = [
    {"name": "社区 communities", "description": "社区查询 Community lookups"},
    {"name": "街道 streets", "description": "街道查询 Street lookups"},
    {"name": "驻区单位 units", "description": "驻区单位 Resident units"},
    {"name": "党组织 party organizations", "description": "党组织 Party organizations"},
    {"name": "人员 people", "description": "人员及任职 People and their posts"},
    {"name": "缺口 gaps", "description": "覆盖缺口 Coverage gaps (rules.md)"},
    {"name": "查找 search", "description": "按名称或编码查找 Search by name or code"},
    {"name": "导入 imports", "description": "花名册导入 Roster imports"},
    {"name": "审计 audit", "description": "个人信息查看记录 Audit of personal data shown"},
    {"name": "健康检查 health", "description": "存活与就绪 Liveness and readiness"},
]


class _Guard:
    """Pure ASGI middleware: refuse request bodies over the upload limit
    before reading them (413), and add safe headers to every response
    (no caching of personal data, no MIME sniffing, no referrer)."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"cache-control", b"no-store"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    ]

    def __init__(self, app, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for k, v in scope.get("headers", ()):
            if k == b"content-length":
                try:
                    too_big = int(v) > self.max_body
                except ValueError:
                    too_big = False
                if too_big:
                    mb = self.max_body // (1 << 20)
                    body = json.dumps(error_body(413, "too_large", f"请求体超过 {mb} MB",
                                                 f"the request body exceeds {mb} MB"),
                                      ensure_ascii=False).encode()
                    await send({"type": "http.response.start", "status": 413,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode()),
                                            *self.HEADERS]})
                    await send({"type": "http.response.body", "body": body})
                    return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        return await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings | None = None, source: DataSource | None = None) -> FastAPI:
    """The API application.

    Parameters
    ----------
    settings : graph.settings.Settings, optional
        Where ``COBUILD_HOME`` (tokens, audit) and Neo4j are (default: from
        the environment).
    source : api.source.DataSource, optional
        Where the data comes from (default: the Neo4j database of
        ``settings``, connected now; the app then closes it on shutdown).

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    graph.errors.DatabaseUnavailable
        When no source is given and Neo4j cannot be reached.
    """
    settings = settings or get_settings()
    owned = source is None
    if source is None:
        from cobuild.database import connect

        source = Neo4jSource(connect(settings))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        if owned:
            source.close()

    app = FastAPI(
        title="cobuild API",
        version=API_VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_query)],
    )
    app.state.settings = settings
    app.state.source = source
    app.state.tokens = TokenStore(settings.home / "tokens.json")
    app.state.audit = AuditLog(settings.home / "audit.jsonl")
    install_error_handlers(app)
    for router, versioned in ROUTERS:
        app.include_router(router, prefix=API_PREFIX if versioned else "")
    app.add_middleware(_Guard, max_body=MAX_UPLOAD_BYTES + (1 << 20))
    _errors_as_json_in_openapi(app)
    return app


def _errors_as_json_in_openapi(app: FastAPI) -> None:
    """Error responses are JSON everywhere, also on routes whose success is
    HTML (FastAPI documents a route's every response in its own media type)."""
    make = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            doc = make()
            for item in doc.get("paths", {}).values():
                for op in item.values():
                    for status, resp in op.get("responses", {}).items():
                        content = resp.get("content") or {}
                        if status[0] in "45" and "application/json" not in content and content:
                            resp["content"] = {"application/json": next(iter(content.values()))}
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi


def app_from_env() -> FastAPI:
    """The app as ``cobuild serve --workers N`` runs it in each worker
    process: the roster file of ``COBUILD_API_ROSTER`` when set, else the
    Neo4j database of the settings."""
    from api.source import RosterSource

    settings = get_settings()
    if settings.cobuild_api_roster:
        return create_app(settings, RosterSource(settings.cobuild_api_roster))
    return create_app(settings)
