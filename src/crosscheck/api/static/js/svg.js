/* Small helpers to build SVG with DOM calls only (no innerHTML, no library).
   Every text from the data goes in through textContent. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, String(attrs[k]));
      });
    }
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, x, y, value, attrs) {
    var t = el("text", Object.assign({x: x, y: y}, attrs || {}), parent);
    t.textContent = value;
    return t;
  }

  function title(parent, value) {
    var t = el("title", null, parent);
    t.textContent = value;
    return t;
  }

  function svg(container, width, height, label) {
    var root = el("svg", {viewBox: "0 0 " + width + " " + height, width: "100%",
                          role: "img", "aria-label": label, preserveAspectRatio: "xMidYMid meet"});
    container.appendChild(root);
    return root;
  }

  function sideClass(side) {
    if (!side) return "side-none";
    return "side-" + String(side).toLowerCase().split(/\s+/).join("-");
  }

  function pageData() {
    var node = document.getElementById("page-data");
    return node ? JSON.parse(node.textContent) : {};
  }

  function days(iso) { return Date.parse(iso + "T00:00:00Z") / 86400000; }

  function fmt(value) {
    if (value === null || value === undefined) return "";
    return Number(value).toLocaleString("en");
  }

  window.CC = {el: el, text: text, title: title, svg: svg, sideClass: sideClass,
               pageData: pageData, days: days, fmt: fmt};
})();
