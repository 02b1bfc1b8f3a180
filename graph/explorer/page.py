"""One self-contained, offline HTML page of the co-building network.

The page is our own Jinja template (``templates/explorer.html``), not
pyvis's: pyvis 0.3.2's template reaches CDNs in every ``cdn_resources``
mode (pyvis #228, #229). vis-network's JS and CSS are read at render time
from the installed pyvis package (``pyvis/lib/vis-<version>/``) and inlined
with their licence header; our search/filter/legend script and style sheet
(``static/``) are inlined too. A Content-Security-Policy in the page forbids
any fetch.

The data is carried compactly (:class:`PageData`): each distinct text, node
and edge once, shared by every picture the page can show; ``explorer.js``
puts the items and their tooltips back together.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from graph.bulk import paused_gc
from graph.explorer.network import PHYSICS_NODE_LIMIT, network_json
from graph.explorer.style import FONT_FACE

__all__ = ["render_page", "script_json", "PageData", "unpack_picture", "vendor_assets", "vis_options",
           "stabilization_iterations"]

_HERE = resources.files("graph.explorer")
TEMPLATE_DIR = Path(str(_HERE / "templates"))

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                 "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


def script_json(obj) -> Markup:
    """``obj`` as JSON safe to put inside ``<script>``: ``<``, ``>``, ``&``
    (and the JS line separators) are written as ``\\u003c`` etc., so no
    ``</script>`` or ``<!--`` can appear.

    >>> str(script_json({"name": "</script><img src=x>"}))
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return Markup(_JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group()], text))


#: The fields that say how a node or an edge looks (and what it is), the
#: same for many of them: the page writes each distinct set once, in the
#: item's form (see :class:`PageData`).
LOOK_KEYS = frozenset({
    "color", "shape", "size", "borderWidth", "borderWidthSelected", "width", "dashes", "arrows",
    "smooth", "font", "type", "kind", "style", "layer", "link", "hidden", "severity", "shadow",
})
#: Fields whose string values the page writes as an index into its texts:
#: names, codes and ids recur in other items and in the tooltips.
TEXT_KEYS = frozenset({"id", "from", "to", "label", "name", "code", "community"})
#: Fields of a node kept in the picture, not in the node's record.
_PLACE_KEYS = ("x", "y")
#: The fields of each of a group node's ``members``: the page writes a
#: member as a list of these, each an index into its texts.
MEMBER_KEYS = ("id", "type", "code", "name")


class _Table:
    """Distinct records of one sort (nodes or edges): each record is a row
    ``[form, value, ...]``; ``forms[form]`` is ``{"look": {...}, "keys":
    [...]}``, the look fields the record has and the names of the values
    that follow in the row."""

    def __init__(self) -> None:
        self.forms: list[dict] = []
        self.rows: list[list] = []
        self._form: dict[str, int] = {}
        self._row: dict[str, int] = {}

    def add(self, look: dict, values: dict) -> int:
        # the looks come from a few tables, nested dicts in one key order:
        # repr tells them apart (twice as fast as JSON; a miss costs a form)
        key = repr((look, list(values)))
        f = self._form.get(key)
        if f is None:
            f = self._form[key] = len(self.forms)
            self.forms.append({"look": look, "keys": list(values)})
        row = [f, *values.values()]
        key = repr(row)
        i = self._row.get(key)
        if i is None:
            i = self._row[key] = len(self.rows)
            self.rows.append(row)
        return i

    def as_json(self) -> dict:
        return {"forms": self.forms, "rows": self.rows}


