"""The API's one error shape, and the handlers that give every error that
shape.

Every error response -- ours, FastAPI's own request validation, Starlette's
404/405 for unknown routes, a database that is down, an unexpected bug -- has
the body::

    {"error": {"status": 404, "code": "not_found",
               "message_zh": "...", "message_en": "...", "details": [...]}}

``tests/test_api_error_shape.py`` pins it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    CobuildError,
    DatabaseUnavailable,
    NotARosterError,
    NotFound,
    PolicyError,
    RosterError,
)

__all__ = [
    "ApiError",
    "ErrorDetail",
    "ErrorBody",
    "ERROR_STATUSES",
    "error_responses",
    "not_found",
    "install_error_handlers",
]

log = logging.getLogger("cobuild.api")

#: Every status the API answers with an error, its machine code and what a
#: caller reads.
ERROR_STATUSES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求有误", "bad request"),
    401: ("unauthorized", "缺少或无效的访问令牌", "missing or invalid bearer token"),
    403: ("forbidden", "该令牌无权执行此操作", "this token may not do this"),
    404: ("not_found", "未找到", "not found"),
    405: ("method_not_allowed", "不支持该请求方法", "method not allowed"),
    409: ("conflict", "与当前状态冲突", "conflict with the current state"),
    413: ("too_large", "上传文件过大", "upload too large"),
    422: ("invalid", "内容未通过校验", "validation failed"),
    500: ("internal_error", "服务器内部错误", "internal server error"),
    503: ("unavailable", "数据源不可用", "data source unavailable"),
}


class ErrorDetail(BaseModel):
    """One item of ``details``: a bad parameter, or one roster issue."""

    model_config = {"extra": "allow"}

    loc: list[str | int] | None = Field(None, description="参数位置 where in the request")
    table: str | None = Field(None, description="花名册表 roster table")
    line: int | None = Field(None, description="Excel 行号 row number as seen in Excel")
    column: str | None = None
    value: Any = None
    message_zh: str | None = None
    message_en: str | None = None
    severity: str | None = None
    code: str | None = None


class ErrorInfo(BaseModel):
    status: int = Field(..., description="HTTP 状态码 status code")
    code: str = Field(..., description="稳定的错误代码 stable machine code")
    message_zh: str
    message_en: str
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """统一错误格式 The one error shape."""

    error: ErrorInfo


class ApiError(Exception):
    """An error the API answers with ``status`` and the one error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        message_zh: str,
        message_en: str,
        details: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details or []
        self.headers = headers
        super().__init__(f"{message_zh} / {message_en}")


def not_found(kind_zh: str, kind_en: str, code: str) -> ApiError:
    """404 for a code that is not there (or outside the token's street)."""
    return ApiError(
        404,
        "not_found",
        f"未找到{kind_zh} {code}",
        f"no {kind_en} {code!r}",
    )


def error_body(status: int, code: str, message_zh: str, message_en: str,
               details: list[dict] | None = None) -> dict:
    """The one error shape as a dict."""
    return {
        "error": {
            "status": status,
            "code": code,
            "message_zh": message_zh,
            "message_en": message_en,
            "details": details or [],
        }
    }


def _response(status: int, code: str, message_zh: str, message_en: str,
              details: list[dict] | None = None, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(
        error_body(status, code, message_zh, message_en, details),
        status_code=status,
        headers=headers,
    )


_DESCRIPTIONS = {
    400: "请求有误(如上传的不是花名册文件) Bad request (e.g. the upload is not a roster file)",
    401: "缺少或无效的访问令牌 Missing or invalid bearer token",
    403: "令牌角色或街道范围不允许 The token's role or street does not allow this",
    404: "未找到(或不在令牌的街道范围内) Not found (or outside the token's street)",
    409: "冲突(如只读数据源不能导入) Conflict (e.g. the read-only roster source cannot import)",
    413: "上传文件过大 Upload too large",
    422: "参数或花名册未通过校验,details 列出每一处 / "
         "Parameters or roster failed validation; details lists every issue",
    503: "数据库不可用 The database is unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict]:
    """``responses=`` for a route: each status documented with the one error
    shape (401 and 503 are added to every authenticated route by the
    routers)."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}


def _validation_details(exc: RequestValidationError) -> list[dict]:
    out = []
    for e in exc.errors():
        loc = [x if isinstance(x, (str, int)) else str(x) for x in e.get("loc", ())]
        out.append(
            {
                "loc": loc,
                "message_zh": "参数无效: " + ".".join(str(x) for x in loc),
                "message_en": e.get("msg", "invalid value"),
                "code": e.get("type", "invalid"),
            }
        )
    return out


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path (Starlette names only the
    first route's)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    """Give every error the one shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return _response(exc.status, exc.code, exc.message_zh, exc.message_en, exc.details,
                         exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        return _response(422, "invalid_request", "请求参数无效", "invalid request parameters",
                         _validation_details(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code, zh, en = ERROR_STATUSES.get(exc.status_code, ("error", "错误", "error"))
        if exc.status_code == 404:
            zh, en = "没有这个地址", f"no such path: {request.url.path}"
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            zh, en = "该地址不支持此方法", f"method {request.method} not allowed here"
            headers = {**(headers or {}), "Allow": _allowed_methods(request)}
        return _response(exc.status_code, code, zh, en, headers=headers)

    @app.exception_handler(DatabaseUnavailable)
    async def _db_down(request: Request, exc: DatabaseUnavailable):
        return _response(503, "database_unavailable", exc.message_zh, exc.message_en,
                         headers={"Retry-After": "5"})

    from api.source import ReadOnlySource
    from graph.planning.changes import ScenarioError

    # cobuild's own errors: (exception, HTTP status, code, details of it)
    domain_errors = (
        (RosterError, 422, "roster_invalid", lambda e: [i.as_dict() for i in e.issues]),
        (NotARosterError, 400, "not_a_roster", None),
        (ReadOnlySource, 409, "read_only", None),
        (NotFound, 404, "not_found", None),
        (PolicyError, 422, "policy_invalid", None),
        (ScenarioError, 422, "scenario_invalid", None),
    )
    for exc_type, status, code, details in domain_errors:
        def handler(request: Request, exc, status=status, code=code, details=details):
            return _response(status, code, exc.message_zh, exc.message_en,
                             details(exc) if details else None)
        app.add_exception_handler(exc_type, handler)

    @app.exception_handler(CobuildError)
    async def _cobuild(request: Request, exc: CobuildError):
        log.error("cobuild error on %s %s: %s", request.method, request.url.path,
                  type(exc).__name__)
        return _response(500, "internal_error", exc.message_zh, exc.message_en)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # No traceback or exception text goes to the caller (it may carry
        # data); the server log has the type only -- never personal data.
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return _response(500, "internal_error", "服务器内部错误,请联系管理员",
                         "internal server error; please tell the administrator")
