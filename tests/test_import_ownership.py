"""A street's data belongs to its street (issue 15, item 1).

Over real HTTP with two street-limited admin tokens, through ``cobuild
import`` and through :mod:`graph.store`, against the session's real Neo4j:
an import creates and changes only what its caller and its roster's
jurisdiction own; the refusal names the row and, for a street-limited
caller, says nothing about what the other street holds; dry runs and the
import history show a street-limited caller its own street only.
"""

from __future__ import annotations

import json

import pytest
from api_kit import serve
from roster_kit import credit_code

from api.source import Neo4jSource
from graph import queries as Q
from graph import store
from graph.errors import RosterError
from graph.roster import Roster
from loaders import check_roster
from loaders.writer import write_roster

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def street_roster(street: str, n: str, *, unit: dict | None = None,
                  person: dict | None = None, shared: dict | None = None) -> Roster:
    """Street ``street`` with community ``C{n}``, its committee ``PC{n}``, a
    unit ``U{n}`` with its org ``UO{n}``, a secretary ``P{n}``; ``unit`` /
    ``person`` replace the unit's / the secretary's row (a reused code);
    ``shared``: a person holding a part-time post in ``PC{n}`` too."""
    r = Roster(source=f"{street}.xlsx")
    r.add("streets", {"code": street, "name": f"{street}街道"})
    r.add("communities", {"code": f"C{n}", "name": f"{n}号社区", "street": street})
    u = unit or {"code": f"U{n}", "name": f"{n}号单位", "kind": "soe",
                 "credit_code": credit_code(int(n))}
    r.add("units", {**u, "community": f"C{n}"})
    r.add("party_orgs", {"code": f"PC{n}", "name": f"{n}号社区党委",
                         "kind": "community_committee", "community": f"C{n}"})
    r.add("party_orgs", {"code": f"UO{n}", "name": f"{n}号单位党委", "kind": "unit_committee",
                         "units": [u["code"]], "member_of": [f"PC{n}"]})
    p = person or {"code": f"P{n}", "name": f"书记{n}", "phone": f"1390000{int(n):04d}"}
    r.add("people", p)
    r.add("posts", {"person": p["code"], "org": f"PC{n}", "role": "secretary",
                    "post_type": "own"})
    if shared:
        r.add("people", shared)
        r.add("posts", {"person": shared["code"], "org": f"PC{n}",
                        "role": "part_time_member", "post_type": "part_time"})
    return r


#: street S001's rows, as stored
S001_UNIT = {"code": "U5", "name": "县供电公司", "kind": "soe", "credit_code": credit_code(5)}
S001_PERSON = {"code": "P5", "name": "王五", "phone": "13900000005"}
SHARED = {"code": "P7", "name": "李七", "phone": "13900000007"}


def raw_dump(db) -> tuple[dict, dict]:
    """Every stored property, internal ones included."""
    nodes = {(label, r["code"]): r["props"] for label in Q.LABELS
             for r in db.run(Q.ALL_NODES[label])}
    rels = {(r["source"], t, r["props"]["key"], r["target"]): r["props"]
            for t in Q.TYPES for r in db.run(Q.ALL_RELS[t])}
    return nodes, rels


def upload(client, roster: Roster, tmp_path, dry_run: bool = False, confirm: bool = False):
    """Upload ``roster``; with ``confirm``, an answer asking to confirm
    deletions (409) is confirmed with its code, as a planner would."""
    path = write_roster(roster, tmp_path / f"{roster.source}-{len(list(tmp_path.iterdir()))}.xlsx")

    def send(params: dict):
        with open(path, "rb") as f:
            return client.post("/api/v1/imports", params=params,
                               files={"file": (path.name, f, XLSX)}, timeout=600)

    r = send({"dry_run": "true"} if dry_run else {})
    if confirm and r.status_code == 409 and r.json()["error"]["code"] == "confirm_deletions":
        r = send({"confirm": r.json()["error"]["message_en"].rsplit("confirm=", 1)[1]})
    return r, path


def row_of(path, table: str, code: str) -> int:
    """The Excel row of ``code`` in ``table`` of the written roster."""
    roster, _ = check_roster(path)
    (line,) = [r.line for r in roster.rows(table) if r.get("code") == code]
    return line


@pytest.fixture
def api(neo4j_db, tmp_path):
    with serve(Neo4jSource(neo4j_db), tmp_path / "home") as a:
        a.db = neo4j_db
        yield a


