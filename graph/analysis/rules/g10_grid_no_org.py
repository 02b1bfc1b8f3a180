"""G10 grid without party organization (网格无党组织).

A grid with no grid branch or grid group (an org of a kind in
:data:`graph.schema.GRID_ORG_KINDS` that belongs to the grid). Subject: the
grid; community: the grid's community.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per grid with no grid party organization."""
    for g in sorted(view.nodes.get("Grid", {})):
        if view.grid_orgs_of.get(g):
            continue
        x = view.grid_community.get(g)
        name = view.name("Grid", g)
        where = f"（{view.name('Community', x)}）" if x else ""
        zh = (f"{name}{where}没有网格党支部或网格党小组："
              f"建议依托网格内党员建立网格党小组，党员较多的建立网格党支部，并选出党员中心户。")
        en = (f"{name}{' (' + view.name('Community', x) + ')' if x else ''} has no grid party branch or group: form a grid party group from the "
              f"party members living there (a branch when there are many), and name central households.")
        yield make_finding(view, cfg, "Grid", g, community=x, zh=zh, en=en,
                           evidence=[schema.grid_id(g)] + ([schema.community_id(x)] if x else []))


RULE = Rule(
    id="G10",
    name_zh="网格无党组织",
    name_en="grid without party organization",
    subject_type="Grid",
    default_severity="medium",
    description_zh="网格没有网格党支部或网格党小组。",
    description_en="A grid with no grid party branch or grid party group.",
    check=check,
)
