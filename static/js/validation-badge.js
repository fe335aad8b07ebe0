// Validation badges that wait (pending, running) ask their status address until the check ends,
// then show the outcome; a badge marked data-validation-reload reloads its page (the report).
// The script may be included once per waiting badge: it runs once.
(function () {
  "use strict";
  if (window.portalValidationBadges) { return; }
  window.portalValidationBadges = true;
  var FIRST_DELAY = 2000;
  var MAX_DELAY = 15000;
  var MAX_TRIES = 120;

  function turn(badge, state) {
    badge.textContent = state.label;
    badge.setAttribute("data-validation", state.status);
    badge.className = "badge " + state["class"];
  }

  function watch(badge) {
    var address = badge.getAttribute("data-validation-poll");
    var delay = FIRST_DELAY;
    var tries = 0;
    function ask() {
      tries += 1;
      fetch(address, {headers: {"Accept": "application/json"}, credentials: "same-origin",
                      cache: "no-store"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (state && state.status !== badge.getAttribute("data-validation")) {
            turn(badge, state);
          }
          if (state && state.done) {
            badge.removeAttribute("data-validation-poll");
            if (badge.hasAttribute("data-validation-reload")) { window.location.reload(); }
            return;
          }
          if (tries < MAX_TRIES) {
            delay = Math.min(delay * 1.5, MAX_DELAY);
            window.setTimeout(ask, delay);
          }
        })
        .catch(function () {
          if (tries < MAX_TRIES) { window.setTimeout(ask, MAX_DELAY); }
        });
    }
    window.setTimeout(ask, delay);
  }

  function start() {
    var badges = document.querySelectorAll("[data-validation-poll]");
    for (var i = 0; i < badges.length; i += 1) { watch(badges[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
