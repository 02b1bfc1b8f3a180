"""The co-building domain, declared once.

Everything else is derived from the declarations in this module:

* the roster format (tables, columns, Chinese headers and English aliases,
  required markers, value sets) read by :mod:`loaders`;
* the graph: node kinds (Neo4j labels, NetworkX ``label`` attribute),
  relationship kinds (Neo4j types, NetworkX ``type`` edge attribute) and their
  properties;
* the Neo4j uniqueness constraints (one per node kind, on ``code``);
* the labels and legend the explorer, the reports and the API show.

Graph contract (shared by the roster builder, the Neo4j store and the
analysis):

* a :class:`networkx.MultiDiGraph`;
* node id ``"<Label>:<code>"`` (``"Unit:U001"``) -- codes are unique per table
  only, so the label is part of the id;
* node attributes: ``label``, ``code``, ``name`` and the node kind's other
  properties, each under its English column key (``kind``, ``phone`` ...);
  dates are :class:`datetime.date`, yes/no are ``bool``, absent values are
  left out (never ``None``);
* edge key: the relationship's ``key`` (see :func:`edge_key`); edge
  attributes: ``type`` and the relationship kind's properties.

Only this module names labels and relationship types; Cypher text takes
them from here, never from input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

__all__ = [
    "Member",
    "ValueSet",
    "Column",
    "EdgeSpec",
    "Table",
    "NodeKind",
    "RelKind",
    "VALUE_SETS",
    "UNIT_KIND",
    "ORG_KIND",
    "ROLE",
    "POST_TYPE",
    "LIAISON_KIND",
    "PROJECT_STATUS",
    "CATEGORY",
    "NEED_STATUS",
    "RATING_WORDS",
    "TABLES",
    "TABLES_BY_KEY",
    "NODE_KINDS",
    "NODE_KINDS_BY_LABEL",
    "REL_KINDS",
    "REL_KINDS_BY_TYPE",
    "COMMUNITY_ORG_KINDS",
    "UNIT_ORG_KINDS",
    "GRID_ORG_KINDS",
    "STREET_ORG_KINDS",
    "META_LABELS",
    "ORG_KIND_GROUPS",
    "org_group",
    "node_id",
    "street_id",
    "community_id",
    "grid_id",
    "compound_id",
    "unit_id",
    "org_id",
    "person_id",
    "split_node_id",
    "edge_key",
    "table",
    "node_kind",
    "rel_kind",
]


# ---------------------------------------------------------------------------
# Value sets
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One allowed value: the stored English code and its Chinese word."""

    code: str
    zh: str
    en: str

    @property
    def label(self) -> str:
        """``"机关 agency"``: what a planner reads."""
        return f"{self.zh} {self.en}"


@dataclass(frozen=True)
class ValueSet:
    """A closed list of values a roster cell may take.

    ``open`` value sets (职务 role) keep free text; only their members have a
    meaning to the rules.
    """

    key: str
    zh: str
    en: str
    members: tuple[Member, ...]
    open: bool = False

    def by_code(self, code: str) -> Member:
        for m in self.members:
            if m.code == code:
                return m
        raise KeyError(code)

    def lookup(self, word: str) -> Member | None:
        """The member a roster word stands for (Chinese word or English code,
        case-insensitive), or ``None``."""
        w = word.strip().casefold()
        for m in self.members:
            if w in (m.zh.casefold(), m.code.casefold(), m.en.casefold()):
                return m
        return None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.members)

    def zh_of(self, code: str) -> str:
        try:
            return self.by_code(code).zh
        except KeyError:
            return code


UNIT_KIND = ValueSet(
    "unit_kind",
    "单位类型",
    "unit kind",
    (
        Member("agency", "机关", "government agency"),
        Member("institution", "事业单位", "public institution"),
        Member("soe", "国有企业", "state-owned enterprise"),
        Member("private", "非公企业", "private enterprise"),
        Member("social", "社会组织", "social organization"),
        Member("property", "物业企业", "property-management company"),
        Member("other", "其他", "other"),
    ),
)

