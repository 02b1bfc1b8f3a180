"""Reports of the 补齐方案 (:func:`graph.planning.recommend`), the forecast
(:func:`graph.planning.forecast.forecast`) and the what-if
(:func:`graph.planning.whatif.what_if`).

* the plan: ``text``, ``json`` (the contract of issue 11), ``xlsx`` (the
  sheet a planner takes to the street working committee meeting: one row
  per proposal, blank 审批意见 / 备案 columns, landscape, fit to width, the
  header repeated on every page), ``html``;
* the forecast: ``text``, ``json``, ``xlsx`` (a communities × months sheet
  coloured by the worst severity, the events, the 换届 cliffs), ``html``
  (the same chart as a coloured table: no script, nothing loaded);
* the what-if: ``text``, ``json``.

Like every report, these hold no phone numbers.
"""

from __future__ import annotations

import json
from html import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from graph.findings import SEVERITIES
from graph.report.html import _CSS, table_html as _t
from graph.report.words import rule_label, severity_label
from graph.report.xlsx import _HEAD_FILL, _HEAD_FONT, _SEV_FILL, _put, _table
from graph.celltext import workbook_bytes
from graph.printing import print_setup

__all__ = ["render_plan", "render_forecast", "render_whatif", "PLAN_FORMATS", "WHATIF_FORMATS",
           "MEETING_HEADER"]

PLAN_FORMATS = ("text", "json", "xlsx", "html")
WHATIF_FORMATS = ("text", "json")

#: The meeting sheet's columns (issue 11), Chinese with English beside.
MEETING_HEADER = ("序号\nno.", "街道\nstreet", "社区\ncommunity", "党组织\nparty organization",
                  "拟任人员\nperson", "现任职务\ncurrent post", "拟任职务\nproposed post", "方向\ndirection",
                  "解决的缺口\nfindings closed", "说明\nwhy", "审批意见\napproval", "备案\nfiled")

_DIRECTION = {"u_to_c": ("单位→社区", "unit → community"), "c_to_u": ("社区→单位", "community → unit")}
_SEV_HTML = {"high": "#f8cbad", "medium": "#ffe699", "low": "#ddebf7", None: "#e2f0d9"}


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _place(plan, street, community) -> tuple[str, str]:
    s = plan.places.get("streets", {}).get(street, street or "") if street else ""
    c = (plan.places.get("communities", {}).get(community) or {}).get("name", community or "") if community else ""
    return s, c


def _counts_line(before: dict, after: dict) -> list[str]:
    rules = sorted(set(before) | set(after))
    return [f"  {rule_label(r)}: {before.get(r, 0)} → {after.get(r, 0)}" for r in rules]


# -- the plan -----------------------------------------------------------------


def _plan_text(plan) -> str:
    s = plan.solution
    scope = plan.scope.get("community") or plan.scope.get("street") or "全部 all"
    head = "最优 optimal（已证明 proven）" if s.optimal else f"未证明最优 not proven optimal（差距 gap {s.gap:.1%}）"
    if plan.method == "greedy":
        head = "贪心基线 greedy baseline（不保证最优 not optimal by design）"
    out = [
        "补齐方案 / Recommended appointments",
        f"分析日期 as of: {plan.as_of.isoformat()}　范围 scope: {scope}"
        + (f"　预算 budget: {plan.budget}" if plan.budget is not None else ""),
        f"新增职务 new posts: {len(plan.proposals)}　{head}　求解 solve: {s.seconds:.2f}s",
        f"校验 check: {'通过 passed' if plan.check.ok else '未通过 FAILED'}"
        f"（重新运行全部规则 every rule re-run on the changed graph）",
        "",
        "缺口数 findings before → after:",
        *_counts_line(plan.before, plan.after),
    ]
    if plan.check.progress:
        out.append(f"  其中 {len(plan.check.progress)} 个名义成员变为单向进入（进展，不是新缺口）/ "
                   f"{len(plan.check.progress)} members on paper became one-way (progress, not new findings)")
    out.append("")
    out.append(f"拟任 Proposals ({len(plan.proposals)}):")
    for i, p in enumerate(plan.proposals, 1):
        k = p.candidate
        dz, de = _DIRECTION[k.direction]
        st, cm = _place(plan, p.street, p.community)
        out.append(f"{i:>4}. [{st} {cm}] {p.person_name}（{k.person}）→ {p.org_name}（{k.org}）"
                   f"{p.as_dict()['role']}　{dz} / {de}")
        out.append(f"      {p.reason_zh}")
        out.append(f"      {p.reason_en}")
    out.append("")
    out.append(f"无法补齐 Findings no appointment closes ({len(plan.unclosable)}):")
    for u in plan.unclosable:
        f = u.finding
        out.append(f"  - {f.rule} {f.subject.name}（{f.subject.code}）：{u.why_zh}")
        out.append(f"    {f.rule} {f.subject.name} ({f.subject.code}): {u.why_en}")
    if not plan.check.ok:
        out.append("")
        out.append("校验未通过 / THE CHECK FAILED: " + json.dumps(plan.check.as_dict(), ensure_ascii=False))
    return "\n".join(out) + "\n"


