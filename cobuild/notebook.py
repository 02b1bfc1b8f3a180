"""What the notebooks in ``notebooks/`` call: where the data comes from, and
the tables and frames they show.

* :func:`open_source` -- the roster a planner names, the demo county when
  they name none, or the database when ``NEO4J_URI`` is set;
* :class:`Table` and the functions that make one from a result
  (:func:`check_report`, :func:`findings_table`, :func:`bridges_table` ...);
* :func:`explorer` -- the network explorer page of one community, in a frame.

Everything shown is an object with ``_repr_html_``: Jupyter shows it as
HTML, anywhere else it prints as plain text. Nothing here imports IPython.
Strings from the roster are escaped; phone numbers are never shown (the
explorer masks them unless asked).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Callable, Iterable

import networkx as nx

from graph import schema
from graph.errors import CobuildError, Issue, RosterError
from graph.findings import SEVERITIES, Finding, select

__all__ = [
    "Table", "table", "Source", "demo_roster", "open_source", "check_report", "headline",
    "findings_by_rule", "findings_table", "busiest_community", "Frame", "explorer",
    "bridges_table", "articulation_table", "key_person", "what_if_table",
    "plan_counts", "plan_table", "unclosable_table", "forecast_table", "cliffs_table",
    "scenario_table", "plan_explorer",
]


# ---------------------------------------------------------------- tables

def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是 yes" if v else "否 no"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, (list, tuple, set, frozenset)):
        return ", ".join(_cell(x) for x in v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat(sep=" ", timespec="minutes") if isinstance(v, dt.datetime) else v.isoformat()
    return str(v)


class Table:
    """Rows with a header, shown as an HTML table in Jupyter.

    Parameters
    ----------
    header : list of str
    rows : list of lists
        Cell values; lists are joined with commas, None is empty.
    title : str, optional
        A line above the table.
    note : str, optional
        Shown instead of the table when there are no rows, else below it.
    """

    def __init__(self, header: list[str], rows: Iterable[Iterable[Any]], *, title: str | None = None,
                 note: str | None = None) -> None:
        self.header = list(header)
        self.rows = [[_cell(v) for v in r] for r in rows]
        self.title = title
        self.note = note

    def __len__(self) -> int:
        return len(self.rows)

    def _repr_html_(self) -> str:
        out = []
        if self.title:
            out.append(f"<p><b>{escape(self.title)}</b></p>")
        if self.rows:
            out.append("<table><thead><tr>")
            out.extend(f"<th style=\"text-align:left\">{escape(h)}</th>" for h in self.header)
            out.append("</tr></thead><tbody>")
            for r in self.rows:
                out.append("<tr>" + "".join(f"<td style=\"text-align:left\">{escape(v)}</td>" for v in r)
                           + "</tr>")
            out.append("</tbody></table>")
        if self.note:
            out.append(f"<p>{escape(self.note)}</p>")
        return "".join(out)

    def __repr__(self) -> str:
        lines = [self.title] if self.title else []
        if self.rows:
            lines.append(" | ".join(self.header))
            lines.extend(" | ".join(r) for r in self.rows)
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


def table(rows: list[dict], headings: dict[str, str], *, title: str | None = None,
          note: str | None = None) -> Table:
    """A :class:`Table` of dict rows: one column per key of ``headings``
    (in its order) that the rows have, headed by its value.

    Examples
    --------
    >>> table([{"a": 1, "b": [2, 3]}], {"a": "甲 A", "b": "乙 B", "c": "丙 C"})
    甲 A | 乙 B
    1 | 2, 3
    """
    keys = [k for k in headings if any(k in r for r in rows)]
    return Table([headings[k] for k in keys], [[r.get(k) for k in keys] for r in rows],
                 title=title, note=note)


# ---------------------------------------------------------------- where the data comes from

def _as_of(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CobuildError(f"分析日期应写成 YYYY-MM-DD，而不是 {value!r}",
                           f"the as-of date must be YYYY-MM-DD, not {value!r}") from None


def demo_roster(folder: str | os.PathLike | None = None, *, as_of: dt.date | str | None = None,
                seed: int | None = None) -> Path:
    """Write the demo county's roster (:func:`loaders.demo.generate`) as an
    .xlsx workbook and return its path.

    Parameters
    ----------
    folder : path, optional
        Where to write ``演示花名册.xlsx`` (default: a new temporary folder).
    as_of : date or "YYYY-MM-DD", optional
        The day the roster describes (default: today).
    seed : int, optional
        The demo's random seed (default: :data:`loaders.demo.DEFAULT_SEED`).
    """
    from loaders import demo
    from loaders.writer import write_roster

    roster = demo.generate(demo.DEFAULT_SEED if seed is None else seed, as_of=_as_of(as_of))
    folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="cobuild-demo-"))
    return write_roster(roster, folder / "演示花名册.xlsx")


@dataclass
class Source:
    """Where a notebook's data comes from, and what the check found.

    ``kind`` is ``"roster"`` or ``"database"``; ``location`` the roster path
    or the database URI; ``demo`` tells the roster is the generated demo
    county; ``issues`` are the roster check's errors and warnings (none for
    the database: a roster is checked when it is imported).
    """

    kind: str
    location: str
    as_of: dt.date
    demo: bool = False
    issues: list[Issue] = field(default_factory=list)
    table_counts: dict[str, int] = field(default_factory=dict)
    _graph: nx.MultiDiGraph | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "error"]

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The co-building graph.

        Raises
        ------
        RosterError
            When the roster has errors (they are in ``issues``).
        """
        if self._graph is None:
            raise RosterError(self.issues)
        return self._graph

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) lines saying where the data is from."""
        if self.kind == "database":
            where = ("数据来源 source", f"Neo4j 数据库 database {self.location}")
        elif self.demo:
            where = ("数据来源 source", f"演示县花名册 demo county roster {self.location}")
        else:
            where = ("数据来源 source", f"花名册 roster {self.location}")
        lines = [where, ("分析日期 as of", self.as_of.isoformat())]
        if self.kind == "roster":
            lines.append(("检查 check", f"{len(self.errors)} 个错误 errors, {len(self.warnings)} 个警告 warnings"))
        if self._graph is not None:
            labels = Counter(a.get("label") for _, a in self._graph.nodes(data=True))
            lines.append(("图 graph", f"{self._graph.number_of_nodes()} 个节点 nodes, "
                                      f"{self._graph.number_of_edges()} 条关系 relationships"))
            lines.extend((f"{k.zh} {k.en}", str(labels[k.label])) for k in schema.NODE_KINDS if labels[k.label])
        else:
            lines.extend((f"{schema.table(k).zh} {k}", f"{n} 行 rows") for k, n in self.table_counts.items())
        return lines

    def _repr_html_(self) -> str:
        return Table(["", ""], self.describe())._repr_html_()

    def __repr__(self) -> str:
        return "\n".join(f"{a}: {b}" for a, b in self.describe())


def open_source(roster: str | os.PathLike | None = None, *, as_of: dt.date | str | None = None,
                progress: Callable[[str], None] | None = None) -> Source:
    """Open the data a notebook works on.

    * ``NEO4J_URI`` set (:func:`cobuild.database.database_configured`): the
      graph stored in Neo4j (:func:`cobuild.sources.open_graph` with
      ``db=True``); ``roster`` must then be None.
    * Otherwise the roster file or folder ``roster``, read and checked with
      :func:`cobuild.sources.open_roster` (errors and warnings kept, not raised);
    * or, with no roster, the demo county written to a temporary folder
      (:func:`demo_roster`).

    Parameters
    ----------
    roster : path, optional
        An .xlsx workbook, a folder of CSV files or a .zip of them.
    as_of : date or "YYYY-MM-DD", optional
        The analysis date (default: today).
    progress : callable, optional
        Receives one-line progress messages.

    Returns
    -------
    Source
        Its ``graph`` raises :class:`~graph.errors.RosterError` when the
        roster has errors.
    """
    from cobuild.database import database_configured
    from cobuild.sources import open_graph, open_roster

    day = _as_of(as_of)
    if database_configured():
        if roster is not None:
            raise CobuildError("已设置 NEO4J_URI，将读取数据库：请把 ROSTER 设为 None，或取消 NEO4J_URI",
                               "NEO4J_URI is set, so the database is read: set ROSTER = None, "
                               "or unset NEO4J_URI to read a roster file")
        from graph.settings import Settings

        G = open_graph(db=True, progress=progress)
        return Source("database", str(Settings().neo4j_uri), day, _graph=G)

    demo = roster is None
    path = demo_roster(as_of=day) if demo else Path(roster)
    r, issues, G = open_roster(path, progress=progress, strict=False)
    return Source("roster", str(path), day, demo=demo, issues=issues, table_counts=r.counts(),
                  _graph=G)


_ISSUE_HEADER = ["严重程度 severity", "表 table", "行 row", "列 column", "值 value", "说明", "explanation"]


def check_report(source: Source, *, limit: int | None = 500) -> Table:
    """The roster check as a table (errors first), or, for the database,
    the latest imports.

    Parameters
    ----------
    source : Source
    limit : int, optional
        Show at most this many issues (default 500; None: all).
    """
    if source.kind == "database":
        from cobuild.database import connect
        from graph import store

        with connect() as database:
            history = store.import_history(database, limit=5)
        return Table(["导入时间 imported at", "文件 file", "新增 created", "更新 changed", "删除 deleted"],
                     [[h.get("at"), h.get("file"), h.get("created"), h.get("changed"), h.get("deleted")]
                      for h in history],
                     title="最近的导入 / latest imports",
                     note="数据库中的数据在导入时已通过检查（cobuild import）。/ "
                          "Data in the database was checked when it was imported (cobuild import)."
                     if history else "数据库中还没有导入记录。/ Nothing has been imported into the database yet.")
    ordered = sorted(source.issues, key=lambda i: i.severity != "error")
    shown = ordered if limit is None else ordered[:limit]
    rows = [["错误 error" if i.severity == "error" else "警告 warning", i.table, i.line or "",
             i.column, i.value, i.message_zh, i.message_en] for i in shown]
    if not source.issues:
        note = "未发现问题，可以导入。/ No problems found: the roster can be imported."
    elif source.errors:
        note = "有错误：改正后才能导入和分析。/ There are errors: fix them before importing or analyzing."
    else:
        note = "只有警告：可以导入，但请看一看。/ Warnings only: the roster can be imported, but have a look."
    if len(shown) < len(ordered):
        note += f" （只显示前 {len(shown)} 条，共 {len(ordered)} 条 / first {len(shown)} of {len(ordered)} shown）"
    return Table(_ISSUE_HEADER, rows,
                 title=f"{len(source.errors)} 个错误 errors, {len(source.warnings)} 个警告 warnings",
                 note=note)


# ---------------------------------------------------------------- the gaps

def headline(analysis) -> Table:
    """The headline figures of an analysis (those of the reports)."""
    from graph.report.words import headline as figures

    return Table(["", "", ""], [[zh, en, v] for zh, en, v in figures(analysis)],
                 title=f"分析日期 as of {analysis.as_of.isoformat()}")


def findings_by_rule(analysis) -> Table:
    """How many findings each rule gave, per severity (every rule listed)."""
    from graph.analysis.rules import RULES
    from graph.report.words import rule_label

    n = Counter((f.rule, f.severity) for f in analysis.findings)
    rows = [[rule_label(r.id), *(n[(r.id, s)] for s in SEVERITIES), sum(n[(r.id, s)] for s in SEVERITIES)]
            for r in RULES]
    by_severity = Counter(f.severity for f in analysis.findings)
    rows.append(["合计 total", *(by_severity[s] for s in SEVERITIES), len(analysis.findings)])
    return Table(["规则 rule", *(f"{zh} {en}" for zh, en in SEVERITIES.values()), "合计 total"], rows)


def findings_table(analysis, *, rule: str | None = None, severity: str | None = None,
                   community: str | None = None, limit: int | None = 30) -> Table:
    """The findings (of one rule, severity and/or community), most severe
    first.

    Parameters
    ----------
    analysis : graph.analysis.Analysis
    rule, severity, community : str, optional
        Keep only these (rule id such as ``"G08"``, ``"high"``, a community
        code).
    limit : int, optional
        Show at most this many (default 30; None: all).
    """
    from graph.report.words import community_label, rule_label, severity_label, street_label, subject_label

    rank = {s: i for i, s in enumerate(SEVERITIES)}
    chosen = select(analysis.findings, community=community, rules=[rule] if rule else None,
                    severities=[severity] if severity else None)
    chosen.sort(key=lambda f: (rank[f.severity], f.street or "", f.community or "", f.rule, f.subject.code))
    shown = chosen if limit is None else chosen[:limit]
    rows = [[severity_label(f.severity), rule_label(f.rule), street_label(analysis, f.street),
             community_label(analysis, f.community),
             f"{subject_label(f.subject.type)}: {f.subject.name} ({f.subject.code})",
             f.message_zh, f.message_en] for f in shown]
    note = "没有这样的缺口。/ No such findings." if not chosen else (
        f"共 {len(chosen)} 条，只显示前 {len(shown)} 条 / {len(chosen)} findings, first {len(shown)} shown"
        if len(shown) < len(chosen) else None)
    return Table(["严重程度 severity", "规则 rule", "街道 street", "社区 community", "对象 subject",
                  "说明", "explanation"], rows, note=note)


def busiest_community(analysis) -> str | None:
    """The code of the community with the most high-severity findings (then
    the most findings, then the smallest code); None when no finding names
    a community."""
    n = Counter()
    for f in analysis.findings:
        if f.community:
            n[f.community] += 1 + 1000 * (f.severity == "high")
    if not n:
        return None
    return min(n, key=lambda x: (-n[x], x))


@dataclass
class Frame:
    """An HTML page shown in an ``<iframe srcdoc=...>`` (sandboxed: scripts
    run, but cannot reach the notebook); ``html`` is the page itself."""

    html: str
    title: str
    height: int = 650

    def _repr_html_(self) -> str:
        return (f'<iframe title="{escape(self.title)}" srcdoc="{escape(self.html, quote=True)}" '
                f'sandbox="allow-scripts" style="width:100%;height:{int(self.height)}px;'
                'border:1px solid #ccc"></iframe>')

    def __repr__(self) -> str:
        return f"<{self.title}: {len(self.html) // 1024} KB page; shown in Jupyter as a frame>"

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (to open it in a browser)."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path


def explorer(G: nx.MultiDiGraph, analysis, community: str | None, *, show_phones: bool = False,
             height: int = 650) -> Frame:
    """The network explorer page of one community (as ``cobuild explore
    --community``), in a frame.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The whole graph (the page shows ``community``'s scope).
    analysis : graph.analysis.Analysis
        The analysis of ``G``; the community's findings are marked.
    community : str or None
        A community code; None gives a frame saying there is none.
    show_phones : bool
        Whole phone numbers (default: masked).

    Raises
    ------
    NotFound
        When ``community`` is not in ``G``.
    """
    from cobuild.explorer import draw_scope, scope_title

    if community is None:
        msg = "没有可显示的社区 / no community to show"
        return Frame(f"<!DOCTYPE html><html><body><p>{msg}</p></body></html>", msg, height=80)
    title = scope_title(G, community=community)
    page = draw_scope(G, analysis.findings, community=community, title=title,
                      show_phones=show_phones, as_of=analysis.as_of)
    return Frame(page, title, height)


# ---------------------------------------------------------------- structure

def bridges_table(analysis) -> Table:
    """The people who bridge the most (betweenness), with the communities
    their posts reach."""
    s = analysis.structure
    b = s.get("betweenness", {})
    return Table(["人员 person", "编码 code", "介数 betweenness", "涉及社区 communities", "任职 posts"],
                 [[x["name"], x["person"], x["betweenness"], x["communities"], x["posts"]]
                  for x in s.get("bridges", [])],
                 note=(f"介数中心性 betweenness: {b.get('note_zh', '')} / {b.get('note_en', '')}"
                       if s.get("bridges") else "没有人连接不同的党组织。/ Nobody links two organizations."))


def articulation_table(analysis, *, limit: int | None = 30) -> Table:
    """The people and orgs whose loss cuts a community org off from some of
    its member unit orgs (articulation points)."""
    from graph.report.words import community_label

    rows = analysis.structure.get("articulation", [])
    shown = rows if limit is None else rows[:limit]
    kinds = {k.label: f"{k.zh} {k.en}" for k in schema.NODE_KINDS}
    return Table(["节点 node", "类型 kind", "编码 code", "社区党组织 community org", "社区 community",
                  "切断 cuts off"],
                 [[r["name"], kinds.get(r["type"], r["type"]), r["code"], r["community_org"],
                   community_label(analysis, r["community"]), r["cuts_off"]] for r in shown],
                 note="没有关键节点。/ No articulation points." if not rows else (
                     f"共 {len(rows)} 个，只显示前 {len(shown)} 个 / {len(rows)}, first {len(shown)} shown"
                     if len(shown) < len(rows) else None))


def key_person(analysis) -> str | None:
    """A person worth asking "what if they leave" about: the first one a
    single-point-of-failure finding (G08) names, else the top bridge."""
    for f in analysis.findings:
        if f.rule == "G08" and f.subject.type == "Person":
            return f.subject.code
    bridges = analysis.structure.get("bridges") or []
    return bridges[0]["person"] if bridges else None


def _finding_row(change: str, f: Finding) -> list:
    from graph.report.words import rule_label, severity_label

    return [change, rule_label(f.rule), severity_label(f.severity),
            f"{f.subject.name} ({f.subject.code})", f.community, f.message_zh, f.message_en]


def what_if_table(change) -> Table:
    """The findings that appear, go or change when a person leaves
    (:func:`graph.analysis.what_if_leaves`)."""
    rows = [_finding_row("新增 new", f) for f in change.added]
    rows += [_finding_row("消失 gone", f) for f in change.removed]
    for before, after in change.changed:
        rows.append(_finding_row("之前 before", before))
        rows.append(_finding_row("之后 after", after))
    return Table(["变化 change", "规则 rule", "严重程度 severity", "对象 subject", "社区 community",
                  "说明", "explanation"], rows,
                 title=f"如果 {change.name} ({change.person}) 离开 / if {change.name} leaves "
                       f"({change.as_of.isoformat()})",
                 note=None if rows else "没有变化。/ Nothing changes.")


# ---------------------------------------------------------------- planning (04_plan)

def plan_counts(plan) -> Table:
    """Findings per rule before and after the 补齐方案, as the plan's check
    (every rule re-run on the changed graph) counted them."""
    from graph.report.words import rule_label

    rules = sorted(set(plan.before) | set(plan.after))
    s = plan.solution
    proven = "已证明最优 proven optimal" if s.optimal else f"未证明最优 not proven (gap {s.gap:.1%})"
    return Table(["规则 rule", "方案前 before", "方案后 after"],
                 [[rule_label(r), plan.before.get(r, 0), plan.after.get(r, 0)] for r in rules],
                 title=f"新增职务 new posts: {len(plan.proposals)}；{proven}；"
                       f"自检 check: {'通过 passed' if plan.check.ok else '未通过 FAILED'}")


def plan_table(plan, *, limit: int | None = 50) -> Table:
    """The proposals: who takes which post where, what it closes, why."""
    rows = []
    for p in plan.proposals[:limit]:
        d = p.as_dict()
        rows.append([f"{p.person_name} ({p.candidate.person})", f"{p.home_name} {d['current_post']['role']}",
                     f"{p.org_name} ({p.candidate.org})", d["role"],
                     "单位→社区 U→C" if p.candidate.direction == "u_to_c" else "社区→单位 C→U",
                     ", ".join(f"{f['rule']} {f['subject']['name']}" for f in d["closes"]), p.reason_zh])
    more = len(plan.proposals) - len(rows)
    return Table(["拟任人员 person", "现任职务 current post", "党组织 org", "拟任职务 post", "方向 direction",
                  "解决的缺口 closes", "说明 why"], rows,
                 title=f"拟任 {len(plan.proposals)} 个职务 / {len(plan.proposals)} proposed posts"
                       + (f"（显示前 {len(rows)} 个 first {len(rows)} shown）" if more > 0 else ""),
                 note=None if rows else "不需要新任职。/ No new post is needed.")


def unclosable_table(plan) -> Table:
    """The findings no appointment of the plan closes, with why."""
    rows = [[f"{u.finding.rule}", f"{u.finding.subject.name} ({u.finding.subject.code})", u.code,
             u.why_zh, u.why_en] for u in plan.unclosable]
    return Table(["规则 rule", "对象 subject", "原因代码 reason", "原因", "why"], rows,
                 note=None if rows else "全部可补齐。/ Every finding can be closed.")


def forecast_table(fc) -> Table:
    """Community orgs x month ends: the number of findings (· none) and
    the worst severity's initial (高/中/低)."""
    heads = ["社区党组织 org"] + [d.strftime("%Y-%m") for d in fc.dates]
    rows = []
    for c in fc.communities:
        cells = []
        for x in c["series"]:
            n = sum(x["findings"].values())
            cells.append(f"{n} {SEVERITIES[x['worst']][0]}" if n else "·")
        rows.append([f"{c['org_name']} ({c['org']})", *cells])
    return Table(heads, rows, title="缺口数与最严重等级 / findings and the worst severity, per month end")


def cliffs_table(fc) -> Table:
    """The 换届 cliffs: months in which many linking posts of one community
    org end."""
    rows = [[c["month"], f"{c['org_name']} ({c['org']})", len(c["posts"]),
             ", ".join(f"{p['name']} ({p['end']})" for p in c["posts"])] for c in fc.cliffs]
    return Table(["月份 month", "社区党组织 org", "到期职务 posts ending", "人员 people"], rows,
                 note=None if rows else "预测期内没有换届断崖。/ No 换届 cliff in the forecast.")


def scenario_table(result) -> Table:
    """The findings a what-if (:func:`cobuild.planning.simulate`) makes
    appear and go."""
    rows = [_finding_row("新增 new", f) for f in result.added]
    rows += [_finding_row("消失 gone", f) for f in result.removed]
    changes = "；".join(zh for zh, _ in result.descriptions)
    return Table(["变化 change", "规则 rule", "严重程度 severity", "对象 subject", "社区 community",
                  "说明", "explanation"], rows, title=f"推演 what if: {changes}",
                 note=None if rows else "没有变化。/ Nothing changes.")


def plan_explorer(G: nx.MultiDiGraph, analysis, plan, forecast=None, *, community: str | None = None,
                  street: str | None = None, height: int = 650) -> Frame:
    """The explorer page of a scope with the plan drawn over it (dashed
    blue proposed posts, a toggle) and the forecast as an as-of slider."""
    from cobuild.explorer import scope_title
    from cobuild.planning import draw_plan

    title = scope_title(G, community=community, street=street)
    page = draw_plan(G, analysis.findings, plan, forecast, community=community, street=street,
                     as_of=analysis.as_of, title=title)
    return Frame(page, title, height)