ORG_KIND = ValueSet(
    "org_kind",
    "党组织类型",
    "party organization kind",
    (
        Member("street_committee", "街道党工委", "street party working committee"),
        Member("community_committee", "社区党委", "community party committee"),
        Member("community_general_branch", "社区党总支", "community general party branch"),
        Member("community_branch", "社区党支部", "community party branch"),
        Member("unit_committee", "单位党委", "unit party committee"),
        Member("unit_general_branch", "单位党总支", "unit general party branch"),
        Member("unit_branch", "单位党支部", "unit party branch"),
        Member("joint_branch", "联合党支部", "joint party branch"),
        Member("grid_branch", "网格党支部", "grid party branch"),
        Member("grid_group", "网格党小组", "grid party group"),
        Member("other", "其他", "other"),
    ),
)

ROLE = ValueSet(
    "role",
    "职务",
    "role",
    (
        Member("secretary", "书记", "secretary"),
        Member("deputy_secretary", "副书记", "deputy secretary"),
        Member("member", "委员", "committee member"),
        Member("part_time_member", "兼职委员", "part-time committee member"),
        Member("grid_leader", "网格长", "grid leader"),
        Member("group_leader", "党小组长", "party group leader"),
        Member("other", "其他", "other"),
    ),
    open=True,
)

POST_TYPE = ValueSet(
    "post_type",
    "任职类型",
    "post type",
    (
        Member("own", "本职", "own post"),
        Member("part_time", "兼职", "part-time post"),
    ),
)

LIAISON_KIND = ValueSet(
    "liaison_kind",
    "联系类型",
    "liaison kind",
    (
        Member("street_charge", "包抓街道", "county leader in charge of a street"),
        Member("community_liaison", "联系社区", "county leader in touch with a community"),
    ),
)

PROJECT_STATUS = ValueSet(
    "project_status",
    "项目状态",
    "project status",
    (
        Member("planned", "计划", "planned"),
        Member("active", "进行中", "active"),
        Member("done", "已完成", "done"),
    ),
)

#: 需求类型 / 资源类型 (roster-format-v2.md).
CATEGORY = ValueSet(
    "category",
    "需求资源类型",
    "category",
    (
        Member("venue", "场地", "venue"),
        Member("funds", "资金", "funds"),
        Member("volunteers", "志愿服务", "volunteer service"),
        Member("health", "医疗健康", "health care"),
        Member("education", "教育培训", "education and training"),
        Member("legal", "法律服务", "legal service"),
        Member("jobs", "就业创业", "jobs and start-ups"),
        Member("culture", "文体活动", "culture and sports"),
        Member("care", "养老托幼", "elderly and child care"),
        Member("other", "其他", "other"),
    ),
)

NEED_STATUS = ValueSet(
    "need_status",
    "需求状态",
    "need status",
    (
        Member("open", "待认领", "open"),
        Member("claimed", "已认领", "claimed"),
        Member("done", "已完成", "done"),
    ),
)

VALUE_SETS: tuple[ValueSet, ...] = (
    UNIT_KIND,
    ORG_KIND,
    ROLE,
    POST_TYPE,
    LIAISON_KIND,
    PROJECT_STATUS,
    CATEGORY,
    NEED_STATUS,
)

#: 评价 rating: a whole number 1–5 (5 best), or one of these words.
RATING_WORDS: dict[str, int] = {"满意": 5, "基本满意": 3, "不满意": 1}
RATING_RANGE = (1, 5)

#: Party organizations of a community (the community's 大党委 is one of these).
COMMUNITY_ORG_KINDS = frozenset(
    {"community_committee", "community_general_branch", "community_branch"}
)
#: Party organizations of resident units (own or joint).
UNIT_ORG_KINDS = frozenset(
    {"unit_committee", "unit_general_branch", "unit_branch", "joint_branch"}
)
#: Party organizations of grids (branches and groups).
GRID_ORG_KINDS = frozenset({"grid_branch", "grid_group"})
#: The street's party working committee.
STREET_ORG_KINDS = frozenset({"street_committee"})
#: The org-kind groups by name, in display order: whose party organization
#: an org of a kind is (the counts, the explorer legend and the checks say so).
ORG_KIND_GROUPS: dict[str, frozenset[str]] = {
    "community": COMMUNITY_ORG_KINDS,
    "unit": UNIT_ORG_KINDS,
    "grid": GRID_ORG_KINDS,
    "street": STREET_ORG_KINDS,
}


def org_group(kind: str | None) -> str | None:
    """The name of the group an org kind is in (``"community"``, ``"unit"``,
    ``"grid"``, ``"street"``), or None (``"other"``, no kind).

    >>> org_group("joint_branch"), org_group("grid_group"), org_group("other")
    ('unit', 'grid', None)
    """
    for group, kinds in ORG_KIND_GROUPS.items():
        if kind in kinds:
            return group
    return None


