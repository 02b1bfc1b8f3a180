"""Hover texts of the explorer: plain text, one fact per line.

vis-network shows a string ``title`` with ``innerText``, so these texts are
never parsed as HTML; they must stay strings (an element would be inserted
as is). Phone numbers are masked here unless the caller may see them.

Each text is a :class:`Tooltip`: the plain string the API serves, which
also remembers its pieces (the names, codes and phrases it is made of), so
that the page can write each distinct piece once (names and finding texts
recur in many tooltips) and ``explorer.js`` joins them again.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from graph import schema
from graph.analysis.view import post_counts
from graph.findings import SEVERITIES, Finding
from graph.privacy import mask_phone

__all__ = ["Tooltip", "node_title", "group_title", "link_title", "relation_title", "post_words",
           "finding_lines", "LINK_WORDS", "MAX_LINES"]

#: At most this many posts / findings / names are listed in one tooltip.
MAX_LINES = 12

#: One line of a tooltip: a string, or a tuple of pieces written one after
#: the other.
Line = str | tuple[str, ...]


class Tooltip(str):
    """A hover text: the string of its lines joined by newlines, which keeps
    ``parts``, its lines as given (a line of pieces is a tuple: ``"".join``
    gives the line). It is a ``str`` everywhere (JSON, comparisons); only
    the page's packer (:class:`graph.explorer.page.PageData`) reads
    ``parts``.

    >>> t = Tooltip(["王书记", ("编码 code: ", "P1")])
    >>> t, t.parts
    ('王书记\\n编码 code: P1', ('王书记', ('编码 code: ', 'P1')))
    """

    parts: tuple[Line, ...]

    def __new__(cls, lines: list[Line]) -> "Tooltip":
        self = super().__new__(cls, "\n".join(
            [line if isinstance(line, str) else "".join(line) for line in lines]))
        self.parts = tuple(lines)
        return self


def _role(role) -> str:
    if role in schema.ROLE.codes:
        m = schema.ROLE.by_code(role)
        return f"{m.zh} {m.en}"
    return str(role or "")


def _post_type(code) -> str:
    if code in schema.POST_TYPE.codes:
        m = schema.POST_TYPE.by_code(code)
        return f"{m.zh} {m.en}"
    return str(code or "")


def _term(data: dict) -> str:
    start, end = data.get("start"), data.get("end")
    if not start and not end:
        return ""
    return f", {start.isoformat() if start else '…'}–{end.isoformat() if end else '…'}"


def _status(data: dict, as_of: date) -> str:
    if post_counts(data.get("start"), data.get("end"), as_of):
        return "在任 in force"
    start = data.get("start")
    if start is not None and start > as_of:
        return "未开始 not started"
    return "已结束 ended"


def post_words(data: dict, as_of: date) -> str:
    """``兼职委员 part-time committee member, 兼职 part-time post, 2024-01-01–…（在任 in force）``."""
    return (f"{_role(data.get('role'))}, {_post_type(data.get('post_type'))}{_term(data)}"
            f"（{_status(data, as_of)}）")


def _more(lines: list[Line], total: int, indent: str = "  ") -> list[Line]:
    if total > len(lines):
        lines.append(f"{indent}…另有 {total - len(lines)} 条 and {total - len(lines)} more")
    return lines


def _name(G, nid: str) -> str:
    attrs = G.nodes[nid]
    label = attrs.get("label") or schema.split_node_id(nid)[0]
    key = schema.node_kind(label).name_key if label in schema.NODE_KINDS_BY_LABEL else "name"
    return str(attrs.get(key) or attrs.get("code") or nid)


def _kind_line(label: str, attrs: dict, view_kind) -> str:
    line = f"{view_kind.zh} {view_kind.en}"
    sub = attrs.get("kind")
    vs = {"Unit": schema.UNIT_KIND, "PartyOrg": schema.ORG_KIND}.get(label)
    if vs and sub in vs.codes:
        m = vs.by_code(sub)
        line += f" · {m.zh} {m.en}"
    return line


def finding_lines(findings: list[Finding], rule_names: dict[str, str]) -> list[str]:
    """``[高 high] G01 兼职委员不足 …`` then the messages, most urgent first."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    fs = sorted(findings, key=lambda f: (order[f.severity], f.rule))
    lines = [f"发现 findings ({len(fs)}):"]
    for f in fs[:MAX_LINES]:
        zh, en = SEVERITIES[f.severity]
        name = rule_names.get(f.rule, "")
        lines.append(f"  [{zh} {en}] {f.rule} {name}".rstrip())
        lines.append(f"    {f.message_zh}")
        lines.append(f"    {f.message_en}")
    if len(fs) > MAX_LINES:
        lines.append(f"  …另有 {len(fs) - MAX_LINES} 条 and {len(fs) - MAX_LINES} more")
    return lines


