"""Chinese text uses full-width punctuation (issue 13, point 2).

Runs the real product on the demo county and on small hand-made rosters and
gathers every Chinese string it emits -- finding messages and evidence,
the text/HTML/xlsx reports, the template and export workbooks (help sheet
included), validation messages (many triggered on purpose), the ``--help``
of every command, API error messages over real HTTP, the explorer's
labels, legend and tooltips -- and fails on half-width punctuation inside
Chinese text:

* ``,`` ``;`` ``:`` right after a Chinese character (``编码:`` must be
  ``编码：``);
* ``( … )`` around text holding a Chinese character (``(无 none)`` must be
  ``（无 none）``); half-width parentheses around codes and numbers stay:
  ``王建国 (P001)``;
* ``.`` ending a sentence right after a Chinese character.

Values echoed from a roster (an issue's ``value``) are left out of the
check: they are the planner's, not the product's.
"""

from __future__ import annotations

import argparse
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis_kit import AS_OF, gappy, perfect
from api.source import RosterSource
from api_kit import AS_OF as DEMO_AS_OF, demo_roster, serve
from cli.main import build_parser
from graph.analysis import analyze
from graph.build import roster_to_graph
from graph.errors import CobuildError
from explorer_kit import page_pictures
from graph.explorer import network_json, render_page
from graph.explorer.overview import overview_json
from graph.explorer.page import _meta_line
from graph.report import render
from loaders import check_roster
from loaders.template import write_template
from loaders.writer import write_roster
from roster_kit import rich_roster, write_thirty_defects

ROOT = Path(__file__).resolve().parents[1]
HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_CJK = HAN + "\u3000-\u303f\uff01-\uff5e\u201c\u201d\u2018\u2019\u2026"
SEP = re.compile(rf"[{_CJK}][ \t]*[,;:](?![/:”])")
PAREN = re.compile(r"\(([^()]*)\)")
STOP = re.compile(rf"[{HAN}]\.(?=$|\s)")
HAS_HAN = re.compile(f"[{HAN}]")


LATIN = re.compile(r"[A-Za-z]")
HAN_CHAR = re.compile(f"[{HAN}]")


def _english_context(text: str, at: int) -> bool:
    """Whether position ``at`` lies in English text (a Chinese name inside
    an English sentence keeps English punctuation): in its line (or its half
    of a ``中文 / English`` line) Latin words outnumber runs of Chinese."""
    start = max(text.rfind("\n", 0, at), text.rfind(" / ", 0, at), text.rfind("。", 0, at)) + 1
    ends = [i for i in (text.find("\n", at), text.find(" / ", at), text.find("。", at)) if i >= 0]
    seg = text[start: min(ends) if ends else len(text)]
    words = len(re.findall(r"[A-Za-z]{2,}", seg))
    runs = len(re.findall(f"[{HAN}]+", seg))
    return words >= 3 and words > 1.5 * runs


def violations(text: str) -> list[str]:
    """The places in ``text`` where Chinese text has half-width punctuation."""
    out = []
    for m in SEP.finditer(text):
        if not _english_context(text, m.end()):
            out.append(text[max(0, m.start() - 12): m.end() + 12])
    for m in PAREN.finditer(text):
        if HAS_HAN.search(m.group(1)) and not _english_context(text, m.end()):
            out.append(text[max(0, m.start() - 8): m.end() + 4])
    for m in STOP.finditer(text):
        if not _english_context(text, m.end()):
            out.append(text[max(0, m.start() - 12): m.end() + 2])
    return out


def test_the_checker_itself():
    assert violations("编码:P001") and violations("(无 none)") and violations("请核对.")
    assert violations("第 3 行, 请核对")
    assert not violations("编码：P001，王建国 (P001)；（无 none）。findings: 5, rules.md")
    assert not violations("默认 default (rules.md) / 比例 share 30%")
    # a Chinese name inside an English sentence keeps English punctuation
    assert not violations("OU3 is not a member of 向阳社区党委. It has posts with 南街社区党委: appoint")
    assert not violations("the compound 嘉昌家园 (昊远物业管理有限公司) has no model")


