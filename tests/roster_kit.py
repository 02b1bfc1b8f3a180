"""Builders for test rosters: a rich valid roster, raw sheets to write as
.xlsx or CSV with any cell a test wants, and the 30-defect roster.

Import from tests as ``from roster_kit import ...`` (pytest puts this folder
on ``sys.path``).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from graph import schema
from graph.roster import Roster
from loaders.cells import format_cell
from loaders.validate import credit_code_check_char

D = dt.date

Sheets = dict[str, list[list[Any]]]


def credit_code(seed: int) -> str:
    """A well-formed unified social credit code."""
    body = f"91620100{seed:09d}"
    return body + credit_code_check_char(body)


def rich_roster() -> Roster:
    """A small valid roster that uses every table and column: leading-zero
    codes, list cells, dates, yes/no, a free-text role, a joint branch, all
    optional tables."""
    r = Roster()
    a = r.add
    a("streets", {"code": "001", "name": "城关街道"})
    a("streets", {"code": "002", "name": "东城街道"})
    a("communities", {"code": "C01", "name": "东关社区", "street": "001"})
    a("communities", {"code": "C02", "name": "南门社区", "street": "002"})
    a("grids", {"code": "G01", "name": "东关一网格", "community": "C01"})
    a("grids", {"code": "G02", "name": "南门一网格", "community": "C02"})
    a("units", {"code": "U01", "name": "县财政局", "kind": "agency", "community": "C01",
                "credit_code": credit_code(1)})
    a("units", {"code": "U02", "name": "县人民医院", "kind": "institution", "community": "C01"})
    a("units", {"code": "U03", "name": "金盾物业有限公司", "kind": "property", "community": "C02",
                "credit_code": credit_code(3)})
    a("units", {"code": "U04", "name": "惠民超市", "kind": "private", "community": "C02"})
    a("units", {"code": "U05", "name": "阳光志愿者协会", "kind": "social", "community": "C02"})
    po = lambda **v: a("party_orgs", v)  # noqa: E731
    po(code="SC1", name="城关街道党工委", kind="street_committee", street="001")
    po(code="SC2", name="东城街道党工委", kind="street_committee", street="002")
    po(code="CC1", name="东关社区党委", kind="community_committee", community="C01",
       parent="SC1", member_of=["SC1"])
    po(code="CC2", name="南门社区党支部", kind="community_branch", community="C02", parent="SC2")
    po(code="UO1", name="县财政局党委", kind="unit_committee", units=["U01"], member_of=["CC1"])
    po(code="UO2", name="县人民医院党总支", kind="unit_general_branch", units=["U02"],
       member_of=["CC1", "SC1"], parent="UO1")
    po(code="UO3", name="金盾物业党支部", kind="unit_branch", units=["U03"], member_of=["CC2"])
    po(code="JB1", name="南门非公联合党支部", kind="joint_branch", units=["U04", "U05"],
       member_of=["CC2"])
    po(code="GB1", name="东关一网格党支部", kind="grid_branch", grid="G01", parent="CC1")
    po(code="GG1", name="南门一网格党小组", kind="grid_group", grid="G02", parent="CC2")
    po(code="OT1", name="县老干部党支部", kind="other", community="C01", street="001")
    people = [
        ("P001", "王建国", "13812341234", True), ("P002", "李秀英", "0931-8812345", True),
        ("P003", "张伟", None, True), ("P004", "刘芳", "13987654321", True),
        ("P005", "陈明", "13700001111", True), ("P006", "杨丽", None, None),
        ("P007", "赵强", "13600002222", True),
    ]
    for code, name, phone, member in people:
        a("people", {"code": code, "name": name, "phone": phone, "party_member": member})
    post = lambda person, org, role, ptype, start=None, end=None: a(  # noqa: E731
        "posts", {"person": person, "org": org, "role": role, "post_type": ptype,
                  "start": start, "end": end})
    post("P001", "UO1", "secretary", "own", D(2021, 1, 4))
    post("P001", "CC1", "part_time_member", "part_time", D(2022, 3, 1), D(2025, 2, 28))
    post("P001", "CC1", "part_time_member", "part_time", D(2025, 3, 1))  # renewed term
    post("P002", "CC1", "secretary", "own", D(2020, 6, 1))
    post("P002", "UO1", "宣传委员", "part_time", D(2023, 1, 1))  # free-text role
    post("P003", "UO2", "secretary", "own")
    post("P004", "UO3", "deputy_secretary", "own", D(2019, 12, 31))
    post("P004", "CC2", "part_time_member", "part_time", D(2024, 1, 1), D(2026, 12, 31))
    post("P005", "JB1", "secretary", "own", D(2024, 2, 29))
    post("P005", "GG1", "group_leader", "part_time")
    post("P006", "GB1", "grid_leader", "own")
    post("P007", "SC1", "member", "own", D(2018, 5, 1))
    a("liaisons", {"person": "P007", "kind": "street_charge", "target": "001"})
    a("liaisons", {"person": "P007", "kind": "community_liaison", "target": "C02"})
    a("compounds", {"code": "K01", "name": "金盾花园", "community": "C02", "property_unit": "U03",
                    "model": True})
    a("compounds", {"code": "K02", "name": "东关小区", "community": "C01", "model": False})
    a("central_households", {"person": "P003", "grid": "G01"})
    a("central_households", {"person": "P005", "grid": "G02"})
    a("registrations", {"subject": "P003", "community": "C02", "date": D(2023, 9, 1)})
    a("registrations", {"subject": "UO1", "community": "C01", "date": D(2023, 3, 15)})
    a("registrations", {"subject": "JB1", "community": "C02"})
    a("needs", {"code": "N01", "title": "老年食堂", "community": "C01"})
    a("needs", {"code": "N02", "title": "义诊", "community": "C02"})
    a("resources", {"code": "R01", "title": "医护志愿者", "unit": "U02"})
    a("resources", {"code": "R02", "title": "场地", "unit": "U01"})
    a("projects", {"code": "PR1", "title": "社区义诊", "needs": ["N02"], "resources": ["R01"],
                   "status": "active"})
    a("projects", {"code": "PR2", "title": "老年食堂共建", "needs": ["N01"],
                   "resources": ["R01", "R02"], "status": "planned"})
    a("projects", {"code": "PR3", "title": "待定项目"})
    return r


def rich_roster_v2() -> Roster:
    """:func:`rich_roster` with the co-building activity of roster format
    version 2: every new table and column filled somewhere (rating words and
    numbers, fractional hours, a registration naming its 所在党组织, a need
    claimed by a unit org, a project led by a unit, an agreement without end,
    a meeting of a street committee)."""
    r = rich_roster()
    for row in r.rows("party_orgs"):
        if row.values["code"] in ("UO1", "UO2", "JB1"):
            row.values["member_count"] = {"UO1": 42, "UO2": 0, "JB1": 7}[row.values["code"]]
    r.rows("registrations")[0].values["home_org"] = "UO2"
    a = r.add
    a("registrations", {"subject": "P001", "community": "C01", "date": D(2024, 5, 4),
                        "home_org": "UO1"})
    needs = r.rows("needs")
    needs[0].values.update(category="care", date=D(2024, 1, 10), claimed_by="UO1", status="claimed")
    needs[1].values.update(category="health", date=D(2024, 2, 1), status="done")
    a("needs", {"code": "N03", "title": "法律咨询", "community": "C02", "category": "legal",
                "status": "open"})
    resources = r.rows("resources")
    resources[0].values.update(category="health", date=D(2023, 12, 1))
    resources[1].values.update(category="venue")
    projects = r.rows("projects")
    projects[0].values.update(lead="U02", start=D(2024, 2, 10), end=D(2024, 4, 30), rating=5,
                              feedback_date=D(2024, 5, 10), status="done")
    projects[1].values.update(lead="UO1", start=D(2024, 3, 1))
    a("services", {"subject": "P003", "community": "C02", "date": D(2024, 3, 2), "hours": 2.5,
                   "need": "N02", "rating": 3})
    a("services", {"subject": "P001", "community": "C01", "date": D(2024, 5, 20), "hours": 0.0})
    a("services", {"subject": "UO1", "community": "C01", "date": D(2024, 6, 1)})
    a("agreements", {"code": "A01", "unit_org": "UO1", "community_org": "CC1",
                     "start": D(2023, 1, 1), "end": D(2025, 12, 31)})
    a("agreements", {"code": "A02", "unit_org": "JB1", "community_org": "CC2", "start": D(2024, 1, 1)})
    a("meetings", {"code": "M01", "org": "CC1", "date": D(2024, 3, 5), "attendees": ["UO1", "UO2"]})
    a("meetings", {"code": "M02", "org": "SC1", "date": D(2024, 4, 8)})
    return r


def roster_sheets(roster: Roster, optional: bool = True) -> Sheets:
    """Raw cells (Chinese headers, formatted values as text) of a roster,
    keyed by the Chinese table name: something to edit and write."""
    out: Sheets = {}
    for t in schema.TABLES:
        if t.optional and not optional:
            continue
        rows: list[list[Any]] = [[c.header for c in t.columns]]
        for row in roster.rows(t.key):
            rows.append([format_cell(c, row.values.get(c.key), for_csv=True) for c in t.columns])
        out[t.zh] = rows
    return out


def write_xlsx(path: Path, sheets: Sheets, epoch_1904: bool = False) -> Path:
    """Write raw sheets (cell values as given: str, int, float, date ...)."""
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    wb.remove(wb.active)
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row, start=1):
                if v is not None and v != "":
                    ws.cell(i, j, v)
    wb.save(path)
    return path


def write_csvs(folder: Path, sheets: Sheets, encoding: str = "utf-8-sig") -> Path:
    """Write raw sheets as ``<name>.csv`` files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", encoding=encoding, newline="") as f:
            csv.writer(f).writerows([["" if v is None else v for v in r] for r in rows])
    return folder


