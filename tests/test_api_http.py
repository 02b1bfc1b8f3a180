"""The API as another system's developer meets it, over real HTTP (issue
14): conditional requests and caching headers, compression, CORS, 405 with
its Allow header, 422 messages written for a person in both languages, the
as-of date in a roster cell's forms, stable finding ids, the version.

(The offline /docs pages are opened in Chromium in
``test_api_explorer_browser.py``; imports that delete need a confirmation,
against Neo4j, in ``test_api_import_confirm.py``.)"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from importlib.metadata import version

import httpx
import pytest
from api_kit import AS_OF, CJK, assert_error_shape, demo_roster, serve, write_demo

from api.source import RosterSource
from graph.analysis import analyze
from graph.build import roster_to_graph

A = {"as_of": AS_OF.isoformat()}
DASH = "https://dash.example.org"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("roster"))


@pytest.fixture(scope="module")
def api(demo_file, tmp_path_factory):
    with serve(RosterSource(demo_file), tmp_path_factory.mktemp("home")) as a:
        yield a


@pytest.fixture(scope="module")
def cors_api(demo_file, tmp_path_factory):
    with serve(RosterSource(demo_file), tmp_path_factory.mktemp("home"),
               cobuild_cors_origins=f"{DASH}, http://127.0.0.1:3000") as a:
        yield a


@pytest.fixture(scope="module")
def reader(api):
    return api.client("reader")


@pytest.fixture(scope="module")
def community():
    return sorted(c["code"] for c in demo_roster().rows("communities"))[0]


# -- conditional requests and caching ------------------------------------------------


def test_a_read_answer_has_an_etag_and_304_when_it_is_sent_back(reader, community):
    url = f"/api/v1/communities/{community}"
    first = reader.get(url, params=A)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert re.fullmatch(r'W/"[0-9a-f]{24}"', tag)
    assert first.headers["cache-control"] == "private, no-cache"
    assert "Authorization" in first.headers["vary"]
    again = reader.get(url, params=A, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == tag
    assert again.headers["cache-control"] == "private, no-cache"
    # one of several tags, weak or not, matches; another tag or * does not
    assert reader.get(url, params=A, headers={
        "If-None-Match": f'W/"0000", {tag.removeprefix("W/")}'}).status_code == 304
    for other in ('W/"0000"', "*", ""):
        r = reader.get(url, params=A, headers={"If-None-Match": other})
        assert r.status_code == 200 and r.json() == first.json()


def test_the_etag_follows_the_as_of_date_the_question_and_what_the_token_sees(api, reader,
                                                                              community):
    url = f"/api/v1/communities/{community}"
    tag = reader.get(url, params=A).headers["etag"]
    assert api.client("reader").get(url, params=A).headers["etag"] == tag  # same view
    later = reader.get(url, params={"as_of": "2025-12-31"})
    today = reader.get(url)
    planner = api.client("planner").get(url, params=A)
    street = demo_roster().rows("communities")[0]["street"]
    limited = api.client("reader", street=street).get(url, params=A)
    paged = reader.get("/api/v1/communities", params={"limit": 5})
    tags = [tag, later.headers["etag"], today.headers["etag"], planner.headers["etag"],
            limited.headers["etag"], paged.headers["etag"],
            reader.get("/api/v1/communities", params={"limit": 6}).headers["etag"]]
    assert len(set(tags)) == len(tags)
    # a planner's tag does not fetch a 304 for a reader (other phone numbers)
    assert reader.get(url, params=A, headers={"If-None-Match": planner.headers["etag"]}
                      ).status_code == 200


def test_every_read_route_answers_304_and_errors_are_never_stored(reader, community):
    street = demo_roster().rows("communities")[0]["street"]
    for url in ("/api/v1/communities", f"/api/v1/communities/{community}/gaps",
                f"/api/v1/communities/{community}/network",
                f"/api/v1/communities/{community}/explorer", f"/api/v1/streets/{street}",
                "/api/v1/gaps", "/api/v1/rules", "/api/v1/search?q=社区"):
        r = reader.get(url)
        assert r.status_code == 200, url
        assert reader.get(url, headers={"If-None-Match": r.headers["etag"]}).status_code == 304
    for r in (reader.get("/api/v1/communities/NOPE"), reader.get("/api/v1/gaps?limit=0"),
              httpx.get(str(reader.base_url) + "/healthz"), reader.get("/api/v1/imports")):
        assert r.headers["cache-control"] == "no-store", r.url
        assert "etag" not in r.headers


def test_big_answers_are_gzipped_for_clients_that_accept_it(api, reader, community):
    url = f"{api.url}/api/v1/communities/{community}/network?as_of={AS_OF}"
    auth = {"Authorization": reader.headers["Authorization"]}
    with httpx.Client() as raw:
        plain = raw.get(url, headers={**auth, "Accept-Encoding": "identity"})
        packed = raw.get(url, headers={**auth, "Accept-Encoding": "gzip"})
        small = raw.get(api.url + "/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.read()) if packed.content[:2] == b"\x1f\x8b"
                      else packed.content) == plain.json()
    assert int(packed.headers["content-length"]) * 3 < len(plain.content)
    assert packed.headers["etag"] == plain.headers["etag"]
    assert "content-encoding" not in small.headers  # under 1 KiB


# -- CORS ------------------------------------------------------------------------


def _preflight(client, origin, method="GET", headers="authorization"):
    return client.options("/api/v1/communities", headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers})


def test_cors_is_off_by_default(api):
    anon = api.client(None)
    r = _preflight(anon, DASH)
    err = assert_error_shape(r, 405, "method_not_allowed")
    assert "OPTIONS" in err["message_en"]
    assert "access-control-allow-origin" not in r.headers
    got = api.client("reader").get("/api/v1/communities", headers={"Origin": DASH})
    assert got.status_code == 200 and "access-control-allow-origin" not in got.headers


def test_cors_answers_the_allowed_origins_only(cors_api):
    anon = cors_api.client(None)
    for origin in (DASH, "http://127.0.0.1:3000"):
        r = _preflight(anon, origin, headers="authorization, if-none-match")
        assert r.status_code == 200, r.text
        assert r.headers["access-control-allow-origin"] == origin
        assert "GET" in r.headers["access-control-allow-methods"]
        assert "authorization" in r.headers["access-control-allow-headers"].lower()
    got = cors_api.client("reader").get("/api/v1/communities", headers={"Origin": DASH})
    assert got.headers["access-control-allow-origin"] == DASH
    assert "etag" in got.headers["access-control-expose-headers"].lower()
    # another origin, or a method the API does not take: refused in the one shape
    err = assert_error_shape(_preflight(anon, "https://evil.example"), 400, "cors_refused")
    assert "evil.example" in err["message_en"] and "evil.example" in err["message_zh"]
    assert_error_shape(_preflight(anon, DASH, method="DELETE"), 400, "cors_refused")
    other = cors_api.client("reader").get("/api/v1/communities",
                                          headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_a_cors_origin_that_is_not_an_origin_is_refused_by_serve(demo_file, tmp_path):
    for bad in ("*", "https://dash.example.org/app", "dash.example.org"):
        p = subprocess.run([sys.executable, "-m", "cli.main", "serve", "--roster", str(demo_file),
                            "--cors-origin", DASH, "--cors-origin", bad],
                           capture_output=True, text=True, timeout=120,
                           env={"COBUILD_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
        assert p.returncode == 2, p.stderr
        assert "不是网页来源" in p.stderr and "is not a web origin" in p.stderr
        assert bad in p.stderr and "http://" not in p.stderr.replace(DASH, "")


# -- 405 and 422 -----------------------------------------------------------------


def test_405_names_the_methods_the_path_takes(api):
    admin = api.client("admin")
    r = admin.delete("/api/v1/communities")
    assert_error_shape(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET"
    r = admin.put("/api/v1/imports")
    assert_error_shape(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, POST"


PYDANTIC_WORDS = re.compile(r"Input should|Field required|valid integer|String should")


def _details(r) -> list[dict]:
    err = assert_error_shape(r, 422, "invalid_request")
    for d in err["details"]:
        assert CJK.search(d["message_zh"]) and d["message_en"]
        assert not PYDANTIC_WORDS.search(d["message_en"]), d
    return err["details"]


def test_422_says_what_is_wrong_with_each_value_in_both_languages(reader):
    by_loc = {tuple(d["loc"]): d for d in _details(reader.get(
        "/api/v1/gaps", params={"limit": 0, "offset": "x", "as_of": "2024-02-30",
                                "severity": "huge"}))}
    assert set(by_loc) == {("query", "limit"), ("query", "offset"), ("query", "as_of"),
                           ("query", "severity", 0)}
    limit = by_loc[("query", "limit")]
    assert limit["message_en"] == "query parameter limit must be at least 1 (got '0')"
    assert limit["message_zh"] == "查询参数 limit：不能小于 1（收到“0”）"
    assert "whole number" in by_loc[("query", "offset")]["message_en"]
    assert "整数" in by_loc[("query", "offset")]["message_zh"]
    as_of = by_loc[("query", "as_of")]
    assert "29" in as_of["message_en"] and "29" in as_of["message_zh"]  # February 2024
    sev = by_loc[("query", "severity", 0)]
    assert "'high'" in sev["message_en"] and "huge" in sev["message_en"]
    assert "第 1 项" in sev["message_zh"]


def test_422_with_one_problem_says_it_in_the_headline(reader):
    r = reader.get("/api/v1/search")
    (d,) = _details(r)
    err = r.json()["error"]
    assert d["loc"] == ["query", "q"]
    assert err["message_en"] == d["message_en"] == "query parameter q is required"
    assert err["message_zh"] == d["message_zh"]
    r = reader.get("/api/v1/search", params={"q": "x" * 101})
    (d,) = _details(r)
    assert "at most 100 characters (got 101)" in d["message_en"]
    r = reader.get("/api/v1/communities", params={"severty": "high"})
    (d,) = _details(r)
    assert d["code"] == "unknown_parameter" and r.json()["error"]["message_en"] == d["message_en"]


def test_as_of_takes_the_forms_of_a_roster_date_cell(reader, community):
    url = f"/api/v1/communities/{community}"
    iso = reader.get(url, params=A)
    for form in ("2025/6/30", "2025年6月30日", "20250630", "2025.6.30"):
        r = reader.get(url, params={"as_of": form})
        assert r.status_code == 200, (form, r.text)
        assert r.json() == iso.json(), form
    (d,) = _details(reader.get(url, params={"as_of": "昨天"}))
    assert "2024年3月1日" in d["message_zh"] and "2024/3/1" in d["message_en"]


# -- finding ids, version --------------------------------------------------------------


def test_findings_have_stable_ids_shared_with_the_command_line(reader, demo_file):
    items, offset = [], 0
    while True:
        page = reader.get("/api/v1/gaps", params={**A, "limit": 1000, "offset": offset}).json()
        items += page["items"]
        offset += 1000
        if offset >= page["total"]:
            break
    ids = [f["id"] for f in items]
    assert all(re.fullmatch(r"G\d\d-[0-9a-f]{12}", i) for i in ids)
    assert len(set(ids)) == len(ids) > 50
    assert all(i.startswith(f["rule"] + "-") for i, f in zip(ids, items))
    cli = subprocess.run([sys.executable, "-m", "cli.main", "analyze", str(demo_file), "--as-of",
                          AS_OF.isoformat(), "--format", "json", "-q"],
                         capture_output=True, text=True, timeout=300, check=True)
    assert [f["id"] for f in json.loads(cli.stdout)["findings"]] == ids
    doc = httpx.get(str(reader.base_url) + "/openapi.json").json()
    finding = doc["components"]["schemas"]["Finding"]
    assert "id" in finding["required"]
    assert "evidence that defines" in finding["properties"]["id"]["description"]


def test_a_finding_keeps_its_id_while_its_message_changes():
    """G09 (a term ending soon) says how many days are left: the message
    changes from one day to the next, the finding and its id do not."""
    import datetime as dt

    G = roster_to_graph(demo_roster())
    now = {f.id: f for f in analyze(G, AS_OF, with_structure=False).findings}
    later = {f.id: f for f in analyze(G, AS_OF + dt.timedelta(days=5),
                                      with_structure=False).findings}
    g09 = [i for i in now if i.startswith("G09-") and i in later]
    assert g09, "the demo county has terms ending within the window on both days"
    for i in g09:
        assert now[i].message_en != later[i].message_en
        assert now[i].subject == later[i].subject
    # G04 finds a unit org once per community org: the ids tell them apart
    keys = [(f.rule, f.subject, f.key) for f in now.values()]
    assert len(set(keys)) == len(keys)


def test_healthz_and_the_command_line_say_the_version(api):
    h = httpx.get(api.url + "/healthz").json()
    assert h == {"status": "ok", "version": version("cobuild"), "api_version": "1.0.0"}
    p = subprocess.run([sys.executable, "-m", "cli.main", "--version"], capture_output=True,
                       text=True, timeout=60, check=True)
    assert p.stdout.strip() == f"cobuild {version('cobuild')}"
