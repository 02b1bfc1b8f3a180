"""An independent checker of rules G15-G23 and the 统计表 (roster-format-v2.md):
a plain re-implementation straight from the roster rows -- no View, no
graph -- that must agree with the analysis on the demo county and on random
rosters full of activity rows dated right at the edges."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from activity_kit import ActivityKit
from analysis_kit import AS_OF, DAY, random_county
from graph import schema
from graph.analysis import analyze
from graph.analysis.stats import FIGURES, compute_stats
from graph.analysis.view import View
from graph.build import roster_to_graph
from loaders import validate

COMM_KINDS = {"community_committee", "community_general_branch", "community_branch"}
UNIT_KINDS = {"unit_committee", "unit_general_branch", "unit_branch", "joint_branch"}


class Facts:
    """The roster's rows, indexed plainly."""

    def __init__(self, roster, as_of: date, absent: set[str]):
        self.as_of = as_of
        self.absent = absent
        rows = lambda t: [r.values for r in roster.rows(t)]  # noqa: E731
        self.orgs = {o["code"]: o for o in rows("party_orgs")}
        self.kind = {c: o["kind"] for c, o in self.orgs.items()}
        self.comm_orgs = sorted(c for c, k in self.kind.items() if k in COMM_KINDS)
        self.unit_orgs = sorted(c for c, k in self.kind.items() if k in UNIT_KINDS)
        self.street_orgs = sorted(c for c, k in self.kind.items() if k == "street_committee")
        self.unit_comm = {u["code"]: u["community"] for u in rows("units")}
        self.comm_street = {c["code"]: c["street"] for c in rows("communities")}
        self.streets = sorted(s["code"] for s in rows("streets"))
        self.grid_comm = {g["code"]: g["community"] for g in rows("grids")}
        self.people = {p["code"] for p in rows("people")}
        self.members = defaultdict(set)
        for u in self.unit_orgs:
            for c in self.orgs[u].get("member_of") or []:
                if c in self.comm_orgs:
                    self.members[c].add(u)
        self.regs = rows("registrations")
        self.services = rows("services")
        self.needs = rows("needs")
        self.resources = rows("resources")
        self.projects = rows("projects")
        self.agreements = rows("agreements")
        self.meetings = rows("meetings")
        self.posts = [p for p in rows("posts") if (p.get("start") is None or p["start"] <= as_of)
                      and (p.get("end") is None or as_of <= p["end"])]

    def ago(self, d):
        return None if d is None else (self.as_of - d).days

    def counts(self, d):
        return d is None or d <= self.as_of

    def lies(self, o):
        return {self.unit_comm[u] for u in self.orgs[o].get("units") or []}

    def place(self, o):
        """The community of an org (as rules.md's "community of the subject's org")."""
        if self.orgs[o].get("community"):
            return self.orgs[o]["community"]
        if o in self.unit_orgs:
            for c in sorted(self.orgs[o].get("member_of") or []):
                if c in self.comm_orgs and self.orgs[c].get("community"):
                    return self.orgs[c]["community"]
        for u in sorted(self.orgs[o].get("units") or []):
            return self.unit_comm[u]
        return None

    def counting_projects(self):
        return [p for p in self.projects if self.counts(p.get("start"))]

    def project_place(self, p):
        need_comm = {n["code"]: n["community"] for n in self.needs}
        res_unit = {r["code"]: r["unit"] for r in self.resources}
        for n in sorted(p.get("needs") or []):
            return need_comm[n]
        for r in sorted(p.get("resources") or []):
            return self.unit_comm[res_unit[r]]
        lead = p.get("lead")
        if lead in self.unit_comm:
            return self.unit_comm[lead]
        return self.place(lead) if lead in self.orgs else None

    def year(self, org):
        return [m for m in self.meetings if m["org"] == org and m["date"] is not None
                and 0 <= self.ago(m["date"]) < 365]


REQUIRES = {"G15": {"registrations"}, "G16": {"party_orgs.member_count", "registrations.home_org"},
            "G17": {"registrations", "services"},
            "G18": {"needs.date", "needs.status", "needs.claimed_by"},
            "G19": {"resources.date", "projects"},
            "G20": {"projects.end", "projects.rating", "projects.feedback_date"},
            "G21": {"agreements"}, "G22": {"meetings"}, "G23": {"meetings.attendees"}}


