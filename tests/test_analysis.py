"""The analysis as a whole: policy files, determinism, the JSON contract,
the coverage summary, the structural figures and "what if X leaves"."""

from __future__ import annotations

import json
import random
from pathlib import Path

import networkx as nx
import pytest

from analysis_kit import AS_OF, Kit, gappy, perfect
from graph.analysis import Analysis, analyze, what_if_leaves
from graph.analysis.policy import Policy, example_toml, load_policy
from graph.analysis.rules import RULES
from graph.build import roster_to_graph
from graph.errors import NotFound, PolicyError
from graph.roster import Roster

ROOT = Path(__file__).resolve().parents[1]


# --- policy files -------------------------------------------------------------

def write(tmp_path, text, name="policy.toml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_example_policy_file_is_the_default_policy(tmp_path):
    shipped = (ROOT / "policy.example.toml").read_text(encoding="utf-8")
    assert shipped == example_toml()
    loaded = load_policy(ROOT / "policy.example.toml")
    assert loaded.rules == Policy().rules and loaded.structure == Policy().structure
    for r in RULES:
        assert f"[rules.{r.id}]" in shipped


def test_policy_file_overrides(tmp_path):
    p = load_policy(write(tmp_path, """
[rules.G01]
min_part_time_members = 2
severity = "low"
[rules.G06]
min_two_way_share = 1
[rules.G12]
enabled = false
[structure]
top_n = 3
"""))
    assert p.rule("G01")["min_part_time_members"] == 2 and p.rule("G01").severity == "low"
    assert p.rule("G01")["severity_when_none"] == "high"  # untouched default
    assert p.rule("G06")["min_two_way_share"] == 1.0 and isinstance(p.rule("G06")["min_two_way_share"], float)
    assert not p.rule("G12").enabled and p.rule("G11").enabled
    assert p.structure.top_n == 3
    a = analyze(gappy().graph(), AS_OF, p)
    assert not [f for f in a.findings if f.rule == "G12"]
    assert a.as_dict()["policy"]["rules"]["G12"]["enabled"] is False
    assert len(a.structure["bridges"]) <= 3


@pytest.mark.parametrize("text, key", [
    ("[rules.G99]\nenabled = false\n", "G99"),
    ("[rules.G01]\nmin_members = 2\n", "rules.G01.min_members"),
    ("[rules.G01]\nmin_part_time_members = \"three\"\n", "rules.G01.min_part_time_members"),
    ("[rules.G01]\nmin_part_time_members = true\n", "rules.G01.min_part_time_members"),
    ("[rules.G01]\nmin_part_time_members = 2.5\n", "rules.G01.min_part_time_members"),
    ("[rules.G01]\nmin_part_time_members = -1\n", "rules.G01.min_part_time_members"),
    ("[rules.G06]\nmin_two_way_share = 1.5\n", "rules.G06.min_two_way_share"),
    ("[rules.G03]\nseverity = \"urgent\"\n", "rules.G03.severity"),
    ("[rules.G03]\nenabled = \"no\"\n", "rules.G03.enabled"),
    ("[rules.G13]\nmodel_severity = 3\n", "rules.G13.model_severity"),
    ("[thresholds]\nx = 1\n", "thresholds"),
    ("[structure]\nk = 1\n", "structure.k"),
    ("rules = 3\n", "rules"),
])
def test_invalid_policy_names_the_key_in_both_languages(tmp_path, text, key):
    with pytest.raises(PolicyError) as e:
        load_policy(write(tmp_path, text))
    assert key in e.value.message_zh and key in e.value.message_en


def test_invalid_policy_lists_every_problem_and_bad_files(tmp_path):
    with pytest.raises(PolicyError) as e:
        load_policy(write(tmp_path, "[rules.G01]\nmin_part_time_members = -1\n[rules.G77]\n"))
    assert "2 处错误" in e.value.message_zh and "2 error(s)" in e.value.message_en
    with pytest.raises(PolicyError, match="TOML"):
        load_policy(write(tmp_path, "[rules.G01\nx="))
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "missing.toml")
    bad = tmp_path / "gbk.toml"
    bad.write_bytes("# 策略\n".encode("gbk"))
    with pytest.raises(PolicyError, match="UTF-8"):
        load_policy(bad)


# --- determinism and the contract ------------------------------------------------

def shuffled(k: Kit, seed: int) -> Roster:
    r = Roster()
    rnd = random.Random(seed)
    for t, rows in k.r.tables.items():
        rows = list(rows)
        rnd.shuffle(rows)
        r.tables[t] = rows
    return r


