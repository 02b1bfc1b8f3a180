"""Uploads cost nothing before the token is checked, and stop at the limit
as they stream (issue 15, item 3): real uvicorn, real sockets, chunked
bodies, the session's real Neo4j behind the app.

The measure is the number of body bytes the application received (an ASGI
wrapper counts them): what it never received it cannot have spooled to
disk.
"""

from __future__ import annotations

import json
import select
import socket

import pytest
from api_kit import LiveServer

import api.app
from api.app import create_app
from api.auth import TokenStore
from api.source import Neo4jSource
from graph.settings import Settings

CHUNK = 256 * 1024


class BodyCounter:
    """ASGI wrapper: how many request-body bytes the app was handed."""

    def __init__(self, app) -> None:
        self.app = app
        self.received = 0

    async def __call__(self, scope, receive, send):
        async def counted():
            message = await receive()
            if message["type"] == "http.request":
                self.received += len(message.get("body", b""))
            return message

        return await self.app(scope, counted, send)


def chunked_upload(port: int, total: int, token: str | None = None) -> tuple[int, dict, int]:
    """POST a multipart roster of ``total`` bytes with ``Transfer-Encoding:
    chunked`` (no Content-Length), stopping as soon as the server answers.
    Returns the status, the JSON answer and the bytes sent."""
    head = ["POST /api/v1/imports HTTP/1.1", f"Host: 127.0.0.1:{port}",
            "Content-Type: multipart/form-data; boundary=b", "Transfer-Encoding: chunked"]
    if token:
        head.append(f"Authorization: Bearer {token}")
    part = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n")
    block = b"PK" * (CHUNK // 2)
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=120) as s:
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        s.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        while sent < total:
            if select.select([s], [], [], 0)[0]:
                break  # the server has answered: stop sending
            try:
                s.sendall(b"%x\r\n%s\r\n" % (len(block), block))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(block)
        else:
            tail = b"\r\n--b--\r\n"
            s.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(tail), tail))
        data = b""
        while b"\r\n\r\n" not in data:
            more = s.recv(65536)
            if not more:
                break
            data += more
        header, _, body = data.partition(b"\r\n\r\n")
        status = int(header.split(b" ", 2)[1])
        length = next(int(line.split(b":", 1)[1]) for line in header.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            more = s.recv(65536)
            if not more:
                break
            body += more
    return status, json.loads(body[:length]), sent


@pytest.fixture
def served(neo4j_db, tmp_path, monkeypatch):
    """The API on the test database, its limit lowered to 1 MB (the guard
    allows 1 MB of form overhead on top), its body bytes counted."""
    monkeypatch.setattr(api.app, "MAX_UPLOAD_BYTES", 1 << 20)
    home = tmp_path / "home"
    counter = BodyCounter(create_app(Settings(cobuild_home=home), Neo4jSource(neo4j_db)))
    with LiveServer(counter) as srv:
        srv.counter = counter
        srv.tokens = TokenStore(home / "tokens.json")
        yield srv


def test_an_unauthenticated_chunked_upload_is_refused_unread(served):
    total = 24 << 20
    for token in (None, "cbt_not-a-token"):
        served.counter.received = 0
        status, answer, _ = chunked_upload(served.port, total, token)
        assert status == 401, answer
        assert answer["error"]["code"] == "unauthorized"
        assert served.counter.received == 0  # not one byte of the body reached the app
    # a reader's token is checked before the body too
    served.counter.received = 0
    status, answer, _ = chunked_upload(served.port, total, served.tokens.create("reader")[1])
    assert status == 403 and served.counter.received == 0


def test_a_chunked_upload_over_the_limit_stops_at_the_limit(served):
    token = served.tokens.create("admin")[1]
    status, answer, _ = chunked_upload(served.port, 24 << 20, token)
    assert status == 413, answer
    assert answer["error"]["code"] == "too_large"
    assert "MB" in answer["error"]["message_zh"] and "MB" in answer["error"]["message_en"]
    limit = 2 << 20  # 1 MB upload limit + 1 MB of form overhead
    # the app read up to the limit and one more piece of the stream, no further
    assert limit < served.counter.received <= limit + 2 * CHUNK