def oracle(f: Facts) -> Counter:
    """(rule, subject, community) of every finding of G15-G23."""
    out = Counter()

    def add(rule, subject, community):
        if not REQUIRES[rule] & f.absent:
            out[(rule, subject, community)] += 1

    for o in f.unit_orgs:
        for x in f.lies(o):
            if not any(r["subject"] == o and r["community"] == x and f.counts(r.get("date"))
                       for r in f.regs):
                add("G15", o, x)
        n = f.orgs[o].get("member_count") or 0
        if n > 0:
            people = {r["subject"] for r in f.regs if r["subject"] in f.people
                      and r.get("home_org") == o and f.counts(r.get("date"))}
            if len(people) < 0.9 * n:
                add("G16", o, f.place(o))
    pairs = {(r["subject"], r["community"]) for r in f.regs if r["subject"] in f.people
             and (r.get("date") is None or f.ago(r["date"]) >= 183)}
    for p, x in pairs:
        if not any(s["subject"] == p and s["community"] == x and 0 <= f.ago(s["date"]) < 183
                   for s in f.services):
            add("G17", p, x)
    counting = f.counting_projects()
    for n in f.needs:
        if (n.get("status") != "done" and not n.get("claimed_by")
                and not any(n["code"] in (p.get("needs") or []) for p in counting)
                and (n.get("date") is None or f.ago(n["date"]) >= 30)):
            add("G18", n["code"], n["community"])
    for r in f.resources:
        if ((r.get("date") is None or f.ago(r["date"]) >= 180)
                and not any(r["code"] in (p.get("resources") or []) for p in counting)):
            add("G19", r["code"], f.unit_comm[r["unit"]])
    for p in f.projects:
        if p.get("end") is not None and f.ago(p["end"]) >= 30 and (
                p.get("rating") is None or p.get("feedback_date") is None):
            add("G20", p["code"], f.project_place(p))
    for c in f.comm_orgs:
        for u in f.members[c]:
            if not any(a["unit_org"] == u and a["community_org"] == c and a["start"] <= f.as_of
                       and (a.get("end") is None or a["end"] >= f.as_of) for a in f.agreements):
                add("G21", u, f.orgs[c].get("community"))
    for o in f.comm_orgs + f.street_orgs:
        if len(f.year(o)) < 2:
            add("G22", o, f.orgs[o].get("community"))
    for c in f.comm_orgs:
        ms = f.year(c)
        if len(ms) >= 2:
            for u in f.members[c]:
                if sum(1 for m in ms if u in (m.get("attendees") or [])) < 0.5 * len(ms):
                    add("G23", u, f.orgs[c].get("community"))
    return out


FIGURE_REQUIRES = {f.key: set(f.requires) for f in FIGURES}


def stats_oracle(f: Facts, communities: set[str], streets: set[str] | None) -> dict:
    """The 统计表 figures of a place: {key: (num, den)} for rates, {key: n} for counts,
    None for no data."""
    corgs = [c for c in f.comm_orgs if f.orgs[c].get("community") in communities]
    big = set(corgs) | ({o for o in f.street_orgs if f.orgs[o]["street"] in streets} if streets else set())
    lying = [o for o in f.unit_orgs if f.lies(o) & communities]
    in_corgs = [p for p in f.posts if p["org"] in corgs]
    pt = {p["person"] for p in in_corgs if p["post_type"] == "part_time"}
    home = defaultdict(set)
    for p in f.posts:
        if p["post_type"] == "own":
            home[p["person"]].add(p["org"])
    two = mem = 0
    for c in corgs:
        for u in f.members[c]:
            mem += 1
            up = any(p["org"] == c and p["post_type"] == "part_time" and u in home[p["person"]]
                     for p in f.posts)
            down = any(p["org"] == u and p["post_type"] == "part_time" and c in home[p["person"]]
                       for p in f.posts)
            two += up and down
    units = [u for u, x in f.unit_comm.items() if x in communities]
    with_org = {u for o in f.unit_orgs for u in f.orgs[o].get("units") or []}
    grids = [g for g, x in f.grid_comm.items() if x in communities]
    grid_orgs = {f.orgs[o].get("grid") for o in f.orgs if f.kind[o] in ("grid_branch", "grid_group")}
    pairs = [(o, x) for o in lying for x in f.lies(o) if x in communities]
    reg = {(r["subject"], r["community"]) for r in f.regs if f.counts(r.get("date"))}
    counted = [o for o in lying if (f.orgs[o].get("member_count") or 0) > 0]
    regd = sum(len({r["subject"] for r in f.regs if r["subject"] in f.people and r.get("home_org") == o
                    and f.counts(r.get("date"))}) for o in counted)
    mpairs = [(u, c) for c in corgs for u in f.members[c]]
    signed = sum(1 for u, c in mpairs if any(
        a["unit_org"] == u and a["community_org"] == c and a["start"] <= f.as_of
        and (a.get("end") is None or a["end"] >= f.as_of) for a in f.agreements))
    needs = [n for n in f.needs if n["community"] in communities and f.counts(n.get("date"))]
    out = {
        "taken_in_rate": (sum(1 for o in lying if set(f.orgs[o].get("member_of") or []) & big), len(lying)),
        "part_time_members": len(pt),
        "part_time_share": (len(pt), len({p["person"] for p in in_corgs})),
        "two_way_share": (two, mem),
        "party_coverage": (sum(1 for u in units if u in with_org), len(units)),
        "grid_coverage": (sum(1 for g in grids if g in grid_orgs), len(grids)),
        "unit_registration_rate": (sum(1 for p in pairs if p in reg), len(pairs)),
        "member_registration_rate": (regd, sum(f.orgs[o]["member_count"] for o in counted)),
        "agreement_rate": (signed, len(mpairs)),
        "needs_met": (sum(1 for n in needs if n.get("status") == "done"), len(needs)),
        "meetings": sum(len(f.year(o)) for o in (big if streets else corgs)),
    }
    for k, v in out.items():
        if FIGURE_REQUIRES[k] & f.absent or (isinstance(v, tuple) and v[1] == 0):
            out[k] = None
    return out


