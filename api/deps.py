"""The API's dependencies, in one place: the data source, the caller (bearer
token), roles, paging, the as-of date, and the per-request :class:`Viewer`
that masks phone numbers and writes the audit record.

The dependencies do no blocking work, so they are ``async``: they run on
the event loop instead of a hop each through the thread pool. The one-item
lookups are ``async`` too (:meth:`Viewer.answer`); the list, gap and
network handlers are plain functions, run in the thread pool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Callable

from fastapi import Depends, Header, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, BeforeValidator

from api.answers import AUDIT_STATE
from api.audit import AuditLog, PhoneView
from api.auth import Principal, TokenStore
from api.conditional import IF_NONE_MATCH_DOC, NotModified, entity_tag, matches
from api.errors import ApiError, invalid_request
from api.source import NOT_YET as _NOT_YET
from api.source import DataSource, Snapshot

__all__ = [
    "bearer",
    "get_source",
    "get_principal",
    "require_admin",
    "Viewer",
    "get_viewer",
    "Paging",
    "PagingDep",
    "AsOf",
    "ViewerDep",
    "RosterDate",
    "paginate",
    "reject_unknown_query",
]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="cbt_…",
    description="访问令牌：cobuild token create --role reader|planner|admin [--street S1] / "
                "bearer token made with `cobuild token create`",
)


async def get_source(request: Request) -> DataSource:
    return request.app.state.source


def _tokens(request: Request) -> TokenStore:
    return request.app.state.tokens


def _audit(request: Request) -> AuditLog:
    return request.app.state.audit


async def get_principal(
    request: Request,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller, from ``Authorization: Bearer <token>``; 401 otherwise."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "需要访问令牌（Authorization: Bearer <令牌>）",
                       "a bearer token is required (Authorization: Bearer <token>)",
                       headers={"WWW-Authenticate": "Bearer"})
    rec = _tokens(request).verify(creds.credentials)
    if rec is None:
        raise ApiError(401, "unauthorized", "访问令牌无效或已吊销",
                       "the bearer token is invalid or revoked",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return rec.principal()


async def require_admin(who: Annotated[Principal, Depends(get_principal)]) -> Principal:
    """403 unless the token is an admin's."""
    if not who.is_admin:
        raise ApiError(403, "forbidden", f"需要管理员令牌（当前角色 {who.role}）",
                       f"an admin token is required (this token's role is {who.role})")
    return who


@dataclass
class Viewer:
    """One request's view of the data: who asks, their street limit, how
    phone numbers show. :meth:`done` writes the audit record when unmasked
    numbers are in the answer."""

    who: Principal
    source: DataSource
    audit: AuditLog
    request: Request
    phones: PhoneView = field(init=False)
    _snapshot: Snapshot | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.phones = PhoneView(visible=self.who.may_see_phones)

    @property
    def within(self) -> str | None:
        """The street the token is limited to, or ``None``."""
        return self.who.street

    def snapshot(self) -> Snapshot:
        """The data this request reads (one version check per request)."""
        if self._snapshot is None:
            self._snapshot = self.source.snapshot()
        return self._snapshot

    async def snapshot_async(self) -> Snapshot:
        """:meth:`snapshot` for ``async`` handlers."""
        if self._snapshot is None:
            self._snapshot = await self.source.snapshot_async()
        return self._snapshot

    async def answer(self, key: tuple, model: type[BaseModel],
                     build: Callable[[Snapshot, PhoneView], dict | None],
                     not_found_error: Exception) -> Response:
        """The JSON answer ``build(snapshot, phones)`` validated by
        ``model``, rendered once per data version, question, phone
        visibility and street limit (in a worker thread), then served as
        bytes from memory; audited like any other answer.

        The lookup handlers are ``async`` and use this: a request for an
        answer already rendered runs on the event loop without a thread."""
        snap = await self.snapshot_async()

        def render():
            phones = PhoneView(self.phones.visible)
            data = build(snap, phones)
            if data is None:
                return None
            return model.model_validate(data).model_dump_json().encode(), frozenset(phones.shown)

        full_key = (*key, self.phones.visible, self.within)
        hit = snap.recall(full_key)
        if hit is _NOT_YET:
            import anyio.to_thread

            hit = await anyio.to_thread.run_sync(snap.memo, full_key, render)
        if hit is None:
            raise not_found_error
        body, shown = hit
        self.phones.shown |= shown
        return Response(self.done(body), media_type="application/json")

    def done(self, body):
        """Record whose numbers were shown unmasked (if any); return
        ``body`` unchanged. The record is also left in the request's state
        (:data:`api.answers.AUDIT_STATE`): the same answer served again from
        memory is audited again."""
        if self.phones.shown:
            path = self.request.url.path
            if self.request.url.query:
                path += "?" + self.request.url.query
            audited = (self.request.method, path, frozenset(self.phones.shown))
            self.audit.write(self.who, *audited)
            setattr(self.request.state, AUDIT_STATE, audited)
        return body


