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

__all__ = ["render_page", "script_json", "vendor_assets", "vis_options", "stabilization_iterations"]

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
    if meta["grouped"]:
        line += " · 单位按社区汇总 units grouped per community"
    f = meta["findings"]
    line += f" · 发现 findings: 高 high {f['high']}, 中 medium {f['medium']}, 低 low {f['low']}"
    return line


def render_page(G, findings, *, title: str, show_phones: bool = False,
                as_of: date | None = None, scope: str | None = None,
                group_units: bool | None = None, view=None) -> str:
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
    scope, group_units, view
        See :func:`graph.explorer.network.network_json`.

    Returns
    -------
    str
        The HTML page.
    """
    data = network_json(G, findings, show_phones=show_phones, as_of=as_of, scope=scope,
                        group_units=group_units, view=view)
    meta = data["meta"]
    net = Network(height="100%", width="100%", directed=True, heading=title)
    net.node_ids = _NodeIds()
    for n in data["nodes"]:
        n = dict(n)
        net.add_node(n.pop("id"), label=n.pop("label"), shape=n.pop("shape"),
                     color=n.pop("color"), **n)
    for e in data["edges"]:
        e = dict(e)
        net.add_edge(e.pop("from"), e.pop("to"), **e)
    net.set_options(json.dumps(vis_options(meta["physics"], meta["nodes"])))

    net.set_template_dir(str(TEMPLATE_DIR) + "/", "explorer.html")
    env = Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    env.filters["script_json"] = script_json
    env.filters["script_json_text"] = lambda s: script_json(json.loads(s))
    js, css = _own_assets()
    env.globals.update(vendor=vendor_assets(), explorer_js=js, explorer_css=css,
                       legend=data["legend"], meta=meta, meta_line=_meta_line(meta))
    net.templateEnv = env
    return net.generate_html(name="explorer.html")
