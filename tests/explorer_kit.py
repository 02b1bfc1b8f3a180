"""Rosters for the explorer tests: a tiny county where every link state is
present and obvious, hand-made findings, and a synthetic street of any size.

Import from tests as ``from explorer_kit import ...``.

The tiny county (as of :data:`AS_OF`), community 东关社区 (C1), its
community org CO1:

* UO1 (县税务局党支部): P2 (own UO1) is part-time in CO1 and P3 (own CO1) is
  part-time in UO1 -> two-way;
* UO2 (县医院党支部): P4 (own UO2) part-time in CO1 -> one-way U → C;
* UO3 (红星物业党支部): nobody -> no link (member on paper);
* UO4 (the unit named like an HTML injection): P5's part-time post in CO1
  ended 2023-12-31 -> a link before that day, none on :data:`AS_OF`.

Community 西关社区 (C2) has CO2 and the member UO5 with no link.
"""

from __future__ import annotations

import json
import re
from datetime import date

from graph.build import roster_to_graph
from graph.findings import Finding, Subject
from graph.roster import Roster

AS_OF = date(2024, 6, 30)
XSS_NAME = "<img src=x onerror=alert(1)>"
PHONE = "13812345678"


def page_blocks(html: str) -> dict[str, str]:
    """The ``<script type="application/json">`` blocks of an explorer page, by id."""
    return dict(re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S))


def page_pictures(html: str) -> dict[str, dict]:
    """Every picture an explorer page carries, put back together as
    ``explorer.js`` does (:func:`graph.explorer.page.unpack_picture`):
    ``"home"`` (the one it opens on) and each ``cobuild-view-*`` block."""
    from graph.explorer.page import unpack_picture

    blocks = page_blocks(html)
    tables = json.loads(blocks["cobuild-data"])
    out = {"home": unpack_picture(tables, json.loads(blocks["cobuild-home"]))}
    for k, v in blocks.items():
        if k.startswith("cobuild-view-"):
            out[k] = unpack_picture(tables, json.loads(v))
    return out


def tiny_roster() -> Roster:
    r = Roster()
    a = r.add
    a("streets", {"code": "S1", "name": "城关街道"})
    a("party_orgs", {"code": "SO1", "name": "城关街道党工委", "kind": "street_committee", "street": "S1"})
    a("communities", {"code": "C1", "name": "东关社区", "street": "S1"})
    a("communities", {"code": "C2", "name": "西关社区", "street": "S1"})
    a("grids", {"code": "G1", "name": "东关一网格", "community": "C1"})
    a("party_orgs", {"code": "CO1", "name": "东关社区党委", "kind": "community_committee",
                     "community": "C1", "parent": "SO1"})
    a("party_orgs", {"code": "CO2", "name": "西关社区党委", "kind": "community_committee",
                     "community": "C2", "parent": "SO1"})
    units = [("U1", "县税务局", "agency"), ("U2", "县医院", "institution"),
             ("U3", "红星物业", "property"), ("U4", XSS_NAME, "private")]
    for i, (code, name, kind) in enumerate(units, start=1):
        a("units", {"code": code, "name": name, "kind": kind, "community": "C1"})
        a("party_orgs", {"code": f"UO{i}", "name": f"{name}党支部", "kind": "unit_branch",
                         "units": [code], "member_of": ["CO1"]})
    a("units", {"code": "U5", "name": "西关小学", "kind": "institution", "community": "C2"})
    a("party_orgs", {"code": "UO5", "name": "西关小学党支部", "kind": "unit_branch",
                     "units": ["U5"], "member_of": ["CO2"]})
    people = [("P1", "王书记", None), ("P2", "李税务", PHONE), ("P3", "张社区", None),
              ("P4", "赵医生", None), ("P5", "钱老板", None), ("P6", "孙物业", None)]
    for code, name, phone in people:
        a("people", {"code": code, "name": name, "phone": phone})
    start = date(2023, 1, 1)
    posts = [
        ("P1", "CO1", "secretary", "own", None),
        ("P2", "UO1", "secretary", "own", None),
        ("P2", "CO1", "part_time_member", "part_time", None),
        ("P3", "CO1", "member", "own", None),
        ("P3", "UO1", "member", "part_time", None),
        ("P4", "UO2", "secretary", "own", None),
        ("P4", "CO1", "part_time_member", "part_time", None),
        ("P5", "UO4", "secretary", "own", None),
        ("P5", "CO1", "part_time_member", "part_time", date(2023, 12, 31)),
        ("P6", "UO3", "secretary", "own", None),
    ]
    for person, org, role, post_type, end in posts:
        a("posts", {"person": person, "org": org, "role": role, "post_type": post_type,
                    "start": start, "end": end})
    return r


