/* sysmap workshop: the participant's page (phone first). */
(function () {
  "use strict";
  var el = SM.el, clear = SM.clear;
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var live = null, view = null, map = null, stage = null, rating = null, session = null;
  // what the map draws, for the browser tests
  window.sysmapWorkshop = {
    labels: function () { return map ? Object.keys(map.names).map(function (id) { return map.names[id]; }) : []; },
    map: function () { return map; }
  };

  function fill(select, items, blank) {
    var old = select.value;
    clear(select);
    if (blank) select.appendChild(new Option(blank, ""));
    items.forEach(function (it) { select.appendChild(new Option(it[1], it[0])); });
    if (old) select.value = old;
  }
  document.querySelectorAll("select.rating").forEach(function (s) {
    fill(s, [0, 1, 2, 3, 4, 5].map(function (n) { return [String(n), String(n)]; }), "—");
  });

  // ---------------------------------------------------------------- join
  $("code").value = (params.get("code") || "").toUpperCase();
  fetch("/groups").then(function (r) { return r.json(); }).then(function (d) {
    fill($("group"), Object.keys(d.groups).map(function (k) { return [k, d.groups[k]]; }));
  });
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem("sysmap-workshop") || "null"); } catch (e) { saved = null; }
  if (saved && saved.pid) start(saved);

  $("join-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    fetch("/join", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ code: $("code").value, name: $("name").value, group: $("group").value }) })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.error) { SM.notice(d.error, true); return; }
        localStorage.setItem("sysmap-workshop", JSON.stringify(d));
        start(d);
      });
  });

  function start(who) {
    $("join").hidden = true;
    $("app").hidden = false;
    live = SM.connect({ type: "hello", pid: who.pid, secret: who.secret }, onMessage);
  }

  function onMessage(msg) {
    if (msg.type === "welcome") {
      session = msg.session;
      showStage(msg.stage);
    } else if (msg.type === "map") {
      view = msg.map;
      drawMap();
    } else if (msg.type === "stage") {
      showStage(msg);
    } else if (msg.type === "mine") {
      drawMine(msg.items);
    } else if (msg.type === "ok") {
      SM.notice(msg.message);
    } else if (msg.type === "error") {
      SM.notice(msg.message, true);
    } else if (msg.type === "refused") {
      localStorage.removeItem("sysmap-workshop");
      $("app").hidden = true; $("join").hidden = false;
      SM.notice(msg.message, true);
    } else if (msg.type === "ended") {
      localStorage.removeItem("sysmap-workshop");
      SM.notice("The session has ended. Thank you!");
      $("app").hidden = true;
    }
  }

  // ---------------------------------------------------------------- tabs
  document.querySelectorAll("[data-tab]").forEach(function (b) {
    b.addEventListener("click", function () {
      document.querySelectorAll("[data-tab]").forEach(function (x) {
        x.setAttribute("aria-selected", x === b ? "true" : "false");
        $("tab-" + x.dataset.tab).hidden = x !== b;
      });
      if (b.dataset.tab === "map" && map) map.refit();
    });
  });

  // ---------------------------------------------------------------- the map
  function nameOf(id) {
    for (var i = 0; i < view.nodes.length; i++) if (view.nodes[i].id === id) return view.nodes[i].name;
    return id;
  }
  function drawMap() {
    $("title").textContent = view.title;
    if (!map) map = new SM.MapView($("map"), { fontSize: 14, namePx: 13 });
    map.update(view);
    $("map-note").textContent = view.redacted ? "Some people are shown as “Stakeholder n” to protect them." : "";
    var who = view.nodes.map(function (n) { return [n.id, n.name]; })
      .sort(function (a, b) { return a[1].localeCompare(b[1]); });
    document.querySelectorAll("select.who").forEach(function (s) { fill(s, who, "—"); });
    fill($("rel-kind"), view.kinds.map(function (k) { return [k.id, k.label]; }));
    drawList();
  }
  function drawList() {
    var list = $("rel-list"), q = $("filter").value.toLowerCase();
    clear(list);
    var shown = 0;
    view.edges.forEach(function (e) {
      var text = nameOf(e.from) + " → " + nameOf(e.to) + " (" + e.kind + (e.status !== "existing" ? ", " + e.status : "") + ")";
      if (q && text.toLowerCase().indexOf(q) < 0) return;
      if (shown++ > 60) return;
      var li = el("li");
      li.appendChild(el("span", text, "rel-text"));
      var ok = el("button", "Confirm"); ok.type = "button";
      ok.addEventListener("click", function () { openRate(e, "confirm", text); });
      var bad = el("button", "Weak or broken"); bad.type = "button";
      bad.addEventListener("click", function () { openRate(e, "mark", text); });
      li.appendChild(ok); li.appendChild(bad);
      list.appendChild(li);
    });
    if (!shown) list.appendChild(el("li", "No relationship matches."));
  }
  $("filter").addEventListener("input", function () { if (view) drawList(); });

  function openRate(edge, what, text) {
    rating = { edge: edge.key, what: what };
    $("rate-title").textContent = what === "confirm" ? "Confirm" : "Weak or broken";
    $("rate-what").textContent = text;
    $("rate-ratings").hidden = what !== "confirm";
    $("rate-status").hidden = what === "confirm";
    $("rate-note").value = "";
    $("rate-form").hidden = false;
    $("rate-form").scrollIntoView();
  }
  $("rate-cancel").addEventListener("click", function () { $("rate-form").hidden = true; });
  function num(id) { var v = $(id).value; return v === "" ? null : Number(v); }
  $("rate-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var msg = rating.what === "confirm"
      ? { type: "confirm_relationship", edge: rating.edge, strength: num("rate-strength"),
          trust: num("rate-trust"), note: $("rate-note").value }
      : { type: "mark_relationship", edge: rating.edge, status: $("rate-status-select").value,
          note: $("rate-note").value || "(no note)" };
    if (live.send(msg)) $("rate-form").hidden = true;
  });

  // ---------------------------------------------------------------- adding
  document.querySelectorAll(".quick button").forEach(function (b) {
    b.addEventListener("click", function () {
      $("rel-kind").value = b.dataset.kind;
      var first = b.dataset.reverse ? $("rel-to") : $("rel-from");
      first.focus();
    });
  });
  $("rel-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!$("rel-from").value || !$("rel-to").value) { SM.notice("Choose both stakeholders", true); return; }
    if (live.send({ type: "add_relationship", from: $("rel-from").value, to: $("rel-to").value,
        kind: $("rel-kind").value, strength: num("rel-strength"), trust: num("rel-trust"),
        note: $("rel-note").value })) $("rel-note").value = "";
  });
  $("sh-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!$("sh-name").value.trim()) { SM.notice("Give a name", true); return; }
    if (live.send({ type: "add_stakeholder", name: $("sh-name").value, role: $("sh-role").value,
        lived_experience: $("sh-lived").checked, note: $("sh-note").value })) {
      $("sh-name").value = ""; $("sh-note").value = "";
    }
  });
  $("loop-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var path = [];
    document.querySelectorAll(".loop-step").forEach(function (s) { if (s.value) path.push(s.value); });
    if (path.length < 2) { SM.notice("Choose at least two stakeholders around the loop", true); return; }
    live.send({ type: "add_loop", name: $("loop-name").value, path: path, purpose: $("loop-purpose").value });
  });

  // ---------------------------------------------------------------- questions
  function showStage(info) {
    stage = info;
    $("stage-line").textContent = info.title + ": " + info.question;
    $("stage-line").hidden = false;
    $("q-title").textContent = info.title + " — open questions";
    var box = $("q-list");
    clear(box);
    info.questions.forEach(function (q, i) {
      var card = el("form", null, "card");
      var id = "q-" + i;
      var label = el("label", q); label.htmlFor = id;
      var area = el("textarea"); area.id = id; area.maxLength = 2000; area.rows = 3;
      var send = el("button", "Send answer", "primary"); send.type = "submit";
      card.appendChild(label); card.appendChild(area); card.appendChild(send);
      card.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (!area.value.trim()) return;
        if (live.send({ type: "answer", stage: stage.stage, question: i, text: area.value })) area.value = "";
      });
      box.appendChild(card);
    });
  }

  function drawMine(items) {
    var list = $("mine-list");
    clear(list);
    if (!items.length) list.appendChild(el("li", "Nothing yet."));
    items.forEach(function (c) {
      var li = el("li");
      li.appendChild(el("span", c.status, "status status-" + c.status));
      li.appendChild(el("span", " " + c.label));
      if (c.reason) li.appendChild(el("span", " — " + c.reason, "help"));
      list.appendChild(li);
    });
  }
})();