# ---------------------------------------------------------------------------
# Roster tables and their columns
# ---------------------------------------------------------------------------

#: Column value types understood by the readers and the validator.
COLUMN_TYPES = frozenset(
    {
        "code",  # the row's own identity: text, leading zeros kept
        "text",
        "ref",  # one code of another table (``ref`` names the table(s))
        "refs",  # a list cell of codes
        "date",
        "bool",
        "enum",  # a value of ``value_set``
        "phone",  # personal data: masked unless the caller may see it
        "credit_code",  # 统一社会信用代码: 18 characters
        "count",  # a whole number >= 0 (党员人数)
        "number",  # a number >= 0 (时长 hours)
        "rating",  # 评价: a whole number 1-5, or 满意 (5) / 基本满意 (3) / 不满意 (1)
    }
)


@dataclass(frozen=True)
class Column:
    """One roster column.

    ``rel`` names the relationship a ``ref``/``refs`` column becomes in the
    graph (from this table's node to the referenced node). ``ref`` is a tuple
    of table keys when the reference may point to more than one table (a
    registration's subject is a person or a party organization); ``ref_by``
    then names a sibling enum column that decides which (a liaison's kind).
    In a relationship table, a ``ref`` column with ``rel`` also joins the
    row's source to the referenced node (a registration's 所在党组织 becomes
    ``Person -REGISTERED_FROM-> PartyOrg``), so the scope walk can follow it;
    the value is kept as a property of the row's relationship as well.
    """

    key: str
    zh: str
    type: str
    required: bool = False
    ref: tuple[str, ...] = ()
    value_set: ValueSet | None = None
    rel: str | None = None
    note_zh: str = ""
    #: the roster format version that added the column (2: the co-building
    #: activity of roster-format-v2.md); the writer writes a version-2
    #: column only when the roster has it
    version: int = 1

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"unknown column type {self.type!r}")
        if self.type in ("ref", "refs") and not self.ref:
            raise ValueError(f"column {self.key} needs ref")
        if self.type == "enum" and self.value_set is None:
            raise ValueError(f"column {self.key} needs value_set")

    @property
    def header(self) -> str:
        """The Chinese header as the template writes it (``单位编码*``)."""
        return self.zh + ("*" if self.required else "")


@dataclass(frozen=True)
class EdgeSpec:
    """How a node-less table (posts, liaisons ...) becomes relationships.

    ``rel`` is a type, or a mapping from the value of ``rel_by`` (an enum
    column) to a type: a liaison of kind ``street_charge`` is ``IN_CHARGE_OF``.
    ``target`` may reference several tables; ``target_by`` maps the
    ``rel_by`` value to the table to look in.
    """

    source: str
    target: str
    rel: str | tuple[tuple[str, str], ...]
    rel_by: str | None = None
    target_by: tuple[tuple[str, str], ...] = ()
    properties: tuple[str, ...] = ()

    def rel_for(self, row: dict) -> str:
        if isinstance(self.rel, str):
            return self.rel
        return dict(self.rel)[row[self.rel_by]]

    def target_table(self, row: dict) -> str | None:
        """The table the target code belongs to when it is decided by
        ``rel_by`` (``None`` when the column's ``ref`` decides alone)."""
        if not self.target_by:
            return None
        return dict(self.target_by)[row[self.rel_by]]


@dataclass(frozen=True)
class Table:
    """A roster table (one sheet / one CSV file).

    A table is either a node table (``node`` names the label, its ``code``
    column is the identity) or an edge table (``edge`` says how each row
    becomes a relationship).
    """

    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    optional: bool = False
    node: str | None = None
    edge: EdgeSpec | None = None

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.key}.{key}")

    @property
    def file_names(self) -> tuple[str, str]:
        """CSV file names this table may have: ``units.csv``, ``单位.csv``."""
        return (f"{self.key}.csv", f"{self.zh}.csv")


def _c(key, zh, type_="text", required=False, **kw) -> Column:
    if "ref" in kw and isinstance(kw["ref"], str):
        kw["ref"] = (kw["ref"],)
    return Column(key, zh, type_, required, **kw)


