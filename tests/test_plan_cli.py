"""``cobuild recommend``, ``forecast`` and ``whatif`` from the command line,
on real roster files."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

import loaders
from analysis_kit import AS_OF
from cli.main import main
from graph.analysis import analyze
from graph.build import roster_to_graph
from graph.report.planning import MEETING_HEADER
from loaders.writer import write_roster
from plan_kit import paper_members


def two_streets():
    k = paper_members(3)
    k.street("S2").community("C2", "S2", name="西关社区").org("OC2", "community_committee", community="C2")
    k.person("Q9").post("Q9", "OC2", "own")
    k.unit("U9", "C2").org("OU9", "unit_branch", units=["U9"], member_of=["OC2"])
    k.person("P9").post("P9", "OU9", "own")
    k.liaison("L1", "street_charge", "S2").liaison("L1", "community_liaison", "C2")
    return k


@pytest.fixture
def roster_file(tmp_path) -> Path:
    return write_roster(two_streets().r, tmp_path / "花名册.xlsx")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_recommend_text_names_people_and_reasons(capsys, roster_file):
    code, out, err = run(capsys, "recommend", roster_file, "--as-of", AS_OF.isoformat())
    assert code == 0, err
    assert "补齐方案 / Recommended appointments" in out and "最优 optimal（已证明 proven）" in out
    assert "人P1（P1）" in out and "兼职委员" in out and "Closes:" in out
    assert "校验 check: 通过 passed" in out
    assert "自检 check 通过 passed" in err


def test_recommend_meeting_sheet_is_print_ready(capsys, roster_file, tmp_path):
    out_file = tmp_path / "补齐方案.xlsx"
    code, _, err = run(capsys, "recommend", roster_file, "--as-of", AS_OF.isoformat(), "--street", "S1",
                       "--out", out_file, "-q")
    assert code == 0, err
    wb = openpyxl.load_workbook(out_file)
    ws = wb["补齐方案"]
    assert tuple(c.value for c in ws[2]) == MEETING_HEADER
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    assert len(rows) == 4  # the hand-known optimum of street S1
    assert all(r[10] is None and r[11] is None for r in rows)  # 审批意见 / 备案 left blank
    assert {r[1] for r in rows} == {"S1街道"} and all("东关社区" == r[2] for r in rows)
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$2"
    assert {"无法补齐", "校验"} <= set(wb.sheetnames)


def test_recommend_json_then_whatif_scenario(capsys, roster_file, tmp_path):
    plan_file = tmp_path / "方案.json"
    code, _, _ = run(capsys, "recommend", roster_file, "--as-of", AS_OF.isoformat(), "--out", plan_file, "-q")
    assert code == 0
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    assert {"as_of", "policy", "proposals", "unclosable", "before", "after", "optimal", "objective"} <= set(plan)
    assert plan["objective"] == len(plan["proposals"]) == 6  # 4 in S1; 2 in S2 (OU9 two-way for G06)
    code, out, err = run(capsys, "whatif", roster_file, "--as-of", AS_OF.isoformat(), "--scenario", plan_file,
                         "--format", "json", "-q")
    assert code == 0, err
    r = json.loads(out)
    assert len(r["changes"]) == 6 and r["appear"] and r["go"]
    assert r["after"]["findings_by_rule"] == plan["after"]


def test_apply_to_writes_the_whole_roster_with_the_posts(capsys, roster_file, tmp_path):
    new = tmp_path / "新花名册.xlsx"
    code, _, err = run(capsys, "recommend", roster_file, "--as-of", AS_OF.isoformat(), "--street", "S1",
                       "--apply-to", new, "--format", "json", "-q")
    assert code == 0, err
    old = loaders.load_roster(roster_file)
    r = loaders.load_roster(new)  # passes the normal check
    assert len(r.rows("posts")) == len(old.rows("posts")) + 4
    assert {row["code"] for row in r.rows("streets")} == {"S1", "S2"}  # the whole roster, not the scope
    added = [row for row in r.rows("posts") if row.values.get("start") == AS_OF]
    assert len(added) == 4 and all(row["post_type"] == "part_time" for row in added)
    after = analyze(roster_to_graph(r), AS_OF, with_structure=False, street="S1")
    assert {f.rule for f in after.findings} <= {"G04"}  # members on paper became one-way: progress


def test_recommend_budget_and_greedy(capsys, roster_file):
    code, out, _ = run(capsys, "recommend", roster_file, "--as-of", AS_OF.isoformat(), "--budget", "2",
                       "--format", "json", "-q")
    assert code == 0 and len(json.loads(out)["proposals"]) == 2
    code, out, _ = run(capsys, "recommend", roster_file, "--as-of", AS_OF.isoformat(), "--method", "greedy", "-q")
    assert code == 0 and "贪心基线 greedy baseline" in out


def test_forecast_formats(capsys, roster_file, tmp_path):
    code, out, _ = run(capsys, "forecast", roster_file, "--as-of", AS_OF.isoformat(), "--months", "3",
                       "--format", "json", "-q")
    assert code == 0
    fc = json.loads(out)
    assert len(fc["dates"]) == 4 and {c["org"] for c in fc["communities"]} == {"OC1", "OC2"}
    html = tmp_path / "预测.html"
    assert run(capsys, "forecast", roster_file, "--as-of", AS_OF.isoformat(), "--out", html, "-q")[0] == 0
    text = html.read_text(encoding="utf-8")
    assert "<table class=\"chart\">" in text and "http" not in text.split("</head>")[0].replace(
        "http-equiv", "")
    xl = tmp_path / "预测.xlsx"
    assert run(capsys, "forecast", roster_file, "--as-of", AS_OF.isoformat(), "--out", xl, "-q")[0] == 0
    assert openpyxl.load_workbook(xl).sheetnames == ["预测", "兼职与双向", "变化", "换届断崖"]


def test_whatif_command_line_changes_and_errors(capsys, roster_file):
    code, out, _ = run(capsys, "whatif", roster_file, "--as-of", AS_OF.isoformat(), "--add-post", "P1:OC1:兼职委员",
                       "--add-post", "Q1:OU1:委员", "-q")
    assert code == 0 and "消除的缺口 Findings that go" in out and "G05" in out
    code, _, err = run(capsys, "whatif", roster_file, "--add-post", "P1:OC1")
    assert code == 2 and "PERSON:ORG:ROLE" in err
    code, _, err = run(capsys, "whatif", roster_file)
    assert code == 2 and "--remove-person" in err
    code, _, err = run(capsys, "whatif", roster_file, "--remove-person", "NOBODY", "-q")
    assert code == 2 and "NOBODY" in err


def test_refusals(capsys, roster_file, tmp_path):
    code, _, err = run(capsys, "recommend", roster_file, "--format", "xlsx")
    assert code == 2 and "--out" in err
    existing = tmp_path / "x.json"
    existing.write_text("{}")
    code, _, err = run(capsys, "recommend", roster_file, "--out", existing)
    assert code == 2 and "--force" in err and existing.read_text() == "{}"
    bad = tmp_path / "bad.xlsx"
    k = paper_members(1)
    k.post("NOBODY", "OC1")
    write_roster(k.r, bad)
    assert run(capsys, "recommend", bad)[0] == 1


@pytest.mark.parametrize("cmd", ["recommend", "forecast", "whatif"])
def test_help_has_examples(capsys, cmd):
    with pytest.raises(SystemExit):
        main([cmd, "--help"])
    out = capsys.readouterr().out
    assert "示例 Examples" in out and "--as-of" in out
