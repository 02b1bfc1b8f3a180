"""Planning for planners: the 补齐方案, the forecast, the what-if, and the
explorer page with the plan drawn over it.

Only ``planner`` and ``admin`` tokens may plan (a ``reader`` gets 403). A
token limited to a street plans only that street: with no scope given it
plans its street, and a street or community outside it is 404. Nothing is
written anywhere; a plan is computed once per data version and question.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AsOf, Viewer, ViewerDep
from api.conditional import NOT_MODIFIED
from api.errors import ApiError, error_responses, not_found

router = APIRouter(prefix="/plan", tags=["规划 planning"], responses=error_responses(401, 403, 422, 503))

Street = Annotated[str | None, Query(max_length=100, description="街道编码 street code")]
Community = Annotated[str | None, Query(max_length=100, description="社区编码 community code (with street: must lie in it)")]
Budget = Annotated[int | None, Query(ge=0, le=100_000,
                                     description="至多这么多新职务 at most this many new posts")]
Method = Annotated[str, Query(pattern="^(cp-sat|greedy)$",
                              description="cp-sat（最优）或 greedy（贪心基线）/ cp-sat (optimal) or greedy")]
#: The API forecasts up to two years (each month end is a whole analysis; the
#: command line goes further: ``cobuild forecast --months``).
Code_ = Annotated[str, Field(min_length=1, max_length=100, pattern="[^ \t\r\n\u3000]")]
PostType = Literal["part_time", "own", "兼职", "本职"]


class PostRef(BaseModel):
    """A person's post(s) in an org."""

    model_config = ConfigDict(extra="forbid")
    person: Code_
    org: Code_


class NewPost(PostRef):
    """A new post: ROLE a 职务 word (兼职委员, 委员 ...), 兼职 unless said."""

    role: Code_
    post_type: PostType | None = None


