"""Evidence as a planner reads it.

A finding's evidence is a list of keys (node ids ``"Person:P0017"``, post ids
``"Post:P0017@O0035#part_time#part_time_member#2024-01-01"``, see
:mod:`graph.analysis.view`); the JSON keeps them. What a planner reads is
written here: ``人员 王建国（P0017）``, ``党组织 县财政局党委（O0035）``,
``任职 王建国（P0017）在 东关社区党委（O0012）任兼职委员（兼职），2024-01-01–至今``.
"""

from __future__ import annotations

from graph import schema

__all__ = ["evidence_text", "evidence_texts"]


def _node(view, label: str, code: str) -> str:
    try:
        kind = schema.node_kind(label).zh
    except KeyError:
        kind = label
    return f"{kind} {view.name(label, code)}（{code}）"


def _post(view, key: str, posts: dict) -> str:
    person, _, rest = key[len("Post:"):].partition("@")
    org, post_type, role, start = (rest.split("#") + ["", "", ""])[:4]
    p = posts.get(key)
    end = p.end.isoformat() if p is not None and p.end else "至今"
    return (f"任职 {view.name('Person', person)}（{person}）在 {view.name('PartyOrg', org)}（{org}）任"
            f"{schema.ROLE.zh_of(role)}（{schema.POST_TYPE.zh_of(post_type)}），{start or '起始不详'}–{end}")


def evidence_text(view, key: str, posts: dict | None = None) -> str:
    """One evidence key as a planner reads it (unknown keys unchanged).

    ``posts`` maps post ids to the view's posts (for their end dates); built
    from ``view.posts`` when not given.
    """
    if key.startswith("Post:"):
        return _post(view, key, view.post_index if posts is None else posts)
    label, sep, code = key.partition(":")
    if not sep:
        return key
    return _node(view, label, code)


def evidence_texts(view, keys) -> tuple[str, ...]:
    """:func:`evidence_text` of every key, in order."""
    keys = list(keys)
    posts = view.post_index if any(k.startswith("Post:") for k in keys) else {}
    return tuple(evidence_text(view, k, posts) for k in keys)
