"""The HTML report: one self-contained page (inline CSS, no script, no
external resource; a Content-Security-Policy forbids loading any). Every
string from the roster goes through :func:`html.escape`.
"""

from __future__ import annotations

from html import escape
from itertools import groupby

from graph.analysis.rules import RULES
from graph.findings import SEVERITIES
from graph.reference import DOCS, docs_dir
from graph.report.charts import chart_figures, svg
from graph.report.text import ARTICULATION_LINES
from graph.report.words import (community_label, headline, pct, rule_label, scope_label, severity_label,
                                street_label, subject_label)

__all__ = ["render_html", "table_html", "page", "CSP"]

_CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#222;background:#f6f6f6}
header{background:#b00000;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:22px}
header p{margin:2px 0;font-size:14px}
main{padding:18px 28px;max-width:1280px}
h2{border-left:5px solid #b00000;padding-left:10px;font-size:18px;margin-top:28px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#fff;border-radius:6px;padding:10px 14px;min-width:150px;box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:22px}
.card span{font-size:12px;color:#555}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0;font-size:13px}
th,td{border:1px solid #ddd;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f0e0e0}
td.n{text-align:right}
details{background:#fff;margin:8px 0;border-radius:6px;box-shadow:0 1px 2px #0002}
summary{cursor:pointer;padding:8px 12px;font-weight:bold}
.sev-high summary{background:#f8cbad}.sev-medium summary{background:#ffe699}.sev-low summary{background:#ddebf7}
.street{margin:6px 14px}.street>h3{font-size:15px;margin:8px 0}
.community{margin:4px 14px 10px}.community>h4{font-size:14px;margin:6px 0;color:#444}
.finding{border-left:3px solid #ccc;margin:6px 0;padding:4px 10px;background:#fafafa}
.finding .rule{font-size:12px;color:#b00000}
.finding .en{color:#555;font-size:13px}
.finding .ev{color:#888;font-size:11px;word-break:break-all}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px}
.b-high{background:#c00000;color:#fff}.b-medium{background:#e6a000;color:#fff}.b-low{background:#5b9bd5;color:#fff}
footer{color:#888;font-size:12px;padding:18px 28px}
.charts{display:flex;flex-wrap:wrap;gap:14px}
.chart-box{margin:0;background:#fff;border-radius:6px;padding:10px 12px;box-shadow:0 1px 2px #0002;max-width:100%;overflow-x:auto}
.chart-box p{margin:4px 0 0;font-size:12px;color:#555}
svg.chart{max-width:100%;height:auto}
p.note{font-size:12px;color:#555}
figure{margin:10px 0;overflow-x:auto}figure svg{background:#fff}
@page{size:A4 landscape;margin:14mm 12mm}
@media print{
body{background:#fff;font-size:11pt}
header{background:#fff;color:#000;border-bottom:3px solid #b00000;padding:0 0 8px}
main{padding:0;max-width:none}
h2{break-after:avoid;page-break-after:avoid}
.card,.chart-box,details{box-shadow:none;border:1px solid #ccc}
.chart-box,tr,.finding{break-inside:avoid;page-break-inside:avoid}
details>summary{list-style:none}
details::details-content{content-visibility:visible;display:block}
thead{display:table-header-group}
table{font-size:9pt}
a{color:#000;text-decoration:none}
footer{padding:8px 0}
}
"""


#: The page may show only its own inline CSS (its charts are inline SVG).
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def page(title: str, header_lines: list[str], body: str) -> str:
    """A whole self-contained page: ``title``, the header lines under it,
    and ``body`` (HTML already escaped)."""
    lines = "".join(f"<p>{escape(x)}</p>" for x in header_lines)
    return "".join([
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(title)}</h1>{lines}</header><main>{body}</main>",
        f"<footer>{_doc_links()}cobuild — 本报告不含手机号等个人信息 / this report holds no phone numbers or "
        "other personal contact data</footer></body></html>\n",
    ])


def table_html(header: list[str], rows: list[list], numeric_from: int = 99) -> str:
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in header), "</tr></thead><tbody>"]
    for r in rows:
        out.append("<tr>" + "".join(
            f"<td class=\"n\">{escape(str(v))}</td>" if i >= numeric_from else f"<td>{escape(str(v))}</td>"
            for i, v in enumerate(r)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _findings(a) -> str:
    if not a.findings:
        return "<p>未发现缺口。/ No gaps found.</p>"
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(a.findings, key=lambda f: (rank[f.severity], f.street or "", f.community or "",
                                                f.rule, f.subject.code))
    out = []
    for sev, by_sev in groupby(ordered, key=lambda f: f.severity):
        by_sev = list(by_sev)
        out.append(f'<details class="sev-{sev}"{" open" if sev == "high" else ""}>'
                   f"<summary>{escape(severity_label(sev))} — {len(by_sev)} 项 findings</summary>")
        for street, by_street in groupby(by_sev, key=lambda f: f.street):
            out.append(f'<div class="street"><h3>{escape(street_label(a, street))}</h3>')
            for comm, by_comm in groupby(by_street, key=lambda f: f.community):
                out.append(f'<div class="community"><h4>{escape(community_label(a, comm))}</h4>')
                for f in by_comm:
                    out.append(
                        '<div class="finding">'
                        f'<div class="rule"><span class="badge b-{f.severity}">{escape(SEVERITIES[f.severity][0])}</span> '
                        f"{escape(rule_label(f.rule))} · {escape(subject_label(f.subject.type))}: "
                        f"<b>{escape(f.subject.name)}</b> ({escape(f.subject.code)})"
                        f' <span class="id">编号 id {escape(f.id)}</span></div>'
                        f'<div class="zh">{escape(f.message_zh)}</div>'
                        f'<div class="en">{escape(f.message_en)}</div>'
                        f'<div class="ev">依据 evidence：{escape("；".join(f.evidence_text or f.evidence))}</div>'
                        "</div>")
                out.append("</div>")
            out.append("</div>")
        out.append("</details>")
    return "".join(out)


def _structure(a) -> str:
    s = a.structure
    if not s:
        return "<p>（未计算 not computed）</p>"
    b, comps = s["betweenness"], s["components"]
    out = [f"<p>人员–党组织网络 person–org network: {s['graph']['people']} 人 people, "
           f"{s['graph']['orgs']} 个党组织 orgs, {s['graph']['posts']} 个任职 posts. "
           f"介数中心性 betweenness: {escape(b['note_zh'])} / {escape(b['note_en'])}</p>"]
    out.append("<h3>联系最广的人 / Who bridges the most</h3>")
    out.append(table_html(["人员 person", "编码 code", "介数 betweenness", "涉及社区 communities", "任职 posts"],
                  [[x["name"], x["person"], x["betweenness"], ", ".join(x["communities"]), x["posts"]]
                   for x in s["bridges"]], numeric_from=2))
    out.append("<h3>关键节点 / Articulation points (whose loss cuts a community off from members)</h3>")
    out.append(table_html(["节点 node", "社区党组织 community org", "社区 community", "切断的成员单位党组织 cuts off",
                   "建议 what to do"],
                  [[f"{x['name']}（{x['code']}）", f"{x['community_org_name']}（{x['community_org']}）",
                    community_label(a, x["community"]), "、".join(x["cuts_off_names"]),
                    f"{x['advice_zh']} / {x['advice_en']}"]
                   for x in s["articulation"][:ARTICULATION_LINES]]))
    if len(s["articulation"]) > ARTICULATION_LINES:
        more = len(s["articulation"]) - ARTICULATION_LINES
        out.append(f"<p>……另有 {more} 个（见 xlsx/json 报告）/ {more} more (see the xlsx/json report)</p>")
    out.append(f"<h3>与主网络脱节 / Cut off from the main network</h3><p>{comps['cut_off']} 个部分 components，"
               f"含 {comps['cut_off_orgs']} 个党组织 orgs（其中 {comps['isolated_orgs']} 个无人任职 with nobody "
               f"holding a post）</p>")
    out.append(table_html(["规模 size", "党组织 orgs", "人员 people", "社区 communities", "建议 what to do"],
                  [[x["size"], "、".join(x["org_names"][:12]) + ("等" if len(x["org_names"]) > 12 else ""),
                    len(x["people"]), "、".join(community_label(a, c) for c in x["communities"]),
                    f"{x['advice_zh']} / {x['advice_en']}"]
                   for x in comps["largest_cut_off"]]))
    out.append("<h3>兼职最多的人 / Most cross-appointments</h3>")
    out.append(table_html(["人员 person", "编码 code", "兼职 part-time posts", "党组织 orgs"],
                  [[x["name"], x["person"], x["part_time_posts"], ", ".join(x["orgs"])]
                   for x in s["cross_appointments"]]))
    return "".join(out)


def _charts(a) -> str:
    boxes = []
    for chart in chart_figures(a):
        note = f"<p>{escape(chart.note)}</p>" if chart.note else ""
        boxes.append(f'<figure class="chart-box">{svg(chart)}{note}</figure>')
    if not boxes:
        return ""
    return ("<h2>图表 / Charts</h2><div class=\"charts\">" + "".join(boxes) + "</div>")


def _doc_links() -> str:
    """Links to the user docs (the files, when the docs are at hand)."""
    d = docs_dir()
    items = (("rules", "缺口规则及阈值 rules and thresholds"), ("roster", "花名册格式 roster format"),
             ("walkthrough", "操作指引 walk-through"))
    if d is None:
        return "<p>说明文档 docs：" + "；".join(f"{escape(w)}：docs/{DOCS[k]}" for k, w in items) + "</p>"
    return "<p>说明文档 docs：" + "；".join(
        f'<a href="{escape((d / DOCS[k]).as_uri())}">{escape(w)}</a>' for k, w in items) + "</p>"


def render_html(analysis) -> str:
    """The report as one self-contained HTML page."""
    a = analysis
    cards = "".join(f'<div class="card"><b>{escape(str(v))}</b><span>{escape(zh)}<br>{escape(en)}</span></div>'
                    for zh, en, v in headline(a))
    comm_rows = [[r["org_name"], r["org"], r["community_name"] or "", r["members"], r["u_to_c"], r["c_to_u"],
                  r["two_way"], pct(r["two_way_share"]), r["part_time_members"]] for r in a.summary["communities"]]
    c = a.summary["county"]
    street_rows = [[r["name"], r["street"], r["communities"], r["member_orgs"], r["members"], r["u_to_c"],
                    r["c_to_u"], r["two_way"], pct(r["two_way_share"]), r["part_time_members"],
                    r["findings"]["total"]] for r in a.summary["streets"]]
    street_rows.append(["合计 total", "", c["communities"], c["member_orgs"], c["members"], c["u_to_c"],
                        c["c_to_u"], c["two_way"], pct(c["two_way_share"]), c["part_time_members"],
                        c["findings"]["total"]])
    rule_rows = []
    for r in RULES:
        cfg = a.policy.rules.get(r.id) or r.default_config()
        enabled = "是 yes" if cfg.enabled else "否 no"
        if r.id in {e["rule"] for e in a.not_checked}:
            enabled += "（未检查 not checked）"
        rule_rows.append([rule_label(r.id), enabled, severity_label(cfg.severity),
                          ", ".join(f"{k}={v}" for k, v in cfg.params.items()),
                          f"{r.description_zh} / {r.description_en}"])
    from graph.report.stats import not_checked_lines, stats_html

    nc = ""
    if a.not_checked:
        nc = ("<h2>未检查的规则 / Rules not checked</h2><ul>"
              + "".join(f"<li>{escape(x)}</li>" for x in not_checked_lines(a.not_checked)) + "</ul>")
    stats = f"<h2>统计表 / Statistics</h2>{stats_html(a.stats)}" if a.stats is not None else ""
    return "".join([
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<title>共驻共建缺口分析报告 / Co-building gap analysis</title>",
        f"<style>{_CSS}</style></head><body>",
        "<header><h1>共驻共建缺口分析报告 / Co-building gap analysis report</h1>",
        f"<p>分析日期 As of: {escape(a.as_of.isoformat())}</p>",
        f"<p>范围 Scope: {escape(scope_label(a))}</p>",
        f"<p>策略 Policy：{escape(a.policy.source or '默认 default')}</p></header><main>",
        f"<h2>总体情况 / Headline</h2><div class=\"cards\">{cards}</div>",
        _charts(a),
        f"<h2>缺口与建议 / Findings and what to do next</h2>{_findings(a)}",
        "<h2>各社区党组织覆盖 / Coverage per community party organization</h2>",
        table_html(["社区党组织 org", "编码 code", "社区 community", "成员 members", "U→C", "C→U", "双向 two-way",
            "比例 share", "兼职委员 part-time"], comm_rows, numeric_from=3),
        "<h2>各街道覆盖 / Coverage per street</h2>",
        table_html(["街道 street", "编码 code", "社区 communities", "成员单位党组织 member orgs",
            "纳入关系（对） pairs", "U→C（对）", "C→U（对）", "双向（对） two-way", "比例 share",
            "兼职委员 part-time", "缺口 findings"], street_rows, numeric_from=2),
        "<p class=\"note\">纳入关系按“单位党组织–社区党组织”成对计数：一个联合党支部纳入三个社区党组织计三对。"
        " / Pairs count (unit org, community org) memberships: a joint branch taken into three "
        "community orgs counts three times.</p>",
        stats,
        f"<h2>网络结构 / Network structure</h2>{_structure(a)}",
        nc,
        "<h2>适用规则 / Rules applied</h2>",
        table_html(["规则 rule", "启用 enabled", "严重程度 severity", "参数 parameters", "说明 description"], rule_rows),
        f"</main><footer>{_doc_links()}cobuild — 本报告不含手机号等个人信息 / this report holds no phone "
        "numbers or other personal contact data</footer></body></html>\n",
    ])
