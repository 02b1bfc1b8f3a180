"""Whole-roster checks: everything that would make the graph wrong.

Each check is one small function taking a :class:`Context` and yielding
:class:`~graph.errors.Issue` objects; :data:`CHECKS` lists them in the order
they run (and the docs enumerate them). :func:`validate` runs them all and
reports every issue at once. Errors block an import; warnings do not.

The checks are driven by :mod:`graph.schema`: required columns, references,
value sets and codes come from the table declarations; only the domain rules
(what a party organization of each kind must belong to ...) are written out
here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from graph import limits, schema
from graph.errors import Issue
from graph.roster import Roster, Row
from loaders.cells import LIST_SEPARATORS
from loaders.readers import table_label

__all__ = [
    "validate",
    "Context",
    "CHECKS",
    "issue_sort_key",
    "credit_code_check_char",
    "plausible_phone",
]

# Which belonging column a party organization of each kind must fill.
_HOME_COLUMN: tuple[tuple[frozenset, str, str, str], ...] = (
    (schema.COMMUNITY_ORG_KINDS, "community", "community_org_no_community", "社区党组织"),
    (schema.GRID_ORG_KINDS, "grid", "grid_org_no_grid", "网格党组织"),
    (schema.STREET_ORG_KINDS, "street", "street_org_no_street", "街道党工委"),
)
_BELONGING_COLUMNS = ("units", "community", "grid", "street")
_BIG_COMMITTEE_KINDS = schema.COMMUNITY_ORG_KINDS | schema.STREET_ORG_KINDS
_JOINT = "joint_branch"
_PROPERTY = "property"

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")
_PHONE_FORMS = (
    re.compile(r"1[3-9]\d{9}"),  # mobile
    re.compile(r"0\d{9,11}"),  # landline with area code
    re.compile(r"[2-9]\d{6,7}"),  # local landline
)


def credit_code_check_char(first17: str) -> str:
    """The check character (GB 32100-2015) of a unified social credit code.

    >>> credit_code_check_char("91350100M000100Y4")
    '3'
    """
    total = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def plausible_phone(phone: str) -> bool:
    """Whether ``phone`` looks like a Chinese mobile or landline number.

    >>> plausible_phone("138 1234 1234"), plausible_phone("0931-8812345"), plausible_phone("12345")
    (True, True, False)
    """
    s = _PHONE_SEPARATORS.sub("", phone)
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    return any(rx.fullmatch(s) for rx in _PHONE_FORMS)


@dataclass
class Context:
    """What the checks share: the roster and its code index.

    ``first`` maps table key -> code -> the first row holding that code;
    ``skip_refs_to`` names tables that could not be read, so references into
    them are not reported one by one.
    """

    roster: Roster
    skip_refs_to: frozenset[str] = frozenset()
    first: dict[str, dict[str, Row]] = field(default_factory=dict)
    _digits: dict[str, dict[str, list[str]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for t in schema.TABLES:
            if t.node:
                idx: dict[str, Row] = {}
                for row in self.roster.rows(t.key):
                    code = row.get("code")
                    if isinstance(code, str) and code not in idx:
                        idx[code] = row
                self.first[t.key] = idx

    def digit_codes(self, table_key: str) -> dict[str, list[str]]:
        """All-digit codes of a table by their value without leading zeros
        (built once, on the first unknown numeric reference)."""
        idx = self._digits.get(table_key)
        if idx is None:
            idx = {}
            for c in self.first.get(table_key, {}):
                if c.isdigit():
                    idx.setdefault(c.lstrip("0"), []).append(c)
            self._digits[table_key] = idx
        return idx

    def row_of(self, table_key: str, code: str) -> Row | None:
        return self.first.get(table_key, {}).get(code)

    def issue(self, row: Row, column: str, value, zh: str, en: str, code: str,
              severity: str = "error") -> Issue:
        t = schema.table(row.table)
        header = t.column(column).zh if column else ""
        return Issue(table_label(t), row.line, header, value, zh, en, severity, code)


Check = Callable[[Context], Iterable[Issue]]


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------


def check_required(ctx: Context) -> Iterator[Issue]:
    """A required cell is empty."""
    for t in schema.TABLES:
        req = t.required_columns
        for row in ctx.roster.rows(t.key):
            for c in req:
                if c.key not in row.values:
                    hint_zh = hint_en = ""
                    if c.value_set is not None:
                        hint_zh = "，可选：" + "、".join(m.zh for m in c.value_set.members)
                        hint_en = "; one of: " + ", ".join(f"{m.zh} ({m.code})" for m in c.value_set.members)
                    yield ctx.issue(row, c.key, None,
                                    f"必填项“{c.zh}”为空，请填写{hint_zh}",
                                    f"required cell {c.zh} ({c.key}) is empty; fill it in{hint_en}",
                                    "missing_required")


def check_value_types(ctx: Context) -> Iterator[Issue]:
    """A value of the wrong type (rosters built in code rather than read)."""
    for t in schema.TABLES:
        for row in ctx.roster.rows(t.key):
            for c in t.columns:
                v = row.values.get(c.key)
                if v is None:
                    continue
                bad = None
                if c.type == "date" and not isinstance(v, dt.date):
                    bad = ("bad_date", "不是日期", "not a date")
                elif c.type == "bool" and not isinstance(v, bool):
                    bad = ("bad_bool", "不是“是/否”", "not yes/no")
                elif c.type == "enum" and not c.value_set.open and v not in c.value_set.codes:
                    bad = ("bad_value", "不在可选值之中：" + "、".join(c.value_set.codes),
                           "not one of: " + ", ".join(c.value_set.codes))
                elif c.type == "refs" and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                    bad = ("bad_value", "应为编码列表", "should be a list of codes")
                elif c.type in _NUMBER_CHECKS:
                    bad = _NUMBER_CHECKS[c.type](v)
                elif c.type not in ("date", "bool", "enum", "refs") and not isinstance(v, str):
                    bad = ("bad_value", "应为文字", "should be text")
                if bad:
                    yield ctx.issue(row, c.key, v, f"“{c.zh}”的值{bad[1]}",
                                    f"{c.key}: value {v!r} is {bad[2]}", bad[0])


def _shown(c: schema.Column, v) -> str | None:
    """A too-long value as a report shows it: its start (a phone: nothing)."""
    if c.type == "phone":
        return None
    s = "；".join(v) if isinstance(v, list) else str(v)
    return s if len(s) <= 40 else s[:40] + "…"


def check_limits(ctx: Context) -> Iterator[Issue]:
    """A value past the limits of its column kind (:mod:`graph.limits`):
    too many characters, a date outside 1900–2100."""
    for t in schema.TABLES:
        cols = [(c, limits.max_chars(c.type)) for c in t.columns]
        for row in ctx.roster.rows(t.key):
            for c, most in cols:
                v = row.values.get(c.key)
                if v is None:
                    continue
                if c.type == "date":
                    if isinstance(v, dt.date) and not limits.MIN_DATE <= v <= limits.MAX_DATE:
                        yield ctx.issue(
                            row, c.key, v.isoformat(),
                            f"日期 {v.isoformat()} 不在 {limits.MIN_DATE.year}–{limits.MAX_DATE.year} 年之间，"
                            "可能是年份写错了；请核对",
                            f"date {v.isoformat()} is outside {limits.MIN_DATE.year}–{limits.MAX_DATE.year}: "
                            "a mistyped year? please check it",
                            "date_out_of_range")
                    continue
                if most is None:
                    continue
                long_code = c.type == "refs" and isinstance(v, list) and any(
                    isinstance(x, str) and len(x) > limits.CODE_CHARS for x in v)
                size = sum(len(x) for x in v if isinstance(x, str)) if isinstance(v, list) else \
                    len(v) if isinstance(v, str) else 0
                if long_code or size > most:
                    most = limits.CODE_CHARS if long_code else most
                    yield ctx.issue(
                        row, c.key, _shown(c, v),
                        f"“{c.zh}”太长（{size} 个字符），最多 {most} 个字符"
                        + ("（每个编码）" if long_code else "") + "；请核对是否粘贴错了内容",
                        f"{c.key} is too long ({size} characters); at most {most}"
                        + (" (each code)" if long_code else "") + "; was something pasted by mistake?",
                        "too_long")


def _whole(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v


_NUMBER_CHECKS = {
    "count": lambda v: None if _whole(v) and v >= 0 else
    ("bad_number", "应为不小于 0 的整数", "not a whole number >= 0"),
    "number": lambda v: None if _number(v) and 0 <= v < float("inf") else
    ("bad_number", "应为不小于 0 的数", "not a number >= 0"),
    "rating": lambda v: None if _whole(v) and schema.RATING_RANGE[0] <= v <= schema.RATING_RANGE[1]
    else ("bad_rating", "应为 1–5 的整数", "not a whole number 1-5"),
}


def check_codes(ctx: Context) -> Iterator[Issue]:
    """A duplicate code, or a code that a list cell could not hold."""
    bad_chars = re.compile("[" + re.escape(LIST_SEPARATORS) + "]")
    for t in schema.TABLES:
        if not t.node:
            continue
        col = t.column("code")
        for row in ctx.roster.rows(t.key):
            code = row.get("code")
            if not isinstance(code, str):
                continue
            first = ctx.row_of(t.key, code)
            if first is not None and first is not row:
                yield ctx.issue(
                    row, "code", code,
                    f"编码“{code}”重复：第 {first.line} 行已用过；每个{col.zh}只能出现一次",
                    f"duplicate code {code!r}: already used in row {first.line}; each {col.zh} "
                    "must be unique",
                    "duplicate_code",
                )
            if bad_chars.search(code):
                yield ctx.issue(
                    row, "code", code,
                    f"编码“{code}”含有列表分隔符（分号、逗号或顿号），在列表中无法引用；请去掉这些符号",
                    f"code {code!r} holds a list separator (; , 、) and could not be listed; "
                    "remove it",
                    "bad_code",
                )


def check_dates(ctx: Context) -> Iterator[Issue]:
    """An end date before its start date."""
    for t in schema.TABLES:
        keys = {c.key for c in t.columns if c.type == "date"}
        if not {"start", "end"} <= keys:
            continue
        for row in ctx.roster.rows(t.key):
            s, e = row.get("start"), row.get("end")
            if isinstance(s, dt.date) and isinstance(e, dt.date) and e < s:
                s_zh, e_zh = t.column("start").zh, t.column("end").zh
                yield ctx.issue(
                    row, "end", e.isoformat(),
                    f"{e_zh} {e.isoformat()} 早于{s_zh} {s.isoformat()}；{e_zh}应不早于{s_zh}",
                    f"end date {e.isoformat()} is before start date {s.isoformat()}; "
                    "the end must be on or after the start",
                    "end_before_start",
                )


# ---------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------


def _zh_of_tables(keys: Iterable[str]) -> tuple[str, str]:
    keys = list(keys)
    return ("或".join(schema.table(k).zh for k in keys),
            " or ".join(schema.table(k).key for k in keys))


def _ref_issue(ctx: Context, row: Row, col: schema.Column, code: str,
               expected: tuple[str, ...]) -> Issue | None:
    """The issue for one referenced code, or ``None`` when it resolves."""
    if any(t in ctx.skip_refs_to for t in expected):
        return None
    hits = [t for t in expected if code in ctx.first.get(t, {})]
    if len(hits) == 1:
        return None
    want_zh, want_en = _zh_of_tables(expected)
    if len(hits) > 1:
        return ctx.issue(
            row, col.key, code,
            f"编码“{code}”同时是{want_zh.replace('或', '和')}的编码，无法确定指哪一个；请改用不重复的编码",
            f"code {code!r} is in both the {want_en.replace(' or ', ' and ')} tables; it is ambiguous, "
            "give them codes that differ",
            "ambiguous_ref",
        )
    others = [t.key for t in schema.TABLES if t.node and t.key not in expected
              and code in ctx.first.get(t.key, {})]
    if others and set(col.ref) & set(others):
        got_zh, got_en = _zh_of_tables(others)
        return ctx.issue(
            row, col.key, code,
            f"“{code}”是{got_zh}的编码，这里应填{want_zh}的编码",
            f"{code!r} is a code of the {got_en} table; a code of the {want_en} table is needed here",
            "wrong_ref_kind",
        )
    hint_zh = hint_en = ""
    if col.type == "ref" and any(ch in code for ch in LIST_SEPARATORS):
        hint_zh, hint_en = "（这里只能填一个编码）", " (only one code goes here)"
    elif col.type == "refs" and any(ch.isspace() for ch in code):
        hint_zh = "（多个编码请用 ；，或 、 分隔，不要用空格或换行）"
        hint_en = " (separate several codes with ; , or 、, not spaces or line breaks)"
    elif code.isdigit():
        # Excel turns a code typed as 001 into the number 1 unless the column is text
        near = sorted(c for t in expected for c in ctx.digit_codes(t).get(code.lstrip("0"), ())
                      if c != code)
        if near:
            hint_zh = (f"(是否应为“{near[0]}”?Excel 会去掉数字编码开头的 0,"
                       "请把编码列设为“文本”格式后重新输入)")
            hint_en = (f" (meant {near[0]!r}? Excel drops the leading zeros of a code typed as a "
                       "number: format the code columns as text and retype them)")
    return ctx.issue(
        row, col.key, code,
        f"找不到{want_zh}编码“{code}”{hint_zh}；请先在“{schema.table(expected[0]).zh}”表登记，或改正编码",
        f"unknown code {code!r}{hint_en}: no such row in the {want_en} table; add it to "
        f"{schema.table(expected[0]).zh} ({expected[0]}) first, or correct the code",
        "unknown_ref",
    )


def check_references(ctx: Context) -> Iterator[Issue]:
    """A code that refers to nothing, to the wrong kind of thing, or to two
    things at once."""
    for t in schema.TABLES:
        ref_cols = [c for c in t.columns if c.type in ("ref", "refs")]
        for row in ctx.roster.rows(t.key):
            for c in ref_cols:
                v = row.values.get(c.key)
                if v is None:
                    continue
                expected = c.ref
                if t.edge and c.key == t.edge.target and t.edge.target_by:
                    kind = row.get(t.edge.rel_by)
                    forced = dict(t.edge.target_by).get(kind)
                    if forced is None:
                        continue  # the kind itself is reported
                    expected = (forced,)
                for code in (v if isinstance(v, list) else [v]):
                    if not isinstance(code, str):
                        continue
                    issue = _ref_issue(ctx, row, c, code, expected)
                    if issue:
                        yield issue


def check_self_reference(ctx: Context) -> Iterator[Issue]:
    """A node table row that refers to itself (taken into itself)."""
    for t in schema.TABLES:
        if not t.node:
            continue
        cols = [c for c in t.columns if c.type in ("ref", "refs") and t.key in c.ref]
        for row in ctx.roster.rows(t.key):
            code = row.get("code")
            for c in cols:
                if c.rel == "UNDER":
                    continue  # a parent loop is reported as a cycle
                v = row.values.get(c.key)
                if code in (v if isinstance(v, list) else [v]):
                    yield ctx.issue(row, c.key, code,
                                    f"“{c.zh}”填的是本行自己的编码“{code}”；应填另一个组织的编码",
                                    f"{c.key} names the row's own code {code!r}; name another one",
                                    "self_reference")


# ---------------------------------------------------------------------------
# Party organizations
# ---------------------------------------------------------------------------


def check_org_belonging(ctx: Context) -> Iterator[Issue]:
    """What a party organization must belong to, by its kind."""
    kind_col = schema.table("party_orgs").column("kind")
    for row in ctx.roster.rows("party_orgs"):
        kind = row.get("kind")
        if kind not in kind_col.value_set.codes:
            continue
        kind_zh = kind_col.value_set.zh_of(kind)
        units = row.get("units") or []
        expected_col = None
        if kind == _JOINT:
            expected_col = "units"
            if len(units) < 2:
                yield ctx.issue(
                    row, "units", "；".join(units) or None,
                    f"联合党支部应在“所属单位”中列出至少两个单位（现有 {len(units)} 个）；"
                    "只属于一个单位的请改为单位党支部",
                    f"a joint branch must list at least two units (it lists {len(units)}); "
                    "a branch of one unit is a 单位党支部 (unit_branch)",
                    "joint_branch_units",
                )
        elif kind in schema.UNIT_ORG_KINDS:
            expected_col = "units"
            if not units:
                yield ctx.issue(
                    row, "units", None,
                    f"{kind_zh}应在“所属单位”中填写所属单位的编码",
                    f"a {kind} must name its unit in 所属单位 (units)",
                    "unit_org_no_unit",
                )
            elif len(units) > 1:
                yield ctx.issue(
                    row, "units", "；".join(units),
                    f"{kind_zh}只能属于一个单位（现有 {len(units)} 个）；几个单位联合建立的请改为联合党支部",
                    f"a {kind} belongs to one unit (it lists {len(units)}); "
                    "one set up by several units is a 联合党支部 (joint_branch)",
                    "unit_org_several_units",
                )
        for kinds, col, code, what_zh in _HOME_COLUMN:
            if kind in kinds:
                expected_col = col
                if not row.get(col):
                    c = schema.table("party_orgs").column(col)
                    yield ctx.issue(
                        row, col, None,
                        f"{what_zh}“{kind_zh}”应填写“{c.zh}”" if what_zh != kind_zh
                        else f"{kind_zh}应填写“{c.zh}”",
                        f"a {kind} must fill {c.zh} ({col})",
                        code,
                    )
        if expected_col is None:
            continue  # 其他 other: any belonging
        for col in _BELONGING_COLUMNS:
            if col != expected_col and row.get(col):
                c = schema.table("party_orgs").column(col)
                exp = schema.table("party_orgs").column(expected_col)
                v = row.get(col)
                yield ctx.issue(
                    row, col, "；".join(v) if isinstance(v, list) else v,
                    f"{kind_zh}通常只填“{exp.zh}”，这里又填了“{c.zh}”，会让它同时属于两处；"
                    "若是指纳入社区大党委，请填在“纳入”列",
                    f"a {kind} normally fills only {exp.zh} ({expected_col}); {c.zh} ({col}) "
                    "makes it belong to two places; to take it into a big party committee use 纳入 (member_of)",
                    "unexpected_belonging", "warning",
                )


def check_member_of(ctx: Context) -> Iterator[Issue]:
    """纳入 must name a community party organization or a street committee."""
    orgs = ctx.first.get("party_orgs", {})
    kind_set = schema.ORG_KIND
    allowed = "、".join(kind_set.zh_of(k) for k in kind_set.codes if k in _BIG_COMMITTEE_KINDS)
    for row in ctx.roster.rows("party_orgs"):
        for code in row.get("member_of") or []:
            target = orgs.get(code)
            if target is None or code == row.get("code"):
                continue
            tk = target.get("kind")
            if tk is not None and tk not in _BIG_COMMITTEE_KINDS:
                yield ctx.issue(
                    row, "member_of", code,
                    f"“纳入”的“{code}”是{kind_set.zh_of(tk)}，不是社区大党委或街道大工委；"
                    f"应填{allowed}的编码",
                    f"member_of {code!r} is a {tk}, not a community party organization or street "
                    f"committee; name one of kind {', '.join(sorted(_BIG_COMMITTEE_KINDS))}",
                    "member_of_not_big_committee",
                )


def check_parent_cycles(ctx: Context) -> Iterator[Issue]:
    """上级党组织 must not loop back."""
    orgs = ctx.first.get("party_orgs", {})
    parent = {code: row.get("parent") for code, row in orgs.items()
              if isinstance(row.get("parent"), str)}
    done: set[str] = set()
    for start in orgs:
        if start in done:
            continue
        path: list[str] = []
        on_path: set[str] = set()
        node = start
        while node is not None and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parent.get(node)
        if node is not None and node in on_path:
            cycle = path[path.index(node):]
            first = min(cycle, key=lambda c: orgs[c].line)
            i = cycle.index(first)
            cycle = cycle[i:] + cycle[:i]
            chain = " → ".join(cycle + [first])
            yield ctx.issue(
                orgs[first], "parent", chain,
                f"上级党组织形成循环：{chain}；请改正其中一个的上级党组织",
                f"the parent organizations form a loop: {chain}; correct one of their parents",
                "parent_cycle",
            )
        done.update(path)


# ---------------------------------------------------------------------------
# Relationship rows
# ---------------------------------------------------------------------------


def check_duplicate_rows(ctx: Context) -> Iterator[Issue]:
    """The same relationship twice (a post: same person, org, role, type and
    start date)."""
    for t in schema.TABLES:
        e = t.edge
        if not e:
            continue
        seen: dict[tuple, Row] = {}
        for row in ctx.roster.rows(t.key):
            v = row.values
            if e.source not in v or e.target not in v:
                continue
            try:
                rel = e.rel_for(v)
            except KeyError:
                continue
            props = {p: v[p] for p in e.properties if p in v}
            key = (v[e.source], v[e.target], schema.edge_key(rel, props))
            first = seen.get(key)
            if first is None:
                seen[key] = row
                continue
            what = "任职" if t.key == "posts" else "记录"
            yield ctx.issue(
                row, e.source, v[e.source],
                f"与第 {first.line} 行重复的{what}"
                + ("（同一人员、党组织、职务、任职类型和起始日期）" if t.key == "posts" else "")
                + "；请删除一行，或改正起始日期",
                f"repeats row {first.line}"
                + (" (same person, org, role, post type and start date)" if t.key == "posts" else "")
                + "; delete one, or correct the start date",
                "duplicate_post" if t.key == "posts" else "duplicate_row",
            )


def check_property_unit(ctx: Context) -> Iterator[Issue]:
    """A compound's 物业企业 must be a unit of kind 物业企业."""
    units = ctx.first.get("units", {})
    want = schema.UNIT_KIND.zh_of(_PROPERTY)
    for row in ctx.roster.rows("compounds"):
        code = row.get("property_unit")
        unit = units.get(code) if code else None
        if unit is None or unit.get("kind") in (None, _PROPERTY):
            continue
        got = schema.UNIT_KIND.zh_of(unit.get("kind"))
        yield ctx.issue(
            row, "property_unit", code,
            f"物业企业“{code}”的单位类型是{got}（单位表第 {unit.line} 行），应为{want}",
            f"property unit {code!r} is of kind {unit.get('kind')} (units row {unit.line}); "
            f"it must be of kind {_PROPERTY} ({want})",
            "property_unit_kind",
        )


