"""Coverage gaps (findings of the rules of rules.md), and the rule list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.conditional import NOT_MODIFIED
from api.deps import AsOf, PagingDep, ViewerDep
from api.errors import error_responses
from api.models import GapPage, RuleInfo, Stats
from api.scopes import RuleFilter, SeverityFilter, gap_page, stats_for
from graph.analysis.rules import RULES

router = APIRouter(tags=["缺口 gaps"], responses={**error_responses(401, 422, 503), **NOT_MODIFIED})


@router.get("/gaps", response_model=GapPage, summary="全部缺口 All coverage gaps")
def list_gaps(
    v: ViewerDep,
    as_of: AsOf,
    paging: PagingDep,
    rule: RuleFilter = None,
    severity: SeverityFilter = None,
    street: Annotated[str | None, Query(max_length=100, description="街道编码 street code")] = None,
    community: Annotated[str | None,
                         Query(max_length=100, description="社区编码 community code")] = None,
) -> dict:
    """在 as_of 日期的全部缺口，可按规则、严重程度、街道、社区筛选 / every
    finding on the as-of date, filtered by rule, severity, street and
    community; a street-limited token sees only its street's."""
    return gap_page(v, as_of, paging, community=community, street=street, rule=rule,
                    severity=severity)


@router.get("/county/stats", response_model=Stats, summary="全县统计表 The county's statistics table")
def county_stats(v: ViewerDep, as_of: AsOf) -> dict:
    """每个社区一行、街道小计、全县合计；无数据为 null，不是 0；限定街道的令牌只得到本街道 /
    a row per community, street subtotals, the county total; no data is null, never 0; a
    street-limited token gets its street's rows."""
    return v.done(stats_for(v, as_of))


@router.get("/rules", response_model=list[RuleInfo], summary="缺口规则 The gap rules")
def list_rules(v: ViewerDep) -> list[dict]:
    """规则编号、名称、默认严重程度和阈值 / the rules' ids, names, default
    severities and thresholds (rules.md)."""
    return [r.as_dict() for r in RULES]