class ChangeList(BaseModel):
    """A scenario: the changes, every list optional."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    description: str | None = None
    remove_people: list[Code_] = []
    remove_units: list[Code_] = []
    end_posts: list[PostRef] = []
    add_posts: list[NewPost] = []


class CodeRef(BaseModel):
    code: Code_


class Proposal(BaseModel):
    """A proposal of a ``/plan/recommend`` answer (other fields ignored)."""

    person: CodeRef
    org: CodeRef
    role: Code_
    post_type: PostType | None = None


class RecommendJson(BaseModel):
    """A ``/plan/recommend`` answer (other fields ignored): its proposals
    are new posts from its as-of date."""

    proposals: list[Proposal]
    as_of: dt.date | None = None


Months = Annotated[int, Query(ge=1, le=24, description="预测月数（至多24）months ahead (at most 24)")]


async def require_planner(v: ViewerDep) -> Viewer:
    """403 unless the token may plan (planner or admin)."""
    if v.who.role not in ("planner", "admin"):
        raise ApiError(403, "forbidden", f"规划需要 planner 或 admin 令牌（当前角色 {v.who.role}）",
                       f"planning needs a planner or admin token (this token's role is {v.who.role})")
    return v


PlannerDep = Annotated[Viewer, Depends(require_planner)]


def _scope(v: Viewer, street: str | None, community: str | None) -> tuple[str | None, str | None]:
    """The scope to plan: checked against the token's street; a street
    token with no scope plans its street; a community given with a street
    must lie in it (the community is planned)."""
    lookup = v.snapshot().lookup
    if community:
        if lookup.node("Community", community, v.within) is None or (
                street and lookup.node("Community", community, street) is None):
            raise not_found("社区", "community", community)
        street = None
    elif street:
        if lookup.node("Street", street, v.within) is None:
            raise not_found("街道", "street", street)
    elif v.within:
        street = v.within
    return street, community


def _graph(v: Viewer, as_of, street, community):
    snap = v.snapshot()
    if street or community:
        return snap.scope(as_of, community=community, street=street)[0]
    return snap.graph


def _plan(v: Viewer, as_of, street, community, budget, method):
    from cobuild.planning import recommend_scope

    snap = v.snapshot()
    return snap.memo(("plan", street, community, budget, method, as_of),
                     lambda: recommend_scope(_graph(v, as_of, street, community), as_of, street=street,
                                             community=community, budget=budget, method=method))


def _forecast(v: Viewer, as_of, street, community, months):
    from cobuild.planning import forecast_scope

    snap = v.snapshot()
    return snap.memo(("forecast", street, community, months, as_of),
                     lambda: forecast_scope(_graph(v, as_of, street, community), as_of, months,
                                            street=street, community=community))


@router.get("/recommend", response_model=dict[str, Any],
            responses={**error_responses(404), **NOT_MODIFIED},
            summary="补齐方案 The appointments that close the gaps")
def recommend(v: PlannerDep, as_of: AsOf, street: Street = None, community: Community = None,
              budget: Budget = None, method: Method = "cp-sat") -> dict:
    """用最少的新任职补齐 G01、G04、G05、G06、G08、G13 缺口；每条拟任说明理由，列出无法补齐的缺口及原因，
    并重新运行全部规则自检（before/after）。/ The fewest new posts that close the G01, G04, G05,
    G06, G08 and G13 findings of the scope, each with its reason; the findings no appointment
    closes, with why; checked by re-running every rule. With ``budget``: the most findings
    closed, weighted by severity, with at most that many posts."""
    street, community = _scope(v, street, community)
    return _plan(v, as_of, street, community, budget, method).as_dict()


@router.get("/forecast", response_model=dict[str, Any],
            responses={**error_responses(404), **NOT_MODIFIED},
            summary="12个月预测 The forecast, month end by month end")
def forecast(v: PlannerDep, as_of: AsOf, street: Street = None, community: Community = None,
             months: Months = 12) -> dict:
    """在 as_of 及之后每个月末重新分析：各社区党组织的兼职委员、双向比例、缺口，出现与消除的缺口，换届断崖。
    / The analysis at the as-of date and each following month end: per community org its
    part-time members, two-way share and findings, the findings that appear and go, and the
    换届 cliffs."""
    street, community = _scope(v, street, community)
    return _forecast(v, as_of, street, community, months).as_dict()


@router.post("/whatif", response_model=dict[str, Any], responses=error_responses(400, 404),
             summary="推演 What if")
def whatif(v: PlannerDep, as_of: AsOf, scenario: Annotated[ChangeList | RecommendJson, Body(
        description="情景：remove_people、remove_units、end_posts、add_posts；或 recommend 的 JSON / "
                    "a scenario: remove_people, remove_units, end_posts, add_posts; or a recommend JSON",
        examples=[{"remove_people": ["P1"], "add_posts": [{"person": "P5", "org": "O1", "role": "兼职委员"}]}])],
           street: Street = None, community: Community = None) -> dict:
    """把情景中的变动用于图的副本，列出出现和消除的缺口及覆盖情况；不写任何数据。/ Apply the
    scenario's changes to a copy of the scope's graph: the findings that appear and go, and the
    coverage before and after. Nothing is written. A person or org outside the token's street
    is not found (404)."""
    from cobuild.planning import simulate
    from graph.planning.changes import parse_scenario

    street, community = _scope(v, street, community)
    changes = parse_scenario(scenario.model_dump(mode="json", exclude_none=True), source="body")
    return simulate(_graph(v, as_of, street, community), changes, as_of, street=street,
                    community=community).as_dict()


@router.get("/explorer", response_class=HTMLResponse,
            responses={**error_responses(404), 304: NOT_MODIFIED[304],
                       200: {"content": {"text/html": {"schema": {"type": "string"}}},
                             "description": "独立的 HTML 页面，离线可用 a self-contained HTML page"}},
            summary="带补齐方案的关系图 The explorer page with the plan drawn over it")
def plan_explorer(v: PlannerDep, as_of: AsOf, street: Street = None, community: Community = None,
                  budget: Budget = None, months: Months = 12) -> HTMLResponse:
    """关系图页面：拟任职务为蓝色虚线（可开关），预测为按月末拖动的滑块。/ The explorer page: proposed
    posts as dashed blue links (a toggle), the forecast as an as-of slider."""
    from cobuild.planning import draw_plan

    street, community = _scope(v, street, community)
    snap = v.snapshot()
    _, analysis = snap.facts(as_of)
    plan = _plan(v, as_of, street, community, budget, "cp-sat")
    fc = _forecast(v, as_of, street, community, months)
    html = draw_plan(snap.graph, analysis.findings, plan, fc, community=community, street=street,
                     as_of=as_of, show_phones=v.phones.visible)
    if street or community:
        v.phones.note_drawn(snap.scope(as_of, community=community, street=street)[0])
    else:
        v.phones.note_drawn(snap.graph)
    return HTMLResponse(v.done(html))