async def get_viewer(
    request: Request,
    who: Annotated[Principal, Depends(get_principal)],
    source: Annotated[DataSource, Depends(get_source)],
    if_none_match: Annotated[str | None, Header(max_length=2000,
                                                description=IF_NONE_MATCH_DOC)] = None,
) -> Viewer:
    """The request's :class:`Viewer`, after the conditional-request check:
    the data version is read now (once per request) and the answer's ETag
    set; a client whose ``If-None-Match`` names it gets 304 at once
    (:mod:`api.conditional`)."""
    v = Viewer(who, source, _audit(request), request)
    snap = await v.snapshot_async()
    if request.method not in ("GET", "HEAD"):
        return v  # an answer computed from a request body (what-if) has no ETag
    tag = entity_tag(request.scope, snap.version, v.phones.visible, v.within,
                     request.app.state.product_version)
    request.state.etag = tag
    if matches(if_none_match, tag):
        raise NotModified(tag)
    return v


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


async def _paging(
    limit: Annotated[int, Query(ge=1, le=1000, description="每页条数 page size")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="跳过条数 items to skip")] = 0,
) -> Paging:
    return Paging(limit, offset)


def _roster_date(v):
    """A date in any form a roster's date cell takes (``2025-06-30``,
    ``2025/6/30``, ``2025年6月30日``, ``20250630`` ...), like ``--as-of`` on
    the command line (pydantic alone would also take ``0`` as 1970-01-01).
    A date that cannot be read raises :class:`loaders.cells.CellError`,
    whose two messages the 422 answer shows."""
    from loaders.cells import parse_date

    return parse_date(v) if isinstance(v, str) else v


RosterDate = Annotated[dt.date, BeforeValidator(_roster_date)]


async def _as_of(
    as_of: Annotated[
        RosterDate | None,
        Query(description="截至日期（默认今天），写法同花名册的日期单元格：2025-06-30、2025/6/30、"
                          "2025年6月30日 / the as-of date (default today), in any form a roster's "
                          "date cell takes: 2025-06-30, 2025/6/30, 2025年6月30日"),
    ] = None,
) -> dt.date:
    return as_of or dt.date.today()


PagingDep = Annotated[Paging, Depends(_paging)]
AsOf = Annotated[dt.date, Depends(_as_of)]
ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def paginate(items: list, paging: Paging, **extra) -> dict:
    """``{"total", "limit", "offset", "items"}`` of one page."""
    return {
        "total": len(items),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": items[paging.offset:paging.offset + paging.limit],
        **extra,
    }


_ALLOWED_QUERY: dict[int, frozenset[str]] = {}


def _query_names(dependant) -> set[str]:
    """Query parameter names of a route, its dependencies included."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


async def reject_unknown_query(request: Request) -> None:
    """422 for a query parameter the route does not know: a typo such as
    ``?severty=high`` would otherwise silently return everything."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _ALLOWED_QUERY.get(id(route))
    if allowed is None:
        allowed = frozenset(_query_names(dependant))
        _ALLOWED_QUERY[id(route)] = allowed
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        names = ", ".join(sorted(allowed)) or "-"
        details = [{"loc": ["query", name],
                    "message_zh": f"未知参数 {name}；可用参数：{names}",
                    "message_en": f"unknown query parameter {name!r}; allowed: {names}",
                    "code": "unknown_parameter"} for name in unknown]
        raise ApiError(422, "invalid_request", *invalid_request(details), details)
