"""Read answers served again from memory (:mod:`api.answers`) and the data
version read at most every ``max_age`` seconds (:class:`api.source.
Neo4jSource`): still one token check and one audit record per request, an
import through the API seen at once by every worker, one made elsewhere
within the bound."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from api_kit import AS_OF, demo_roster, serve, write_demo

from api.source import VERSION_MAX_AGE, Neo4jSource, RosterSource, _FreshVersion
from graph import store
from loaders.demo import generate

A = {"as_of": AS_OF.isoformat()}
DASH = "https://dash.example.org"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The demo county's roster file served, with one web origin allowed."""
    source = RosterSource(write_demo(tmp_path_factory.mktemp("roster")))
    with serve(source, tmp_path_factory.mktemp("home"), cobuild_cors_origins=DASH) as a:
        yield a


def _person_with_phone() -> str:
    return sorted(p["code"] for p in demo_roster().rows("people") if p.get("phone"))[0]


def _hits(api) -> int:
    return api.srv.app.state.answers.hits


def test_an_answer_from_memory_is_the_same_and_audited_for_each_caller(api):
    url = f"/api/v1/people/{_person_with_phone()}"
    first, second = api.client("planner", name="甲"), api.client("planner", name="乙")
    before = len(api.audit_lines())
    a = first.get(url, params=A)
    hits = _hits(api)
    b = second.get(url, params=A)
    c = first.get(url, params=A)
    assert a.status_code == b.status_code == c.status_code == 200
    assert a.content == b.content == c.content and a.headers["etag"] == b.headers["etag"]
    assert _hits(api) == hits + 2, "the same question again is answered from memory"
    records = [json.loads(line) for line in api.audit_lines()[before:]]
    assert [r["token_name"] for r in records] == ["甲", "乙", "甲"]
    assert len({r["token_id"] for r in records}) == 2
    assert all(r["persons"] == [_person_with_phone()] and r["path"].startswith(url)
               for r in records)


def test_a_revoked_token_is_refused_even_for_an_answer_in_memory(api):
    token = api.token("reader")
    rec = api.tokens.verify(token)
    auth = {"Authorization": f"Bearer {token}"}
    with api.client(None) as c:
        assert c.get("/api/v1/communities", headers=auth).status_code == 200
        assert c.get("/api/v1/communities", headers=auth).status_code == 200
        api.tokens.revoke(rec.id)
        r = c.get("/api/v1/communities", headers=auth)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert c.get("/api/v1/communities",
                     headers={"Authorization": "Bearer cbt_not-a-token"}).status_code == 401


def test_answers_in_memory_are_kept_apart_by_role_street_and_encoding(api):
    person = _person_with_phone()
    phone = next(p["phone"] for p in demo_roster().rows("people") if p["code"] == person)
    url = f"/api/v1/people/{person}"
    planner, reader = api.client("planner"), api.client("reader")
    for _ in range(2):
        assert phone in planner.get(url, params=A).text
        masked = reader.get(url, params=A)
        assert masked.status_code == 200 and phone not in masked.text
    # an admin-only list is not handed to a planner from memory, nor is a limited view
    admin = api.client("admin")
    assert admin.get("/api/v1/audit").status_code == 200
    assert planner.get("/api/v1/audit").status_code == 403
    communities = {c["code"]: c["street"] for c in demo_roster().rows("communities")}
    street = sorted(set(communities.values()))[0]
    for _ in range(2):
        assert reader.get("/api/v1/communities").json()["total"] == len(communities)
        limited = api.client("reader", street=street).get("/api/v1/communities").json()
        assert limited["total"] == sum(s == street for s in communities.values())
    # gzip for the client that accepts it, plain for the one that does not
    net = f"/api/v1/communities/{sorted(communities)[0]}/network"
    for _ in range(2):
        packed = reader.get(net, params=A, headers={"Accept-Encoding": "gzip"})
        plain = reader.get(net, params=A, headers={"Accept-Encoding": "identity"})
        assert packed.headers["content-encoding"] == "gzip"
        assert "content-encoding" not in plain.headers
        assert json.loads(packed.content) == json.loads(plain.content)  # httpx unpacks
    # every Accept-Encoding header counts, as it does for compression
    auth = reader.headers["Authorization"]
    with api.client(None) as raw:
        both = raw.get(net, params=A, headers=[("Authorization", auth), ("Accept-Encoding", "gzip"),
                                               ("Accept-Encoding", "identity")])
        last = raw.get(net, params=A, headers=[("Authorization", auth),
                                               ("Accept-Encoding", "identity")])
    assert both.headers["content-encoding"] == "gzip" and "content-encoding" not in last.headers


