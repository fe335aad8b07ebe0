/* The portal's DOM helper for its scripts (charts, the table explorer, maps), loaded before
 * them. PortalDom.el("p", {"class": "small", text: "Hola"}, [child, "text"]) makes an element:
 * attributes set (null and undefined skipped; "text" is its text), children appended (strings
 * as text, never as HTML). */
(function () {
  "use strict";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (attrs[key] === null || attrs[key] === undefined) { return; }
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  window.PortalDom = {el: el};
}());
