"""Roster format version 2 (roster-format-v2.md): the activity tables and
columns read, validated, written, templated, exported and stored exactly as
version 1 -- and a version-1 roster stays what it was."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from openpyxl import load_workbook

from graph import schema, store
from graph.analysis import analyze
from graph.build import roster_to_graph
from graph.errors import RosterError
from graph.scope import subgraph
from loaders import check_roster, load_roster
from loaders.cells import CellError, parse_cell
from loaders.export import graph_to_roster
from loaders.template import HEADER_ROW, write_template
from loaders.writer import write_roster
from roster_kit import rich_roster, rich_roster_v2, roster_sheets, row_of, write_csvs, write_xlsx

D = dt.date
V2_TABLES = ("services", "agreements", "meetings")


def values(roster):
    return {t.key: [r.values for r in roster.rows(t.key)] for t in schema.TABLES}


# --- cells ----------------------------------------------------------------------------

@pytest.mark.parametrize("raw,want", [("满意", 5), ("基本满意", 3), ("不满意", 1), ("4", 4), (2.0, 2),
                                      ("５", 5)])
def test_rating_words_and_numbers(raw, want):
    assert parse_cell(schema.table("projects").column("rating"), raw) == want


@pytest.mark.parametrize("table,column,raw,code", [
    ("projects", "rating", "很好", "bad_rating"), ("projects", "rating", 6, "bad_rating"),
    ("projects", "rating", "4.5", "bad_rating"), ("services", "hours", "-1", "bad_number"),
    ("services", "hours", "两小时", "bad_number"), ("party_orgs", "member_count", "2.5", "bad_number"),
    ("party_orgs", "member_count", -3, "bad_number")])
def test_out_of_range_values_are_cell_errors(table, column, raw, code):
    with pytest.raises(CellError) as e:
        parse_cell(schema.table(table).column(column), raw)
    assert e.value.code == code and e.value.message_zh and e.value.message_en


# --- reading and validation ----------------------------------------------------------

@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_v2_roster_round_trips_through_the_writer(tmp_path, form):
    r = rich_roster_v2()
    out = write_roster(r, tmp_path / ("r.xlsx" if form == "xlsx" else "r"))
    back, issues = check_roster(out)
    assert issues == []
    assert values(back) == values(r)
    assert back.shape() == r.shape()
    assert roster_to_graph(back).graph["columns"] == roster_to_graph(r).graph["columns"]


def test_v1_roster_is_written_without_v2_columns_and_reads_back_as_v1(tmp_path):
    back, issues = check_roster(write_roster(rich_roster(), tmp_path / "r.xlsx"))
    assert issues == []
    shape = back.shape()
    assert not set(V2_TABLES) & set(shape)
    for t in schema.TABLES:
        assert not {c.key for c in t.columns if c.version == 2} & set(shape.get(t.key, ()))
    assert len(analyze(roster_to_graph(back), D(2024, 6, 30)).not_checked) == 8  # G15 reads v1 双报到


def test_every_v2_error_at_once_with_table_row_column_value(tmp_path):
    sheets = roster_sheets(rich_roster_v2())
    sheets["项目清单"].append(row_of("projects", code="PR9", title="坏项目", start="2024-05-01",
                                     end="2024-04-01", rating="很好", lead="X99"))
    sheets["服务记录"].append(row_of("services", subject="P001", community="C01", date="2024-13-01",
                                     hours="-2"))
    sheets["共建协议"].append(row_of("agreements", code="A09", unit_org="CC1", community_org="UO1",
                                     start="2024-06-01", end="2024-05-01"))
    sheets["联席会议"].append(row_of("meetings", code="M09", org="UO1", date="2024-06-01",
                                     attendees="UO1；X77"))
    sheets["党组织"][1][schema.table("party_orgs").columns.index(
        schema.table("party_orgs").column("member_count"))] = "2.5"
    sheets["需求清单"].append(row_of("needs", code="N09", title="x", community="C01", status="已办结"))
    path = write_xlsx(tmp_path / "bad.xlsx", sheets)
    _, issues = check_roster(path)
    got = {(i.table.split()[1], i.line, i.column, i.code) for i in issues if i.severity == "error"}
    want = {
        ("projects", 5, "完成日期", "end_before_start"), ("projects", 5, "评价", "bad_rating"),
        ("projects", 5, "牵头主体", "unknown_ref"),
        ("services", 5, "服务日期", "bad_date"), ("services", 5, "时长", "bad_number"),
        ("agreements", 4, "到期日期", "end_before_start"),
        ("agreements", 4, "单位党组织", "wrong_org_kind"), ("agreements", 4, "社区党组织", "wrong_org_kind"),
        ("meetings", 4, "召集党组织", "wrong_org_kind"), ("meetings", 4, "参会党组织", "unknown_ref"),
        ("party_orgs", 2, "党员人数", "bad_number"), ("needs", 5, "状态", "bad_value"),
    }
    assert got == want, (got - want, want - got)
    for i in issues:
        assert i.message_zh and i.message_en and i.line
    bad_hours = next(i for i in issues if i.code == "bad_number" and i.column == "时长")
    assert bad_hours.value == "-2"
    with pytest.raises(RosterError) as e:
        load_roster(path)
    assert len([i for i in e.value.issues if i.severity == "error"]) == len(want)


def test_a_done_need_without_project_is_a_warning(tmp_path):
    r = rich_roster_v2()
    r.rows("needs")[2].values["status"] = "done"
    from loaders import validate
    [w] = [i for i in validate(r) if i.code == "done_need_without_project"]
    assert w.severity == "warning" and (w.table, w.column) == ("需求清单 needs", "状态")


# --- template ------------------------------------------------------------------------

def test_template_has_the_v2_sheets_with_drop_downs(tmp_path):
    path = write_template(tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    for key in V2_TABLES:
        assert schema.table(key).zh in wb.sheetnames
    def lists(sheet):
        return {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb[sheet].data_validations.dataValidation}
    needs = lists("需求清单")
    cols = [c.key for c in schema.table("needs").columns]
    letter = lambda key, cols=cols: chr(ord("A") + cols.index(key))  # noqa: E731
    assert "场地" in needs[f"{letter('category')}{HEADER_ROW + 1}"]
    assert needs[f"{letter('status')}{HEADER_ROW + 1}"] == '"待认领,已认领,已完成"'
    services = lists("服务记录")
    scols = [c.key for c in schema.table("services").columns]
    assert services[f"{chr(ord('A') + scols.index('rating'))}{HEADER_ROW + 1}"].startswith('"满意,基本满意,不满意,5')
    roster, issues = check_roster(path)
    assert issues == []
    assert set(V2_TABLES) <= set(roster.shape())  # the template has every table


# --- export --------------------------------------------------------------------------

def test_export_gives_back_the_v2_roster_and_its_shape():
    r = rich_roster_v2()
    G = roster_to_graph(r)
    back = graph_to_roster(G)
    assert back.shape() == r.shape()
    H = roster_to_graph(back)
    assert H.graph == G.graph
    assert set(H.edges(keys=True)) == set(G.edges(keys=True))
    assert {n: d for n, d in H.nodes(data=True)} == {n: d for n, d in G.nodes(data=True)}
    # the registration's 所在党组织 is a property of its row and a relationship the scope walk follows
    assert G.has_edge("Person:P003", "PartyOrg:UO2", "REGISTERED_FROM|2023-09-01")
    assert G.edges["Person:P003", "Community:C02", "REGISTERED_WITH|2023-09-01"]["home_org"] == "UO2"


# --- v2 tables never change a G01-G14 finding ---------------------------------------------

def strip_v2(roster):
    """The same roster as version 1: no v2 table, no v2 column."""
    import copy
    r = copy.deepcopy(roster)
    for key in V2_TABLES:
        r.tables.pop(key, None)
    v2 = {(t.key, c.key) for t in schema.TABLES for c in t.columns if c.version == 2}
    for t in list(r.tables):
        for row in r.rows(t):
            row.values = {k: v for k, v in row.values.items() if (t, k) not in v2}
    r.columns = {}
    return r


def test_activity_tables_never_change_a_g01_g14_finding_on_the_demo():
    from loaders.demo import generate

    as_of = D(2025, 6, 30)
    full = generate(seed=2024, scale=1, as_of=as_of)
    v1 = strip_v2(full)
    a = analyze(roster_to_graph(full), as_of, with_structure=False)
    b = analyze(roster_to_graph(v1), as_of, with_structure=False)
    old = [f for f in a.findings if f.rule <= "G14"]
    assert old == [f for f in b.findings if f.rule <= "G14"]
    assert {f.rule for f in a.findings} - {f.rule for f in b.findings} >= {f"G{i}" for i in range(16, 24)}
    assert Counter(e["rule"] for e in b.not_checked) == Counter(f"G{i}" for i in range(16, 24))


# --- the Neo4j store ---------------------------------------------------------------------

def test_store_round_trip_keeps_the_v2_graph_and_its_shape(neo4j_db):
    r = rich_roster_v2()
    store.import_roster(neo4j_db, r)
    G = roster_to_graph(r)
    H = store.load_graph(neo4j_db)
    assert H.graph == G.graph
    assert {n: d for n, d in H.nodes(data=True)} == {n: d for n, d in G.nodes(data=True)}
    assert {(u, v, k): d for u, v, k, d in H.edges(keys=True, data=True)} == {
        (u, v, k): d for u, v, k, d in G.edges(keys=True, data=True)}
    for scope in ({"street": "001"}, {"community": "C02"}):
        want = subgraph(G, **scope)
        got = store.load_graph(neo4j_db, **scope)
        assert got.graph == want.graph and set(got.edges(keys=True)) == set(want.edges(keys=True))
    assert store.import_roster(neo4j_db, r).plan.is_empty  # importing twice changes nothing


def test_a_table_absent_stays_not_checked_after_the_store(neo4j_db):
    r = rich_roster()
    store.import_roster(neo4j_db, r)
    as_of = D(2024, 6, 30)
    from_db = analyze(store.load_graph(neo4j_db), as_of, with_structure=False)
    direct = analyze(roster_to_graph(r), as_of, with_structure=False)
    assert from_db.not_checked == direct.not_checked and len(direct.not_checked) == 8
    assert [f.as_dict() for f in from_db.findings] == [f.as_dict() for f in direct.findings]
    # a v2 import of the same streets replaces the shape
    store.import_roster(neo4j_db, rich_roster_v2())
    assert analyze(store.load_graph(neo4j_db), as_of, with_structure=False).not_checked == []


def test_streets_with_different_rosters_check_only_what_all_had():
    assert store.combine_shapes([{"meetings": ["code", "org", "date", "attendees"]},
                                 {"meetings": ["code", "org", "date"]}]) == {
        "meetings": ["code", "org", "date"]}
