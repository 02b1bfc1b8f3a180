"""The cobuild HTTP API: lookups by community, secure by default.

``create_app(settings, source)`` builds the FastAPI application: versioned
routes under ``/api/v1`` (one router per resource, :mod:`api.routes`),
``/healthz`` and ``/readyz``, bearer tokens from ``$COBUILD_HOME/
tokens.json``, the audit trail in ``$COBUILD_HOME/audit.jsonl``, and one
error shape for every error (:mod:`api.errors`). The OpenAPI document is at
``/openapi.json``, the interactive docs at ``/docs`` (Swagger UI; its
scripts come from the installed ``fastapi-offline`` package, nothing from a
CDN; no ReDoc page: ReDoc's sidebar always loads a logo from a CDN). Read answers have ETags (304 on
``If-None-Match``, :mod:`api.conditional`), answers over 1 KiB are gzipped
for clients that accept it, and cross-origin access is off unless origins
are allowed (:mod:`api.cors`).

At start the app loads the current data and analyses it for today, so the
first request is answered as fast as the next ones.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi_offline import FastAPIOffline
from starlette.middleware.gzip import GZipMiddleware

from api.answers import AnswerCache
from api.audit import AuditLog
from api.auth import TokenStore
from api.conditional import cache_headers, install_not_modified
from api.cors import Cors, parse_origins
from api.deps import reject_unknown_query
from api.errors import ApiError, error_body, install_error_handlers, method_table
from api.routes import ROUTERS
from api.routes.imports import MAX_UPLOAD_BYTES
from api.source import IMPORT_NOTICE, DataSource, Neo4jSource
from graph import product_version
from graph.errors import CobuildError
from graph.settings import Settings, get_settings

__all__ = ["create_app", "app_from_env", "API_PREFIX", "API_VERSION", "GZIP_MIN_BYTES"]

log = logging.getLogger("cobuild.api")

API_PREFIX = "/api/v1"
API_VERSION = "1.0.0"
#: Answers at least this long are gzipped for clients that accept it.
GZIP_MIN_BYTES = 1024

DESCRIPTION = """\
城市社区党建“共驻共建”关系图谱的查询接口。/ Lookups of the co-building network of urban
community party-building: communities, streets, resident units, party organizations,
people and their posts, coverage gaps, search, roster imports.

**访问令牌 Access.** 除 `/healthz` 外，每个接口都需要 `Authorization: Bearer <令牌>`。
令牌由 `cobuild token create --role reader|planner|admin [--street S1]` 生成。
Every endpoint but `/healthz` needs a bearer token. Roles: `reader` (phone numbers masked
as 138****1234), `planner` (may see them), `admin` (may also import and list the audit).
A token limited to one street sees nothing outside it (404 for things outside; lists
filtered). Every answer that shows an unmasked phone number is recorded in the audit.

**错误 Errors.** Every error has one shape:
`{"error": {"status", "code", "message_zh", "message_en", "details": [...]}}`.

**缓存 Caching.** 查询结果带 `ETag`；再次请求时在 `If-None-Match` 中送回，数据未变则返回 304。
Read answers carry an `ETag` (from the data version, the as-of date and what the token may
see); send it back in `If-None-Match` and an unchanged answer is `304` without a body. They
are `Cache-Control: private, no-cache` (personal data: never kept by shared caches). Answers
over 1 KiB are gzipped when the client accepts it.
通过接口导入的数据立即可查；用命令行或在别处导入的数据最迟 0.1 秒后可查。/ Data imported through
the API is served at once; data imported elsewhere (`cobuild import`) at most 0.1 s later.

