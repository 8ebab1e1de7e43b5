/* sysmap workshop: shared by both pages. Text from participants and from the
   map reaches the page only through textContent (or vis-network's canvas),
   never as markup. */
(function () {
  "use strict";
  // each role's colour and shape, and the DOM helpers: shared.js (also the HTML map's)
  var ROLES = SYSMAP_SHARED.ROLES, el = SYSMAP_SHARED.el, clear = SYSMAP_SHARED.clear;
  var STATUS = { weak: "#E69F00", broken: "#D55E00", proposed: "#7f7f7f" };
  var FAINT = "rgba(160,160,160,0.25)";

  function notice(text, bad) {
    var n = document.getElementById("notice");
    n.textContent = text;
    n.className = bad ? "notice bad" : "notice";
    n.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(function () { n.hidden = true; }, 6000);
  }

  // One live channel; says hello, then hands every message to onMessage.
  function connect(hello, onMessage) {
    var delay = 500, stopped = false, ws = null;
    var api = {
      send: function (msg) {
        if (ws && ws.readyState === 1) { ws.send(JSON.stringify(msg)); return true; }
        notice("Not connected — trying again…", true);
        return false;
      }
    };
    function open() {
      var proto = location.protocol === "https:" ? "wss://" : "ws://";
      ws = new WebSocket(proto + location.host + "/ws");
      ws.onopen = function () { delay = 500; ws.send(JSON.stringify(hello)); };
      ws.onmessage = function (ev) {
        var msg;
        try { msg = JSON.parse(ev.data); } catch (e) { return; }
        if (msg.type === "refused" || msg.type === "ended") stopped = true;
        onMessage(msg);
      };
      ws.onclose = function () {
        if (stopped) return;
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 8000);
      };
    }
    open();
    setInterval(function () { api.send({ type: "ping" }); }, 25000);
    return api;
  }

  // Names on the map are drawn by sysmap, not by vis-network: px CSS pixels
  // high on screen whatever the zoom, in the order given (most important
  // first); a name whose box would overlap one already drawn, or leave the
  // map, is left out. Returns what was drawn: [{id, text, box}] in CSS px.
  var NAME_FONT = "px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  function drawNames(ctx, network, order, names, px) {
    var canvas = ctx.canvas, W = canvas.clientWidth, H = canvas.clientHeight;
    var pr = canvas.width / (W || 1) || 1;
    var t = ctx.getTransform(), s = t.a / pr, tx = t.e / pr, ty = t.f / pr;
    var bodies = network.body.nodes, placed = [];
    ctx.save();
    ctx.setTransform(pr, 0, 0, pr, 0, 0);
    ctx.font = px + NAME_FONT;
    order.forEach(function (id) {
      var node = bodies[id], text = names[id];
      if (!node || !text || placed.length >= 300) return;
      var x = node.x * s + tx, top = node.y * s + ty + (node.options.size || 10) * s + 3;
      var w = ctx.measureText(text).width;
      var b = [x - w / 2 - 2, top, x + w / 2 + 2, top + px + 4];
      if (b[0] < 0 || b[2] > W || b[1] < 0 || b[3] > H) return;
      for (var i = 0; i < placed.length; i++) {
        var o = placed[i].box;
        if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return;
      }
      placed.push({ id: id, text: text, x: x, y: top + 2, box: b });
    });
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    ctx.lineWidth = 4;
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    ctx.fillStyle = "#111";
    placed.forEach(function (l) {
      ctx.strokeText(l.text, l.x, l.y);
      ctx.fillText(l.text, l.x, l.y);
    });
    ctx.restore();
    return placed.map(function (l) { return { id: l.id, text: l.text, box: l.box }; });
  }

  // The live map: vis-network data sets updated in place, so nothing jumps.
  // opts.namePx: how high names are drawn on screen (CSS px).
  function MapView(container, opts) {
    opts = opts || {};
    this.nodes = new vis.DataSet();
    this.edges = new vis.DataSet();
    this.data = null;
    this.stage = "who";
    this.names = {};       // id -> the name drawn on the map
    this.importance = [];  // ids: most power first, then most relationships
    this.drawn = [];       // the names drawn in the last frame (for the tests)
    this.hover = null;
    this.userView = false;
    this.fontSize = opts.fontSize || 16;
    this.namePx = opts.namePx || 14;
    this.network = new vis.Network(container, { nodes: this.nodes, edges: this.edges }, {
      autoResize: true,
      interaction: { hover: true, tooltipDelay: 100000, navigationButtons: false },
      layout: { improvedLayout: false, randomSeed: 7 },
      physics: { solver: "forceAtlas2Based", stabilization: { iterations: 250, fit: true },
                 forceAtlas2Based: { gravitationalConstant: -110, springLength: 140,
                                     centralGravity: 0.006, avoidOverlap: 0.7 } },
      edges: { smooth: false, arrows: { to: { enabled: true, scaleFactor: 0.6 } },
               font: { size: Math.round(this.fontSize * 0.7), strokeWidth: 3 } }
    });
    var net = this.network, self = this;
    // fit the whole map once it has settled, and again when the map's box
    // changes size (window, presenting), unless someone has zoomed
    net.on("stabilizationIterationsDone", function () { net.fit(); });
    net.on("zoom", function () { self.userView = true; });
    net.on("hoverNode", function (p) { self.hover = p.node; net.redraw(); });
    net.on("blurNode", function () { self.hover = null; net.redraw(); });
    net.on("afterDrawing", function (ctx) {
      var first = net.getSelectedNodes().concat(self.hover ? [self.hover] : []);
      self.drawn = drawNames(ctx, net, first.concat(self.importance), self.names, self.namePx);
    });
    if (window.ResizeObserver) {
      var timer = null;
      new ResizeObserver(function () {
        clearTimeout(timer);
        timer = setTimeout(function () { if (!self.userView) net.fit(); net.redraw(); }, 120);
      }).observe(container);
    }
    this.fitted = false;
  }
  MapView.prototype.refit = function () {
    this.userView = false;
    this.network.fit();
  };
  // On a crowded map long names are shortened (the full name is in the
  // lists and the file).
  MapView.prototype.label = function (name) {
    var crowded = this.data && this.data.nodes.length > 25;
    return crowded && name.length > 24 ? name.slice(0, 22) + "…" : name;
  };
  MapView.prototype.nodeStyle = function (n) {
    var r = ROLES[n.role] || ROLES.factor;
    var v = { id: n.id, shape: r.shape, size: 14 + 3 * (n.power || 0),
              color: { background: r.color, border: r.border }, borderWidth: 2 };
    if (n.new) { v.borderWidth = 6; v.color = { background: r.color, border: "#0072B2" }; }
    var faint = (this.stage === "what" || this.stage === "how") && !n.new && !this.touched[n.id];
    if (faint) v.color = { background: "#eee", border: "#bbb" };
    return v;
  };
  MapView.prototype.edgeStyle = function (e) {
    var mark = e.workshop ? Object.keys(e.workshop).reduce(function (s, k) { return s + e.workshop[k]; }, 0) : 0;
    var v = { id: e.key, from: e.from, to: e.to, width: 1 + (e.strength || 1) * 0.6,
              color: { color: "#8a8a8a" }, dashes: false, label: mark ? "✓" + mark : "" };
    if (e.mutual) v.arrows = { to: { enabled: true }, from: { enabled: true } };
    if (e.status === "weak") { v.color = { color: STATUS.weak }; v.dashes = [6, 4]; }
    if (e.status === "broken") { v.color = { color: STATUS.broken }; v.dashes = [2, 6]; v.label = "✕ " + v.label; }
    if (e.status === "proposed") v.dashes = [10, 6];
    if (this.stage === "why") {
      if (e.voice) { v.color = { color: "#0072B2" }; v.width += 2; }
      else if (e.status !== "weak" && e.status !== "broken") v.color = { color: FAINT };
    } else if (this.stage === "what" || this.stage === "how") {
      if (mark || e.status === "proposed") { v.color = { color: "#009E73" }; v.width += 2; }
      else v.color = { color: FAINT };
    }
    return v;
  };
  MapView.prototype.update = function (data) {
    this.data = data;
    var touched = {};
    data.edges.forEach(function (e) { if (e.workshop || e.status === "proposed") { touched[e.from] = 1; touched[e.to] = 1; } });
    this.touched = touched;
    var names = {}, degree = {}, power = {};
    data.nodes.forEach(function (n) { names[n.id] = this.label(n.name); degree[n.id] = 0; power[n.id] = n.power || 0; }, this);
    data.edges.forEach(function (e) { degree[e.from] = (degree[e.from] || 0) + 1; degree[e.to] = (degree[e.to] || 0) + 1; });
    this.names = names;
    this.importance = Object.keys(names).sort(function (a, b) {
      return (power[b] - power[a]) || (degree[b] - degree[a]) || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0);
    });
    sync(this.nodes, data.nodes.map(this.nodeStyle, this));
    sync(this.edges, data.edges.map(this.edgeStyle, this));
    if (!this.fitted) {
      this.fitted = true;
      var net = this.network;
      var self = this;
      setTimeout(function () { if (!self.userView) net.fit(); }, 1500);
    }
  };
  MapView.prototype.setStage = function (stage) {
    this.stage = stage;
    if (this.data) this.update(this.data);
  };
  function sync(set, items) {
    var keep = {};
    items.forEach(function (x) { keep[x.id] = 1; });
    var gone = set.getIds().filter(function (id) { return !keep[id]; });
    if (gone.length) set.remove(gone);
    set.update(items);
  }

  function legend(box) {
    clear(box);
    Object.keys(ROLES).forEach(function (k) {
      var item = el("span", ROLES[k].label, "key key-" + k);
      box.appendChild(item);
    });
    box.appendChild(el("span", "weak (dashed)", "key key-weak"));
    box.appendChild(el("span", "✕ broken", "key key-broken"));
    box.appendChild(el("span", "✓n confirmed in the room", "key"));
  }

  window.SM = { el: el, clear: clear, notice: notice, connect: connect, MapView: MapView,
                legend: legend, ROLES: ROLES };
})();
