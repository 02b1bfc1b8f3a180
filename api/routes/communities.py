"""Communities: list, one community, its gaps, its network and explorer page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse

from api.deps import AsOf, PagingDep, Viewer, ViewerDep, paginate
from api.conditional import NOT_MODIFIED
from api.errors import error_responses, not_found
from api.models import Community, CommunityBrief, GapPage, Network, Page, Stats
from api.scopes import RuleFilter, SeverityFilter, explorer_for, gap_page, network_for, stats_for

router = APIRouter(prefix="/communities", tags=["社区 communities"],
                   responses={**error_responses(401, 422, 503), **NOT_MODIFIED})

Code = Annotated[str, Path(max_length=100, description="社区编码 community code")]


@router.get("", response_model=Page[CommunityBrief], summary="社区列表 List communities")
def list_communities(
    v: ViewerDep,
    paging: PagingDep,
    street: Annotated[str | None, Query(max_length=100, description="街道编码 street code")] = None,
    q: Annotated[str | None, Query(max_length=100,
                                   description="按名称或编码查找 name or code contains")] = None,
) -> dict:
    """社区列表（按编码排序），可按街道筛选、按名称或编码查找 / communities in
    code order, filtered by street, searched by name or code (Chinese or
    English, case-insensitive)."""
    lk = v.snapshot().lookup
    items = lk.communities(street=street, within=v.within)
    if q is not None:
        hits = {h["code"] for h in lk.search(q, kinds=("Community",), within=v.within)}
        items = [c for c in items if c["code"] in hits]
    return paginate(items, paging)


def _community_node(v: Viewer, code: str) -> str:
    n = v.snapshot().lookup.node("Community", code, v.within)
    if n is None:
        raise not_found("社区", "community", code)
    return n


@router.get("/{code}", response_model=Community, summary="一个社区 One community",
            responses=error_responses(404))
async def get_community(code: Code, v: ViewerDep, as_of: AsOf) -> Response:
    """社区的党组织、纳入大党委的单位党组织及双向进入的人员和任职（单位→社区、
    社区→单位）、兼职委员、网格、小区和覆盖情况 / the community's party
    org(s), their member unit orgs with the people and posts linking them in
    each direction (U → C, C → U), part-time members, units, grids,
    compounds and coverage, on the as-of date."""
    def build(snap, phones):
        if snap.lookup.node("Community", code, v.within) is None:
            return None
        view, analysis = snap.facts(as_of)
        return snap.lookup.community(code, view=view, phones=phones, within=v.within,
                                     summary=analysis.summary)

    return await v.answer(("community", code, as_of), Community, build,
                          not_found("社区", "community", code))


@router.get("/{code}/gaps", response_model=GapPage, summary="社区的缺口 A community's gaps",
            responses=error_responses(404))
def community_gaps(code: Code, v: ViewerDep, as_of: AsOf, paging: PagingDep,
                   rule: RuleFilter = None, severity: SeverityFilter = None) -> dict:
    """社区在 as_of 日期的缺口 / the community's findings on the as-of date."""
    _community_node(v, code)
    return gap_page(v, as_of, paging, community=code, rule=rule, severity=severity)


@router.get("/{code}/stats", response_model=Stats, summary="社区统计表 A community's statistics table",
            responses=error_responses(404))
def community_stats(code: Code, v: ViewerDep, as_of: AsOf) -> dict:
    """社区的统计表（一行）；无数据为 null，不是 0 / the community's row of the
    statistics table; no data is null, never 0."""
    _community_node(v, code)
    return v.done(stats_for(v, as_of, community=code))


@router.get("/{code}/network", response_model=Network,
            summary="社区关系网络 A community's network (JSON)",
            responses=error_responses(404))
def community_network(code: Code, v: ViewerDep, as_of: AsOf) -> dict:
    """探查页使用的节点和连线，带缺口标记 / nodes and edges for the explorer,
    with the findings marked."""
    _community_node(v, code)
    return v.done(network_for(v, as_of, community=code))


@router.get("/{code}/explorer", response_class=HTMLResponse,
            summary="社区关系图页面 A community's explorer page (HTML)",
            responses={**error_responses(404),
                       200: {"content": {"text/html": {"schema": {"type": "string"}}},
                             "description": "独立的 HTML 页面，离线可用 a self-contained HTML page"}})
def community_explorer(code: Code, v: ViewerDep, as_of: AsOf) -> HTMLResponse:
    """可交互的关系图（离线可用的单个 HTML）/ the interactive network page, one
    self-contained HTML file that loads nothing from the network."""
    _community_node(v, code)
    return HTMLResponse(v.done(explorer_for(v, as_of, community=code)))
