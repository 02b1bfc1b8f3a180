"""Response models: what the API answers, as the OpenAPI document shows it.

Value sets (unit kind, org kind, post type, node kind, severity) come from
:mod:`graph.schema` and :mod:`graph.findings`, never written out here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from api.auth import ROLES
from graph import schema
from graph.analysis.rules import RULES
from graph.findings import FINDING_ID_DOC, SEVERITIES

NodeType = Literal[tuple(k.label for k in schema.NODE_KINDS)]  # type: ignore[valid-type]
OrgKind = Literal[schema.ORG_KIND.codes]  # type: ignore[valid-type]
UnitKind = Literal[schema.UNIT_KIND.codes]  # type: ignore[valid-type]
PostType = Literal[schema.POST_TYPE.codes]  # type: ignore[valid-type]
LiaisonKind = Literal[schema.LIAISON_KIND.codes]  # type: ignore[valid-type]
Severity = Literal[tuple(SEVERITIES)]  # type: ignore[valid-type]
Role = Literal[tuple(ROLES)]  # type: ignore[valid-type]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """一页结果 One page of a list: ``total`` counts every match."""

    total: int = Field(..., description="符合条件的总数 number of matches")
    limit: int
    offset: int
    items: list[T]


# -- references ---------------------------------------------------------------


class Ref(BaseModel):
    """任一节点的引用 A reference to any node."""

    type: NodeType
    code: str
    name: str


class OrgRef(BaseModel):
    """党组织 A party organization."""

    code: str
    name: str
    kind: OrgKind | None = None
    kind_zh: str | None = None


class UnitRef(BaseModel):
    """驻区单位 A resident unit."""

    code: str
    name: str
    kind: UnitKind | None = None
    kind_zh: str | None = None


class PersonRef(BaseModel):
    """人员 A person. ``phone`` is masked (138****1234) for reader tokens."""

    code: str
    name: str
    phone: str | None = Field(None, description="手机号（reader 令牌打码） phone, masked for readers")


class Post(BaseModel):
    """任职 A post in a party organization (a seat, not the person)."""

    org: OrgRef
    role: str | None = Field(None, description="职务代码或原文 role code, or free text")
    role_zh: str | None = None
    post_type: PostType | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    active: bool = Field(..., description="在 as_of 日期是否有效 counts on the as-of date")


class Holder(Post):
    """任职及其担任者 A post with the person who holds it."""

    person: PersonRef


# -- coverage and findings ----------------------------------------------------


class Coverage(BaseModel):
    """覆盖情况 Coverage summary of a community org or a street (from the
    gap analysis)."""

    model_config = ConfigDict(extra="allow")

    org: str | None = None
    community: str | None = None
    street: str | None = None
    members: int | None = Field(
        None, description="纳入关系（对）：一个社区党组织的成员单位党组织数；街道为各社区党组织之和，"
                          "同一单位党组织纳入几个社区党组织计几对 / membership pairs: a community org's "
                          "member unit orgs; for a street the sum over its community orgs (a unit org "
                          "taken into three community orgs counts three times)")
    member_orgs: int | None = Field(
        None, description="纳入大党委的单位党组织（个，不重复计）/ distinct unit orgs taken in (streets)")
    u_to_c: int | None = Field(None, description="有单位→社区任职的纳入关系（对）/ pairs with a U → C post")
    c_to_u: int | None = Field(None, description="有社区→单位任职的纳入关系（对）/ pairs with a C → U post")
    two_way: int | None = Field(None, description="双向进入的纳入关系（对）/ two-way pairs")
    part_time_members: int | None = Field(
        None, description="来自成员单位的兼职委员（人）/ part-time members from member units (people)")
    two_way_share: float | None = Field(
        None, description="双向进入比例（按纳入关系）/ two-way share of membership pairs")


class FindingSubject(BaseModel):
    type: NodeType
    code: str
    name: str


class Finding(BaseModel):
    """一处缺口 One coverage gap (the JSON contract of ``cobuild analyze``)."""

    id: str = Field(..., description=FINDING_ID_DOC, pattern=r"^G\d{2}-[0-9a-f]{12}$",
                    examples=["G04-9731a54f5883"])
    rule: str = Field(..., description="规则编号 rule id, e.g. G01")
    severity: Severity
    subject: FindingSubject
    community: str | None = None
    street: str | None = None
    message_zh: str
    message_en: str
    evidence: list[str] = Field(default_factory=list,
                                description="依据的键（供程序使用）/ evidence keys, for programs")
    evidence_text: list[str] = Field(
        default_factory=list,
        description="依据（供人阅读，与 evidence 一一对应），如“人员 王建国（P0017）”/ the evidence as a "
                    "planner reads it, one per key of evidence")


class NotChecked(BaseModel):
    """未检查的规则 A rule not checked: the roster lacks its table or column."""

    rule: str
    name_zh: str
    name_en: str
    missing: list[str] = Field(..., description="缺少的表或列 the tables (or table.column) absent")
    reason_zh: str
    reason_en: str


class GapPage(Page[Finding]):
    as_of: dt.date
    by_severity: dict[str, int] = Field(
        default_factory=dict, description="各严重程度的数量 matches per severity")
    not_checked: list[NotChecked] = Field(
        default_factory=list, description="未检查的规则及原因 rules not checked, and why")


# -- the statistics table (统计表) ----------------------------------------------------


class RateFigure(BaseModel):
    """比例指标 A rate: ``value`` = ``num`` / ``den`` (rounded to 4 places)."""

    value: float
    num: int
    den: int


class CountFigure(BaseModel):
    """计数指标 A count."""

    value: int


class StatsPlace(BaseModel):
    """统计表的一行 One row of the statistics table. A figure that is ``null``
    is 无数据 no data (table or column absent, or a denominator of 0), never 0."""

    level: Literal["community", "street", "county"]
    code: str | None = None
    name: str
    street: str | None = None
    figures: dict[str, RateFigure | CountFigure | None]


class StatsFigureInfo(BaseModel):
    key: str
    zh: str
    en: str
    rate: bool


class Stats(BaseModel):
    """统计表 The statistics table (roster-format-v2) on the as-of date."""

    as_of: dt.date
    scope: dict[str, str | None]
    figures: list[StatsFigureInfo]
    unavailable: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="无数据的指标及原因 figures without data, and why")
    places: list[StatsPlace]


# -- communities ---------------------------------------------------------------


class CommunityBrief(BaseModel):
    code: str
    name: str
    street: Ref | None = None
    party_orgs: list[OrgRef] = Field(default_factory=list)
    units: int = Field(..., description="驻区单位数 resident units located here")
    grids: int
    compounds: int


class Link(BaseModel):
    """双向进入的一条连接 One person linking a unit org and a community org:
    own post on one side, part-time post on the other."""

    person: PersonRef
    own_post: Post
    part_time_post: Post


class MemberOrg(BaseModel):
    """纳入大党委的单位党组织 A unit org taken into the community org."""

    org: OrgRef
    units: list[UnitRef]
    link: Literal["two_way", "u_to_c", "c_to_u", "none"] = Field(
        ..., description="双向/单向/无 two-way, one way (which), or none")
    u_to_c: list[Link] = Field(..., description="单位→社区 U → C")
    c_to_u: list[Link] = Field(..., description="社区→单位 C → U")


class PartTimeMember(Holder):
    """兼职委员 Someone holding a part-time post in the community org."""

    home_orgs: list[OrgRef] = Field(..., description="本职所在党组织 orgs of their own posts")
    from_member_unit: bool = Field(..., description="本职在纳入的单位党组织 home is a member unit org")


class CommunityOrg(OrgRef):
    members: list[MemberOrg]
    part_time_members: list[PartTimeMember]
    posts: list[Holder] = Field(..., description="在 as_of 有效的任职 posts counting on the as-of date")
    coverage: Coverage | None = None


class UnitInCommunity(UnitRef):
    orgs: list[OrgRef]


class GridView(BaseModel):
    code: str
    name: str
    orgs: list[OrgRef]
    central_households: list[PersonRef]


class CompoundView(BaseModel):
    code: str
    name: str
    model: bool = Field(..., description="红色物业示范小区 model compound")
    property_unit: UnitRef | None = None


class Community(BaseModel):
    """一个社区 One community, as other systems ask for it."""

    code: str
    name: str
    street: Ref | None = None
    as_of: dt.date
    party_orgs: list[CommunityOrg]
    units: list[UnitInCommunity]
    grids: list[GridView]
    compounds: list[CompoundView]
    liaisons: list[PersonRef] = Field(..., description="联系社区的县级领导 county leaders in touch")


# -- streets -----------------------------------------------------------------


class StreetBrief(BaseModel):
    code: str
    name: str
    communities: int


class StreetOrg(OrgRef):
    posts: list[Holder]


class Street(BaseModel):
    """一个街道 One street."""

    code: str
    name: str
    as_of: dt.date
    communities: list[CommunityBrief]
    party_orgs: list[StreetOrg]
    leaders_in_charge: list[PersonRef] = Field(..., description="包抓街道的县级领导")
    coverage: Coverage | None = None


# -- units, orgs, people -------------------------------------------------------


class UnitOrg(OrgRef):
    joint: bool = Field(..., description="联合党支部 joint branch of several units")
    member_of: list[OrgRef]
    posts: list[Holder]


class Unit(UnitRef):
    """一个驻区单位 One resident unit."""

    credit_code: str | None = None
    community: Ref | None = None
    street: Ref | None = None
    as_of: dt.date
    orgs: list[UnitOrg]
    compounds_managed: list[Ref]
    resources: list[Ref]


class PartyOrg(OrgRef):
    """一个党组织 One party organization."""

    as_of: dt.date
    belongs_to: list[Ref]
    parent: OrgRef | None = None
    children: list[OrgRef]
    member_of: list[OrgRef]
    members: list[OrgRef]
    communities: list[str]
    streets: list[str]
    posts: list[Holder]


class Liaison(BaseModel):
    kind: LiaisonKind
    kind_zh: str
    target: Ref


class Registration(BaseModel):
    community: Ref
    date: dt.date | None = None


class Person(PersonRef):
    """一个人及其任职 One person and their posts."""

    party_member: bool | None = None
    as_of: dt.date
    posts: list[Post]
    home_orgs: list[OrgRef]
    liaisons: list[Liaison]
    central_household_in: list[Ref]
    registrations: list[Registration]


# -- search, network -----------------------------------------------------------


class SearchHit(Ref):
    communities: list[str]
    streets: list[str]


class Network(BaseModel):
    """关系网络 The network for the explorer: nodes and edges."""

    model_config = ConfigDict(extra="allow")

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


# -- imports, audit, health ----------------------------------------------------


class Issue(BaseModel):
    """花名册的一处问题 One roster issue (as ``cobuild check`` reports it)."""

    table: str
    line: int
    column: str
    value: Any = None
    message_zh: str
    message_en: str
    severity: Literal["error", "warning"]
    code: str = ""


class ImportOutcome(BaseModel):
    """导入结果 What an import did (or, with ``dry_run``, would do)."""

    model_config = ConfigDict(extra="allow")

    dry_run: bool
    file: str
    sha256: str | None = None
    jurisdiction: list[str] = Field(..., description="本次替换的街道 streets this roster replaces")
    counts: dict[str, int] = Field(..., description="各表行数 rows per table")
    warnings: list[Issue]
    result: dict[str, Any] = Field(default_factory=dict,
                                   description="存储层的导入记录 the store's import record")


class AuditRecord(BaseModel):
    """一条审计记录 Who saw whose unmasked phone numbers, when."""

    time: dt.datetime
    token_id: str
    token_name: str | None = None
    role: Role
    street: str | None = None
    method: str
    path: str
    persons: list[str] = Field(..., description="显示了手机号的人员编码 codes of the people shown")


class Health(BaseModel):
    status: Literal["ok"]
    version: str = Field(..., description="cobuild 版本 the product's version (cobuild --version)")
    api_version: str = Field(..., description="接口版本 the API's version (/api/v1)")


class Ready(BaseModel):
    status: Literal["ready"]
    source: Literal["neo4j", "roster"]
    read_only: bool
    data_version: str | None = None


# -- rules ---------------------------------------------------------------------

RuleId = Literal[tuple(r.id for r in RULES)]  # type: ignore[valid-type]


class RuleInfo(BaseModel):
    """一条缺口规则 One gap rule of rules.md."""

    id: RuleId
    name_zh: str
    name_en: str
    subject_type: NodeType
    default_severity: Severity
    description_zh: str
    description_en: str
    params: list[dict[str, Any]]
    requires: list[str] = Field(default_factory=list,
                                description="规则读取的表或列 the tables/columns the rule reads")


class ImportHistory(BaseModel):
    """导入记录 Past imports, newest first (empty for the roster-file source)."""

    source: Literal["neo4j", "roster"]
    items: list[dict[str, Any]]