def test_findings_are_deterministic_whatever_the_row_order():
    k = gappy()
    first = analyze(k.graph(), AS_OF).as_dict()
    assert first["findings"]
    for seed in range(3):
        again = analyze(roster_to_graph(shuffled(k, seed)), AS_OF).as_dict()
        assert json.dumps(again, ensure_ascii=False) == json.dumps(first, ensure_ascii=False)
    keys = [(f["rule"], ["high", "medium", "low"].index(f["severity"]), f["street"] or "",
             f["community"] or "", f["subject"]["code"]) for f in first["findings"]]
    assert keys == sorted(keys)


def test_json_contract_shape():
    d = analyze(gappy().graph(), AS_OF).as_dict()
    json.dumps(d)  # serializable as is
    assert {"as_of", "policy", "findings", "summary"} <= set(d)
    assert d["as_of"] == "2024-06-30"
    for f in d["findings"]:
        assert set(f) == {"id", "rule", "severity", "subject", "community", "street",
                          "message_zh", "message_en", "evidence", "evidence_text"}
        assert f["id"].startswith(f["rule"] + "-")
        assert set(f["subject"]) == {"type", "code", "name"}
        assert f["severity"] in ("high", "medium", "low")
        assert all(isinstance(e, str) for e in f["evidence"])
        # the keys for programs, the same evidence as a planner reads it beside them
        assert len(f["evidence_text"]) == len(f["evidence"])
        assert not any(t.startswith(("Post:", "Person:", "PartyOrg:")) for t in f["evidence_text"])
    assert set(d["summary"]) == {"communities", "streets", "county"}
    need = {"members", "u_to_c", "c_to_u", "two_way", "part_time_members", "two_way_share"}
    for row in d["summary"]["communities"]:
        assert {"org", "community"} | need <= set(row)
        assert isinstance(row["two_way_share"], float)
    for row in d["summary"]["streets"]:
        assert {"street"} | need <= set(row)
    assert need <= set(d["summary"]["county"])
    assert {r.id for r in RULES} == set(d["policy"]["rules"])
    assert "13812341234" not in json.dumps(d, ensure_ascii=False)


def test_gappy_county_fires_the_rules_it_was_built_for():
    rules = {f.rule for f in analyze(gappy().graph(), AS_OF).findings}
    assert {"G02", "G03", "G04", "G05", "G09", "G10", "G11", "G12", "G13", "G01"} <= rules


# --- summary ----------------------------------------------------------------------

def test_summary_counts():
    a = analyze(gappy().graph(), AS_OF)
    rows = {r["org"]: r for r in a.summary["communities"]}
    oc1 = rows["OC1"]
    assert (oc1["members"], oc1["u_to_c"], oc1["c_to_u"], oc1["two_way"]) == (3, 3, 2, 2)
    assert oc1["part_time_members"] == 3  # P4's home OU4 is a member of OC2, not OC1
    assert oc1["two_way_share"] == pytest.approx(2 / 3, abs=1e-4)
    oc2 = rows["OC2"]
    assert (oc2["members"], oc2["u_to_c"], oc2["c_to_u"], oc2["two_way"], oc2["part_time_members"]) == (1, 0, 0, 0, 0)
    streets = {r["street"]: r for r in a.summary["streets"]}
    assert streets["S1"]["members"] == 3 and streets["S2"]["members"] == 1
    assert streets["S2"]["communities"] == 2 and streets["S2"]["community_orgs"] == 1
    county = a.summary["county"]
    assert county["members"] == 4 and county["two_way"] == 2 and county["two_way_share"] == 0.5
    assert county["communities_without_org"] == 1 and county["units"] == 7
    assert county["findings"]["total"] == len(a.findings)
    assert sum(county["findings_by_rule"].values()) == len(a.findings)


def test_part_time_members_count_distinct_people_across_community_orgs():
    k = perfect().street("S2").community("C2", "S1").org("OC2", "community_committee", community="C2")
    k.drop("party_orgs", code="OU1").org("OU1", "unit_branch", units=["U1"], member_of=["OC1", "OC2"])
    k.post("P1", "OC2")  # P1 serves both community orgs of street S1
    a = analyze(k.graph(), AS_OF)
    rows = {r["org"]: r for r in a.summary["communities"]}
    assert rows["OC1"]["part_time_members"] == 3 and rows["OC2"]["part_time_members"] == 1
    assert a.summary["streets"][0]["part_time_members"] == 3


