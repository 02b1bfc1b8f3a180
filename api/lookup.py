"""Lookups: what one community, street, unit, party organization or person
looks like, computed from the co-building graph (no database, no HTTP).

:class:`Lookup` indexes a graph once (where every node lies, who holds which
post, a search index); its methods return plain dicts that the API turns
into JSON. Views that depend on the as-of date take the analysis' own
:class:`graph.analysis.view.View` of that date, so "counts on the date",
"home org" and the links U → C / C → U mean exactly what the gap rules
mean. Phone numbers go through a :class:`api.audit.PhoneView`, which masks
them or shows them and remembers whose were shown (for the audit).

A lookup may be limited to one street (``within=``): nodes outside it are
not found, lists leave them out, and a person's posts elsewhere are not
shown.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from typing import Any, Iterable

import networkx as nx

from api.audit import PhoneView
from graph import schema
from graph.findings import select
from graph.places import Places
from graph.analysis.view import View
from graph.analysis.view import post_counts as _counts

__all__ = ["Lookup", "post_counts", "normalize_text", "SEARCH_KINDS"]

#: Node kinds the search looks through, in the order hits of equal rank show.
SEARCH_KINDS: tuple[str, ...] = tuple(k.label for k in schema.NODE_KINDS)

_EMPTY: frozenset[str] = frozenset()


def post_counts(attrs: dict, as_of: dt.date) -> bool:
    """Whether a post (a ``HOLDS`` edge's attributes) counts on ``as_of``
    (the definition of :func:`graph.analysis.view.post_counts`).

    >>> post_counts({"start": dt.date(2024, 1, 1)}, dt.date(2024, 1, 1))
    True
    >>> post_counts({"end": dt.date(2023, 12, 31)}, dt.date(2024, 1, 1))
    False
    """
    return _counts(attrs.get("start"), attrs.get("end"), as_of)


def normalize_text(s: str) -> str:
    """NFKC and case-folded: full-width letters and digits match their
    ASCII forms, ``ABC`` matches ``abc``."""
    return unicodedata.normalize("NFKC", s).casefold().strip()


def _date(v: Any) -> str | None:
    return v.isoformat() if isinstance(v, dt.date) else v


class Lookup:
    """Indexes of one graph, and the views computed from them.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The co-building graph (the contract of :mod:`graph.schema`).

    Examples
    --------
    >>> from graph.roster import Roster
    >>> from graph.build import roster_to_graph
    >>> r = Roster()
    >>> _ = r.add("streets", {"code": "S1", "name": "城关街道"})
    >>> _ = r.add("communities", {"code": "C1", "name": "东关社区", "street": "S1"})
    >>> lk = Lookup(roster_to_graph(r))
    >>> [c["name"] for c in lk.communities()]
    ['东关社区']
    >>> lk.search("东关")[0]["code"]
    'C1'
    """

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G
        self.by_label: dict[str, list[str]] = defaultdict(list)
        for n, a in G.nodes(data=True):
            self.by_label[a.get("label")].append(n)
        for nodes in self.by_label.values():
            nodes.sort(key=lambda n: G.nodes[n].get("code", ""))
        # who holds which post: (person, org, attrs)
        self.posts_of_person: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        self.posts_in_org: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        # incoming edges by type: target -> [source]
        self.incoming: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.outgoing: dict[tuple[str, str], list[str]] = defaultdict(list)
        for u, v, a in G.edges(data=True):
            t = a.get("type")
            if t == "HOLDS":
                self.posts_of_person[u].append((v, a))
                self.posts_in_org[v].append((u, a))
            else:
                self.incoming[(v, t)].append(u)
                self.outgoing[(u, t)].append(v)
        for d in (self.incoming, self.outgoing):
            for k in d:
                d[k].sort()
        #: where every node lies (:class:`graph.places.Places`)
        self.places = Places(G, by_label=self.by_label, outgoing=self.outgoing,
                             held={n: [o for o, _ in posts] for n, posts in self.posts_of_person.items()})
        self.communities_of: dict[str, frozenset[str]] = self.places.communities_of
        self.streets_of: dict[str, frozenset[str]] = self.places.streets_of
        self._search = [
            (n, a["label"], normalize_text(a.get("code", "")), normalize_text(self.name(n)))
            for label in SEARCH_KINDS
            for n in self.by_label.get(label, ())
            for a in (G.nodes[n],)
        ]

    # -- where things lie ----------------------------------------------------

    def in_street(self, n: str, within: str | None) -> bool:
        """Whether node ``n`` may be seen by a lookup limited to ``within``."""
        return within is None or self.places.lies_in(n, within)

    def node(self, label: str, code: str, within: str | None = None) -> str | None:
        """The node id of ``label``/``code`` when it exists (and lies within
        the street), else ``None``."""
        n = schema.node_id(label, code)
        if n not in self.G or self.G.nodes[n].get("label") != label:
            return None
        return n if self.in_street(n, within) else None

    # -- small pieces ----------------------------------------------------------

    def name(self, n: str) -> str:
        a = self.G.nodes[n]
        return a.get(schema.node_kind(a["label"]).name_key, a.get("code", ""))

    def ref(self, n: str) -> dict:
        """``{"type": "Unit", "code": "U1", "name": "..."}``."""
        a = self.G.nodes[n]
        return {"type": a["label"], "code": a["code"], "name": self.name(n)}

    def org_ref(self, n: str) -> dict:
        a = self.G.nodes[n]
        kind = a.get("kind")
        return {"code": a["code"], "name": self.name(n), "kind": kind,
                "kind_zh": schema.ORG_KIND.zh_of(kind) if kind else None}

    def unit_ref(self, n: str) -> dict:
        a = self.G.nodes[n]
        kind = a.get("kind")
        return {"code": a["code"], "name": self.name(n), "kind": kind,
                "kind_zh": schema.UNIT_KIND.zh_of(kind) if kind else None}

    def person_ref(self, n: str, phones: PhoneView) -> dict:
        a = self.G.nodes[n]
        return {"code": a["code"], "name": self.name(n), "phone": phones(a["code"], a.get("phone"))}

    def _code(self, n: str) -> str:
        return self.G.nodes[n]["code"]

    def _one(self, n: str, t: str) -> str | None:
        out = self.outgoing.get((n, t), ())
        return out[0] if out else None

    def _in(self, n: str, t: str, label: str | None = None) -> list[str]:
        src = self.incoming.get((n, t), ())
        return [m for m in src if label is None or self.G.nodes[m]["label"] == label]

    def _out(self, n: str, t: str, label: str | None = None) -> list[str]:
        dst = self.outgoing.get((n, t), ())
        return [m for m in dst if label is None or self.G.nodes[m]["label"] == label]

    def post(self, org: str, attrs: dict, as_of: dt.date) -> dict:
        """One post, as the API shows it (the org, not the person)."""
        role = attrs.get("role")
        return {
            "org": self.org_ref(org),
            "role": role,
            "role_zh": schema.ROLE.zh_of(role) if role else None,
            "post_type": attrs.get("post_type"),
            "start": _date(attrs.get("start")),
            "end": _date(attrs.get("end")),
            "active": post_counts(attrs, as_of),
        }

    def unit_orgs(self, unit: str) -> list[str]:
        """Unit orgs of a unit: its own and the joint branches listing it."""
        return [o for o in self._in(unit, "BELONGS_TO", "PartyOrg")
                if self.G.nodes[o].get("kind") in schema.UNIT_ORG_KINDS]

    def _org(self, code: str) -> str:
        return schema.node_id("PartyOrg", code)

    def _view_post(self, p, as_of: dt.date) -> dict:
        """A :class:`graph.analysis.view.Post` as the API shows it."""
        return {
            "org": self.org_ref(self._org(p.org)),
            "role": p.role or None,
            "role_zh": schema.ROLE.zh_of(p.role) if p.role else None,
            "post_type": p.post_type or None,
            "start": _date(p.start),
            "end": _date(p.end),
            "active": _counts(p.start, p.end, as_of),
        }

    def _person(self, code: str, phones: PhoneView) -> dict:
        return self.person_ref(schema.node_id("Person", code), phones)

    # -- links between a community org and a member unit org -------------------

    def links(self, view: View, c_org: str, u_org: str,
              phones: PhoneView) -> tuple[list[dict], list[dict]]:
        """The people and posts linking unit org ``u_org`` and community org
        ``c_org`` (codes) on the view's as-of date, as the analysis finds
        them (:attr:`graph.analysis.view.View.u_to_c`).

        Returns ``(u_to_c, c_to_u)``: U → C is someone whose own post is in
        U holding a part-time post in C; C → U the other way round. Each
        link shows the person, the own post and the part-time post.
        """
        def show(part_posts, home: str) -> list[dict]:
            out = []
            for part in part_posts:
                own = [q for q in view.posts_of_person.get(part.person, ())
                       if q.org == home and q.post_type == "own"]
                out.append({
                    "person": self._person(part.person, phones),
                    "own_post": self._view_post(own[0], view.as_of),
                    "part_time_post": self._view_post(part, view.as_of),
                })
            return out

        return (show(view.u_to_c.get((u_org, c_org), ()), u_org),
                show(view.c_to_u.get((c_org, u_org), ()), c_org))

    # -- views -----------------------------------------------------------------

    def communities(self, street: str | None = None, within: str | None = None) -> list[dict]:
        """Every community (of ``street``), brief, in code order."""
        out = []
        for n in self.by_label.get("Community", ()):
            if not self.in_street(n, within):
                continue
            s = self._one(n, "IN")
            if street is not None and (s is None or self._code(s) != street):
                continue
            out.append(self.community_brief(n))
        return out

    def community_brief(self, n: str) -> dict:
        s = self._one(n, "IN")
        return {
            "code": self._code(n),
            "name": self.name(n),
            "street": self.ref(s) if s else None,
            "party_orgs": [self.org_ref(o) for o in self._in(n, "BELONGS_TO", "PartyOrg")
                           if self.G.nodes[o].get("kind") in schema.COMMUNITY_ORG_KINDS],
            "units": len(self._in(n, "IN", "Unit")),
            "grids": len(self._in(n, "IN", "Grid")),
            "compounds": len(self._in(n, "IN", "Compound")),
        }

    def _posts_in(self, view: View, org_code: str, phones: PhoneView) -> list[dict]:
        """Posts counting on the as-of date in one org, with their holders."""
        return [{**self._view_post(p, view.as_of), "person": self._person(p.person, phones)}
                for p in view.posts_in_org.get(org_code, ())]

    def community(self, code: str, *, view: View, phones: PhoneView,
                  within: str | None = None, summary: dict | None = None) -> dict | None:
        """One community on the view's as-of date.

        Its community party org(s), each with its member unit orgs (taken
        in, 纳入) and the people and posts linking them in each direction,
        its part-time members (``from_member_unit`` marks those the G01 rule
        counts), its posts and its coverage row from ``summary`` (an
        analysis summary); the units located in the community with their
        orgs; grids with their orgs and central households; compounds with
        their property company; county leaders in touch. ``None`` when there
        is no such community (within the street).
        """
        n = self.node("Community", code, within)
        if n is None:
            return None
        coverage = {row.get("org"): row for row in (summary or {}).get("communities", ())}
        orgs = []
        for c in view.community_orgs_of.get(code, ()):
            members = []
            for u in view.members.get(c, ()):
                u_to_c, c_to_u = self.links(view, c, u, phones)
                members.append({
                    "org": self.org_ref(self._org(u)),
                    "units": [self.unit_ref(schema.node_id("Unit", x))
                              for x in view.org_units.get(u, ())],
                    "link": ("two_way" if u_to_c and c_to_u else "u_to_c" if u_to_c
                             else "c_to_u" if c_to_u else "none"),
                    "u_to_c": u_to_c,
                    "c_to_u": c_to_u,
                })
            member_set = set(view.members.get(c, ()))
            part_time = []
            for p in view.posts_in_org.get(c, ()):
                if p.post_type != "part_time":
                    continue
                homes = [h for h in view.home.get(p.person, ()) if h != c]
                part_time.append({
                    **self._view_post(p, view.as_of),
                    "person": self._person(p.person, phones),
                    "home_orgs": [self.org_ref(self._org(h)) for h in homes],
                    "from_member_unit": any(h in member_set for h in homes),
                })
            org = self.org_ref(self._org(c))
            org.update({
                "members": members,
                "part_time_members": part_time,
                "posts": self._posts_in(view, c, phones),
                "coverage": coverage.get(c),
            })
            orgs.append(org)
        units = []
        for u in self._in(n, "IN", "Unit"):
            d = self.unit_ref(u)
            d["orgs"] = [self.org_ref(o) for o in self.unit_orgs(u)]
            units.append(d)
        grids = []
        for g in self._in(n, "IN", "Grid"):
            grids.append({
                "code": self._code(g),
                "name": self.name(g),
                "orgs": [self.org_ref(o) for o in self._in(g, "BELONGS_TO", "PartyOrg")],
                "central_households": [self.person_ref(p, phones)
                                       for p in self._in(g, "CENTRAL_HOUSEHOLD_IN", "Person")],
            })
        compounds = []
        for c in self._in(n, "IN", "Compound"):
            pu = self._one(c, "MANAGED_BY")
            compounds.append({
                "code": self._code(c),
                "name": self.name(c),
                "model": bool(self.G.nodes[c].get("model", False)),
                "property_unit": self.unit_ref(pu) if pu else None,
            })
        s = self._one(n, "IN")
        return {
            "code": code,
            "name": self.name(n),
            "street": self.ref(s) if s else None,
            "as_of": view.as_of.isoformat(),
            "party_orgs": orgs,
            "units": units,
            "grids": grids,
            "compounds": compounds,
            "liaisons": [self.person_ref(p, phones) for p in self._in(n, "LIAISES_WITH", "Person")],
        }

    def streets(self, within: str | None = None) -> list[dict]:
        """Every street, brief, in code order."""
        return [self.street_brief(n) for n in self.by_label.get("Street", ())
                if self.in_street(n, within)]

    def street_brief(self, n: str) -> dict:
        return {
            "code": self._code(n),
            "name": self.name(n),
            "communities": len(self._in(n, "IN", "Community")),
        }

    def street(self, code: str, *, view: View, phones: PhoneView,
               within: str | None = None, summary: dict | None = None) -> dict | None:
        """One street: its communities, its party working committee(s) with
        their posts, the county leaders in charge, and its coverage row."""
        n = self.node("Street", code, within)
        if n is None:
            return None
        coverage = None
        for row in (summary or {}).get("streets", ()):
            if row.get("street") == code:
                coverage = row
        return {
            "code": code,
            "name": self.name(n),
            "as_of": view.as_of.isoformat(),
            "communities": [self.community_brief(c) for c in self._in(n, "IN", "Community")],
            "party_orgs": [{**self.org_ref(o), "posts": self._posts_in(view, self._code(o), phones)}
                           for o in self._in(n, "BELONGS_TO", "PartyOrg")],
            "leaders_in_charge": [self.person_ref(p, phones)
                                  for p in self._in(n, "IN_CHARGE_OF", "Person")],
            "coverage": coverage,
        }

    def _holders(self, org: str, as_of: dt.date, phones: PhoneView) -> list[dict]:
        """Every post in an org (counting or not), with its holder."""
        return [{**self.post(org, a, as_of), "person": self.person_ref(p, phones)}
                for p, a in sorted(self.posts_in_org.get(org, ()),
                                   key=lambda x: (x[0], str(x[1].get("start"))))]

    def unit(self, code: str, *, view: View, phones: PhoneView,
             within: str | None = None) -> dict | None:
        """One resident unit: where it lies, its party org(s) (own or joint)
        with the committees they are taken into and every post in them
        (``active`` on the as-of date or not), the compounds it manages, the
        resources it offers."""
        n = self.node("Unit", code, within)
        if n is None:
            return None
        c = self._one(n, "IN")
        s = self._one(c, "IN") if c else None
        orgs = []
        for o in self.unit_orgs(n):
            orgs.append({
                **self.org_ref(o),
                "joint": len(self._out(o, "BELONGS_TO", "Unit")) > 1,
                "member_of": [self.org_ref(m) for m in self._out(o, "MEMBER_OF", "PartyOrg")],
                "posts": self._holders(o, view.as_of, phones),
            })
        return {
            **self.unit_ref(n),
            "credit_code": self.G.nodes[n].get("credit_code"),
            "community": self.ref(c) if c else None,
            "street": self.ref(s) if s else None,
            "as_of": view.as_of.isoformat(),
            "orgs": orgs,
            "compounds_managed": [self.ref(x) for x in self._in(n, "MANAGED_BY", "Compound")],
            "resources": [self.ref(x) for x in self._in(n, "OFFERED_BY", "Resource")],
        }

    def party_org(self, code: str, *, view: View, phones: PhoneView,
                  within: str | None = None) -> dict | None:
        """One party organization: what it belongs to, its parent and
        children, the committees it is taken into, the orgs taken into it,
        and every post in it (``active`` on the as-of date or not)."""
        n = self.node("PartyOrg", code, within)
        if n is None:
            return None
        parent = self._one(n, "UNDER")
        ok = lambda m: self.in_street(m, within)  # noqa: E731
        return {
            **self.org_ref(n),
            "as_of": view.as_of.isoformat(),
            "belongs_to": [self.ref(x) for x in self._out(n, "BELONGS_TO")],
            "parent": self.org_ref(parent) if parent and ok(parent) else None,
            "children": [self.org_ref(x) for x in self._in(n, "UNDER", "PartyOrg") if ok(x)],
            "member_of": [self.org_ref(x) for x in self._out(n, "MEMBER_OF", "PartyOrg") if ok(x)],
            "members": [self.org_ref(x) for x in self._in(n, "MEMBER_OF", "PartyOrg") if ok(x)],
            "communities": sorted(self.communities_of.get(n, _EMPTY)),
            "streets": sorted(self.streets_of.get(n, _EMPTY)),
            "posts": self._holders(n, view.as_of, phones),
        }

    def person(self, code: str, *, view: View, phones: PhoneView,
               within: str | None = None) -> dict | None:
        """One person: their posts (``active`` on the as-of date or not),
        home orgs, liaisons, central households and registrations. Limited
        to a street, only what lies in it is shown."""
        n = self.node("Person", code, within)
        if n is None:
            return None
        ok = lambda m: self.in_street(m, within)  # noqa: E731
        posts = [self.post(o, a, view.as_of)
                 for o, a in sorted(self.posts_of_person.get(n, ()),
                                    key=lambda x: (x[0], str(x[1].get("start"))))
                 if ok(o)]
        liaisons = []
        for t, kind in (("IN_CHARGE_OF", "street_charge"), ("LIAISES_WITH", "community_liaison")):
            liaisons += [{"kind": kind, "kind_zh": schema.LIAISON_KIND.zh_of(kind),
                          "target": self.ref(x)} for x in self._out(n, t) if ok(x)]
        registrations = []
        for _, v, ea in self.G.out_edges(n, data=True):
            if ea.get("type") == "REGISTERED_WITH" and ok(v):
                registrations.append({"community": self.ref(v), "date": _date(ea.get("date"))})
        registrations.sort(key=lambda d: (d["community"]["code"], d["date"] or ""))
        return {
            **self.person_ref(n, phones),
            "party_member": self.G.nodes[n].get("party_member"),
            "as_of": view.as_of.isoformat(),
            "posts": posts,
            "home_orgs": [self.org_ref(self._org(h)) for h in view.home.get(code, ())
                          if ok(self._org(h))],
            "liaisons": liaisons,
            "central_household_in": [self.ref(x) for x in self._out(n, "CENTRAL_HOUSEHOLD_IN")
                                     if ok(x)],
            "registrations": registrations,
        }

    def findings(self, findings, *, community: str | None = None, street: str | None = None,
                 rules: Iterable[str] | None = None, severities: Iterable[str] | None = None,
                 within: str | None = None) -> list:
        """The findings (:class:`graph.findings.Finding`) that match the
        filters. Limited to a street, a finding shows when it is of that
        street, or has no street and its subject lies in it."""
        return select(findings, community=community, street=street, rules=rules,
                      severities=severities, within=within, lies_in=self.in_street)

    # -- search ----------------------------------------------------------------

    def search(self, q: str, kinds: Iterable[str] | None = None,
               within: str | None = None) -> list[dict]:
        """Nodes whose code or name contains ``q`` (NFKC, case-insensitive),
        best first: exact code, exact name, name or code starting with ``q``,
        then containing it. Phone numbers are never searched."""
        needle = normalize_text(q)
        if not needle:
            return []
        wanted = set(kinds) if kinds else None
        hits = []
        for order, (n, label, code, name) in enumerate(self._search):
            if wanted is not None and label not in wanted:
                continue
            if needle == code:
                rank = 0
            elif needle == name:
                rank = 1
            elif name.startswith(needle) or code.startswith(needle):
                rank = 2
            elif needle in name or needle in code:
                rank = 3
            else:
                continue
            if not self.in_street(n, within):
                continue
            hits.append((rank, order, n))
        hits.sort()
        out = []
        for _, _, n in hits:
            d = self.ref(n)
            d["communities"] = sorted(self.communities_of.get(n, _EMPTY))
            d["streets"] = sorted(self.streets_of.get(n, _EMPTY))
            out.append(d)
        return out
