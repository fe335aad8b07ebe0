// The resource form's schema chooser: choosing a registered schema writes its name in the
// schema box and previews its fields (read from /schemas/<name>?format=json).
(function () {
  "use strict";
  var box = document.querySelector("[data-schema-chooser]");
  if (!box) { return; }
  var chooser = box.querySelector("select[name=schema_choice]");
  var target = box.querySelector("textarea[name=schema]");
  var preview = box.querySelector("#schema-preview");
  var base = box.getAttribute("data-schema-base");
  if (!chooser || !target || !preview) { return; }
  var labels = JSON.parse(box.getAttribute("data-labels"));  // translated by the page
  var chosen = chooser.value;

  function cell(row, tag, text) {
    var element = document.createElement(tag);
    element.textContent = text;
    row.appendChild(element);
    return element;
  }

  function show(reference, descriptor) {
    preview.textContent = "";
    var heading = document.createElement("p");
    heading.className = "hint";
    heading.textContent = labels.fields.replace("%s", reference);
    preview.appendChild(heading);
    var scroll = document.createElement("div");
    scroll.className = "table-scroll";
    var table = document.createElement("table");
    table.className = "data-table";
    var head = table.createTHead().insertRow();
    [labels.field, labels.type, labels.required].forEach(function (text) {
      cell(head, "th", text).setAttribute("scope", "col");
    });
    var body = table.createTBody();
    (descriptor.fields || []).forEach(function (field) {
      var row = body.insertRow();
      cell(row, "th", field.name || "").setAttribute("scope", "row");
      cell(row, "td", (field.type || "string") +
        (field.format && field.format !== "default" ? " (" + field.format + ")" : ""));
      var required = field.constraints && field.constraints.required;
      cell(row, "td", required ? labels.yes : labels.no);
    });
    scroll.appendChild(table);
    preview.appendChild(scroll);
    preview.hidden = false;
  }

  function load() {
    var reference = chooser.value;
    if (!reference) { preview.hidden = true; preview.textContent = ""; return; }
    fetch(base + reference + "?format=json", {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (descriptor) {
        if (chooser.value !== reference) { return; }
        if (descriptor) { show(reference, descriptor); } else {
          preview.textContent = labels.failed;
          preview.hidden = false;
        }
      })
      .catch(function () { preview.textContent = labels.failed; preview.hidden = false; });
  }

  chooser.addEventListener("change", function () {
    var current = target.value.trim();
    // Replace the box only when it is empty or holds the previous choice (never typed JSON).
    if (current === "" || current === chosen) { target.value = chooser.value; }
    chosen = chooser.value;
    load();
  });
  load();
})();