# ---------------------------------------------------------------------------
# Co-building activity (roster-format-v2.md)
# ---------------------------------------------------------------------------

#: (table, column, allowed org kinds, what the column must name (zh, en)).
_ACTIVITY_ORG_KINDS: tuple[tuple[str, str, frozenset, str, str], ...] = (
    ("agreements", "unit_org", schema.UNIT_ORG_KINDS, "驻区单位党组织（单位党委、党总支、党支部或联合党支部）",
     "a unit party organization"),
    ("agreements", "community_org", schema.COMMUNITY_ORG_KINDS, "社区党组织", "a community party organization"),
    ("meetings", "org", schema.COMMUNITY_ORG_KINDS | schema.STREET_ORG_KINDS, "社区党组织或街道党工委",
     "a community party organization or a street working committee"),
)


def check_activity_org_kinds(ctx: Context) -> Iterator[Issue]:
    """An agreement's 单位党组织 must be a unit org and its 社区党组织 a
    community org; a meeting's 召集党组织 a community org or a street
    working committee."""
    orgs = ctx.first.get("party_orgs", {})
    for table_key, col, kinds, want_zh, want_en in _ACTIVITY_ORG_KINDS:
        header = schema.table(table_key).column(col).zh
        for row in ctx.roster.rows(table_key):
            code = row.get(col)
            target = orgs.get(code) if isinstance(code, str) else None
            kind = target.get("kind") if target is not None else None
            if kind is None or kind in kinds:
                continue
            yield ctx.issue(
                row, col, code,
                f"“{header}”的“{code}”是{schema.ORG_KIND.zh_of(kind)}（党组织表第 {target.line} 行），"
                f"应为{want_zh}",
                f"{col} {code!r} is a {kind} (party_orgs row {target.line}); it must be {want_en}",
                "wrong_org_kind",
            )


