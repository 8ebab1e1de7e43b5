/* sysmap workshop: the facilitator's page (projected). */
(function () {
  "use strict";
  var el = SM.el, clear = SM.clear;
  var $ = function (id) { return document.getElementById(id); };
  var token = location.pathname.split("/")[2];
  var map = new SM.MapView($("map"), { fontSize: 20, namePx: 16 });
  var view = null, stage = null, editable = {};
  SM.legend($("legend"));
  $("qr").src = "/f/" + token + "/qr.svg";

  var live = SM.connect({ type: "hello", token: token }, function (msg) {
    var handler = HANDLERS[msg.type];
    if (handler) handler(msg);
  });
  window.sysmapWorkshop = { map: map, live: live };

  var HANDLERS = {
    welcome: function (msg) { showStage(msg.stage); },
    map_delta: function (msg) {
      // only what changed since the last map: merge it in
      if (!view) return;
      merge(view.nodes, msg.nodes, "id");
      merge(view.edges, msg.edges, "key");
      if (msg.loops) view.loops = msg.loops;
      HANDLERS.map({ map: view, version: msg.version });
    },
    map: function (msg) {
      view = msg.map;
      $("title").textContent = view.title;
      $("question").textContent = view.question;
      map.update(view);
      document.body.dataset.version = msg.version;
      drawStagePanel();
    },
    stage: function (msg) { showStage(msg); },
    queue: drawQueue,
    status: drawStatus,
    ok: function (msg) { SM.notice(msg.message); },
    error: function (msg) { SM.notice(msg.message, true); },
    refused: function (msg) { SM.notice(msg.message, true); },
    ended: function (msg) {
      document.body.classList.add("ended");
      clear($("stage-panel"));
      $("stage-panel").appendChild(el("pre", msg.summary, "summary"));
      SM.notice("The session has ended; the summary is saved next to the map.");
    }
  };

  function merge(list, items, key) {
    var at = {};
    list.forEach(function (x, i) { at[x[key]] = i; });
    items.forEach(function (x) {
      if (at[x[key]] === undefined) list.push(x); else list[at[x[key]]] = x;
    });
  }

  function showStage(info) {
    stage = info;
    $("stage-title").textContent = info.title;
    $("stage-question").textContent = info.question;
    document.querySelectorAll("[data-stage]").forEach(function (b) {
      b.setAttribute("aria-current", b.dataset.stage === info.stage ? "step" : "false");
    });
    map.setStage(info.stage);
    drawStagePanel();
  }
  document.querySelectorAll("[data-stage]").forEach(function (b) {
    b.addEventListener("click", function () { live.send({ type: "stage", stage: b.dataset.stage }); });
  });
  var ORDER = ["who", "why", "what", "how"];
  document.addEventListener("keydown", function (ev) {
    if (!document.body.classList.contains("presenting") || !stage) return;
    var i = ORDER.indexOf(stage.stage);
    if (ev.key === "ArrowRight" && i < 3) live.send({ type: "stage", stage: ORDER[i + 1] });
    if (ev.key === "ArrowLeft" && i > 0) live.send({ type: "stage", stage: ORDER[i - 1] });
    if (ev.key === "Escape") togglePresent(false);
  });
  function togglePresent(on) {
    document.body.classList.toggle("presenting", on);
    $("present").setAttribute("aria-pressed", on ? "true" : "false");
    setTimeout(function () { map.network.setSize("100%", "100%"); map.refit(); }, 300);
  }
  $("present").addEventListener("click", function () {
    togglePresent(!document.body.classList.contains("presenting"));
  });

  function nameOf(id) {
    if (!view) return id;
    for (var i = 0; i < view.nodes.length; i++) if (view.nodes[i].id === id) return view.nodes[i].name;
    return id;
  }
  // What each stage shows beside the map.
  function drawStagePanel() {
    var box = $("stage-panel");
    if (!view || !stage || document.body.classList.contains("ended")) return;
    clear(box);
    var s = stage.stage;
    if (s === "who") {
      var counts = {};
      view.nodes.forEach(function (n) { counts[n.role] = (counts[n.role] || 0) + 1; });
      ["beneficiary", "provider", "leader"].forEach(function (r) {
        var plural = { beneficiary: "beneficiaries", provider: "providers", leader: "leaders" }[r];
        box.appendChild(el("p", (counts[r] || 0) + " " + plural, "big-figure"));
      });
      var lived = view.nodes.filter(function (n) { return n.lived; }).length;
      box.appendChild(el("p", lived + " bring lived experience"));
    } else if (s === "why") {
      var voice = view.edges.filter(function (e) { return e.voice; }).length;
      var hurt = view.edges.filter(function (e) { return e.status === "weak" || e.status === "broken"; }).length;
      box.appendChild(el("p", voice + " voice links (blue)", "big-figure"));
      box.appendChild(el("p", hurt + " weak or broken", "big-figure"));
      box.appendChild(el("h3", "Feedback loops"));
      var ul = el("ul");
      view.loops.forEach(function (l) {
        ul.appendChild(el("li", l.name + ": " + l.path.map(nameOf).join(" → ")));
      });
      if (!view.loops.length) ul.appendChild(el("li", "None named yet."));
      box.appendChild(ul);
    } else {
      var added = view.nodes.filter(function (n) { return n.new; }).length;
      var confirmed = view.edges.filter(function (e) { return e.workshop; }).length;
      var proposed = view.edges.filter(function (e) { return e.status === "proposed"; }).length;
      box.appendChild(el("p", added + " stakeholders added in workshops", "big-figure"));
      box.appendChild(el("p", confirmed + " relationships with the room's word", "big-figure"));
      if (s === "what") box.appendChild(el("p", proposed + " proposed in the redesign"));
      if (s === "how") box.appendChild(el("p", "Green: what the room added or confirmed. Compare before and after when the session ends."));
    }
  }

  // ---------------------------------------------------------------- queue
  function button(text, cls, fn) {
    var b = el("button", text, cls); b.type = "button";
    b.addEventListener("click", fn);
    return b;
  }
  function drawQueue(msg) {
    editable = msg.editable || editable;
    var list = $("queue");
    clear(list);
    $("queue-count").textContent = msg.items.length;
    if (!msg.items.length) list.appendChild(el("li", "Nothing waiting.", "help"));
    msg.items.forEach(function (c) { list.appendChild(queueItem(c)); });
    var recent = $("recent");
    clear(recent);
    msg.recent.forEach(function (c) {
      var li = el("li");
      li.appendChild(el("span", c.status, "status status-" + c.status));
      li.appendChild(el("span", " " + c.label));
      if (c.reason) li.appendChild(el("span", " — " + c.reason, "help"));
      recent.appendChild(li);
    });
    var answers = $("answers");
    clear(answers);
    msg.answers.forEach(function (a) {
      answers.appendChild(el("li", a.group + ": " + a.text));
    });
  }
  function queueItem(c) {
    var li = el("li", null, "item");
    li.dataset.cid = c.cid;
    li.appendChild(el("p", c.label, "label"));
    var who = c.group + (c.name ? " · " + c.name : "");
    li.appendChild(el("p", who + (c.payload.note ? " — “" + c.payload.note + "”" : ""), "help"));
    if (c.reason) li.appendChild(el("p", c.reason, "help bad"));
    var actions = el("div", null, "actions");
    actions.appendChild(button("Accept", "primary accept", function () {
      live.send({ type: "accept", cid: c.cid, edits: {} });
    }));
    actions.appendChild(button("Edit", "edit", function () { openEdit(li, c); }));
    if (c.kind === "add_stakeholder" || c.kind === "add_relationship") {
      actions.appendChild(button("Merge", "merge", function () { openMerge(li, c); }));
    }
    actions.appendChild(button("Reject", "reject", function () {
      live.send({ type: "reject", cid: c.cid, reason: "" });
    }));
    li.appendChild(actions);
    return li;
  }
  function openEdit(li, c) {
    var form = el("form", null, "edit-form");
    var inputs = {};
    (editable[c.kind] || []).forEach(function (f) {
      var label = el("label", f);
      var input = el("input");
      input.value = c.payload[f] === undefined || c.payload[f] === null ? "" : String(c.payload[f]);
      label.appendChild(input);
      inputs[f] = input;
      form.appendChild(label);
    });
    form.appendChild(button("Accept with changes", "primary", function () {
      var edits = {};
      Object.keys(inputs).forEach(function (f) {
        var v = inputs[f].value.trim();
        if (v === "true" || v === "false") edits[f] = v === "true";
        else if (v !== "") edits[f] = /^[0-5]$/.test(v) && (f === "strength" || f === "trust") ? Number(v) : v;
      });
      live.send({ type: "accept", cid: c.cid, edits: edits });
    }));
    li.appendChild(form);
  }
  function openMerge(li, c) {
    var form = el("form", null, "edit-form");
    var select = el("select");
    select.setAttribute("aria-label", "Merge into");
    if (c.kind === "add_stakeholder") {
      view.nodes.forEach(function (n) { select.appendChild(new Option(n.name, n.id)); });
    } else {
      view.edges.forEach(function (e) {
        select.appendChild(new Option(nameOf(e.from) + " → " + nameOf(e.to) + " (" + e.kind + ")", e.key));
      });
    }
    form.appendChild(select);
    form.appendChild(button("Merge", "primary", function () {
      live.send({ type: "merge", cid: c.cid, into: select.value });
    }));
    li.appendChild(form);
  }

  // ---------------------------------------------------------------- status
  function drawStatus(s) {
    $("online").textContent = s.online;
    $("code").textContent = s.code || "—";
    $("join-url").textContent = s.join_url;
    $("qr").src = "/f/" + token + "/qr.svg?c=" + encodeURIComponent(s.code || "");
    ["accept_directly", "show_sensitive", "names_in_map"].forEach(function (k) {
      $("set-" + k).checked = !!s.settings[k];
    });
    $("undo").disabled = !s.can_undo;
    $("undo-what").textContent = s.can_undo ? "Last accepted: " + s.can_undo : "";
    var state = s.unwritten ? s.unwritten + " change(s) being written to the map file" : "The map file is up to date.";
    $("file-state").textContent = s.file_problem ? s.file_problem : state;
    $("file-state").className = s.file_problem ? "help bad" : "help";
  }
  ["accept_directly", "show_sensitive", "names_in_map"].forEach(function (k) {
    $("set-" + k).addEventListener("change", function (ev) {
      var msg = { type: "settings" };
      msg[k] = ev.target.checked;
      live.send(msg);
    });
  });
  $("undo").addEventListener("click", function () { live.send({ type: "undo" }); });
  $("revoke").addEventListener("click", function () { live.send({ type: "revoke_code" }); });
  $("end").addEventListener("click", function () {
    if (window.confirm("End the session for everyone?")) live.send({ type: "end" });
  });
})();