def tiny_graph():
    return roster_to_graph(tiny_roster())


def finding(rule, severity, type_, code, name, zh="中文说明", en="English message") -> Finding:
    return Finding(rule, severity, Subject(type_, code, name), "C1", "S1", zh, en)


def tiny_findings() -> list[Finding]:
    return [
        finding("G01", "high", "PartyOrg", "CO1", "东关社区党委",
                "东关社区党委的兼职委员不足", "CO1 has too few part-time members"),
        finding("G04", "medium", "PartyOrg", "UO2", "县医院党支部",
                "县医院党支部只有单向进入", "one-way entry only"),
        finding("G05", "low", "PartyOrg", "UO3", "红星物业党支部",
                "红星物业党支部无交叉任职", "member on paper"),
        finding("G05", "low", "PartyOrg", "UO4", XSS_NAME + "党支部",
                XSS_NAME + "无交叉任职", XSS_NAME + " has no link"),
        finding("G02", "high", "Unit", "NOPE", "不在图中的单位", "不在图中", "not in the graph"),
    ]


def synthetic_street(communities: int, units_per_community: int, people_per_unit: int,
                     street: str = "S1") -> Roster:
    """A street of ``communities`` communities, each with a community org,
    five grids and ``units_per_community`` units with an org each (members of
    the community org) and ``people_per_unit`` people with an own post; every
    third unit's first person is a part-time member of the community org and
    every fifth unit also gets a community worker as part-time member back.
    Nodes: about ``communities * units_per_community * (2 + people_per_unit)``.
    """
    r = Roster()
    a = r.add
    a("streets", {"code": street, "name": f"{street}街道"})
    pid = 0

    def person(name: str) -> str:
        nonlocal pid
        pid += 1
        code = f"{street}P{pid}"
        a("people", {"code": code, "name": name, "phone": f"139{pid:08d}"})
        return code

    for c in range(communities):
        cc, co = f"{street}C{c}", f"{street}CO{c}"
        a("communities", {"code": cc, "name": f"第{c}社区", "street": street})
        a("party_orgs", {"code": co, "name": f"第{c}社区党委", "kind": "community_committee",
                         "community": cc})
        for g in range(5):
            a("grids", {"code": f"{cc}G{g}", "name": f"第{c}社区{g}网格", "community": cc})
        worker = person(f"社区干部{c}")
        a("posts", {"person": worker, "org": co, "role": "member", "post_type": "own"})
        for u in range(units_per_community):
            uc, uo = f"{cc}U{u}", f"{cc}UO{u}"
            a("units", {"code": uc, "name": f"第{c}社区单位{u}", "kind": "agency", "community": cc})
            a("party_orgs", {"code": uo, "name": f"第{c}社区单位{u}党支部", "kind": "unit_branch",
                             "units": [uc], "member_of": [co]})
            for k in range(people_per_unit):
                p = person(f"人员{c}-{u}-{k}")
                a("posts", {"person": p, "org": uo, "role": "member", "post_type": "own"})
                if k == 0 and u % 3 == 0:
                    a("posts", {"person": p, "org": co, "role": "part_time_member",
                                "post_type": "part_time"})
            if u % 5 == 0:
                a("posts", {"person": worker, "org": uo, "role": "member", "post_type": "part_time"})
    return r
