/* sysmap interactive map. Map text reaches the DOM only through textContent
   (or the canvas, which vis-network draws as text), never as markup. */
(function () {
  "use strict";
  performance.mark("sysmap-start");
  var DATA = JSON.parse(document.getElementById("sysmap-data").textContent);

  // Okabe–Ito colours; each role also has its own shape.
  var ROLES = {
    beneficiary: { label: "Beneficiary", color: "#E69F00", border: "#8a5f00", shape: "dot" },
    provider: { label: "Provider", color: "#56B4E9", border: "#1f6d99", shape: "square" },
    leader: { label: "Leader", color: "#CC79A7", border: "#7d3a62", shape: "triangle" },
    factor: { label: "Factor", color: "#F0E442", border: "#7a7200", shape: "diamond" }
  };
  var KIND_GROUPS = [
    { label: "Voice (feedback, advocates, represents, informs)", color: "#0072B2",
      kinds: ["feedback", "advocates", "represents", "informs"] },
    { label: "Money (funds, compensates, contracts, employs)", color: "#009E73",
      kinds: ["funds", "compensates", "contracts", "employs"] },
    { label: "Authority (governs)", color: "#D55E00", kinds: ["governs"] },
    { label: "Cause (influences, with + or −)", color: "#000000", kinds: ["influences"] },
    { label: "Other (serves, refers, collaborates …)", color: "#7f7f7f", kinds: [] }
  ];
  var CHANGES = {
    formed: { label: "Formed", color: "#0072B2", mark: "+ formed", width: 4 },
    retired: { label: "Retired", color: "#D55E00", mark: "✕ retired", width: 2, dashes: [4, 6] },
    rewired: { label: "Rewired", color: "#CC79A7", mark: "↻ rewired", width: 4 },
    strengthened: { label: "Strengthened", color: "#009E73", mark: "▲ stronger", width: 5 },
    weakened: { label: "Weakened", color: "#E69F00", mark: "▼ weaker", width: 1.5, dashes: [2, 3] },
    added: { label: "Added stakeholder", color: "#0072B2" },
    removed: { label: "Removed stakeholder", color: "#9e9e9e" }
  };
  var DIM = "rgba(200,200,200,0.35)";
  var BIG = DATA.layout === "precomputed";

  function kindColor(kind) {
    for (var i = 0; i < KIND_GROUPS.length - 1; i++) {
      if (KIND_GROUPS[i].kinds.indexOf(kind) >= 0) return KIND_GROUPS[i].color;
    }
    return KIND_GROUPS[KIND_GROUPS.length - 1].color;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

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
  DATA.nodes.forEach(function (n) { byId[n.id] = n; });
  var baseNode = {};
  var visNodes = DATA.nodes.map(function (n) {
    var r = ROLES[n.role];
    var v = {
      id: n.id, label: n.name, shape: r.shape, size: n.size,
      color: { background: r.color, border: r.border,
               highlight: { background: r.color, border: "#000" } },
      borderWidth: 1.5, font: { color: "#1a1a1a" }
    };
    if (n.change === "added") {
      v.borderWidth = 5; v.color.border = CHANGES.added.color; v.label = "+ " + n.name;
    } else if (n.change === "removed") {
      v.color = { background: "#e6e6e6", border: "#9e9e9e" };
      v.shapeProperties = { borderDashes: [4, 4] }; v.borderWidth = 3;
      v.label = "− " + n.name; v.font = { color: "#777" };
    }
    if (n.x !== undefined) { v.x = n.x; v.y = n.y; }
    baseNode[n.id] = { color: v.color, font: v.font };
    return v;
  });
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
      var c = e.change ? CHANGES[e.change] : null;
      color = c ? c.color : "#b3b3b3";
      if (c) {
        v.width = c.width; label.push(c.mark);
        if (c.dashes) v.dashes = c.dashes;
      }
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
  var nodes = new vis.DataSet(visNodes);
  var edges = new vis.DataSet(visEdges);

  var options = {
    autoResize: true,
    layout: { randomSeed: 7, improvedLayout: !BIG },
    nodes: { font: { size: 16, face: "system-ui, sans-serif", strokeWidth: 3, strokeColor: "#fff" },
             scaling: { label: { drawThreshold: 6 } } },
    edges: { smooth: BIG ? false : { type: "curvedCW", roundness: 0.12 },
             arrows: { to: { scaleFactor: 0.6 }, from: { scaleFactor: 0.6 } },
             selectionWidth: BIG ? 4 : 2 },
    interaction: { hover: !BIG, tooltipDelay: 300, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG,
                   keyboard: { enabled: false }, navigationButtons: false },
    physics: BIG ? false : {
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -140, springLength: 150, avoidOverlap: 0.7 },
      stabilization: { iterations: 300, updateInterval: 100, fit: true }
    }
  };
  var container = document.getElementById("map");
  performance.mark("sysmap-data");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  performance.mark("sysmap-network");

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
  var state = { focus: null, roles: {}, kinds: {}, tag: "" };
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
    network.setSelection(
      { nodes: Object.keys(nodeSet).filter(function (id) { return byId[id]; }), edges: Object.keys(ids) },
      { unselectAll: true, highlightEdges: false });
    state.highlighted = true;
  }
  function highlight(nodeSet, edgeSet, edgeColors) {
    if (BIG) return highlightBig(nodeSet, edgeSet, edgeColors);
    var nu = [], eu = [];
    DATA.nodes.forEach(function (n) {
      var on = !nodeSet || nodeSet[n.id];
      var b = baseNode[n.id];
      nu.push({ id: n.id,
                color: on ? b.color : { background: DIM, border: DIM },
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
    nodes.update(nu);
    edges.update(eu);
    state.highlighted = !!nodeSet;
  }
  function pathEdges(path, into) {
    for (var i = 0; i + 1 < path.length; i++) {
      (pairEdges[path[i] + "\u0000" + path[i + 1]] || []).forEach(function (id) { into[id] = true; });
    }
    return into;
  }
  function pressOnly(list, button) {
    Array.prototype.forEach.call(document.querySelectorAll(list + " button"), function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
  }

  // --------------------------------------------------------------- details
  var detailsBody = document.getElementById("details-body");
  function showDetails(id) {
    var n = byId[id];
    clear(detailsBody);
    document.getElementById("details-empty").hidden = !!n;
    if (!n) return;
    detailsBody.appendChild(el("h3", n.name, "name"));
    detailsBody.appendChild(el("p", ROLES[n.role].label + (n.redacted ? " (redacted)" : "") +
      (n.change ? " — " + CHANGES[n.change].label.toLowerCase() : "")));
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
    DATA.edges.forEach(function (e) {
      if (e.from === id) outs.push(e);
      if (e.to === id) ins.push(e);
    });
    function rel(list, title, other) {
      if (!list.length) return;
      detailsBody.appendChild(el("h4", title + " (" + list.length + ")"));
      var ul = el("ul");
      list.slice(0, 200).forEach(function (e) {
        var li = el("li");
        var b = el("button", byId[e[other]].name, "link name");
        b.type = "button";
        b.addEventListener("click", function () { select(e[other]); });
        li.appendChild(el("span", e.kind + (e.status !== "existing" ? " (" + e.status + ")" : "") + " "));
        li.appendChild(b);
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
    state.focus = id;
    var ns = {}, es = {};
    ns[id] = true;
    network.getConnectedNodes(id).forEach(function (x) { ns[x] = true; });
    network.getConnectedEdges(id).forEach(function (x) { es[x] = true; });
    highlight(ns, es);
    if (!BIG) network.selectNodes([id]);
    network.focus(id, { scale: BIG ? 1.2 : Math.max(network.getScale(), 0.9), animation: false });
    showDetails(id);
  }
  network.on("click", function (p) {
    if (p.nodes.length) select(p.nodes[0]);
    else if (!p.edges.length) { state.focus = null; highlight(null); showDetails(null); }
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
      var b = el("button", byId[id].name, "name");
      b.type = "button";
      b.addEventListener("click", function () { select(id); });
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
  function applyFilters() {
    var nu = [];
    DATA.nodes.forEach(function (n) {
      var hidden = !state.roles[n.role] || (state.tag && n.tags.indexOf(state.tag) < 0);
      nu.push({ id: n.id, hidden: !!hidden });
    });
    nodes.update(nu);
    edges.update(DATA.edges.map(function (e, i) {
      return { id: "e" + i, hidden: !state.kinds[e.kind] };
    }));
  }
  function checkbox(parent, label, checked, onChange, extra) {
    var l = el("label");
    var c = document.createElement("input");
    c.type = "checkbox"; c.checked = checked;
    c.addEventListener("change", function () { onChange(c.checked); });
    l.appendChild(c);
    if (extra) l.appendChild(extra);
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
    applyFilters();
    highlight(null);
    pressOnly("#loop-list", null);
    pressOnly("#voice-list", null);
    voiceToggle.setAttribute("aria-pressed", "false");
    network.unselectAll();
    network.fit();
  });

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
    var b = el("button", title);
    b.type = "button";
    b.setAttribute("aria-pressed", "false");
    b.setAttribute("data-loop", String(i));
    b.addEventListener("click", function () {
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
    li.appendChild(b);
    li.appendChild(el("div", pathNames(lp.path), "help name"));
    loopList.appendChild(li);
  });

  // ----------------------------------------------------------------- voice
  var VOICE = "#0072B2", RETURN = "#009E73";
  var voiceToggle = document.getElementById("voice-toggle");
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
    var on = voiceToggle.getAttribute("aria-pressed") !== "true";
    voiceToggle.setAttribute("aria-pressed", on ? "true" : "false");
    pressOnly("#voice-list", null);
    if (on) showVoice(DATA.voice); else highlight(null);
  });
  var voiceList = document.getElementById("voice-list");
  DATA.voice.slice(0, 500).forEach(function (v) {
    var li = el("li");
    var b = el("button", byId[v.id].name + " — " + v.verdict, "name");
    b.type = "button";
    b.setAttribute("aria-pressed", "false");
    b.setAttribute("data-voice", v.id);
    b.addEventListener("click", function () {
      pressOnly("#voice-list", b);
      voiceToggle.setAttribute("aria-pressed", "true");
      showVoice([v]);
      showDetails(v.id);
      var p = el("p", v.path.length ? "Voice: " + pathNames(v.path) : "No voice path to a leader.");
      detailsBody.insertBefore(p, detailsBody.children[2] || null);
      if (v.return_path.length) {
        detailsBody.insertBefore(el("p", "Return: " + pathNames(v.return_path)), p.nextSibling);
      }
    });
    li.appendChild(b);
    voiceList.appendChild(li);
  });

  // ---------------------------------------------------------------- legend
  var legend = document.getElementById("legend");
  function swatch(shape, color, border) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "16"); svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    var s;
    if (shape === "dot") { s = document.createElementNS(ns, "circle"); s.setAttribute("cx", "8"); s.setAttribute("cy", "8"); s.setAttribute("r", "6"); }
    else if (shape === "square") { s = document.createElementNS(ns, "rect"); s.setAttribute("x", "2"); s.setAttribute("y", "2"); s.setAttribute("width", "12"); s.setAttribute("height", "12"); }
    else if (shape === "triangle") { s = document.createElementNS(ns, "polygon"); s.setAttribute("points", "8,1 15,14 1,14"); }
    else if (shape === "diamond") { s = document.createElementNS(ns, "polygon"); s.setAttribute("points", "8,1 15,8 8,15 1,8"); }
    else {
      s = document.createElementNS(ns, "line");
      s.setAttribute("x1", "0"); s.setAttribute("y1", "8"); s.setAttribute("x2", "16"); s.setAttribute("y2", "8");
      s.setAttribute("stroke-width", shape === "thin" ? "1" : "3");
      if (shape === "dashed") s.setAttribute("stroke-dasharray", "5,3");
      if (shape === "dotted") s.setAttribute("stroke-dasharray", "2,3");
      s.setAttribute("stroke", color);
      svg.appendChild(s);
      return svg;
    }
    s.setAttribute("fill", color); s.setAttribute("stroke", border || "#333"); s.setAttribute("stroke-width", "1.5");
    svg.appendChild(s);
    return svg;
  }
  function legendGroup(title, items) {
    legend.appendChild(el("h3", title));
    var ul = el("ul");
    items.forEach(function (it) {
      var li = el("li");
      li.appendChild(swatch(it[0], it[1], it[2]));
      li.appendChild(el("span", it[3]));
      ul.appendChild(li);
    });
    legend.appendChild(ul);
  }
  legendGroup("Roles (colour and shape)", Object.keys(ROLES).filter(function (r) { return present[r]; })
    .map(function (r) { var x = ROLES[r]; return [x.shape, x.color, x.border, x.label]; }));
  if (DATA.diff) {
    legendGroup("Changes", Object.keys(CHANGES).map(function (k) {
      var c = CHANGES[k];
      var shape = k === "added" || k === "removed" ? "square" : (c.dashes ? "dashed" : "solid");
      return [shape, k === "removed" ? "#e6e6e6" : (k === "added" ? "#fff" : c.color), c.color,
              c.label + (c.mark ? " (" + c.mark.split(" ")[0] + ")" : "") + ": " + (DATA.diff[k] || 0)];
    }));
  } else {
    legendGroup("Relationships (colour by kind)", KIND_GROUPS.map(function (g) { return ["solid", g.color, null, g.label]; }));
  }
  legendGroup("Status", [["solid", "#555", null, "existing"], ["dashed", "#555", null, "proposed"],
    ["thin", "#555", null, "weak"], ["dotted", "#D55E00", null, "broken (✕)"]]);
  legend.appendChild(el("p", "Arrows show direction (both ends: mutual). Size: " +
    DATA.size_by.replace(/_/g, " ") + ".", "help"));

  // ------------------------------------------------------ text alternative
  var built = false;
  document.getElementById("text-alternative").addEventListener("toggle", function () {
    if (built || !this.open) return;
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
    table("Stakeholders and factors", ["Name", "Role", "Power", "Tags", "Description"],
      DATA.nodes.map(function (n) {
        return [n.name, ROLES[n.role].label + (n.change ? " (" + n.change + ")" : ""),
                n.info.power, n.tags.join(", "), n.info.description];
      }));
    table("Relationships", ["From", "Kind", "To", "Status", "Direction", "Polarity", "Strength", "Notes"],
      DATA.edges.map(function (e) {
        return [byId[e.from].name, e.kind + (e.change ? " (" + e.change + ")" : ""), byId[e.to].name,
                e.status, e.mutual ? "mutual" : "one-way", e.polarity, e.strength, e.notes];
      }));
    if (DATA.loops.length) {
      table("Feedback loops", ["Loop", "Type", "Path"], DATA.loops.map(function (lp, i) {
        return [lp.source === "declared" ? lp.name : "Loop " + (i + 1), lp.type, pathNames(lp.path)];
      }));
    }
  });

  performance.mark("sysmap-controls");
  // For tests and for people who script the page.
  window.sysmapMap = { network: network, nodes: nodes, edges: edges, data: DATA, select: select };
})();