def test_two_tokens_in_one_request_are_answered_as_the_app_answers_them(api):
    reader, bogus = api.token("reader"), "Bearer cbt_not-a-token"
    url = "/api/v1/rules"
    with api.client(None) as raw:
        assert raw.get(url, headers={"Authorization": f"Bearer {reader}"}).status_code == 200
        hits = _hits(api)
        got = [raw.get(url, headers=[("Authorization", first), ("Authorization", second)])
               for first, second in ((bogus, f"Bearer {reader}"), (f"Bearer {reader}", bogus))]
    assert [r.status_code for r in got] == [401, 200]  # the first one counts
    assert _hits(api) == hits, "never from memory"


def test_cross_origin_headers_are_added_once_to_an_answer_from_memory(api):
    reader = api.client("reader")
    for _ in range(3):
        r = reader.get("/api/v1/rules", headers={"Origin": DASH})
        assert r.status_code == 200
        assert r.headers.get_list("access-control-allow-origin") == [DASH]
    other = reader.get("/api/v1/rules", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    assert reader.get("/api/v1/rules").headers.get("access-control-allow-origin") is None


def test_a_conditional_request_and_errors_are_never_served_from_memory(api):
    reader = api.client("reader")
    url = "/api/v1/communities/NO-SUCH"
    assert [reader.get(url).status_code for _ in range(2)] == [404, 404]
    r = reader.get("/api/v1/rules")
    assert reader.get("/api/v1/rules", headers={"If-None-Match": r.headers["etag"]}
                      ).status_code == 304
    assert reader.get("/api/v1/rules?nope=1").status_code == 422


# -- the data version -------------------------------------------------------------------


def test_a_version_read_serves_callers_for_max_age_then_is_read_again():
    reads = []

    def read():
        reads.append(time.monotonic())
        return f"v{len(reads)}"

    fresh = _FreshVersion(read, max_age=0.2)
    assert [fresh.get() for _ in range(50)] == ["v1"] * 50
    time.sleep(0.25)
    assert fresh.get() == "v2"
    fresh.invalidate()
    assert fresh.get() == "v3" and len(reads) == 3


def test_on_the_event_loop_the_next_read_starts_before_the_version_is_too_old():
    reads = []

    def read():
        reads.append(time.monotonic())
        time.sleep(0.01)
        return f"v{len(reads)}"

    async def main():
        fresh = _FreshVersion(read, max_age=2.0)
        assert await fresh.aget() == "v1"
        await asyncio.sleep(1.1)  # past half its age: still served, and a read starts
        assert await fresh.aget() == "v1", "nobody waits for the read ahead"
        deadline = time.monotonic() + 0.8  # well before v1 is 2 s old
        while await fresh.aget() == "v1" and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert await fresh.aget() == "v2" and len(reads) == 2
        fresh.invalidate()
        again = await asyncio.gather(*(fresh.aget() for _ in range(20)))
        assert again == ["v3"] * 20, "callers waiting together share one read"

    asyncio.run(main())


@pytest.mark.neo4j
def test_an_import_through_the_api_is_seen_at_once_by_every_worker(neo4j_db, tmp_path):
    notice = tmp_path / "api-import.stamp"
    # two workers of one server: the same home, each its own source
    one = Neo4jSource(neo4j_db, notice=notice, max_age=60)
    two = Neo4jSource(neo4j_db, notice=notice, max_age=60)
    before = two.snapshot().version
    assert before == one.snapshot().version == "neo4j:empty"
    result = one.import_roster(generate(seed=3, scale=0.2))
    assert two.snapshot().version == one.snapshot().version == f"neo4j:{result.record_id}"
    assert len(two.snapshot().lookup.communities()) > 0


@pytest.mark.neo4j
def test_an_import_made_elsewhere_is_seen_within_max_age(neo4j_db):
    quick = Neo4jSource(neo4j_db, max_age=0.3)
    slow = Neo4jSource(neo4j_db, max_age=60)
    assert quick.snapshot().version == slow.snapshot().version == "neo4j:empty"
    result = store.import_roster(neo4j_db, generate(seed=3, scale=0.2))  # as the CLI does
    assert slow.snapshot().version == "neo4j:empty", "the version read is still served"
    time.sleep(0.35)
    assert quick.snapshot().version == f"neo4j:{result.record_id}"
    assert quick.ready() == slow.ready() == f"neo4j:{result.record_id}", "readiness asks now"


def test_the_api_guide_and_the_openapi_document_state_the_bound(api):
    from pathlib import Path

    bound = f"{VERSION_MAX_AGE:g}"
    guide = " ".join((Path(__file__).parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
                     .split())
    assert f"最迟 {bound} 秒后" in guide and f"at most {bound} s later" in guide
    doc = api.client("reader").get("/openapi.json").json()["info"]["description"]
    assert f"最迟 {bound} 秒后" in doc and f"at most {bound} s later" in doc
