"""Writer round trip (write -> read gives the same roster) and export
(graph -> roster) round trip: import -> export -> import is lossless."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest
from openpyxl import load_workbook

from graph import schema
from graph.build import roster_to_graph
from graph.errors import CobuildError
from graph.roster import Roster
from loaders import check_roster, read_roster
from loaders.export import graph_to_roster, natural_key
from loaders.writer import write_roster
from roster_kit import rich_roster


def table_values(roster):
    return {t.key: [r.values for r in roster.rows(t.key)] for t in schema.TABLES}


def graph_signature(G):
    nodes = {n: dict(d) for n, d in G.nodes(data=True)}
    edges = sorted((u, v, k, sorted(d.items())) for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges


# --------------------------------------------------------------- writer


@pytest.mark.parametrize("name", ["r.xlsx", "r_csv"])
def test_write_then_read_gives_the_same_roster(tmp_path, name):
    r = rich_roster()
    out = write_roster(r, tmp_path / name)
    back, issues = check_roster(out)
    assert issues == []
    assert table_values(back) == table_values(r)


def test_xlsx_cells_are_typed_for_planners(tmp_path):
    r = rich_roster()
    out = write_roster(r, tmp_path / "r.xlsx")
    wb = load_workbook(out)
    # Chinese sheet names; optional tables the roster has
    assert wb.sheetnames == [t.zh for t in schema.TABLES if not t.optional or t.key in r.shape()]
    streets = wb["街道"]
    assert [c.value for c in streets[1]] == ["街道编码*", "街道名称*"]
    assert streets["A2"].value == "001" and streets["A2"].data_type == "s"  # text: zeros kept
    posts = wb["任职"]
    start = posts["E2"]
    assert start.is_date and start.value.date() == dt.date(2021, 1, 4)
    assert posts["C2"].value == "书记" and posts["D2"].value == "本职"
    people = wb["人员"]
    assert people["D2"].value == "是" and people["C2"].data_type == "s"
    orgs = wb["党组织"]
    jb = next(row for row in orgs.iter_rows(values_only=True) if row[0] == "JB1")
    assert jb[4] == "U04；U05"


def test_optional_tables_written_only_when_they_hold_rows(tmp_path):
    r = Roster()
    r.add("streets", {"code": "S1", "name": "城关街道"})
    wb = load_workbook(write_roster(r, tmp_path / "r.xlsx"))
    assert wb.sheetnames == [t.zh for t in schema.TABLES if not t.optional]


def test_csv_folder_is_utf8_with_bom_and_replaces_other_names(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "units.csv").write_text("old", encoding="utf-8")
    write_roster(rich_roster(), folder)
    raw = (folder / "单位.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "县财政局".encode() in raw
    assert not (folder / "units.csv").exists()
    assert "2021-01-04" in (folder / "任职.csv").read_text(encoding="utf-8-sig")


def test_writer_leaves_no_partial_file(tmp_path, monkeypatch):
    out = tmp_path / "r.xlsx"
    out.write_bytes(b"previous")

    class Boom(Exception):
        pass

    def fail(*a, **k):
        raise Boom

    import loaders.writer

    monkeypatch.setattr(loaders.writer.os, "replace", fail)
    with pytest.raises(Boom):
        write_roster(rich_roster(), out)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_control_characters_never_reach_the_workbook(tmp_path):
    r = Roster()
    r.add("streets", {"code": "S1", "name": "城关\x0b街道\x01"})  # pasted from a word processor
    write_roster(r, tmp_path / "r.xlsx")
    back, issues = read_roster(tmp_path / "r.xlsx")
    assert back.rows("streets")[0]["name"] == "城关街道"


# --------------------------------------------------------------- export


def test_export_is_the_inverse_of_the_builder():
    G = roster_to_graph(rich_roster())
    again = roster_to_graph(graph_to_roster(G))
    assert graph_signature(again) == graph_signature(G)
    assert G.number_of_edges() > 50  # the fixture is rich enough to mean something


def test_export_rows_are_sorted_and_complete():
    exported = graph_to_roster(roster_to_graph(rich_roster()))
    assert [r["code"] for r in exported.rows("party_orgs")] == sorted(
        rich_roster().codes("party_orgs"), key=natural_key)
    jb = next(r for r in exported.rows("party_orgs") if r["code"] == "JB1")
    assert jb.values == {"code": "JB1", "name": "南门非公联合党支部", "kind": "joint_branch",
                         "units": ["U04", "U05"], "member_of": ["CC2"]}
    liaisons = {(r["person"], r["kind"], r["target"]) for r in exported.rows("liaisons")}
    assert liaisons == {("P007", "street_charge", "001"), ("P007", "community_liaison", "C02")}
    assert len(exported.rows("posts")) == len(rich_roster().rows("posts"))
    assert [r.line for r in exported.rows("posts")] == list(range(2, 2 + len(exported.rows("posts"))))


def test_import_export_import_through_files(tmp_path):
    first = rich_roster()
    write_roster(first, tmp_path / "in.xlsx")
    imported, issues = check_roster(tmp_path / "in.xlsx")
    assert issues == []
    G1 = roster_to_graph(imported)
    write_roster(graph_to_roster(G1), tmp_path / "out.xlsx")
    reimported, issues = check_roster(tmp_path / "out.xlsx")
    assert issues == []
    assert graph_signature(roster_to_graph(reimported)) == graph_signature(G1)


def test_export_of_an_empty_graph_is_an_empty_roster():
    assert list(graph_to_roster(nx.MultiDiGraph())) == []


def test_export_refuses_a_relationship_no_column_carries():
    G = roster_to_graph(rich_roster())
    G.add_edge("Street:001", "Unit:U01", key="IN", type="IN")  # a street inside a unit
    with pytest.raises(CobuildError) as info:
        graph_to_roster(G)
    assert "Street:001" in info.value.message_en


def test_export_refuses_two_values_for_a_single_column():
    G = roster_to_graph(rich_roster())
    G.add_edge("Unit:U01", "Community:C02", key="IN", type="IN")  # a unit in two communities
    with pytest.raises(CobuildError) as info:
        graph_to_roster(G)
    assert "community" in info.value.message_en
