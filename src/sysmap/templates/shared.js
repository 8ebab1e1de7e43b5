/* sysmap: what the HTML map and the live workshop's pages share — the colour and
   shape of each role (Okabe–Ito colours, readable without colour too) and two DOM
   helpers. Text reaches the page only through textContent, never as markup. */
var SYSMAP_SHARED = (function () {
  "use strict";
  var ROLES = {
    beneficiary: { label: "Beneficiary", color: "#E69F00", border: "#8a5f00", shape: "dot" },
    provider: { label: "Provider", color: "#56B4E9", border: "#1f6d99", shape: "square" },
    leader: { label: "Leader", color: "#CC79A7", border: "#7d3a62", shape: "triangle" },
    factor: { label: "Factor", color: "#F0E442", border: "#7a7200", shape: "diamond" }
  };
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  return { ROLES: ROLES, el: el, clear: clear };
})();