def _meeting_rows(plan) -> list[list]:
    rows = []
    for i, p in enumerate(plan.proposals, 1):
        d = p.as_dict()
        k = p.candidate
        st, cm = _place(plan, p.street, p.community)
        closes = "\n".join(f"{f['rule']} {rule_label(f['rule']).split(' ', 1)[1].split(' / ')[0]}："
                           f"{f['subject']['name']}" for f in d["closes"]) or "（推进 progress）"
        rows.append([i, st, cm, f"{p.org_name}（{k.org}）", f"{p.person_name}（{k.person}）",
                     f"{p.home_name}{d['current_post']['role']}", f"{d['role']}（兼职）",
                     "\n".join(_DIRECTION[k.direction]), closes, f"{p.reason_zh}\n{p.reason_en}", "", ""])
    return rows


def _meeting_sheet(ws, plan) -> None:
    ws.title = "补齐方案"
    n = len(MEETING_HEADER)
    scope = plan.scope.get("community") or plan.scope.get("street") or "全部 all"
    title = (f"共驻共建补齐方案（拟任人员）　Recommended appointments — 分析日期 as of {plan.as_of.isoformat()}"
             f"　范围 scope {scope}　新增职务 {len(plan.proposals)} new posts")
    _put(ws, 1, 1, title).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for j, h in enumerate(MEETING_HEADER, 1):
        c = _put(ws, 2, j, h)
        c.fill, c.font, c.border = _HEAD_FILL, _HEAD_FONT, border
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for i, row in enumerate(_meeting_rows(plan), 3):
        for j, v in enumerate(row, 1):
            c = _put(ws, i, j, v)
            c.border = border
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for col, w in zip("ABCDEFGHIJKL", (5, 10, 10, 18, 14, 16, 12, 10, 24, 60, 16, 10)):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A3"
    print_setup(ws, "1:2", footer=True)  # the header on every printed page


def _plan_xlsx(plan) -> bytes:
    wb = Workbook()
    _meeting_sheet(wb.active, plan)
    ws = wb.create_sheet("无法补齐")
    rows = [[u.finding.rule, severity_label(u.finding.severity), u.finding.street or "",
             u.finding.community or "", u.finding.subject.code, u.finding.subject.name, u.code,
             u.why_zh, u.why_en] for u in plan.unclosable]
    _table(ws, ["规则 rule", "严重程度 severity", "街道 street", "社区 community", "对象编码 subject code",
                "对象名称 subject name", "原因代码 reason", "原因", "why"], rows, wrap_cols=(8, 9))
    ws = wb.create_sheet("校验")
    s = plan.solution
    rows = [[rule_label(r), plan.before.get(r, 0), plan.after.get(r, 0)]
            for r in sorted(set(plan.before) | set(plan.after))]
    rows += [["校验 check", "通过 passed" if plan.check.ok else "未通过 FAILED", ""],
             ["新增职务 new posts", len(plan.proposals), ""],
             ["最优 optimal", "是 yes" if s.optimal else "否 no", f"gap {s.gap:.2%}"],
             ["求解方法 method", plan.method, f"{s.seconds:.2f}s, {s.status}"],
             ["名义成员变为单向 paper → one-way (progress)", len(plan.check.progress), ""]]
    _table(ws, ["规则 rule", "方案前 before", "方案后 after"], rows)
    return workbook_bytes(wb)


