"""Every error the API gives has ONE shape -- ours, FastAPI's own request
validation, Starlette's unknown routes and methods, a database that is
down, an unexpected bug -- and the OpenAPI document says so.

    {"error": {"status": 404, "code": "not_found", "message_zh": "...",
               "message_en": "...", "details": [...]}}
"""

from __future__ import annotations

import json
import re
import socket

import pytest
from api_kit import LiveServer, serve
from roster_kit import rich_roster, write_thirty_defects

from api.app import create_app
from api.errors import ErrorBody
from api.source import Neo4jSource, RosterSource
from cobuild.database import connect
from graph.settings import Settings
from loaders.writer import write_roster

CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_error_shape(r, status: int, code: str | None = None) -> dict:
    """The one error shape, with ``status`` in both the HTTP line and the body."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "code", "message_zh", "message_en", "details"}
    assert err["status"] == status
    assert isinstance(err["code"], str) and re.fullmatch(r"[a-z_]+", err["code"])
    assert CJK.search(err["message_zh"]), err["message_zh"]
    assert err["message_en"].strip()
    assert isinstance(err["details"], list)
    assert "Traceback" not in r.text
    ErrorBody.model_validate(body)
    if code is not None:
        assert err["code"] == code
    return err


def _dead_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def roster_api(tmp_path_factory):
    path = write_roster(rich_roster(), tmp_path_factory.mktemp("r") / "r.xlsx")
    with serve(RosterSource(path), tmp_path_factory.mktemp("home")) as a:
        a.roster_path = path
        yield a


@pytest.fixture(scope="module")
def down_api(tmp_path_factory):
    """A Neo4j source whose server is not there (nothing listens on the port)."""
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{_dead_port()}",
                        cobuild_home=tmp_path_factory.mktemp("home"))
    db = connect(settings, verify=False)
    try:
        with serve(Neo4jSource(db), settings.cobuild_home) as a:
            yield a
    finally:
        db.close()


def test_401_without_a_token_with_a_bad_token_and_another_scheme(roster_api):
    anonymous = roster_api.client(None)
    for url in ("/api/v1/communities", "/api/v1/communities/C01", "/readyz", "/api/v1/audit",
                "/api/v1/search?q=x", "/api/v1/imports"):
        r = anonymous.get(url)
        assert_error_shape(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
    r = anonymous.get("/api/v1/communities", headers={"Authorization": "Bearer cbt_notatoken"})
    assert_error_shape(r, 401, "unauthorized")
    r = anonymous.get("/api/v1/communities", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_error_shape(r, 401, "unauthorized")


def test_403_for_a_role_that_may_not(roster_api):
    assert_error_shape(roster_api.client("planner").get("/api/v1/audit"), 403, "forbidden")


def test_404_for_unknown_codes_and_unknown_routes(roster_api):
    reader = roster_api.client("reader")
    assert_error_shape(reader.get("/api/v1/communities/NOPE"), 404, "not_found")
    assert_error_shape(reader.get("/api/v1/people/NOPE"), 404, "not_found")
    assert_error_shape(reader.get("/api/v1/no/such/path"), 404, "not_found")
    assert_error_shape(reader.get("/nothing-here"), 404, "not_found")


def test_405_for_a_method_a_route_does_not_have(roster_api):
    r = roster_api.client("admin").delete("/api/v1/communities")
    assert_error_shape(r, 405, "method_not_allowed")


def test_409_imports_into_the_read_only_roster_source(roster_api):
    with open(roster_api.roster_path, "rb") as f:
        r = roster_api.client("admin").post("/api/v1/imports", files={"file": ("r.xlsx", f)})
    assert_error_shape(r, 409, "read_only")


def test_422_for_invalid_parameters_lists_each_one(roster_api):
    r = roster_api.client("reader").get(
        "/api/v1/gaps", params={"limit": 0, "as_of": "2024-02-30", "severity": "huge"})
    err = assert_error_shape(r, 422, "invalid_request")
    assert {tuple(d["loc"]) for d in err["details"]} == {
        ("query", "limit"), ("query", "as_of"), ("query", "severity", 0)}
    assert all(CJK.search(d["message_zh"]) and d["message_en"] for d in err["details"])


def test_400_and_422_for_uploads(down_api, tmp_path):
    """Uploads are checked before the database is touched: these answers
    come even with Neo4j down."""
    admin = down_api.client("admin")
    r = admin.post("/api/v1/imports", files={"file": ("notes.txt", b"hello")})
    assert_error_shape(r, 400, "unsupported_file")
    bad = tmp_path / "bad.xlsx"
    write_thirty_defects(bad)
    with open(bad, "rb") as f:
        r = admin.post("/api/v1/imports", files={"file": ("bad.xlsx", f)})
    err = assert_error_shape(r, 422, "roster_invalid")
    assert len([d for d in err["details"] if d["severity"] == "error"]) >= 30
    assert all({"table", "line", "column", "message_zh", "message_en"} <= set(d)
               for d in err["details"])


def test_413_for_a_body_over_the_limit_before_it_is_read(roster_api):
    """A raw request announcing a huge body is refused at once."""
    token = roster_api.token("admin")
    with socket.create_connection(("127.0.0.1", roster_api.srv.port), timeout=10) as s:
        s.sendall(("POST /api/v1/imports HTTP/1.1\r\nHost: x\r\n"
                   f"Authorization: Bearer {token}\r\n"
                   "Content-Type: multipart/form-data; boundary=b\r\n"
                   "Content-Length: 999999999999\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    err = json.loads(body)["error"]
    assert err["status"] == 413 and err["code"] == "too_large" and CJK.search(err["message_zh"])


def test_503_when_the_database_is_down(down_api):
    reader = down_api.client("reader")
    for url in ("/api/v1/communities", "/api/v1/communities/C01", "/readyz", "/api/v1/gaps",
                "/api/v1/imports"):
        r = reader.get(url)
        err = assert_error_shape(r, 503, "database_unavailable")
        assert "Neo4j" in err["message_zh"] and "Neo4j" in err["message_en"]
    import httpx

    assert httpx.get(down_api.url + "/healthz").status_code == 200


def test_500_for_an_unexpected_bug_has_the_shape_and_no_traceback(tmp_path):
    path = write_roster(rich_roster(), tmp_path / "r.xlsx")
    app = create_app(Settings(cobuild_home=tmp_path / "home"), RosterSource(path))

    def boom():
        raise RuntimeError("secret internals 13812341234")

    app.add_api_route("/boom", boom)
    import httpx

    with LiveServer(app) as srv:
        r = httpx.get(srv.url + "/boom")
    err = assert_error_shape(r, 500, "internal_error")
    assert "secret" not in r.text and "13812341234" not in r.text


def test_the_openapi_document_gives_every_error_response_the_one_shape():
    app = create_app(Settings(cobuild_home="/nonexistent"), source=_NoSource())
    doc = app.openapi()
    assert "HTTPValidationError" not in json.dumps(doc)
    ops = [(path, method, op) for path, item in doc["paths"].items()
           for method, op in item.items()]
    assert len(ops) >= 20
    for path, method, op in ops:
        errors = {s: r for s, r in op["responses"].items() if s[0] in "45"}
        if path != "/healthz":
            assert {"401", "503"} <= set(errors) or path == "/api/v1/audit", (path, errors.keys())
            assert op.get("security") == [{"bearer": []}], path
        for status, resp in errors.items():
            ref = resp["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorBody"), (path, status)
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "cbt_…",
        "description": doc["components"]["securitySchemes"]["bearer"]["description"]}


class _NoSource:
    kind = "roster"
    read_only = True
