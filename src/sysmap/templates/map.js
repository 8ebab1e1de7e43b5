/* sysmap interactive map. Map text reaches the DOM only through textContent
   (or the canvas, where names are drawn as text), never as markup. */
(function () {
  "use strict";
  performance.mark("sysmap-start");
  var DATA = JSON.parse(document.getElementById("sysmap-data").textContent);

  // each role's colour and shape, and the DOM helpers: shared.js
  var ROLES = SYSMAP_SHARED.ROLES, el = SYSMAP_SHARED.el, clear = SYSMAP_SHARED.clear;
  var KIND_GROUPS = [
    { label: "Voice (feedback, advocates, represents, informs)", color: "#0072B2",
      kinds: ["feedback", "advocates", "represents", "informs"] },
    { label: "Money (funds, compensates, contracts, employs)", color: "#009E73",
      kinds: ["funds", "compensates", "contracts", "employs"] },
    { label: "Authority (governs)", color: "#D55E00", kinds: ["governs"] },
    { label: "Cause (influences, with + or −)", color: "#000000", kinds: ["influences"] },
    { label: "Other (serves, refers, collaborates …)", color: "#7f7f7f", kinds: [] }
  ];
  // Relationship changes in the order sysmap compare reports them; the first
  // that applies gives the colour, every one that applies adds its mark.
  var CHANGES = {
    formed: { label: "Formed", color: "#0072B2", mark: "+ formed", width: 4 },
    retired: { label: "Retired", color: "#D55E00", mark: "✕ retired", width: 2, dashes: [4, 6] },
    rewired: { label: "Rewired", color: "#CC79A7", mark: "↻ rewired", width: 4 },
    strengthened: { label: "Strengthened", color: "#009E73", mark: "▲ stronger", width: 5 },
    weakened: { label: "Weakened", color: "#E69F00", mark: "▼ weaker", width: 1.5, dashes: [2, 3] },
    status_changed: { label: "Status changed", color: "#000000", mark: "◆ status", width: 3.5, dashes: [10, 3, 2, 3] },
    changed: { label: "Direction, polarity or power changed", color: "#56B4E9", mark: "• changed", width: 3 }
  };
  var NODE_CHANGES = {
    added: { label: "Added stakeholder", color: "#0072B2", prefix: "+ " },
    removed: { label: "Removed stakeholder", color: "#9e9e9e", prefix: "− " },
    changed: { label: "Changed stakeholder", color: "#CC79A7", prefix: "Δ " }
  };
  // The voice view marks each beneficiary's verdict by colour and by shape.
  var VERDICTS = {
    "two-way": { label: "Two-way voice (heard and answered)", color: "#009E73", border: "#00573f", shape: "dot" },
    "one-way": { label: "One-way voice (heard, no answer back)", color: "#F0E442", border: "#5c5600", shape: "hexagon" },
    "no voice": { label: "No voice (no path to a leader)", color: "#D55E00", border: "#6b2a00", shape: "star" }
  };
  var DIM = "rgba(200,200,200,0.35)";
  var BIG = DATA.layout === "precomputed";
  var LABEL_PX = 13;  // names are drawn this size on screen, whatever the zoom
  var LABEL_FONT = LABEL_PX + "px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

  function kindColor(kind) {
    for (var i = 0; i < KIND_GROUPS.length - 1; i++) {
      if (KIND_GROUPS[i].kinds.indexOf(kind) >= 0) return KIND_GROUPS[i].color;
    }
    return KIND_GROUPS[KIND_GROUPS.length - 1].color;
  }
  function button(text, cls, onClick) {
    var b = el("button", text, cls);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // ---------------------------------------------------------------- header
  document.title = DATA.title;
  document.getElementById("map-title").textContent = DATA.title;
  document.getElementById("map-question").textContent = "Guiding question: " + DATA.question;
  var notes = [];
  if (DATA.redacted) notes.push("Sensitive stakeholders are redacted.");
  if (DATA.diff) notes.push("Diff map: the redesign, with what changes from the current system styled.");
  if (notes.length) {
    var noteEl = document.getElementById("map-note");
    noteEl.textContent = notes.join(" ");
    noteEl.hidden = false;
  }

  // ------------------------------------------------------------------ data
  var byId = {};
  var degree = {};
  DATA.nodes.forEach(function (n) { byId[n.id] = n; degree[n.id] = 0; });
  DATA.edges.forEach(function (e) { degree[e.from]++; degree[e.to]++; });
  var shownName = {};  // the name as drawn (with a change mark in a diff map)
  var baseNode = {};
  var visNodes = DATA.nodes.map(function (n) {
    var r = ROLES[n.role];
    var v = {
      id: n.id, label: n.name, shape: r.shape, size: n.size,
      color: { background: r.color, border: r.border,
               highlight: { background: r.color, border: "#000" } },
      borderWidth: 1.5, font: { color: "#1a1a1a" }
    };
    var c = n.change ? NODE_CHANGES[n.change] : null;
    if (c) v.label = c.prefix + n.name;
    if (n.change === "added" || n.change === "changed") {
      v.borderWidth = n.change === "added" ? 5 : 4; v.color.border = c.color;
    } else if (n.change === "removed") {
      v.color = { background: "#e6e6e6", border: "#9e9e9e" };
      v.shapeProperties = { borderDashes: [4, 4] }; v.borderWidth = 3;
      v.font = { color: "#777" };
    }
    if (n.x !== undefined) { v.x = n.x; v.y = n.y; }
    shownName[n.id] = v.label;
    baseNode[n.id] = { color: v.color, font: v.font, shape: v.shape, borderWidth: v.borderWidth,
                       shapeProperties: v.shapeProperties || { borderDashes: false } };
    return v;
  });
  function changeMark(e, k) {
    if (k === "status_changed" && e.was && e.was.status) return e.was.status + " → " + e.status;
    return CHANGES[k].mark;
  }
  var baseEdge = {};
  var pairEdges = {};  // "a\u0000b" -> edge ids that run a -> b
  function pairAdd(a, b, id) {
    var k = a + "\u0000" + b;
    (pairEdges[k] = pairEdges[k] || []).push(id);
  }
  var visEdges = DATA.edges.map(function (e, i) {
    var id = "e" + i;
    var color = kindColor(e.kind);
    var width = e.strength !== undefined ? 1.2 + 0.5 * e.strength : 2;
    var v = { id: id, from: e.from, to: e.to, width: width,
              arrows: e.mutual ? "to, from" : "to", dashes: false };
    var label = [];
    if (e.polarity) label.push(e.polarity === "-" ? "−" : "+");
    if (e.status === "proposed") v.dashes = [8, 6];
    if (e.status === "weak") { v.width = 0.8; }
    if (e.status === "broken") { v.dashes = [2, 5]; label.push("✕"); color = "#D55E00"; }
    if (DATA.diff) {
      var changes = e.changes || [];
      var first = changes.length ? CHANGES[changes[0]] : null;
      color = first ? first.color : "#b3b3b3";
      changes.forEach(function (k) {
        var c = CHANGES[k];
        label.push(changeMark(e, k));
        v.width = Math.max(k === changes[0] ? c.width : 0, k === "strengthened" ? c.width : 0, v.width);
        if (c.dashes && (k === changes[0] || k === "status_changed")) v.dashes = c.dashes;
      });
    }
    v.color = { color: color, highlight: color, opacity: 1 };
    if (label.length) {
      v.label = label.join(" ");
      v.font = { size: 13, align: "top", strokeWidth: 3, color: "#000" };
    }
    baseEdge[id] = { color: v.color, width: v.width };
    pairAdd(e.from, e.to, id);
    if (e.mutual) pairAdd(e.to, e.from, id);
    return v;
  });
  // Large maps open as an overview: stakeholders grouped (by organisation,
  // role, type, tag or community), one group opened at a time.
  var GROUPED = !!DATA.overview;
  var GROUP = "g\u0000", GROUP_RE = /^g\u0000/;  // group node ids (no stakeholder id has a NUL)
  var view = { by: "", open: null };
  var groupOf = {}, groups = {}, groupOrder = [];
  var visById = {};
  visNodes.forEach(function (v) { visById[v.id] = v; });
  var nodes = GROUPED ? new vis.DataSet([]) : new vis.DataSet(visNodes);
  var edges = GROUPED ? new vis.DataSet([]) : new vis.DataSet(visEdges);

  var options = {
    autoResize: true,
    layout: { randomSeed: 7, improvedLayout: !BIG },
    // vis-network draws no names (its threshold is never reached): sysmap
    // draws them itself at a fixed size on screen, choosing which fit.
    nodes: { font: { size: 16, face: "system-ui, sans-serif", strokeWidth: 3, strokeColor: "#fff" },
             scaling: { label: { drawThreshold: 1e9 } } },
    edges: { smooth: BIG ? false : { type: "curvedCW", roundness: 0.12 },
             arrows: { to: { scaleFactor: 0.6 }, from: { scaleFactor: 0.6 } },
             selectionWidth: BIG ? 4 : 2 },
    interaction: { hover: true, tooltipDelay: 300, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG,
                   keyboard: { enabled: true, bindToWindow: false, speed: { x: 12, y: 12, zoom: 0.03 } },
                   navigationButtons: false },
    physics: BIG ? false : {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -140, springLength: 150, avoidOverlap: 0.7 },
      stabilization: { iterations: 300, updateInterval: 100, fit: true }
    }
  };
  var container = document.getElementById("map");
  performance.mark("sysmap-data");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  var full = null;  // the every-stakeholder data sets, made when first needed
  performance.mark("sysmap-network");

  // The canvas takes focus; arrow keys pan, + and − zoom (vis-network's keys).
  // vis-network reprocesses everything it holds (every node and relationship)
  // after each data-set event, and a change to the drawn data is often several
  // events (remove, add, update, for nodes and for relationships). Inside
  // batch(), those reprocessing events are held back and run once at the end.
  function batch(work) {
    var emitter = network.body.emitter, own = Object.prototype.hasOwnProperty.call(emitter, "emit");
    var emit = emitter.emit, held = {};
    emitter.emit = function (name) {
      if (name === "_dataChanged" || name === "_dataUpdated") { held[name] = true; return emitter; }
      return emit.apply(emitter, arguments);
    };
    try { work(); } finally { if (own) emitter.emit = emit; else delete emitter.emit; }
    // a change (nodes or relationships added or removed) includes an update
    if (held._dataChanged) emitter.emit("_dataChanged");
    else if (held._dataUpdated) emitter.emit("_dataUpdated");
  }

  var frame = container.querySelector(".vis-network");
  frame.setAttribute("role", "application");
  frame.setAttribute("aria-roledescription", "network map");
  frame.setAttribute("aria-label", "Network map of " + DATA.nodes.length +
    " stakeholders and factors. Arrow keys pan, + and − zoom, 0 fits the map, Escape clears the choice. " +
    "The text alternative lists every stakeholder and relationship.");
  frame.setAttribute("aria-describedby", "map-help");
  Array.prototype.forEach.call(document.querySelectorAll("a[href='#map']"), function (a) {
    a.addEventListener("click", function (ev) { ev.preventDefault(); frame.focus(); });
  });
  Array.prototype.forEach.call(document.querySelectorAll("a[href='#details'], a[href='#text-alternative']"), function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      document.querySelector(a.getAttribute("href")).focus();
    });
  });

  function ready() {
    if (document.documentElement.getAttribute("data-state") === "ready") return;
    network.once("afterDrawing", function () {
      performance.mark("sysmap-ready");
      document.documentElement.setAttribute("data-state", "ready");
    });
    network.redraw();
  }
  if (BIG) {
    network.once("afterDrawing", function () {
      performance.mark("sysmap-ready");
      document.documentElement.setAttribute("data-state", "ready");
    });
  } else {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: false });
      network.fit();
      ready();
    });
  }

  // ------------------------------------------------------------- highlight
  var state = { focus: null, hover: null, lit: null, hidden: {}, roles: {}, kinds: {}, tag: "",
                userView: false, voice: false };
  Object.keys(ROLES).forEach(function (r) { state.roles[r] = true; });
  DATA.kinds.forEach(function (k) { state.kinds[k] = true; });

  // Show only these nodes and edges strongly (null: everything); extra colours per edge.
  function highlightBig(nodeSet, edgeSet, edgeColors) {
    // Big maps: every DataSet update walks the whole network (about 0.3 s at
    // 5,000 stakeholders), so highlighting uses vis-network's selection instead.
    if (!nodeSet) { network.unselectAll(); state.highlighted = false; return; }
    var ids = {};
    Object.keys(edgeSet || {}).forEach(function (id) { ids[id] = true; });
    Object.keys(edgeColors || {}).forEach(function (id) { ids[id] = true; });
    var drawn = network.body.nodes, drawnEdges = network.body.edges, ns = {};
    Object.keys(nodeSet).forEach(function (id) {
      if (drawn[id]) ns[id] = true;
      else if (GROUPED && view.by && groupOf[id] !== undefined) ns[GROUP + groupOf[id]] = true;
    });
    network.setSelection(
      { nodes: Object.keys(ns),
        edges: Object.keys(ids).filter(function (id) { return drawnEdges[id]; }) },
      { unselectAll: true, highlightEdges: false });
    state.highlighted = true;
  }
  function highlight(nodeSet, edgeSet, edgeColors) {
    state.lit = nodeSet || null;
    if (BIG) return highlightBig(nodeSet, edgeSet, edgeColors);
    var nu = [], eu = [];
    DATA.nodes.forEach(function (n) {
      var on = !nodeSet || nodeSet[n.id];
      var b = baseNode[n.id];
      var own = state.voice && b.voice ? b.voice : b.color;
      nu.push({ id: n.id,
                color: on ? own : { background: DIM, border: DIM },
                font: on ? b.font : { color: "rgba(120,120,120,0.5)" } });
    });
    visEdges.forEach(function (e) {
      var b = baseEdge[e.id];
      var extra = edgeColors && edgeColors[e.id];
      var on = !edgeSet || edgeSet[e.id];
      if (extra) eu.push({ id: e.id, color: { color: extra, highlight: extra, opacity: 1 },
                           width: Math.max(b.width, 4) });
      else eu.push({ id: e.id, color: on ? b.color : { color: DIM, highlight: DIM, opacity: 1 },
                     width: b.width });
    });
    batch(function () { nodes.update(nu); edges.update(eu); });
    state.highlighted = !!nodeSet;
  }
  function pathEdges(path, into) {
    for (var i = 0; i + 1 < path.length; i++) {
      (pairEdges[path[i] + "\u0000" + path[i + 1]] || []).forEach(function (id) { into[id] = true; });
    }
    return into;
  }
  function pressOnly(list, pressed) {
    Array.prototype.forEach.call(document.querySelectorAll(list + " button"), function (b) {
      b.setAttribute("aria-pressed", b === pressed ? "true" : "false");
    });
  }

  // ---------------------------------------------------------------- names
  // Names are drawn after vis-network's frame, LABEL_PX high on screen at any
  // zoom, most important first (the chosen and hovered stakeholder, then the
  // highlighted ones, then by size and number of relationships); a name that
  // would overlap one already drawn is left out until zooming makes room.
  var importance = DATA.nodes.map(function (n) { return n.id; });
  importance.sort(function (a, b) {
    return (byId[b].size - byId[a].size) || (degree[b] - degree[a]) || (a < b ? -1 : a > b ? 1 : 0);
  });
  var textWidth = {};
  var drawnLabels = [];
  function labelBoxes(ctx, W, H, s, tx, ty) {
    var placed = {}, out = [], CELL = 64;
    function cells(b, add) {
      for (var gx = Math.floor(b[0] / CELL); gx <= Math.floor(b[2] / CELL); gx++) {
        for (var gy = Math.floor(b[1] / CELL); gy <= Math.floor(b[3] / CELL); gy++) {
          var k = gx + ":" + gy, list = placed[k];
          if (add) { (placed[k] = list || []).push(b); continue; }
          for (var i = 0; list && i < list.length; i++) {
            var o = list[i];
            if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return true;
          }
        }
      }
      return false;
    }
    var first = [];
    if (state.focus) first.push(state.focus);
    if (state.hover) first.push(state.hover);
    if (state.lit) Object.keys(state.lit).forEach(function (id) { first.push(id); });
    var seen = {};
    var order = first.concat(importance);
    var bodyNodes = network.body.nodes;
    for (var i = 0; i < order.length && out.length < 400; i++) {
      var id = order[i];
      if (seen[id] || state.hidden[id] || (state.lit && !state.lit[id] && !GROUP_RE.test(id))) continue;
      seen[id] = true;
      var node = bodyNodes[id];
      if (!node) continue;
      var x = node.x * s + tx, y = node.y * s + ty;
      var r = (node.options.size || 10) * s;
      if (x < 0 || x > W || y < -r - 30 || y > H + 10) continue;  // its shape is off the map
      var w = textWidth[id];
      if (w === undefined) w = textWidth[id] = ctx.measureText(shownName[id]).width;
      var top = y + r + 3;
      // a name that would run off the map moves inside it (above its shape at the bottom
      // edge, sideways at the left and right) rather than being left out
      if (top + LABEL_PX + 4 > H) top = y - r - 3 - (LABEL_PX + 4);
      var cx = Math.min(Math.max(x, w / 2 + 2), W - w / 2 - 2);
      var b = [cx - w / 2 - 2, top, cx + w / 2 + 2, top + LABEL_PX + 4];
      if (b[0] < 0 || b[2] > W || b[1] < 0 || b[3] > H) continue;
      if (cells(b, false)) continue;
      cells(b, true);
      out.push({ id: id, x: cx, y: top + 2, box: b });
    }
    return out;
  }
  network.on("afterDrawing", function (ctx) {
    var canvas = ctx.canvas;
    var pr = canvas.width / (canvas.clientWidth || 1) || 1;
    var t = ctx.getTransform();
    ctx.save();
    ctx.setTransform(pr, 0, 0, pr, 0, 0);
    ctx.font = LABEL_FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 4;
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    drawnLabels = labelBoxes(ctx, canvas.clientWidth, canvas.clientHeight, t.a / pr, t.e / pr, t.f / pr);
    drawnLabels.forEach(function (l) {
      var n = byId[l.id];
      ctx.fillStyle = n && n.change === "removed" ? "#555" : "#111";
      ctx.strokeText(shownName[l.id], l.x, l.y);
      ctx.fillText(shownName[l.id], l.x, l.y);
    });
    ctx.restore();
  });
  network.on("hoverNode", function (p) { state.hover = p.node; network.redraw(); });
  network.on("blurNode", function () { state.hover = null; network.redraw(); });
  // Refit when the window changes size, unless someone has zoomed or chosen.
  network.on("zoom", function () { state.userView = true; });
  network.on("dragEnd", function (p) { if (!p.nodes.length) state.userView = true; });
  function keepAspect() {  // the printed map takes the screen map's shape (see map.css)
    if (window.matchMedia && window.matchMedia("print").matches) return;
    var w = container.clientWidth, h = container.clientHeight;
    if (w && h) container.style.setProperty("--map-aspect", (w / h).toFixed(3));
  }
  keepAspect();
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    keepAspect();
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (!state.userView && !state.focus) network.fit();
      network.redraw();
    }, 120);
  });
  frame.addEventListener("keydown", function (ev) {
    if (ev.key === "0") { state.userView = false; network.fit(); }
    if (ev.key === "Escape") clearChoice();
  });

  // --------------------------------------------------------------- details
  var detailsBody = document.getElementById("details-body");
  function roleText(n) {
    var bits = [ROLES[n.role].label];
    if (n.org) bits.push(n.org);
    return bits.join(", ");
  }
  function powerText(p) {
    return p.amount + " of 5" + (p.carries.length ? " (" + p.carries.join(", ") + ")" : "");
  }
  function evidenceText(ev) {
    return [ev.source, ev.date, ev.asserted_by ? "asserted by " + ev.asserted_by : null]
      .filter(function (x) { return x; }).join(", ") + (ev.note ? ": " + ev.note : "");
  }
  function ratingText(e) {
    var bits = [];
    if (e.strength !== undefined) bits.push("strength " + e.strength);
    if (e.trust !== undefined) bits.push("trust " + e.trust);
    if (e.power) bits.push("power " + powerText(e.power));
    if (e.evidence) bits.push(e.evidence.length + " evidence");
    return bits.join(" · ");
  }
  function dlRows(dl, rows) {
    rows.forEach(function (r) {
      if (r[1] === undefined || r[1] === null || r[1] === "") return;
      dl.appendChild(el("dt", r[0]));
      dl.appendChild(el("dd", r[1]));
    });
  }
  var perspectiveOf = {};
  DATA.perspectives.forEach(function (group) {
    group.forEach(function (i) { perspectiveOf[i] = group; });
  });
  function whoAsserted(e) {
    var who = (e.evidence || []).map(function (ev) { return ev.asserted_by; }).filter(function (x) { return x; });
    return who.length ? who.join(", ") : "not recorded";
  }
  function showEdge(i) {
    var e = DATA.edges[i];
    if (!e) return;
    clear(detailsBody);
    document.getElementById("details-empty").hidden = true;
    detailsBody.appendChild(el("h3", byId[e.from].name + " → " + byId[e.to].name, "name"));
    detailsBody.appendChild(el("p", "Relationship: " + e.kind.replace(/_/g, " ") +
      (e.status !== "existing" ? " (" + e.status + ")" : "")));
    var dl = el("dl");
    dlRows(dl, [["direction", e.mutual ? "mutual" : "one-way"],
                ["polarity", e.polarity], ["strength", e.strength], ["trust", e.trust],
                ["power carried", e.power ? powerText(e.power) : null], ["notes", e.notes]]);
    if (e.changes) {
      dlRows(dl, [["changes in the redesign", e.changes.map(function (k) {
        return CHANGES[k].label.toLowerCase() + (k === "status_changed" && e.was ? " (" + changeMark(e, k) + ")" : "");
      }).join(", ")]]);
      if (e.was) {
        dlRows(dl, [["before", Object.keys(e.was).map(function (k) { return k + " " + e.was[k]; }).join(", ")]]);
      }
    }
    if (e.redesign) {
      dlRows(dl, [["why it changes", e.redesign.reason], ["change owner", e.redesign.owner],
                  ["pilot", e.redesign.pilot], ["measures", e.redesign.measures]]);
    }
    detailsBody.appendChild(dl);
    if (e.evidence) {
      detailsBody.appendChild(el("h4", "Evidence (" + e.evidence.length + ")"));
      var ul = el("ul", null, "evidence");
      e.evidence.forEach(function (ev) { ul.appendChild(el("li", evidenceText(ev))); });
      detailsBody.appendChild(ul);
    }
    var group = perspectiveOf[i];
    if (group) {
      detailsBody.appendChild(el("h4", "Perspectives: the groups see this differently"));
      var pl = el("ul", null, "perspectives");
      group.forEach(function (j) {
        var o = DATA.edges[j];
        pl.appendChild(el("li", whoAsserted(o) + ": " + o.status +
          (ratingText(o) ? ", " + ratingText(o) : "") + (j === i ? " (this entry)" : "")));
      });
      detailsBody.appendChild(pl);
    }
    var ends = el("p");
    ends.appendChild(button(byId[e.from].name, "link name", function () { select(e.from); }));
    ends.appendChild(document.createTextNode(" → "));
    ends.appendChild(button(byId[e.to].name, "link name", function () { select(e.to); }));
    detailsBody.appendChild(ends);
  }
  var edgeIndex = {};
  DATA.edges.forEach(function (e, i) {
    (edgeIndex[e.from] = edgeIndex[e.from] || []).push(i);
    if (e.to !== e.from) (edgeIndex[e.to] = edgeIndex[e.to] || []).push(i);
  });
  function showDetails(id) {
    var n = byId[id];
    clear(detailsBody);
    document.getElementById("details-empty").hidden = !!n;
    if (!n) return;
    detailsBody.appendChild(el("h3", n.name, "name"));
    detailsBody.appendChild(el("p", ROLES[n.role].label + (n.redacted ? " (redacted)" : "") +
      (n.change ? " — " + NODE_CHANGES[n.change].label.toLowerCase() +
        (n.changed_fields ? " (" + n.changed_fields.join(", ") + ")" : "") : "")));
    if (state.voice) {
      var v = voiceOf[id];
      if (v) detailsBody.appendChild(el("p", VERDICTS[v.verdict].label, "verdict"));
    }
    var dl = el("dl");
    function row(k, v) { dl.appendChild(el("dt", k)); dl.appendChild(el("dd", v)); }
    Object.keys(n.info).forEach(function (k) { row(k, n.info[k]); });
    if (n.tags.length) {
      dl.appendChild(el("dt", "tags"));
      var dd = el("dd");
      n.tags.forEach(function (t) { dd.appendChild(el("span", t, "tag")); });
      dl.appendChild(dd);
    }
    Object.keys(n.attributes).forEach(function (k) { row(k, n.attributes[k]); });
    Object.keys(n.metrics).forEach(function (k) { row(k.replace(/_/g, " "), n.metrics[k]); });
    detailsBody.appendChild(dl);
    var outs = [], ins = [];
    (edgeIndex[id] || []).forEach(function (i) {
      var e = DATA.edges[i];
      if (e.from === id) outs.push(i);
      if (e.to === id) ins.push(i);
    });
    function rel(list, title, other) {
      if (!list.length) return;
      detailsBody.appendChild(el("h4", title + " (" + list.length + ")"));
      var ul = el("ul", null, "rels");
      list.slice(0, 200).forEach(function (i) {
        var e = DATA.edges[i];
        var li = el("li");
        li.appendChild(el("span", e.kind + (e.status !== "existing" ? " (" + e.status + ")" : "") + " "));
        li.appendChild(button(byId[e[other]].name, "link name", function () { select(e[other]); }));
        var more = button("about", "link about", function () { showEdge(i); });
        more.setAttribute("aria-label", "About " + e.kind + " " + (other === "to" ? "to " : "from ") + byId[e[other]].name);
        more.setAttribute("data-edge", String(i));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(more);
        var summary = ratingText(e);
        if (e.changes) summary = e.changes.map(function (k) { return changeMark(e, k); }).join(" ") + (summary ? " · " + summary : "");
        if (perspectiveOf[i]) summary += (summary ? " · " : "") + "groups disagree";
        if (summary) li.appendChild(el("div", summary, "help"));
        if (e.notes) li.appendChild(el("div", e.notes, "help"));
        ul.appendChild(li);
      });
      detailsBody.appendChild(ul);
    }
    rel(outs, "To", "to");
    rel(ins, "From", "from");
  }
  function select(id) {
    if (!byId[id]) return;
    if (GROUPED && view.by && !network.body.nodes[id]) openGroup(groupOf[id], true);
    state.focus = id;
    var ns = {}, es = {};
    ns[id] = true;
    network.getConnectedNodes(id).forEach(function (x) { ns[x] = true; });
    network.getConnectedEdges(id).forEach(function (x) { es[x] = true; });
    highlight(ns, es);
    if (!BIG) network.selectNodes([id]);
    if (GROUPED && view.by) {
      network.fit({ nodes: Object.keys(network.body.nodes).filter(function (x) { return !GROUP_RE.test(x); }).slice(0, 2000),
                    animation: false });
    } else {
      network.focus(id, { scale: BIG ? 1.2 : Math.max(network.getScale(), 0.9), animation: false });
    }
    showDetails(id);
  }
  function clearChoice() {
    state.focus = null;
    highlight(null);
    network.unselectAll();
    showDetails(null);
  }
  network.on("click", function (p) {
    if (p.nodes.length && GROUP_RE.test(p.nodes[0])) openGroup(p.nodes[0].slice(GROUP.length));
    else if (p.nodes.length) select(p.nodes[0]);
    else if (p.edges.length && /^e\d+$/.test(p.edges[0])) showEdge(+String(p.edges[0]).slice(1));
    else if (state.focus) clearChoice();
  });

  // ---------------------------------------------------------------- search
  var search = document.getElementById("search");
  var results = document.getElementById("search-results");
  var names = DATA.nodes.map(function (n) { return [n.name.toLowerCase(), n.id]; });
  function matches(q) {
    q = q.trim().toLowerCase();
    if (!q) return [];
    var out = [];
    for (var i = 0; i < names.length && out.length < 20; i++) {
      if (names[i][0].indexOf(q) >= 0) out.push(names[i][1]);
    }
    return out;
  }
  search.addEventListener("input", function () {
    clear(results);
    var found = matches(search.value);
    found.forEach(function (id) {
      var li = el("li");
      var b = button(byId[id].name, "name", function () { select(id); });
      b.appendChild(el("span", " — " + roleText(byId[id]), "who"));
      li.appendChild(b);
      results.appendChild(li);
    });
    if (search.value.trim() && !found.length) results.appendChild(el("li", "No match"));
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var found = matches(search.value);
      if (found.length) select(found[0]);
      ev.preventDefault();
    }
  });

  // --------------------------------------------------------------- filters
  // The hidden flags the every-stakeholder data sets hold, so that a filter
  // change sends vis-network only the nodes and relationships that change.
  var pushed = { nodes: {}, edges: {} };
  function applyFilters() {
    state.hidden = {};
    var least = +minDegree.value || 0, power = +minPower.value || 0;
    var metric = metricSelect.value, cut = metric ? metricCut(metric, +metricShare.value) : null;
    DATA.nodes.forEach(function (n) {
      var hidden = !state.roles[n.role] || (state.tag && n.tags.indexOf(state.tag) < 0) ||
        degree[n.id] < least || (power && n.role !== "factor" && !(n.info.power >= power)) ||
        (metric && n.role !== "factor" && !(n.metrics[metric] >= cut));
      if (hidden) state.hidden[n.id] = true;
    });
    if (GROUPED && view.by) { between = null; drawOverview(); return; }
    var nu = [], eu = [], hn = pushed.nodes, he = pushed.edges;
    DATA.nodes.forEach(function (n) {
      var h = !!state.hidden[n.id];
      if (!!hn[n.id] !== h) { nu.push({ id: n.id, hidden: h }); hn[n.id] = h; }
    });
    DATA.edges.forEach(function (e, i) {
      var id = "e" + i, h = !state.kinds[e.kind];
      if (!!he[id] !== h) { eu.push({ id: id, hidden: h }); he[id] = h; }
    });
    batch(function () {
      if (nu.length) nodes.update(nu);
      if (eu.length) edges.update(eu);
    });
  }
  var minDegree = document.getElementById("min-degree");
  var minPower = document.getElementById("min-power");
  minDegree.addEventListener("change", function () { applyFilters(); });
  // Keep the stakeholders in the top share by a structure metric (ties kept).
  var metricSelect = document.getElementById("metric-filter");
  var metricShare = document.getElementById("metric-share");
  var METRIC_NAMES = { pagerank: "PageRank (influence)", betweenness: "betweenness (brokers)",
                       in_degree: "in-degree", out_degree: "out-degree", closeness: "closeness", reach: "reach" };
  Object.keys(METRIC_NAMES).forEach(function (k) {
    if (!DATA.nodes.some(function (n) { return n.metrics[k] !== undefined && n.metrics[k] !== null; })) return;
    var o = el("option", METRIC_NAMES[k]); o.value = k; metricSelect.appendChild(o);
  });
  function metricCut(k, share) {
    var values = DATA.nodes.filter(function (n) { return n.role !== "factor" && typeof n.metrics[k] === "number"; })
      .map(function (n) { return n.metrics[k]; }).sort(function (a, b) { return b - a; });
    return values.length ? values[Math.max(0, Math.ceil(values.length * share) - 1)] : Infinity;
  }
  metricSelect.addEventListener("change", function () { applyFilters(); });
  metricShare.addEventListener("change", function () { if (metricSelect.value) applyFilters(); });
  minPower.addEventListener("change", function () { applyFilters(); });
  function checkbox(parent, label, checked, onChange) {
    var l = el("label");
    var c = document.createElement("input");
    c.type = "checkbox"; c.checked = checked;
    c.addEventListener("change", function () { onChange(c.checked); });
    l.appendChild(c);
    l.appendChild(document.createTextNode(" " + label));
    parent.appendChild(l);
    return c;
  }
  var roleBoxes = {}, kindBoxes = {};
  var present = {};
  DATA.nodes.forEach(function (n) { present[n.role] = true; });
  Object.keys(ROLES).forEach(function (r) {
    if (!present[r]) return;
    roleBoxes[r] = checkbox(document.getElementById("role-filter"), ROLES[r].label, true,
      function (on) { state.roles[r] = on; applyFilters(); });
    roleBoxes[r].setAttribute("data-role", r);
  });
  DATA.kinds.forEach(function (k) {
    kindBoxes[k] = checkbox(document.getElementById("kind-filter"), k.replace(/_/g, " "), true,
      function (on) { state.kinds[k] = on; applyFilters(); });
    kindBoxes[k].setAttribute("data-kind", k);
  });
  var tagSelect = document.getElementById("tag-filter");
  DATA.tags.forEach(function (t) {
    var o = el("option", t); o.value = t; tagSelect.appendChild(o);
  });
  tagSelect.addEventListener("change", function () { state.tag = tagSelect.value; applyFilters(); });
  document.getElementById("reset").addEventListener("click", function () {
    Object.keys(roleBoxes).forEach(function (r) { roleBoxes[r].checked = true; state.roles[r] = true; });
    Object.keys(kindBoxes).forEach(function (k) { kindBoxes[k].checked = true; state.kinds[k] = true; });
    tagSelect.value = ""; state.tag = "";
    minDegree.value = "0"; minPower.value = ""; metricSelect.value = "";
    if (GROUPED) view.open = null;
    search.value = ""; clear(results);
    applyFilters();
    if (state.voice) voiceMarks(false);
    clearChoice();
    pressOnly("#loop-list", null);
    pressOnly("#voice-list", null);
    state.userView = false;
    network.fit();
  });

  // -------------------------------------------------------------- overview
  // Group stakeholders (one node per group, sized by members, lines thicker
  // for more relationships between groups) and open one group at a time.
  var GROUPINGS = [
    ["organisation", "organisation", function (n) { return n.org; }],
    ["community", "community", function (n) {
      var c = n.attributes.community; return c === undefined || c === null ? undefined : String(c); }],
    ["type", "type", function (n) { return n.info.type; }],
    ["tag", "first tag", function (n) { return n.tags[0]; }],
    ["role", "role", function (n) { return ROLES[n.role].label; }]
  ];
  var EDGE_CAP = 1000;  // at most this many (3 a group) of the strongest links between groups
  var everyImportance = importance;
  function buildGroups(by) {
    var g = GROUPINGS.filter(function (x) { return x[0] === by; })[0];
    between = null;
    groupOf = {}; groups = {};
    DATA.nodes.forEach(function (n) {
      var k = g[2](n);
      if (k === undefined || k === null || k === "") k = "(no " + g[1] + ")";
      groupOf[n.id] = k;
      var gr = groups[k] || (groups[k] = { key: k, members: [], x: 0, y: 0 });
      gr.members.push(n.id);
      gr.x += n.x || 0; gr.y += n.y || 0;
    });
    groupOrder = Object.keys(groups).sort(function (a, b) {
      return groups[b].members.length - groups[a].members.length || (a < b ? -1 : 1);
    });
    var xs = DATA.nodes.map(function (n) { return n.x || 0; });
    var span = Math.max(1, Math.max.apply(null, xs) - Math.min.apply(null, xs));
    var most = groups[groupOrder[0]].members.length;
    groupOrder.forEach(function (k) { groups[k].x /= groups[k].members.length; groups[k].y /= groups[k].members.length; });
    // Centroids crowd the middle of a large layout: spread them evenly by
    // rank on each axis, which keeps who is left of, above or near whom.
    ["x", "y"].forEach(function (axis) {
      var order = groupOrder.slice().sort(function (a, b) { return groups[a][axis] - groups[b][axis]; });
      order.forEach(function (k, i) {
        groups[k][axis] = span * ((i + 0.5) / order.length - 0.5);
      });
    });
    var base = span / (2.5 * Math.sqrt(groupOrder.length));
    var room = span / Math.sqrt(groupOrder.length);  // about this far apart
    groupOrder.forEach(function (k) {
      groups[k].size = Math.max(base * 0.2, base * 0.5 * Math.sqrt(groups[k].members.length / most));
      groups[k].room = room * Math.max(1, Math.sqrt(groups[k].members.length / 20));
    });
  }
  var overviewSets = false;  // whether the network shows the overview's own data sets
  var synced = { nodes: {}, edges: {} };  // what each overview data set holds, by id
  function syncData(name, set, items, fields) {
    var have = synced[name], want = {}, add = [], change = [];
    items.forEach(function (x) {
      want[x.id] = x;
      var old = have[x.id];
      if (!old) add.push(x);
      else if (fields.some(function (f) { return old[f] !== x[f]; })) change.push(x);
    });
    var drop = Object.keys(have).filter(function (id) { return !want[id]; });
    if (drop.length) set.remove(drop);
    // one update adds the new items too (fewer events, even inside batch())
    if (add.length || change.length) set.update(add.concat(change));
    synced[name] = want;
  }
  function drawnId(id) { return groupOf[id] === view.open ? id : GROUP + groupOf[id]; }
  var between = null;  // links between groups, all closed: [{key, from, to, n, kinds}]
  function countBetween() {
    // numbers for keys: this runs over every relationship on each filter change
    var index = {}, agg = new Map(), out = [], G = groupOrder.length;
    groupOrder.forEach(function (k, i) { index[k] = i; });
    DATA.edges.forEach(function (e) {
      if (!state.kinds[e.kind] || state.hidden[e.from] || state.hidden[e.to]) return;
      var a = index[groupOf[e.from]], b = index[groupOf[e.to]];
      if (a === b) return;
      var x = agg.get(a * G + b);
      if (!x) {
        var from = GROUP + groupOrder[a], to = GROUP + groupOrder[b];
        x = { key: from + "\u0001" + to, from: from, to: to, n: 0, kinds: {} };
        agg.set(a * G + b, x);
        out.push(x);
      }
      x.n++;
      x.kinds[e.kind] = (x.kinds[e.kind] || 0) + 1;
    });
    return out;
  }
  function drawOverview() {
    var gn = [], ge = [], counts = {}, open = [];
    DATA.nodes.forEach(function (n) {
      if (!state.hidden[n.id]) counts[groupOf[n.id]] = (counts[groupOf[n.id]] || 0) + 1;
    });
    groupOrder.forEach(function (k) {
      var gr = groups[k];
      if (k === view.open) {
        gr.members.forEach(function (id) { if (!state.hidden[id]) open.push(id); });
        return;
      }
      if (!counts[k]) return;
      var id = GROUP + k;
      shownName[id] = k + " (" + counts[k] + ")";
      // no label for vis-network: the name (with its count) is drawn from shownName
      gn.push({ id: id, x: gr.x, y: gr.y, size: gr.size, shape: "dot", borderWidth: 3,
                color: { background: "#dce8f5", border: "#1f4e79", highlight: { background: "#b9d3ee", border: "#000" } } });
    });
    open.sort(function (a, b) { return (byId[b].size - byId[a].size) || (degree[b] - degree[a]); });
    if (open.length) {  // the group opens in place: its stakeholders in a disc where it stood
      var g0 = groups[view.open], room = g0.room, sizes = DATA.nodes.length ? 40 : 1;
      open.forEach(function (id, i) {
        var v = {}, src = visById[id], r = room * 0.45 * Math.sqrt((i + 0.5) / open.length), a = i * 2.39996;
        Object.keys(src).forEach(function (k) { v[k] = src[k]; });
        v.x = g0.x + r * Math.cos(a); v.y = g0.y + r * Math.sin(a);
        v.size = Math.max(room / (6 * Math.sqrt(open.length)), room / (3 * Math.sqrt(open.length)) * byId[id].size / sizes);
        gn.push(v);
      });
    }
    // links between closed groups are counted once per grouping and filter;
    // opening a group moves only the links of its own stakeholders
    if (!between) between = countBetween().sort(function (p, q) { return q.n - p.n; });
    var agg = {}, pairs = [], moved = {}, touched = {};
    open.forEach(function (id) {
      (edgeIndex[id] || []).forEach(function (i) {
        if (touched[i]) return;
        touched[i] = true;
        var e = DATA.edges[i];
        if (!state.kinds[e.kind] || state.hidden[e.from] || state.hidden[e.to]) return;
        var ga = GROUP + groupOf[e.from], gb = GROUP + groupOf[e.to];
        if (ga !== gb) moved[ga + "\u0001" + gb] = (moved[ga + "\u0001" + gb] || 0) + 1;
        var a = drawnId(e.from), b = drawnId(e.to);
        if (a === e.from && b === e.to) { ge.push(visEdges[i]); return; }
        var k = a + "\u0001" + b, x = agg[k];
        if (!x) { x = agg[k] = { from: a, to: b, n: 0, kinds: {} }; pairs.push(x); }
        x.n++;
        x.kinds[e.kind] = (x.kinds[e.kind] || 0) + 1;
      });
    });
    // every link of the open group, and the strongest links between closed groups
    var cap = Math.min(EDGE_CAP, Math.max(200, 3 * groupOrder.length));
    for (var j = 0, taken = 0; j < between.length && taken < cap; j++) {
      var x = between[j], n = x.n - (moved[x.key] || 0);
      if (n > 0) { pairs.push(n === x.n ? x : { from: x.from, to: x.to, n: n, kinds: x.kinds }); taken++; }
    }
    pairs.forEach(function (x) {
      var top = Object.keys(x.kinds).sort(function (p, q) { return x.kinds[q] - x.kinds[p]; })[0];
      var c = kindColor(top);
      ge.push({ id: "a" + x.from + "\u0001" + x.to, from: x.from, to: x.to, width: Math.min(1 + Math.log(x.n) / Math.LN2, 8),
                color: { color: c, highlight: c, opacity: 0.75 }, arrows: { to: { enabled: true, scaleFactor: 0.5 } } });
    });
    importance = groupOrder.map(function (k) { return GROUP + k; }).concat(open);
    textWidth = {};
    if (overviewSets) {  // change only what differs: vis-network redraws the rest as it is
      batch(function () {
        syncData("nodes", nodes, gn, ["size"]);
        syncData("edges", edges, ge, ["width"]);
        if (state.voice) voiceMarks(true);
      });
      return;
    }
    nodes = new vis.DataSet(gn);
    edges = new vis.DataSet(ge);
    synced = { nodes: {}, edges: {} };
    gn.forEach(function (x) { synced.nodes[x.id] = x; });
    ge.forEach(function (x) { synced.edges[x.id] = x; });
    overviewSets = true;
    network.setData({ nodes: nodes, edges: edges });
    network.fit();
    if (state.voice) voiceMarks(true);
  }
  function showGroup(key) {
    var gr = groups[key];
    clear(detailsBody);
    document.getElementById("details-empty").hidden = true;
    detailsBody.appendChild(el("h3", key, "name"));
    detailsBody.appendChild(el("p", "A group of " + gr.members.length + " stakeholders (by " +
      view.by + "), now open: its stakeholders are drawn, the other groups stay closed."));
    detailsBody.appendChild(button("Close the group", "link", function () {
      view.open = null; drawOverview(); showDetails(null);
    }));
    var list = gr.members.slice().sort(function (a, b) {
      return (byId[b].size - byId[a].size) || (degree[b] - degree[a]);
    });
    detailsBody.appendChild(el("h4", "Most important (" + Math.min(list.length, 100) + " of " + list.length + ")"));
    var ul = el("ul");
    list.slice(0, 100).forEach(function (id) {
      var li = el("li");
      li.appendChild(button(byId[id].name, "link name", function () { select(id); }));
      li.appendChild(el("span", " — " + roleText(byId[id]), "help"));
      ul.appendChild(li);
    });
    detailsBody.appendChild(ul);
  }
  function openGroup(key, quiet) {
    view.open = key;
    state.focus = null; state.lit = null;
    drawOverview();
    if (quiet) return;
    showGroup(key);
    var shown = groups[key].members.filter(function (id) { return !state.hidden[id]; });
    if (shown.length) network.fit({ nodes: shown.slice(0, 2000), animation: false });
  }
  var groupSelect = document.getElementById("group-by");
  if (BIG) {
    document.getElementById("group-box").hidden = false;
    var half = DATA.nodes.length / 2;
    GROUPINGS.forEach(function (g) {
      var have = 0;
      DATA.nodes.forEach(function (n) { if (g[2](n) !== undefined && g[2](n) !== null) have++; });
      if (!have) return;
      var o = el("option", g[1]); o.value = g[0]; groupSelect.appendChild(o);
      if (GROUPED && !view.by && (have >= half || g[0] === "role")) view.by = g[0];
    });
    groupSelect.value = view.by;
    groupSelect.addEventListener("change", function () {
      view.by = groupSelect.value; view.open = null;
      clearChoice();
      if (view.by) {
        buildGroups(view.by);
        drawOverview();
      } else {  // every stakeholder
        importance = everyImportance;
        overviewSets = false;
        nodes = new vis.DataSet(visNodes);
        edges = new vis.DataSet(visEdges);
        pushed = { nodes: {}, edges: {} };
        network.setData({ nodes: nodes, edges: edges });
        applyFilters();
        if (state.voice) voiceMarks(true);
      }
      network.fit();
    });
    if (view.by) { buildGroups(view.by); drawOverview(); }
  }
  GROUPED = BIG;  // from here on, any large map can be grouped

  // ----------------------------------------------------------------- loops
  function pathNames(path) {
    return path.map(function (p) { return byId[p] ? byId[p].name : p; }).join(" → ");
  }
  var loopList = document.getElementById("loop-list");
  var loopNote = DATA.loops.length ? "" : "No feedback loops declared or found.";
  if (DATA.loops_found > DATA.loops.filter(function (l) { return l.source === "detected"; }).length) {
    loopNote = "Showing the first detected loops of " + DATA.loops_found.toLocaleString() +
      (DATA.loops_complete ? "" : " (the search stopped early)") + ".";
  }
  document.getElementById("loops-note").textContent = loopNote;
  DATA.loops.forEach(function (lp, i) {
    var li = el("li");
    var title = lp.source === "declared"
      ? lp.name + " (declared, " + lp.type + (lp.holds ? "" : ", broken") + ")"
      : "Loop " + (i + 1) + " (" + lp.type + ", " + (lp.path.length - 1) + " steps)";
    var b = button(title, null, function () {
      var ns = {};
      lp.path.forEach(function (p) { ns[p] = true; });
      highlight(ns, pathEdges(lp.path, {}));
      pressOnly("#loop-list", b);
      clear(detailsBody);
      document.getElementById("details-empty").hidden = true;
      detailsBody.appendChild(el("h3", title));
      detailsBody.appendChild(el("p", pathNames(lp.path), "name"));
      network.fit({ nodes: Object.keys(ns).filter(function (x) { return byId[x]; }) });
    });
    b.setAttribute("aria-pressed", "false");
    b.setAttribute("data-loop", String(i));
    li.appendChild(b);
    li.appendChild(el("div", pathNames(lp.path), "help name"));
    loopList.appendChild(li);
  });

  // ----------------------------------------------------------------- voice
  var VOICE = "#0072B2", RETURN = "#009E73";
  var voiceToggle = document.getElementById("voice-toggle");
  var voiceOf = {};
  DATA.voice.forEach(function (v) { voiceOf[v.id] = v; });
  var voiceLegend = null;
  // Mark each beneficiary by its verdict (colour and shape), or put back the role style.
  function voiceMarks(on) {
    state.voice = on;
    voiceToggle.setAttribute("aria-pressed", on ? "true" : "false");
    var drawn = network.body.nodes;
    nodes.update(DATA.voice.filter(function (v) { return drawn[v.id]; }).map(function (v) {
      var b = baseNode[v.id], s = VERDICTS[v.verdict];
      if (on) baseNode[v.id].voice = { background: s.color, border: s.border,
                                       highlight: { background: s.color, border: "#000" } };
      return on ? { id: v.id, shape: s.shape, color: b.voice, borderWidth: v.verdict === "no voice" ? 3 : 2,
                    size: Math.max(byId[v.id].size, v.verdict === "no voice" ? 26 : 20),
                    shapeProperties: { borderDashes: v.verdict === "no voice" ? [3, 2] : false } }
                : { id: v.id, shape: b.shape, color: b.color, borderWidth: b.borderWidth, size: byId[v.id].size,
                    shapeProperties: b.shapeProperties };
    }));
    if (voiceLegend) voiceLegend.hidden = !on;
  }
  function showVoice(rows) {
    var ns = {}, colors = {};
    rows.forEach(function (v) {
      ns[v.id] = true;
      v.path.forEach(function (p) { ns[p] = true; });
      v.return_path.forEach(function (p) { ns[p] = true; });
      Object.keys(pathEdges(v.path, {})).forEach(function (id) { colors[id] = VOICE; });
      Object.keys(pathEdges(v.return_path, {})).forEach(function (id) {
        colors[id] = colors[id] === VOICE ? VOICE : RETURN;
      });
    });
    highlight(ns, {}, colors);
  }
  voiceToggle.addEventListener("click", function () {
    var on = !state.voice;
    pressOnly("#voice-list", null);
    if (on) { voiceMarks(true); showVoice(DATA.voice); } else { highlight(null); voiceMarks(false); }
  });
  var voiceList = document.getElementById("voice-list");
  DATA.voice.slice(0, 500).forEach(function (v) {
    var li = el("li");
    var b = button(byId[v.id].name + " — " + v.verdict, "name", function () {
      pressOnly("#voice-list", b);
      if (!state.voice) voiceMarks(true);
      showVoice([v]);
      showDetails(v.id);
      var p = el("p", v.path.length ? "Voice: " + pathNames(v.path) : "No voice path to a leader.");
      detailsBody.insertBefore(p, detailsBody.children[2] || null);
      if (v.return_path.length) {
        detailsBody.insertBefore(el("p", "Return: " + pathNames(v.return_path)), p.nextSibling);
      }
    });
    b.setAttribute("aria-pressed", "false");
    b.setAttribute("data-voice", v.id);
    li.appendChild(b);
    voiceList.appendChild(li);
  });

  // ---------------------------------------------------------------- legend
  var legend = document.getElementById("legend");
  var SVG = "http://www.w3.org/2000/svg";
  function svgShape(shape) {
    var pts = { triangle: "8,1 15,14 1,14", diamond: "8,1 15,8 8,15 1,8",
                hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
                star: "8,0.5 10,5.8 15.5,6 11.2,9.5 12.7,15 8,11.8 3.3,15 4.8,9.5 0.5,6 6,5.8" };
    var s;
    if (shape === "dot") {
      s = document.createElementNS(SVG, "circle");
      s.setAttribute("cx", "8"); s.setAttribute("cy", "8"); s.setAttribute("r", "6");
    } else if (shape === "square") {
      s = document.createElementNS(SVG, "rect");
      s.setAttribute("x", "2"); s.setAttribute("y", "2"); s.setAttribute("width", "12"); s.setAttribute("height", "12");
    } else {
      s = document.createElementNS(SVG, "polygon");
      s.setAttribute("points", pts[shape]);
    }
    return s;
  }
  function swatch(shape, color, border, dashed) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16"); svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    var s;
    if (["dot", "square", "triangle", "diamond", "hexagon", "star"].indexOf(shape) >= 0) {
      s = svgShape(shape);
      s.setAttribute("fill", color); s.setAttribute("stroke", border || "#333"); s.setAttribute("stroke-width", "1.5");
      if (dashed) s.setAttribute("stroke-dasharray", "2,1.5");
    } else {
      s = document.createElementNS(SVG, "line");
      s.setAttribute("x1", "0"); s.setAttribute("y1", "8"); s.setAttribute("x2", "16"); s.setAttribute("y2", "8");
      s.setAttribute("stroke-width", shape === "thin" ? "1" : "3");
      if (shape === "dashed") s.setAttribute("stroke-dasharray", "5,3");
      if (shape === "dotted") s.setAttribute("stroke-dasharray", "2,3");
      if (shape === "dashdot") s.setAttribute("stroke-dasharray", "6,2,2,2");
      s.setAttribute("stroke", color);
    }
    svg.appendChild(s);
    return svg;
  }
  function legendGroup(title, items) {
    var box = el("div", null, "legend-group");
    box.appendChild(el("h3", title));
    var ul = el("ul");
    items.forEach(function (it) {
      var li = el("li");
      li.appendChild(swatch(it[0], it[1], it[2], it[4]));
      li.appendChild(el("span", it[3]));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    legend.appendChild(box);
    return box;
  }
  legendGroup("Roles (colour and shape)", Object.keys(ROLES).filter(function (r) { return present[r]; })
    .map(function (r) { var x = ROLES[r]; return [x.shape, x.color, x.border, x.label]; }));
  if (DATA.diff) {
    var rc = DATA.diff.relationships, sc = DATA.diff.stakeholders;
    legendGroup("Relationship changes", Object.keys(CHANGES).map(function (k) {
      var c = CHANGES[k];
      var shape = c.dashes ? (k === "status_changed" ? "dashdot" : "dashed") : "solid";
      return [shape, c.color, c.color, c.label + " (" + c.mark.split(" ")[0] + "): " + (rc[k] || 0)];
    }));
    legendGroup("Stakeholder changes", Object.keys(NODE_CHANGES).map(function (k) {
      var c = NODE_CHANGES[k];
      return ["square", k === "removed" ? "#e6e6e6" : "#fff", c.color,
              c.label + " (" + c.prefix.trim() + "): " + (sc[k] || 0), k === "removed"];
    }));
  } else {
    legendGroup("Relationships (colour by kind)", KIND_GROUPS.map(function (g) { return ["solid", g.color, null, g.label]; }));
  }
  legendGroup("Status", [["solid", "#555", null, "existing"], ["dashed", "#555", null, "proposed"],
    ["thin", "#555", null, "weak"], ["dotted", "#D55E00", null, "broken (✕)"]]);
  if (BIG) {
    legendGroup("Groups (large maps)", [["dot", "#dce8f5", "#1f4e79",
      "a group, with how many it holds; lines between groups are thicker for more relationships"]]);
  }
  voiceLegend = legendGroup("Voice view (beneficiaries, colour and shape)", Object.keys(VERDICTS).map(function (k) {
    var v = VERDICTS[k];
    return [v.shape, v.color, v.border, v.label, k === "no voice"];
  }));
  voiceLegend.hidden = true;
  legend.appendChild(el("p", "Arrows show direction (both ends: mutual). Size: " +
    DATA.size_by.replace(/_/g, " ") + ". Names: the most important that fit; zoom in or point at a shape for more.", "help"));

  // ------------------------------------------------------ text alternative
  var built = false;
  function buildTables() {
    if (built) return;
    built = true;
    var box = document.getElementById("tables");
    function table(caption, headers, rows) {
      var t = el("table");
      t.appendChild(el("caption", caption));
      var tr = el("tr");
      headers.forEach(function (h) { var th = el("th", h); th.scope = "col"; tr.appendChild(th); });
      var thead = el("thead"); thead.appendChild(tr); t.appendChild(thead);
      var tb = el("tbody");
      rows.forEach(function (r) {
        var row = el("tr");
        r.forEach(function (c) { row.appendChild(el("td", c === undefined || c === null ? "" : c)); });
        tb.appendChild(row);
      });
      t.appendChild(tb);
      box.appendChild(t);
    }
    table("Stakeholders and factors", ["Name", "Role", "Organisation", "Power", "Voice", "Tags", "Description"],
      DATA.nodes.map(function (n) {
        return [n.name, ROLES[n.role].label + (n.change ? " (" + n.change + ")" : ""), n.org,
                n.info.power, voiceOf[n.id] ? voiceOf[n.id].verdict : "", n.tags.join(", "), n.info.description];
      }));
    var headers = ["From", "Kind", "To", "Status", "Direction", "Polarity", "Strength", "Trust",
                   "Power carried", "Evidence", "Redesign: why, owner, pilot", "Notes"];
    if (DATA.diff) headers.push("Changes");
    table("Relationships", headers, DATA.edges.map(function (e) {
      var r = e.redesign;
      var row = [byId[e.from].name, e.kind, byId[e.to].name,
                 e.status, e.mutual ? "mutual" : "one-way", e.polarity, e.strength, e.trust,
                 e.power ? powerText(e.power) : "",
                 (e.evidence || []).map(evidenceText).join("; "),
                 r ? [r.reason, r.owner ? "owner: " + r.owner : null, r.pilot ? "pilot: " + r.pilot : null]
                       .filter(function (x) { return x; }).join("; ") : "",
                 e.notes];
      if (DATA.diff) row.push((e.changes || []).map(function (k) { return changeMark(e, k); }).join(", "));
      return row;
    }));
    if (DATA.perspectives.length) {
      var prow = [];
      DATA.perspectives.forEach(function (group) {
        group.forEach(function (i) {
          var e = DATA.edges[i];
          prow.push([byId[e.from].name + " → " + byId[e.to].name + " (" + e.kind + ")", whoAsserted(e),
                     e.status, e.strength, e.trust]);
        });
      });
      table("Perspectives: relationships the groups see differently",
            ["Relationship", "Asserted by", "Status", "Strength", "Trust"], prow);
    }
    if (DATA.loops.length) {
      table("Feedback loops", ["Loop", "Type", "Path"], DATA.loops.map(function (lp, i) {
        return [lp.source === "declared" ? lp.name : "Loop " + (i + 1), lp.type, pathNames(lp.path)];
      }));
    }
  }
  var textAlt = document.getElementById("text-alternative");
  textAlt.addEventListener("toggle", function () { if (this.open) buildTables(); });
  // On paper: the map and legend first, the tables after.
  // The canvas keeps its picture on paper: the printed box takes the screen's shape.
  function forPrint() {
    buildTables();
    textAlt.open = true;
  }
  window.addEventListener("beforeprint", forPrint);
  if (window.matchMedia) {
    window.matchMedia("print").addEventListener("change", function (mq) { if (mq.matches) forPrint(); });
  }

  performance.mark("sysmap-controls");
  // For tests and for people who script the page.
  window.sysmapMap = {
    network: network, data: DATA, select: select, showEdge: showEdge,
    get nodes() { return nodes; }, get edges() { return edges; },
    name: function (id) { return shownName[id]; },
    groups: function () { return view.by ? { by: view.by, open: view.open, count: groupOrder.length } : null; },
    labels: function () { return drawnLabels.map(function (l) { return { id: l.id, box: l.box.slice() }; }); }
  };
})();
