"""G08 single point of failure (单点依赖).

A person who is the only link, counting both directions, between a
community org C and at least ``spof_min_units`` of C's member unit orgs
(exactly ``spof_min_units`` is a finding). One finding per (person, C).
Subject: the person; community: C's community.
"""

from __future__ import annotations

from collections import defaultdict

from graph import schema
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check", "sole_links"]


def sole_links(view, c: str) -> dict[str, list[str]]:
    """person -> member unit orgs of community org ``c`` whose only link
    with ``c`` that person is."""
    cov = view.coverage[c]
    out: dict[str, list[str]] = defaultdict(list)
    for u in cov.members:
        people = {p.person for p in cov.u_to_c.get(u, ())} | {p.person for p in cov.c_to_u.get(u, ())}
        if len(people) == 1:
            out[people.pop()].append(u)
    return out


def check(view, cfg):
    """Yield a finding per person who alone holds several member units to a
    community org."""
    need = cfg["spof_min_units"]
    for c in view.community_orgs:
        cov = view.coverage[c]
        community, street = view.org_place(c)
        cname = view.name("PartyOrg", c)
        for person, units in sorted(sole_links(view, c).items()):
            if len(units) < need:
                continue
            name = view.name("Person", person)
            uz, ue = view.name_list("PartyOrg", units)
            zh = (f"{name}是{cname}与{len(units)}个成员单位党组织（{uz}）之间唯一的交叉任职联系人："
                  f"一旦其离任或调动，这些单位将与社区失去联系。建议为每个单位再安排一名兼职人员作为后备。")
            en = (f"{name} is the only cross-appointment link between {cname} and {len(units)} member "
                  f"unit organizations ({ue}): if they leave, these units lose their link with the "
                  f"community. Give each unit a second part-time post holder.")
            posts = [p for u in units for p in cov.u_to_c.get(u, []) + cov.c_to_u.get(u, [])]
            evidence = ([schema.person_id(person), schema.org_id(c)] + [schema.org_id(u) for u in units]
                        + [p.id for p in posts])
            yield make_finding(view, cfg, "Person", person, community=community, street=street,
                               zh=zh, en=en, evidence=evidence, key=[schema.org_id(c)])



RULE = Rule(
    id="G08",
    name_zh="单点依赖",
    name_en="single point of failure",
    subject_type="Person",
    default_severity="high",
    description_zh="某人是社区党组织与若干（默认2个及以上）成员单位党组织之间唯一的联系人（任一方向）。",
    description_en="A person who is the only link (in either direction) between a community party "
                   "organization and at least spof_min_units of its member unit organizations (default 2).",
    check=check,
    params=(
        Param("spof_min_units", "int", 2, "唯一联系的成员单位数下限", "least number of member units held by one person",
              minimum=1, maximum=1000),
    ),
)
