/* cobuild explorer: search, filters, legend and neighbourhood highlight on
 * top of vis-network (written for cobuild).
 *
 * Data comes from the <script type="application/json"> blocks of the page,
 * each thing once (graph/explorer/page.py PageData): "cobuild-data" holds the
 * shared tables (texts; node and edge records, each a row of values whose
 * names and look are in the row's form), "cobuild-home" the picture the page
 * opens on and "cobuild-view-*" those the overview opens, as lists of
 * records (and node positions; a node without an id is <type>:<code>, an
 * edge without one e<its place>). picture() puts the items back together,
 * their tooltips too (a title is a list of lines, a line a text or a list of
 * texts written one after the other).
 * Every text from a roster is put into the page with textContent or given to
 * vis-network as a string title (shown with innerText): never as HTML.
 * window.cobuild exposes the network and its DataSets, and `ready` once the
 * picture is stable (used by the browser tests and the benchmark).
 */
(function () {
  "use strict";

  var t0 = performance.now();
  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }
  var tables = readJson("cobuild-data");
  var texts = tables.texts;
  // the fields written as an index into texts (page.py TEXT_KEYS), and
  // those of a group node's members (MEMBER_KEYS)
  var TEXT_KEYS = { id: 1, from: 1, to: 1, label: 1, name: 1, code: 1, community: 1 };
  var MEMBER_KEYS = ["id", "type", "code", "name"];
  [tables.nodes, tables.edges].forEach(function (table) {
    table.forms.forEach(function (form) { form.lookJson = JSON.stringify(form.look); });
  });

  function line(x) {
    return typeof x === "number" ? texts[x] : x.map(function (i) { return texts[i]; }).join("");
  }
  function item(table, r) {
    // a fresh copy of the look for every item: items are changed one by one
    var row = table.rows[r];
    var form = table.forms[row[0]];
    var it = JSON.parse(form.lookJson);
    for (var j = 0; j < form.keys.length; j++) {
      var k = form.keys[j], v = row[j + 1];
      if (k === "title" && Array.isArray(v)) {
        v = v.map(line).join("\n");
      } else if (k === "members") {
        v = v.map(function (m) {
          var o = {};
          MEMBER_KEYS.forEach(function (key, i) { o[key] = texts[m[i]]; });
          return o;
        });
      } else if (TEXT_KEYS[k] && typeof v === "number") {
        v = texts[v];
      }
      it[k] = v;
    }
    return it;
  }
  function picture(p) {
    return {
      nodes: p.nodes.map(function (r) {
        var n = item(tables.nodes, r[0]);
        if (n.id === undefined) { n.id = n.type + ":" + n.code; }
        if (r.length === 3) { n.x = r[1]; n.y = r[2]; }
        return n;
      }),
      edges: p.edges.map(function (r, i) {
        var e = item(tables.edges, r);
        if (e.id === undefined) { e.id = "e" + i; }
        return e;
      }),
      legend: p.legend, meta: p.meta, options: p.options
    };
  }
  var home = picture(readJson("cobuild-home"));
  var nodeItems = home.nodes;  // the picture shown (see show())
  var edgeItems = home.edges;
  var options = home.options;
  var legend = home.legend;
  var meta = home.meta;

  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  var container = document.getElementById("mynetwork");
  var statusEl = document.getElementById("status");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);

  var api = {
    network: network, nodes: nodes, edges: edges, meta: meta,
    ready: false, highlighted: null,
    timings: { script: t0 }
  };
  window.cobuild = api;

  function markReady() {
    if (api.ready) { return; }
    api.ready = true;
    api.timings.ready = performance.now();
    document.body.setAttribute("data-ready", "true");
    statusEl.classList.add("done");
  }
  if (meta.physics) {
    network.on("stabilizationProgress", function (p) {
      statusEl.textContent = "正在布局 laying out… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      markReady();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  // ---- look-ups (rebuilt when the page switches pictures) ------------------
  var byId, fontColor, edgeColor, kindWords;
  var DEFAULT_FONT = (options.nodes && options.nodes.font && options.nodes.font.color) || "#222222";
  function index() {
    byId = {};
    fontColor = {};
    edgeColor = {};
    kindWords = {};
    nodeItems.forEach(function (n) {
      byId[n.id] = n;
      fontColor[n.id] = (n.font && n.font.color) || DEFAULT_FONT;
    });
    edgeItems.forEach(function (e) { edgeColor[e.id] = e.color; });
    legend.forEach(function (l) { if (l.group === "node") { kindWords[l.key] = l.zh + " " + l.en; } });
  }
  index();

  var SHAPE_SYMBOL = {
    star: "★", hexagon: "⬢", triangle: "▲", triangleDown: "▼", square: "■",
    box: "▬", diamond: "◆", dot: "●", ellipse: "⬬", circle: "●", database: "⛁"
  };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // ---- filters: kind and severity ----------------------------------------
  var kindOn = {};
  var sevOn = {};
  var layerOn = { structure: true };
  var boxes = { kind: {}, severity: {}, layer: {} };

  function severityOf(n) { return n.severity || "none"; }
  function layerOf(x) { return x.layer || "structure"; }

  function applyFilters() {
    var updates = [];
    nodeItems.forEach(function (n) {
      var hide = !kindOn[n.kind] || !sevOn[severityOf(n)] || !layerOn[layerOf(n)];
      if (!!n.hidden !== hide) {
        n.hidden = hide;
        updates.push({ id: n.id, hidden: hide });
      }
    });
    if (updates.length) { nodes.update(updates); }
    var eu = [];
    edgeItems.forEach(function (e) {
      var hide = !layerOn[layerOf(e)];
      if (!!e.hidden !== hide) {
        e.hidden = hide;
        eu.push({ id: e.id, hidden: hide });
      }
    });
    if (eu.length) { edges.update(eu); }
  }

  function legendRow(entry, target, kind) {
    var row = el("label", "legend-row");
    var swatch;
    if (kind === "edge") {
      swatch = el("span", "swatch line" + (entry.dashes ? " dashed" : ""));
      swatch.style.borderTopColor = entry.color;
      swatch.style.borderTopWidth = Math.max(entry.width, 1) + "px";
    } else if (kind === "severity") {
      swatch = el("span", "swatch sev");
      swatch.style.borderColor = entry.key === "none" ? "#bbb" : entry.color;
      if (entry.fill) { swatch.style.background = entry.color; }
    } else {
      swatch = el("span", "swatch", SHAPE_SYMBOL[entry.shape] || "●");
      swatch.style.color = entry.color;
      swatch.style.textShadow = "0 0 1px " + entry.border;
    }
    if (kind === "layer") {
      swatch = el("span", "swatch", "▦");
    }
    if (kind !== "edge") {
      var cb = el("input");
      cb.type = "checkbox";
      cb.checked = kind === "layer" ? !!entry.on : true;
      cb.setAttribute("data-filter", kind);
      cb.setAttribute("data-key", entry.key);
      var state = kind === "node" ? kindOn : kind === "layer" ? layerOn : sevOn;
      state[entry.key] = cb.checked;
      boxes[kind === "node" ? "kind" : kind === "layer" ? "layer" : "severity"][entry.key] = cb;
      cb.addEventListener("change", function () {
        state[entry.key] = cb.checked;
        applyFilters();
      });
      row.appendChild(cb);
    }
    row.appendChild(swatch);
    row.appendChild(el("span", "words", entry.zh + " " + entry.en));
    if (entry.count !== undefined && kind !== "edge") {
      row.appendChild(el("span", "count", String(entry.count)));
    }
    target.appendChild(row);
  }

  var targets = {
    layer: document.getElementById("legend-layers"),
    node: document.getElementById("legend-kinds"),
    severity: document.getElementById("legend-severity"),
    edge: document.getElementById("legend-edges")
  };
  function buildLegend() {
    kindOn = {};
    sevOn = {};
    layerOn = { structure: true };
    boxes = { kind: {}, severity: {}, layer: {} };
    Object.keys(targets).forEach(function (k) {
      while (targets[k].firstChild) { targets[k].removeChild(targets[k].firstChild); }
    });
    legend.forEach(function (entry) { legendRow(entry, targets[entry.group], entry.group); });
  }
  buildLegend();

  // ---- neighbourhood highlight ---------------------------------------------
  var DIM = 0.15;

  function highlight(id) {
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (m) { keep[m] = true; });
    var keepEdges = {};
    network.getConnectedEdges(id).forEach(function (e) { keepEdges[e] = true; });
    var nu = [];
    nodeItems.forEach(function (n) {
      var o = keep[n.id] ? 1 : DIM;
      if ((n.opacity === undefined ? 1 : n.opacity) !== o) {
        n.opacity = o;
        nu.push({ id: n.id, opacity: o, font: { color: o === 1 ? fontColor[n.id] : "rgba(34,34,34,0.2)" } });
      }
    });
    var eu = [];
    edgeItems.forEach(function (e) {
      var o = keepEdges[e.id] ? 1 : 0.08;
      if ((e.dim === undefined ? 1 : e.dim) !== o) {
        e.dim = o;
        var c = edgeColor[e.id];
        eu.push({ id: e.id, color: { color: c.color, highlight: c.highlight, hover: c.hover, opacity: o } });
      }
    });
    nodes.update(nu);
    edges.update(eu);
    api.highlighted = id;
  }

  function clearHighlight() {
    if (api.highlighted === null) { return; }
    var nu = [];
    nodeItems.forEach(function (n) {
      if (n.opacity !== undefined && n.opacity !== 1) {
        n.opacity = 1;
        nu.push({ id: n.id, opacity: 1, font: { color: fontColor[n.id] } });
      }
    });
    var eu = [];
    edgeItems.forEach(function (e) {
      if (e.dim !== undefined && e.dim !== 1) {
        e.dim = 1;
        var c = edgeColor[e.id];
        eu.push({ id: e.id, color: { color: c.color, highlight: c.highlight, hover: c.hover, opacity: 1 } });
      }
    });
    nodes.update(nu);
    edges.update(eu);
    api.highlighted = null;
  }

  var details = document.getElementById("details");
  function showDetails(id) {
    var n = byId[id];
    details.textContent = n ? n.title : "";
  }

  network.on("click", function (params) {
    if (params.nodes.length && byId[params.nodes[0]] && byId[params.nodes[0]].view) {
      openView(byId[params.nodes[0]].view);  // an overview node: open its network
    } else if (params.nodes.length) {
      highlight(params.nodes[0]);
      showDetails(params.nodes[0]);
    } else {
      clearHighlight();
      details.textContent = "";
    }
  });

  // ---- search ------------------------------------------------------------
  var searchInput = document.getElementById("search");
  var resultsEl = document.getElementById("search-results");
  var MAX_RESULTS = 12;

  function score(text, q) {
    if (!text) { return 0; }
    var t = String(text).toLowerCase();
    if (t === q) { return 3; }
    if (t.indexOf(q) === 0) { return 2; }
    return t.indexOf(q) >= 0 ? 1 : 0;
  }

  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var hits = [];
    nodeItems.forEach(function (n) {
      var s = Math.max(score(n.name, q), score(n.code, q));
      var via = null;
      if (!s && n.members) {
        for (var i = 0; i < n.members.length; i++) {
          var m = n.members[i];
          var ms = Math.max(score(m.name, q), score(m.code, q));
          if (ms) { s = ms - 0.5; via = m; break; }
        }
      }
      if (s) { hits.push({ node: n, score: s, via: via }); }
    });
    hits.sort(function (a, b) {
      return b.score - a.score || String(a.node.name).localeCompare(String(b.node.name), "zh");
    });
    return hits;
  }

  function pick(id) {
    var n = byId[id];
    if (!n) { return; }
    if (n.hidden) { // show what was looked for, with its kind and severity
      kindOn[n.kind] = true;
      sevOn[severityOf(n)] = true;
      layerOn[layerOf(n)] = true;
      if (boxes.layer[layerOf(n)]) { boxes.layer[layerOf(n)].checked = true; }
      if (boxes.kind[n.kind]) { boxes.kind[n.kind].checked = true; }
      if (boxes.severity[severityOf(n)]) { boxes.severity[severityOf(n)].checked = true; }
      applyFilters();
    }
    network.selectNodes([id]);
    highlight(id);
    showDetails(id);
    network.focus(id, { scale: 1.1, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  }

  function showResults(hits) {
    while (resultsEl.firstChild) { resultsEl.removeChild(resultsEl.firstChild); }
    if (!searchInput.value.trim()) { return; }
    if (!hits.length) {
      resultsEl.appendChild(el("li", "empty", "未找到 nothing found"));
      return;
    }
    hits.slice(0, MAX_RESULTS).forEach(function (h) {
      var li = el("li");
      var text = h.node.name + " · " + (kindWords[h.node.kind] || h.node.kind) + " · " + h.node.code;
      if (h.via) { text = h.via.name + " (" + h.via.code + ") → " + h.node.name; }
      var b = el("button", null, text);
      b.type = "button";
      b.setAttribute("data-node", h.node.id);
      b.addEventListener("click", function () { pick(h.node.id); });
      li.appendChild(b);
      resultsEl.appendChild(li);
    });
    if (hits.length > MAX_RESULTS) {
      resultsEl.appendChild(el("li", "empty", "…共 " + hits.length + " 个 " + hits.length + " in all"));
    }
  }

  var lastHits = [];
  searchInput.addEventListener("input", function () {
    lastHits = search(searchInput.value);
    showResults(lastHits);
  });
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      lastHits = search(searchInput.value);
      showResults(lastHits);
      if (lastHits.length) { pick(lastHits[0].node.id); }
    }
  });

  // ---- pictures: the overview and the networks it opens --------------------
  var viewIndex = readJson("cobuild-views");
  var viewsById = {};
  viewIndex.forEach(function (v) { viewsById[v.id] = v; });
  var nav = document.getElementById("view-nav");
  var backBtn = document.getElementById("view-back");
  var fullBtn = document.getElementById("view-full");
  var viewName = document.getElementById("view-name");
  var metaEl = document.getElementById("page-meta");
  var homeMeta = metaEl.textContent;
  api.view = "home";

  function show(picture, key) {
    clearHighlight();
    details.textContent = "";
    searchInput.value = "";
    showResults([]);
    api.ready = false;
    document.body.removeAttribute("data-ready");
    statusEl.classList.remove("done");
    statusEl.textContent = "正在绘制 drawing…";
    nodeItems = picture.nodes.map(function (n) {
      var c = Object.assign({}, n);
      delete c.hidden; delete c.opacity;
      return c;
    });
    edgeItems = picture.edges.map(function (e) { var c = Object.assign({}, e); delete c.dim; return c; });
    legend = picture.legend;
    meta = picture.meta;
    api.meta = meta;
    index();
    buildLegend();
    network.setOptions({ physics: { enabled: false } });
    nodes.clear();
    edges.clear();
    nodes.add(nodeItems);
    edges.add(edgeItems);
    applyFilters();  // the new legend's boxes: the activity layer starts off
    network.setOptions(picture.options);
    api.view = key;
    if (meta.physics) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        network.fit();
        markReady();
      });
      network.stabilize(picture.options.physics.stabilization.iterations);
    } else {
      network.fit();
      network.once("afterDrawing", markReady);
      network.redraw();
    }
  }

  function openView(id) {
    var v = viewsById[id];
    var block = document.getElementById(id);
    if (!v || !block) { return; }
    show(picture(JSON.parse(block.textContent)), v.key);
    viewName.textContent = "正在查看 showing: " + v.zh + " / " + v.en;
    metaEl.textContent = v.zh + " · " + meta.nodes + " 个节点 nodes · " + meta.edges + " 条连线 edges";
    backBtn.hidden = false;
    fullBtn.hidden = v.key === "full";
  }

  function goHome() {
    show(home, "home");
    viewName.textContent = "";
    metaEl.textContent = homeMeta;
    backBtn.hidden = true;
    fullBtn.hidden = false;
  }

  if (viewIndex.length) {
    nav.hidden = false;
    var full = viewsById["cobuild-view-full"];
    if (full) {
      fullBtn.textContent = "打开" + full.zh + " open " + full.en;
      fullBtn.addEventListener("click", function () { openView("cobuild-view-full"); });
    } else {
      fullBtn.hidden = true;
    }
    backBtn.addEventListener("click", goHome);
  }
  api.openView = openView;
  api.goHome = goHome;

  // ---- plan overlay and forecast slider --------------------------------------
  function setPlanVisible(on) {
    var u = [];
    edgeItems.forEach(function (e) {
      if (e.overlay === "plan" && !!e.hidden === on) {
        e.hidden = !on;
        u.push({ id: e.id, hidden: !on });
      }
    });
    if (u.length) { edges.update(u); }
  }
  var planToggle = document.getElementById("plan-toggle");
  if (planToggle) {
    planToggle.addEventListener("change", function () { setPlanVisible(planToggle.checked); });
  }

  function showForecast(i) {
    var fc = meta.forecast;
    if (!fc) { return; }
    var u = [];
    Object.keys(fc.nodes).forEach(function (id) {
      var n = byId[id];
      var sev = fc.nodes[id][i];
      var look = sev ? fc.looks[sev] : null;
      var border = look ? look.color : (n.forecastBorder || n.color.border);
      if (n.forecastBorder === undefined) { n.forecastBorder = n.color.border; n.forecastWidth = n.borderWidth; }
      u.push({ id: id, borderWidth: look ? look.width : n.forecastWidth,
               color: { background: n.color.background, border: look ? border : n.forecastBorder },
               forecastSeverity: sev || "none" });
      n.forecastSeverity = sev || "none";
    });
    nodes.update(u);
    document.getElementById("forecast-date").textContent = fc.dates[i];
    api.forecastIndex = i;
  }
  var slider = document.getElementById("forecast-slider");
  if (slider) {
    slider.addEventListener("input", function () { showForecast(parseInt(slider.value, 10)); });
  }

  api.setPlanVisible = setPlanVisible;
  api.showForecast = showForecast;
  api.search = search;
  api.pick = pick;
  api.highlight = highlight;
  api.clearHighlight = clearHighlight;
  api.timings.built = performance.now();
})();