@pytest.fixture
def county(api, tmp_path):
    """Streets S001 (imported by its own street admin) and S1 (by an admin
    with no street limit); P7 holds posts in both."""
    s001 = street_roster("S001", "5", unit=S001_UNIT, person=S001_PERSON, shared=SHARED)
    r, _ = upload(api.client("admin", street="S001"), s001, tmp_path)
    assert r.status_code == 200, r.text
    s1 = street_roster("S1", "1", shared=SHARED)
    r, _ = upload(api.client("admin"), s1, tmp_path)
    assert r.status_code == 200, r.text
    return s001, s1


# ----------------------------------------------------------------- over HTTP


def test_a_street_token_cannot_overwrite_another_streets_unit_or_person(api, county, tmp_path):
    before = raw_dump(api.db)
    s1_admin = api.client("admin", street="S1")
    # S1's roster reuses S001's unit and person codes with other values
    hostile = street_roster("S1", "1", shared=SHARED,
                            unit={"code": "U5", "name": "冒名单位", "kind": "private"},
                            person={"code": "P5", "name": "冒名", "phone": "13911112222"})
    answers = []
    for dry_run in (False, True):
        r, path = upload(s1_admin, hostile, tmp_path, dry_run=dry_run)
        assert r.status_code == 422, r.text
        err = r.json()["error"]
        assert err["code"] == "roster_invalid"
        found = {(d["table"], d["line"], d["column"], d["value"], d["code"])
                 for d in err["details"]}
        assert found == {
            ("单位 units", row_of(path, "units", "U5"), "单位编码", "U5", "owned_elsewhere"),
            ("人员 people", row_of(path, "people", "P5"), "人员编码", "P5", "owned_elsewhere"),
        }
        for d in err["details"]:
            assert "S1" in d["message_zh"] and "S1" in d["message_en"]
        answers.append(err["details"])
        # nothing about what S001 holds: not its street, names, phone, credit code
        text = json.dumps(r.json(), ensure_ascii=False)
        for secret in ("S001", "县供电公司", "王五", "13900000005", S001_UNIT["credit_code"],
                       "C5", "5号社区"):
            assert secret not in text
    assert answers[0] == answers[1]  # the dry run says what the import says
    assert raw_dump(api.db) == before

    # the same rows copied exactly from S001 get the very same answer: the
    # caller learns that the codes are taken, not what they hold
    copied = street_roster("S1", "1", shared=SHARED, unit=S001_UNIT, person=S001_PERSON)
    r, _ = upload(s1_admin, copied, tmp_path, dry_run=True)
    assert r.status_code == 422
    assert r.json()["error"]["details"] == answers[1]
    assert raw_dump(api.db) == before

    # S001's own token still changes S001's unit
    s001 = street_roster("S001", "5", unit={**S001_UNIT, "name": "县供电公司(新)"},
                         person=S001_PERSON, shared=SHARED)
    r, _ = upload(api.client("admin", street="S001"), s001, tmp_path)
    assert r.status_code == 200, r.text
    assert r.json()["result"]["changed"] == 1


def test_a_shared_person_is_changed_only_with_rights_over_every_street(api, county, tmp_path):
    s001, _ = county
    before = raw_dump(api.db)
    renamed = {**SHARED, "name": "李七七"}
    r, path = upload(api.client("admin", street="S1"),
                     street_roster("S1", "1", shared=renamed), tmp_path)
    assert r.status_code == 422, r.text
    (d,) = r.json()["error"]["details"]
    assert (d["table"], d["line"], d["column"], d["value"], d["code"]) == (
        "人员 people", row_of(path, "people", "P7"), "姓名", "李七七", "shared_elsewhere")
    assert "S001" not in json.dumps(r.json(), ensure_ascii=False)
    assert raw_dump(api.db) == before
    # listed as stored, S1's token may drop its own post of P7 and keep P7
    unchanged = street_roster("S1", "1")
    unchanged.add("people", SHARED)
    r, _ = upload(api.client("admin", street="S1"), unchanged, tmp_path, confirm=True)
    assert r.status_code == 200, r.text
    assert r.json()["result"]["changes"] == {"HOLDS": {"created": 0, "changed": 0, "deleted": 1}}
    held = {k[3] for k in raw_dump(api.db)[1] if k[0] == "P7" and k[1] == "HOLDS"}
    assert held == {"PC5"}  # S001's post of P7 is untouched
    # an admin whose token covers every street may rename P7
    r, _ = upload(api.client("admin"), street_roster("S1", "1", shared=renamed), tmp_path)
    assert r.status_code == 200, r.text
    assert raw_dump(api.db)[0][("Person", "P7")]["name"] == "李七七"