def _page(title: str, lines: list[str], body: list[str]) -> str:
    """One self-contained page: the report's CSS, a header with ``lines``
    (escaped), ``body`` (already HTML), nothing loaded."""
    return "".join([
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>", *(f"<p>{escape(x)}</p>" for x in lines), "</header><main>",
        *body,
        "</main><footer>cobuild — 不含手机号 / no phone numbers</footer></body></html>\n",
    ])


def _plan_html(plan) -> str:
    s = plan.solution
    rows = [[r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7].replace("\n", " "), r[8].replace("\n", "；"),
             plan.proposals[i].reason_zh] for i, r in enumerate(_meeting_rows(plan))]
    counts = [[rule_label(r), plan.before.get(r, 0), plan.after.get(r, 0)]
              for r in sorted(set(plan.before) | set(plan.after))]
    un = [[u.finding.rule, u.finding.subject.name, u.finding.subject.code, f"{u.why_zh} / {u.why_en}"]
          for u in plan.unclosable]
    head = "最优（已证明）/ optimal (proven)" if s.optimal else f"未证明最优 / not proven optimal (gap {s.gap:.1%})"
    return _page("补齐方案 / Recommended appointments", [
        f"分析日期 As of: {plan.as_of.isoformat()}　新增职务 new posts: {len(plan.proposals)}　{head}　"
        f"校验 check: {'通过 passed' if plan.check.ok else '未通过 FAILED'}"], [
        "<h2>缺口数 / Findings before → after</h2>",
        _t(["规则 rule", "方案前 before", "方案后 after"], counts, numeric_from=1),
        "<h2>拟任人员 / Proposals</h2>",
        _t(["序号 no.", "街道 street", "社区 community", "党组织 org", "拟任人员 person", "现任职务 current",
            "拟任职务 proposed", "方向 direction", "解决的缺口 closes", "说明 why"], rows),
        "<h2>无法补齐 / Findings no appointment closes</h2>",
        _t(["规则 rule", "对象 subject", "编码 code", "原因 why"], un)])


def _dispatch(renderers: dict, obj, fmt: str) -> str | bytes:
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(renderers)}")
    return renderers[fmt](obj)


def render_plan(plan, fmt: str) -> str | bytes:
    """The plan in ``fmt`` (``bytes`` for xlsx)."""
    return _dispatch({"text": _plan_text, "json": lambda p: _json(p.as_dict()), "xlsx": _plan_xlsx,
                      "html": _plan_html}, plan, fmt)


# -- the forecast ---------------------------------------------------------------


def _cell_text(s: dict) -> str:
    n = sum(s["findings"].values())
    return str(n) if n else "·"