def test_scope_keeps_one_community_or_street():
    G = gappy().graph()
    whole = analyze(G, AS_OF)
    one = analyze(G, AS_OF, community="C2")
    assert one.findings == whole.findings_for(community="C2") and one.findings
    assert {r["org"] for r in one.summary["communities"]} == {"OC2"}
    assert [r["street"] for r in one.summary["streets"]] == ["S2"]
    s1 = analyze(G, AS_OF, street="S1")
    assert s1.findings == whole.findings_for(street="S1")
    assert s1.summary["county"]["units"] == 3
    assert all(f.street == "S1" for f in s1.findings)


def test_empty_graph():
    a = analyze(nx.MultiDiGraph(), AS_OF)
    assert a.findings == [] and a.summary["county"]["two_way_share"] == 0.0
    assert a.structure["bridges"] == [] and a.structure["components"]["count"] == 0


def test_as_of_defaults_to_today():
    from datetime import date
    assert analyze(nx.MultiDiGraph()).as_of == date.today()


def test_progress_reports_each_rule():
    seen = []
    analyze(perfect().graph(), AS_OF, progress=seen.append)
    assert sum(1 for s in seen if "G" in s and "rule" in s) == len(RULES)


# --- structure ---------------------------------------------------------------------

def test_structure_bridges_and_articulation():
    k = perfect()
    # P1..P3 stop serving OC1, Q2 leaves OU1: Q1 alone ties OU1 and OU2, Q2 alone ties OU3
    for p in ("P1", "P2", "P3"):
        k.drop("posts", person=p, org="OC1")
    k.drop("posts", person="Q2", org="OU1")
    s = analyze(k.graph(), AS_OF).structure
    cuts = {r["code"]: r["cuts_off"] for r in s["articulation"]}
    assert cuts == {"Q1": ["OU1", "OU2"], "Q2": ["OU3"]}
    q1 = next(r for r in s["articulation"] if r["code"] == "Q1")
    assert q1["cuts_off_names"] == ["OU1党组织（OU1）", "OU2党组织（OU2）"]
    assert q1["community_org_name"] == "东关社区党委"
    assert "人Q1（Q1）一旦离任，东关社区党委（OC1）将与2个成员单位党组织" in q1["advice_zh"]
    assert "兼职委员" in q1["advice_zh"] and "second part-time member" in q1["advice_en"]
    assert s["betweenness"]["method"] == "exact"
    assert [b["person"] for b in s["bridges"]][:1] == ["Q1"]


def test_structure_components_cut_off_and_cross_appointments():
    k = perfect().unit("U4", "C1").org("OU4", "unit_branch", units=["U4"], member_of=["OC1"])
    k.person("P4").post("P4", "OU4", "own")
    s = analyze(k.graph(), AS_OF).structure
    comps = s["components"]
    assert comps["cut_off"] == 2 and comps["isolated_orgs"] == 1  # {OU4, P4} and {OG1}
    rows = {tuple(x["orgs"]): x for x in comps["largest_cut_off"]}
    ou4 = rows[("OU4",)]
    assert {k: ou4[k] for k in ("size", "orgs", "people", "communities")} == {
        "size": 2, "orgs": ["OU4"], "people": ["P4"], "communities": ["C1"]}
    # named, and with what to do: take it in / add posts
    assert ou4["org_names"] == ["OU4党组织（OU4）"] and "OU4党组织（OU4）" in ou4["advice_zh"]
    assert "互派兼职委员" in ou4["advice_zh"] and "part-time members" in ou4["advice_en"]
    assert "无人任职" in rows[("OG1",)]["advice_zh"]
    top = s["cross_appointments"][0]
    assert top["part_time_posts"] == 2 and top["person"] in ("Q1", "Q2")


def test_betweenness_sampled_above_threshold_says_so_and_is_reproducible():
    k = perfect()
    p = Policy.from_dict({"structure": {"betweenness_exact_max_nodes": 4, "betweenness_sample_k": 3}})
    s1 = analyze(k.graph(), AS_OF, p).structure
    s2 = analyze(k.graph(), AS_OF, p).structure
    assert s1["betweenness"]["method"] == "sampled" and s1["betweenness"]["sample_k"] == 3
    assert "抽样" in s1["betweenness"]["note_zh"]
    assert s1["bridges"] == s2["bridges"]


