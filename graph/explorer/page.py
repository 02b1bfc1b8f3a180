"""One self-contained, offline HTML page of the co-building network.

pyvis builds the network (``Network.add_node`` / ``add_edge`` /
``set_options``) and renders it with ``generate_html`` -- but through our own
Jinja template (``templates/explorer.html``), because pyvis 0.3.2's own
template reaches CDNs in every ``cdn_resources`` mode (pyvis #228, #229).
vis-network's JS and CSS are read at render time from the installed pyvis
package (``pyvis/lib/vis-<version>/``) and inlined with their licence
header; our search/filter/legend script and style sheet (``static/``) are
inlined too. A Content-Security-Policy in the page forbids any fetch.
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
from pyvis.network import Network

from graph.explorer.network import PHYSICS_NODE_LIMIT, network_json
from graph.explorer.style import FONT_FACE

__all__ = ["render_page", "script_json", "pack_items", "unpack_items", "vendor_assets", "vis_options",
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
#: same for many of them: the page writes each distinct set once and every
#: item names its set; ``explorer.js`` puts them back before drawing. About
#: a third of a big page's data.
LOOK_KEYS = frozenset({
    "color", "shape", "size", "borderWidth", "borderWidthSelected", "width", "dashes", "arrows",
    "smooth", "font", "type", "kind", "style", "layer", "link", "hidden", "severity",
})


def pack_items(items) -> dict:
    """Nodes or edges as the page carries them: ``{"looks": [...], "items":
    [...]}``, each item without its :data:`LOOK_KEYS` fields and with ``"L"``,
    the index of its look in ``looks``.

    >>> packed = pack_items([{"id": "a", "shape": "dot"}, {"id": "b", "shape": "dot"}])
    >>> packed
    {'looks': [{'shape': 'dot'}], 'items': [{'id': 'a', 'L': 0}, {'id': 'b', 'L': 0}]}
    >>> unpack_items(packed) == [{"id": "a", "shape": "dot"}, {"id": "b", "shape": "dot"}]
    True
    """
    looks: list[dict] = []
    index: dict[str, int] = {}
    out = []
    for item in items:
        look = {k: item[k] for k in sorted(item.keys() & LOOK_KEYS)}
        # the looks come from a few tables, nested dicts in one key order:
        # repr tells them apart (twice as fast as JSON; a miss costs a look)
        key = repr(look)
        i = index.get(key)
        if i is None:
            i = index[key] = len(looks)
            looks.append(look)
        out.append({**{k: v for k, v in item.items() if k not in LOOK_KEYS}, "L": i})
    return {"looks": looks, "items": out}


def unpack_items(packed: dict) -> list[dict]:
    """The nodes or edges of :func:`pack_items` (what ``explorer.js`` does)."""
    return [{**packed["looks"][it["L"]], **{k: v for k, v in it.items() if k != "L"}}
            for it in packed["items"]]


def _packed_picture(picture: dict) -> dict:
    """A picture a click opens, as the page carries it: nodes and edges
    packed, and no findings (they are in the nodes' tooltips already)."""
    nodes = [{k: v for k, v in n.items() if k != "findings"} for n in picture["nodes"]]
    return {**picture, "nodes": pack_items(nodes), "edges": pack_items(picture["edges"])}


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


class _NodeIds(list):
    """pyvis keeps node ids in a list and tests membership on every
    ``add_node`` and ``add_edge`` (quadratic on large graphs: 10 s for a
    10,000-node page); this list answers membership from a set."""

    def __init__(self) -> None:
        super().__init__()
        self._set: set = set()

    def append(self, x) -> None:
        super().append(x)
        self._set.add(x)

    def __contains__(self, x) -> bool:
        return x in self._set


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


def _picture(data: dict) -> dict:
    """A picture the page can switch to: its data and its vis options."""
    meta = data["meta"]
    return {**data, "options": vis_options(meta["physics"], meta["nodes"])}


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
        picture = _picture(network_json(sub, findings, show_phones=show_phones, as_of=as_of,
                                        scope="community"))
        name = G.nodes[f"Community:{c}"].get("name") or c
        views.append({"id": ids[c], "key": c, "zh": f"{name}（{c}）", "en": f"community {c}",
                      "data": picture})
    full = _picture(network_json(G, findings, show_phones=show_phones, as_of=as_of, scope=scope,
                                 group_units=group_units, view=view))
    views.append({"id": "cobuild-view-full", "key": "full",
                  "zh": "全县完整网络" if scope == "county" else "本街道完整网络",
                  "en": "the whole county's network" if scope == "county" else "the whole street's network",
                  "data": full})
    return data, views


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
    net = Network(height="100%", width="100%", directed=not overview, heading=title)
    net.node_ids = _NodeIds()
    for n in data["nodes"]:
        n = dict(n)
        # the findings' text is in the node's tooltip already: the page does
        # not carry it twice (half a MiB on a 5,000-node street)
        n.pop("findings", None)
        net.add_node(n.pop("id"), label=n.pop("label"), shape=n.pop("shape"),
                     color=n.pop("color"), **n)
    for e in data["edges"]:
        e = dict(e)
        net.add_edge(e.pop("from"), e.pop("to"), **e)
    net.set_options(json.dumps(vis_options(meta["physics"], meta["nodes"])))

    net.set_template_dir(str(TEMPLATE_DIR) + "/", "explorer.html")
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    env.filters["script_json"] = script_json
    env.filters["script_packed"] = lambda items: script_json(pack_items(items))
    env.filters["script_picture"] = lambda picture: script_json(_packed_picture(picture))
    env.filters["script_json_text"] = lambda s: script_json(json.loads(s))
    js, css = _own_assets()
    env.globals.update(vendor=vendor_assets(), explorer_js=js, explorer_css=css,
                       legend=data["legend"], meta=meta, meta_line=_meta_line(meta),
                       views=views,
                       view_index=[{k: v[k] for k in ("id", "key", "zh", "en")} for v in views])
    net.templateEnv = env
    return net.generate_html(name="explorer.html")