def got_figures(place) -> dict:
    out = {}
    for k, v in place["figures"].items():
        if v is None:
            out[k] = None
        elif "den" in v:
            assert v["value"] == round(v["num"] / v["den"], 4)
            out[k] = (v["num"], v["den"])
        else:
            out[k] = v["value"]
    return out


def check_everything(roster, as_of, absent):
    G = roster_to_graph(roster)
    a = analyze(G, as_of, with_structure=False)
    got = Counter((f.rule, f.subject.code, f.community) for f in a.findings if f.rule >= "G15")
    facts = Facts(roster, as_of, absent)
    want = oracle(facts)
    assert got == want, (got - want, want - got)
    assert {e["rule"] for e in a.not_checked} == {r for r, req in REQUIRES.items() if req & absent}
    stats = compute_stats(View(G, as_of))
    comms_of = defaultdict(set)
    for x, s in facts.comm_street.items():
        comms_of[s].add(x)
    for place in stats.places:
        if place["level"] == "community":
            want_f = stats_oracle(facts, {place["code"]}, None)
        elif place["level"] == "street":
            want_f = stats_oracle(facts, comms_of[place["code"]], {place["code"]})
        else:
            want_f = stats_oracle(facts, set(facts.comm_street), set(facts.streets))
        assert got_figures(place) == want_f, place["code"]
    return a, stats


def test_demo_county_agrees_with_the_oracle():
    from loaders.demo import generate

    as_of = date(2025, 6, 30)
    roster = generate(seed=2024, scale=1, as_of=as_of)
    a, stats = check_everything(roster, as_of, set())
    assert {f.rule for f in a.findings} >= {f"G{i}" for i in range(15, 24)}
    county = stats.place("county")["figures"]
    assert all(county[f.key] is not None for f in FIGURES)
    registered = {r["subject"] for r in roster.rows("registrations") if r["subject"].startswith("P")}
    assert len(registered) >= 2800  # the article's 2,800+ members and volunteers


ACTIVITY_TABLES = {f"{schema.table(t).zh} {t}" for t in (
    "registrations", "services", "needs", "resources", "projects", "agreements", "meetings")}
DATES = (-400, -366, -365, -364, -183, -182, -181, -180, -179, -31, -30, -29, -1, 0, 1, None)
ABSENT_CHOICES = ("registrations", "services", "agreements", "meetings", "projects",
                  "party_orgs.member_count", "registrations.home_org", "needs.date", "needs.status",
                  "needs.claimed_by", "resources.date", "projects.end", "projects.rating",
                  "projects.feedback_date", "meetings.attendees")