def check_done_needs(ctx: Context) -> Iterator[Issue]:
    """A need marked 已完成 that no project meets (warning)."""
    met = {n for r in ctx.roster.rows("projects") for n in (r.get("needs") or [])}
    for row in ctx.roster.rows("needs"):
        if row.get("status") == "done" and row.get("code") not in met:
            yield ctx.issue(
                row, "status", schema.NEED_STATUS.zh_of("done"),
                "该需求标为“已完成”，但项目清单中没有对应它的项目；请补充项目或核对状态",
                "this need is marked done （已完成） but no project in the projects list meets it; "
                "add the project or check the status",
                "done_need_without_project", "warning",
            )


# ---------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------


def check_phones(ctx: Context) -> Iterator[Issue]:
    """A phone number that does not look like one (warning). The value is
    not repeated in the message: phone numbers are personal data."""
    for t in schema.TABLES:
        for c in t.columns:
            if c.type != "phone":
                continue
            for row in ctx.roster.rows(t.key):
                v = row.get(c.key)
                if isinstance(v, str) and not plausible_phone(v):
                    yield ctx.issue(
                        row, c.key, None,
                        "手机号看起来不像电话号码；应为 11 位手机号（如 13812341234）或带区号的固定电话",
                        "the phone does not look like a number; expected an 11-digit mobile "
                        "(e.g. 13812341234) or a landline with area code",
                        "bad_phone", "warning",
                    )