def _forecast_text(fc) -> str:
    out = ["12个月预测 / Forecast", f"分析日期 as of: {fc.as_of.isoformat()}，共 {len(fc.dates) - 1} 个月末 "
           f"month ends to {fc.dates[-1].isoformat()}", ""]
    out.append("缺口数（按社区党组织、月末）/ findings per community org and month end (· = none):")
    heads = [d.strftime("%y-%m") for d in fc.dates]
    out.append(f"  {'':<24}" + " ".join(f"{h:>5}" for h in heads))
    for c in fc.communities:
        label = f"{c['org_name']}"[:12]
        out.append(f"  {label:<12}{c['org']:<12}" + " ".join(f"{_cell_text(s):>5}" for s in c["series"]))
    out.append("")
    out.append(f"变化 Events ({len(fc.events)}):")
    for e in fc.events:
        word = "出现 appears" if e["change"] == "appears" else "消除 goes"
        out.append(f"  {e['date']} {e['rule']} {word}: {e['subject']['name']}（{e['subject']['code']}）")
    out.append("")
    out.append(f"换届断崖 換届 cliffs（同月到期 ≥ {fc.policy.plan.cliff_min_posts} 个联系职务 / "
               f"months with that many linking posts ending) ({len(fc.cliffs)}):")
    for c in fc.cliffs:
        names = "、".join(p["name"] for p in c["posts"])
        out.append(f"  {c['month']} {c['org_name']}（{c['org']}）：{len(c['posts'])} 个职务到期 posts end（{names}）")
    return "\n".join(out) + "\n"


def _forecast_xlsx(fc) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "预测"
    heads = ["社区党组织 org", "名称 name", "社区 community", "街道 street"] + [d.isoformat() for d in fc.dates]
    rows = [[c["org"], c["org_name"], c["community_name"] or c["community"] or "", c["street"] or "",
             *[sum(s["findings"].values()) for s in c["series"]]] for c in fc.communities]
    _table(ws, heads, rows)
    for i, c in enumerate(fc.communities, 2):
        for j, s in enumerate(c["series"], 5):
            cell = ws.cell(row=i, column=j)
            cell.fill = _SEV_FILL.get(s["worst"]) or PatternFill("solid", fgColor="E2F0D9")
            cell.comment = None
    r = len(rows) + 3
    _put(ws, r, 1, "颜色：最严重缺口的严重程度（红 高、黄 中、蓝 低、绿 无）；数字：缺口数 / "
                   "colour: worst severity (red high, yellow medium, blue low, green none); number: findings")
    ws2 = wb.create_sheet("兼职与双向")
    heads2 = ["社区党组织 org", "指标 figure"] + [d.isoformat() for d in fc.dates]
    rows2 = []
    for c in fc.communities:
        rows2.append([c["org"], "兼职委员 part-time members", *[s["part_time_members"] for s in c["series"]]])
        rows2.append([c["org"], "双向比例 two-way share", *[s["two_way_share"] for s in c["series"]]])
    _table(ws2, heads2, rows2)
    ws3 = wb.create_sheet("变化")
    _table(ws3, ["日期 date", "规则 rule", "变化 change", "严重程度 severity", "对象编码 subject", "对象名称 name",
                 "社区 community", "说明", "message"],
           [[e["date"], e["rule"], "出现 appears" if e["change"] == "appears" else "消除 goes",
             severity_label(e["severity"]), e["subject"]["code"], e["subject"]["name"], e["community"] or "",
             e["message_zh"], e["message_en"]] for e in fc.events], wrap_cols=(8, 9))
    ws4 = wb.create_sheet("换届断崖")
    _table(ws4, ["月份 month", "社区党组织 org", "名称 name", "社区 community", "到期职务数 posts ending",
                 "人员 people"],
           [[c["month"], c["org"], c["org_name"], c["community"] or "", len(c["posts"]),
             "、".join(f"{p['name']}（{p['end']}）" for p in c["posts"])] for c in fc.cliffs], wrap_cols=(6,))
    return workbook_bytes(wb)


