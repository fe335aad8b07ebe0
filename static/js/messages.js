/* The interface texts of the explorer, charts and maps in the reader's language: the page
 * renders them, translated, as JSON in <script type="application/json" id="view-messages">
 * (data, not script: the CSP allows it). PortalMessages.t("Filas {first}", {first: 1}) looks a
 * Spanish text up and fills its {placeholders}; a text the page did not send stays Spanish. */
(function () {
  "use strict";

  var texts = null;

  function t(text, values) {
    if (texts === null) {
      var node = document.getElementById("view-messages");
      try { texts = node ? JSON.parse(node.textContent) : {}; } catch (error) { texts = {}; }
    }
    var found = Object.prototype.hasOwnProperty.call(texts, text) ? texts[text] : text;
    return found.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  window.PortalMessages = {t: t};
}());
