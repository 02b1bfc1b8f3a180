"""``cobuild check | template | export``: exit codes, reports, files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from graph import schema
from graph.build import roster_to_graph
from loaders import check_roster
from loaders.writer import write_roster
from cli.main import main
from roster_kit import rich_roster, roster_sheets, write_thirty_defects, write_xlsx


def test_check_clean_roster_exits_0(tmp_path, capsys):
    path = write_roster(rich_roster(), tmp_path / "r.xlsx")
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0 个错误" in out and "0 error(s)" in out and "ready to import" in out


def test_check_warnings_only_exits_0(tmp_path, capsys):
    sheets = roster_sheets(rich_roster())
    sheets["街道"][0].append("备注")
    assert main(["check", str(write_xlsx(tmp_path / "r.xlsx", sheets))]) == 0
    out = capsys.readouterr().out
    assert "警告 warning" in out and "1 warning(s)" in out and "备注" in out


def test_check_report_groups_errors_by_table(tmp_path, capsys):
    planted = write_thirty_defects(tmp_path / "bad.xlsx")
    assert main(["check", str(tmp_path / "bad.xlsx")]) == 1
    out = capsys.readouterr().out
    assert f"共 {len(planted)} 个错误" in out and f"{len(planted)} error(s)" in out
    headings = [line for line in out.splitlines() if line.startswith("== ")]
    tables = [h.split()[1] for h in headings]
    assert tables == [t.zh for t in schema.TABLES if any(p[0] == t.key for p in planted)]
    assert "第 4 行 row 4 [街道名称]" in out  # row as in Excel, Chinese column
    assert "unknown code '009'" in out


def test_check_json(tmp_path, capsys):
    planted = write_thirty_defects(tmp_path / "bad.xlsx")
    assert main(["check", str(tmp_path / "bad.xlsx"), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False and report["errors"] == len(planted)
    assert report["counts"]["streets"] == 4
    first = report["issues"][0]
    assert set(first) >= {"table", "line", "column", "value", "message_zh", "message_en",
                          "severity", "code"}


def test_check_not_a_roster_exits_2_with_one_message(tmp_path, capsys):
    p = tmp_path / "photo.xlsx"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    assert main(["check", str(p)]) == 2
    err = capsys.readouterr().err
    assert "PNG" in err and "Traceback" not in err
    assert main(["check", str(p), "--format", "json"]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["not_a_roster"] is True and "PNG" in report["message_en"]


def test_check_as_a_subprocess(tmp_path):
    write_thirty_defects(tmp_path / "bad.xlsx")
    done = subprocess.run([sys.executable, "-m", "cli.main", "check", str(tmp_path / "bad.xlsx")],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "30 error(s)" in done.stdout


def test_template_command(tmp_path, capsys):
    out = tmp_path / "模板.xlsx"
    assert main(["template", str(out)]) == 0
    assert check_roster(out)[1] == []
    assert main(["template", str(out)]) == 2  # does not overwrite a (maybe filled) roster
    assert "--force" in capsys.readouterr().err
    assert main(["template", str(out), "--force"]) == 0


def test_help_texts_are_bilingual(capsys):
    for cmd in ("check", "template", "export"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        text = capsys.readouterr().out
        assert "例 example" in text
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "UNMASKED" in capsys.readouterr().out


@pytest.mark.neo4j
def test_export_command_round_trips_the_stored_roster(neo4j_db, tmp_path, capsys):
    from graph.store import import_roster

    roster = rich_roster()
    import_roster(neo4j_db, roster)
    out = tmp_path / "导出.xlsx"
    assert main(["export", str(out)]) == 0
    assert "0600" in capsys.readouterr().out
    back, issues = check_roster(out)
    assert issues == []
    G, H = roster_to_graph(roster), roster_to_graph(back)
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert sorted(H.edges(keys=True, data=True), key=str) == sorted(G.edges(keys=True, data=True), key=str)
    assert any(r.get("phone") == "13812341234" for r in back.rows("people"))  # planner's own export


@pytest.mark.neo4j
def test_export_one_street(neo4j_db, tmp_path):
    from graph.store import import_roster

    import_roster(neo4j_db, rich_roster())
    out = tmp_path / "城关.xlsx"
    assert main(["export", str(out), "--street", "002"]) == 0
    back, issues = check_roster(out)
    assert issues == []  # a roster of its own: every code it names is in it
    assert "002" in back.codes("streets") and "C02" in back.codes("communities")
    # of street 001 only what places the units street 002 works with: project
    # PR1 of C02 uses resource R01 of the hospital U02, which lies in C01
    assert "U02" in back.codes("units")
    assert not {"G01", "U01"} & (back.codes("grids") | back.codes("units"))
    assert not {"CC1", "SC1", "GB1"} & back.codes("party_orgs")