def node_title(G, nid: str, view_kind, *, as_of: date, findings: list[Finding],
               show_phones: bool, place: str | None, rule_names: dict[str, str],
               extra: list[str] = ()) -> Tooltip:
    """The hover text of one graph node: name, kind, code, place, phone,
    posts (with their standing on ``as_of``), extra lines, findings."""
    attrs = G.nodes[nid]
    label = attrs.get("label") or schema.split_node_id(nid)[0]
    lines: list[Line] = [_name(G, nid), _kind_line(label, attrs, view_kind),
                         ("编码 code: ", str(attrs.get("code", schema.split_node_id(nid)[1])))]
    if place:
        lines.append(("所在社区 community: ", place))
    if label == "Person":
        phone = attrs.get("phone")
        if phone:
            lines.append(("手机 phone: ", str(phone if show_phones else mask_phone(phone))))
        posts = [(v, d) for _, v, d in G.out_edges(nid, data=True) if d.get("type") == "HOLDS"]
        if posts:
            lines.append(f"任职 posts （截至 as of {as_of.isoformat()}）：")
            shown: list[Line] = [("  · ", _name(G, v), " — ", post_words(d, as_of))
                                 for v, d in sorted(posts, key=lambda x: x[0])]
            lines += _more(shown[:MAX_LINES], len(shown))
    elif label == "PartyOrg":
        holders = [(u, d) for u, _, d in G.in_edges(nid, data=True) if d.get("type") == "HOLDS"]
        active = [(u, d) for u, d in holders if post_counts(d.get("start"), d.get("end"), as_of)]
        if holders:
            lines.append(f"在任人员 posts in force（{len(active)}/{len(holders)}，"
                         f"截至 as of {as_of.isoformat()}）：")
            shown = [("  · ", _name(G, u), " — ",
                      f"{_role(d.get('role'))}, {_post_type(d.get('post_type'))}{_term(d)}")
                     for u, d in sorted(active, key=lambda x: x[0])]
            lines += _more(shown[:MAX_LINES], len(shown))
    lines += list(extra)
    if findings:
        lines += finding_lines(findings, rule_names)
    return Tooltip(lines)


def group_title(community_name: str, view_kind, members: dict[str, list[str]],
                link_counts: Counter, findings: list[Finding], rule_names: dict[str, str]) -> Tooltip:
    """The hover text of a per-community group node: what it stands for."""
    lines = [f"{community_name} — {view_kind.zh} {view_kind.en}",
             "全县视图中合为一个点；打开该社区或街道可看到每个节点",
             "drawn as one node in the county view; open the community or street to see each"]
    for label, names in members.items():
        k = schema.node_kind(label)
        lines.append(f"{k.zh} {k.en}: {len(names)}")
        shown = [f"  · {n}" for n in names[:5]]
        lines += _more(shown, len(names))
    if link_counts:
        lines.append("与社区党组织的联系 links with the community orgs: "
                     + ", ".join(f"{LINK_WORDS[k]} {link_counts[k]}" for k in LINK_WORDS
                                 if link_counts.get(k)))
    if findings:
        by_sev = Counter(f.severity for f in findings)
        lines.append("发现 findings: " + ", ".join(
            f"{SEVERITIES[s][0]} {s} {by_sev[s]}" for s in SEVERITIES if by_sev.get(s)))
        by_rule = Counter(f.rule for f in findings)
        for rule, n in sorted(by_rule.items()):
            lines.append(f"  {rule} {rule_names.get(rule, '')} ×{n}")
    return Tooltip(lines)


#: Words for a link state in tooltips.
LINK_WORDS: dict[str, str] = {
    "two_way": "双向 two-way",
    "one_way": "单向 one-way",
    "none": "无交叉任职 none",
}


def _people(G, posts) -> str:
    names = sorted({_name(G, schema.person_id(p.person)) for p in posts if G.has_node(schema.person_id(p.person))})
    return "、".join(names) if names else "—"


def link_title(G, unit_org: str, community_org: str, u_to_c, c_to_u, drawn: str) -> Tooltip:
    """Hover text of a drawn co-building link edge.

    ``drawn`` says which edge this is: ``"two_way"``, ``"u_to_c"``,
    ``"c_to_u"`` (a present direction), ``"missing_u_to_c"``,
    ``"missing_c_to_u"`` or ``"none"`` (a member with no link at all).
    """
    u, c = _name(G, unit_org), _name(G, community_org)
    head: tuple[str, ...] = {
        "two_way": ("双向进入 two-way link: ", u, " ⇄ ", c),
        "u_to_c": ("单向进入 one-way link: ", u, " → ", c),
        "c_to_u": ("单向进入 one-way link: ", c, " → ", u),
        "missing_u_to_c": ("缺失 missing: ", u, " → ", c, "（无单位人员到社区兼职 no one from the unit "
                           "holds a part-time post in the community org）"),
        "missing_c_to_u": ("缺失 missing: ", c, " → ", u, "（无社区人员到单位兼职 no one from the "
                           "community holds a part-time post in the unit org）"),
        "none": ("无交叉任职 member on paper: ", u, " 已纳入 ", c, " 但双方均无交叉任职 "
                 "(taken in, no cross-appointment either way)"),
    }[drawn]
    lines: list[Line] = [head, (u, " 纳入 taken into ", c)]
    if u_to_c:
        lines.append(("单位 → 社区 U → C: ", _people(G, u_to_c)))
    if c_to_u:
        lines.append(("社区 → 单位 C → U: ", _people(G, c_to_u)))
    return Tooltip(lines)


def relation_title(source: str, target: str, words: str, post: str | None = None) -> Tooltip:
    """Hover text of a relationship edge: ``source → target``, then what it
    is (a post's words after a colon)."""
    return Tooltip([(source, " → ", target), (words, ": ", post) if post else words])