class Texts:
    """Every string gathered, with where it came from."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, where: str, text) -> None:
        if isinstance(text, str) and HAS_HAN.search(text):
            self.items.append((where, text))

    def walk(self, where: str, obj) -> None:
        if isinstance(obj, str):
            self.add(where, obj)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                self.walk(f"{where}.{k}", v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                self.walk(where, v)

    def bad(self) -> list[str]:
        out = []
        for where, text in self.items:
            for v in violations(text):
                out.append(f"{where}: …{v}…")
        return sorted(set(out))


def _html_text(html: str) -> str:
    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", "\n", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def _workbook(t: Texts, where: str, data) -> None:
    wb = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data)
    for ws in wb.worksheets:
        t.add(f"{where}[{ws.title}] title", ws.title)
        for row in ws.iter_rows(values_only=True):
            for v in row:
                t.add(f"{where}[{ws.title}]", v)
        for dv in ws.data_validations.dataValidation:
            t.add(f"{where}[{ws.title}] drop-down", dv.prompt)
            t.add(f"{where}[{ws.title}] drop-down", dv.error)


def _analysis_texts(t: Texts, name: str, G, as_of) -> None:
    a = analyze(G, as_of)
    for f in a.findings:
        t.add(f"{name} finding {f.rule}", f.message_zh)
        t.walk(f"{name} evidence {f.rule}", list(f.evidence_text))
    t.walk(f"{name} structure", a.structure)
    t.add(f"{name} report.txt", render(a, "text"))
    t.add(f"{name} report.html", _html_text(render(a, "html")))
    _workbook(t, f"{name} report.xlsx", render(a, "xlsx"))
    data = network_json(G, a.findings, as_of=as_of, scope="county")
    t.walk(f"{name} explorer legend", data["legend"])
    for n in data["nodes"]:
        t.add(f"{name} explorer tooltip", n["title"])
    for e in data["edges"]:
        t.add(f"{name} explorer edge", e.get("title"))
    t.add(f"{name} explorer meta", _meta_line(data["meta"]))
    # what the page's script shows: the tooltips put back together from the
    # pieces the page carries, in every picture it can open
    for key, picture in page_pictures(render_page(G, a.findings, title=name, as_of=as_of,
                                                  scope="county")).items():
        for item in picture["nodes"] + picture["edges"]:
            t.add(f"{name} explorer page {key} tooltip", item.get("title"))
    ov = overview_json(G, a.findings, as_of=as_of)
    t.walk(f"{name} overview legend", ov["legend"])
    for n in ov["nodes"]:
        t.add(f"{name} overview tooltip", n["title"])
        t.add(f"{name} overview label", n["label"])
    for e in ov["edges"]:
        t.add(f"{name} overview edge", e.get("title"))
    t.add(f"{name} overview meta", _meta_line(ov["meta"]))


def _issues(t: Texts, where: str, issues) -> None:
    for i in issues:
        zh = i.message_zh
        if i.value not in (None, ""):
            zh = zh.replace(str(i.value), "")
        t.add(f"{where} {i.code}", zh)
        t.add(f"{where} {i.code} table", i.table)
        t.add(f"{where} {i.code} column", i.column)


def _helps(t: Texts) -> None:
    parser = build_parser()
    t.add("cobuild --help", parser.format_help())
    todo = [("cobuild", parser)]
    while todo:
        name, p = todo.pop()
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    t.add(f"{name} {sub_name} --help", sub.format_help())
                    todo.append((f"{name} {sub_name}", sub))


def _bad_files(t: Texts, tmp: Path) -> None:
    cases = {
        "empty.xlsx": b"",
        "notes.xlsx": b"this is not a workbook",
        "old.xls": bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 64,
    }
    for name, data in cases.items():
        path = tmp / name
        path.write_bytes(data)
        try:
            _, issues = check_roster(path)
            _issues(t, f"check {name}", issues)
        except CobuildError as e:
            t.add(f"check {name}", e.message_zh)
    csv_dir = tmp / "csv"
    csv_dir.mkdir()
    (csv_dir / "街道.csv").write_bytes("街道编码,街道名称\n001,城关\n".encode("utf-8") + "002,东城\n".encode("gbk"))
    try:
        _, issues = check_roster(csv_dir)
        _issues(t, "check gbk csv", issues)
    except CobuildError as e:
        t.add("check gbk csv", e.message_zh)


def _api(t: Texts, tmp: Path) -> None:
    roster = write_roster(rich_roster(), tmp / "api.xlsx")
    with serve(RosterSource(roster), tmp / "home") as api:
        anon = api.client(None)
        reader = api.client("reader")
        admin = api.client("admin")
        answers = [
            anon.get("/api/v1/communities"),
            reader.get("/api/v1/communities/NOPE"),
            reader.get("/api/v1/communities", params={"as_of": "2024-13-45"}),
            reader.get("/api/v1/communities", params={"limit": "-1"}),
            reader.get("/api/v1/communities", params={"colour": "red"}),
            reader.get("/api/v1/gaps", params={"severity": "huge"}),
            reader.get("/api/v1/people/NOPE"),
            reader.post("/api/v1/imports", files={"file": ("x.txt", b"hello", "text/plain")}),
            admin.post("/api/v1/imports", files={"file": ("x.txt", b"hello", "text/plain")}),
            admin.post("/api/v1/imports", files={"file": ("x.xlsx", b"not a workbook", "application/zip")}),
        ]
        for r in answers:
            assert r.status_code >= 400, r.text
            body = r.json()
            t.walk(f"API {r.request.method} {r.request.url.path} {r.status_code}", body)
        spec = reader.get("/openapi.json").json()
        for path, ops in spec.get("paths", {}).items():
            for op in ops.values():
                if isinstance(op, dict):
                    for param in op.get("parameters", []):
                        t.add(f"API {path} parameter", param.get("description"))


def _static(t: Texts) -> None:
    js = (ROOT / "graph/explorer/static/explorer.js").read_text(encoding="utf-8")
    for m in re.finditer(r"\"((?:[^\"\\\n]|\\.)*)\"", js):
        t.add("explorer.js", m.group(1))
    html = (ROOT / "graph/explorer/templates/explorer.html").read_text(encoding="utf-8")
    t.add("explorer.html", _html_text(re.sub(r"\{[{%#].*?[}%#]\}", " ", html, flags=re.S)))


@pytest.fixture(scope="module")
def texts(tmp_path_factory) -> Texts:
    return gather(tmp_path_factory.mktemp("punct"))


def gather(tmp: Path) -> Texts:
    """Run the product and gather what it says (see the module docstring)."""
    t = Texts()
    G = roster_to_graph(demo_roster())
    _analysis_texts(t, "demo county", G, DEMO_AS_OF)
    _analysis_texts(t, "small county", gappy().graph(), AS_OF)
    _analysis_texts(t, "perfect county", perfect().graph(), AS_OF)
    _workbook(t, "template", write_template(tmp / "template.xlsx"))
    _workbook(t, "export", write_roster(rich_roster(), tmp / "export.xlsx", as_template=True))
    thirty = tmp / "thirty.xlsx"
    write_thirty_defects(thirty)
    _issues(t, "check thirty defects", check_roster(thirty)[1])
    _bad_files(t, tmp)
    _helps(t)
    _api(t, tmp)
    _static(t)
    return t


def test_enough_is_gathered(texts):
    where = {re.split(r"[ []", w)[0] for w, _ in texts.items}
    assert {"demo", "small", "template", "export", "check", "cobuild", "API", "explorer.js"} <= where
    assert len(texts.items) > 2000


def test_chinese_text_uses_full_width_punctuation(texts):
    bad = texts.bad()
    assert not bad, f"{len(bad)} place(s) with half-width punctuation in Chinese text:\n" + "\n".join(bad[:80])
