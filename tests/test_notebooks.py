"""The notebooks in ``notebooks/``: committed without outputs, and every one
runs top to bottom on a fresh kernel -- on the demo roster with no server,
and on the database when ``NEO4J_URI`` is set.

The kernel is the ``python3`` kernel of this virtualenv (checked), started in
a temporary folder with a temporary ``TMPDIR``, so a run writes nothing into
the repository. The parameter cell is followed, in the executed copy only,
by an injected cell fixing ``AS_OF`` (as papermill does), so what the
notebook shows can be compared with the product's own results.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import loaders.demo
from graph import store
from graph.analysis import analyze, what_if_leaves
from graph.build import roster_to_graph
from cobuild.counts import place_counts
from cobuild.notebook import busiest_community, key_person

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
AS_OF = dt.date(2025, 6, 30)


def test_there_are_the_three_numbered_notebooks():
    names = [p.name for p in PATHS]
    assert len(names) == 3, names
    assert [n[:3] for n in names] == ["01_", "02_", "03_"]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_committed_notebook_has_no_outputs(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    for i, cell in enumerate(book.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {i} has outputs: strip them"
            assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"
    tagged = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "ROSTER = None" in tagged[0].source and "AS_OF = None" in tagged[0].source


# ---------------------------------------------------------------- running them

def _execute(path: Path, tmp_path: Path, env: dict) -> nbformat.NotebookNode:
    book = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(book.cells) if "parameters" in c.metadata.get("tags", []))
    book.cells.insert(at + 1, nbformat.v4.new_code_cell(f'AS_OF = "{AS_OF.isoformat()}"  # injected'))
    book.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.prefix)"))
    work = tmp_path / path.stem
    (work / "tmp").mkdir(parents=True)
    env = {**env, "TMPDIR": str(work / "tmp")}
    client = NotebookClient(book, kernel_name="python3", timeout=300,
                            resources={"metadata": {"path": str(work)}})
    client.execute(env=env)  # raises CellExecutionError on any error
    assert book.cells[-1].outputs[0]["text"].strip() == sys.prefix, "not this virtualenv's kernel"
    for cell in book.cells:
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream" and out["name"] == "stderr":
                assert "Glyph" not in out["text"], out["text"]  # a chart drew Chinese without a font
    assert sorted(p.name for p in NOTEBOOKS.iterdir()) == [p.name for p in PATHS], \
        "running a notebook wrote into notebooks/"
    return book


def _output(book, marker: str, mime: str = "text/plain") -> str:
    """The ``mime`` output of the code cell whose source contains ``marker``."""
    cell = next(c for c in book.cells if c.cell_type == "code" and marker in c.source)
    return "\n".join(o["data"][mime] for o in cell.outputs if mime in o.get("data", {}))


def _no_server_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}


def _check(book, name: str, G, source_says: str) -> None:
    """What each notebook shows agrees with the product run on ``G``."""
    assert source_says in _output(book, "nb.open_source(")
    if name.startswith("01"):
        assert f"{G.number_of_nodes()} 个节点 nodes" in _output(book, "nb.open_source(")
        counts = place_counts(G, AS_OF)
        shown = _output(book, 'counts["communities"]')
        for row in counts["communities"]:
            assert f"| {row['community']} | {row['community_name']} | {row['grids']} |" in shown
        streets = _output(book, 'counts["streets"]')
        for row in counts["streets"]:
            assert f"{row['street']} | {row['street_name']} | {row['communities']} |" in streets
        return
    result = analyze(G, AS_OF)
    assert f"缺口合计 | findings | {len(result.findings)}" in _output(book, "nb.headline(")
    if name.startswith("02"):
        assert "合计 total | " in _output(book, "nb.findings_by_rule(")
        assert _output(book, "coverage_chart(", "image/png")
        community = busiest_community(result)
        frame = _output(book, "nb.explorer(", "text/html")
        assert frame.startswith("<iframe ") and 'sandbox="allow-scripts"' in frame
        page = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
        name_ = G.nodes[f"Community:{community}"]["name"]
        assert f"Co-building network of {name_}" in page
        assert "Content-Security-Policy" in page
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "the page loads something"
    else:
        person = key_person(result)
        change = what_if_leaves(G, person, AS_OF)
        shown = _output(book, "nb.what_if_table(")
        assert f"如果 {change.name} ({person}) 离开" in shown
        assert shown.count("新增 new") == len(change.added)
        assert shown.count("消失 gone") == len(change.removed)
        for b in result.structure["bridges"]:
            assert f"{b['name']} | {b['person']} |" in _output(book, "nb.bridges_table(")


@pytest.fixture(scope="module")
def demo_graph():
    return roster_to_graph(loaders.demo.generate(as_of=AS_OF))


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_notebook_runs_on_the_demo_roster_without_a_server(path, tmp_path, demo_graph):
    book = _execute(path, tmp_path, _no_server_env())
    _check(book, path.name, demo_graph, "演示县花名册 demo county roster")


def _database_env(ts) -> dict:
    """The kernel's environment: ``NEO4J_URI`` and the credentials of the
    test server (those of a private server from its credentials file)."""
    env = _no_server_env()
    env.update(ts.env())
    return env


def test_notebooks_run_on_the_database(neo4j_db, neo4j_server, tmp_path):
    roster = loaders.demo.generate(as_of=AS_OF)
    result = store.import_roster(neo4j_db, roster)
    env = _database_env(neo4j_server)
    G = store.load_graph(neo4j_db)
    assert G.number_of_nodes() == roster_to_graph(roster).number_of_nodes()
    for path in PATHS:
        book = _execute(path, tmp_path, env)
        _check(book, path.name, G, f"Neo4j 数据库 database {neo4j_server.uri}")
        if path.name.startswith("01"):
            history = _output(book, "nb.check_report(")
            assert f"| {result.created} | 0 | 0" in history, history
