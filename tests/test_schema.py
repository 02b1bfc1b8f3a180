"""The domain declaration checks itself, and a tiny roster becomes the expected graph."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from graph import schema
from graph.build import roster_to_graph
from graph.roster import Roster

SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
LABEL = re.compile(r"^[A-Z][A-Za-z]*$")
REL_TYPE = re.compile(r"^[A-Z][A-Z_]*$")


def _labels_of(tables) -> set[str]:
    return {schema.label_of_table(t) for t in tables}


# ------------------------------------------------------------------ value sets


@pytest.mark.parametrize("vs", schema.VALUE_SETS, ids=lambda v: v.key)
def test_value_set_is_well_formed(vs: schema.ValueSet) -> None:
    assert vs.members, "a value set needs members"
    codes = [m.code for m in vs.members]
    zhs = [m.zh for m in vs.members]
    assert len(set(codes)) == len(codes) and len(set(zhs)) == len(zhs)
    assert all(SNAKE.match(c) for c in codes)
    assert all(m.zh and m.en for m in vs.members)
    for m in vs.members:  # a planner's word and the stored code both find the member
        assert vs.lookup(m.zh) == m and vs.lookup(m.code.upper()) == m
    assert vs.lookup("不存在的值") is None


def test_value_set_keys_unique_and_used() -> None:
    keys = [vs.key for vs in schema.VALUE_SETS]
    assert len(set(keys)) == len(keys)
    used = {c.value_set.key for t in schema.TABLES for c in t.columns if c.value_set}
    assert used == set(keys)


def test_org_kind_groups_are_org_kinds_and_disjoint() -> None:
    groups = [schema.COMMUNITY_ORG_KINDS, schema.UNIT_ORG_KINDS, schema.GRID_ORG_KINDS,
              schema.STREET_ORG_KINDS]
    for g in groups:
        assert g and g <= set(schema.ORG_KIND.codes)
    for i, a in enumerate(groups):
        for b in groups[i + 1:]:
            assert not a & b


# ------------------------------------------------------------------ tables and columns


def test_tables_unique() -> None:
    keys = [t.key for t in schema.TABLES]
    zhs = [t.zh for t in schema.TABLES]
    assert len(set(keys)) == len(keys) and len(set(zhs)) == len(zhs)
    files = [f for t in schema.TABLES for f in t.file_names]
    assert len(set(files)) == len(files)


@pytest.mark.parametrize("t", schema.TABLES, ids=lambda t: t.key)
def test_table_columns_resolve(t: schema.Table) -> None:
    keys = [c.key for c in t.columns]
    headers = [c.zh for c in t.columns]
    assert len(set(keys)) == len(keys) and len(set(headers)) == len(headers)
    assert all(SNAKE.match(k) for k in keys)
    assert t.required_columns, "every table has a required column"
    for c in t.columns:
        for ref in c.ref:
            assert ref in schema.TABLES_BY_KEY, f"{t.key}.{c.key} -> {ref}"
            assert schema.TABLES_BY_KEY[ref].node, f"{t.key}.{c.key} refs a node table"
        if c.type == "enum":
            assert c.value_set in schema.VALUE_SETS
        else:
            assert c.value_set is None
        if c.rel and t.edge:  # a relationship table's extra reference: a derived relationship
            rk = schema.rel_kind(c.rel)
            assert rk.derived and c.type == "ref", f"{t.key}.{c.key}: derived rel"
            assert c.key in t.edge.properties, "the row's own relationship keeps the value"
            assert _labels_of(t.column(t.edge.source).ref) <= set(rk.sources)
            assert _labels_of(c.ref) <= set(rk.targets), f"{c.rel} targets"
        elif c.rel:  # a node table's reference column becomes this relationship
            rk = schema.rel_kind(c.rel)
            assert not rk.derived
            assert t.node in rk.sources, f"{c.rel} does not allow {t.node} as source"
            assert _labels_of(c.ref) <= set(rk.targets), f"{c.rel} targets"
        elif t.node:
            assert c.type not in ("ref", "refs"), f"{t.key}.{c.key}: ref without rel"


@pytest.mark.parametrize("t", [t for t in schema.TABLES if t.node], ids=lambda t: t.key)
def test_node_table_identity(t: schema.Table) -> None:
    code = t.column("code")
    assert code.type == "code" and code.required
    nk = schema.node_kind(t.node)
    assert nk.table == t.key
    name = t.column(nk.name_key)
    assert name.required and name.type in ("text", "code")  # agreements, meetings: their code
    assert "code" in nk.properties and nk.name_key in nk.properties
    assert not any(t.column(p).type in ("ref", "refs") for p in nk.properties)


@pytest.mark.parametrize("t", [t for t in schema.TABLES if t.edge], ids=lambda t: t.key)
def test_edge_table_spec(t: schema.Table) -> None:
    e = t.edge
    src, dst = t.column(e.source), t.column(e.target)
    assert src.type == "ref" and dst.type == "ref" and src.required and dst.required
    if isinstance(e.rel, str):
        rels = {e.rel}
        assert e.rel_by is None and not e.target_by
    else:  # the enum decides: every value maps to exactly one type and target table
        by = t.column(e.rel_by)
        assert by.type == "enum" and by.required
        assert [k for k, _ in e.rel] == list(by.value_set.codes)
        rels = {r for _, r in e.rel}
        if e.target_by:
            assert [k for k, _ in e.target_by] == list(by.value_set.codes)
            assert {tb for _, tb in e.target_by} <= set(dst.ref)
    for rel in rels:
        rk = schema.rel_kind(rel)
        assert _labels_of(src.ref) <= set(rk.sources)
        assert set(rk.properties) == set(e.properties)
    targets = set().union(*(schema.rel_kind(r).targets for r in rels))
    assert _labels_of(dst.ref) <= targets
    for p in e.properties:
        t.column(p)  # every property is a column of the table


# ------------------------------------------------------------------ labels and types


def test_labels_and_types_unique_and_safe() -> None:
    labels = [k.label for k in schema.NODE_KINDS]
    types = [r.type for r in schema.REL_KINDS]
    assert len(set(labels)) == len(labels) and len(set(types)) == len(types)
    assert all(LABEL.match(x) for x in labels + list(schema.META_LABELS))
    assert all(REL_TYPE.match(x) for x in types)
    assert not set(schema.META_LABELS) & set(labels)
    assert {t.node for t in schema.TABLES if t.node} == set(labels)
    assert len({k.zh for k in schema.NODE_KINDS}) == len(labels)
    assert len({k.color for k in schema.NODE_KINDS}) == len(labels)  # a legend tells them apart


def test_every_rel_kind_is_produced_and_joins_known_labels() -> None:
    produced = {c.rel for t in schema.TABLES for c in t.columns if c.rel}
    for t in schema.TABLES:
        if t.edge:
            produced |= {t.edge.rel} if isinstance(t.edge.rel, str) else {r for _, r in t.edge.rel}
    assert produced == set(schema.REL_KINDS_BY_TYPE)
    for rk in schema.REL_KINDS:
        assert rk.sources and rk.targets
        assert set(rk.sources) | set(rk.targets) <= set(schema.NODE_KINDS_BY_LABEL)


def test_node_id_and_edge_key() -> None:
    assert schema.node_id("Unit", "007") == "Unit:007"
    assert schema.split_node_id("Unit:007") == ("Unit", "007")
    with pytest.raises(ValueError):
        schema.node_id("Nope", "1")
    assert schema.edge_key("IN") == "IN"
    a = schema.edge_key("HOLDS", {"role": "secretary", "post_type": "own",
                                  "start": dt.date(2024, 1, 1)})
    b = schema.edge_key("HOLDS", {"role": "part_time_member", "post_type": "part_time",
                                  "start": dt.date(2024, 1, 1)})
    assert a != b and a.startswith("HOLDS|") and "2024-01-01" in a
    ended = schema.edge_key("HOLDS", {"role": "secretary", "post_type": "own",
                                      "start": dt.date(2024, 1, 1), "end": dt.date(2025, 1, 1)})
    assert ended == a  # an end date changes a post, it does not make another


# ------------------------------------------------------------------ roster_to_graph


@pytest.fixture
def tiny() -> Roster:
    r = Roster()
    r.add("streets", {"code": "S1", "name": "城关街道"})
    r.add("streets", {"code": "T1", "name": "同码街道"})
    r.add("communities", {"code": "C1", "name": "东关社区", "street": "S1"})
    r.add("communities", {"code": "T1", "name": "同码社区", "street": "S1"})
    r.add("units", {"code": "U1", "name": "县财政局", "kind": "agency", "community": "C1"})
    r.add("party_orgs", {"code": "CC1", "name": "东关社区党委", "kind": "community_committee",
                         "community": "C1"})
    r.add("party_orgs", {"code": "UO1", "name": "县财政局党支部", "kind": "unit_branch",
                         "units": ["U1"], "member_of": ["CC1"], "parent": "NOPE"})
    r.add("people", {"code": "P1", "name": "王芳", "phone": "13812341234", "party_member": True})
    r.add("people", {"code": "P2", "name": "李强"})
    start = dt.date(2024, 3, 1)
    r.add("posts", {"person": "P1", "org": "CC1", "role": "part_time_member",
                    "post_type": "part_time", "start": start})
    r.add("posts", {"person": "P1", "org": "CC1", "role": "书记处顾问",  # free-text role
                    "post_type": "part_time", "start": start})
    r.add("liaisons", {"person": "P2", "kind": "street_charge", "target": "T1"})
    r.add("liaisons", {"person": "P2", "kind": "community_liaison", "target": "T1"})
    return r


def test_roster_to_graph_nodes(tiny: Roster) -> None:
    G = roster_to_graph(tiny)
    assert set(G.nodes) == {"Street:S1", "Street:T1", "Community:C1", "Community:T1",
                            "Unit:U1", "PartyOrg:CC1", "PartyOrg:UO1", "Person:P1", "Person:P2"}
    p1 = G.nodes["Person:P1"]
    assert p1 == {"label": "Person", "code": "P1", "name": "王芳", "phone": "13812341234",
                  "party_member": True}
    assert "phone" not in G.nodes["Person:P2"]  # absent values are left out, never None
    assert G.nodes["Unit:U1"]["kind"] == "agency"


def test_roster_to_graph_edges(tiny: Roster) -> None:
    G = roster_to_graph(tiny)
    edges = {(u, v, k) for u, v, k in G.edges(keys=True)}
    assert ("Community:C1", "Street:S1", "IN") in edges
    assert ("Unit:U1", "Community:C1", "IN") in edges
    assert ("PartyOrg:UO1", "Unit:U1", "BELONGS_TO") in edges
    assert ("PartyOrg:CC1", "Community:C1", "BELONGS_TO") in edges
    assert ("PartyOrg:UO1", "PartyOrg:CC1", "MEMBER_OF") in edges
    # an unknown reference makes no edge and no node (the validator reports it)
    assert not any(k == "UNDER" for _, _, k in edges)
    for u, v, k, d in G.edges(keys=True, data=True):
        assert d["type"] == k.split("|")[0]


def test_two_posts_of_one_person_are_two_edges(tiny: Roster) -> None:
    G = roster_to_graph(tiny)
    posts = G.get_edge_data("Person:P1", "PartyOrg:CC1")
    assert len(posts) == 2
    roles = sorted(d["role"] for d in posts.values())
    assert roles == ["part_time_member", "书记处顾问"]
    for key, d in posts.items():
        assert d["type"] == "HOLDS" and d["post_type"] == "part_time"
        assert d["start"] == dt.date(2024, 3, 1)
        assert key == schema.edge_key("HOLDS", d)


def test_liaison_kind_chooses_type_and_target(tiny: Roster) -> None:
    # street T1 and community T1 share a code: the liaison's kind decides
    G = roster_to_graph(tiny)
    out = {(v, k) for _, v, k in G.out_edges("Person:P2", keys=True)}
    assert out == {("Street:T1", "IN_CHARGE_OF"), ("Community:T1", "LIAISES_WITH")}


def test_empty_roster_is_empty_graph() -> None:
    G = roster_to_graph(Roster())
    assert G.number_of_nodes() == 0 and G.number_of_edges() == 0


def test_date_properties_are_the_dates_the_graph_holds() -> None:
    """The store reads exactly these back as dates: every date in a built
    graph (the demo county has every table) is under a declared key, and
    every declared key holds a date somewhere."""
    from loaders.demo import generate

    G = roster_to_graph(generate(seed=7, scale=0.3, as_of=dt.date(2025, 6, 30)))
    found: dict[str, set[str]] = {}
    items = [(d["label"], d) for _, d in G.nodes(data=True)]
    items += [(d["type"], d) for _, _, d in G.edges(data=True)]
    for kind, attrs in items:
        found.setdefault(kind, set()).update(k for k, v in attrs.items() if isinstance(v, dt.date))
    for kind, dates in schema.DATE_PROPERTIES.items():
        assert found.get(kind, set()) == set(dates), kind
