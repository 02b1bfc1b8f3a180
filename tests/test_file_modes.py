"""Files holding unmasked personal data (whole phone numbers) are written
0600 and the command says so; a reader's page (masked) is not flagged.

Run with a permissive umask so a 0600 file cannot come from the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from analysis_kit import perfect
from cli.main import main
from loaders.writer import write_roster

PHONE = "13812341234"


@pytest.fixture(autouse=True)
def open_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def roster_file(tmp_path) -> Path:
    k = perfect()
    k.person("PH", phone=PHONE).post("PH", "OC1", "own", role="member")
    return write_roster(k.r, tmp_path / "花名册.xlsx")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_planner_explorer_page_is_0600_and_the_command_says_so(capsys, tmp_path, roster_file):
    out = tmp_path / "planner.html"
    code, so, se = run(capsys, "explore", roster_file, "--community", "C1", "--role", "planner",
                       "--as-of", "2024-06-30", "--out", out, "-q")
    assert code == 0, se
    assert PHONE in out.read_text(encoding="utf-8")          # it does hold the whole number
    assert mode(out) == 0o600
    assert "0600" in so + se and "personal data" in so + se and "个人信息" in so + se


def test_reader_explorer_page_masks_and_is_not_flagged(capsys, tmp_path, roster_file):
    out = tmp_path / "reader.html"
    code, so, se = run(capsys, "explore", roster_file, "--community", "C1", "--as-of", "2024-06-30",
                       "--out", out, "-q")
    assert code == 0, se
    assert PHONE not in out.read_text(encoding="utf-8")
    assert "0600" not in so + se
    assert mode(out) == 0o644


def test_overwriting_a_public_file_with_a_planner_page_makes_it_private(capsys, tmp_path, roster_file):
    out = tmp_path / "page.html"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    run(capsys, "explore", roster_file, "--community", "C1", "--role", "planner", "--as-of",
        "2024-06-30", "--out", out, "-q")
    assert mode(out) == 0o600


@pytest.mark.parametrize("name", ["r.xlsx", "folder"])
def test_roster_files_are_0600(tmp_path, name):
    k = perfect()
    k.person("PH", phone=PHONE)
    path = write_roster(k.r, tmp_path / name)
    files = [path] if path.is_file() else sorted(path.glob("*.csv"))
    assert files and all(mode(f) == 0o600 for f in files)


def test_demo_data_says_its_roster_is_private(capsys, tmp_path):
    out = tmp_path / "demo.xlsx"
    code, so, se = run(capsys, "demo-data", out, "--scale", "0.2", "--quiet")
    assert code == 0, se
    assert mode(out) == 0o600 and "0600" in so