def check_credit_codes(ctx: Context) -> Iterator[Issue]:
    """统一社会信用代码: 18 characters with a valid check character
    (warning)."""
    for t in schema.TABLES:
        for c in t.columns:
            if c.type != "credit_code":
                continue
            for row in ctx.roster.rows(t.key):
                v = row.get(c.key)
                if not isinstance(v, str):
                    continue
                s = v.upper()
                if len(s) != 18 or any(ch not in _CREDIT_CHARS for ch in s):
                    yield ctx.issue(
                        row, c.key, v,
                        f"统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V），现为 {len(s)} 位",
                        f"a unified social credit code has 18 digits or capital letters "
                        f"(no I, O, Z, S, V); this one has {len(s)} characters",
                        "bad_credit_code", "warning",
                    )
                elif credit_code_check_char(s[:17]) != s[17]:
                    yield ctx.issue(
                        row, c.key, v,
                        f"统一社会信用代码的校验位不对（应为 {credit_code_check_char(s[:17])}）；请核对",
                        f"the credit code's check character is wrong (expected "
                        f"{credit_code_check_char(s[:17])}); please check it",
                        "bad_credit_code", "warning",
                    )


def check_unit_orgs_staffed(ctx: Context) -> Iterator[Issue]:
    """A unit party organization with no post at all (warning)."""
    held = {r.get("org") for r in ctx.roster.rows("posts")}
    for row in ctx.roster.rows("party_orgs"):
        if row.get("kind") in schema.UNIT_ORG_KINDS and row.get("code") not in held:
            yield ctx.issue(
                row, "code", row.get("code"),
                "该单位党组织在“任职”表中没有任何人员；请补充书记、委员等任职",
                "this unit party organization has no post in the posts table; "
                "add its secretary, members ...",
                "org_without_posts", "warning",
            )


