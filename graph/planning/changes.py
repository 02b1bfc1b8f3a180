"""Changes to the co-building graph that a planner tries out: a new post,
a post that ends, a person who leaves, a unit that goes.

:func:`apply_changes` returns a changed *copy* of the graph (the graph given
is never touched): the what-if (:mod:`graph.planning.whatif`) analyzes it,
the 补齐方案 (:mod:`graph.planning.recommend`) checks itself on it, and
``--apply-to`` turns it back into a roster (:func:`loaders.export.graph_to_roster`).

:func:`parse_scenario` reads the same changes from a scenario document
(JSON/TOML data); a ``cobuild recommend`` JSON is a valid scenario: its
proposals are new posts.

Examples
--------
>>> import networkx as nx
>>> from datetime import date
>>> G = nx.MultiDiGraph()
>>> G.add_node("Person:P1", label="Person", code="P1", name="甲")
>>> G.add_node("PartyOrg:O1", label="PartyOrg", code="O1", name="社区党委", kind="community_committee")
>>> H = apply_changes(G, [AddPost("P1", "O1", "part_time_member")], date(2026, 6, 30))
>>> [(u, v, d["role"], d["start"]) for u, v, d in H.edges(data=True)]
[('Person:P1', 'PartyOrg:O1', 'part_time_member', datetime.date(2026, 6, 30))]
>>> G.number_of_edges()
0
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Union

import networkx as nx

from graph import schema
from graph.errors import CobuildError, NotFound

__all__ = ["AddPost", "EndPost", "RemovePerson", "RemoveUnit", "Change", "apply_changes",
           "parse_scenario", "parse_change_arg", "describe_change", "ScenarioError"]


class ScenarioError(CobuildError):
    """A scenario (file or command-line change) that cannot be read."""


@dataclass(frozen=True)
class AddPost:
    """A new post: ``person`` takes ``role`` (a :data:`graph.schema.ROLE`
    code, or free text) in ``org`` from ``start`` (default: the as-of date),
    with no end."""

    person: str
    org: str
    role: str = "part_time_member"
    post_type: str = "part_time"
    start: date | None = None

    def as_dict(self) -> dict:
        return {"change": "add_post", "person": self.person, "org": self.org,
                "role": schema.ROLE.zh_of(self.role), "post_type": self.post_type,
                "start": self.start.isoformat() if self.start else None}


@dataclass(frozen=True)
class EndPost:
    """Every post of ``person`` in ``org`` that counts on the as-of date
    ends the day before it."""

    person: str
    org: str

    def as_dict(self) -> dict:
        return {"change": "end_post", "person": self.person, "org": self.org}


@dataclass(frozen=True)
class RemovePerson:
    """The person leaves: all their posts and county-leader liaisons end."""

    person: str

    def as_dict(self) -> dict:
        return {"change": "remove_person", "person": self.person}


@dataclass(frozen=True)
class RemoveUnit:
    """The unit goes: the unit, and every party org that belongs to it
    alone (a joint branch keeps its other units), with their posts and
    memberships."""

    unit: str

    def as_dict(self) -> dict:
        return {"change": "remove_unit", "unit": self.unit}


Change = Union[AddPost, EndPost, RemovePerson, RemoveUnit]


def _need(G: nx.MultiDiGraph, label: str, code: str, zh: str) -> str:
    nid = f"{label}:{code}"
    if nid not in G:
        raise NotFound(f"没有编码为 {code} 的{zh}", f"no {schema.node_kind(label).en} with code {code}")
    return nid


def apply_changes(G: nx.MultiDiGraph, changes: Iterable[Change], as_of: date) -> nx.MultiDiGraph:
    """A copy of ``G`` with ``changes`` applied in order, on ``as_of``.

    Raises
    ------
    NotFound
        A change names a person, org or unit that is not in the graph.
    ScenarioError
        ``as_of`` is the first day a date can be: no day before it to end a post on.
    """
    if as_of == date.min:
        raise ScenarioError(f"截至日期 {as_of.isoformat()} 太早：没有前一天，无法结束任职",
                            f"the as-of date {as_of.isoformat()} is too early: there is no day "
                            "before it to end a post on")
    H = G.copy()
    day_before = as_of - timedelta(days=1)
    for ch in changes:
        if isinstance(ch, AddPost):
            p = _need(H, "Person", ch.person, "人员")
            o = _need(H, "PartyOrg", ch.org, "党组织")
            props = {"role": ch.role, "post_type": ch.post_type, "start": ch.start or as_of}
            H.add_edge(p, o, key=schema.edge_key("HOLDS", props), type="HOLDS", **props)
        elif isinstance(ch, EndPost):
            p = _need(H, "Person", ch.person, "人员")
            o = _need(H, "PartyOrg", ch.org, "党组织")
            ended = 0
            for key, d in list(H.get_edge_data(p, o, default={}).items()):
                if d.get("type") != "HOLDS" or not _counts(d, as_of):
                    continue
                H.edges[p, o, key]["end"] = day_before
                ended += 1
            if not ended:
                raise NotFound(f"{ch.person} 在 {ch.org} 没有 {as_of.isoformat()} 有效的任职",
                               f"{ch.person} holds no post in {ch.org} that counts on {as_of.isoformat()}")
        elif isinstance(ch, RemovePerson):
            p = _need(H, "Person", ch.person, "人员")
            H.remove_edges_from([(u, v, k) for u, v, k, d in H.out_edges(p, keys=True, data=True)
                                 if d.get("type") in ("HOLDS", "IN_CHARGE_OF", "LIAISES_WITH")])
        elif isinstance(ch, RemoveUnit):
            u = _need(H, "Unit", ch.unit, "单位")
            sole = [o for o, _, d in H.in_edges(u, data=True) if d.get("type") == "BELONGS_TO"
                    and all(w == u for _, w, e in H.out_edges(o, data=True) if e.get("type") == "BELONGS_TO"
                            and w.startswith("Unit:"))]
            H.remove_nodes_from([u, *sole])
        else:  # pragma: no cover - the type says it
            raise TypeError(ch)
    return H


def _counts(d: dict, as_of: date) -> bool:
    s, e = d.get("start"), d.get("end")
    return (s is None or s <= as_of) and (e is None or as_of <= e)


def describe_change(ch: Change, G: nx.MultiDiGraph | None = None) -> tuple[str, str]:
    """A change in words, ``(zh, en)``, with names from ``G`` when given."""
    def name(label, code):
        if G is not None and f"{label}:{code}" in G:
            return str(G.nodes[f"{label}:{code}"].get("name") or code)
        return code
    if isinstance(ch, AddPost):
        role = schema.ROLE.zh_of(ch.role)
        role_en = schema.ROLE.by_code(ch.role).en if ch.role in schema.ROLE.codes else ch.role
        kind = schema.POST_TYPE.zh_of(ch.post_type)
        kind_en = schema.POST_TYPE.by_code(ch.post_type).en if ch.post_type in schema.POST_TYPE.codes \
            else ch.post_type
        return (f"{name('Person', ch.person)}（{ch.person}）任{name('PartyOrg', ch.org)}（{ch.org}）{role}（{kind}）",
                f"{name('Person', ch.person)} ({ch.person}) becomes {role_en} of "
                f"{name('PartyOrg', ch.org)} ({ch.org}) ({kind_en})")
    if isinstance(ch, EndPost):
        return (f"{name('Person', ch.person)}（{ch.person}）在{name('PartyOrg', ch.org)}（{ch.org}）的任职结束",
                f"{name('Person', ch.person)} ({ch.person}) leaves their post(s) in "
                f"{name('PartyOrg', ch.org)} ({ch.org})")
    if isinstance(ch, RemovePerson):
        return (f"{name('Person', ch.person)}（{ch.person}）离任（全部任职与联系结束）",
                f"{name('Person', ch.person)} ({ch.person}) leaves (every post and liaison ends)")
    return (f"{name('Unit', ch.unit)}（{ch.unit}）撤出（其单独建立的党组织随之撤销）",
            f"{name('Unit', ch.unit)} ({ch.unit}) goes, with the party organizations it alone has")


# -- reading changes ----------------------------------------------------------


def _role_code(text: str, where: str) -> str:
    m = schema.ROLE.lookup(text)
    if m is not None:
        return m.code
    if not text.strip(_BLANK):
        raise ScenarioError(f"{where}：职务为空", f"{where}: the role is empty")
    return text.strip(_BLANK)  # 职务 is an open value set: free text is kept


def _post_type_code(text: str | None, where: str) -> str:
    if text in (None, ""):
        return "part_time"
    m = schema.POST_TYPE.lookup(str(text))
    if m is None:
        raise ScenarioError(f"{where}：任职类型“{text}”无效，应为 本职 或 兼职",
                            f"{where}: post type {text!r} is not valid; use own （本职） or part_time （兼职）")
    return m.code


def parse_change_arg(kind: str, text: str) -> Change:
    """One change from the command line.

    ``kind`` is ``remove_person`` (``P``), ``remove_unit`` (``U``),
    ``end_post`` (``PERSON:ORG``) or ``add_post``
    (``PERSON:ORG:ROLE[:POST_TYPE]``, ROLE a 职务 word such as 兼职委员 or
    委员, POST_TYPE 兼职 (default) or 本职).

    >>> parse_change_arg("add_post", "Y3:P-C1:兼职委员")
    AddPost(person='Y3', org='P-C1', role='part_time_member', post_type='part_time', start=None)
    """
    parts = [x.strip() for x in text.split(":")]
    where = f"--{kind.replace('_', '-')} {text}"
    if kind == "remove_person" and len(parts) == 1 and parts[0]:
        return RemovePerson(parts[0])
    if kind == "remove_unit" and len(parts) == 1 and parts[0]:
        return RemoveUnit(parts[0])
    if kind == "end_post" and len(parts) == 2 and all(parts):
        return EndPost(parts[0], parts[1])
    if kind == "add_post" and len(parts) in (3, 4) and all(parts[:3]):
        return AddPost(parts[0], parts[1], _role_code(parts[2], where),
                       _post_type_code(parts[3] if len(parts) == 4 else None, where))
    forms = {"remove_person": "人员编码 PERSON", "remove_unit": "单位编码 UNIT",
             "end_post": "人员编码：党组织编码 PERSON:ORG",
             "add_post": "人员编码：党组织编码：职务[:任职类型] PERSON:ORG:ROLE[:POST_TYPE]"}
    raise ScenarioError(f"{where}：格式应为 {forms.get(kind, '?')}",
                        f"{where}: the form is {forms.get(kind, '?').split(' ', 1)[-1]}")


_KEYS = {"remove_people": "remove_person", "remove_units": "remove_unit",
         "end_posts": "end_post", "add_posts": "add_post"}


#: What a code or role is trimmed of (spaces, tabs, line ends, the
#: ideographic space); a value that is nothing else is missing.
_BLANK = " \t\r\n\u3000"


def _field(item: Any, key: str, where: str) -> str:
    if not isinstance(item, dict) or not isinstance(item.get(key), (str, int)) or str(item[key]).strip(_BLANK) == "":
        raise ScenarioError(f"{where}：缺少“{key}”", f"{where}: '{key}' is missing")
    return str(item[key]).strip(_BLANK)


def _code_of(value: Any, where: str) -> str:
    """A code given as ``"Y3"`` or as ``{"code": "Y3", ...}`` (recommend JSON)."""
    if isinstance(value, dict):
        return _field(value, "code", where)
    if isinstance(value, (str, int)) and str(value).strip(_BLANK):
        return str(value).strip(_BLANK)
    raise ScenarioError(f"{where}：应为编码", f"{where}: a code is expected")


def parse_scenario(data: Any, source: str = "scenario") -> list[Change]:
    """The changes of a scenario document.

    Two forms are read:

    * a scenario: ``{"remove_people": ["P1"], "remove_units": ["U3"],
      "end_posts": [{"person": "P2", "org": "O4"}],
      "add_posts": [{"person": "P5", "org": "O1", "role": "兼职委员",
      "post_type": "兼职"}]}`` (every key optional);
    * a ``cobuild recommend`` JSON: its ``proposals`` become new posts
      (starting on its ``as_of`` date).

    Raises
    ------
    ScenarioError
        Naming the key and item that cannot be read.

    >>> parse_scenario({"remove_people": ["P1"], "end_posts": [{"person": "P2", "org": "O4"}]})
    [RemovePerson(person='P1'), EndPost(person='P2', org='O4')]
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"{source}：情景应为一个对象（键值表）", f"{source}: a scenario must be an object (a table)")
    if "proposals" in data:
        if not isinstance(data["proposals"], list):
            raise ScenarioError(f"{source}：proposals 应为列表", f"{source}: 'proposals' must be a list")
        start = None
        if data.get("as_of"):
            try:
                start = date.fromisoformat(str(data["as_of"]))
            except ValueError:
                raise ScenarioError(f"{source}：as_of “{data['as_of']}” 不是 YYYY-MM-DD 日期",
                                    f"{source}: as_of {data['as_of']!r} is not a YYYY-MM-DD date") from None
        out: list[Change] = []
        for i, p in enumerate(data["proposals"], 1):
            where = f"{source} proposals[{i}]"
            if not isinstance(p, dict):
                raise ScenarioError(f"{where}：应为对象", f"{where}: an object is expected")
            out.append(AddPost(_code_of(p.get("person"), f"{where}.person"),
                               _code_of(p.get("org"), f"{where}.org"),
                               _role_code(_field(p, "role", where), where),
                               _post_type_code(p.get("post_type"), where), start))
        return out
    unknown = [k for k in data if k not in _KEYS and k not in ("name", "description", "as_of")]
    if unknown:
        raise ScenarioError(
            f"{source}：未知的键 {', '.join(map(str, unknown))}（可用：{', '.join(_KEYS)}，或 recommend 的 proposals）",
            f"{source}: unknown key(s) {', '.join(map(str, unknown))} (known: {', '.join(_KEYS)}, "
            f"or a recommend JSON's proposals)")
    changes: list[Change] = []
    for key, kind in _KEYS.items():
        items = data.get(key, [])
        if not isinstance(items, list):
            raise ScenarioError(f"{source}：{key} 应为列表", f"{source}: '{key}' must be a list")
        for i, item in enumerate(items, 1):
            where = f"{source} {key}[{i}]"
            if kind == "remove_person":
                changes.append(RemovePerson(_code_of(item, where)))
            elif kind == "remove_unit":
                changes.append(RemoveUnit(_code_of(item, where)))
            elif kind == "end_post":
                changes.append(EndPost(_field(item, "person", where), _field(item, "org", where)))
            else:
                changes.append(AddPost(_field(item, "person", where), _field(item, "org", where),
                                       _role_code(_field(item, "role", where), where),
                                       _post_type_code(item.get("post_type"), where)))
    return changes
