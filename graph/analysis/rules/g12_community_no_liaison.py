"""G12 community without liaison (社区无联系领导).

A community with no county leader keeping in touch (no ``LIAISES_WITH``
liaison). Subject: the community.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per community with no county liaison leader."""
    for c in sorted(view.nodes.get("Community", {})):
        if c in view.communities_with_liaison:
            continue
        name = view.name("Community", c)
        zh = f"{name}没有县级联系领导：建议明确一名县级党员领导干部联系该社区，并在花名册“联系”表中登记。"
        en = (f"{name} has no county leader keeping in touch: name a county-level party leader as its "
              f"liaison and record them in the liaisons table.")
        yield make_finding(view, cfg, "Community", c, community=c, zh=zh, en=en,
                           evidence=[schema.community_id(c)])


RULE = Rule(
    id="G12",
    name_zh="社区无联系领导",
    name_en="community without liaison",
    subject_type="Community",
    default_severity="low",
    description_zh="社区没有县级领导联系。",
    description_en="A community with no county leader keeping in touch.",
    check=check,
)
