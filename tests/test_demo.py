"""The demo county: the article's figures, reproducibility, validity, the
written file, and real gaps of every rule G01-G13.

The gaps are counted here straight from the roster's rows, independently of
the analysis code (``graph/analysis``), so that a generator that stopped
planting a gap fails here even if the analysis changed with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest

from graph import schema
from graph.errors import CobuildError
from graph.roster import Roster
from loaders import read_roster, validate
from loaders.demo import generate
from loaders.validate import credit_code_check_char
from loaders.writer import write_roster

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def roster() -> Roster:
    return generate(seed=2024, scale=1.0, as_of=AS_OF)


# ---------------------------------------------------------------------------
# straightforward counting on the roster's own rows
# ---------------------------------------------------------------------------


def _counts_on(values: dict, as_of: dt.date) -> bool:
    start, end = values.get("start"), values.get("end")
    return (start is None or start <= as_of) and (end is None or as_of <= end)


class Links:
    """Who links which unit org with which community org, on ``as_of``."""

    def __init__(self, r: Roster, as_of: dt.date) -> None:
        self.orgs = {row["code"]: row.values for row in r.rows("party_orgs")}
        self.community_orgs = [c for c, o in self.orgs.items()
                               if o["kind"] in schema.COMMUNITY_ORG_KINDS]
        self.is_unit_org = {c for c, o in self.orgs.items() if o["kind"] in schema.UNIT_ORG_KINDS}
        self.members: dict[str, list[str]] = defaultdict(list)
        for c in self.is_unit_org:
            for m in self.orgs[c].get("member_of", []):
                if m in self.community_orgs:
                    self.members[m].append(c)
        posts = [row.values for row in r.rows("posts") if _counts_on(row.values, as_of)]
        self.home: dict[str, set[str]] = defaultdict(set)
        self.part_time: dict[str, list[dict]] = defaultdict(list)
        for p in posts:
            if p["post_type"] == "own":
                self.home[p["person"]].add(p["org"])
            else:
                self.part_time[p["person"]].append(p)
        # (unit org, community org) -> people making U -> C / C -> U
        self.u2c: dict[tuple, set] = defaultdict(set)
        self.c2u: dict[tuple, set] = defaultdict(set)
        self.u2c_posts: list[dict] = []
        self.link_posts: list[dict] = []
        for person, pts in self.part_time.items():
            for p in pts:
                for h in self.home[person]:
                    if p["org"] in self.community_orgs and h in self.members[p["org"]]:
                        self.u2c[(h, p["org"])].add(person)
                        self.u2c_posts.append(p)
                        self.link_posts.append(p)
                    if h in self.community_orgs and p["org"] in self.members[h]:
                        self.c2u[(p["org"], h)].add(person)
                        self.link_posts.append(p)

    def part_time_members(self, c: str) -> set[str]:
        return {p for u in self.members[c] for p in self.u2c[(u, c)]}

    def linkers(self, u: str, c: str) -> set[str]:
        return self.u2c[(u, c)] | self.c2u[(u, c)]


@pytest.fixture(scope="module")
def links(roster) -> Links:
    return Links(roster, AS_OF)


# ---------------------------------------------------------------------------
# the article's figures
# ---------------------------------------------------------------------------


def _kinds(r: Roster, kind: str) -> int:
    return sum(1 for row in r.rows("party_orgs") if row["kind"] == kind)


def test_article_figures_at_scale_1(roster, links):
    assert len(roster.rows("units")) == 169
    assert _kinds(roster, "grid_branch") == 18
    assert _kinds(roster, "grid_group") == 46
    assert len(roster.rows("central_households")) == 37
    assert sum(1 for c in roster.rows("compounds") if c.get("model")) == 50
    # 40 distinct people: a 兼职委员 post in a community org, own post in a
    # unit org taken into it, both counting on as_of
    people = {
        p["person"]
        for pts in links.part_time.values() for p in pts
        if p["role"] == "part_time_member" and p["org"] in links.community_orgs
        and any(h in links.members[p["org"]] for h in links.home[p["person"]])
    }
    assert len(people) == 40
    assert set().union(*(links.part_time_members(c) for c in links.community_orgs)) == people


def test_county_shape(roster):
    streets = roster.rows("streets")
    communities = roster.rows("communities")
    assert 4 <= len(streets) <= 5
    assert 25 <= len(communities) <= 35
    orgs = [r.values for r in roster.rows("party_orgs")]
    by_community = defaultdict(list)
    committees = {o["street"]: o["code"] for o in orgs if o["kind"] == "street_committee"}
    assert set(committees) == {s["code"] for s in streets}
    street_of = {c["code"]: c["street"] for c in communities}
    for o in orgs:
        if o["kind"] in schema.COMMUNITY_ORG_KINDS:
            by_community[o["community"]].append(o)
            assert o["parent"] == committees[street_of[o["community"]]]
    assert all(len(by_community[c["code"]]) == 1 for c in communities)
    kinds = {u["kind"] for u in roster.rows("units")}
    assert kinds == set(schema.UNIT_KIND.codes)
    joint = [o for o in orgs if o["kind"] == "joint_branch"]
    assert joint and all(2 <= len(o["units"]) <= 5 for o in joint)
    # some unit orgs are in a street 大工委 too
    assert any(committees[s] in o.get("member_of", []) for o in orgs for s in committees
               if o["kind"] in schema.UNIT_ORG_KINDS)
    # people and party orgs register (双报到)
    subjects = {r["subject"] for r in roster.rows("registrations")}
    assert subjects & {p["code"] for p in roster.rows("people")}
    assert subjects & {o["code"] for o in orgs}
    for t in ("needs", "resources", "projects", "liaisons"):
        assert roster.rows(t)


def test_realistic_values(roster):
    people = roster.rows("people")
    han = re.compile(r"[\u4e00-\u9fff]{2,3}")
    assert all(han.fullmatch(p["name"]) for p in people)
    phones = [p["phone"] for p in people if p.get("phone")]
    assert len(phones) > 0.8 * len(people)
    assert all(re.fullmatch(r"1[3-9]\d{9}", ph) for ph in phones)
    assert len(set(phones)) == len(phones)
    codes = [u["credit_code"] for u in roster.rows("units") if u.get("credit_code")]
    assert codes and all(len(c) == 18 and credit_code_check_char(c[:17]) == c[17] for c in codes)
    enterprises = [u for u in roster.rows("units") if u["kind"] in ("soe", "private", "property")]
    assert sum(1 for u in enterprises if u.get("credit_code", "").startswith("91")) > 0.8 * len(enterprises)
    for t in ("streets", "communities", "grids", "units", "party_orgs", "compounds"):
        names = [r["name"] for r in roster.rows(t)]
        assert len(set(names)) == len(names), t
    assert any(u["name"].endswith("物业服务有限公司") or u["name"].endswith("物业管理有限公司")
               for u in roster.rows("units") if u["kind"] == "property")
    assert any("人民医院" in u["name"] for u in roster.rows("units"))
    starts = [p["start"] for p in roster.rows("posts")]
    assert min(starts) < AS_OF - dt.timedelta(days=3 * 365)  # across recent years


# ---------------------------------------------------------------------------
# reproducibility, validity, the written file
# ---------------------------------------------------------------------------


def _dump(r: Roster) -> list:
    return [(row.table, row.line, sorted(row.values.items())) for row in r]


def test_same_inputs_same_roster(roster):
    again = generate(seed=2024, scale=1.0, as_of=AS_OF)
    assert _dump(again) == _dump(roster)
    other = generate(seed=2025, scale=1.0, as_of=AS_OF)
    assert _dump(other) != _dump(roster)


def test_same_roster_in_another_process():
    # no dependence on hash randomization (set order) or on process state
    import hashlib
    import os
    import subprocess
    import sys

    code = ("import datetime, hashlib; from loaders.demo import generate; "
            "r = generate(seed=9, scale=0.5, as_of=datetime.date(2025, 6, 30)); "
            "print(hashlib.sha256(repr([(x.table, x.line, sorted(x.values.items())) "
            "for x in r]).encode()).hexdigest())")
    digests = {
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                       env={**os.environ, "PYTHONHASHSEED": h}).stdout.strip()
        for h in ("1", "2")
    }
    here = generate(seed=9, scale=0.5, as_of=AS_OF)
    expected = hashlib.sha256(repr(_dump(here)).encode()).hexdigest()
    assert digests == {expected}


def test_as_of_only_shifts_dates(roster):
    later = generate(seed=2024, scale=1.0, as_of=AS_OF + dt.timedelta(days=100))
    shift = dt.timedelta(days=100)
    for a, b in zip(roster, later, strict=True):
        assert (a.table, a.line) == (b.table, b.line)
        assert b.values == {k: (v + shift if isinstance(v, dt.date) else v)
                            for k, v in a.values.items()}


def test_default_as_of_is_today():
    r = generate(scale=0.2)
    ended = [p for p in r.rows("posts") if p.get("end") == dt.date.today() - dt.timedelta(days=1)]
    assert ended


@pytest.mark.parametrize("seed,scale", [(2024, 1.0), (1, 1.0), (7, 0.2), (3, 3.0)])
def test_valid_roster(seed, scale):
    issues = validate(generate(seed=seed, scale=scale, as_of=AS_OF))
    assert [str(i) for i in issues] == []  # no error, no warning either


def test_lines_are_workbook_rows(roster):
    for t in schema.TABLES:
        assert [r.line for r in roster.rows(t.key)] == list(range(2, 2 + len(roster.rows(t.key))))


@pytest.mark.parametrize("name", ["demo.xlsx", "demo-csv"])
def test_written_file_reads_back(roster, tmp_path, name):
    out = write_roster(roster, tmp_path / name)
    back, issues = read_roster(out)
    assert [i for i in issues if i.severity == "error"] == []
    assert _dump(back) == _dump(roster)
    assert validate(back) == []


def test_scale_multiplies_and_codes_stay_unique():
    big = generate(seed=5, scale=10.0, as_of=AS_OF)
    assert len(big.rows("units")) == 1690
    assert sum(1 for c in big.rows("compounds") if c.get("model")) == 500
    assert _kinds(big, "grid_group") == 460
    assert 40 <= len(big.rows("streets")) <= 50
    for t in schema.TABLES:
        if t.node:
            codes = [r["code"] for r in big.rows(t.key)]
            assert len(set(codes)) == len(codes), t.key
    for t in ("units", "communities", "streets", "compounds"):
        names = [r["name"] for r in big.rows(t)]
        assert len(set(names)) == len(names), t
    assert not [i for i in validate(big) if i.severity == "error"]


@pytest.mark.parametrize("scale", [0, -1, float("nan"), float("inf")])
def test_bad_scale_is_a_clear_error(scale):
    with pytest.raises(CobuildError) as e:
        generate(scale=scale, as_of=AS_OF)
    assert "scale" in e.value.message_en and "规模" in e.value.message_zh


# ---------------------------------------------------------------------------
# real gaps of every rule, counted from the rows
# ---------------------------------------------------------------------------


def test_g01_communities_short_of_part_time_members(links):
    counts = [len(links.part_time_members(c)) for c in links.community_orgs]
    assert 0 in counts  # high
    assert any(0 < n < 3 for n in counts)  # medium
    assert any(n >= 3 for n in counts)  # and some that are fine


def test_g02_unit_org_not_taken_in(roster, links):
    comm_org = {links.orgs[c]["community"]: c for c in links.community_orgs}
    orgs_of_unit = defaultdict(list)
    for c in links.is_unit_org:
        for u in links.orgs[c]["units"]:
            orgs_of_unit[u].append(c)
    not_in = [u for u in roster.rows("units") if orgs_of_unit[u["code"]] and not any(
        comm_org[u["community"]] in links.orgs[o].get("member_of", [])
        for o in orgs_of_unit[u["code"]])]
    assert 1 <= len(not_in) <= 10
    # one of them through a joint branch that spans two communities
    assert any(links.orgs[o]["kind"] == "joint_branch" for u in not_in
               for o in orgs_of_unit[u["code"]])


def test_g03_units_without_party_org(roster, links):
    covered = {u for c in links.is_unit_org for u in links.orgs[c]["units"]}
    blank = [u for u in roster.rows("units") if u["code"] not in covered]
    assert 1 <= len(blank) <= 15
    assert any(u["kind"] == "property" for u in blank)


def test_g04_g05_g06_link_directions(links):
    kinds = defaultdict(int)
    for c in links.community_orgs:
        two = 0
        for u in links.members[c]:
            a, b = bool(links.u2c[(u, c)]), bool(links.c2u[(u, c)])
            kinds["two" if a and b else "u_only" if a else "c_only" if b else "none"] += 1
            two += a and b
        if links.members[c]:
            kinds["low_share" if two / len(links.members[c]) < 0.3 else "ok_share"] += 1
    assert kinds["two"] and kinds["u_only"] and kinds["c_only"] and kinds["none"]
    assert kinds["low_share"] and kinds["ok_share"]


def test_g07_overloaded_person(links):
    loads = sorted(len(p) for p in links.part_time.values())
    assert loads[-1] > 3
    assert sum(1 for n in loads if n > 3) <= 3  # a handful, not the norm


def test_g08_single_point_of_failure(links):
    spof = 0
    for c in links.community_orgs:
        only = defaultdict(int)
        for u in links.members[c]:
            ppl = links.linkers(u, c)
            if len(ppl) == 1:
                only[next(iter(ppl))] += 1
        spof += sum(1 for n in only.values() if n >= 2)
    assert 1 <= spof <= 10


def test_g09_link_post_expiring_within_90_days(links):
    soon = [p for p in links.link_posts
            if p.get("end") and 0 <= (p["end"] - AS_OF).days <= 90]
    assert soon
    assert any(p in links.u2c_posts for p in soon)


def test_edge_dates_around_as_of(roster, links):
    posts = [r.values for r in roster.rows("posts")]
    assert any(p.get("end") == AS_OF - dt.timedelta(days=1) for p in posts)
    assert any(p.get("start") == AS_OF + dt.timedelta(days=1) for p in posts)
    # and ended history: former holders who no longer count
    assert sum(1 for p in posts if p.get("end") and p["end"] < AS_OF - dt.timedelta(days=30)) >= 3


def test_g10_grids_without_party_org(roster, links):
    with_org = {o["grid"] for o in links.orgs.values() if o["kind"] in schema.GRID_ORG_KINDS}
    empty = [g for g in roster.rows("grids") if g["code"] not in with_org]
    assert 1 <= len(empty) <= 10


def test_g11_g12_leaders(roster):
    liaisons = [r.values for r in roster.rows("liaisons")]
    charged = {x["target"] for x in liaisons if x["kind"] == "street_charge"}
    touched = {x["target"] for x in liaisons if x["kind"] == "community_liaison"}
    streets = [s["code"] for s in roster.rows("streets")]
    comms = [c["code"] for c in roster.rows("communities")]
    assert 1 <= sum(1 for s in streets if s not in charged) < len(streets)
    assert 1 <= sum(1 for c in comms if c not in touched) <= 5


def test_g13_red_property_without_cross_appointment(roster, links):
    comm_org = {links.orgs[c]["community"]: c for c in links.community_orgs}
    orgs_of_unit = defaultdict(list)
    for c in links.is_unit_org:
        for u in links.orgs[c]["units"]:
            orgs_of_unit[u].append(c)
    gaps, model_gaps, managed = 0, 0, 0
    for h in roster.rows("compounds"):
        pu = h.get("property_unit")
        if not pu:
            continue
        managed += 1
        c = comm_org[h["community"]]
        if not any(links.linkers(o, c) for o in orgs_of_unit[pu]):
            gaps += 1
            model_gaps += bool(h.get("model"))
    assert 1 <= gaps < managed / 4
    assert model_gaps >= 1
    # compounds with no property company at all exist too (not a finding)
    assert any(not h.get("property_unit") for h in roster.rows("compounds"))


@pytest.mark.parametrize("seed", [1, 2, 3, 11])
def test_every_rule_has_gaps_for_other_seeds(seed):
    r = generate(seed=seed, scale=1.0, as_of=AS_OF)
    lk = Links(r, AS_OF)
    pt_counts = [len(lk.part_time_members(c)) for c in lk.community_orgs]
    assert len({p for c in lk.community_orgs for p in lk.part_time_members(c)}) == 40
    assert min(pt_counts) == 0 and max(len(p) for p in lk.part_time.values()) > 3
    assert any(not lk.linkers(u, c) for c in lk.community_orgs for u in lk.members[c])


# ---------------------------------------------------------------------------
# the command
# ---------------------------------------------------------------------------


def test_cli_writes_and_reports_counts(tmp_path, capsys):
    from cli.main import main

    out = tmp_path / "演示县.xlsx"
    assert main(["demo-data", str(out), "--seed", "2024", "--as-of", AS_OF.isoformat(), "-q"]) == 0
    text = capsys.readouterr().out
    assert out.is_file()
    back, _ = read_roster(out)
    assert _dump(back) == _dump(generate(seed=2024, scale=1.0, as_of=AS_OF))
    for key, n in back.counts().items():
        assert re.search(rf"{key}\s+{n}\s+{schema.table(key).zh}", text), key
    # the same name again is refused, nothing replaced
    before = out.stat().st_mtime_ns
    assert main(["demo-data", str(out), "-q"]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.stat().st_mtime_ns == before


def test_cli_csv_folder_and_format_checks(tmp_path, capsys):
    from cli.main import main

    folder = tmp_path / "csv"
    assert main(["demo-data", str(folder), "--format", "csv", "--scale", "0.3",
                 "--as-of", AS_OF.isoformat()]) == 0
    assert (folder / "单位.csv").is_file()
    err = capsys.readouterr().err
    assert "seed 2024" in err  # progress on stderr, not stdout
    assert main(["demo-data", str(tmp_path / "x.xlsx"), "--format", "csv"]) == 2
    assert "xlsx" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()
    assert main(["demo-data", str(tmp_path / "wb"), "--format", "xlsx", "-q",
                 "--scale", "0.2"]) == 0
    assert (tmp_path / "wb.xlsx").is_file()


def test_cli_help_is_bilingual(capsys):
    from cli.main import main

    with pytest.raises(SystemExit):
        main(["demo-data", "--help"])
    text = capsys.readouterr().out
    for words in ("随机种子", "random seed", "规模", "multiplier", "169", "G01", "--as-of"):
        assert words in text


def test_cli_rejects_bad_scale(tmp_path, capsys):
    from cli.main import main

    with pytest.raises(SystemExit):
        main(["demo-data", str(tmp_path / "a.xlsx"), "--scale", "0"])
    err = capsys.readouterr().err
    assert "规模" in err and "scale" in err
    assert not (tmp_path / "a.xlsx").exists()