class PageData:
    """What a page carries, each thing once: every picture it can show
    (the one it opens on, and those a click on the overview opens) refers
    to shared tables.

    * ``texts``: every distinct name, code, id and tooltip piece;
    * ``nodes`` / ``edges``: every distinct node and edge record (a
      :class:`_Table`): a value of :data:`TEXT_KEYS` is an index into
      ``texts``; a ``title`` is a list of lines, a line an index into
      ``texts`` or a list of them (its pieces, written one after the other:
      :class:`graph.explorer.tooltips.Tooltip`); a group node's ``members``
      are lists of :data:`MEMBER_KEYS` texts; a node whose id is
      ``<type>:<code>`` does not carry it;
    * a picture (:meth:`picture`): ``nodes``, one ``[record]`` or ``[record,
      x, y]`` per node drawn, ``edges``, one record per edge (an edge whose
      id is ``e<its place>`` does not carry it), and its ``legend``,
      ``meta`` and vis ``options``.

    A community's picture and the whole network share most records: the
    page does not repeat them. ``explorer.js`` puts a picture's items back
    together as :func:`unpack_picture` does.
    """

    def __init__(self) -> None:
        #: text -> its index (insertion order: the texts in index order)
        self._text: dict[str, int] = {}
        self._titles: dict[str, list] = {}
        self.nodes = _Table()
        self.edges = _Table()

    def text(self, s: str) -> int:
        """The index of ``s`` in the texts (added if new)."""
        return self._text.setdefault(s, len(self._text))

    def _title(self, title) -> list:
        if not isinstance(title, str):
            return title
        # the same text recurs in a community's picture and the whole one
        # (any split of it into pieces gives it back)
        out = self._titles.get(title)
        if out is None:
            index, add = self._text, self._text.setdefault  # self.text, inlined: the hot loop
            parts = getattr(title, "parts", None) or title.split("\n")
            out = self._titles[title] = [
                add(p, len(index)) if isinstance(p, str) else [add(x, len(index)) for x in p]
                for p in parts]
        return out

    def _members(self, members):
        if not all(isinstance(m, dict) and m.keys() == set(MEMBER_KEYS) for m in members):
            raise TypeError(f"a group's members must be dicts of {MEMBER_KEYS}")
        return [[self.text(m[k]) for k in MEMBER_KEYS] for m in members]

    def _record(self, table: _Table, item: dict, drop) -> int:
        look = {k: item[k] for k in sorted(item.keys() & LOOK_KEYS)}
        values = {}
        for k, v in item.items():
            if k in LOOK_KEYS or k in drop:
                continue
            if k == "title":
                v = self._title(v)
            elif k == "members":
                v = self._members(v)
            elif k in TEXT_KEYS and v is not None:
                if not isinstance(v, str):
                    raise TypeError(f"{k} must be a string, not {v!r}")
                v = self.text(v)
            values[k] = v
        return table.add(look, values)

    def picture(self, picture: dict) -> dict:
        """``picture`` (nodes, edges, legend, meta of :func:`network_json` or
        :func:`graph.explorer.overview.overview_json`) as the page carries
        it, with its vis options; its records go into the tables. A node's
        findings are left out: they are in its tooltip."""
        nodes = []
        for n in picture["nodes"]:
            drop = ("findings", *_PLACE_KEYS)
            if n.get("id") == f"{n.get('type')}:{n.get('code')}":
                drop += ("id",)
            row = [self._record(self.nodes, n, drop)]
            if "x" in n:
                row += [n["x"], n["y"]]
            nodes.append(row)
        edges = []
        for i, e in enumerate(picture["edges"]):
            drop = ("id",) if e.get("id") == f"e{i}" else ()
            edges.append(self._record(self.edges, e, drop))
        meta = picture["meta"]
        return {"nodes": nodes, "edges": edges, "legend": picture["legend"], "meta": meta,
                "options": vis_options(meta["physics"], meta["nodes"])}

    def tables(self) -> dict:
        """The shared tables (the page's ``cobuild-data`` block)."""
        return {"texts": list(self._text), "nodes": self.nodes.as_json(), "edges": self.edges.as_json()}


def _unpack(table: dict, texts: list[str], row: list) -> dict:
    form = table["forms"][row[0]]
    item = json.loads(json.dumps(form["look"]))
    for k, v in zip(form["keys"], row[1:]):
        if k == "title" and isinstance(v, list):
            v = "\n".join(texts[x] if isinstance(x, int) else "".join(texts[i] for i in x) for x in v)
        elif k == "members":
            v = [dict(zip(MEMBER_KEYS, (texts[i] for i in m))) for m in v]
        elif k in TEXT_KEYS and isinstance(v, int):
            v = texts[v]
        item[k] = v
    return item