def check_central_households(ctx: Context) -> Iterator[Issue]:
    """A party-member central household held by someone recorded as not a
    party member (warning)."""
    people = ctx.first.get("people", {})
    for row in ctx.roster.rows("central_households"):
        p = people.get(row.get("person"))
        if p is not None and p.get("party_member") is False:
            yield ctx.issue(
                row, "person", row.get("person"),
                f"党员中心户的户主在人员表第 {p.line} 行登记为非党员；请核对“是否党员”",
                f"the central household's person is recorded as not a party member "
                f"(people row {p.line}); check 是否党员 (party_member)",
                "central_household_not_member", "warning",
            )


def _phone_key(phone) -> str | None:
    """A phone number reduced to its digits (no separators, no +86), to
    compare two rows; ``None`` for an empty or implausible number."""
    if not isinstance(phone, str) or not plausible_phone(phone):
        return None
    s = _PHONE_SEPARATORS.sub("", phone)
    return s[3:] if s.startswith("+86") else s[4:] if s.startswith("0086") else s


def check_same_person_two_codes(ctx: Context) -> Iterator[Issue]:
    """The same person entered under two codes: two people rows with the
    same phone number (and usually the same name) (warning, naming both
    rows; the number itself is not repeated: personal data)."""
    by_phone: dict[str, list[Row]] = {}
    for row in ctx.roster.rows("people"):
        key = _phone_key(row.get("phone"))
        if key and isinstance(row.get("code"), str):
            by_phone.setdefault(key, []).append(row)
    for rows in by_phone.values():
        first = rows[0]
        for row in rows[1:]:
            if row.get("code") == first.get("code"):
                continue  # the same code twice is check_codes' duplicate_code
            same_name = row.get("name") == first.get("name")
            what_zh = "姓名和手机号" if same_name else "手机号"
            what_en = "name and phone number" if same_name else "phone number"
            yield ctx.issue(
                row, "code", row.get("code"),
                f"与人员表第 {first.line} 行（编码 {first.get('code')}，{first.get('name')}）"
                f"{what_zh}相同，可能是同一人登记了两个编码；如是同一人，请只保留一个编码，"
                f"并把任职、联系等记录改到该编码下",
                f"same {what_en} as people row {first.line} (code {first.get('code')}, "
                f"{first.get('name')}): probably one person under two codes; if so keep one code "
                f"and move their posts and liaisons to it",
                "same_person_two_codes", "warning",
            )


