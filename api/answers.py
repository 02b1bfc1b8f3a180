"""Read answers served again from memory, before any routing or
dependency work (pure ASGI middleware).

A read answer (a ``GET`` answered ``200`` with an ETag, :mod:`api.conditional`)
is decided by what its ETag covers: the data version, the path and query,
today's date, whether the caller sees phone numbers and the street it is
limited to (and the product version). :class:`AnswerCache` keeps the whole
answer as sent -- status, headers and body, gzipped or not -- under those
(unhashed), the caller's role and the ``Accept-Encoding`` headers, and sends
it again to the next request with the same key without entering the app.

Every request is still checked: its token is verified (a revoked token is
refused at once), the data version is the source's current one
(:meth:`api.source.DataSource.version_async`), and an answer that showed
phone numbers unmasked is written to the audit again, for this caller. A
request the cache is not sure of -- no token, an unknown one or two of
them, a conditional request (``If-None-Match``), a request with a body, not
a ``GET`` -- goes to the app, and so does every first request: only an
answer the app gave (``200`` with the ETag the key was made from) is kept.
The cache is emptied when the data version changes and holds at most
``max_bytes`` of answers (least recently used go first).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass

from api.conditional import entity_tag

__all__ = ["AnswerCache", "AUDIT_STATE"]

#: Where :meth:`api.deps.Viewer.done` leaves the audit record of an answer
#: in the request's state: ``(method, path, persons)``.
AUDIT_STATE = "audited"


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    audited: tuple[str, str, frozenset[str]] | None  # method, path, persons shown


class AnswerCache:
    """Pure ASGI middleware: see the module doc.

    Parameters
    ----------
    app
        The ASGI app inside (compression and the app itself).
    state
        The FastAPI app's ``state``: ``tokens``, ``source``, ``audit`` and
        ``product_version`` (and the cache itself, as ``answers``, is put
        there).
    max_bytes : int
        Bodies kept at most, in total; a body over an eighth of it is not kept.
    """

    def __init__(self, app, state, max_bytes: int = 64 << 20) -> None:
        self.app = app
        self.state = state
        self.max_bytes = max_bytes
        self._answers: OrderedDict[tuple, _Answer] = OrderedDict()
        self._bytes = 0
        self._version: str | None = None
        self.hits = 0  #: answers served from memory
        state.answers = self

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET":
            return await self.app(scope, receive, send)
        authorization, encoding = None, ()
        for k, v in scope["headers"]:
            if k == b"authorization":
                if authorization is not None:  # two: the app decides which counts
                    return await self.app(scope, receive, send)
                authorization = v
            elif k == b"accept-encoding":
                encoding += (v,)  # every one: compression looks at them all
            elif k in (b"if-none-match", b"content-length", b"transfer-encoding"):
                return await self.app(scope, receive, send)
        state = self.state
        try:
            who = self._caller(authorization)
            version = await state.source.version_async() if who is not None else None
        except Exception:  # a token file or database error: the app answers it in its shape
            who = None
        if who is None:
            return await self.app(scope, receive, send)
        if version != self._version:
            self._answers.clear()
            self._bytes = 0
            self._version = version
        # what the ETag covers (plus the role and the encoding), unhashed
        key = (scope["path"], scope.get("query_string", b""), dt.date.today(),
               who.may_see_phones, who.street, who.role, encoding)
        hit = self._answers.get(key)
        if hit is None:
            tag = entity_tag(scope, version, who.may_see_phones, who.street,
                             state.product_version)
            return await self._remember(key, tag, version, scope, receive, send)
        self._answers.move_to_end(key)
        self.hits += 1
        if hit.audited is not None:
            method, path, persons = hit.audited
            state.audit.write(who, method, path, persons)
        # fresh messages: the middleware outside (CORS) adds to their headers
        await send({"type": "http.response.start", "status": hit.status,
                    "headers": list(hit.headers)})
        await send({"type": "http.response.body", "body": hit.body})

    def _caller(self, authorization: bytes | None):
        """The caller of a well-formed, valid bearer token, else ``None``."""
        if authorization is None:
            return None
        scheme, _, token = authorization.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer":
            return None
        rec = self.state.tokens.verify(token.strip())
        return rec.principal() if rec is not None else None

    async def _remember(self, key, tag, version, scope, receive, send):
        """Run the app; keep its answer when it is a whole ``200`` read
        answer with the ETag ``tag``."""
        limit = self.max_bytes // 8
        seen: dict = {"status": None, "headers": (), "size": 0, "whole": False}
        parts: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                seen["headers"] = tuple(tuple(h) for h in message.get("headers", ()))
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                seen["size"] += len(body)
                if seen["size"] <= limit:
                    parts.append(body)
                seen["whole"] = not message.get("more_body", False)
            await send(message)

        await self.app(scope, receive, capture)
        if seen["status"] != 200 or not seen["whole"] or seen["size"] > limit:
            return
        if (b"etag", tag.encode("latin-1")) not in seen["headers"]:
            return  # not a read answer, or one of another data version
        if version != self._version:
            return  # the data changed meanwhile
        answer = _Answer(200, seen["headers"], b"".join(parts),
                         scope.get("state", {}).get(AUDIT_STATE))
        old = self._answers.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._answers[key] = answer
        self._bytes += len(answer.body)
        while self._bytes > self.max_bytes:
            _, old = self._answers.popitem(last=False)
            self._bytes -= len(old.body)
