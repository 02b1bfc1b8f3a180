"""G11 street without county leader (街道无包抓领导).

A street with no county leader in charge (no ``IN_CHARGE_OF`` liaison).
Liaisons have no term, so they always count. Subject: the street; street:
itself, community: none.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per street with no county leader in charge."""
    for s in sorted(view.nodes.get("Street", {})):
        if s in view.streets_in_charge:
            continue
        name = view.name("Street", s)
        zh = f"{name}没有县级领导包抓：建议明确一名县级党员领导干部包抓该街道，并在花名册“联系”表中登记。"
        en = (f"{name} has no county leader in charge: name a county-level party leader to take charge "
              f"of it and record them in the liaisons table.")
        yield make_finding(view, cfg, "Street", s, street=s, zh=zh, en=en, evidence=[schema.street_id(s)])


RULE = Rule(
    id="G11",
    name_zh="街道无包抓领导",
    name_en="street without county leader",
    subject_type="Street",
    default_severity="medium",
    description_zh="街道没有县级领导包抓。",
    description_en="A street with no county leader in charge.",
    check=check,
)
