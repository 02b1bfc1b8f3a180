"""The graph family's kit (scope, store, places, import): a small roster
that uses every table and most shapes the graph can take.

Two streets (S1 with communities C1, C2; S2 with C3). Shapes covered: own
and joint unit orgs (the joint branch J1 serves U2 in C1 and U4 in C2), a
unit org of S2 taken into C1's committee (UO5), a unit with no org (U6),
grids with and without a party org, a person holding two posts in the same
org (P8: two terms), free-text roles, posts with start and end dates,
county leaders (street charge and community liaison), central households,
registrations by a person and by an org, compounds with and without a
property unit (U3 manages K1 in C1 and K3 in C3), needs/resources/projects,
a person with no relationship at all (P16), phone numbers and yes/no cells.
"""

from __future__ import annotations

import datetime as dt

from graph.roster import Roster

D = dt.date


def rich_roster() -> Roster:
    r = Roster(source="rich.xlsx", sha256="0" * 64)
    a = r.add
    a("streets", {"code": "S1", "name": "城关街道"})
    a("streets", {"code": "S2", "name": "东城街道"})
    for code, name, street in (("C1", "东关社区", "S1"), ("C2", "西关社区", "S1"),
                               ("C3", "河畔社区", "S2")):
        a("communities", {"code": code, "name": name, "street": street})
    for code, community in (("G1", "C1"), ("G2", "C1"), ("G3", "C2"), ("G4", "C3")):
        a("grids", {"code": code, "name": f"第{code[1]}网格", "community": community})
    units = (
        ("U1", "县财政局", "agency", "C1", "11620000MB12345679"),
        ("U2", "星火商贸有限公司", "private", "C1", None),
        ("U3", "安居物业公司", "property", "C1", None),
        ("U4", "县第二中学", "institution", "C2", None),
        ("U5", "县供电公司", "soe", "C3", None),
        ("U6", "邻里互助协会", "social", "C3", None),
    )
    for code, name, kind, community, credit in units:
        a("units", {"code": code, "name": name, "kind": kind, "community": community,
                    "credit_code": credit})
    orgs = (
        dict(code="SW1", name="城关街道党工委", kind="street_committee", street="S1"),
        dict(code="SW2", name="东城街道党工委", kind="street_committee", street="S2"),
        dict(code="PC1", name="东关社区党委", kind="community_committee", community="C1",
             parent="SW1"),
        dict(code="PC2", name="西关社区党总支", kind="community_general_branch",
             community="C2", parent="SW1"),
        dict(code="PC3", name="河畔社区党委", kind="community_committee", community="C3",
             parent="SW2"),
        dict(code="GB1", name="东关第1网格党支部", kind="grid_branch", grid="G1", parent="PC1"),
        dict(code="GG3", name="西关第3网格党小组", kind="grid_group", grid="G3", parent="PC2"),
        dict(code="UO1", name="县财政局机关党委", kind="unit_committee", units=["U1"],
             member_of=["PC1", "SW1"]),
        dict(code="UO3", name="安居物业党支部", kind="unit_branch", units=["U3"],
             member_of=["PC1"]),
        dict(code="J1", name="商贸教育联合党支部", kind="joint_branch", units=["U2", "U4"],
             member_of=["PC1", "PC2"]),
        dict(code="UO5", name="县供电公司党委", kind="unit_committee", units=["U5"],
             member_of=["PC1", "PC3"]),
    )
    for o in orgs:
        a("party_orgs", o)
    for i in range(1, 17):
        a("people", {"code": f"P{i}", "name": f"人员{i}",
                     "phone": f"1380000{i:04d}" if i % 2 else None,
                     "party_member": i != 16})
    posts = (
        ("P1", "PC1", "secretary", "own", D(2021, 1, 1), None),
        ("P2", "UO1", "secretary", "own", D(2020, 5, 1), None),
        ("P2", "PC1", "part_time_member", "part_time", D(2023, 3, 1), D(2026, 3, 1)),
        ("P3", "PC1", "member", "own", None, None),
        ("P3", "UO1", "联络员", "part_time", D(2022, 1, 1), None),
        ("P4", "J1", "secretary", "own", None, None),
        ("P4", "PC1", "part_time_member", "part_time", None, None),
        ("P4", "PC2", "part_time_member", "part_time", D(2024, 2, 1), None),
        ("P5", "UO5", "secretary", "own", None, None),
        ("P5", "PC1", "part_time_member", "part_time", None, None),
        ("P5", "PC3", "part_time_member", "part_time", None, None),
        ("P6", "PC3", "secretary", "own", None, None),
        ("P7", "SW1", "secretary", "own", None, None),
        ("P8", "UO3", "secretary", "own", None, None),
        ("P8", "PC1", "part_time_member", "part_time", D(2020, 1, 1), D(2022, 12, 31)),
        ("P8", "PC1", "part_time_member", "part_time", D(2024, 1, 1), None),
        ("P9", "GB1", "grid_leader", "own", None, None),
        ("P14", "PC2", "secretary", "own", None, None),
        ("P15", "SW2", "secretary", "own", None, None),
    )
    for person, org, role, post_type, start, end in posts:
        a("posts", {"person": person, "org": org, "role": role, "post_type": post_type,
                    "start": start, "end": end})
    for person, kind, target in (("P10", "street_charge", "S1"), ("P10", "community_liaison", "C1"),
                                 ("P11", "street_charge", "S2"),
                                 ("P11", "community_liaison", "C3")):
        a("liaisons", {"person": person, "kind": kind, "target": target})
    a("compounds", {"code": "K1", "name": "幸福小区", "community": "C1", "property_unit": "U3",
                    "model": True})
    a("compounds", {"code": "K2", "name": "和平小区", "community": "C2", "model": False})
    a("compounds", {"code": "K3", "name": "河畔小区", "community": "C3", "property_unit": "U3"})
    a("central_households", {"person": "P12", "grid": "G1"})
    a("central_households", {"person": "P13", "grid": "G4"})
    a("registrations", {"subject": "P12", "community": "C1", "date": D(2024, 6, 1)})
    a("registrations", {"subject": "UO1", "community": "C1"})
    a("registrations", {"subject": "J1", "community": "C2", "date": D(2023, 9, 10)})
    a("needs", {"code": "N1", "title": "老旧小区加装电梯", "community": "C1"})
    a("needs", {"code": "N2", "title": "河道清理", "community": "C3"})
    a("needs", {"code": "N3", "title": "课后托管", "community": "C2"})
    a("resources", {"code": "R1", "title": "财务咨询", "unit": "U1"})
    a("resources", {"code": "R2", "title": "电力检修", "unit": "U5"})
    a("projects", {"code": "PR1", "title": "电梯安全检修", "needs": ["N1"], "resources": ["R2"],
                   "status": "active"})
    a("projects", {"code": "PR2", "title": "河道共建", "needs": ["N2"], "resources": ["R1", "R2"],
                   "status": "planned"})
    return r