TABLES: tuple[Table, ...] = (
    Table(
        "streets",
        "街道",
        "streets",
        (
            _c("code", "街道编码", "code", True),
            _c("name", "街道名称", "text", True),
        ),
        node="Street",
    ),
    Table(
        "communities",
        "社区",
        "communities",
        (
            _c("code", "社区编码", "code", True),
            _c("name", "社区名称", "text", True),
            _c("street", "所属街道", "ref", True, ref="streets", rel="IN"),
        ),
        node="Community",
    ),
    Table(
        "grids",
        "网格",
        "grids",
        (
            _c("code", "网格编码", "code", True),
            _c("name", "网格名称", "text", True),
            _c("community", "所属社区", "ref", True, ref="communities", rel="IN"),
        ),
        node="Grid",
    ),
    Table(
        "units",
        "单位",
        "resident units",
        (
            _c("code", "单位编码", "code", True),
            _c("name", "单位名称", "text", True),
            _c("kind", "单位类型", "enum", True, value_set=UNIT_KIND),
            _c("community", "所在社区", "ref", True, ref="communities", rel="IN"),
            _c("credit_code", "统一社会信用代码", "credit_code"),
        ),
        node="Unit",
    ),
    Table(
        "party_orgs",
        "党组织",
        "party organizations",
        (
            _c("code", "党组织编码", "code", True),
            _c("name", "党组织名称", "text", True),
            _c("kind", "党组织类型", "enum", True, value_set=ORG_KIND),
            _c("parent", "上级党组织", "ref", ref="party_orgs", rel="UNDER"),
            _c("units", "所属单位", "refs", ref="units", rel="BELONGS_TO",
               note_zh="联合党支部填写多个单位编码，以“；”分隔"),
            _c("community", "所属社区", "ref", ref="communities", rel="BELONGS_TO"),
            _c("grid", "所属网格", "ref", ref="grids", rel="BELONGS_TO"),
            _c("street", "所属街道", "ref", ref="streets", rel="BELONGS_TO"),
            _c("member_of", "纳入", "refs", ref="party_orgs", rel="MEMBER_OF",
               note_zh="纳入的社区大党委或街道大工委的党组织编码"),
            _c("member_count", "党员人数", "count", note_zh="本组织的党员人数（整数，不小于 0）", version=2),
        ),
        node="PartyOrg",
    ),
    Table(
        "people",
        "人员",
        "people",
        (
            _c("code", "人员编码", "code", True),
            _c("name", "姓名", "text", True),
            _c("phone", "手机号", "phone"),
            _c("party_member", "是否党员", "bool"),
        ),
        node="Person",
    ),
    Table(
        "posts",
        "任职",
        "posts",
        (
            _c("person", "人员编码", "ref", True, ref="people"),
            _c("org", "党组织编码", "ref", True, ref="party_orgs"),
            _c("role", "职务", "enum", True, value_set=ROLE),
            _c("post_type", "任职类型", "enum", True, value_set=POST_TYPE),
            _c("start", "起始日期", "date"),
            _c("end", "终止日期", "date"),
        ),
        edge=EdgeSpec("person", "org", "HOLDS", properties=("role", "post_type", "start", "end")),
    ),
    Table(
        "liaisons",
        "联系",
        "county leaders' liaisons",
        (
            _c("person", "人员编码", "ref", True, ref="people"),
            _c("kind", "联系类型", "enum", True, value_set=LIAISON_KIND),
            _c("target", "对象编码", "ref", True, ref=("streets", "communities")),
        ),
        edge=EdgeSpec(
            "person",
            "target",
            (("street_charge", "IN_CHARGE_OF"), ("community_liaison", "LIAISES_WITH")),
            rel_by="kind",
            target_by=(("street_charge", "streets"), ("community_liaison", "communities")),
        ),
    ),
    Table(
        "compounds",
        "小区",
        "residential compounds",
        (
            _c("code", "小区编码", "code", True),
            _c("name", "小区名称", "text", True),
            _c("community", "所在社区", "ref", True, ref="communities", rel="IN"),
            _c("property_unit", "物业企业", "ref", ref="units", rel="MANAGED_BY"),
            _c("model", "红色物业示范", "bool"),
        ),
        optional=True,
        node="Compound",
    ),
    Table(
        "central_households",
        "党员中心户",
        "party-member central households",
        (
            _c("person", "人员编码", "ref", True, ref="people"),
            _c("grid", "所在网格", "ref", True, ref="grids"),
        ),
        optional=True,
        edge=EdgeSpec("person", "grid", "CENTRAL_HOUSEHOLD_IN"),
    ),
    Table(
        "registrations",
        "双报到",
        "dual registrations",
        (
            _c("subject", "报到主体编码", "ref", True, ref=("people", "party_orgs")),
            _c("community", "报到社区", "ref", True, ref="communities"),
            _c("date", "报到日期", "date"),
            _c("home_org", "所在党组织", "ref", ref="party_orgs", rel="REGISTERED_FROM",
               note_zh="在职党员个人报到时，填写其工作单位所在党组织的编码", version=2),
        ),
        optional=True,
        edge=EdgeSpec("subject", "community", "REGISTERED_WITH", properties=("date", "home_org")),
    ),
    Table(
        "needs",
        "需求清单",
        "needs list",
        (
            _c("code", "需求编码", "code", True),
            _c("title", "需求内容", "text", True),
            _c("community", "提出社区", "ref", True, ref="communities", rel="RAISED_BY"),
            _c("category", "需求类型", "enum", value_set=CATEGORY, version=2),
            _c("date", "提出日期", "date", version=2),
            _c("claimed_by", "认领主体", "ref", ref=("units", "party_orgs"), rel="CLAIMED_BY",
               note_zh="认领该需求的单位或党组织的编码", version=2),
            _c("status", "状态", "enum", value_set=NEED_STATUS, version=2),
        ),
        optional=True,
        node="Need",
    ),
    Table(
        "resources",
        "资源清单",
        "resources list",
        (
            _c("code", "资源编码", "code", True),
            _c("title", "资源内容", "text", True),
            _c("unit", "提供单位", "ref", True, ref="units", rel="OFFERED_BY"),
            _c("category", "资源类型", "enum", value_set=CATEGORY, version=2),
            _c("date", "登记日期", "date", version=2),
        ),
        optional=True,
        node="Resource",
    ),
    Table(
        "projects",
        "项目清单",
        "projects list",
        (
            _c("code", "项目编码", "code", True),
            _c("title", "项目名称", "text", True),
            _c("needs", "对应需求", "refs", ref="needs", rel="MEETS"),
            _c("resources", "使用资源", "refs", ref="resources", rel="USES"),
            _c("status", "状态", "enum", value_set=PROJECT_STATUS),
            _c("lead", "牵头主体", "ref", ref=("units", "party_orgs"), rel="LED_BY",
               note_zh="牵头实施的单位或党组织的编码", version=2),
            _c("start", "开始日期", "date", version=2),
            _c("end", "完成日期", "date", version=2),
            _c("rating", "评价", "rating", version=2),
            _c("feedback_date", "反馈日期", "date", version=2),
        ),
        optional=True,
        node="Project",
    ),
    Table(
        "services",
        "服务记录",
        "service records",
        (
            _c("subject", "服务主体编码", "ref", True, ref=("people", "party_orgs"), version=2),
            _c("community", "服务社区", "ref", True, ref="communities", version=2),
            _c("date", "服务日期", "date", True, version=2),
            _c("hours", "时长", "number", note_zh="服务时长（小时，不小于 0）", version=2),
            _c("need", "对应需求", "ref", ref="needs", version=2),
            _c("rating", "评价", "rating", version=2),
        ),
        optional=True,
        edge=EdgeSpec("subject", "community", "SERVED",
                      properties=("date", "hours", "need", "rating")),
    ),
    Table(
        "agreements",
        "共建协议",
        "co-building agreements",
        (
            _c("code", "协议编码", "code", True, version=2),
            _c("unit_org", "单位党组织", "ref", True, ref="party_orgs", rel="SIGNED_BY",
               note_zh="签订协议的驻区单位党组织编码", version=2),
            _c("community_org", "社区党组织", "ref", True, ref="party_orgs", rel="SIGNED_WITH",
               note_zh="签订协议的社区党组织编码", version=2),
            _c("start", "签订日期", "date", True, version=2),
            _c("end", "到期日期", "date", version=2),
        ),
        optional=True,
        node="Agreement",
    ),
    Table(
        "meetings",
        "联席会议",
        "joint meetings",
        (
            _c("code", "会议编码", "code", True, version=2),
            _c("org", "召集党组织", "ref", True, ref="party_orgs", rel="CONVENED_BY",
               note_zh="召集会议的社区党组织或街道党工委编码", version=2),
            _c("date", "会议日期", "date", True, version=2),
            _c("attendees", "参会党组织", "refs", ref="party_orgs", rel="ATTENDED_BY", version=2),
        ),
        optional=True,
        node="Meeting",
    ),
)

