"""The two data sources answer every read endpoint the same way: the demo
county served from Neo4j and from its roster file, side by side, byte for
byte (as JSON), for each role and for a street-limited token."""

from __future__ import annotations

import pytest
from api_kit import AS_OF, Oracle, demo_roster, serve, write_demo

from api.source import Neo4jSource, RosterSource
from graph import store

pytestmark = pytest.mark.neo4j


def test_neo4j_and_the_roster_file_give_the_same_answers(neo4j_db, tmp_path):
    roster = demo_roster()
    o = Oracle(roster)
    store.import_roster(neo4j_db, roster)
    community = sorted(o.by_code["communities"])[3]
    street = o.community_street(community)
    c_org = o.community_orgs(community)[0]
    unit = sorted(o.by_code["units"])[5]
    person = sorted(o.by_code["people"])[10]
    a = {"as_of": AS_OF.isoformat()}
    urls = [
        ("/api/v1/communities", {"limit": 1000}),
        ("/api/v1/communities", {"street": street, "q": "社区"}),
        (f"/api/v1/communities/{community}", a),
        (f"/api/v1/communities/{community}/gaps", {**a, "limit": 1000}),
        (f"/api/v1/communities/{community}/network", a),
        ("/api/v1/streets", {}),
        (f"/api/v1/streets/{street}", a),
        (f"/api/v1/streets/{street}/gaps", {**a, "severity": "high"}),
        (f"/api/v1/units/{unit}", a),
        (f"/api/v1/orgs/{c_org}", a),
        (f"/api/v1/people/{person}", a),
        ("/api/v1/gaps", {**a, "limit": 1000}),
        ("/api/v1/gaps", {**a, "rule": ["G02", "G08"], "offset": 2, "limit": 5}),
        ("/api/v1/search", {"q": "党", "limit": 1000}),
        ("/api/v1/rules", {}),
        ("/api/v1/communities/NO-SUCH", {}),
    ]
    with serve(Neo4jSource(neo4j_db), tmp_path / "h1") as from_db, \
            serve(RosterSource(write_demo(tmp_path)), tmp_path / "h2") as from_file:
        for role, limit in (("reader", None), ("planner", None), ("reader", street)):
            c1, c2 = from_db.client(role, limit), from_file.client(role, limit)
            for url, params in urls:
                r1, r2 = c1.get(url, params=params), c2.get(url, params=params)
                assert r1.status_code == r2.status_code, (role, limit, url)
                assert r1.json() == r2.json(), (role, limit, url)
        assert len(from_db.audit_lines()) == len(from_file.audit_lines()) > 0
