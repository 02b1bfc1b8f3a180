"""``cobuild stats`` and ``cobuild match`` from the command line, on real
roster files (and the real Neo4j for ``--db``)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from activity_kit import AS_OF, DAY, activity
from cli.main import main
from graph.analysis.stats import FIGURES
from loaders.writer import write_roster


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def roster_file(tmp_path):
    k = activity().community("C2", "S1", name="西关社区").register("OU1", "C1", AS_OF - 10 * DAY)
    k.need("N1", "C1", AS_OF - 40 * DAY).resource("R1", "U2", AS_OF - 10 * DAY).project("J0")
    return write_roster(k.r, tmp_path / "花名册.xlsx")


def test_stats_json_shape_and_no_data_is_null(capsys, roster_file):
    code, out, _ = run(capsys, "stats", roster_file, "--as-of", AS_OF.isoformat(), "--format", "json", "-q")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == AS_OF.isoformat()
    levels = [(p["level"], p["code"]) for p in data["places"]]
    assert levels == [("community", "C1"), ("community", "C2"), ("street", "S1"), ("county", None)]
    c1 = data["places"][0]["figures"]
    assert set(c1) == {f.key for f in FIGURES}
    assert c1["unit_registration_rate"] == {"value": 0.3333, "num": 1, "den": 3}
    assert c1["part_time_members"] == {"value": 3}
    assert c1["agreement_rate"] is None and c1["meetings"] is None  # tables absent
    assert "agreement_rate" in data["unavailable"]
    assert data["places"][1]["figures"]["taken_in_rate"] is None  # C2: no unit org, den 0


def test_stats_text_says_no_data_and_scopes(capsys, roster_file):
    code, out, _ = run(capsys, "stats", roster_file, "--as-of", AS_OF.isoformat(), "--community", "C2", "-q")
    assert code == 0 and "无数据 no data" in out and "西关社区" in out and "东关社区" not in out
    code, _, err = run(capsys, "stats", roster_file, "--street", "S9", "-q")
    assert code == 2 and "S9" in err


def test_stats_xlsx_is_print_ready(capsys, roster_file, tmp_path):
    out = tmp_path / "统计表.xlsx"
    code, _, _ = run(capsys, "stats", roster_file, "--as-of", AS_OF.isoformat(), "--out", out, "-q")
    assert code == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["统计表"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$3:$3"
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4, max_row=7)]
    assert [r[1] for r in rows] == ["C1", "C2", "S1", None]
    assert rows[1][3] == "无数据"  # never 0
    assert wb["统计图"]._charts  # a chart per street
    for sheet in wb:  # every sheet prints landscape, one page wide, numbered
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert "&P" in sheet.oddFooter.center.text


def test_match_xlsx_and_json(capsys, roster_file, tmp_path):
    code, out, _ = run(capsys, "match", roster_file, "--as-of", AS_OF.isoformat(), "--format", "json", "-q")
    assert code == 0
    [p] = json.loads(out)["proposals"]
    assert (p["need"], p["resource"], p["unit"]) == ("N1", "R1", "U2") and "same community" in p["why_en"]
    path = tmp_path / "对接.xlsx"
    assert run(capsys, "match", roster_file, "--as-of", AS_OF.isoformat(), "--out", path, "-q")[0] == 0
    ws = openpyxl.load_workbook(path)["需求对接建议"]
    assert ws["A2"].value == "N1" and "同一社区" in ws["I2"].value


def test_help_is_there_for_planners(capsys):
    for cmd in ("stats", "match"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        out, _ = capsys.readouterr()
        assert "示例 Examples" in out and "--as-of" in out


@pytest.mark.neo4j
def test_stats_from_the_database(capsys, roster_file, neo4j_server, neo4j_db, monkeypatch):
    from graph import settings, store
    from loaders import load_roster

    store.import_roster(neo4j_db, load_roster(roster_file))
    code, file_out, _ = run(capsys, "stats", roster_file, "--as-of", AS_OF.isoformat(), "--format", "json", "-q")
    monkeypatch.setattr(settings, "get_settings", lambda: neo4j_server.settings)
    code, db_out, err = run(capsys, "stats", "--db", "--as-of", AS_OF.isoformat(), "--format", "json", "-q")
    assert code == 0, err
    assert json.loads(db_out) == json.loads(file_out)
    code, db_out, err = run(capsys, "match", "--db", "--as-of", AS_OF.isoformat(), "--format", "json", "-q")
    assert code == 0 and json.loads(db_out)["proposals"][0]["resource"] == "R1"