TABLES_BY_KEY: dict[str, Table] = {t.key: t for t in TABLES}


# ---------------------------------------------------------------------------
# Graph: node kinds and relationship kinds
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeKind:
    """A node label, the table it comes from and how it looks."""

    label: str
    zh: str
    en: str
    table: str
    #: the property shown as the node's name (``title`` for the three lists)
    name_key: str = "name"
    #: explorer look: vis-network shape and colour
    shape: str = "dot"
    color: str = "#888888"
    #: the explorer layer the node belongs to (``"activity"``: off by default)
    layer: str = "structure"  # STRUCTURE (declared below)

    @property
    def properties(self) -> tuple[str, ...]:
        """Property keys stored on the node (the table's non-reference
        columns)."""
        t = TABLES_BY_KEY[self.table]
        return tuple(c.key for c in t.columns if c.type not in ("ref", "refs"))


@dataclass(frozen=True)
class RelKind:
    """A relationship type, what it joins and which properties it carries."""

    type: str
    zh: str
    en: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: tuple[str, ...] = ()
    #: the properties that tell two relationships of this kind between the
    #: same nodes apart (``None``: every property but ``end``)
    key_properties: tuple[str, ...] | None = None
    #: made from another relationship's row (a relationship table's ``ref``
    #: column with ``rel``), not a roster column of its own: export skips it
    derived: bool = False
    #: the explorer layer the relationship belongs to (``"activity"``: the
    #: co-building activity of roster format version 2, off by default)
    layer: str = "structure"

    @property
    def identity(self) -> tuple[str, ...]:
        """The properties :func:`edge_key` puts in the key."""
        if self.key_properties is not None:
            return self.key_properties
        return tuple(p for p in self.properties if p != "end")