def check_non_member_party_post(ctx: Context) -> Iterator[Issue]:
    """A person recorded as not a party member (是否党员 = 否) who holds a
    post in a party organization (warning, once per person, on their first
    post row)."""
    people = ctx.first.get("people", {})
    seen: set[str] = set()
    posts = list(ctx.roster.rows("posts"))
    held = Counter(r.get("person") for r in posts)
    for row in posts:
        code = row.get("person")
        p = people.get(code)
        if p is None or p.get("party_member") is not False or code in seen:
            continue
        seen.add(code)
        n = held[code]
        yield ctx.issue(
            row, "person", code,
            f"人员表第 {p.line} 行登记为非党员，但在党组织中有 {n} 项任职（本行为第一项）；"
            f"请核对“是否党员”或该任职",
            f"people row {p.line} records this person as not a party member, yet they hold "
            f"{n} post(s) in party organizations (this row is the first); check 是否党员 "
            f"(party_member) or the post",
            "non_member_party_post", "warning",
        )


#: Every check, in the order it runs.
CHECKS: tuple[Check, ...] = (
    check_required,
    check_value_types,
    check_limits,
    check_codes,
    check_dates,
    check_references,
    check_self_reference,
    check_org_belonging,
    check_member_of,
    check_parent_cycles,
    check_duplicate_rows,
    check_property_unit,
    check_activity_org_kinds,
    check_done_needs,
    check_phones,
    check_credit_codes,
    check_unit_orgs_staffed,
    check_central_households,
    check_same_person_two_codes,
    check_non_member_party_post,
)


