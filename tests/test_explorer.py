"""The explorer's network JSON and page, without a browser (the browser
tests are in test_explorer_browser.py)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from explorer_kit import (AS_OF, PHONE, XSS_NAME, page_blocks, page_pictures, synthetic_street, tiny_findings,
                          tiny_graph, tiny_roster)
from graph import schema
from graph.build import roster_to_graph
from graph.explorer import GROUP_NODE_LIMIT, PHYSICS_NODE_LIMIT, network_json, render_page
from graph.explorer.page import PageData, script_json, unpack_picture, vendor_assets, vis_options
from graph.explorer.tooltips import Tooltip
from graph.explorer.style import LINK_STYLES, SEVERITY_LOOK, VIEW_KINDS_BY_KEY


def links(data) -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = {}
    for e in data["edges"]:
        if e["type"] == "link":
            out.setdefault((e["from"], e["to"]), []).append(e)
    return out


def node(data, nid) -> dict:
    return next(n for n in data["nodes"] if n["id"] == nid)


@pytest.fixture(scope="module")
def data():
    return network_json(tiny_graph(), tiny_findings(), as_of=AS_OF, scope="community")


# ---------------------------------------------------------------- links


def test_two_way_link_is_one_thick_green_edge_with_both_arrows(data):
    (e,) = links(data)[("PartyOrg:UO1", "PartyOrg:CO1")]
    assert e["link"] == "two_way"
    assert e["arrows"] == "to,from"
    assert e["color"]["color"] == LINK_STYLES["two_way"]["color"]
    assert e["width"] > LINK_STYLES["missing"]["width"] and not e["dashes"]
    assert ("PartyOrg:CO1", "PartyOrg:UO1") not in links(data)
    assert "李税务" in e["title"] and "张社区" in e["title"]


def test_one_way_link_has_its_direction_and_a_dashed_red_missing_one(data):
    ls = links(data)
    (present,) = ls[("PartyOrg:UO2", "PartyOrg:CO1")]
    (missing,) = ls[("PartyOrg:CO1", "PartyOrg:UO2")]
    assert present["link"] == "one_way" and present["arrows"] == "to" and not present["dashes"]
    assert present["color"]["color"] == LINK_STYLES["one_way"]["color"]
    assert missing["link"] == "missing" and missing["arrows"] == "to" and missing["dashes"]
    assert missing["color"]["color"] == LINK_STYLES["missing"]["color"]
    assert "赵医生" in present["title"]


def test_member_without_link_is_one_dashed_red_edge(data):
    ls = links(data)
    for u, c in (("UO3", "CO1"), ("UO5", "CO2")):
        (e,) = ls[(f"PartyOrg:{u}", f"PartyOrg:{c}")]
        assert e["link"] == "none" and e["dashes"] and e["arrows"] == ""
        assert (f"PartyOrg:{c}", f"PartyOrg:{u}") not in ls


def test_member_of_edges_become_links_not_grey_lines(data):
    member_of = [e for e in data["edges"] if e["type"] == "MEMBER_OF"]
    assert member_of == []  # every MEMBER_OF here joins a unit org to a community org
    other = [e for e in data["edges"] if e["type"] in ("IN", "BELONGS_TO", "UNDER")]
    assert other and all(e["style"] == "structure" and e["width"] == 1 for e in other)


def test_as_of_decides_which_posts_count():
    G = tiny_graph()
    before = links(network_json(G, [], as_of=date(2023, 6, 30)))
    after = links(network_json(G, [], as_of=AS_OF))
    assert [e["link"] for e in before[("PartyOrg:UO4", "PartyOrg:CO1")]] == ["one_way"]
    assert [e["link"] for e in after[("PartyOrg:UO4", "PartyOrg:CO1")]] == ["none"]
    posts = [e for e in network_json(G, [], as_of=AS_OF)["edges"]
             if e["type"] == "HOLDS" and e["from"] == "Person:P5" and e["to"] == "PartyOrg:CO1"]
    assert [e["style"] for e in posts] == ["post_inactive"] and posts[0]["dashes"]
    assert "已结束 ended" in posts[0]["title"]


# ---------------------------------------------------------------- nodes and legend


def test_nodes_look_as_the_schema_says(data):
    for n in data["nodes"]:
        kind = schema.node_kind(n["type"])
        assert n["shape"] == kind.shape
        if n["type"] != "PartyOrg":
            assert n["color"]["background"] == kind.color
    assert node(data, "PartyOrg:CO1")["kind"] == "PartyOrg:community"
    assert node(data, "PartyOrg:UO1")["kind"] == "PartyOrg:unit"
    assert node(data, "PartyOrg:SO1")["kind"] == "PartyOrg:other"
    assert node(data, "PartyOrg:CO1")["size"] > node(data, "PartyOrg:UO1")["size"]
    assert node(data, "Community:C1")["label"] == "东关社区"


def test_legend_is_derived_from_the_schema_and_counts(data):
    kinds = {e["key"]: e for e in data["legend"] if e["group"] == "node"}
    assert kinds["Unit"]["zh"] == schema.node_kind("Unit").zh
    assert kinds["Unit"]["en"] == schema.node_kind("Unit").en
    assert kinds["Unit"]["count"] == 5 and kinds["Person"]["count"] == 6
    assert "Need" not in kinds  # only kinds in the picture
    edges = {e["key"] for e in data["legend"] if e["group"] == "edge"}
    assert {"two_way", "one_way", "missing"} <= edges
    sev = {e["key"]: e["count"] for e in data["legend"] if e["group"] == "severity"}
    assert sev == {"high": 1, "medium": 1, "low": 2, "none": len(data["nodes"]) - 4}


def test_subjects_of_findings_are_marked_by_severity(data):
    co1 = node(data, "PartyOrg:CO1")
    assert co1["severity"] == "high"
    assert co1["color"]["border"] == SEVERITY_LOOK["high"]["color"]
    assert co1["borderWidth"] == SEVERITY_LOOK["high"]["width"]
    assert co1["font"]["color"] == SEVERITY_LOOK["high"]["label"]
    assert "G01" in co1["title"] and "东关社区党委的兼职委员不足" in co1["title"]
    assert "CO1 has too few part-time members" in co1["title"]
    assert node(data, "PartyOrg:UO2")["color"]["border"] == SEVERITY_LOOK["medium"]["color"]
    plain = node(data, "PartyOrg:UO1")
    assert plain["severity"] is None and plain["borderWidth"] == 1 and "shadow" not in plain
    assert data["meta"]["findings"] == {"high": 1, "medium": 1, "low": 2}  # NOPE is not drawn


def test_tooltip_tells_kind_posts_and_standing(data):
    p5 = node(data, "Person:P5")["title"]
    assert "钱老板" in p5 and "人员 person" in p5
    assert "东关社区党委 — 兼职委员 part-time committee member" in p5 and "已结束 ended" in p5
    co1 = node(data, "PartyOrg:CO1")["title"]
    assert "社区党委 community party committee" in co1
    assert "纳入单位党组织 member unit orgs: 4; 双向 two-way 1, 单向 one-way 1, 无 none 2" in co1


def test_tooltips_read_line_for_line_as_before(data):
    """Whole tooltips, as the explorer showed them before the page carried
    them in pieces (issue 16): the pieces join to the same text."""
    co1, p2 = node(data, "PartyOrg:CO1")["title"], node(data, "Person:P2")["title"]
    assert p2 == (
        "李税务\n人员 person\n编码 code: P2\n所在社区 community: 东关社区\n手机 phone: 138****5678\n"
        "任职 posts （截至 as of 2024-06-30）：\n"
        "  · 东关社区党委 — 兼职委员 part-time committee member, 兼职 part-time post, 2023-01-01–…（在任 in force）\n"
        "  · 县税务局党支部 — 书记 secretary, 本职 own post, 2023-01-01–…（在任 in force）")
    assert co1 == (
        "东关社区党委\n社区党组织 community party organization · 社区党委 community party committee\n"
        "编码 code: CO1\n所在社区 community: 东关社区\n"
        "在任人员 posts in force（4/5，截至 as of 2024-06-30）：\n"
        "  · 王书记 — 书记 secretary, 本职 own post, 2023-01-01–…\n"
        "  · 李税务 — 兼职委员 part-time committee member, 兼职 part-time post, 2023-01-01–…\n"
        "  · 张社区 — 委员 committee member, 本职 own post, 2023-01-01–…\n"
        "  · 赵医生 — 兼职委员 part-time committee member, 兼职 part-time post, 2023-01-01–…\n"
        "纳入单位党组织 member unit orgs: 4; 双向 two-way 1, 单向 one-way 1, 无 none 2\n"
        "兼职委员（来自纳入单位） part-time members from member units: 2\n"
        "发现 findings (1):\n  [高 high] G01 兼职委员不足 part-time members short\n"
        "    东关社区党委的兼职委员不足\n    CO1 has too few part-time members")
    assert "".join(p2.parts[3]) == "所在社区 community: 东关社区" and len(p2.parts[3]) == 2
    titles = {(e["from"], e["to"]): e["title"] for e in data["edges"]}
    assert titles[("PartyOrg:UO2", "PartyOrg:CO1")] == (
        "单向进入 one-way link: 县医院党支部 → 东关社区党委\n县医院党支部 纳入 taken into 东关社区党委\n"
        "单位 → 社区 U → C: 赵医生")
    assert titles[("PartyOrg:CO1", "PartyOrg:UO2")] == (
        "缺失 missing: 东关社区党委 → 县医院党支部（无社区人员到单位兼职 no one from the community holds a "
        "part-time post in the unit org）\n县医院党支部 纳入 taken into 东关社区党委\n单位 → 社区 U → C: 赵医生")
    assert titles[("Person:P4", "PartyOrg:UO2")] == (
        "赵医生 → 县医院党支部\n任职 holds a post in: 书记 secretary, 本职 own post, 2023-01-01–…（在任 in force）")


def test_phones_are_masked_unless_shown():
    G = tiny_graph()
    reader = json.dumps(network_json(G, [], as_of=AS_OF), ensure_ascii=False)
    assert PHONE not in reader and "138****5678" in reader
    planner = json.dumps(network_json(G, [], as_of=AS_OF, show_phones=True), ensure_ascii=False)
    assert PHONE in planner
    assert PHONE not in render_page(G, [], title="t", as_of=AS_OF)


def test_empty_graph_and_bad_scope():
    import networkx as nx

    d = network_json(nx.MultiDiGraph(), [], as_of=AS_OF)
    assert d["nodes"] == [] and d["edges"] == []
    with pytest.raises(ValueError):
        network_json(tiny_graph(), [], scope="province")


def test_every_node_has_a_position_even_without_a_place():
    import networkx as nx

    G = nx.MultiDiGraph()
    G.add_node("Person:X", label="Person", code="X", name="无处可放")  # no community, no street
    G.add_node("Street:S", label="Street", code="S", name="街道")
    d = network_json(G, [], as_of=AS_OF)
    assert all("x" in n and "y" in n for n in d["nodes"]) and len(d["nodes"]) == 2


def test_positions_are_given_distinct_and_stable(data):
    again = network_json(tiny_graph(), tiny_findings(), as_of=AS_OF, scope="community")
    pos = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    assert pos == {n["id"]: (n["x"], n["y"]) for n in again["nodes"]}
    assert len(set(pos.values())) == len(pos)


# ---------------------------------------------------------------- size


@pytest.fixture(scope="module")
def big_graph():
    G = roster_to_graph(synthetic_street(10, 40, 4))  # ~2,500 nodes
    assert G.number_of_nodes() > max(PHYSICS_NODE_LIMIT, GROUP_NODE_LIMIT)
    return G


def test_physics_off_above_the_limit_with_positions(big_graph, data):
    d = network_json(big_graph, [], as_of=AS_OF, scope="street")
    assert d["meta"]["physics"] is False and d["meta"]["grouped"] is False
    assert len(d["nodes"]) == big_graph.number_of_nodes()
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in d["nodes"])
    assert data["meta"]["physics"] is True


def test_county_view_of_a_large_graph_groups_units_per_community(big_graph):
    d = network_json(big_graph, [], as_of=AS_OF, scope="county")
    assert d["meta"]["grouped"] is True
    groups = [n for n in d["nodes"] if n["kind"] == "UnitGroup"]
    assert len(groups) == 10
    assert not any(n["type"] in ("Unit", "Grid", "Person") for n in d["nodes"])
    g0 = next(n for n in groups if n["id"] == "UnitGroup:S1C0")
    assert sum(m["type"] == "Unit" for m in g0["members"]) == 40
    assert "第0社区单位7" in {m["name"] for m in g0["members"]}
    assert len(d["nodes"]) < 60  # street, communities, their orgs, two groups each
    assert d["meta"]["physics"] is False  # a map: Python's positions stay


def test_grouping_folds_units_and_detail_and_keeps_leaders_and_links():
    r = tiny_roster()
    r.add("people", {"code": "P9", "name": "县领导"})
    r.add("liaisons", {"person": "P9", "kind": "community_liaison", "target": "C1"})
    d = network_json(roster_to_graph(r), tiny_findings(), as_of=AS_OF, group_units=True)
    ids = {n["id"] for n in d["nodes"]}
    assert ids == {"Street:S1", "PartyOrg:SO1", "Community:C1", "Community:C2", "PartyOrg:CO1",
                   "PartyOrg:CO2", "UnitGroup:C1", "UnitGroup:C2", "DetailGroup:C1", "Person:P9"}
    unit_group = node(d, "UnitGroup:C1")
    assert {m["id"] for m in unit_group["members"]} == {
        "Unit:U1", "Unit:U2", "Unit:U3", "Unit:U4", "PartyOrg:UO1", "PartyOrg:UO2", "PartyOrg:UO3",
        "PartyOrg:UO4", "Person:P2", "Person:P4", "Person:P5", "Person:P6"}  # homes in unit orgs
    assert {m["id"] for m in node(d, "DetailGroup:C1")["members"]} == {"Grid:G1", "Person:P1",
                                                                      "Person:P3"}
    assert unit_group["severity"] == "medium"  # worst of UO2 (medium), UO3/UO4 (low)
    assert unit_group["label"] == "东关社区·驻区单位 ×4"
    assert "双向 two-way 1" in unit_group["title"] and "无交叉任职 none 2" in unit_group["title"]
    merged = {e["style"]: e for e in d["edges"]
              if e["from"] == "UnitGroup:C1" and e["to"] == "PartyOrg:CO1" and e["type"] == "merged"}
    assert {"two_way", "one_way", "missing"} <= set(merged)
    assert merged["missing"]["count"] == 2
    assert all(e["from"] in ids and e["to"] in ids for e in d["edges"])


def test_street_view_is_never_grouped(big_graph):
    assert network_json(big_graph, [], as_of=AS_OF, scope="street")["meta"]["grouped"] is False


# ---------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def page() -> str:
    return render_page(tiny_graph(), tiny_findings(), title="东关社区 <script>x</script>", as_of=AS_OF)


def test_page_loads_nothing_from_anywhere(page):
    assert not re.search(r"<(script|img|iframe|link)\b[^>]*\b(src|href)\s*=", page, re.I)
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page, re.I)
    assert "default-src 'none'" in page  # the browser refuses any fetch as well
    for host in ("cdnjs.cloudflare.com", "jsdelivr", "unpkg", "bootstrap", "tom-select"):
        assert host not in page.lower()  # pyvis's own template would name these


def test_page_inlines_vis_network_from_the_installed_pyvis_with_its_licence(page):
    import pyvis

    vis = Path(pyvis.__file__).parent / "lib" / f"vis-{vendor_assets()['version']}"
    js = (vis / "vis-network.min.js").read_text(encoding="utf-8")
    assert js in page
    assert "dual licensed" in js[:1000] and "Apache-2.0 OR MIT" in page
    assert "Inlined from the installed pyvis" in page


def test_page_escapes_names_and_title(page):
    assert XSS_NAME not in page
    assert "<script>x</script>" not in page
    assert "东关社区 &lt;script&gt;x&lt;/script&gt;" in page
    nodes = page_pictures(page)["home"]["nodes"]
    assert XSS_NAME in {n["name"] for n in nodes}  # the literal name survives as data


def test_page_carries_the_network_without_loss_each_text_once(page):
    """Put back together as explorer.js does, the page's picture is
    network_json's, tooltips included (less the findings, which are in the
    tooltips); each name, code and tooltip piece is written once."""
    want = network_json(tiny_graph(), tiny_findings(), as_of=AS_OF)
    home = page_pictures(page)["home"]
    assert home["nodes"] == [{k: v for k, v in n.items() if k != "findings"} for n in want["nodes"]]
    assert home["edges"] == want["edges"]
    assert (home["legend"], home["meta"]) == (want["legend"], want["meta"])
    assert home["options"] == vis_options(want["meta"]["physics"], want["meta"]["nodes"])
    texts = json.loads(page_blocks(page)["cobuild-data"])["texts"]
    assert len(texts) == len(set(texts))
    assert "    东关社区党委的兼职委员不足" in texts and "王书记" in texts
    assert page.count("东关社区党委的兼职委员不足") == 1


def test_page_data_writes_a_shared_record_once_and_refuses_what_it_cannot_carry():
    data = PageData()
    meta = {"physics": True, "nodes": 1}
    node = {"id": "Unit:U1", "type": "Unit", "code": "U1", "name": "县医院", "shape": "box",
            "title": Tooltip(["县医院", ("编码 code: ", "U1")])}
    a = data.picture({"nodes": [{**node, "x": 1.5, "y": 2}], "edges": [], "legend": [], "meta": meta})
    b = data.picture({"nodes": [{**node, "x": 9, "y": 9}], "edges": [], "legend": [], "meta": meta})
    tables = json.loads(json.dumps(data.tables()))
    assert len(tables["nodes"]["rows"]) == 1 and a["nodes"][0][0] == b["nodes"][0][0]
    assert tables["texts"].count("U1") == 1  # the code, and the tooltip's piece
    assert unpack_picture(tables, b)["nodes"] == [{**node, "x": 9, "y": 9}]
    with pytest.raises(TypeError, match="code"):
        data.picture({"nodes": [{**node, "code": 1}], "edges": [], "legend": [], "meta": meta})
    with pytest.raises(TypeError, match="members"):
        data.picture({"nodes": [{**node, "members": [{"id": "x"}]}], "edges": [], "legend": [],
                      "meta": meta})


def test_script_json_cannot_close_a_script():
    s = str(script_json({"a": "</script><!-- & \u2028"}))
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"a": "</script><!-- & \u2028"}


# ---------------------------------------------------------------- CLI


def _write_tiny(tmp_path: Path) -> Path:
    from loaders.writer import write_roster

    return write_roster(tiny_roster(), tmp_path / "tiny.xlsx")


def test_cli_writes_a_page_for_a_community(tmp_path, capsys):
    from cli.main import main

    roster = _write_tiny(tmp_path)
    out = tmp_path / "c1.html"
    assert main(["explore", str(roster), "--community", "C1", "--as-of", "2024-06-30",
                 "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "东关社区 共驻共建关系网络" in html
    ids = {n["id"] for n in page_pictures(html)["home"]["nodes"]}
    assert "Community:C1" in ids and "Community:C2" not in ids
    assert PHONE not in html and "138****5678" in html
    assert "drawing the page" in capsys.readouterr().err  # progress on stderr


def test_cli_planner_sees_phones_and_errors_are_bilingual(tmp_path, capsys):
    from cli.main import main

    roster = _write_tiny(tmp_path)
    out = tmp_path / "s1.html"
    assert main(["explore", str(roster), "--street", "S1", "--role", "planner", "-q",
                 "--as-of", "2024-06-30", "--out", str(out)]) == 0
    assert PHONE in out.read_text(encoding="utf-8")
    assert main(["explore", str(roster), "--community", "C9", "-q", "--out",
                 str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert "C9" in err and "错误 error" in err
    assert not (tmp_path / "x.html").exists()


def test_cli_help_is_bilingual(capsys):
    from cli.main import main

    with pytest.raises(SystemExit):
        main(["explore", "--help"])
    text = capsys.readouterr().out
    for words in ("--community", "--county", "--role", "手机号打码", "phone numbers masked",
                  "双向进入", "two-way link"):
        assert words in text


# ---------------------------------------------------------------- with the real analysis


def test_demo_county_with_its_analysis_is_json_and_marks_every_subject():
    from graph.analysis import analyze
    from graph.findings import SEVERITIES
    from loaders.demo import generate

    G = roster_to_graph(generate(seed=7, scale=1, as_of=AS_OF))
    findings = analyze(G, AS_OF, with_structure=False).findings
    d = json.loads(json.dumps(network_json(G, findings, as_of=AS_OF, scope="county")))
    order = list(SEVERITIES)
    worst: dict[str, str] = {}
    for f in findings:
        nid = f.subject.node_id
        if nid in G and (nid not in worst or order.index(f.severity) < order.index(worst[nid])):
            worst[nid] = f.severity
    assert worst  # the demo county has gaps of every kind
    marked = {n["id"]: n["severity"] for n in d["nodes"] if n["severity"]}
    assert marked == worst
    ids = {n["id"] for n in d["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in d["edges"])


def test_activity_is_its_own_layer_off_by_default_and_its_findings_are_marked():
    from graph.analysis import analyze
    from roster_kit import rich_roster_v2

    G = roster_to_graph(rich_roster_v2())
    findings = analyze(G, AS_OF, with_structure=False).findings
    d = network_json(G, findings, as_of=AS_OF)
    layer = {n["id"]: n["layer"] for n in d["nodes"]}
    for nid in ("Need:N01", "Resource:R01", "Project:PR1", "Agreement:A01", "Meeting:M01"):
        assert layer[nid] == "activity"
    assert layer["Person:P001"] == "structure"  # holds posts: structure, with its registrations
    assert all(n.get("hidden") for n in d["nodes"] if n["layer"] == "activity")
    assert not any(n.get("hidden") for n in d["nodes"] if n["layer"] == "structure")
    reg = [e for e in d["edges"] if e["type"] == "REGISTERED_WITH"]
    assert reg and all(e["layer"] == "activity" and e["hidden"] for e in reg)
    layers = {x["key"]: x for x in d["legend"] if x["group"] == "layer"}
    assert layers["activity"]["on"] is False and layers["structure"]["on"] is True
    marked = {n["id"]: n["severity"] for n in d["nodes"] if n["severity"]}
    g18 = [f for f in findings if f.rule == "G18"]
    assert g18 and all(marked.get(f.subject.node_id) for f in g18)