def row_of(table_key: str, **values: Any) -> list[Any]:
    """A raw row for ``table_key`` with the given column values."""
    return [values.get(c.key) for c in schema.table(table_key).columns]


# ---------------------------------------------------------------------------
# The roster with thirty defects
# ---------------------------------------------------------------------------

#: (table key, column key or "", issue code, what is wrong) per planted defect.
Defect = tuple[str, int, str, str]


def thirty_defects_sheets() -> tuple[Sheets, list[Defect]]:
    """The rich roster plus thirty planted errors, each different.

    Returns the raw sheets and the manifest of planted defects as
    ``(table key, row number, issue code, column key)``.
    """
    sheets = roster_sheets(rich_roster())
    planted: list[Defect] = []

    def add(table_key: str, issue: str, column: str = "", **values: Any) -> int:
        rows = sheets[schema.table(table_key).zh]
        rows.append(row_of(table_key, **values))
        line = len(rows)  # header is row 1
        if issue:
            planted.append((table_key, line, issue, column))
        return line

    add("streets", "missing_required", "name", code="003")
    add("streets", "duplicate_code", "code", code="002", name="重复街道")
    add("communities", "unknown_ref", "street", code="C03", name="西关社区", street="009")
    add("grids", "bad_code", "code", code="G0;3", name="西关网格", community="C01")
    add("units", "bad_value", "kind", code="U06", name="县机械厂", kind="工厂", community="C01")
    add("units", "duplicate_code", "code", code="U01", name="县财政局(重复)", kind="机关", community="C01")
    add("units", "missing_required", "community", code="U07", name="县邮政局", kind="国有企业")
    add("party_orgs", "joint_branch_units", "units", code="JB2", name="孤单联合支部",
        kind="联合党支部", units="U04")
    add("party_orgs", "unit_org_no_unit", "units", code="UO4", name="无单位党支部", kind="单位党支部")
    add("party_orgs", "unit_org_several_units", "units", code="UO5", name="两单位党委",
        kind="单位党委", units="U01、U02")
    add("party_orgs", "community_org_no_community", "community", code="CC3", name="无社区党委",
        kind="社区党委")
    add("party_orgs", "unknown_ref", "community", code="CC4", name="幽灵社区党支部",
        kind="社区党支部", community="C88")
    add("party_orgs", "grid_org_no_grid", "grid", code="GG2", name="无网格党小组", kind="网格党小组")
    add("party_orgs", "street_org_no_street", "street", code="SC3", name="无街道党工委",
        kind="街道党工委")
    add("party_orgs", "member_of_not_big_committee", "member_of", code="OT2", name="纳入错组织",
        kind="其他", member_of="UO1")
    add("party_orgs", "self_reference", "member_of", code="CC5", name="自纳入社区党委",
        kind="社区党委", community="C02", member_of="CC5")
    add("party_orgs", "parent_cycle", "parent", code="X1", name="循环甲", kind="其他", parent="X2")
    add("party_orgs", "", code="X2", name="循环乙", kind="其他", parent="X1")
    add("party_orgs", "unknown_ref", "member_of", code="OT3", name="纳入未知", kind="其他",
        member_of="CC1；CC77")
    add("people", "bad_bool", "party_member", code="P008", name="周杰", party_member="也许")
    add("people", "", code="ZZ1", name="与党组织同编码的人")
    add("party_orgs", "", code="ZZ1", name="与人员同编码的党组织", kind="其他")
    add("posts", "bad_date", "start", person="P002", org="CC2", role="委员", post_type="兼职",
        start="2024-13-45")
    add("posts", "end_before_start", "end", person="P003", org="CC1", role="委员", post_type="兼职",
        start="2024-05-01", end="2023-05-01")
    add("posts", "bad_value", "post_type", person="P004", org="CC1", role="委员", post_type="临时")
    add("posts", "duplicate_post", "person", person="P001", org="UO1", role="书记", post_type="本职",
        start="2021/1/4")
    add("posts", "unknown_ref", "person", person="P999", org="CC1", role="委员", post_type="本职")
    add("liaisons", "wrong_ref_kind", "target", person="P007", kind="包抓街道", target="C01")
    add("liaisons", "bad_value", "kind", person="P007", kind="慰问", target="C01")
    add("compounds", "property_unit_kind", "property_unit", code="K03", name="财政小区",
        community="C01", property_unit="U01")
    add("central_households", "unknown_ref", "grid", person="P006", grid="G77")
    add("registrations", "ambiguous_ref", "subject", subject="ZZ1", community="C01")
    add("projects", "unknown_ref", "needs", code="PR4", title="未知需求项目", needs="N01；N99")
    assert len(planted) == 30, len(planted)
    return sheets, planted


def write_thirty_defects(path: Path) -> list[Defect]:
    """Write the 30-defect roster to ``path`` (.xlsx, or a CSV folder when
    the name has no .xlsx suffix) and return the manifest of its defects
    ``(table key, row number, issue code, column key)``."""
    sheets, planted = thirty_defects_sheets()
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_xlsx(path, sheets)
    else:
        write_csvs(path, sheets)
    return planted