def unpack_picture(tables: dict, picture: dict) -> dict:
    """A picture of the page with its nodes and edges put back together
    (what ``explorer.js`` does).

    >>> data = PageData()
    >>> p = data.picture({"nodes": [{"id": "a", "shape": "dot", "title": "甲\\n乙", "x": 1, "y": 2}],
    ...                   "edges": [{"id": "e0", "from": "a", "to": "a", "width": 1}],
    ...                   "legend": [], "meta": {"physics": True, "nodes": 1}})
    >>> back = unpack_picture(json.loads(json.dumps(data.tables())), p)
    >>> back["nodes"]
    [{'shape': 'dot', 'id': 'a', 'title': '甲\\n乙', 'x': 1, 'y': 2}]
    >>> back["edges"]
    [{'width': 1, 'from': 'a', 'to': 'a', 'id': 'e0'}]
    """
    texts = tables["texts"]
    nodes = []
    for row in picture["nodes"]:
        n = _unpack(tables["nodes"], texts, tables["nodes"]["rows"][row[0]])
        n.setdefault("id", f"{n.get('type')}:{n.get('code')}")
        if len(row) == 3:
            n["x"], n["y"] = row[1], row[2]
        nodes.append(n)
    edges = []
    for i, r in enumerate(picture["edges"]):
        e = _unpack(tables["edges"], texts, tables["edges"]["rows"][r])
        e.setdefault("id", f"e{i}")
        edges.append(e)
    return {**picture, "nodes": nodes, "edges": edges}


def _check_inline(text: str, closing: str, what: str) -> str:
    if closing in text.lower():
        raise RuntimeError(f"{what} contains {closing!r}: it cannot be inlined")
    return text


def _version(path: Path) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", path.name))


@lru_cache(maxsize=1)
def vendor_assets() -> dict:
    """vis-network's JS and CSS from the installed pyvis, with a notice
    naming their licence and where they come from."""
    lib = resources.files("pyvis") / "lib"
    dirs = sorted((Path(str(d)) for d in lib.iterdir()
                   if d.name.startswith("vis-") and (d / "vis-network.min.js").is_file()),
                  key=_version)
    if not dirs:
        raise RuntimeError("vis-network not found in the installed pyvis package (pyvis/lib/vis-*/)")
    vis = dirs[-1]
    js = (vis / "vis-network.min.js").read_text(encoding="utf-8")
    css = (vis / "vis-network.css").read_text(encoding="utf-8")
    version = vis.name.removeprefix("vis-")
    pyvis_version = metadata.version("pyvis")
    header = js[: js.find("*/")] if js.startswith("/**") else ""
    holders = "; ".join(re.findall(r"@copyright\s+(.+)", header)) or "visjs contributors"
    notice = (
        f"vis-network {version}, {holders}; "
        "dual-licensed Apache-2.0 OR MIT (https://github.com/visjs/vis-network). "
        f"Inlined from the installed pyvis {pyvis_version} package (pyvis/lib/vis-{version}/). "
        "The pyvis wheel ships no separate licence file for it: the licence notice is the header "
        "comment of vis-network.min.js, kept as is in the script below."
    )
    return {
        "js": Markup(_check_inline(js, "</script", "vis-network.min.js")),
        "css": Markup(_check_inline(css, "</style", "vis-network.css")),
        "version": version,
        "notice": notice,
    }


@lru_cache(maxsize=1)
def _own_assets() -> tuple[Markup, Markup]:
    js = (_HERE / "static" / "explorer.js").read_text(encoding="utf-8")
    css = (_HERE / "static" / "explorer.css").read_text(encoding="utf-8")
    return (Markup(_check_inline(js, "</script", "explorer.js")),
            Markup(_check_inline(css, "</style", "explorer.css")))


def stabilization_iterations(n_nodes: int) -> int:
    """Physics steps before the picture is frozen: fewer for larger pictures
    (each step costs about linear time; the Python layout is already a good
    start), 250 at most, 40 at least."""
    return max(40, min(250, 100_000 // max(n_nodes, 1)))


def vis_options(physics: bool, n_nodes: int) -> dict:
    """vis-network options: physics only for small pictures (stabilized, then
    switched off by the page); the layout is always given (no
    ``improvedLayout``, which is slow on large graphs)."""
    big = n_nodes > PHYSICS_NODE_LIMIT
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False},
        "nodes": {"font": {"face": FONT_FACE, "size": 14, "color": "#222222",
                           "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"smooth": False if big else {"enabled": True, "type": "continuous"},
                  "arrows": {"to": {"scaleFactor": 0.6}, "from": {"scaleFactor": 0.6}},
                  "selectionWidth": 2, "hoverWidth": 1},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big,
                        "hideEdgesOnZoom": big, "navigationButtons": False,
                        "keyboard": {"enabled": True, "bindToWindow": False}},
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -5000, "springLength": 100,
                          "springConstant": 0.03, "damping": 0.45, "avoidOverlap": 0.2},
            "minVelocity": 2,
            "stabilization": {"enabled": physics, "iterations": stabilization_iterations(n_nodes),
                              "updateInterval": 10, "fit": True},
        },
    }