#: The explorer layer of the co-building activity: 双报到, the three lists,
#: service records, agreements and meetings (drawn only when switched on);
#: everything else is the structure layer.
ACTIVITY = "activity"
STRUCTURE = "structure"
#: The explorer's layers: key, Chinese, English, shown at first.
LAYERS: tuple[tuple[str, str, str, bool], ...] = (
    (STRUCTURE, "组织结构与交叉任职", "structure and cross-appointments", True),
    (ACTIVITY, "共建活动（报到、三张清单、服务、协议、会议）",
     "co-building activity (registrations, the three lists, services, agreements, meetings)", False),
)

NODE_KINDS: tuple[NodeKind, ...] = (
    NodeKind("Street", "街道", "street", "streets", shape="star", color="#6a3d9a"),
    NodeKind("Community", "社区", "community", "communities", shape="hexagon", color="#1f78b4"),
    NodeKind("Grid", "网格", "grid", "grids", shape="triangle", color="#33a02c"),
    NodeKind("Compound", "小区", "compound", "compounds", shape="square", color="#8d6e63"),
    NodeKind("Unit", "驻区单位", "resident unit", "units", shape="box", color="#a6cee3"),
    NodeKind("PartyOrg", "党组织", "party organization", "party_orgs", shape="diamond", color="#00897b"),
    NodeKind("Person", "人员", "person", "people", shape="dot", color="#90a4ae"),
    NodeKind("Need", "需求", "need", "needs", name_key="title", shape="triangleDown", color="#cab2d6",
             layer=ACTIVITY),
    NodeKind("Resource", "资源", "resource", "resources", name_key="title", shape="triangleDown",
             color="#b2df8a", layer=ACTIVITY),
    NodeKind("Project", "项目", "project", "projects", name_key="title", shape="ellipse", color="#bcaaa4",
             layer=ACTIVITY),
    NodeKind("Agreement", "共建协议", "co-building agreement", "agreements", name_key="code",
             shape="square", color="#9fa8da", layer=ACTIVITY),
    NodeKind("Meeting", "联席会议", "joint meeting", "meetings", name_key="code",
             shape="dot", color="#80deea", layer=ACTIVITY),
)

NODE_KINDS_BY_LABEL: dict[str, NodeKind] = {k.label: k for k in NODE_KINDS}
_LABEL_OF_TABLE: dict[str, str] = {k.table: k.label for k in NODE_KINDS}

