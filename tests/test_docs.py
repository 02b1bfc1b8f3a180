"""The user documentation ships with the product (issue 13, point 7): every
link in the README, the docs, the reports and ``--help`` resolves; the
reference tables are generated (they cannot drift from the rule registry or
the schema); nothing points at the specification outside the product."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from analysis_kit import AS_OF, gappy
from cli.main import build_parser
from graph.analysis import analyze
from graph.analysis.rules import RULES
from graph.reference import DOCS, blocks, doc_ref, docs_dir
from graph.report import render

ROOT = Path(__file__).resolve().parents[1]
DOCS_DIR = ROOT / "docs"
MD_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS_DIR.glob("*.md"))]


def test_every_document_is_there():
    assert docs_dir() == DOCS_DIR
    for name in DOCS.values():
        assert (DOCS_DIR / name).is_file(), name


def test_every_markdown_link_resolves():
    checked = 0
    for md in _markdown_files():
        for target in MD_LINK.findall(md.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "#", "mailto:")):
                continue
            path = (md.parent / unquote(target.split("#", 1)[0])).resolve()
            assert path.exists(), f"{md.relative_to(ROOT)} links to {target}, which is not there"
            checked += 1
    assert checked >= 15
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in DOCS.values():
        assert f"docs/{name}" in readme


def test_walkthrough_has_its_screenshots():
    text = (DOCS_DIR / DOCS["walkthrough"]).read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) >= 4
    for img in images:
        data = (DOCS_DIR / img).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_generated_tables_are_what_the_program_says():
    gen = blocks()
    found = {}
    for md in DOCS_DIR.glob("*.md"):
        for name, body in re.findall(r"<!-- generated: ([\w-]+) -->\n(.*?)\n<!-- /generated -->",
                                     md.read_text(encoding="utf-8"), re.S):
            found[name] = body
    assert found == gen, "run: python -m graph.reference docs"
    for r in RULES:
        assert f"| {r.id} |" in gen["rules"]
        for p in r.params:
            assert f"`{p.name}` = {p.default}" in gen["rules"]


def _helps() -> list[str]:
    parser = build_parser()
    out, todo = [parser.format_help()], [parser]
    while todo:
        p = todo.pop()
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                for sub in a.choices.values():
                    out.append(sub.format_help())
                    todo.append(sub)
    return out


def test_help_points_to_the_docs_and_every_path_resolves():
    helps = _helps()
    joined = "\n".join(helps)
    for key in DOCS:
        assert doc_ref(key) in joined
    paths = re.findall(r"([^\s：:]+\.md)\b", joined)
    assert len(paths) >= 8
    for p in paths:
        assert Path(p).is_file() or (ROOT / p).is_file(), p


def test_report_links_resolve():
    a = analyze(gappy().graph(), AS_OF)
    html = render(a, "html")
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert len(hrefs) >= 3
    for h in hrefs:
        u = urlparse(h)
        assert u.scheme == "file" and Path(unquote(u.path)).is_file(), h
    text = render(a, "text")
    assert doc_ref("rules") in text and Path(doc_ref("rules")).is_file()


def test_nothing_points_outside_the_product():
    suffixes = {".py", ".md", ".html", ".js", ".toml", ".ipynb", ".css"}
    offenders = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in {".venv", ".git", "build", "tests", "test-artifacts", ".cobuild", "cobuild-demo"} \
                or path.suffix not in suffixes or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "../shared" in text or "shared/docs" in text:
            offenders.append(str(rel))
    assert offenders == []
