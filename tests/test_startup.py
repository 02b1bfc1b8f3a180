"""What a command loads before it does its work.

A planner runs a command many times a week; each one starts a Python. The
command line builds its parser without the heavy libraries (the driver,
NetworkX, openpyxl), the driver loads without numpy and pandas, and the text
report without openpyxl. Each check runs in a fresh interpreter, so what
other tests loaded does not count.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("neo4j", "networkx", "openpyxl", "numpy", "pandas", "ortools")


def loaded_after(code: str) -> list[str]:
    """The :data:`HEAVY` modules loaded once ``code`` has run in a fresh
    interpreter (``code`` may print nothing)."""
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_command_line_builds_its_help_without_the_heavy_libraries() -> None:
    assert loaded_after("import cli.main\ncli.main.build_parser().format_help()") == []


def test_the_driver_loads_without_numpy_and_pandas_which_still_load_later() -> None:
    assert loaded_after("import graph.db, graph.store") == ["neo4j", "networkx"]
    # OR-Tools (cobuild recommend) imports pandas and numpy after the driver
    assert loaded_after("import graph.db\nfrom ortools.sat.python import cp_model\n"
                        "import pandas\nassert pandas.DataFrame({'a': [1]}).shape == (1, 1)"
                        ) == ["neo4j", "numpy", "ortools", "pandas"]


def test_a_process_that_has_pandas_keeps_it_for_the_driver() -> None:
    code = ("import pandas\nimport graph.db\nimport neo4j._optional_deps as deps\n"
            "assert deps.pd is pandas, deps.pd")
    assert "pandas" in loaded_after(code)


def test_the_text_report_does_without_openpyxl() -> None:
    assert "openpyxl" not in loaded_after("import graph.report.text, graph.report.stats")


def test_only_graph_db_imports_the_driver() -> None:
    """Every other module takes the driver's names from ``graph.db``, so the
    driver always loads as :func:`graph.db._import_driver` loads it (lazy
    imports inside functions count too)."""
    importers = set()
    for package in ("api", "cli", "cobuild", "graph", "loaders"):
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0
                         else [])
                if any(n == "neo4j" or n.startswith("neo4j.") for n in names):
                    importers.add(str(path.relative_to(REPO)))
    assert importers == {"graph/db.py"}