REL_KINDS: tuple[RelKind, ...] = (
    RelKind("IN", "位于", "located in",
            ("Community", "Grid", "Unit", "Compound"), ("Street", "Community")),
    RelKind("BELONGS_TO", "隶属", "party organization of",
            ("PartyOrg",), ("Unit", "Community", "Grid", "Street")),
    RelKind("UNDER", "上级党组织", "under parent organization", ("PartyOrg",), ("PartyOrg",)),
    RelKind("MEMBER_OF", "纳入", "taken into (big party committee)", ("PartyOrg",), ("PartyOrg",)),
    RelKind("HOLDS", "任职", "holds a post in", ("Person",), ("PartyOrg",),
            ("role", "post_type", "start", "end")),
    RelKind("IN_CHARGE_OF", "包抓街道", "county leader in charge of", ("Person",), ("Street",)),
    RelKind("LIAISES_WITH", "联系社区", "county leader in touch with", ("Person",), ("Community",)),
    RelKind("MANAGED_BY", "物业管理", "managed by property company", ("Compound",), ("Unit",)),
    RelKind("CENTRAL_HOUSEHOLD_IN", "党员中心户", "party-member central household in",
            ("Person",), ("Grid",)),
    RelKind("REGISTERED_WITH", "双报到", "registered with （双报到）",
            ("Person", "PartyOrg"), ("Community",), ("date", "home_org"), key_properties=("date",),
            layer=ACTIVITY),
    RelKind("REGISTERED_FROM", "报到党员所在党组织", "registered member of （双报到 所在党组织）",
            ("Person", "PartyOrg"), ("PartyOrg",), ("date",), derived=True, layer=ACTIVITY),
    RelKind("RAISED_BY", "提出", "need raised by", ("Need",), ("Community",), layer=ACTIVITY),
    RelKind("OFFERED_BY", "提供", "resource offered by", ("Resource",), ("Unit",), layer=ACTIVITY),
    RelKind("MEETS", "对应需求", "project meets need", ("Project",), ("Need",), layer=ACTIVITY),
    RelKind("USES", "使用资源", "project uses resource", ("Project",), ("Resource",), layer=ACTIVITY),
    RelKind("CLAIMED_BY", "认领", "need claimed by", ("Need",), ("Unit", "PartyOrg"), layer=ACTIVITY),
    RelKind("LED_BY", "牵头", "project led by", ("Project",), ("Unit", "PartyOrg"), layer=ACTIVITY),
    RelKind("SERVED", "服务记录", "served the community", ("Person", "PartyOrg"), ("Community",),
            ("date", "hours", "need", "rating"), layer=ACTIVITY),
    RelKind("SIGNED_BY", "协议单位党组织", "agreement signed by unit org", ("Agreement",), ("PartyOrg",),
            layer=ACTIVITY),
    RelKind("SIGNED_WITH", "协议社区党组织", "agreement signed with community org",
            ("Agreement",), ("PartyOrg",), layer=ACTIVITY),
    RelKind("CONVENED_BY", "召集", "meeting convened by", ("Meeting",), ("PartyOrg",), layer=ACTIVITY),
    RelKind("ATTENDED_BY", "参会", "meeting attended by", ("Meeting",), ("PartyOrg",), layer=ACTIVITY),
)

REL_KINDS_BY_TYPE: dict[str, RelKind] = {r.type: r for r in REL_KINDS}


def _date_properties() -> dict[str, tuple[str, ...]]:
    """Per label and per relationship type, the properties that hold dates
    (a node's from its table's date columns; a relationship's from the
    date columns of the tables that make it)."""
    out = {k.label: tuple(c.key for c in TABLES_BY_KEY[k.table].columns if c.type == "date")
           for k in NODE_KINDS}
    for rk in REL_KINDS:
        dates = set()
        for t in TABLES:
            made_here = any(c.rel == rk.type for c in t.columns) or (
                t.edge is not None and rk.type in
                ({t.edge.rel} if isinstance(t.edge.rel, str) else {r for _, r in t.edge.rel}))
            if made_here:
                dates |= {c.key for c in t.columns if c.type == "date"}
        out[rk.type] = tuple(p for p in rk.properties if p in dates)
    return out


#: ``{"Person": (), "HOLDS": ("start", "end"), ...}``: the store reads these
#: back as ISO text and turns them into ``datetime.date`` itself (far cheaper
#: than the driver's temporal values for hundreds of thousands of dates).
DATE_PROPERTIES: dict[str, tuple[str, ...]] = _date_properties()

