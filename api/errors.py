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
    "method_table",
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
    400: "请求有误（如上传的不是花名册文件） Bad request (e.g. the upload is not a roster file)",
    401: "缺少或无效的访问令牌 Missing or invalid bearer token",
    403: "令牌角色或街道范围不允许 The token's role or street does not allow this",
    404: "未找到（或不在令牌的街道范围内） Not found (or outside the token's street)",
    409: "冲突（如只读数据源不能导入） Conflict (e.g. the read-only roster source cannot import)",
    413: "上传文件过大 Upload too large",
    422: "参数或花名册未通过校验，details 列出每一处 / "
         "Parameters or roster failed validation; details lists every issue",
    503: "数据库不可用 The database is unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict]:
    """``responses=`` for a route: each status documented with the one error
    shape (401 and 503 are added to every authenticated route by the
    routers)."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}


_PLACES = {"query": ("查询参数", "query parameter"), "path": ("路径参数", "path parameter"),
           "header": ("请求头", "header"), "body": ("请求体字段", "request body field"),
           "cookie": ("Cookie", "cookie")}


def _shown(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _what(loc: list) -> tuple[str, str]:
    """``["query", "severity", 0]`` -> ("查询参数 severity 的第 1 项",
    "item 1 of query parameter severity")."""
    place, rest = (loc[0], loc[1:]) if loc and loc[0] in _PLACES else (None, loc)
    zh_place, en_place = _PLACES.get(place, ("参数", "parameter"))
    names = [x for x in rest if isinstance(x, str)]
    items = [x for x in rest if isinstance(x, int)]
    name = ".".join(names) or "?"
    zh, en = f"{zh_place} {name}", f"{en_place} {name}"
    if items:
        zh, en = f"{zh} 的第 {items[-1] + 1} 项", f"item {items[-1] + 1} of {en}"
    return zh, en


def _explain(e: dict) -> tuple[str, str]:
    """What is wrong with one value, for a person, in both languages."""
    kind, ctx = e.get("type", ""), e.get("ctx") or {}
    got = e.get("input")
    g_zh, g_en = f"（收到“{_shown(got)}”）", f" (got {_shown(got)!r})"
    cause = ctx.get("error")
    if hasattr(cause, "message_zh") and hasattr(cause, "message_en"):
        return cause.message_zh, ": " + cause.message_en  # ours: e.g. an unreadable date
    if kind == "missing":
        return "缺少此项，必须填写", "is required"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"应为整数{g_zh}", f"must be a whole number{g_en}"
    if kind in ("float_parsing", "float_type"):
        return f"应为数字{g_zh}", f"must be a number{g_en}"
    if kind in ("bool_parsing", "bool_type"):
        return f"应为 true 或 false{g_zh}", f"must be true or false{g_en}"
    bounds = {"greater_than_equal": ("ge", "不能小于", "must be at least"),
              "less_than_equal": ("le", "不能大于", "must be at most"),
              "greater_than": ("gt", "应大于", "must be more than"),
              "less_than": ("lt", "应小于", "must be less than")}
    if kind in bounds:
        key, zh, en = bounds[kind]
        return f"{zh} {ctx.get(key)}{g_zh}", f"{en} {ctx.get(key)}{g_en}"
    if kind == "string_too_short":
        n = ctx.get("min_length")
        return f"至少要有 {n} 个字符", f"must have at least {n} character(s)"
    if kind == "string_too_long":
        n = ctx.get("max_length")
        return (f"最多 {n} 个字符（收到 {len(got) if isinstance(got, str) else '?'} 个）",
                f"must have at most {n} characters (got {len(got) if isinstance(got, str) else '?'})")
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        zh_expected = expected.replace(" or ", "、").replace(", ", "、")
        return f"只能是 {zh_expected} 之一{g_zh}", f"must be one of {expected}{g_en}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return (f"不是有效日期，请写成 2025-06-30、2025/6/30 或 2025年6月30日{g_zh}",
                f"is not a valid date; write it like 2025-06-30, 2025/6/30 or 2025年6月30日{g_en}")
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        return f"类型不对{g_zh}", f"has the wrong type{g_en}"
    return f"的值无效{g_zh}", f"is not valid{g_en}"


def _validation_details(exc: RequestValidationError) -> list[dict]:
    """One item per bad value: where it is and, in both languages, what is
    wrong with it and what would be right (never pydantic's own words)."""
    out = []
    for e in exc.errors():
        loc = [x if isinstance(x, (str, int)) else str(x) for x in e.get("loc", ())]
        where_zh, where_en = _what(loc)
        zh, en = _explain(e)
        out.append(
            {
                "loc": loc,
                "message_zh": f"{where_zh}：{zh}",
                "message_en": f"{where_en}{en}" if en.startswith(":") else f"{where_en} {en}",
                "code": e.get("type", "invalid"),
            }
        )
    return out


def invalid_request(details: list[dict]) -> tuple[str, str]:
    """The headline of a 422 for bad parameters: the one problem itself, or
    how many there are."""
    if len(details) == 1:
        return details[0]["message_zh"], details[0]["message_en"]
    return (f"请求中有 {len(details)} 处参数无效，见 details",
            f"{len(details)} request parameters are invalid; see details")


def method_table(routes) -> list[tuple[Any, frozenset[str]]]:
    """``(path regex, methods)`` of ``(prefix, route)`` pairs, for the
    ``Allow`` header of a 405 (FastAPI's included routers do not tell the
    methods of their routes to Starlette's 405 any more)."""
    from starlette.routing import compile_path

    table = []
    for prefix, route in routes:
        methods = getattr(route, "methods", None)
        if methods:
            table.append((compile_path(prefix + route.path)[0], frozenset(methods)))
    return table


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path."""
    path = request.scope.get("path", "")
    methods: set[str] = set()
    for regex, those in getattr(request.app.state, "method_table", ()):
        if regex.match(path):
            methods |= those
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    """Give every error the one shape."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return _response(exc.status, exc.code, exc.message_zh, exc.message_en, exc.details,
                         exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        details = _validation_details(exc)
        return _response(422, "invalid_request", *invalid_request(details), details)

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

    from api.source import DeletionsNotConfirmed, ReadOnlySource
    from graph.planning.changes import ScenarioError

    # cobuild's own errors: (exception, HTTP status, code, details of it)
    domain_errors = (
        (RosterError, 422, "roster_invalid", lambda e: [i.as_dict() for i in e.issues]),
        (NotARosterError, 400, "not_a_roster", None),
        (ReadOnlySource, 409, "read_only", None),
        (DeletionsNotConfirmed, 409, "confirm_deletions", lambda e: e.details),
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
        return _response(500, "internal_error", "服务器内部错误，请联系管理员",
                         "internal server error; please tell the administrator")