_TABLE_RANK = {table_label(t): i for i, t in enumerate(schema.TABLES)}
_COLUMN_RANK = {(table_label(t), c.zh): j for t in schema.TABLES for j, c in enumerate(t.columns)}


def issue_sort_key(issue: Issue) -> tuple:
    """Order issues by table (schema order; whole-file issues first), row,
    column (schema order)."""
    return (
        _TABLE_RANK.get(issue.table, -1),
        issue.table,
        issue.line,
        _COLUMN_RANK.get((issue.table, issue.column), 999),
        issue.column,
        issue.code,
    )


def validate(roster: Roster, *, skip_refs_to: Iterable[str] = ()) -> list[Issue]:
    """Check a whole roster; every problem at once.

    Parameters
    ----------
    roster : Roster
    skip_refs_to : iterable of table keys, optional
        Tables that could not be read: references into them are not checked
        one by one (the missing table is reported once by the reader).

    Returns
    -------
    list of Issue, sorted by table, row and column; ``severity`` is
    ``"error"`` (blocks an import) or ``"warning"``.

    Examples
    --------
    >>> from graph.roster import Roster
    >>> r = Roster()
    >>> _ = r.add("streets", {"code": "S1", "name": "城关街道"})
    >>> _ = r.add("communities", {"code": "C1", "name": "东关社区", "street": "S9"}, line=2)
    >>> [(i.line, i.code) for i in validate(r)]
    [(2, 'unknown_ref')]
    """
    ctx = Context(roster, frozenset(skip_refs_to))
    issues: list[Issue] = []
    for check in CHECKS:
        issues.extend(check(ctx))
    issues.sort(key=issue_sort_key)
    return issues