def test_import_answers_and_history_show_a_street_token_its_street_only(api, county, tmp_path):
    s001, s1 = county
    # a county roster of both streets, imported by an admin with no limit
    both = Roster(source="county.xlsx")
    for part in (s001, s1):
        for row in part:
            if not (row.table == "people" and row["code"] == "P7" and part is s1):
                both.add(row.table, row.values)
    both.tables["units"][0].values["name"] = "县供电公司(改)"  # S001's unit changes
    r, _ = upload(api.client("admin"), both, tmp_path)
    assert r.status_code == 200, r.text
    county_id = r.json()["result"]["record_id"]

    s1_admin = api.client("admin", street="S1")
    items = {h["id"]: h for h in s1_admin.get("/api/v1/imports").json()["items"]}
    mine = items[county_id]
    assert mine["streets"] == ["S1"]
    assert mine["changes"] == {} and mine["changed"] == 0  # the change was S001's
    assert mine["counts"]["Unit"] == 1  # U1; S001's U5 is not S1's
    full = next(h for h in api.client("admin").get("/api/v1/imports").json()["items"]
                if h["id"] == county_id)
    assert full["counts"]["Unit"] == 2 and full["changed"] == 1 and "parts" not in full
    # the first import, S001's alone, is not S1's business at all
    assert all(h["streets"] == ["S1"] for h in items.values())
    assert len(items) == 2

    # an import's answer counts the caller's street only
    r, _ = upload(s1_admin, s1, tmp_path)
    assert r.status_code == 200, r.text
    stored = r.json()["result"]["stored_counts"]
    assert stored["Street"] == 1 and stored["Unit"] == 1 and stored["Community"] == 1
    assert store.counts(api.db)["Unit"] == 2


# ------------------------------------------------- full rights: store and CLI


def test_a_roster_may_not_rehome_another_jurisdictions_unit(neo4j_db):
    store.import_roster(neo4j_db, street_roster("S001", "5", unit=S001_UNIT,
                                                person=S001_PERSON, shared=SHARED))
    before = raw_dump(neo4j_db)
    # S1's roster names S001's unit U5, as stored, but in its own community
    s1 = street_roster("S1", "1", unit=S001_UNIT, shared=SHARED)
    for call in (lambda: store.plan_import(neo4j_db, s1), lambda: store.import_roster(neo4j_db, s1)):
        with pytest.raises(RosterError) as err:
            call()
        (issue,) = err.value.issues
        assert (issue.table, issue.column, issue.value, issue.code) == (
            "单位 units", "所在社区", "C1", "owned_elsewhere")
        assert "S001" in issue.message_zh and "S001" in issue.message_en
    assert raw_dump(neo4j_db) == before
    # a person listed as stored (P7) joins S1 without a word; a roster covering
    # S001 too may move the unit
    store.import_roster(neo4j_db, street_roster("S1", "1", shared=SHARED))
    both = street_roster("S1", "1", unit=S001_UNIT, shared=SHARED)
    both.add("streets", {"code": "S001", "name": "S001街道"})
    assert store.plan_import(neo4j_db, both).rels["IN"].created == 1  # U5 -> C1


def test_cobuild_import_names_the_row_and_writes_nothing(neo4j_server, neo4j_db, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    store.import_roster(neo4j_db, street_roster("S001", "5", unit=S001_UNIT, person=S001_PERSON))
    before = raw_dump(neo4j_db)
    path = write_roster(street_roster("S1", "1", unit={**S001_UNIT, "name": "别的单位"}),
                        tmp_path / "s1.xlsx")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(neo4j_server.env())
    done = subprocess.run([str(Path(sys.executable).with_name("cobuild")), "import", str(path),
                           "--yes"], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    line = row_of(path, "units", "U5")
    assert f"第 {line} 行" in done.stdout and "[单位名称]" in done.stdout
    assert "S001" in done.stdout
    assert "nothing was imported" in done.stdout
    assert "Traceback" not in done.stderr
    assert raw_dump(neo4j_db) == before