**缺口编号 Finding ids.** 每处缺口有稳定编号 `id`（如 `G04-9731a54f5883`），历次导入之间不变。
Every finding has a stable `id` derived from its rule, subject and defining evidence, the same
in `cobuild analyze --format json`, the reports and here.
"""

TAGS = [
    {"name": "社区 communities", "description": "社区查询 Community lookups"},
    {"name": "街道 streets", "description": "街道查询 Street lookups"},
    {"name": "驻区单位 units", "description": "驻区单位 Resident units"},
    {"name": "党组织 party organizations", "description": "党组织 Party organizations"},
    {"name": "人员 people", "description": "人员及任职 People and their posts"},
    {"name": "缺口 gaps", "description": "覆盖缺口 Coverage gaps (rules.md)"},
    {"name": "查找 search", "description": "按名称或编码查找 Search by name or code"},
    {"name": "规划 planning", "description": "补齐方案、预测、推演（planner/admin 令牌）"
                                         "The 补齐方案，forecast and what-if (planner/admin tokens)"},
    {"name": "导入 imports", "description": "花名册导入 Roster imports"},
    {"name": "审计 audit", "description": "个人信息查看记录 Audit of personal data shown"},
    {"name": "健康检查 health", "description": "存活与就绪 Liveness and readiness"},
]


class _Guard:
    """Pure ASGI middleware: refuse request bodies over the upload limit
    (413) -- before reading them when ``Content-Length`` says so, and as soon
    as a streamed (chunked) body passes the limit otherwise -- and add safe
    headers to every response (no MIME sniffing, no referrer, no framing)
    with its caching headers (:func:`api.conditional.cache_headers`: a read
    answer's ETag, private; everything else no-store).

    Nothing reads a body before the route's dependencies have checked the
    token (the import route reads its form itself), so an unauthenticated
    upload is answered 401 having read nothing of it."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
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
                    e = self._too_large()
                    body = json.dumps(error_body(e.status, e.code, e.message_zh, e.message_en),
                                      ensure_ascii=False).encode()
                    await send({"type": "http.response.start", "status": 413,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode()),
                                            *self.HEADERS, *cache_headers(413, {})]})
                    await send({"type": "http.response.body", "body": body})
                    return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = (list(message["headers"]) + self.HEADERS
                                      + cache_headers(message["status"], scope.get("state", {})))
            await send(message)

        received = 0

        async def capped_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise self._too_large()
            return message

        return await self.app(scope, capped_receive, send_with_headers)

    def _too_large(self) -> ApiError:
        mb = self.max_body // (1 << 20)
        return ApiError(413, "too_large", f"请求体超过 {mb} MB", f"the request body exceeds {mb} MB")


class _Gzip(GZipMiddleware):
    """Starlette's gzip, entered only for clients that accept gzip: the
    others (most API clients) skip its buffering wrapper altogether. (A
    compressed answer says ``Vary: Accept-Encoding``; an identity answer is
    good for every client.)"""

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            for k, v in scope["headers"]:
                if k == b"accept-encoding" and b"gzip" in v:
                    return await super().__call__(scope, receive, send)
        return await self.app(scope, receive, send)


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

        source = Neo4jSource(connect(settings), notice=settings.home / IMPORT_NOTICE)

    origins = parse_origins(settings.cobuild_cors_origins)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import anyio.to_thread

        await anyio.to_thread.run_sync(_warm, source)
        yield
        if owned:
            source.close()

    app = FastAPIOffline(
        title="cobuild API",
        version=API_VERSION,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url="/docs",
        redoc_url=None,  # ReDoc's sidebar loads its logo from a CDN, whatever its options
        favicon_url=None,
        swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": False},
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_query)],
    )
    app.state.product_version = product_version()
    app.state.settings = settings
    app.state.source = source
    app.state.tokens = TokenStore(settings.home / "tokens.json")
    app.state.audit = AuditLog(settings.home / "audit.jsonl")
    install_error_handlers(app)
    install_not_modified(app)
    for router, versioned in ROUTERS:
        app.include_router(router, prefix=API_PREFIX if versioned else "")
    app.state.method_table = method_table(
        [("", r) for r in app.router.routes if not hasattr(r, "original_router")]
        + [(API_PREFIX if versioned else "", r) for router, versioned in ROUTERS
           for r in router.routes])
    # outermost last: CORS, then answers from memory, then compression, then the guard
    app.add_middleware(_Guard, max_body=MAX_UPLOAD_BYTES + (1 << 20))
    app.add_middleware(_Gzip, minimum_size=GZIP_MIN_BYTES, compresslevel=6)
    app.add_middleware(AnswerCache, state=app.state)
    if origins:
        app.add_middleware(Cors, origins=origins)
    app.state.cors_origins = origins
    _errors_as_json_in_openapi(app)
    return app


def _warm(source: DataSource) -> None:
    """Load the current data and analyse it for today, so that the first
    request does not wait for it. A database that is down now is not an
    error here: requests then answer 503 until it is back."""
    try:
        source.snapshot().facts(dt.date.today())
    except CobuildError as e:
        log.warning("data not loaded at start (%s); the first request will load it",
                    type(e).__name__)


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