def _meta_line(meta: dict) -> str:
    line = (f"截至 as of {meta['as_of']} · {meta['nodes']} 个节点 nodes · "
            f"{meta['edges']} 条连线 edges")
    if meta.get("overview"):
        line += " · 概览：每个街道、社区一个点，点击社区打开其完整网络 overview: one node per street and community; click a community to open its network"
    if meta["grouped"]:
        line += " · 单位按社区汇总 units grouped per community"
    f = meta["findings"]
    line += f" · 发现 findings: 高 high {f['high']}, 中 medium {f['medium']}, 低 low {f['low']}"
    return line


def _views(G, findings, *, show_phones, as_of, scope, street, group_units,
           view=None) -> tuple[dict, list[dict]]:
    """The overview picture, and the pictures a click on it opens: each
    community's full network, and the whole scope's network."""
    from graph.explorer.overview import overview_json
    from graph.scope import subgraph

    communities = sorted(code for nid, code in
                         ((n, n.split(":", 1)[1]) for n in G if n.startswith("Community:")))
    ids = {c: f"cobuild-view-{i}" for i, c in enumerate(communities)}
    data = overview_json(G, findings, as_of=as_of, street=street, views=ids)
    shown = {n["code"] for n in data["nodes"] if n["type"] == "Community"}
    views = []
    for c in communities:
        if c not in shown:
            continue
        sub = subgraph(G, community=c)
        picture = network_json(sub, findings, show_phones=show_phones, as_of=as_of,
                               scope="community")
        name = G.nodes[f"Community:{c}"].get("name") or c
        views.append({"id": ids[c], "key": c, "zh": f"{name}（{c}）", "en": f"community {c}",
                      "data": picture})
    full = network_json(G, findings, show_phones=show_phones, as_of=as_of, scope=scope,
                        group_units=group_units, view=view)
    views.append({"id": "cobuild-view-full", "key": "full",
                  "zh": "全县完整网络" if scope == "county" else "本街道完整网络",
                  "en": "the whole county's network" if scope == "county" else "the whole street's network",
                  "data": full})
    return data, views


@paused_gc()
def render_page(G, findings, *, title: str, show_phones: bool = False,
                as_of: date | None = None, scope: str | None = None,
                group_units: bool | None = None, view=None, plan: dict | None = None,
                forecast: dict | None = None, overview: bool | None = None,
                street: str | None = None) -> str:
    """One self-contained HTML page of ``G`` that loads nothing from anywhere.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        The graph (a community's, a street's or the county's).
    findings : list of graph.findings.Finding
        The analysis findings; their subjects are marked by severity.
    title : str
        The page title (plain text; escaped).
    show_phones : bool
        Whole phone numbers (planner) or masked (reader, the default).
    as_of : datetime.date, optional
        The date posts count on (default: today).
    scope, group_units, view, plan, forecast
        See :func:`graph.explorer.network.network_json` (a plan is drawn as
        a dashed blue overlay with a toggle, a forecast as an as-of slider).
    overview : bool, optional
        Open on the overview (:mod:`graph.explorer.overview`: one node per
        street and community; a click opens a community's full network, a
        button the whole network). Default: for the county and street scopes.
    street : str, optional
        The street of a street page (its overview shows that street only).

    Returns
    -------
    str
        The HTML page.
    """
    as_of = as_of or date.today()
    if overview is None:
        # a plan overlay or a forecast is drawn on the whole network
        overview = scope in ("county", "street") and plan is None and forecast is None
    views: list[dict] = []
    if overview:
        data, views = _views(G, findings, show_phones=show_phones, as_of=as_of, scope=scope,
                             street=street, group_units=group_units, view=view)
    else:
        data = network_json(G, findings, show_phones=show_phones, as_of=as_of, scope=scope,
                            group_units=group_units, view=view, plan=plan, forecast=forecast)
    meta = data["meta"]
    packed = PageData()
    home = packed.picture(data)
    for v in views:
        v["data"] = packed.picture(v["data"])
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    env.filters["script_json"] = script_json
    js, css = _own_assets()
    return env.get_template("explorer.html").render(
        heading=title, vendor=vendor_assets(), explorer_js=js, explorer_css=css, meta=meta,
        meta_line=_meta_line(meta), tables=packed.tables(), home=home, views=views,
        view_index=[{k: v[k] for k in ("id", "key", "zh", "en")} for v in views])