#: Labels the Neo4j store keeps beside the graph (never part of it): one
#: ``ImportRecord`` per import, the ``ImportLock`` that serializes imports,
#: and one ``RosterShape`` per street (the tables and columns its roster had,
#: so that a rule whose table was absent stays "not checked" after a round
#: trip through the store).
META_LABELS: tuple[str, ...] = ("ImportRecord", "ImportLock", "RosterShape")


def table(key: str) -> Table:
    return TABLES_BY_KEY[key]


def node_kind(label: str) -> NodeKind:
    return NODE_KINDS_BY_LABEL[label]


def rel_kind(type_: str) -> RelKind:
    return REL_KINDS_BY_TYPE[type_]


def label_of_table(table_key: str) -> str:
    """``"units"`` -> ``"Unit"``."""
    return _LABEL_OF_TABLE[table_key]


def node_id(label: str, code: str) -> str:
    """The NetworkX node id of a node: ``"Unit:U001"``."""
    if label not in NODE_KINDS_BY_LABEL:
        raise ValueError(f"unknown label {label!r}")
    return f"{label}:{code}"


def _ids_of(label: str):
    """The node-id maker of one label (no check: the label is known)."""
    def make(code: str) -> str:
        return f"{label}:{code}"

    make.__doc__ = f"``\"{label}:<code>\"``: the node id of a {label}."
    return make


#: Node ids of the labels the code names most (``org_id("O1") == "PartyOrg:O1"``).
street_id = _ids_of("Street")
community_id = _ids_of("Community")
grid_id = _ids_of("Grid")
compound_id = _ids_of("Compound")
unit_id = _ids_of("Unit")
org_id = _ids_of("PartyOrg")
person_id = _ids_of("Person")
need_id = _ids_of("Need")
resource_id = _ids_of("Resource")
project_id = _ids_of("Project")
meeting_id = _ids_of("Meeting")


def split_node_id(nid: str) -> tuple[str, str]:
    """``"Unit:U001"`` -> ``("Unit", "U001")``."""
    label, _, code = nid.partition(":")
    return label, code


def edge_key(type_: str, props: dict | None = None) -> str:
    """The MultiDiGraph key of a relationship.

    Relationships without properties are unique per (source, type, target):
    their key is the type. A post (``HOLDS``) may repeat between the same
    person and org with another role, type or term, so its key carries those:
    ``"HOLDS|兼职委员|part_time|2024-01-01"``.
    """
    identity = _IDENTITY[type_]
    if not identity or not props:
        return type_
    parts = [type_]
    for p in identity:  # an end date changes a post, it does not make another
        v = props.get(p)
        parts.append("" if v is None else (v.isoformat() if isinstance(v, date) else str(v)))
    return "|".join(parts)


#: type -> :attr:`RelKind.identity` (``edge_key`` runs for every edge of a county)
_IDENTITY: dict[str, tuple[str, ...]] = {r.type: r.identity for r in REL_KINDS}


def _check() -> None:
    """Internal consistency of the declarations (also run by the tests)."""
    for t in TABLES:
        if (t.node is None) == (t.edge is None):
            raise AssertionError(f"table {t.key}: exactly one of node/edge")
        keys = [c.key for c in t.columns]
        if len(set(keys)) != len(keys):
            raise AssertionError(f"table {t.key}: duplicate column key")
        if t.node and t.node not in NODE_KINDS_BY_LABEL:
            raise AssertionError(f"table {t.key}: unknown label {t.node}")
        for c in t.columns:
            for r in c.ref:
                if r not in TABLES_BY_KEY:
                    raise AssertionError(f"{t.key}.{c.key}: unknown table {r}")
            if c.rel and c.rel not in REL_KINDS_BY_TYPE:
                raise AssertionError(f"{t.key}.{c.key}: unknown rel {c.rel}")
        if t.edge:
            rels: Iterable[str] = (
                [t.edge.rel] if isinstance(t.edge.rel, str) else [r for _, r in t.edge.rel]
            )
            for r in rels:
                if r not in REL_KINDS_BY_TYPE:
                    raise AssertionError(f"{t.key}: unknown rel {r}")
    for k in NODE_KINDS:
        if TABLES_BY_KEY[k.table].node != k.label:
            raise AssertionError(f"node kind {k.label}: table mismatch")


_check()
