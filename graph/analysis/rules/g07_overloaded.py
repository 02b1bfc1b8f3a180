"""G07 overloaded person (兼职过多).

A person with more than ``max_part_time_posts`` part-time posts that count
on the as-of date (each post counts, also two seats in one org). Subject:
the person; community: that of their first home org (else of their first
post's org).
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per person holding too many part-time posts."""
    most = cfg["max_part_time_posts"]
    for person in sorted(view.posts_of_person):
        posts = [p for p in view.posts_of_person[person] if p.post_type == "part_time"]
        if len(posts) <= most:
            continue
        name = view.name("Person", person)
        oz, oe = view.name_list("PartyOrg", sorted({p.org for p in posts}))
        zh = (f"{name}同时担任{len(posts)}个兼职（超过{most}个：{oz}）："
              f"建议将部分兼职交由其他同志承担，减轻负担，也避免联系都系于一人。")
        en = (f"{name} holds {len(posts)} part-time posts (more than {most}: {oe}): hand some of them "
              f"to others, to lighten the load and not hang the links on one person.")
        community, street = view.person_place(person)
        evidence = [schema.person_id(person)] + [schema.org_id(p.org) for p in posts] + [p.id for p in posts]
        yield make_finding(view, cfg, "Person", person, community=community, street=street,
                           zh=zh, en=en, evidence=evidence)


RULE = Rule(
    id="G07",
    name_zh="兼职过多",
    name_en="overloaded person",
    subject_type="Person",
    default_severity="medium",
    description_zh="一人担任的兼职数超过上限（默认3个）。",
    description_en="A person with more than max_part_time_posts part-time posts (default 3).",
    check=check,
    params=(
        Param("max_part_time_posts", "int", 3, "每人兼职数上限", "most part-time posts per person",
              minimum=0, maximum=1000),
    ),
)
