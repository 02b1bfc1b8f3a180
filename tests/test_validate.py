"""Whole-roster validation: each check on a small roster where the answer
is obvious, and the 30-defect roster with every defect reported."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.errors import RosterError
from loaders import check_roster, load_roster, validate
from loaders.validate import CHECKS, credit_code_check_char, plausible_phone
from roster_kit import credit_code, rich_roster, roster_sheets, write_csvs, write_thirty_defects, write_xlsx

D = dt.date


def plus(*rows):
    """The rich (valid) roster plus ``(table, values)`` rows; each added row
    gets the next row number of its table."""
    r = rich_roster()
    for t in r.tables:
        for i, row in enumerate(r.rows(t), start=2):
            row.line = i
    added = []
    for table, values in rows:
        added.append(r.add(table, values, line=len(r.rows(table)) + 2))
    return r, added


def found(issues, code):
    return [(i.table.split()[1], i.line, i.column, i.value) for i in issues if i.code == code]


def only(issues, severity="error"):
    return sorted({i.code for i in issues if i.severity == severity})


def test_rich_roster_is_clean():
    assert validate(rich_roster()) == []


def test_checks_are_listed_and_documented():
    assert len(CHECKS) == len(set(CHECKS))
    assert all(c.__doc__ for c in CHECKS)


# --------------------------------------------------------------- cells


def test_missing_required_cells():
    r, (row,) = plus(("units", {"code": "U09", "name": "新单位"}))
    issues = validate(r)
    assert found(issues, "missing_required") == [
        ("units", row.line, "单位类型", None), ("units", row.line, "所在社区", None)]
    kind_issue = next(i for i in issues if i.column == "单位类型")
    assert "机关" in kind_issue.message_zh and "agency" in kind_issue.message_en


def test_duplicate_code_names_the_first_row():
    r, (row,) = plus(("communities", {"code": "C01", "name": "又一个东关", "street": "001"}))
    issues = validate(r)
    assert found(issues, "duplicate_code") == [("communities", row.line, "社区编码", "C01")]
    assert "第 2 行" in issues[0].message_zh and "row 2" in issues[0].message_en


def test_code_holding_a_list_separator():
    r, (row,) = plus(("units", {"code": "U1;U2", "name": "x", "kind": "other", "community": "C01"}))
    assert found(validate(r), "bad_code") == [("units", row.line, "单位编码", "U1;U2")]


def test_end_before_start():
    r, (bad, same_day) = plus(
        ("posts", {"person": "P003", "org": "CC1", "role": "member", "post_type": "part_time",
                   "start": D(2024, 5, 1), "end": D(2024, 4, 30)}),
        ("posts", {"person": "P003", "org": "CC2", "role": "member", "post_type": "part_time",
                   "start": D(2024, 5, 1), "end": D(2024, 5, 1)}),
    )
    assert found(validate(r), "end_before_start") == [("posts", bad.line, "终止日期", "2024-04-30")]


def test_wrong_value_types_in_a_roster_built_in_code():
    r, (u, p, post) = plus(
        ("units", {"code": "U09", "name": "x", "kind": "factory", "community": "C01"}),
        ("people", {"code": "P09", "name": "y", "party_member": "yes"}),
        ("posts", {"person": "P003", "org": "CC1", "role": "member", "post_type": "own",
                   "start": "2024-01-01"}),
    )
    issues = validate(r)
    assert found(issues, "bad_value") == [("units", u.line, "单位类型", "factory")]
    assert found(issues, "bad_bool") == [("people", p.line, "是否党员", "yes")]
    assert found(issues, "bad_date") == [("posts", post.line, "起始日期", "2024-01-01")]


# --------------------------------------------------------------- references

UNKNOWN_REFS = [
    ("communities", {"code": "C09", "name": "x", "street": "NOPE"}, "所属街道"),
    ("grids", {"code": "G09", "name": "x", "community": "NOPE"}, "所属社区"),
    ("units", {"code": "U09", "name": "x", "kind": "other", "community": "NOPE"}, "所在社区"),
    ("party_orgs", {"code": "J9", "name": "x", "kind": "joint_branch", "units": ["U04", "NOPE"]},
     "所属单位"),
    ("party_orgs", {"code": "O9", "name": "x", "kind": "other", "parent": "NOPE"}, "上级党组织"),
    ("party_orgs", {"code": "O9", "name": "x", "kind": "other", "member_of": ["NOPE"]}, "纳入"),
    ("party_orgs", {"code": "G9", "name": "x", "kind": "grid_branch", "grid": "NOPE"}, "所属网格"),
    ("posts", {"person": "NOPE", "org": "CC1", "role": "member", "post_type": "own"}, "人员编码"),
    ("posts", {"person": "P001", "org": "NOPE", "role": "member", "post_type": "own"}, "党组织编码"),
    ("liaisons", {"person": "P007", "kind": "street_charge", "target": "NOPE"}, "对象编码"),
    ("compounds", {"code": "K9", "name": "x", "community": "C01", "property_unit": "NOPE"},
     "物业企业"),
    ("central_households", {"person": "NOPE", "grid": "G01"}, "人员编码"),
    ("central_households", {"person": "P001", "grid": "NOPE"}, "所在网格"),
    ("registrations", {"subject": "NOPE", "community": "C01"}, "报到主体编码"),
    ("needs", {"code": "N9", "title": "x", "community": "NOPE"}, "提出社区"),
    ("resources", {"code": "R9", "title": "x", "unit": "NOPE"}, "提供单位"),
    ("projects", {"code": "PR9", "title": "x", "needs": ["N01", "NOPE"]}, "对应需求"),
    ("projects", {"code": "PR9", "title": "x", "resources": ["NOPE"]}, "使用资源"),
]


@pytest.mark.parametrize("table, values, column", UNKNOWN_REFS,
                         ids=[f"{t}-{c}" for t, _, c in UNKNOWN_REFS])
def test_unknown_reference(table, values, column):
    r, (row,) = plus((table, values))
    issues = validate(r)
    assert found(issues, "unknown_ref") == [(table, row.line, column, "NOPE")]
    msg = next(i for i in issues if i.code == "unknown_ref")
    assert "NOPE" in msg.message_zh and "NOPE" in msg.message_en


def test_liaison_target_must_be_of_its_kind():
    r, (a, b) = plus(
        ("liaisons", {"person": "P007", "kind": "street_charge", "target": "C01"}),
        ("liaisons", {"person": "P007", "kind": "community_liaison", "target": "001"}),
    )
    issues = validate(r)
    assert found(issues, "wrong_ref_kind") == [("liaisons", a.line, "对象编码", "C01"),
                                               ("liaisons", b.line, "对象编码", "001")]
    assert "街道" in issues[0].message_zh and "streets" in issues[0].message_en


def test_registration_subject_person_or_org_not_both():
    r, (_, _, reg_p, reg_o, amb) = plus(
        ("people", {"code": "X1", "name": "与组织同编码"}),
        ("party_orgs", {"code": "X1", "name": "与人同编码", "kind": "other"}),
        ("registrations", {"subject": "P001", "community": "C01"}),
        ("registrations", {"subject": "UO3", "community": "C02"}),
        ("registrations", {"subject": "X1", "community": "C01"}),
    )
    issues = validate(r)
    assert found(issues, "ambiguous_ref") == [("registrations", amb.line, "报到主体编码", "X1")]
    assert only(issues) == ["ambiguous_ref"]


def test_taken_into_itself():
    r, (row,) = plus(("party_orgs", {"code": "CC9", "name": "x", "kind": "community_committee",
                                     "community": "C01", "member_of": ["CC9"]}))
    assert found(validate(r), "self_reference") == [("party_orgs", row.line, "纳入", "CC9")]


# --------------------------------------------------------------- party organizations


def test_joint_branch_needs_two_units():
    r, (one, none, two) = plus(
        ("party_orgs", {"code": "J1", "name": "x", "kind": "joint_branch", "units": ["U04"]}),
        ("party_orgs", {"code": "J2", "name": "x", "kind": "joint_branch"}),
        ("party_orgs", {"code": "J3", "name": "x", "kind": "joint_branch", "units": ["U04", "U05"]}),
    )
    assert found(validate(r), "joint_branch_units") == [
        ("party_orgs", one.line, "所属单位", "U04"), ("party_orgs", none.line, "所属单位", None)]


def test_unit_org_needs_exactly_one_unit():
    r, (none, two) = plus(
        ("party_orgs", {"code": "UO8", "name": "x", "kind": "unit_branch"}),
        ("party_orgs", {"code": "UO9", "name": "x", "kind": "unit_general_branch",
                        "units": ["U01", "U02"]}),
    )
    issues = validate(r)
    assert found(issues, "unit_org_no_unit") == [("party_orgs", none.line, "所属单位", None)]
    assert found(issues, "unit_org_several_units") == [("party_orgs", two.line, "所属单位", "U01；U02")]
    assert "联合党支部" in next(i for i in issues if i.code == "unit_org_several_units").message_zh


@pytest.mark.parametrize("kind, column, code", [
    ("community_committee", "所属社区", "community_org_no_community"),
    ("community_general_branch", "所属社区", "community_org_no_community"),
    ("community_branch", "所属社区", "community_org_no_community"),
    ("grid_branch", "所属网格", "grid_org_no_grid"),
    ("grid_group", "所属网格", "grid_org_no_grid"),
    ("street_committee", "所属街道", "street_org_no_street"),
])
def test_org_must_belong_where_its_kind_says(kind, column, code):
    r, (row,) = plus(("party_orgs", {"code": "Z9", "name": "x", "kind": kind}))
    assert found(validate(r), code) == [("party_orgs", row.line, column, None)]


def test_belonging_that_does_not_fit_the_kind_is_a_warning():
    r, (row,) = plus(("party_orgs", {"code": "UO9", "name": "x", "kind": "unit_branch",
                                     "units": ["U04"], "community": "C01"}))
    issues = validate(r)
    assert found(issues, "unexpected_belonging") == [("party_orgs", row.line, "所属社区", "C01")]
    assert only(issues) == []
    assert "纳入" in next(i for i in issues if i.code == "unexpected_belonging").message_zh


def test_member_of_must_be_a_big_committee():
    r, (row, ok) = plus(
        ("party_orgs", {"code": "O9", "name": "x", "kind": "other", "member_of": ["UO1", "CC1"]}),
        ("party_orgs", {"code": "O8", "name": "y", "kind": "other", "member_of": ["SC2", "CC2"]}),
    )
    issues = validate(r)
    assert found(issues, "member_of_not_big_committee") == [("party_orgs", row.line, "纳入", "UO1")]
    assert "社区" in issues[0].message_zh


def test_parent_loop_reported_once_at_its_first_row():
    r, (a, b, c, d) = plus(
        ("party_orgs", {"code": "A", "name": "a", "kind": "other", "parent": "B"}),
        ("party_orgs", {"code": "B", "name": "b", "kind": "other", "parent": "C"}),
        ("party_orgs", {"code": "C", "name": "c", "kind": "other", "parent": "A"}),
        ("party_orgs", {"code": "D", "name": "d", "kind": "other", "parent": "A"}),  # hangs off it
    )
    assert found(validate(r), "parent_cycle") == [("party_orgs", a.line, "上级党组织", "A → B → C → A")]


def test_parent_of_itself():
    r, (row,) = plus(("party_orgs", {"code": "S", "name": "s", "kind": "other", "parent": "S"}))
    assert found(validate(r), "parent_cycle") == [("party_orgs", row.line, "上级党组织", "S → S")]


# --------------------------------------------------------------- relationship rows


def test_duplicate_post():
    post = {"person": "P002", "org": "CC2", "role": "member", "post_type": "part_time",
            "start": D(2024, 1, 1)}
    r, (first, dup, other_end, next_term) = plus(
        ("posts", post), ("posts", post), ("posts", {**post, "end": D(2024, 12, 31)}),
        ("posts", {**post, "start": D(2025, 1, 1)}),
    )
    issues = validate(r)
    assert found(issues, "duplicate_post") == [("posts", dup.line, "人员编码", "P002"),
                                               ("posts", other_end.line, "人员编码", "P002")]
    assert f"第 {first.line} 行" in issues[0].message_zh


def test_duplicate_liaison_row():
    r, (row,) = plus(("liaisons", {"person": "P007", "kind": "street_charge", "target": "001"}))
    assert found(validate(r), "duplicate_row") == [("liaisons", row.line, "人员编码", "P007")]


def test_property_unit_must_be_a_property_company():
    r, (row,) = plus(("compounds", {"code": "K9", "name": "x", "community": "C01",
                                    "property_unit": "U01"}))
    issues = validate(r)
    assert found(issues, "property_unit_kind") == [("compounds", row.line, "物业企业", "U01")]
    assert "物业企业" in issues[0].message_zh


# --------------------------------------------------------------- warnings


@pytest.mark.parametrize("phone, ok", [("13812341234", True), ("+86 138-1234-1234", True),
                                       ("0931-8812345", True), ("8812345", True),
                                       ("1391234123", False), ("12345", False), ("待补充", False)])
def test_phone_plausibility(phone, ok):
    assert plausible_phone(phone) is ok
    r, (row,) = plus(("people", {"code": "P09", "name": "x", "phone": phone}))
    issues = validate(r)
    assert found(issues, "bad_phone") == ([] if ok else [("people", row.line, "手机号", None)])
    assert all(phone not in str(i) for i in issues)  # personal data stays out of reports


def test_credit_code_length_and_check_character():
    good = credit_code(7)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    r, (short, bad_check, fine) = plus(
        ("units", {"code": "U07", "name": "a", "kind": "other", "community": "C01",
                   "credit_code": "91620100123"}),
        ("units", {"code": "U08", "name": "b", "kind": "other", "community": "C01",
                   "credit_code": wrong_check}),
        ("units", {"code": "U09", "name": "c", "kind": "other", "community": "C01",
                   "credit_code": good}),
    )
    issues = validate(r)
    assert [(t, line) for t, line, _, _ in found(issues, "bad_credit_code")] == [
        ("units", short.line), ("units", bad_check.line)]
    assert {i.severity for i in issues} == {"warning"}
    assert credit_code_check_char("91350100M000100Y4") == "3"  # a published code


def test_unit_org_without_posts_is_a_warning():
    r, (row,) = plus(("party_orgs", {"code": "UO9", "name": "x", "kind": "unit_branch",
                                     "units": ["U04"]}))
    issues = validate(r)
    assert found(issues, "org_without_posts") == [("party_orgs", row.line, "党组织编码", "UO9")]
    assert only(issues) == []


def test_central_household_of_a_non_member_is_a_warning():
    r, (row,) = plus(("central_households", {"person": "P004", "grid": "G01"}))
    issues = validate(r)
    assert found(issues, "central_household_not_member") == [
        ("central_households", row.line, "人员编码", "P004")]


# --------------------------------------------------------------- check_roster / load_roster


def test_unreadable_cell_reported_once(tmp_path):
    sheets = roster_sheets(rich_roster())
    sheets["任职"].append(["P003", "CC1", "委员", "临时"])
    _, issues = check_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert [(i.line, i.column, i.code) for i in issues] == [(len(sheets["任职"]), "任职类型", "bad_value")]


def test_load_roster_raises_with_every_issue(tmp_path):
    planted = write_thirty_defects(tmp_path / "bad.xlsx")
    with pytest.raises(RosterError) as info:
        load_roster(tmp_path / "bad.xlsx")
    assert len([i for i in info.value.issues if i.severity == "error"]) == len(planted)
    assert "30" in info.value.message_zh


def test_load_roster_returns_despite_warnings(tmp_path):
    sheets = roster_sheets(rich_roster())
    sheets["街道"][0].append("备注")
    roster = load_roster(write_xlsx(tmp_path / "r.xlsx", sheets))
    assert roster.codes("streets") == {"001", "002"}


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_thirty_defects_all_reported(tmp_path, form):
    path = tmp_path / ("bad.xlsx" if form == "xlsx" else "bad")
    planted = write_thirty_defects(path)
    assert len(planted) == 30 and len({p[2] for p in planted}) >= 20
    _, issues = check_roster(path)
    errors = [i for i in issues if i.severity == "error"]
    from graph import schema
    expected = sorted((f"{schema.table(t).zh} {t}", line, code,
                       schema.table(t).column(col).zh if col else "")
                      for t, line, code, col in planted)
    assert sorted((i.table, i.line, i.code, i.column) for i in errors) == expected
    assert all(i.message_zh and i.message_en for i in errors)
    # sorted by table order, then row
    ranks = [[t.zh for t in schema.TABLES].index(i.table.split()[0]) for i in issues]
    assert ranks == sorted(ranks)
