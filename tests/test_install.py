"""`make demo` installs runtime dependencies only; `make test` adds the dev
extra; the README says what the JDK and Maven are for.

The Makefile is asked what it would run (``make -n``) for a fresh virtual
environment, so the test sees the real recipe, not a copy of it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ("pytest", "playwright", "schemathesis", "jupyter", "jupyterlab", "nbclient", "ipykernel", "httpx")


def _dry_run(target: str, tmp_path: Path) -> list[str]:
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    venv = tmp_path / "fresh-venv"
    r = subprocess.run(["make", "-n", "-C", str(ROOT), target, f"VENV={venv}"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return [line for line in r.stdout.splitlines() if "pip install" in line]


def _name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower()


def test_demo_installs_the_package_without_any_extra(tmp_path):
    lines = _dry_run("demo", tmp_path)
    installs = [line for line in lines if "-e " in line or line.rstrip().endswith(" .")]
    assert installs, lines
    for line in installs:
        assert "[" not in line, f"the demo install names an extra: {line}"
        assert "PYTHONWARNINGS=ignore::UserWarning" in line  # no setuptools box


def test_test_target_installs_the_dev_extra(tmp_path):
    lines = _dry_run("test", tmp_path)
    assert any("'.[dev]'" in line for line in lines), lines


def test_runtime_dependencies_hold_no_test_tool():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_name(r) for r in meta["dependencies"]}
    assert not runtime & set(TOOLS), runtime & set(TOOLS)
    dev = {_name(r) for r in meta["optional-dependencies"]["dev"]}
    assert {"pytest", "playwright", "schemathesis"} <= dev


def test_readme_says_jdk_and_maven_are_for_the_database_and_tests_only():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    para = next(p for p in text.split("\n\n") if "JDK" in p and "Maven" in p)
    assert "make demo" in para or "demo" in para
    assert re.search(r"not (needed )?for the demo|演示不需要|不需要.*演示", para), para
