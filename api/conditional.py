"""Conditional requests and caching headers for the read endpoints.

Every read answer (a lookup, a list, the gaps, a network or explorer page)
has a weak ``ETag`` derived from what decides its content: the data version
(the latest import, or the roster file's hash), the request's path and query
(with the as-of date asked for), today's date (the default as-of date), and what the caller
may see (phone numbers shown or masked, the street a token is limited to),
plus the product version. A client that sends it back in ``If-None-Match``
gets ``304 Not Modified`` without a body, before any work is done.

Answers carry personal data, so they are ``Cache-Control: private,
no-cache``: a browser may keep them but must ask each time (a shared cache
may not keep them at all); ``Vary: Authorization`` (and ``Accept-Encoding``
when compressed). Every
other answer (errors, imports, the audit, health) stays ``no-store``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from fastapi import Request, Response

__all__ = ["NotModified", "entity_tag", "matches", "NOT_MODIFIED", "READ_CACHE_CONTROL",
           "IF_NONE_MATCH_DOC", "install_not_modified", "cache_headers"]

READ_CACHE_CONTROL = "private, no-cache"
NO_STORE = "no-store"

IF_NONE_MATCH_DOC = ("上次答复的 ETag：数据未变时返回 304、不带内容 / the ETag of an earlier "
                     "answer: 304 without a body when nothing changed")

_ETAG_HEADER = {"ETag": {"description": "实体标签，可在 If-None-Match 中送回 / entity tag, to "
                                     "send back in If-None-Match", "schema": {"type": "string"}}}

#: The 200 (its ETag) and 304 of a read route in the OpenAPI document.
NOT_MODIFIED = {
    200: {"headers": _ETAG_HEADER},
    304: {
        "description": "未改变：与 If-None-Match 给出的 ETag 相同，不带内容 / not modified: the "
                       "answer is the one of the ETag sent in If-None-Match (no body)",
        "headers": _ETAG_HEADER,
    }
}


class NotModified(Exception):
    """The client's copy (``If-None-Match``) is current: answer 304."""

    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag


def entity_tag(scope: dict, data_version: str, phones_visible: bool,
               within: str | None, product_version: str) -> str:
    """The weak ETag of a read answer (see the module doc), from the ASGI
    ``scope`` of the request (its raw path and query: a hash per request,
    nothing parsed). Today's date is always part of it: an answer whose
    query names no as-of date is today's, and the tag then changes at
    midnight (one that names it is merely revalidated once more)."""
    h = hashlib.blake2b(digest_size=12)
    for part in (product_version.encode(), data_version.encode(), scope["path"].encode("utf-8"),
                 scope.get("query_string", b""), dt.date.today().isoformat().encode(),
                 b"phones" if phones_visible else b"masked", (within or "").encode("utf-8")):
        h.update(part + b"\x1f")
    return 'W/"' + h.hexdigest() + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """``If-None-Match`` names ``tag`` (weak comparison, RFC 9110 13.1.2).
    ``*`` is not taken: whether the thing exists is known only later."""
    if not if_none_match:
        return False
    opaque = tag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == opaque for t in if_none_match.split(","))


def install_not_modified(app) -> None:
    """Answer :class:`NotModified` with 304 and the validator headers."""

    @app.exception_handler(NotModified)
    async def _not_modified(request: Request, exc: NotModified):
        return Response(status_code=304)  # ETag and Cache-Control: cache_headers


def cache_headers(status: int, state: dict) -> list[tuple[bytes, bytes]]:
    """The caching headers of an answer: a read answer with its ETag (200
    or 304) is private and revalidated; anything else is not stored."""
    tag = state.get("etag")
    if tag and status in (200, 304):
        return [(b"etag", tag.encode("latin-1")),
                (b"cache-control", READ_CACHE_CONTROL.encode()),
                (b"vary", b"Authorization")]
    return [(b"cache-control", NO_STORE.encode())]