def _forecast_html(fc) -> str:
    heads = "".join(f"<th>{escape(d.strftime('%Y-%m'))}</th>" for d in fc.dates)
    body = []
    for c in fc.communities:
        cells = "".join(
            f"<td class=\"n\" style=\"background:{_SEV_HTML[s['worst']]}\" title=\""
            f"{escape(', '.join(f'{k}×{v}' for k, v in s['findings'].items()) or '无缺口 none')}\">"
            f"{escape(_cell_text(s))}</td>" for s in c["series"])
        body.append(f"<tr><td>{escape(c['org_name'])}<br><small>{escape(c['org'])}</small></td>{cells}</tr>")
    legend = "".join(f"<span class=\"badge\" style=\"background:{_SEV_HTML[k]}\">{escape(v)}</span> "
                     for k, v in (("high", "高 high"), ("medium", "中 medium"), ("low", "低 low"),
                                  (None, "无 none")))
    ev = [[e["date"], e["rule"], "出现 appears" if e["change"] == "appears" else "消除 goes",
           e["subject"]["name"], e["message_zh"]] for e in fc.events]
    cl = [[c["month"], c["org_name"], len(c["posts"]), "、".join(p["name"] for p in c["posts"])] for c in fc.cliffs]
    return _page("12个月预测 / Forecast", [
        f"分析日期 As of: {fc.as_of.isoformat()}（至 to {fc.dates[-1].isoformat()}）"], [
        f"<h2>各社区党组织 × 月末 / Community organizations × month ends</h2><p>{legend}</p>",
        f"<table class=\"chart\"><thead><tr><th>社区党组织 org</th>{heads}</tr></thead><tbody>",
        "".join(body), "</tbody></table>",
        "<h2>换届断崖 / 换届 cliffs</h2>",
        _t(["月份 month", "社区党组织 org", "到期 posts ending", "人员 people"], cl),
        "<h2>变化 / Events</h2>",
        _t(["日期 date", "规则 rule", "变化 change", "对象 subject", "说明 message"], ev)])


def render_forecast(fc, fmt: str) -> str | bytes:
    """The forecast in ``fmt`` (``bytes`` for xlsx)."""
    return _dispatch({"text": _forecast_text, "json": lambda f: _json(f.as_dict()), "xlsx": _forecast_xlsx,
                      "html": _forecast_html}, fc, fmt)


# -- the what-if ------------------------------------------------------------------


def _whatif_text(sc) -> str:
    out = ["推演 / What if", f"分析日期 as of: {sc.as_of.isoformat()}", "", "变动 Changes:"]
    for zh, en in sc.descriptions:
        out.append(f"  - {zh} / {en}")
    out.append("")
    out.append(f"出现的缺口 Findings that appear ({len(sc.added)}):")
    for f in sc.added:
        out.append(f"  + [{SEVERITIES[f.severity][0]}] {f.rule} {f.subject.name}（{f.subject.code}）：{f.message_zh}")
    out.append(f"消除的缺口 Findings that go ({len(sc.removed)}):")
    for f in sc.removed:
        out.append(f"  - [{SEVERITIES[f.severity][0]}] {f.rule} {f.subject.name}（{f.subject.code}）")
    if sc.changed:
        out.append(f"变化的缺口 Findings that change ({len(sc.changed)}):")
        for a, b in sc.changed:
            out.append(f"  ~ {a.rule} {a.subject.name}（{a.subject.code}）：{b.message_zh}")
    out.append("")
    out.append("覆盖情况 Coverage before → after:")
    names = {"members": "成员单位党组织 member unit orgs", "u_to_c": "单位→社区 U→C",
             "c_to_u": "社区→单位 C→U", "two_way": "双向 two-way",
             "part_time_members": "兼职委员 part-time members", "two_way_share": "双向比例 two-way share",
             "findings": "缺口 findings"}
    for k, label in names.items():
        out.append(f"  {label}: {sc.before[k]} → {sc.after[k]}")
    for r in sc.communities:
        b, a = r["before"], r["after"]
        if b and a:
            out.append(f"  {r['org_name']}（{r['org']}）：双向 two-way {b['two_way']}→{a['two_way']}，"
                       f"兼职委员 part-time {b['part_time_members']}→{a['part_time_members']}")
    return "\n".join(out) + "\n"


def render_whatif(sc, fmt: str) -> str:
    """The what-if in ``fmt`` (``text`` or ``json``)."""
    return _dispatch({"text": _whatif_text, "json": lambda w: _json(w.as_dict())}, sc, fmt)
