"""The layers of the tree (README, Design): faces (``cli``, ``api``) ->
use cases (``cobuild``) -> readers (``loaders``) -> graph (``graph``), with
no import back up and no cycle between packages.

Every ``import`` and ``from ... import`` in every module counts, those inside
functions too (a lazy import is still an arrow); the map is read with
:mod:`ast`, nothing is imported.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("cli", "api", "cobuild", "loaders", "graph")
#: what each package may never import
FORBIDDEN = {
    "graph": {"loaders", "cobuild", "api", "cli"},
    "loaders": {"cobuild", "api", "cli"},
    "cobuild": {"api", "cli"},
    "api": {"cli"},
}


def imported_packages(source: str) -> set[str]:
    """The top-level names a module's source imports (absolute imports).

    >>> sorted(imported_packages("import graph.db\\nfrom loaders import x\\ndef f():\\n    import cli"))
    ['cli', 'graph', 'loaders']
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def import_map(root: Path = REPO) -> dict[str, dict[str, list[str]]]:
    """package -> imported package -> the modules (paths) that import it."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            for target in imported_packages(path.read_text(encoding="utf-8")):
                if target in PACKAGES and target != package:
                    out[package][target].append(str(path.relative_to(root)))
    return out


def test_the_scanner_sees_lazy_and_aliased_imports() -> None:
    src = "import graph.db as gdb\nfrom api.lookup import Lookup\nclass A:\n    def f(self):\n" \
          "        from cobuild import localserver as server\nfrom . import sibling\n"
    assert imported_packages(src) == {"graph", "api", "cobuild"}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_runs_back_up(package: str) -> None:
    wrong = {t: mods for t, mods in import_map()[package].items() if t in FORBIDDEN[package]}
    assert not wrong, f"{package}/ imports a higher layer: {wrong}"


def test_no_cycle_between_packages() -> None:
    G = nx.DiGraph()
    G.add_nodes_from(PACKAGES)
    for package, targets in import_map().items():
        G.add_edges_from((package, t) for t in targets)
    assert list(nx.simple_cycles(G)) == []


def test_benchmarks_and_notebooks_use_what_the_faces_use() -> None:
    """Benchmarks and notebooks are faces: they may import anything, but
    nothing imports them."""
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            assert not {"benchmarks", "notebooks", "tests"} & imported_packages(
                path.read_text(encoding="utf-8")), path


def test_tests_share_kits_not_each_other() -> None:
    """Tests share helpers through one ``*_kit.py`` per family; no test
    module imports another."""
    tests = REPO / "tests"
    modules = {p.stem for p in tests.glob("test_*.py")}
    for path in sorted(tests.glob("*.py")):
        imported = imported_packages(path.read_text(encoding="utf-8"))
        assert not imported & modules, f"{path.name} imports {sorted(imported & modules)}"
    helpers = {p.name for p in tests.glob("*.py")} - {f"{m}.py" for m in modules} - {"conftest.py"}
    assert all(h.endswith("_kit.py") for h in helpers), helpers
