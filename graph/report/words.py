"""The words every report uses for severities, rules, subjects and places."""

from __future__ import annotations

from graph import schema
from graph.analysis.rules import RULES_BY_ID
from graph.findings import SEVERITIES

__all__ = ["severity_label", "rule_label", "subject_label", "street_label", "community_label",
           "scope_label", "headline", "pct", "PAIR_LABELS"]


def severity_label(sev: str) -> str:
    """``"high"`` -> ``"高 high"``."""
    zh, en = SEVERITIES[sev]
    return f"{zh} {en}"


def rule_label(rule_id: str) -> str:
    """``"G01"`` -> ``"G01 兼职委员不足 / part-time members short"``."""
    r = RULES_BY_ID.get(rule_id)
    return f"{rule_id} {r.name_zh} / {r.name_en}" if r else rule_id


def subject_label(label: str) -> str:
    """``"PartyOrg"`` -> ``"党组织 party organization"``."""
    try:
        k = schema.node_kind(label)
        return f"{k.zh} {k.en}"
    except KeyError:
        return label


def street_label(analysis, code: str | None) -> str:
    if not code:
        return "（无街道 no street）"
    return f"{analysis.places['streets'].get(code, code)} ({code})"


def community_label(analysis, code: str | None) -> str:
    if not code:
        return "（街道层面 street level）"
    info = analysis.places["communities"].get(code)
    return f"{info['name'] if info else code} ({code})"


def scope_label(analysis) -> str:
    """What the report covers: one community, one street, or all of its
    source (the roster file, or what is stored in the database)."""
    c, s = analysis.scope.get("community"), analysis.scope.get("street")
    if c:
        return f"社区 community {community_label(analysis, c)}"
    if s:
        return f"街道 street {street_label(analysis, s)}"
    if analysis.source == "database":
        return "全部 everything stored in the database"
    return "全部 everything in the roster"


def pct(x: float) -> str:
    return f"{x:.0%}"


def headline(analysis) -> list[tuple[str, str, object]]:
    """The headline figures: (中文, English, value).

    Headlines count things (streets, orgs, people); figures that count
    membership pairs (纳入关系: one unit org taken into three community orgs
    is three pairs) say so in their label, so no figure reads as "160 of 146".
    """
    c = analysis.summary["county"]
    f = c["findings"]
    return [
        ("街道", "streets", c["streets"]),
        ("社区", "communities", c["communities"]),
        ("社区党组织", "community party organizations", c["community_orgs"]),
        ("驻区单位", "resident units", c["units"]),
        ("单位党组织", "unit party organizations", c["unit_orgs"]),
        ("纳入大党委的单位党组织", "unit party organizations taken in", c["member_orgs"]),
        (PAIR_LABELS["members"][0], PAIR_LABELS["members"][1], c["members"]),
        (PAIR_LABELS["u_to_c"][0], PAIR_LABELS["u_to_c"][1], c["u_to_c"]),
        (PAIR_LABELS["c_to_u"][0], PAIR_LABELS["c_to_u"][1], c["c_to_u"]),
        (PAIR_LABELS["two_way"][0], PAIR_LABELS["two_way"][1], c["two_way"]),
        (PAIR_LABELS["two_way_share"][0], PAIR_LABELS["two_way_share"][1], pct(c["two_way_share"])),
        ("兼职委员（来自成员单位，人）", "part-time members from member units (people)",
         c["part_time_members"]),
        ("缺口合计", "findings", f["total"]),
        ("其中 高", "of which high", f["high"]),
        ("其中 中", "of which medium", f["medium"]),
        ("其中 低", "of which low", f["low"]),
    ]


#: Labels of the figures that count membership pairs (纳入关系) when added up
#: over a street or the county: (中文, English).
PAIR_LABELS: dict[str, tuple[str, str]] = {
    "members": ("纳入关系（单位党组织–社区党组织，对）",
                "membership pairs (unit org – community org)"),
    "u_to_c": ("其中有单位→社区任职的（对）", "of which with a U → C post (pairs)"),
    "c_to_u": ("其中有社区→单位任职的（对）", "of which with a C → U post (pairs)"),
    "two_way": ("其中双向进入的（对）", "of which two-way (pairs)"),
    "two_way_share": ("双向进入比例（按纳入关系）", "two-way share (of membership pairs)"),
}
