"""An import over HTTP that would delete stored data asks first, like the
command line's ``--yes``: 409 listing the deletions and a code, then the
same file with ``?confirm=<code>``. Against the real Neo4j; also: an import
changes the ETag of what it changed."""

from __future__ import annotations

import pytest
from api_kit import serve
from roster_kit import rich_roster

from api.source import Neo4jSource
from graph import store
from loaders.writer import write_roster

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, path, params=None):
    with open(path, "rb") as f:
        return client.post("/api/v1/imports", params=params or {},
                           files={"file": (path.name, f, XLSX)})


@pytest.fixture
def api(neo4j_db, tmp_path):
    with serve(Neo4jSource(neo4j_db), tmp_path / "home") as a:
        a.db = neo4j_db
        yield a


def _without_last_post():
    r = rich_roster()
    r.tables["posts"] = r.tables["posts"][:-1]
    return r


def test_deletions_wait_for_the_confirmation_code(api, tmp_path):
    admin = api.client("admin")
    first = _upload(admin, write_roster(rich_roster(), tmp_path / "a.xlsx"))
    assert first.status_code == 200, first.text  # nothing stored yet: nothing to delete
    before = store.counts(api.db)
    smaller = write_roster(_without_last_post(), tmp_path / "b.xlsx")

    r = _upload(admin, smaller)
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "confirm_deletions"
    code = err["message_en"].rsplit("confirm=", 1)[1]
    assert len(code) == 12
    assert f"?confirm={code}" in err["message_zh"]
    deleted = {d["kind"]: d["deleted"] for d in err["details"]}
    dry = _upload(admin, smaller, {"dry_run": "true"}).json()["result"]["changes"]
    assert deleted == {k: c["deleted"] for k, c in dry.items() if c["deleted"]} != {}
    assert all("将删除" in d["message_zh"] and "would be deleted" in d["message_en"]
               for d in err["details"])
    assert store.counts(api.db) == before, "nothing written"

    # a wrong code, or the code of another file, is not a confirmation
    assert _upload(admin, smaller, {"confirm": "000000000000"}).status_code == 409
    other = _without_last_post()
    other.tables["posts"] = other.tables["posts"][:-1]
    other_path = write_roster(other, tmp_path / "c.xlsx")
    r2 = _upload(admin, other_path, {"confirm": code})
    assert r2.status_code == 409 and r2.json()["error"]["message_en"] != err["message_en"]
    assert store.counts(api.db) == before

    ok = _upload(admin, smaller, {"confirm": code})
    assert ok.status_code == 200, ok.text
    assert ok.json()["result"]["deleted"] == sum(deleted.values())
    assert store.counts(api.db) != before
    # the code was for the data as it was: after the import it is spent
    assert _upload(admin, other_path, {"confirm": code}).status_code == 409


def test_an_import_changes_the_etag_of_what_it_changed(api, tmp_path):
    admin, reader = api.client("admin"), api.client("reader")
    assert _upload(admin, write_roster(rich_roster(), tmp_path / "a.xlsx")).status_code == 200
    first = reader.get("/api/v1/communities/C01")
    tag = first.headers["etag"]
    assert reader.get("/api/v1/communities/C01",
                      headers={"If-None-Match": tag}).status_code == 304
    renamed = rich_roster()
    for row in renamed.rows("communities"):
        if row["code"] == "C01":
            row.values["name"] = "东关新村社区"
    assert _upload(admin, write_roster(renamed, tmp_path / "b.xlsx")).status_code == 200
    after = reader.get("/api/v1/communities/C01", headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.json()["name"] == "东关新村社区" and after.headers["etag"] != tag
