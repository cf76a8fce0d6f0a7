/* The entity page: statements and events per day as a small bar chart. */
(function () {
  "use strict";
  var CC = window.CC;
  var data = CC.pageData();
  var box = document.getElementById("activity");
  var days = data.over_time || [];
  if (!box) return;
  if (!days.length) { box.textContent = "Nothing dated."; return; }
  var W = 640, H = 120, L = 30, B = 22, T = 10;
  var d0 = CC.days(days[0][0]), d1 = CC.days(days[days.length - 1][0]);
  var span = Math.max(d1 - d0, 1);
  var max = Math.max.apply(null, days.map(function (d) { return d[1]; }));
  var svg = CC.svg(box, W, H, "statements and events per day");
  CC.el("line", {x1: L, y1: H - B, x2: W - 10, y2: H - B, "class": "axis"}, svg);
  var bw = Math.max(4, Math.min(24, (W - L - 20) / (span + 1) - 2));
  days.forEach(function (d) {
    var x = L + (CC.days(d[0]) - d0) / span * (W - L - 20 - bw);
    var h = d[1] / max * (H - B - T);
    var bar = CC.el("rect", {x: x, y: H - B - h, width: bw, height: h, "class": "bar"}, svg);
    CC.title(bar, d[0] + ": " + d[1]);
  });
  CC.text(svg, L, H - 6, days[0][0], {"class": "tick"});
  CC.text(svg, W - 10, H - 6, days[days.length - 1][0], {"class": "tick", "text-anchor": "end"});
  CC.text(svg, L - 4, T + 8, String(max), {"class": "tick", "text-anchor": "end"});
})();
