"""The text report: a readable Chinese report with English beside.

Headline numbers, then the findings grouped by severity, street and
community with what to do next, then the coverage tables, the structural
figures and the rules applied.
"""

from __future__ import annotations

import unicodedata
from itertools import groupby

from graph.analysis.rules import RULES
from graph.reference import doc_ref
from graph.findings import SEVERITIES
from graph.report.stats import not_checked_lines, stats_table
from graph.report.words import (community_label, headline, pct, rule_label, scope_label, severity_label,
                                street_label, subject_label)

__all__ = ["render_text", "table_lines", "ARTICULATION_LINES"]

#: at most this many articulation points are listed
ARTICULATION_LINES = 50


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(s))
    return gap + s if right else s + gap


def table_lines(header: list[str], rows: list[list], numeric_from: int = 99, numeric_to: int = 99) -> list[str]:
    """A plain-text table (CJK-aware column widths)."""
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(header))]
    out = []
    for n, r in enumerate(cells):
        out.append("  " + "  ".join(_pad(c, widths[i], right=(numeric_from <= i <= numeric_to and n > 0))
                                    for i, c in enumerate(r)).rstrip())
        if n == 0:
            out.append("  " + "  ".join("-" * w for w in widths))
    return out


def render_text(analysis) -> str:
    """The text report of an :class:`~graph.analysis.Analysis`."""
    L: list[str] = []
    L.append("共驻共建缺口分析报告 / Co-building gap analysis report")
    L.append("=" * 60)
    L.append(f"分析日期 As of: {analysis.as_of.isoformat()}")
    L.append(f"范围 Scope: {scope_label(analysis)}")
    src = analysis.policy.source
    L.append(f"策略 Policy：{src if src else '默认 default'}")
    L.append(f"规则说明 Rules explained：{doc_ref('rules')}")
    L.append("")

    L.append("一、总体情况 / Headline")
    L.extend(table_lines(["指标 figure", "English", "数值 value"],
                    [[zh, en, v] for zh, en, v in headline(analysis)], numeric_from=2))
    L.append("")

    L.append("二、缺口与建议 / Findings and what to do next")
    if not analysis.findings:
        L.append("  未发现缺口。/ No gaps found.")
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(analysis.findings, key=lambda f: (rank[f.severity], f.street or "",
                                                       f.community or "", f.rule, f.subject.code))
    for sev, by_sev in groupby(ordered, key=lambda f: f.severity):
        by_sev = list(by_sev)
        L.append("")
        L.append(f"【{severity_label(sev)}】 {len(by_sev)} 项 findings")
        for street, by_street in groupby(by_sev, key=lambda f: f.street):
            L.append(f"  ▌{street_label(analysis, street)}")
            for comm, by_comm in groupby(by_street, key=lambda f: f.community):
                L.append(f"    ▸ {community_label(analysis, comm)}")
                for f in by_comm:
                    L.append(f"      [{rule_label(f.rule)}] {subject_label(f.subject.type)}: "
                             f"{f.subject.name} ({f.subject.code})  编号 id {f.id}")
                    L.append(f"        {f.message_zh}")
                    L.append(f"        {f.message_en}")
    L.append("")

    L.append("三、各社区党组织覆盖情况 / Coverage per community party organization")
    rows = [[r["org_name"], r["community_name"] or "-", r["members"], r["u_to_c"], r["c_to_u"],
             r["two_way"], pct(r["two_way_share"]), r["part_time_members"]]
            for r in analysis.summary["communities"]]
    if rows:
        L.extend(table_lines(["社区党组织 org", "社区 community", "成员 members", "U→C", "C→U",
                         "双向 two-way", "比例 share", "兼职委员 part-time"], rows, numeric_from=2))
    else:
        L.append("  （无 none）")
    L.append("")

    L.append("四、各街道覆盖情况 / Coverage per street")
    rows = [[r["name"], r["communities"], r["member_orgs"], r["members"], r["u_to_c"], r["c_to_u"],
             r["two_way"], pct(r["two_way_share"]), r["part_time_members"], r["findings"]["total"],
             r["findings"]["high"]] for r in analysis.summary["streets"]]
    c = analysis.summary["county"]
    rows.append(["合计 total", c["communities"], c["member_orgs"], c["members"], c["u_to_c"], c["c_to_u"],
                 c["two_way"], pct(c["two_way_share"]), c["part_time_members"], c["findings"]["total"],
                 c["findings"]["high"]])
    L.extend(table_lines(["街道 street", "社区 communities", "成员单位党组织 member orgs",
                     "纳入关系（对） pairs", "U→C（对）", "C→U（对）", "双向（对） two-way",
                     "比例 share", "兼职委员 part-time", "缺口 findings", "高 high"], rows, numeric_from=1))
    L.append("  纳入关系按“单位党组织–社区党组织”成对计数：一个联合党支部纳入三个社区党组织计三对。/ "
             "Pairs count (unit org, community org) memberships: a joint branch taken into three "
             "community orgs counts three times.")
    L.append("")

    s = analysis.structure
    if s:
        L.append("五、网络结构 / Network structure")
        b = s["betweenness"]
        L.append(f"  人员–党组织网络 person–org network: {s['graph']['people']} 人 people, "
                 f"{s['graph']['orgs']} 个党组织 orgs, {s['graph']['posts']} 个任职 posts")
        L.append(f"  介数中心性 betweenness: {b['note_zh']} / {b['note_en']}")
        L.append("")
        L.append("  联系最广的人（介数中心性）/ Who bridges the most (betweenness)")
        if s["bridges"]:
            L.extend(table_lines(["人员 person", "介数 betweenness", "涉及社区 communities", "任职 posts"],
                            [[f"{x['name']} ({x['person']})", x["betweenness"], len(x["communities"]),
                              x["posts"]] for x in s["bridges"]], numeric_from=1))
        else:
            L.append("  （无 none）")
        L.append("")
        L.append("  关键节点：一旦离开，社区与成员单位失去联系 / Articulation points: whose loss cuts "
                 "a community off from member units")
        if s["articulation"]:
            for r in s["articulation"][:ARTICULATION_LINES]:
                L.append(f"    {r['name']}（{r['code']}）— {r['community_org_name']}（{r['community_org']}），"
                         f"{community_label(analysis, r['community'])}：切断 cuts off "
                         f"{'、'.join(r['cuts_off_names'])}")
                L.append(f"      建议：{r['advice_zh']}")
                L.append(f"      What to do: {r['advice_en']}")
            more = len(s["articulation"]) - ARTICULATION_LINES
            if more > 0:
                L.append(f"    ……另有 {more} 个（见 xlsx/json 报告）/ {more} more (see the xlsx/json report)")
        else:
            L.append("    （无 none）")
        comps = s["components"]
        L.append("")
        L.append(f"  与全县主网络脱节的部分 / Parts cut off from the main network: {comps['cut_off']} 个 "
                 f"components, 含党组织 with {comps['cut_off_orgs']} orgs "
                 f"（其中完全无人任职 {comps['isolated_orgs']} with nobody holding a post）")
        for x in comps["largest_cut_off"]:
            L.append(f"    {x['size']} 个节点 nodes：{'、'.join(x['org_names'][:8])}"
                     f"{'等' if len(x['org_names']) > 8 else ''}")
            L.append(f"      建议：{x['advice_zh']}")
            L.append(f"      What to do: {x['advice_en']}")
        L.append("")
        L.append("  兼职最多的人 / Most cross-appointments")
        if s["cross_appointments"]:
            L.extend(table_lines(["人员 person", "兼职 part-time posts", "党组织 orgs"],
                            [[f"{x['name']} ({x['person']})", x["part_time_posts"], ", ".join(x["orgs"])]
                             for x in s["cross_appointments"]], numeric_from=1, numeric_to=1))
        else:
            L.append("  （无 none）")
        L.append("")

    not_checked = {e["rule"]: e for e in analysis.not_checked}
    L.append("六、适用规则 / Rules applied")
    for r in RULES:
        cfg = analysis.policy.rules.get(r.id) or r.default_config()
        state = "" if cfg.enabled else "  [已关闭 switched off]"
        if r.id in not_checked:
            state = "  [未检查 not checked]"
        params = ", ".join(f"{k}={v}" for k, v in cfg.params.items())
        L.append(f"  {rule_label(r.id)} — {severity_label(cfg.severity)}"
                 f"{'; ' + params if params else ''}{state}")
    if not_checked:
        L.append("")
        L.append("七、未检查的规则 / Rules not checked")
        L.extend(f"  {line}" for line in not_checked_lines(analysis.not_checked))
    if analysis.stats is not None:
        L.append("")
        L.append("八、统计表 / Statistics")
        header, rows = stats_table(analysis.stats)
        L.extend(table_lines(header, rows, numeric_from=3))
    return "\n".join(L) + "\n"
