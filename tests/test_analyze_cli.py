"""``cobuild analyze`` and ``cobuild demo`` from the command line, on real
roster files (and the real Neo4j for ``--db``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from analysis_kit import AS_OF, gappy, perfect
from cli.main import main
from graph.analysis import analyze
from graph.analysis.policy import example_toml
from graph.build import roster_to_graph
from loaders.writer import write_roster

PHONE = "13812341234"


@pytest.fixture
def roster_file(tmp_path) -> Path:
    return write_roster(gappy().r, tmp_path / "花名册.xlsx")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report_on_screen(capsys, roster_file):
    code, out, err = run(capsys, "analyze", roster_file, "--as-of", AS_OF.isoformat())
    assert code == 0
    assert "共驻共建缺口分析报告" in out and "西关社区党委" in out and "G02 未纳入大党委" in out
    assert "indexing" in err  # progress on stderr
    assert PHONE not in out and PHONE[-4:] not in out


def test_json_is_the_analysis_of_the_same_roster(capsys, roster_file):
    code, out, _ = run(capsys, "analyze", roster_file, "--as-of", "2024-06-30", "--format", "json", "-q")
    assert code == 0
    expected = analyze(roster_to_graph(gappy().r), AS_OF).as_dict()
    assert json.loads(out) == json.loads(json.dumps(expected, ensure_ascii=False))


def test_csv_folder_and_scope(capsys, tmp_path):
    folder = write_roster(gappy().r, tmp_path / "csv")
    code, out, _ = run(capsys, "analyze", folder, "--as-of", "2024-06-30", "--community", "C1",
                       "--format", "json", "-q")
    d = json.loads(out)
    assert code == 0 and d["findings"] and {f["community"] for f in d["findings"]} == {"C1"}
    assert d["scope"] == {"street": None, "community": "C1"}


def test_formats_from_out_suffix_and_files_written(capsys, tmp_path, roster_file):
    for suffix in ("xlsx", "html", "json", "txt"):
        out_file = tmp_path / f"report.{suffix}"
        code, out, err = run(capsys, "analyze", roster_file, "--as-of", "2024-06-30", "--out", out_file)
        assert code == 0 and out == "" and "findings" in err and out_file.exists()
    wb = openpyxl.load_workbook(tmp_path / "report.xlsx")
    assert wb.sheetnames == ["说明", "图表", "缺口", "社区覆盖", "街道覆盖", "结构", "统计表", "统计图"]
    json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_no_phone_in_any_format(capsys, tmp_path, roster_file):
    for fmt in ("text", "json", "html", "xlsx"):
        out_file = tmp_path / f"r.{fmt}"
        assert run(capsys, "analyze", roster_file, "--format", fmt, "--out", out_file, "-q")[0] == 0
        data = out_file.read_bytes()
        if fmt == "xlsx":
            wb = openpyxl.load_workbook(out_file)
            data = "".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row).encode()
        assert PHONE.encode() not in data, fmt


def test_invalid_roster_exit_1_with_report(capsys, tmp_path):
    k = perfect()
    k.r.add("posts", {"person": "NOBODY", "org": "OC1", "role": "part_time_member", "post_type": "part_time"})
    path = write_roster(k.r, tmp_path / "bad.xlsx")
    code, out, err = run(capsys, "analyze", path)
    assert code == 1 and "NOBODY" in err and "invalid" in err and out == ""


@pytest.mark.parametrize("argv, words", [
    (["--policy", "{policy}"], ["rules.G01.min_part_time_members"]),
    (["--format", "xlsx"], ["--out"]),
    (["--community", "C99"], ["C99"]),
])
def test_other_errors_exit_2_bilingual(capsys, tmp_path, roster_file, argv, words):
    policy = tmp_path / "p.toml"
    policy.write_text("[rules.G01]\nmin_part_time_members = -2\n", encoding="utf-8")
    argv = [a.replace("{policy}", str(policy)) for a in argv]
    code, out, err = run(capsys, "analyze", roster_file, *argv)
    assert code == 2 and out == ""
    assert "错误 error" in err and all(w in err for w in words)


def test_not_a_roster_and_missing_file(capsys, tmp_path):
    fake = tmp_path / "photo.xlsx"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n not a workbook")
    assert run(capsys, "analyze", fake)[0] == 2
    code, _, err = run(capsys, "analyze", tmp_path / "nothing.xlsx")
    assert code == 2 and "nothing.xlsx" in err


def test_policy_switches_a_rule_off(capsys, tmp_path, roster_file):
    policy = tmp_path / "p.toml"
    policy.write_text("[rules.G02]\nenabled = false\n", encoding="utf-8")
    code, out, _ = run(capsys, "analyze", roster_file, "--as-of", "2024-06-30", "--policy", policy,
                       "--format", "json", "-q")
    d = json.loads(out)
    assert code == 0 and not [f for f in d["findings"] if f["rule"] == "G02"]
    assert d["policy"]["source"] == str(policy)


def test_print_policy(capsys):
    code, out, _ = run(capsys, "analyze", "--print-policy")
    assert code == 0 and out == example_toml()


def test_console_script_help():
    exe = Path(sys.executable).with_name("cobuild")
    r = subprocess.run([str(exe), "analyze", "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "--as-of" in r.stdout and "分析日期" in r.stdout


@pytest.mark.neo4j
def test_analysis_from_neo4j_equals_analysis_from_the_roster_file(capsys, monkeypatch, neo4j_server,
                                                                 neo4j_db, roster_file):
    import loaders
    from graph import settings, store

    roster = loaders.load_roster(roster_file)
    store.import_roster(neo4j_db, roster)
    from_file = analyze(roster_to_graph(roster), AS_OF).as_dict()
    from_db = analyze(store.load_graph(neo4j_db), AS_OF).as_dict()
    assert from_db == from_file
    monkeypatch.setattr(settings, "get_settings", lambda: neo4j_server.settings)
    code, out, _ = run(capsys, "analyze", "--db", "--as-of", "2024-06-30", "--format", "json", "-q")
    assert code == 0 and json.loads(out) == json.loads(json.dumps(from_file, ensure_ascii=False))


def test_demo_writes_everything_into_one_folder(capsys, tmp_path):
    out_dir = tmp_path / "演示"
    code, out, err = run(capsys, "demo", "--out", out_dir, "--as-of", "2025-06-30", "--seed", "7")
    assert code == 0, err
    for name in ("roster.xlsx", "report.txt", "report.json", "report.xlsx", "report.html"):
        assert (out_dir / name).exists() and str((out_dir / name).resolve()) in out
    d = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    assert d["as_of"] == "2025-06-30"
    total = d["summary"]["county"]["findings"]["total"]
    assert total == len(d["findings"]) > 0 and f"findings: {total}" in out
    assert "generating" in err  # progress on stderr
