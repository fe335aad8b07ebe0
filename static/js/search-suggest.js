// Suggestions under the search box: keywords and dataset titles for the words typed so far.
// The box is an ARIA combobox with a listbox popup (arrow keys, Enter, Escape); without this
// script it stays a plain search form. Reads /search/suggest?q=... (data-suggest-url).
(function () {
  "use strict";
  var DELAY_MS = 150;

  function attach(input, index) {
    var url = input.getAttribute("data-suggest-url");
    function text(name) { return input.getAttribute("data-suggest-" + name) || ""; }
    var listId = input.id + "-sugerencias-" + index;
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var items = [];
    var active = -1;
    var timer = null;
    var request = null;

    list.id = listId;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", text("label"));
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    // Below the row of box and button, so it reads as a list under the box even unstyled.
    var row = input.parentNode;
    row.parentNode.insertBefore(list, row.nextSibling);
    row.parentNode.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(position) {
      var options = list.children;
      if (active >= 0 && options[active]) { options[active].setAttribute("aria-selected", "false"); }
      active = position;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(position) {
      var item = items[position];
      if (item) { window.location.assign(item.url); }
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, position) {
        var option = document.createElement("li");
        var kind = document.createElement("span");
        option.id = listId + "-" + position;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        kind.className = "suggestion-kind";
        kind.textContent = text(item.kind === "keyword" ? "keyword" : "title") + " ";
        option.appendChild(kind);
        option.appendChild(document.createTextNode(item.text));
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the box
          choose(position);
        });
        list.appendChild(option);
      });
      active = -1;
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      status.textContent = found.length
        ? text(found.length === 1 ? "one" : "many").replace("{n}", String(found.length))
        : "";
    }

    function fetchSuggestions() {
      var typed = input.value;
      if (!typed.trim()) { show([]); return; }
      if (request) { request.abort(); }
      request = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(typed), {
        headers: { Accept: "application/json" }, signal: request.signal
      }).then(function (response) {
        return response.ok ? response.json() : { suggestions: [] };
      }).then(function (body) {
        if (input.value === typed) { show(body.suggestions || []); }
      }).catch(function () { /* aborted or offline: keep the plain search box */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % items.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  var boxes = document.querySelectorAll("input[data-suggest-url]");
  for (var i = 0; i < boxes.length; i += 1) {
    if (!boxes[i].hasAttribute("data-suggest-ready")) {
      boxes[i].setAttribute("data-suggest-ready", "");
      attach(boxes[i], i);
    }
  }
})();
