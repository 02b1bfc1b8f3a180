"""What the street and community routes answer alike: a scope's page of
gaps, its network (JSON) and its explorer page, and the gap filters.

Shared by :mod:`api.routes.gaps`, :mod:`api.routes.communities` and
:mod:`api.routes.streets`, so that no route imports another.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated

from fastapi import Query

from api.deps import Viewer, paginate
from api.models import RuleId, Severity

__all__ = ["RuleFilter", "SeverityFilter", "gap_page", "network_for", "explorer_for", "stats_for"]

RuleFilter = Annotated[
    list[RuleId] | None,
    Query(description="规则编号，可多个 rule id(s), e.g. G01 (repeat for several)"),
]
SeverityFilter = Annotated[
    list[Severity] | None,
    Query(description="严重程度，可多个 severity (repeat for several)"),
]


def gap_page(v: Viewer, as_of, paging, *, community=None, street=None, rule=None,
             severity=None) -> dict:
    """One page of the findings on ``as_of`` that match, within the token's
    street."""
    snap = v.snapshot()
    _, analysis = snap.facts(as_of)
    found = snap.lookup.findings(analysis.findings, community=community, street=street,
                                 rules=rule, severities=severity, within=v.within)
    by_severity = Counter(f.severity for f in found)
    return paginate([f.as_dict() for f in found], paging, as_of=as_of,
                    by_severity=dict(sorted(by_severity.items())),
                    not_checked=analysis.not_checked)


def stats_for(v: Viewer, as_of, *, community: str | None = None,
              street: str | None = None) -> dict:
    """The 统计表 of one community, one street or (neither) the county; a
    street-limited token asking for the county gets its street's rows."""
    from cobuild.activity import stats_scope

    snap = v.snapshot()
    view, _ = snap.facts(as_of)
    if community is None and street is None and v.within:
        street = v.within
    return snap.memo(("stats", community, street, as_of),
                     lambda: stats_scope(snap.graph, as_of, community=community, street=street,
                                         view=view).as_dict())


def network_for(v: Viewer, as_of, *, community: str | None = None,
                street: str | None = None) -> dict:
    """The explorer's nodes and edges for one community or street, with the
    findings of that scope; phone numbers follow the token's role."""
    from cobuild.explorer import scope_network

    snap = v.snapshot()
    _, analysis = snap.facts(as_of)
    sub, view = snap.scope(as_of, community=community, street=street)
    data = scope_network(snap.graph, analysis.findings, community=community, street=street,
                         as_of=as_of, show_phones=v.phones.visible, within=v.within,
                         lies_in=snap.lookup.in_street, scoped=sub, view=view)
    v.phones.note_drawn(sub, [n.get("id") for n in data.get("nodes", ())])
    return data


def explorer_for(v: Viewer, as_of, *, community: str | None = None,
                 street: str | None = None) -> str:
    """The explorer page (one self-contained HTML file) for one community
    or street."""
    from cobuild.explorer import draw_scope

    snap = v.snapshot()
    _, analysis = snap.facts(as_of)
    sub, view = snap.scope(as_of, community=community, street=street)
    node = (snap.lookup.node("Community", community) if community
            else snap.lookup.node("Street", street))
    html = draw_scope(snap.graph, analysis.findings, community=community, street=street,
                      as_of=as_of, title=snap.lookup.name(node), show_phones=v.phones.visible,
                      within=v.within, lies_in=snap.lookup.in_street, scoped=sub, view=view)
    v.phones.note_drawn(sub)
    return html
