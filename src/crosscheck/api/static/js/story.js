/* The story page: figures over time (SVG chart), the map of located events on the bundled
   basemap, and the who-said-what network. Data comes from the JSON block #page-data. */
(function () {
  "use strict";
  var CC = window.CC;
  var data = CC.pageData();
  var PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02",
                 "#a6761d", "#1f78b4", "#b2182b", "#666666"];

  function sourceOf(p) { return p.speaker || p.outlet || "the article"; }

  // -- figures over time ---------------------------------------------------------------
  function drawChart(box, series) {
    var W = 720, H = 230, L = 64, R = 180, T = 28, B = 34;
    var dated = [];
    series.forEach(function (s) { s.points.forEach(function (p) { if (p.date) dated.push(p); }); });
    if (!dated.length) { box.textContent = "No dated figures."; return; }
    var d0 = Math.min.apply(null, dated.map(function (p) { return CC.days(p.date); }));
    var d1 = Math.max.apply(null, dated.map(function (p) { return CC.days(p.date); }));
    if (d1 === d0) { d0 -= 1; d1 += 1; }
    series.forEach(function (s, n) {
      var pts = s.points.filter(function (p) { return p.date && p.value !== null; });
      if (!pts.length) return;
      var values = [];
      pts.forEach(function (p) { values.push(p.value); if (p.high !== null) values.push(p.high);
                                 if (p.low !== null) values.push(p.low); });
      var vmax = Math.max.apply(null, values), vmin = Math.min.apply(null, values);
      var log = vmin > 0 && vmax / vmin > 50;
      var y0 = log ? Math.log10(vmin) - 0.1 : 0, y1 = log ? Math.log10(vmax) + 0.1 : vmax * 1.12 || 1;
      function X(iso) { return L + (CC.days(iso) - d0) / (d1 - d0) * (W - L - R); }
      function Y(v) { var t = log ? Math.log10(Math.max(v, 1e-9)) : v;
                      return T + (1 - (t - y0) / (y1 - y0)) * (H - T - B); }
      var svg = CC.svg(box, W, H, "figure series: " + s.counted);
      svg.setAttribute("class", "series-chart");
      svg.setAttribute("data-series", s.id);
      CC.text(svg, L, 16, s.counted + (s.place ? " at " + s.place : "") + (log ? " (log scale)" : ""),
              {"class": "chart-title"});
      CC.el("line", {x1: L, y1: H - B, x2: W - R, y2: H - B, "class": "axis"}, svg);
      CC.el("line", {x1: L, y1: T, x2: L, y2: H - B, "class": "axis"}, svg);
      var ticks = log ? [vmin, Math.sqrt(vmin * vmax), vmax] : [0, y1 / 2, y1 / 1.12];
      ticks.forEach(function (v) {
        CC.el("line", {x1: L - 4, y1: Y(v), x2: W - R, y2: Y(v), "class": "grid"}, svg);
        CC.text(svg, L - 6, Y(v) + 4, CC.fmt(Math.round(v)), {"class": "tick", "text-anchor": "end"});
      });
      var first = new Date(d0 * 86400000).toISOString().slice(0, 10);
      var last = new Date(d1 * 86400000).toISOString().slice(0, 10);
      CC.text(svg, L, H - B + 16, first, {"class": "tick"});
      CC.text(svg, W - R, H - B + 16, last, {"class": "tick", "text-anchor": "end"});
      var sources = [];
      pts.forEach(function (p) { if (sources.indexOf(sourceOf(p)) < 0) sources.push(sourceOf(p)); });
      sources.forEach(function (src, i) {
        var colour = PALETTE[i % PALETTE.length];
        var mine = pts.filter(function (p) { return sourceOf(p) === src; });
        if (mine.length > 1) {
          CC.el("polyline", {points: mine.map(function (p) { return X(p.date) + "," + Y(p.value); }).join(" "),
                             fill: "none", stroke: colour, "stroke-width": 2, "class": "series-line"}, svg);
        }
        mine.forEach(function (p) {
          if (p.low !== null && p.high !== null && p.high !== p.low) {
            CC.el("line", {x1: X(p.date), x2: X(p.date), y1: Y(p.low), y2: Y(p.high), stroke: colour,
                           "stroke-width": 4, "stroke-opacity": 0.4}, svg);
          }
          var dot = CC.el("circle", {cx: X(p.date), cy: Y(p.value), r: 5, fill: colour,
                                     "class": "point " + CC.sideClass(p.side)}, svg);
          CC.title(dot, (p.qualifier ? p.qualifier + " " : "") + CC.fmt(p.value) + " " + s.counted +
                   " on " + p.date + ": " + src + (p.outlet ? " (" + p.outlet + ")" : "") +
                   " \u2014 \u201c" + p.evidence.text + "\u201d");
        });
        var ly = T + 6 + i * 16;
        CC.el("rect", {x: W - R + 12, y: ly - 9, width: 10, height: 10, fill: colour}, svg);
        CC.text(svg, W - R + 28, ly, src.length > 24 ? src.slice(0, 23) + "\u2026" : src,
                {"class": "legend-label"});
      });
      if (n < series.length - 1) box.appendChild(document.createElement("hr"));
    });
  }

  // -- map -----------------------------------------------------------------------------
  function drawMap(box, info, places, basemap) {
    var W = 640, H = 440;
    var ext = [22, 44, 41, 53];   // lon/lat window around Ukraine, widened to fit the events
    places.forEach(function (p) {
      ext = [Math.min(ext[0], p.lon - 1), Math.min(ext[1], p.lat - 1),
             Math.max(ext[2], p.lon + 1), Math.max(ext[3], p.lat + 1)];
    });
    var bb = basemap.bbox;
    ext = [Math.max(ext[0], bb[0]), Math.max(ext[1], bb[1]), Math.min(ext[2], bb[2]), Math.min(ext[3], bb[3])];
    var k = Math.cos(((ext[1] + ext[3]) / 2) * Math.PI / 180);   // equirectangular, true at mid-latitude
    var sx = W / ((ext[2] - ext[0]) * k), sy = H / (ext[3] - ext[1]);
    var s = Math.min(sx, sy);
    var ox = (W - (ext[2] - ext[0]) * k * s) / 2, oy = (H - (ext[3] - ext[1]) * s) / 2;
    function P(lon, lat) { return [ox + (lon - ext[0]) * k * s, oy + (ext[3] - lat) * s]; }
    var svg = CC.svg(box, W, H, "map of located events");
    svg.setAttribute("class", "map-svg");
    CC.el("rect", {x: 0, y: 0, width: W, height: H, "class": "sea"}, svg);
    var land = CC.el("g", {"class": "countries"}, svg);
    basemap.countries.forEach(function (c) {
      var d = c.rings.map(function (ring) {
        return "M" + ring.map(function (pt) { var q = P(pt[0], pt[1]); return q[0].toFixed(1) + "," + q[1].toFixed(1); }).join("L") + "Z";
      }).join("");
      var path = CC.el("path", {d: d, "class": "country iso-" + c.iso}, land);
      CC.title(path, c.name);
    });
    var marks = CC.el("g", {"class": "markers"}, svg);
    places.forEach(function (p) {
      var q = P(p.lon, p.lat);
      var sides = {};
      p.events.forEach(function (e) { var k2 = e.side || ""; sides[k2] = (sides[k2] || 0) + 1; });
      var side = Object.keys(sides).sort(function (a, b) { return sides[b] - sides[a]; })[0];
      var g = CC.el("g", {"class": "marker " + CC.sideClass(side) + (p.precision > 1 ? " coarse" : ""),
                          tabindex: 0, role: "button"}, marks);
      CC.el("circle", {cx: q[0], cy: q[1], r: 4 + 2.5 * Math.sqrt(p.events.length)}, g);
      CC.text(g, q[0] + 8, q[1] - 6, p.name || "?", {"class": "place-label"});
      CC.title(g, (p.name || "?") + ": " + p.events.length + " event(s)" +
               (p.precision > 1 ? " (located only to a region or country)" : ""));
      function show() {
        info.textContent = "";
        var h = document.createElement("strong");
        h.textContent = (p.name || "?") + " \u2014 " + p.events.length + " event(s)";
        info.appendChild(h);
        var ul = document.createElement("ul");
        p.events.forEach(function (e) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = "../articles/" + encodeURIComponent(e.article_id);
          a.textContent = (e.date || "undated") + " \u00b7 " + e.type + " \u00b7 " + e.status +
                          (e.side ? " \u00b7 actor: " + e.side : "");
          li.appendChild(a);
          ul.appendChild(li);
        });
        info.appendChild(ul);
      }
      g.addEventListener("click", show);
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") show(); });
    });
    if (!places.length) CC.text(svg, W / 2, H / 2, "no located events", {"text-anchor": "middle", "class": "empty-label"});
  }

  // -- network -------------------------------------------------------------------------
  function drawNetwork(box, net) {
    if (!net.edges.length) return;
    var rows = Math.max(net.speakers.length, net.entities.length);
    var W = 640, ROW = 22, T = 30, H = T + rows * ROW + 10, XL = 200, XR = 440;
    var svg = CC.svg(box, W, H, "who said what network");
    svg.setAttribute("class", "network-svg");
    CC.text(svg, XL, 16, "speakers", {"class": "col-title", "text-anchor": "end"});
    CC.text(svg, XR, 16, "entities named in what they said", {"class": "col-title"});
    function place(list, x) {
      var gap = rows * ROW / Math.max(list.length, 1), at = {};
      list.forEach(function (n, i) { at[n.id] = {x: x, y: T + gap * i + gap / 2, node: n}; });
      return at;
    }
    var left = place(net.speakers, XL), right = place(net.entities, XR);
    var edges = CC.el("g", {"class": "edges"}, svg);
    var lines = [];
    net.edges.forEach(function (e) {
      var a = left[e.from], b = right[e.to];
      if (!a || !b) return;
      var mid = (a.x + b.x) / 2;
      var path = CC.el("path", {d: "M" + (a.x + 6) + "," + a.y + " C" + mid + "," + a.y + " " + mid + "," + b.y + " " + (b.x - 6) + "," + b.y,
                                "class": "edge " + CC.sideClass(a.node.side), "stroke-width": 1 + Math.log2(e.weight) * 1.5,
                                "data-from": e.from, "data-to": e.to}, edges);
      CC.title(path, a.node.name + " \u2192 " + b.node.name + " (" + e.weight + ")");
      lines.push(path);
    });
    function focus(id) {
      lines.forEach(function (l) {
        var on = !id || l.getAttribute("data-from") === id || l.getAttribute("data-to") === id;
        l.setAttribute("class", l.getAttribute("class").replace(/ dim/g, "") + (on ? "" : " dim"));
      });
    }
    function nodes(at, anchor, dx) {
      Object.keys(at).forEach(function (id) {
        var p = at[id];
        var g = CC.el("g", {"class": "node " + CC.sideClass(p.node.side), tabindex: 0}, svg);
        CC.el("circle", {cx: p.x, cy: p.y, r: 5}, g);
        var label = p.node.name.length > 28 ? p.node.name.slice(0, 27) + "\u2026" : p.node.name;
        CC.text(g, p.x + dx, p.y + 4, label, {"text-anchor": anchor});
        CC.title(g, p.node.name + (p.node.side ? " (" + p.node.side + ")" : ""));
        g.addEventListener("mouseenter", function () { focus(id); });
        g.addEventListener("focus", function () { focus(id); });
        g.addEventListener("mouseleave", function () { focus(null); });
        g.addEventListener("blur", function () { focus(null); });
      });
    }
    nodes(left, "end", -10);
    nodes(right, "start", 10);
  }

  var chart = document.getElementById("chart");
  if (chart && data.series) drawChart(chart, data.series);
  var graph = document.getElementById("graph");
  if (graph && data.network) drawNetwork(graph, data.network);
  var mapbox = document.getElementById("mapbox");
  var story = document.querySelector("article.story");
  if (mapbox && story) {
    fetch(story.getAttribute("data-basemap"))
      .then(function (r) { if (!r.ok) throw new Error("basemap " + r.status); return r.json(); })
      .then(function (basemap) { drawMap(mapbox, document.getElementById("map-info"), data.places || [], basemap); })
      .catch(function (err) { mapbox.textContent = "The basemap could not be loaded: " + err.message; });
  }
})();
