"""The API's read endpoints over HTTP (uvicorn on a real socket), against
the demo county in Neo4j AND in a roster file: the same suite, run once per
source. Expected answers are worked out from the roster rows
(:class:`api_kit.Oracle`) or from the gap analysis itself."""

from __future__ import annotations

import json
import re

import pytest
from api_kit import AS_OF, Oracle, demo_roster, serve, write_demo

from api.source import Neo4jSource, RosterSource
from graph import queries, store
from graph.analysis import analyze
from graph.build import roster_to_graph
from cobuild.database import connect
from graph.privacy import mask_phone

A = {"as_of": AS_OF.isoformat()}
ROSTER = demo_roster()
O = Oracle(ROSTER)


@pytest.fixture(scope="module", params=["roster", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def api(request, tmp_path_factory):
    """The demo county served from a roster file or from Neo4j."""
    db = None
    if request.param == "roster":
        source = RosterSource(write_demo(tmp_path_factory.mktemp("roster")))
    else:
        ts = request.getfixturevalue("neo4j_server")
        db = connect(ts.settings)
        db.run(queries.DELETE_ALL)
        store.import_roster(db, ROSTER)
        source = Neo4jSource(db)
    try:
        with serve(source, tmp_path_factory.mktemp("home")) as a:
            a.kind = request.param
            yield a
    finally:
        if db is not None:
            db.run(queries.DELETE_ALL)
            db.close()


@pytest.fixture(scope="module")
def reader(api):
    return api.client("reader")


@pytest.fixture(scope="module")
def planner(api):
    return api.client("planner", name="规划科")


def _two_way_community() -> tuple[str, str, str]:
    """(community, its community org, a member unit org with links both ways)."""
    for c in sorted(O.by_code["communities"]):
        for c_org in O.community_orgs(c):
            for u in O.members(c_org):
                up, down = O.links(c_org, u)
                if up and down:
                    return c, c_org, u
    raise AssertionError("the demo county has no two-way link")


COMMUNITY, C_ORG, U_ORG = _two_way_community()
STREET = O.community_street(COMMUNITY)
OTHER_STREET = next(s for s in sorted(O.by_code["streets"]) if s != STREET)


def _all(client, url, **params) -> list[dict]:
    """Every item of a paginated list, page by page."""
    items, offset = [], 0
    while True:
        r = client.get(url, params={**params, "limit": 7, "offset": offset})
        assert r.status_code == 200, r.text
        page = r.json()
        items += page["items"]
        offset += 7
        if offset >= page["total"]:
            assert len(items) == page["total"]
            return items


# -- health -----------------------------------------------------------------------


def test_healthz_needs_no_token_and_readyz_names_the_source(api, reader):
    import httpx

    assert httpx.get(api.url + "/healthz").json() == {"status": "ok"}
    r = reader.get("/readyz")
    assert r.status_code == 200
    assert r.json()["source"] == api.kind
    assert r.json()["read_only"] is (api.kind == "roster")


# -- communities --------------------------------------------------------------------


def test_communities_are_listed_in_pages_with_a_total(reader):
    items = _all(reader, "/api/v1/communities")
    assert [c["code"] for c in items] == sorted(O.by_code["communities"])
    assert {c["code"]: c["street"]["code"] for c in items} == {
        c: O.community_street(c) for c in O.by_code["communities"]}
    page = reader.get("/api/v1/communities", params={"limit": 3, "offset": 3}).json()
    assert page["total"] == len(O.by_code["communities"])
    assert [c["code"] for c in page["items"]] == [c["code"] for c in items[3:6]]


def test_communities_filter_by_street(reader):
    items = _all(reader, "/api/v1/communities", street=STREET)
    expected = sorted(c for c in O.by_code["communities"] if O.community_street(c) == STREET)
    assert [c["code"] for c in items] == expected
    assert reader.get("/api/v1/communities", params={"street": "NO-SUCH"}).json()["total"] == 0


def test_communities_search_by_chinese_name_and_by_code(reader):
    name = O.by_code["communities"][COMMUNITY]["name"]
    r = reader.get("/api/v1/communities", params={"q": name})
    assert COMMUNITY in [c["code"] for c in r.json()["items"]]
    part = name[:2]
    found = {c["code"] for c in _all(reader, "/api/v1/communities", q=part)}
    assert found == {code for label, code in O.names_containing(part) if label == "Community"}
    r = reader.get("/api/v1/communities", params={"q": COMMUNITY.lower()})
    assert [c["code"] for c in r.json()["items"]] == [COMMUNITY]


def test_one_community_has_its_orgs_members_and_links_in_each_direction(reader):
    r = reader.get(f"/api/v1/communities/{COMMUNITY}", params=A)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == O.by_code["communities"][COMMUNITY]["name"]
    assert body["street"]["code"] == STREET
    assert [o["code"] for o in body["party_orgs"]] == O.community_orgs(COMMUNITY)
    for org in body["party_orgs"]:
        assert [m["org"]["code"] for m in org["members"]] == O.members(org["code"])
        for m in org["members"]:
            up, down = O.links(org["code"], m["org"]["code"])
            assert {x["person"]["code"] for x in m["u_to_c"]} == up
            assert {x["person"]["code"] for x in m["c_to_u"]} == down
            for x in m["u_to_c"]:
                assert x["own_post"]["org"]["code"] == m["org"]["code"]
                assert x["part_time_post"]["org"]["code"] == org["code"]
                assert x["part_time_post"]["post_type"] == "part_time"
            expected = ("two_way" if up and down else "u_to_c" if up else
                        "c_to_u" if down else "none")
            assert m["link"] == expected
    org = next(o for o in body["party_orgs"] if o["code"] == C_ORG)
    assert next(m for m in org["members"] if m["org"]["code"] == U_ORG)["link"] == "two_way"


def test_community_part_time_members_grids_compounds_and_coverage(reader):
    body = reader.get(f"/api/v1/communities/{COMMUNITY}", params=A).json()
    org = next(o for o in body["party_orgs"] if o["code"] == C_ORG)
    holders = {p["person"] for p in O.rows["posts"]
               if p["org"] == C_ORG and p["post_type"] == "part_time" and O.counts(p)}
    assert {m["person"]["code"] for m in org["part_time_members"]} == holders
    from_members = {m["person"]["code"] for m in org["part_time_members"] if m["from_member_unit"]}
    assert org["coverage"]["part_time_members"] == len(from_members)
    assert org["coverage"]["members"] == len(O.members(C_ORG))
    assert org["coverage"]["two_way"] == sum(
        1 for m in org["members"] if m["link"] == "two_way")
    assert sorted(g["code"] for g in body["grids"]) == sorted(
        g["code"] for g in O.rows["grids"] if g["community"] == COMMUNITY)
    assert sorted(k["code"] for k in body["compounds"]) == sorted(
        k["code"] for k in O.rows["compounds"] if k["community"] == COMMUNITY)
    assert sorted(u["code"] for u in body["units"]) == sorted(
        u["code"] for u in O.rows["units"] if u["community"] == COMMUNITY)


def test_as_of_decides_which_posts_count(reader):
    """Long before the demo's posts began, no link counts."""
    early = reader.get(f"/api/v1/communities/{COMMUNITY}", params={"as_of": "1990-01-01"}).json()
    assert all(m["link"] == "none" for o in early["party_orgs"] for m in o["members"])
    today = reader.get(f"/api/v1/communities/{COMMUNITY}").json()
    import datetime as dt

    assert today["as_of"] == dt.date.today().isoformat()


def test_unknown_community_is_404(reader):
    r = reader.get("/api/v1/communities/NO-SUCH")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


# -- gaps ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def findings():
    return analyze(roster_to_graph(ROSTER), AS_OF, with_structure=False).findings


def test_all_gaps_are_the_analysis_findings(reader, findings):
    items = _all(reader, "/api/v1/gaps", **A)
    assert items == [f.as_dict() for f in findings]


def test_gaps_filter_by_rule_severity_street_and_community(reader, findings):
    got = _all(reader, "/api/v1/gaps", rule=["G01", "G04"], severity="medium", **A)
    assert got == [f.as_dict() for f in findings
                   if f.rule in ("G01", "G04") and f.severity == "medium"]
    assert got, "the demo county has medium G01/G04 findings"
    got = _all(reader, "/api/v1/gaps", street=STREET, **A)
    assert got == [f.as_dict() for f in findings if f.street == STREET]
    page = reader.get(f"/api/v1/communities/{COMMUNITY}/gaps", params=A).json()
    expected = [f for f in findings if f.community == COMMUNITY]
    assert page["total"] == len(expected)
    assert page["by_severity"] == {s: sum(1 for f in expected if f.severity == s)
                                   for s in sorted({f.severity for f in expected})}
    r = reader.get(f"/api/v1/streets/{STREET}/gaps", params={**A, "rule": "G11"}).json()
    assert r["items"] == [f.as_dict() for f in findings if f.street == STREET and f.rule == "G11"]


def test_gaps_reject_an_unknown_rule(reader):
    r = reader.get("/api/v1/gaps", params={"rule": "G99"})
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["loc"] == ["query", "rule", 0]


# -- streets, units, orgs, people ---------------------------------------------------


def test_streets_list_and_one_street(reader):
    assert [s["code"] for s in _all(reader, "/api/v1/streets")] == sorted(O.by_code["streets"])
    body = reader.get(f"/api/v1/streets/{STREET}", params=A).json()
    assert [c["code"] for c in body["communities"]] == sorted(
        c for c in O.by_code["communities"] if O.community_street(c) == STREET)
    assert {p["code"] for p in body["leaders_in_charge"]} == {
        li["person"] for li in O.rows["liaisons"]
        if li["kind"] == "street_charge" and li["target"] == STREET}
    assert body["coverage"]["street"] == STREET


def test_one_unit_with_its_party_orgs(reader):
    unit = U_ORG_UNIT = O.by_code["party_orgs"][U_ORG]["units"][0]
    body = reader.get(f"/api/v1/units/{U_ORG_UNIT}", params=A).json()
    assert body["community"]["code"] == O.by_code["units"][unit]["community"]
    assert {o["code"] for o in body["orgs"]} == {
        o["code"] for o in O.rows["party_orgs"]
        if unit in o.get("units", []) and o["kind"] in O.unit_org_kinds}
    org = next(o for o in body["orgs"] if o["code"] == U_ORG)
    assert {m["code"] for m in org["member_of"]} == set(
        O.by_code["party_orgs"][U_ORG].get("member_of", []))
    assert reader.get("/api/v1/units/NO-SUCH").status_code == 404


def test_one_party_org_with_every_post(reader):
    body = reader.get(f"/api/v1/orgs/{C_ORG}", params=A).json()
    expected = [p for p in O.rows["posts"] if p["org"] == C_ORG]
    assert sorted(p["person"]["code"] for p in body["posts"]) == sorted(
        p["person"] for p in expected)
    assert sum(p["active"] for p in body["posts"]) == sum(O.counts(p) for p in expected)
    assert {m["code"] for m in body["members"]} >= set(O.members(C_ORG))
    assert reader.get("/api/v1/orgs/NO-SUCH").status_code == 404


def test_one_person_with_their_posts(reader):
    person = sorted(O.links(C_ORG, U_ORG)[0])[0]
    body = reader.get(f"/api/v1/people/{person}", params=A).json()
    expected = [p for p in O.rows["posts"] if p["person"] == person]
    assert sorted((p["org"]["code"], p["post_type"]) for p in body["posts"]) == sorted(
        (p["org"], p["post_type"]) for p in expected)
    assert U_ORG in [o["code"] for o in body["home_orgs"]]
    assert reader.get("/api/v1/people/NO-SUCH").status_code == 404


# -- search -------------------------------------------------------------------------


def test_search_in_chinese_across_every_kind(reader):
    unit = O.by_code["units"][O.by_code["party_orgs"][U_ORG]["units"][0]]
    r = reader.get("/api/v1/search", params={"q": unit["name"]}).json()
    assert (r["items"][0]["type"], r["items"][0]["code"]) == ("Unit", unit["code"])
    for q in ("社区", "党支部", unit["name"][2:5]):
        hits = _all(reader, "/api/v1/search", q=q)
        assert {(h["type"], h["code"]) for h in hits} == O.names_containing(q), q
    kinds = {h["type"] for h in _all(reader, "/api/v1/search", q="社区", kind=["Community", "Grid"])}
    assert kinds <= {"Community", "Grid"} and kinds


def test_search_by_code_is_case_insensitive_and_exact_code_first(reader):
    r = reader.get("/api/v1/search", params={"q": U_ORG.lower()}).json()
    assert (r["items"][0]["type"], r["items"][0]["code"]) == ("PartyOrg", U_ORG)


# -- network and explorer -----------------------------------------------------------


def _phones_of_community() -> dict[str, str]:
    """Phones of the people linking the two-way pair (code -> phone)."""
    up, down = O.links(C_ORG, U_ORG)
    return {p: O.by_code["people"][p]["phone"] for p in up | down
            if O.by_code["people"][p].get("phone")}


def test_network_json_masks_phones_for_readers(api, reader, planner):
    phones = _phones_of_community()
    assert phones, "pick a pair whose people have phones"
    r = reader.get(f"/api/v1/communities/{COMMUNITY}/network", params=A)
    assert r.status_code == 200
    ids = {n["id"] for n in r.json()["nodes"]}
    assert f"Community:{COMMUNITY}" in ids and f"PartyOrg:{C_ORG}" in ids
    for p, phone in phones.items():
        assert phone not in r.text
        assert mask_phone(phone) in r.text
    before = len(api.audit_lines())
    r = planner.get(f"/api/v1/communities/{COMMUNITY}/network", params=A)
    assert all(phone in r.text for phone in phones.values())
    rec = json.loads(api.audit_lines()[before])
    assert set(phones) <= set(rec["persons"])
    assert rec["path"].startswith(f"/api/v1/communities/{COMMUNITY}/network")


def test_explorer_page_is_html_for_the_community(reader):
    r = reader.get(f"/api/v1/communities/{COMMUNITY}/explorer", params=A)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert O.by_code["communities"][COMMUNITY]["name"] in r.text
    assert not any(phone in r.text for phone in _phones_of_community().values())
    r = reader.get(f"/api/v1/streets/{STREET}/network", params=A)
    assert f"Street:{STREET}" in {n["id"] for n in r.json()["nodes"]}


# -- masking and audit ----------------------------------------------------------------


def test_readers_see_masked_phones_planners_see_them_and_are_audited(api, reader, planner):
    phones = _phones_of_community()
    url = f"/api/v1/communities/{COMMUNITY}"
    before = len(api.audit_lines())
    masked = reader.get(url, params=A)
    people = {x["person"]["code"]: x["person"]["phone"]
              for o in masked.json()["party_orgs"] for m in o["members"]
              for x in m["u_to_c"] + m["c_to_u"]}
    for p, phone in phones.items():
        assert people[p] == mask_phone(phone) != phone
        assert re.fullmatch(r"\d{3}\*{4}\d{4}|\*{4}\d{0,4}", people[p])
    assert len(api.audit_lines()) == before, "masked answers are not audited"

    shown = planner.get(url, params=A)
    people = {x["person"]["code"]: x["person"]["phone"]
              for o in shown.json()["party_orgs"] for m in o["members"]
              for x in m["u_to_c"] + m["c_to_u"]}
    for p, phone in phones.items():
        assert people[p] == phone
    lines = api.audit_lines()
    assert len(lines) == before + 1
    rec = json.loads(lines[-1])
    assert rec["role"] == "planner" and rec["token_name"] == "规划科"
    assert rec["method"] == "GET" and rec["path"].startswith(url)
    assert set(phones) <= set(rec["persons"])
    audit_text = (api.home / "audit.jsonl").read_text(encoding="utf-8")
    assert not any(phone in audit_text for phone in phones.values())


def test_admin_lists_the_audit_newest_first(api, planner):
    admin = api.client("admin")
    person = sorted(_phones_of_community())[0]
    planner.get(f"/api/v1/people/{person}", params=A)
    page = admin.get("/api/v1/audit", params={"limit": 1}).json()
    assert page["total"] == len(api.audit_lines())
    assert page["items"][0]["persons"] == [person]
    assert api.client("reader").get("/api/v1/audit").status_code == 403
    assert api.client("admin", street=STREET).get("/api/v1/audit").status_code == 403


# -- street limits -----------------------------------------------------------------------


def test_a_street_token_sees_nothing_outside_its_street(api):
    inside = api.client("planner", street=STREET)
    outside = api.client("planner", street=OTHER_STREET)
    assert inside.get(f"/api/v1/communities/{COMMUNITY}", params=A).status_code == 200
    r = outside.get(f"/api/v1/communities/{COMMUNITY}", params=A)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    for url in (f"/api/v1/communities/{COMMUNITY}/gaps", f"/api/v1/communities/{COMMUNITY}/network",
                f"/api/v1/communities/{COMMUNITY}/explorer", f"/api/v1/streets/{STREET}",
                f"/api/v1/orgs/{C_ORG}", f"/api/v1/orgs/{U_ORG}"):
        assert outside.get(url, params=A).status_code == 404, url
    listed = _all(outside, "/api/v1/communities")
    assert {c["street"]["code"] for c in listed} == {OTHER_STREET}
    assert [s["code"] for s in _all(outside, "/api/v1/streets")] == [OTHER_STREET]
    assert _all(outside, "/api/v1/communities", street=STREET) == []
    gaps = _all(outside, "/api/v1/gaps", **A)
    assert gaps and all(g["street"] in (OTHER_STREET, None) for g in gaps)
    name = O.by_code["communities"][COMMUNITY]["name"]
    assert COMMUNITY not in {h["code"] for h in _all(outside, "/api/v1/search", q=name)}
    assert COMMUNITY in {h["code"] for h in _all(inside, "/api/v1/search", q=name)}


def test_a_street_token_does_not_see_people_of_other_streets(api):
    only_here = next(p for p in sorted(O.by_code["people"])
                     if O.person_streets(p) == {STREET})
    inside = api.client("reader", street=STREET)
    outside = api.client("reader", street=OTHER_STREET)
    assert inside.get(f"/api/v1/people/{only_here}").status_code == 200
    assert outside.get(f"/api/v1/people/{only_here}").status_code == 404
    # someone serving in two streets shows, to each, only that street's posts
    both = next((p for p in sorted(O.by_code["people"])
                 if {STREET, OTHER_STREET} <= O.person_streets(p)), None)
    if both is not None:
        body = inside.get(f"/api/v1/people/{both}").json()
        assert all(STREET in O.org_streets(p["org"]["code"]) for p in body["posts"])