def random_activity(seed: int):
    """A random county of test_rules_audit with random activity rows (dates at
    every edge) and some tables or columns absent."""
    rnd = random.Random(f"activity|{seed}")
    k = ActivityKit()
    k.r = random_county(seed).r

    def d():
        x = rnd.choice(DATES)
        return None if x is None else AS_OF + timedelta(days=x)

    for t in ("registrations", "services", "needs", "resources", "projects", "agreements", "meetings"):
        k._declare(t)  # present, maybe with no row at all
    orgs = {r["code"]: r for r in k.r.rows("party_orgs")}
    unit_orgs = [c for c, r in orgs.items() if r["kind"] in UNIT_KINDS]
    comm_orgs = [c for c, r in orgs.items() if r["kind"] in COMM_KINDS]
    for s in ("S1", "S2"):
        k.org(f"SW{s}", "street_committee", street=s)
        for u in rnd.sample(unit_orgs, rnd.choice((0, 1, 2))):
            orgs[u].values.setdefault("member_of", []).append(f"SW{s}")
    comms = [r["code"] for r in k.r.rows("communities")]
    units = [r["code"] for r in k.r.rows("units")]
    people = [r["code"] for r in k.r.rows("people")]
    for i in range(6):
        k.person(f"V{i}")
        people.append(f"V{i}")
    for o in unit_orgs:
        k.members(o, rnd.choice((0, 1, 2, 3, 5)))
    seen = set()
    for _ in range(rnd.randint(0, 14)):
        subject = rnd.choice(unit_orgs + people + people)
        row = (subject, rnd.choice(comms), d())
        if row in seen:
            continue
        seen.add(row)
        k.register(*row, home_org=rnd.choice(unit_orgs + [None]) if subject in people else None)
    for _ in range(rnd.randint(0, 12)):
        k.service(rnd.choice(people + comm_orgs), rnd.choice(comms), d() or AS_OF,
                  hours=float(len(seen) + _))
    needs = []
    for x in comms:
        for j in range(rnd.choice((0, 1, 2))):
            code = f"N{x}{j}"
            needs.append(code)
            k.need(code, x, d(), status=rnd.choice(("open", "claimed", "done", None)),
                   claimed_by=rnd.choice([None, None, rnd.choice(units + unit_orgs)]))
    resources = []
    for u in units:
        if rnd.random() < 0.6:
            resources.append(f"R{u}")
            k.resource(f"R{u}", u, d())
    for j in range(rnd.randint(0, 3)):
        start = d()
        end = d()
        if start and end and end < start:
            start, end = end, start
        k.project(f"J{j}", needs=rnd.sample(needs, min(len(needs), rnd.choice((0, 1, 2)))),
                  resources=rnd.sample(resources, min(len(resources), rnd.choice((0, 1, 2)))),
                  start=start, end=end, rating=rnd.choice((None, 1, 3, 5)),
                  feedback_date=d(), lead=rnd.choice([None] + units + unit_orgs))
    for j in range(rnd.randint(0, 6)):
        if not comm_orgs or not unit_orgs:
            break
        start = d() or AS_OF
        end = rnd.choice((None, d()))
        if end and end < start:
            start, end = end, start
        k.agreement(f"A{j}", rnd.choice(unit_orgs), rnd.choice(comm_orgs), start, end)
    j = 0
    for o in comm_orgs + ["SWS1", "SWS2"]:
        for _ in range(rnd.choice((0, 1, 2, 3, 4))):
            j += 1
            k.meeting(f"M{j}", o, d() or AS_OF,
                      rnd.sample(unit_orgs, rnd.randint(0, len(unit_orgs))))
    absent = set()
    for what in ABSENT_CHOICES:
        if rnd.random() < 0.12:
            table, _, col = what.partition(".")
            k.without(table, col or None)
            absent.add(what)
    # a table absent takes its columns with it
    absent |= {c for c in ABSENT_CHOICES if c.partition(".")[0] in absent}
    return k, absent


@pytest.mark.parametrize("chunk", range(4))
def test_random_rosters_with_activity_agree_with_the_oracle(chunk):
    for seed in range(chunk * 60, chunk * 60 + 60):
        k, absent = random_activity(seed)
        # the activity rows are valid (the random county itself may bend v1 checks)
        errors = [i for i in validate(k.r) if i.severity == "error" and i.table in ACTIVITY_TABLES]
        assert errors == [], (seed, errors[:3])
        try:
            check_everything(k.r, AS_OF, absent)
        except AssertionError as e:
            raise AssertionError(f"seed {seed}: {e}") from None
