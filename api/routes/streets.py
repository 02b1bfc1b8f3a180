"""Streets: list, one street, its gaps, its network and explorer page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import HTMLResponse

from api.deps import AsOf, PagingDep, Viewer, ViewerDep, paginate
from api.conditional import NOT_MODIFIED
from api.errors import error_responses, not_found
from api.models import GapPage, Network, Page, Stats, Street, StreetBrief
from api.scopes import RuleFilter, SeverityFilter, explorer_for, gap_page, network_for, stats_for

router = APIRouter(prefix="/streets", tags=["街道 streets"],
                   responses={**error_responses(401, 422, 503), **NOT_MODIFIED})

Code = Annotated[str, Path(max_length=100, description="街道编码 street code")]


def _street_node(v: Viewer, code: str) -> str:
    n = v.snapshot().lookup.node("Street", code, v.within)
    if n is None:
        raise not_found("街道", "street", code)
    return n


@router.get("", response_model=Page[StreetBrief], summary="街道列表 List streets")
def list_streets(v: ViewerDep, paging: PagingDep) -> dict:
    """街道列表（按编码排序）/ streets in code order."""
    return paginate(v.snapshot().lookup.streets(within=v.within), paging)


@router.get("/{code}", response_model=Street, summary="一个街道 One street",
            responses=error_responses(404))
async def get_street(code: Code, v: ViewerDep, as_of: AsOf) -> Response:
    """街道的社区、街道党工委及其任职、包抓的县级领导和覆盖情况 / the street's
    communities, its party working committee(s) with their posts, the county
    leaders in charge, and its coverage on the as-of date."""
    def build(snap, phones):
        if snap.lookup.node("Street", code, v.within) is None:
            return None
        view, analysis = snap.facts(as_of)
        return snap.lookup.street(code, view=view, phones=phones, within=v.within,
                                  summary=analysis.summary)

    return await v.answer(("street", code, as_of), Street, build,
                          not_found("街道", "street", code))


@router.get("/{code}/gaps", response_model=GapPage, summary="街道的缺口 A street's gaps",
            responses=error_responses(404))
def street_gaps(code: Code, v: ViewerDep, as_of: AsOf, paging: PagingDep,
                rule: RuleFilter = None, severity: SeverityFilter = None) -> dict:
    """街道在 as_of 日期的缺口 / the street's findings on the as-of date."""
    _street_node(v, code)
    return gap_page(v, as_of, paging, street=code, rule=rule, severity=severity)


@router.get("/{code}/stats", response_model=Stats, summary="街道统计表 A street's statistics table",
            responses=error_responses(404))
def street_stats(code: Code, v: ViewerDep, as_of: AsOf) -> dict:
    """街道各社区和街道小计的统计表；无数据为 null，不是 0 / the statistics table of
    the street's communities and the street's subtotal; no data is null, never 0."""
    _street_node(v, code)
    return v.done(stats_for(v, as_of, street=code))


@router.get("/{code}/network", response_model=Network,
            summary="街道关系网络 A street's network (JSON)", responses=error_responses(404))
def street_network(code: Code, v: ViewerDep, as_of: AsOf) -> dict:
    """探查页使用的节点和连线 / nodes and edges for the explorer."""
    _street_node(v, code)
    return v.done(network_for(v, as_of, street=code))


@router.get("/{code}/explorer", response_class=HTMLResponse,
            summary="街道关系图页面 A street's explorer page (HTML)",
            responses={**error_responses(404),
                       200: {"content": {"text/html": {"schema": {"type": "string"}}},
                             "description": "独立的 HTML 页面，离线可用 a self-contained HTML page"}})
def street_explorer(code: Code, v: ViewerDep, as_of: AsOf) -> HTMLResponse:
    """可交互的关系图（单个 HTML）/ the interactive network page."""
    _street_node(v, code)
    return HTMLResponse(v.done(explorer_for(v, as_of, street=code)))
