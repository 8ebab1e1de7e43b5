// sysmap: the "What if" panel of the HTML map.
//
// Hold key factors with sliders and see which others rise and fall, on the map
// (colour and a number) and in a list; step through the inference to watch the
// signal travel round the loops. The inference is the same as Python's
// sysmap.whatif.infer (see src/sysmap/whatif/fcm.py): one step is
// A(t+1) = f(x), x = A·W (Kosko), A·W + A (modified Kosko) or
// (2A−1)·W + (2A−1) (rescaled); held factors are set back after each step.
(function () {
  "use strict";
  var api = window.sysmapMap;
  if (!api || !api.data || !api.data.whatif) return;
  var M = api.data.whatif;
  var S = M.settings;
  var n = M.factors.length;
  var PERIODS = 32;
  var NO_CHANGE = 0.005;
  var RISE = "#0072B2", FALL = "#D55E00";

  // incoming links by target: x_i = sum over j of A_j * W[j][i]
  var incoming = [];
  for (var i = 0; i < n; i++) incoming.push([]);
  M.links.forEach(function (l) { incoming[l[1]].push([l[0], l[2]]); });
  var index = {};
  M.factors.forEach(function (f, k) { index[f.id] = k; });

  function squash(x) {
    if (S.squashing === "sigmoid") return 1 / (1 + Math.exp(-S.lambda * x));
    if (S.squashing === "tanh") return Math.tanh(S.lambda * x);
    if (S.squashing === "bivalent") return x > 0 ? 1 : 0;
    return x > 0 ? 1 : (x < 0 ? -1 : 0);
  }

  function nextState(a, held) {
    var base = S.rule === "rescaled" ? a.map(function (v) { return 2 * v - 1; }) : a;
    var out = new Array(n);
    for (var i = 0; i < n; i++) {
      var x = 0;
      var links = incoming[i];
      for (var k = 0; k < links.length; k++) x += base[links[k][0]] * links[k][1];
      if (S.rule !== "kosko") x += base[i];
      out[i] = squash(x);
    }
    Object.keys(held).forEach(function (k) { out[k] = held[k]; });
    return out;
  }

  function maxDiff(a, b) {
    var d = 0;
    for (var i = 0; i < n; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    return d;
  }

  function period(recent) {
    var last = recent.length - 1;
    for (var k = 2; k <= Math.min(PERIODS, last - 1); k++) {
      if (maxDiff(recent[last], recent[last - k]) <= S.tolerance &&
          maxDiff(recent[last - 1], recent[last - 1 - k]) <= S.tolerance) return k;
    }
    return null;
  }

  // held: {position: value}. Returns {state, steps, outcome, period, history}.
  function infer(held) {
    var a = [];
    for (var i = 0; i < n; i++) a.push(S.initial);
    Object.keys(held).forEach(function (k) { a[k] = held[k]; });
    var history = [a], recent = [a];
    for (var step = 1; step <= S.max_steps; step++) {
      var next = nextState(a, held);
      var moved = maxDiff(next, a);
      a = next;
      history.push(a);
      recent.push(a);
      if (recent.length > 2 * PERIODS + 2) recent.shift();
      if (moved <= S.tolerance) return { state: a, steps: step, outcome: "settled", history: history };
    }
    var p = period(recent);
    if (p !== null) return { state: a, steps: S.max_steps, outcome: "oscillates", period: p, history: history };
    return { state: a, steps: S.max_steps, outcome: "step limit", history: history };
  }

  function describe(run) {
    if (run.outcome === "settled") return "settled after " + run.steps + (run.steps === 1 ? " step" : " steps");
    if (run.outcome === "oscillates") return "oscillates (period " + run.period + ")";
    return "hit the step limit (" + run.steps + " steps) without settling";
  }

  function signed(x) {
    var r = Math.round(x * 100) / 100;
    return (r >= 0 ? "+" : "−") + Math.abs(x).toFixed(2);
  }

  function direction(x) {
    return x >= NO_CHANGE ? "rises" : (x <= -NO_CHANGE ? "falls" : "no change");
  }

  var baseline = infer({});

  // hold: {factorId: value} -> the same figures as Python's whatif()
  function run(hold) {
    var held = {};
    Object.keys(hold).forEach(function (id) { held[index[id]] = Number(hold[id]); });
    var r = infer(held);
    var settled = r.outcome === "settled" && baseline.outcome === "settled";
    var changes = M.factors.map(function (f, k) {
      var c = r.state[k] - baseline.state[k];
      return { id: f.id, name: f.name, baseline: baseline.state[k], scenario: r.state[k],
               change: c, direction: direction(c), held: held.hasOwnProperty(k) };
    });
    changes.sort(function (p, q) {
      return Math.abs(q.change) - Math.abs(p.change) || (p.name < q.name ? -1 : p.name > q.name ? 1 : 0);
    });
    return { baseline: describe(baseline), run: describe(r), settled: settled, changes: changes, history: r.history };
  }

  // ------------------------------------------------------------------ panel

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var controls = document.getElementById("controls");
  if (!controls) return;
  var sec = el("section", { id: "whatif", "aria-labelledby": "whatif-h" });
  sec.appendChild(el("h2", { id: "whatif-h" }, "What if"));
  sec.appendChild(el("p", { "class": "help" },
    "Hold key factors and see which others rise (▲ blue) and fall (▼ orange). " +
    "Direction and relative size, not a forecast."));
  var scenarioSel = null;
  if (M.scenarios.length) {
    sec.appendChild(el("label", { "for": "whatif-scenario" }, "Scenario"));
    scenarioSel = el("select", { id: "whatif-scenario" });
    scenarioSel.appendChild(el("option", { value: "" }, "None: choose factors below"));
    M.scenarios.forEach(function (s, k) { scenarioSel.appendChild(el("option", { value: String(k) }, s.name || s.id)); });
    sec.appendChild(scenarioSel);
  }
  var note = el("p", { id: "whatif-note", "class": "help" });
  sec.appendChild(note);
  sec.appendChild(el("label", { "for": "whatif-add" }, "Hold a factor"));
  var addSel = el("select", { id: "whatif-add" });
  addSel.appendChild(el("option", { value: "" }, "Add a factor…"));
  M.factors.forEach(function (f) { addSel.appendChild(el("option", { value: f.id }, f.name)); });
  sec.appendChild(addSel);
  var heldList = el("ul", { id: "whatif-held" });
  sec.appendChild(heldList);
  var buttons = el("div", { "class": "whatif-buttons" });
  var stepBtn = el("button", { type: "button", id: "whatif-step" }, "Step");
  var playBtn = el("button", { type: "button", id: "whatif-play" }, "Play");
  var clearBtn = el("button", { type: "button", id: "whatif-clear" }, "Clear");
  [stepBtn, playBtn, clearBtn].forEach(function (b) { buttons.appendChild(b); });
  sec.appendChild(buttons);
  var status = el("p", { id: "whatif-status", "aria-live": "polite", "class": "help" },
    "Nothing held. Baseline " + describe(baseline) + ".");
  sec.appendChild(status);
  var results = el("ol", { id: "whatif-results" });
  sec.appendChild(results);
  var after = document.getElementById("loops-h");
  var anchor = after && after.closest ? after.closest("section") : null;
  if (anchor && anchor.nextSibling) controls.insertBefore(sec, anchor.nextSibling);
  else controls.appendChild(sec);

  var hold = {};         // factorId -> value
  var original = {};     // factorId -> {label, color} before any scenario
  var stepAt = null;     // the step shown in step-by-step mode
  var timer = null;
  var low = S.range[0], high = S.range[1];

  // The numbers are drawn over the map in screen pixels (readable at any zoom),
  // beside each factor; the factor itself takes the colour of its direction.
  var badges = {};       // factorId -> {text, colour}

  function paint(values, label) {
    var rows = [];
    badges = {};
    M.factors.forEach(function (f, k) {
      var node = api.nodes.get(f.id);
      if (!node) return;
      if (!original[f.id]) original[f.id] = { color: node.color, borderWidth: node.borderWidth };
      var c = values[k];
      var d = direction(c);
      var colour = d === "rises" ? RISE : (d === "falls" ? FALL : "#bdbdbd");
      var mark = d === "rises" ? "▲ " : (d === "falls" ? "▼ " : "");
      var held = hold.hasOwnProperty(f.id);
      badges[f.id] = { text: mark + signed(c) + (held ? " held" : ""), colour: d === "no change" ? "#444" : colour };
      rows.push({ id: f.id, color: { background: colour, border: "#000", highlight: { background: colour, border: "#000" } },
                  borderWidth: held ? 4 : 2 });
    });
    api.nodes.update(rows);
    api.network.redraw();
    status.textContent = label;
  }

  function unpaint() {
    badges = {};
    var rows = Object.keys(original).map(function (id) {
      var o = original[id];
      return { id: id, color: o.color, borderWidth: o.borderWidth };
    });
    if (rows.length) api.nodes.update(rows);
    api.network.redraw();
  }

  api.network.on("afterDrawing", function (ctx) {
    var ids = Object.keys(badges);
    if (!ids.length) return;
    var ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = "bold 13px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    var scale = api.network.getScale();
    ids.forEach(function (id) {
      var pos = api.network.getPosition(id);
      var node = api.nodes.get(id) || {};
      var p = api.network.canvasToDOM({ x: pos.x, y: pos.y - (node.size || 12) });
      var b = badges[id];
      var w = ctx.measureText(b.text).width + 8;
      var y = p.y - 12 * Math.min(1, scale) - 4;
      ctx.fillStyle = "rgba(255,255,255,0.92)";
      ctx.strokeStyle = b.colour;
      ctx.lineWidth = 1.5;
      ctx.fillRect(p.x - w / 2, y - 9, w, 18);
      ctx.strokeRect(p.x - w / 2, y - 9, w, 18);
      ctx.fillStyle = b.colour === RISE ? "#004f7c" : (b.colour === FALL ? "#9c3d00" : "#333");
      ctx.textAlign = "center";
      ctx.fillText(b.text, p.x, y);
    });
    ctx.restore();
  });

  function list(r) {
    results.textContent = "";
    if (!r.settled) return;
    r.changes.forEach(function (c) {
      var li = el("li", { "data-id": c.id, "class": c.direction.replace(" ", "-") },
        c.name + ": " + signed(c.change) + " (" + c.direction + (c.held ? ", held" : "") + ")");
      results.appendChild(li);
    });
  }

  function update() {
    stop();
    stepAt = null;
    if (!Object.keys(hold).length) {
      unpaint();
      results.textContent = "";
      status.textContent = "Nothing held. Baseline " + describe(baseline) + ".";
      return;
    }
    var r = run(hold);
    list(r);
    if (!r.settled) {
      unpaint();
      status.textContent = "No numbers: the baseline " + r.baseline + ", the scenario " + r.run + ".";
      return;
    }
    var values = [];
    r.changes.forEach(function (c) { values[index[c.id]] = c.change; });
    paint(values, "Scenario " + r.run + "; baseline " + r.baseline + ".");
  }

  function showStep() {
    var held = {};
    Object.keys(hold).forEach(function (id) { held[index[id]] = hold[id]; });
    var r = infer(held);
    var last = r.history.length - 1;
    var t = Math.min(stepAt, last);
    var b = baseline.history[Math.min(t, baseline.history.length - 1)];
    var values = r.history[t].map(function (v, k) { return v - b[k]; });
    paint(values, "Step " + t + " of " + last + " (" + describe(r) + ").");
    return t >= last;
  }

  function stop() {
    if (timer !== null) { clearInterval(timer); timer = null; playBtn.textContent = "Play"; }
  }

  function addRow(id, value) {
    var k = index[id];
    if (k === undefined || hold.hasOwnProperty(id)) return;
    hold[id] = value;
    var li = el("li", { "data-id": id });
    var inputId = "whatif-hold-" + k;
    li.appendChild(el("label", { "for": inputId }, M.factors[k].name));
    var input = el("input", { type: "range", id: inputId, min: String(low), max: String(high),
                              step: "0.05", value: String(value) });
    var out = el("output", { "for": inputId }, Number(value).toFixed(2));
    var remove = el("button", { type: "button", "class": "link", "aria-label": "Stop holding " + M.factors[k].name }, "Remove");
    input.addEventListener("input", function () {
      hold[id] = Number(input.value);
      out.textContent = Number(input.value).toFixed(2);
      update();
    });
    remove.addEventListener("click", function () {
      delete hold[id];
      li.parentNode.removeChild(li);
      update();
    });
    li.appendChild(input);
    li.appendChild(out);
    li.appendChild(remove);
    heldList.appendChild(li);
  }

  function clearAll() {
    hold = {};
    heldList.textContent = "";
    note.textContent = "";
    if (scenarioSel) scenarioSel.value = "";
    update();
  }

  addSel.addEventListener("change", function () {
    if (addSel.value) addRow(addSel.value, high);
    addSel.value = "";
    update();
  });
  if (scenarioSel) {
    scenarioSel.addEventListener("change", function () {
      var s = M.scenarios[Number(scenarioSel.value)];
      hold = {};
      heldList.textContent = "";
      note.textContent = s ? (s.note || "") : "";
      if (s) Object.keys(s.hold).forEach(function (id) { addRow(id, s.hold[id]); });
      update();
    });
  }
  stepBtn.addEventListener("click", function () {
    stop();
    if (!Object.keys(hold).length) return;
    stepAt = stepAt === null ? 0 : stepAt + 1;
    if (showStep()) stepAt = null;
  });
  playBtn.addEventListener("click", function () {
    if (timer !== null) { stop(); return; }
    if (!Object.keys(hold).length) return;
    stepAt = 0;
    playBtn.textContent = "Pause";
    showStep();
    timer = setInterval(function () {
      stepAt += 1;
      if (showStep()) { stop(); stepAt = null; }
    }, 600);
  });
  clearBtn.addEventListener("click", clearAll);

  // For tests and for people who script the page.
  window.sysmapWhatif = {
    run: run, infer: infer, baseline: baseline,
    hold: function () { return Object.assign({}, hold); },
    shown: function () { return Object.assign({}, badges); }
  };
})();
