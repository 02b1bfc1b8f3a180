"""Cross-origin requests (CORS) from an allow-list of web origins.

Off by default: without origins the API sends no CORS headers, and a
browser page on another origin cannot read its answers. ``cobuild serve
--cors-origin https://dash.example.org`` (or the setting
``COBUILD_CORS_ORIGINS``, comma separated) lets the pages of those origins
call it: preflight requests are answered, answers carry
``Access-Control-Allow-Origin`` for them and expose ``ETag``. Tokens travel
in the ``Authorization`` header, never in cookies, so no credentials mode.
A refused preflight is answered in the API's one error shape.
"""

from __future__ import annotations

import re
from typing import Iterable

from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response

from graph.errors import CobuildError

__all__ = ["parse_origins", "Cors", "ALLOWED_METHODS", "ALLOWED_HEADERS"]

ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = ("Authorization", "Content-Type", "If-None-Match", "Accept", "Accept-Language")

_ORIGIN = re.compile(r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?")


def parse_origins(values: str | Iterable[str] | None) -> list[str]:
    """Web origins from ``--cors-origin`` values or the setting (comma or
    space separated); each is ``scheme://host[:port]``, without a path.

    >>> parse_origins("https://dash.example.org, http://127.0.0.1:3000")
    ['https://dash.example.org', 'http://127.0.0.1:3000']

    Raises
    ------
    graph.errors.CobuildError
        For anything that is not an origin (``*`` included: this is an
        allow-list).
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for item in re.split(r"[,\s]+", value.strip()):
            if not item:
                continue
            origin = item.rstrip("/")
            if not _ORIGIN.fullmatch(origin):
                raise CobuildError(
                    f"“{item}”不是网页来源：请写成 https://主机名[:端口]，不带路径，"
                    "也不能用 *（这里只列出允许的来源）",
                    f"{item!r} is not a web origin: write it as https://host[:port], without a "
                    "path; * is not taken (this is an allow-list)",
                )
            if origin.lower() not in (o.lower() for o in out):
                out.append(origin)
    return out


class Cors(CORSMiddleware):
    """Starlette's CORS middleware for ``origins``, with a refused
    preflight in the one error shape (Starlette answers it in plain text)."""

    def __init__(self, app, origins: list[str]) -> None:
        super().__init__(app, allow_origins=origins, allow_methods=ALLOWED_METHODS,
                         allow_headers=ALLOWED_HEADERS, expose_headers=("ETag",), max_age=600)

    def preflight_response(self, request_headers) -> Response:
        # imported here: ``cobuild serve --workers N`` reads parse_origins in a process
        # that serves nothing and need not load FastAPI
        from api.errors import error_body

        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        origin = request_headers.get("origin", "")
        method = request_headers.get("access-control-request-method", "")
        keep = {k: v for k, v in response.headers.items()
                if k.lower() not in ("content-type", "content-length")}
        return JSONResponse(
            error_body(400, "cors_refused",
                       f"不接受来自 {origin} 的跨域请求（方法 {method}）：该来源不在允许列表中，"
                       "或请求了不允许的方法或请求头",
                       f"cross-origin request from {origin} ({method}) refused: the origin is not "
                       "on the allow-list, or the method or headers are not allowed"),
            status_code=400, headers=keep)
