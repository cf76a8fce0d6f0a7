/* The article page: a highlighted span shows its facts in the side panel (hover, focus or
   click; a click pins it); checkboxes hide kinds of highlight; a button shows the
   boilerplate that cleaning removed. Text goes in through textContent only. */
(function () {
  "use strict";
  var node = document.getElementById("page-data");
  var facts = node ? JSON.parse(node.textContent).facts || {} : {};
  var text = document.getElementById("text");
  var body = document.getElementById("panel-body");
  var pinned = null;

  function add(parent, tag, value, cls) {
    var e = document.createElement(tag);
    if (value !== undefined && value !== null) e.textContent = String(value);
    if (cls) e.className = cls;
    parent.appendChild(e);
    return e;
  }

  function sideClass(side) {
    return side ? "side-" + String(side).toLowerCase().split(/\s+/).join("-") : "side-none";
  }

  function row(dl, key, value) {
    if (value === null || value === undefined || value === "" ||
        (Array.isArray(value) && !value.length)) return;
    add(dl, "dt", key);
    add(dl, "dd", Array.isArray(value) ? value.join(", ") : value);
  }

  function entityLink(parent, id, label) {
    var a = add(parent, "a", label);
    a.href = "../entities/" + encodeURIComponent(id).replace(/%3A/gi, ":");
    return a;
  }

  function describe(f) {
    var box = add(body, "section", null, "fact fact-" + f.fact);
    add(box, "h3", f.fact);
    var dl = add(box, "dl");
    if (f.fact === "entity") {
      row(dl, "text", f.text); row(dl, "type", f.type); row(dl, "role", f.role);
      row(dl, "side", f.side);
      if (f.entity_id) { add(dl, "dt", "entity"); entityLink(add(dl, "dd"), f.entity_id, f.entity_id); }
    } else if (f.fact === "statement") {
      var sp = f.speaker || {};
      add(dl, "dt", "speaker");
      var dd = add(dl, "dd", null, sideClass(sp.side));
      if (sp.entity_id) entityLink(dd, sp.entity_id, sp.name || sp.text);
      else dd.textContent = sp.name || sp.text || "unattributed";
      if (sp.text && sp.name && sp.text !== sp.name) row(dl, "named as", sp.text);
      row(dl, "side", sp.side); row(dl, "stance", f.stance); row(dl, "kind", f.kind);
      row(dl, "cue", f.cue ? f.cue.text : null); row(dl, "says", f.content ? f.content.text : null);
      row(dl, "via", f.intermediary); row(dl, "channel", f.channel); row(dl, "date", f.date);
    } else if (f.fact === "figure") {
      row(dl, "text", f.text); row(dl, "value", f.value); row(dl, "low", f.low); row(dl, "high", f.high);
      row(dl, "qualifier", f.qualifier); row(dl, "counted", f.counted); row(dl, "place", f.place);
      row(dl, "as of", f.as_of); row(dl, "claimed on", f.claimed_on); row(dl, "by", f.speaker);
      row(dl, "hedged", f.hedged ? "yes" : null);
    } else if (f.fact === "event") {
      row(dl, "type", (f.event_type || "") + (f.sub_event_type ? " / " + f.sub_event_type : ""));
      row(dl, "PLOVER", f.plover); row(dl, "status", f.status);
      row(dl, "actor", f.actor ? (f.actor.name || f.actor.text) + (f.actor.side ? " (" + f.actor.side + ")" : "") : null);
      row(dl, "target", f.target ? (f.target.name || f.target.text) : null);
      row(dl, "where", f.location ? f.location.name : null); row(dl, "when", f.date);
      row(dl, "fatalities", f.fatalities); row(dl, "evidence", f.evidence ? f.evidence.text : null);
    } else if (f.fact === "date") {
      row(dl, "text", f.text); row(dl, "resolved", f.value); row(dl, "precision", f.precision);
    }
    row(dl, "rules", f.rules);
  }

  function show(span) {
    body.textContent = "";
    (span.getAttribute("data-facts") || "").split(" ").forEach(function (id) {
      if (facts[id]) describe(facts[id]);
    });
  }

  function spans() { return Array.prototype.slice.call(text.querySelectorAll(".hl")); }

  function select(span) {
    spans().forEach(function (s) { s.classList.remove("selected"); });
    pinned = span;
    if (span) { span.classList.add("selected"); show(span); }
  }

  if (text) {
    text.addEventListener("mouseover", function (ev) {
      var span = ev.target.closest && ev.target.closest(".hl");
      if (span && !pinned) show(span);
    });
    text.addEventListener("click", function (ev) {
      var span = ev.target.closest && ev.target.closest(".hl");
      select(span === pinned ? null : span);
    });
    text.addEventListener("focusin", function (ev) {
      var span = ev.target.closest && ev.target.closest(".hl");
      if (span) show(span);
    });
    text.addEventListener("keydown", function (ev) {
      var span = ev.target.closest && ev.target.closest(".hl");
      if (span && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); select(span); }
    });
  }

  document.querySelectorAll(".controls input[data-kind]").forEach(function (box) {
    box.addEventListener("change", function () {
      text.classList.toggle("hide-" + box.getAttribute("data-kind"), !box.checked);
    });
  });

  var toggle = document.getElementById("toggle-removed");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var on = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.textContent = toggle.textContent.replace(on ? "Show" : "Hide", on ? "Hide" : "Show");
      text.querySelectorAll(".removed").forEach(function (r) { r.hidden = !on; });
    });
  }

  // #at-START or #at-START-END (links from the story page): select the span there
  function jump() {
    var m = /^#at-(\d+)(?:-(\d+))?$/.exec(location.hash);
    if (!m || !text) return;
    var at = Number(m[1]), best = null;
    spans().forEach(function (s) {
      var start = Number(s.getAttribute("data-start"));
      if (start <= at && (!best || start > Number(best.getAttribute("data-start")))) best = s;
      if (!best && start >= at) best = s;
    });
    if (best) { select(best); best.scrollIntoView({block: "center"}); }
  }
  window.addEventListener("hashchange", jump);
  jump();
})();
