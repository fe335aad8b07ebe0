/* Charts of a resource page: bar, line or pie charts of the explorer's current view, drawn by the
 * vendored Chart.js (static/vendor/chartjs), each with its data table beside it.
 *
 * <div data-chart-builder data-resource-id data-api [data-default-view=JSON] [data-csrf]> sits
 * after the explorer; it learns the columns and the view's parameters from the explorer's
 * "explorer:view" event. The values of the chosen columns are summed per category (the first
 * MAX_ROWS rows of the view). With data-csrf (an editor of the dataset) the chart can be saved as
 * the resource's default view (resource_view_create with default=true); a saved default view is
 * drawn when the page opens.
 *
 * The chart itself, with its data table, is drawn by PortalCharts.draw (static/js/chart.js),
 * the one chart component of the portal.
 */
(function () {
  "use strict";

  var t = window.PortalMessages.t;
  var MAX_ROWS = 5000;
  var TYPES = [["bar", t("Barras")], ["line", t("Líneas")], ["pie", t("Circular")]];
  var numberFormat = new Intl.NumberFormat("es-BO", {maximumFractionDigits: 2});

  /* The explorer's element builder (explorer.js loads first). */
  var el = window.PortalExplorer.el;

  function Builder(root) {
    this.root = root;
    this.api = root.getAttribute("data-api");
    this.resourceId = root.getAttribute("data-resource-id");
    this.csrf = root.getAttribute("data-csrf");
    var saved = root.getAttribute("data-default-view");
    this.saved = saved ? JSON.parse(saved) : null;
    this.fields = null;
    this.params = null;
  }

  Builder.prototype.onView = function (detail) {
    this.params = detail.params;
    if (this.fields) { return; }
    this.fields = detail.fields;
    this.build();
    if (this.saved) {
      this.apply(this.saved);
      this.render(this.saved.title);
    }
  };

  Builder.prototype.build = function () {
    var self = this;
    var numeric = this.fields.filter(function (field) {
      return field.type === "int" || field.type === "numeric";
    });
    var option = function (field) {
      return el("option", {value: field.id, text: (field.info && field.info.label) || field.id});
    };
    this.type = el("select", {id: "chart-type"}, TYPES.map(function (pair) {
      return el("option", {value: pair[0], text: pair[1]});
    }));
    this.x = el("select", {id: "chart-x"}, this.fields.map(option));
    this.y = el("fieldset", {"class": "chart-y"}, [el("legend", {text: t("Valores")})].concat(
      numeric.map(function (field, index) {
        var id = "chart-y-" + index;
        var box = el("input", {type: "checkbox", id: id, value: field.id});
        if (index === 0) { box.checked = true; }
        return el("label", {"for": id}, [box, " " + ((field.info && field.info.label) || field.id)]);
      })));
    var drawButton = el("button", {type: "submit", "class": "button", text: t("Dibujar")});
    var form = el("form", {"class": "chart-builder", "aria-label": t("Gráfico")}, [
      el("div", {}, [el("label", {"for": "chart-type", text: t("Tipo")}), this.type]),
      el("div", {}, [el("label", {"for": "chart-x", text: t("Categorías")}), this.x]),
      this.y, drawButton]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.render();
    });
    this.output = el("div", {"class": "chart-output", "aria-live": "polite"});
    this.root.appendChild(form);
    if (!numeric.length) {
      form.hidden = true;
      this.root.appendChild(el("p", {"class": "muted", text: t("Esta tabla no tiene columnas numéricas para graficar.")}));
    }
    this.root.appendChild(this.output);
    if (this.csrf) {
      this.title = el("input", {type: "text", id: "chart-title", maxlength: "200"});
      this.saveButton = el("button", {type: "button", "class": "button button-secondary",
                                      text: t("Guardar como vista predeterminada")});
      this.saveButton.addEventListener("click", function () { self.save(); });
      this.saveStatus = el("p", {role: "status", "class": "small"});
      var parts = [el("label", {"for": "chart-title", text: t("Título de la vista")}), this.title,
                   this.saveButton];
      if (this.saved) {
        var remove = el("button", {type: "button", "class": "button button-danger-link",
                                   text: t("Quitar la vista guardada")});
        remove.addEventListener("click", function () {
          self.post("resource_view_delete", {id: self.saved.id},
                    t("Quitada: el recurso ya no tiene gráfico predeterminado."));
        });
        parts.push(remove);
      }
      parts.push(this.saveStatus);
      this.root.appendChild(el("div", {"class": "chart-save"}, parts));
    }
  };

  Builder.prototype.apply = function (config) {
    this.type.value = config.chart_type;
    this.x.value = config.x_field;
    Array.prototype.forEach.call(this.y.querySelectorAll("input"), function (box) {
      box.checked = config.y_fields.indexOf(box.value) !== -1;
    });
  };

  Builder.prototype.config = function () {
    return {chart_type: this.type.value, x_field: this.x.value,
            y_fields: Array.prototype.filter.call(this.y.querySelectorAll("input"), function (box) {
              return box.checked;
            }).map(function (box) { return box.value; })};
  };

  Builder.prototype.label = function (name) {
    var field = this.fields.filter(function (item) { return item.id === name; })[0];
    return (field && field.info && field.info.label) || name;
  };

  Builder.prototype.render = function (title) {
    var self = this;
    var config = this.config();
    if (!config.y_fields.length) {
      this.output.textContent = t("Elija al menos una columna de valores.");
      return Promise.resolve();
    }
    if (config.chart_type === "pie") { config.y_fields = config.y_fields.slice(0, 1); }
    var params = Object.assign({}, this.params, {
      fields: [config.x_field].concat(config.y_fields).join(","), limit: MAX_ROWS});
    return window.fetch(this.api + "datastore_search?" + window.PortalExplorer.query(params),
                        {credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body.success) { throw new Error(JSON.stringify(body.error)); }
        var labels = [];
        var sums = {};
        body.result.records.forEach(function (record) {
          var key = record[config.x_field] === null ? t("(vacío)") : String(record[config.x_field]);
          if (!(key in sums)) { labels.push(key); sums[key] = config.y_fields.map(function () { return 0; }); }
          config.y_fields.forEach(function (name, index) { sums[key][index] += record[name] || 0; });
        });
        var names = config.y_fields.map(function (name) { return self.label(name); });
        self.lastTitle = title || t("{values} por {category}", {values: names.join(", "),
                                                                category: self.label(config.x_field)});
        if (self.title && !self.title.value) { self.title.value = self.lastTitle; }
        window.PortalCharts.draw(self.output, {
          type: config.chart_type, title: self.lastTitle, category: self.label(config.x_field),
          label: t("{title}. Los datos están en la tabla.", {title: self.lastTitle}),
          tableLabel: t("Datos del gráfico"), unit: "number",
          labels: labels,
          series: config.y_fields.map(function (name, index) {
            return {label: names[index], values: labels.map(function (key) { return sums[key][index]; })};
          }),
          note: t("Suma por categoría de {rows} filas de la vista actual.", {
            rows: numberFormat.format(body.result.records.length)}) + (body.result.total > MAX_ROWS ?
              " " + t("(las primeras {max})", {max: numberFormat.format(MAX_ROWS)}) : ""),
        });
        self.root.setAttribute("data-chart-state", "drawn");
      })
      .catch(function (error) { self.output.textContent = t("No se pudo dibujar: {error}", {error: error.message}); });
  };

  Builder.prototype.save = function () {
    this.post("resource_view_create", Object.assign({
      resource_id: this.resourceId, view_type: "chart", default: true,
      title: this.title.value.trim() || this.lastTitle || ""}, this.config()),
              t("Guardado: es la vista predeterminada de este recurso."));
  };

  /* A write action with the page's session and CSRF token; its outcome in the status line. */
  Builder.prototype.post = function (action, body, done) {
    var self = this;
    window.fetch(this.api + action, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": this.csrf},
      body: JSON.stringify(body)})
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        if (answer.success) {
          self.saveStatus.textContent = done;
        } else {
          var error = answer.error || {};
          self.saveStatus.textContent = t("No se pudo: {error}", {error: Object.keys(error)
            .filter(function (key) { return key !== "__type"; })
            .map(function (key) { return key + ": " + [].concat(error[key]).join(" "); }).join("; ")});
        }
      });
  };

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart-builder]"), function (root) {
      var builder = new Builder(root);
      var explorer = document.querySelector("[data-explorer]");
      if (explorer) {
        explorer.addEventListener("explorer:view", function (event) { builder.onView(event.detail); });
      }
    });
  });
}());
