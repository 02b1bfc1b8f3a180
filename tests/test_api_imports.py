"""Roster imports over HTTP, against the real Neo4j: good and bad rosters,
dry runs, roles, street limits, the read-only roster source, history."""

from __future__ import annotations

import pytest
from api_kit import demo_roster, serve, write_demo, zip_folder
from roster_kit import rich_roster, write_thirty_defects

from api.source import Neo4jSource, RosterSource
from graph import store
from loaders import check_roster
from loaders.writer import write_roster

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, path, params=None, name=None):
    # the demo county with its co-building activity is ~4,500 nodes and ~15,000
    # relationships: one import may take minutes on a loaded shared machine
    with open(path, "rb") as f:
        return client.post("/api/v1/imports", params=params or {},
                           files={"file": (name or path.name, f, XLSX)}, timeout=600)


@pytest.fixture
def api(neo4j_db, tmp_path):
    with serve(Neo4jSource(neo4j_db), tmp_path / "home") as a:
        a.db = neo4j_db
        yield a


def _stored(db) -> dict:
    return {k: v for k, v in store.counts(db).items() if v}


def test_admin_imports_a_roster_and_the_api_serves_it_at_once(api, tmp_path):
    admin = api.client("admin", name="导入员")
    reader = api.client("reader")
    assert reader.get("/api/v1/communities").json()["total"] == 0
    path = write_demo(tmp_path)
    r = _upload(admin, path)
    assert r.status_code == 200, r.text
    body = r.json()
    roster = demo_roster()
    assert body["dry_run"] is False and body["file"] == "demo.xlsx"
    assert body["jurisdiction"] == list(roster.jurisdiction)
    assert body["counts"] == roster.counts()
    assert body["result"]["created"] > 0 and body["result"]["record_id"]
    # the next lookup sees the new data version
    assert reader.get("/api/v1/communities").json()["total"] == len(roster.rows("communities"))
    history = reader.get("/api/v1/imports").json()
    assert history["source"] == "neo4j"
    assert [h["id"] for h in history["items"]] == [body["result"]["record_id"]]
    assert history["items"][0]["file"] == "demo.xlsx"
    # the same roster again changes nothing
    again = _upload(admin, path).json()
    assert (again["result"]["created"], again["result"]["changed"],
            again["result"]["deleted"]) == (0, 0, 0)


def test_a_zip_of_csv_files_imports_too(api, tmp_path):
    folder = write_roster(rich_roster(), tmp_path / "csv")
    z = zip_folder(folder, tmp_path / "花名册.zip")
    r = _upload(api.client("admin"), z)
    assert r.status_code == 200, r.text
    assert r.json()["file"] == "花名册.zip"
    assert _stored(api.db)["Community"] == len(rich_roster().rows("communities"))


def test_dry_run_says_what_would_change_and_writes_nothing(api, tmp_path):
    r = _upload(api.client("admin"), write_demo(tmp_path), params={"dry_run": "true"})
    assert r.status_code == 200, r.text
    assert r.json()["dry_run"] is True
    assert r.json()["result"]["created"] > 0
    assert _stored(api.db) == {}
    assert api.client("reader").get("/api/v1/imports").json()["items"] == []


def test_a_bad_roster_gets_every_issue_as_the_cli_reports_them_and_writes_nothing(api, tmp_path):
    admin = api.client("admin")
    assert _upload(admin, write_roster(rich_roster(), tmp_path / "good.xlsx")).status_code == 200
    before = _stored(api.db)
    bad = tmp_path / "bad.xlsx"
    planted = write_thirty_defects(bad)
    r = _upload(admin, bad)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "roster_invalid"
    _, issues = check_roster(bad)
    assert err["details"] == [i.as_dict() for i in issues]
    found = {(d["line"], d["code"]) for d in err["details"]}
    assert {(line, code) for _, line, code, _ in planted} <= found
    assert sum(d["severity"] == "error" for d in err["details"]) >= 30
    assert _stored(api.db) == before


def test_only_admins_import(api, tmp_path):
    path = write_roster(rich_roster(), tmp_path / "r.xlsx")
    for role in ("reader", "planner"):
        r = _upload(api.client(role), path)
        assert r.status_code == 403, role
        assert r.json()["error"]["code"] == "forbidden"
    assert _stored(api.db) == {}


def test_a_street_admin_imports_only_its_own_street(api, tmp_path):
    path = write_roster(rich_roster(), tmp_path / "r.xlsx")  # streets 001 and 002
    r = _upload(api.client("admin", street="001"), path)
    assert r.status_code == 403
    assert "001" in r.json()["error"]["message_en"]
    assert _stored(api.db) == {}


def test_files_that_are_not_rosters_get_one_clear_error(api, tmp_path):
    admin = api.client("admin")
    fake = tmp_path / "照片.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    r = _upload(admin, fake)
    assert r.status_code == 400 and r.json()["error"]["code"] == "not_a_roster"
    txt = tmp_path / "roster.txt"
    txt.write_text("hello")
    r = _upload(admin, txt)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unsupported_file"
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert _upload(admin, empty).json()["error"]["code"] == "empty_file"
    r = admin.post("/api/v1/imports")
    assert r.status_code == 422 and r.json()["error"]["details"][0]["loc"] == ["body", "file"]


def test_the_roster_file_source_is_read_only(tmp_path):
    path = write_roster(rich_roster(), tmp_path / "r.xlsx")
    with serve(RosterSource(path), tmp_path / "home") as a:
        r = _upload(a.client("admin"), path)
        assert r.status_code == 409
        err = r.json()["error"]
        assert err["code"] == "read_only"
        assert "只读" in err["message_zh"] and "read-only" in err["message_en"]
        assert a.client("reader").get("/api/v1/imports").json() == {"source": "roster",
                                                                     "items": []}


def test_a_new_import_is_seen_by_the_next_lookup(api, tmp_path):
    """The graph is cached per data version: a second import that renames a
    community shows in the very next answer."""
    admin, reader = api.client("admin"), api.client("reader")
    assert _upload(admin, write_roster(rich_roster(), tmp_path / "a.xlsx")).status_code == 200
    assert reader.get("/api/v1/communities/C01").json()["name"] == "东关社区"
    r2 = rich_roster()
    for row in r2.rows("communities"):
        if row["code"] == "C01":
            row.values["name"] = "东关新村社区"
    assert _upload(admin, write_roster(r2, tmp_path / "b.xlsx")).status_code == 200
    assert reader.get("/api/v1/communities/C01").json()["name"] == "东关新村社区"
    hits = reader.get("/api/v1/search", params={"q": "新村"}).json()["items"]
    assert [(h["type"], h["code"]) for h in hits] == [("Community", "C01")]
    assert len(reader.get("/api/v1/imports").json()["items"]) == 2
