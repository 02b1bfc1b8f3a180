"""G06 two-way coverage low (双向进入覆盖率低).

A community org whose share of member unit orgs with a two-way link is below
``min_two_way_share`` (compared exactly: 3 of 10 is not below 0.3). A
community org with no member unit orgs has no share and is not a finding
here (G01 reports it). Subject: the community org.
"""

from __future__ import annotations

import math
from fractions import Fraction

from graph import schema
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per community org with too few two-way members."""
    threshold = cfg["min_two_way_share"]
    limit = Fraction(str(threshold))
    for c in view.community_orgs:
        cov = view.coverage[c]
        m = len(cov.members)
        if not m:
            continue
        two_way = cov.two_way
        if Fraction(len(two_way), m) >= limit:
            continue
        community, street = view.org_place(c)
        cname = view.name("PartyOrg", c)
        missing = [u for u in cov.members if u not in set(two_way)]
        mz, me = view.name_list("PartyOrg", missing, limit=3)
        # the share rounded down and the threshold as given, so a share just
        # below the threshold never reads "33% ... below 33%"
        share = f"{math.floor(Fraction(100 * len(two_way), m))}%"
        least = f"{float(threshold) * 100:.4g}%"
        zh = (f"{cname}的{m}个成员单位党组织中只有{len(two_way)}个（{share}）实现双向进入，"
              f"低于{least}：建议优先为{mz}补齐交叉任职。")
        en = (f"Only {len(two_way)} of the {m} member unit organizations of {cname} "
              f"({share}) have a two-way link, below {least}: start with "
              f"cross-appointments for {me}.")
        yield make_finding(view, cfg, "PartyOrg", c, community=community, street=street, zh=zh, en=en,
                           evidence=[schema.org_id(c)] + [schema.org_id(u) for u in missing])


RULE = Rule(
    id="G06",
    name_zh="双向进入覆盖率低",
    name_en="two-way coverage low",
    subject_type="PartyOrg",
    default_severity="medium",
    description_zh="社区党组织的成员单位党组织中，实现双向进入的比例低于下限（默认0.3）。",
    description_en="A community party organization whose share of member unit organizations with a "
                   "two-way link is below min_two_way_share (default 0.3).",
    check=check,
    params=(
        Param("min_two_way_share", "float", 0.3, "双向进入比例下限（0–1）",
              "minimum share of two-way members (0–1)", minimum=0.0, maximum=1.0),
    ),
)