# --- what if ----------------------------------------------------------------------

def test_what_if_a_person_leaves():
    k = perfect()
    w = what_if_leaves(k.graph(), "Q1", AS_OF)
    assert w.person == "Q1" and w.name == "人Q1"
    added = {(f.rule, f.subject.code) for f in w.added}
    # OU2 loses its C → U link; OC1 is no longer 100 % two-way but 2/3 is above 0.3
    assert ("G04", "OU2") in added
    assert not w.removed
    w2 = what_if_leaves(k.graph(), "P1", AS_OF)
    assert ("G01", "OC1") in {(f.rule, f.subject.code) for f in w2.added}
    d = w2.as_dict()
    assert set(d) == {"person", "name", "as_of", "added", "removed", "changed"}


def test_what_if_changed_and_removed():
    k = perfect().drop("posts", person="P3", org="OC1")  # G01 with 2
    k.org("OU4", "unit_branch", units=["U1"]).post("Q1", "OU3").post("Q1", "OU4")  # Q1 overloaded
    w = what_if_leaves(k.graph(), "P2", AS_OF)
    [(before, after)] = [(b, a) for b, a in w.changed if b.rule == "G01"]
    assert "仅有2名" in before.message_zh and "仅有1名" in after.message_zh
    w = what_if_leaves(k.graph(), "Q1", AS_OF)
    assert ("G07", "Q1") in {(f.rule, f.subject.code) for f in w.removed}


def test_what_if_unknown_person():
    with pytest.raises(NotFound) as e:
        what_if_leaves(perfect().graph(), "NOBODY", AS_OF)
    assert "NOBODY" in e.value.message_zh and "NOBODY" in e.value.message_en


# --- the demo county ----------------------------------------------------------------

def test_every_rule_fires_on_the_demo_county():
    import datetime
    from loaders.demo import ARTICLE, generate

    as_of = datetime.date(2025, 6, 30)
    a = analyze(roster_to_graph(generate(seed=2024, scale=1, as_of=as_of)), as_of)
    fired = a.summary["county"]["findings_by_rule"]
    # every rule of rules.md, G15-G23 on the demo's co-building activity included (G14 is
    # the project's own: the article's county has an organization in every community,
    # and so does the demo)
    assert set(fired) == {f"G{i:02d}" for i in range(1, 24)} - {"G14"}, fired
    assert a.not_checked == []
    # the article's 40 part-time members from member units, counted the way G01 counts them
    assert a.summary["county"]["part_time_members"] == ARTICLE["part_time_members"]
    assert a.summary["county"]["units"] == ARTICLE["units"]


@pytest.mark.parametrize("make", [
    lambda: nx.path_graph(5),
    lambda: nx.star_graph(6),
    lambda: nx.cycle_graph(7),
    lambda: nx.balanced_tree(2, 3),
    lambda: nx.barbell_graph(4, 2),
    lambda: nx.complete_bipartite_graph(2, 5),
    lambda: nx.complete_graph(3),
    lambda: nx.random_labeled_tree(40, seed=3),
    lambda: nx.connected_watts_strogatz_graph(60, 2, 0.3, seed=1),
    lambda: nx.lollipop_graph(5, 8),
])
def test_exact_betweenness_matches_networkx(make):
    from graph.analysis.structure import exact_betweenness

    G = make()
    ours = exact_betweenness(G)
    theirs = nx.betweenness_centrality(G, normalized=False)
    assert ours.keys() == theirs.keys()
    for v in G:
        assert ours[v] == pytest.approx(theirs[v], abs=1e-9), v


@pytest.mark.parametrize("seed", range(25))
def test_exact_betweenness_of_each_component_of_a_graph_with_leaves(seed):
    """On a component of a larger graph (no copy made), with leaves hung on
    random nodes (most people hold one post): networkx's values."""
    import random

    from graph.analysis.structure import exact_betweenness

    r = random.Random(seed)
    G = nx.gnm_random_graph(r.randint(2, 30), r.randint(1, 60), seed=seed)
    for i in range(r.randint(0, 25)):
        G.add_edge(("leaf", i), r.choice(list(G)))
    for comp in nx.connected_components(G):
        ours = exact_betweenness(G, comp)
        theirs = nx.betweenness_centrality(G.subgraph(comp), normalized=False)
        assert ours.keys() == theirs.keys()
        for v in comp:
            assert ours[v] == pytest.approx(theirs[v], abs=1e-9), (v, comp)
