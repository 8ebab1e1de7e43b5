/* sysmap workshop: shared by both pages. Text from participants and from the
   map reaches the page only through textContent (or vis-network's canvas),
   never as markup. */
(function () {
  "use strict";
  var ROLES = {
    beneficiary: { label: "Beneficiary", color: "#E69F00", border: "#8a5f00", shape: "dot" },
    provider: { label: "Provider", color: "#56B4E9", border: "#1f6d99", shape: "square" },
    leader: { label: "Leader", color: "#CC79A7", border: "#7d3a62", shape: "triangle" },
    factor: { label: "Factor", color: "#F0E442", border: "#7a7200", shape: "diamond" }
  };
  var STATUS = { weak: "#E69F00", broken: "#D55E00", proposed: "#7f7f7f" };
  var FAINT = "rgba(160,160,160,0.25)";

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
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

  // The live map: vis-network data sets updated in place, so nothing jumps.
  function MapView(container, opts) {
    opts = opts || {};
    this.nodes = new vis.DataSet();
    this.edges = new vis.DataSet();
    this.data = null;
    this.stage = "who";
    this.fontSize = opts.fontSize || 16;
    this.network = new vis.Network(container, { nodes: this.nodes, edges: this.edges }, {
      autoResize: true,
      interaction: { hover: false, tooltipDelay: 100000, navigationButtons: false },
      layout: { improvedLayout: false, randomSeed: 7 },
      physics: { solver: "forceAtlas2Based", stabilization: { iterations: 250, fit: true },
                 forceAtlas2Based: { gravitationalConstant: -110, springLength: 140,
                                     centralGravity: 0.006, avoidOverlap: 0.7 } },
      nodes: { font: { size: this.fontSize, face: "system-ui, sans-serif", color: "#111",
                       strokeWidth: 5, strokeColor: "#fff" } },
      edges: { smooth: false, arrows: { to: { enabled: true, scaleFactor: 0.6 } },
               font: { size: Math.round(this.fontSize * 0.7), strokeWidth: 3 } }
    });
    var net = this.network;
    // fit the whole map once it has settled, and again while the room adds to it
    var self = this;
    net.on("stabilizationIterationsDone", function () { net.fit(); self.readable(); });
    this.fitted = false;
    this.minScreenFont = opts.minScreenFont || 0;
  }
  // Keep names readable from the back of the room: after fitting the map,
  // draw labels at least minScreenFont pixels high; long names are shortened
  // on a crowded map (the full name is in the lists and the file).
  MapView.prototype.readable = function () {
    if (!this.minScreenFont) return;
    var size = Math.max(this.fontSize, Math.round(this.minScreenFont / this.network.getScale()));
    this.network.setOptions({ nodes: { font: { size: size } } });
  };
  MapView.prototype.label = function (name) {
    var crowded = this.data && this.data.nodes.length > 25;
    return crowded && name.length > 24 ? name.slice(0, 22) + "…" : name;
  };
  MapView.prototype.nodeStyle = function (n) {
    var r = ROLES[n.role] || ROLES.factor;
    var v = { id: n.id, label: this.label(n.name), shape: r.shape, size: 14 + 3 * (n.power || 0),
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
    sync(this.nodes, data.nodes.map(this.nodeStyle, this));
    sync(this.edges, data.edges.map(this.edgeStyle, this));
    if (!this.fitted) {
      this.fitted = true;
      var net = this.network;
      var self = this;
      setTimeout(function () { net.fit(); self.readable(); }, 1500);
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
