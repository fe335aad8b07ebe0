/* Table explorer of a resource page, on the DataStore API (docs/datastore.md).
 *
 * The page renders <div data-explorer data-resource-id data-api data-dump> around the static
 * preview (the fallback without JavaScript). This module replaces that preview with a table the
 * reader can sort (header buttons with aria-sort), filter per column (exact values, suggested
 * from the column's distinct values), search (q) and page; numbers and dates are formatted for
 * es-BO. The current view's CSV/JSON/XLSX export (/datastore/dump) and its datastore_search URL
 * follow every change. The chart and map modules read the same view: the explorer dispatches
 * "explorer:view" on its root with {fields, params} after every load.
 */
(function () {
  "use strict";

  var t = window.PortalMessages.t;
  var el = window.PortalDom.el;
  var LOCALE = "es-BO";
  var PAGE_SIZES = [10, 25, 50, 100];
  var numberFormat = new Intl.NumberFormat(LOCALE, {maximumFractionDigits: 6});
  var yearFormat = new Intl.NumberFormat(LOCALE, {useGrouping: false});
  var dateFormat = new Intl.DateTimeFormat(LOCALE, {dateStyle: "medium", timeZone: "UTC"});
  var timeFormat = new Intl.DateTimeFormat(LOCALE, {dateStyle: "medium", timeStyle: "short",
                                                    timeZone: "UTC"});

  function label(field) {
    return (field.info && field.info.label) || field.id;
  }

  function isYear(field) {
    var schema = field.schema || {};
    return schema.type === "year" || /^(a[ñn]o|year|gesti[oó]n)$/i.test(field.id);
  }

  /* A cell's text for es-BO readers; the raw value stays in data-value. */
  function format(field, value) {
    if (value === null || value === undefined || value === "") { return ""; }
    switch (field.type) {
      case "int":
      case "numeric":
        return isYear(field) ? yearFormat.format(value) : numberFormat.format(value);
      case "bool":
        return value ? t("Sí") : t("No");
      case "date":
        return dateFormat.format(new Date(value + "T00:00:00Z"));
      case "timestamp":
        return timeFormat.format(new Date(String(value).replace(/Z?$/, "Z")));
      default:
        return String(value);
    }
  }

  function query(params) {
    return Object.keys(params).filter(function (key) {
      return params[key] !== "" && params[key] !== null && params[key] !== undefined;
    }).map(function (key) {
      return encodeURIComponent(key) + "=" + encodeURIComponent(params[key]);
    }).join("&");
  }

  /* The view in the page's address (#q=…&filters=…&sort=…&offset=…&limit=…), so that a
   * reader can share or bookmark it. */
  function fromHash(hash) {
    var state = {q: "", filters: {}, sort: "", offset: 0, limit: 25};
    var params = new URLSearchParams(hash.replace(/^#/, ""));
    try { state.filters = JSON.parse(params.get("filters") || "{}") || {}; } catch (error) { state.filters = {}; }
    if (typeof state.filters !== "object" || Array.isArray(state.filters)) { state.filters = {}; }
    state.q = params.get("q") || "";
    state.sort = params.get("sort") || "";
    state.offset = Math.max(0, parseInt(params.get("offset"), 10) || 0);
    var limit = parseInt(params.get("limit"), 10);
    state.limit = PAGE_SIZES.indexOf(limit) === -1 ? 25 : limit;
    return state;
  }

  function toHash(state) {
    return query({q: state.q, sort: state.sort, offset: state.offset || "",
                  limit: state.limit === 25 ? "" : state.limit,
                  filters: Object.keys(state.filters).length ? JSON.stringify(state.filters) : ""});
  }

  function Explorer(root) {
    this.root = root;
    this.resourceId = root.getAttribute("data-resource-id");
    this.api = root.getAttribute("data-api");
    this.dump = root.getAttribute("data-dump");
    this.state = fromHash(window.location.hash);
    this.fields = [];
    this.total = 0;
  }

  /* The datastore_search parameters of the current view (without paging for exports). */
  Explorer.prototype.params = function (paged) {
    var state = this.state;
    var params = {resource_id: this.resourceId, q: state.q,
                  filters: Object.keys(state.filters).length ? JSON.stringify(state.filters) : "",
                  sort: state.sort};
    if (paged) {
      params.limit = state.limit;
      params.offset = state.offset || "";
    }
    return params;
  };

  Explorer.prototype.searchUrl = function () {
    return new URL(this.api + "datastore_search?" + query(this.params(true)),
                   window.location.href).href;
  };

  Explorer.prototype.fetch = function (params) {
    return window.fetch(this.api + "datastore_search?" + query(params),
                        {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body.success) {
          var error = body.error || {};
          var messages = Object.keys(error).filter(function (key) { return key !== "__type"; })
            .map(function (key) { return [].concat(error[key]).join(" "); });
          throw new Error(messages.join(" ") || "Error");
        }
        return body.result;
      });
  };

  Explorer.prototype.start = function () {
    var self = this;
    return this.fetch({resource_id: this.resourceId, limit: 0}).then(function (result) {
      self.fields = result.fields.filter(function (field) { return field.id !== "_id"; });
      var known = self.fields.map(function (field) { return field.id; });
      Object.keys(self.state.filters).forEach(function (name) {
        if (known.indexOf(name) === -1) { delete self.state.filters[name]; }
      });
      if (known.indexOf(self.state.sort.replace(/ desc$/, "")) === -1) { self.state.sort = ""; }
      self.build();
      return self.load();
    }).catch(function (error) {
      self.root.setAttribute("data-explorer-state", "error");
      self.root.insertBefore(el("p", {"class": "warning-box", role: "alert",
                                      text: t("No se pudo abrir el explorador: {error}", {error: error.message})}),
                             self.root.firstChild);
    });
  };

  Explorer.prototype.build = function () {
    var self = this;
    var fallback = this.root.querySelector("[data-explorer-fallback]");
    if (fallback) { fallback.hidden = true; }
    var title = this.root.getAttribute("data-title") || t("Datos");

    var search = el("input", {type: "search", id: "explorer-q", name: "q",
                              placeholder: t("Buscar en todas las columnas")});
    search.value = this.state.q;
    var size = el("select", {id: "explorer-limit"}, PAGE_SIZES.map(function (n) {
      var option = el("option", {value: String(n), text: String(n)});
      if (n === self.state.limit) { option.selected = true; }
      return option;
    }));
    var form = el("form", {"class": "explorer-toolbar", role: "search"}, [
      el("label", {"for": "explorer-q", text: t("Buscar")}), search,
      el("button", {type: "submit", "class": "button", text: t("Buscar")}),
      el("label", {"for": "explorer-limit", text: t("Filas por página")}), size,
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.state.q = search.value.trim();
      self.state.offset = 0;
      self.load();
    });
    size.addEventListener("change", function () {
      self.state.limit = parseInt(size.value, 10);
      self.state.offset = 0;
      self.load();
    });

    this.caption = el("caption", {});
    this.head = el("thead", {}, [this.headerRow(), this.filterRow()]);
    this.body = el("tbody", {});
    this.table = el("table", {"class": "data-table explorer-table"},
                    [this.caption, this.head, this.body]);
    this.status = el("p", {"class": "explorer-status", role: "status", "aria-live": "polite"});
    this.pager = el("nav", {"class": "explorer-pager", "aria-label": t("Páginas de la tabla")});
    this.exports = el("p", {"class": "explorer-exports"});
    this.apiCall = el("code", {"class": "break", id: "explorer-api-url"});
    var copy = el("button", {type: "button", "class": "button button-secondary",
                             text: t("Copiar")});
    copy.addEventListener("click", function () { self.copyUrl(copy); });

    var box = el("div", {"class": "explorer"}, [
      form, this.status,
      el("div", {"class": "table-scroll", tabindex: "0", role: "region",
                 "aria-label": t("Tabla: {title}", {title: title})}, [this.table]),
      this.pager, this.exports,
      el("details", {"class": "explorer-api"}, [
        el("summary", {text: t("Llamada a la API de esta vista")}),
        el("p", {"class": "small muted",
                 text: t("La misma consulta con datastore_search (API compatible con CKAN):")}),
        el("p", {}, [this.apiCall]), copy,
      ]),
    ]);
    this.root.appendChild(box);
    this.root.setAttribute("data-explorer-state", "ready");
  };

  Explorer.prototype.headerRow = function () {
    var self = this;
    this.sortButtons = {};
    return el("tr", {}, this.fields.map(function (field) {
      var button = el("button", {type: "button", "class": "explorer-sort",
                                 "data-field": field.id}, [label(field)]);
      if (field.info && field.info.notes) { button.title = field.info.notes; }
      button.addEventListener("click", function () { self.toggleSort(field.id); });
      self.sortButtons[field.id] = button;
      var th = el("th", {scope: "col", "data-type": field.type}, [button]);
      return th;
    }));
  };

  Explorer.prototype.filterRow = function () {
    var self = this;
    return el("tr", {"class": "explorer-filters"}, this.fields.map(function (field, index) {
      var id = "explorer-filter-" + index;
      var list = "explorer-values-" + index;
      var input = el("input", {type: "text", id: id, list: list, "data-field": field.id,
                               "class": "explorer-filter", autocomplete: "off",
                               "aria-label": t("Filtrar {column} (igual a)", {column: label(field)})});
      if (self.state.filters[field.id] !== undefined) { input.value = String(self.state.filters[field.id]); }
      var options = el("datalist", {id: list});
      input.addEventListener("focus", function () { self.suggest(field, options); },
                             {once: true});
      input.addEventListener("change", function () {
        var value = input.value.trim();
        if (value === "") { delete self.state.filters[field.id]; } else {
          self.state.filters[field.id] = value;
        }
        self.state.offset = 0;
        self.load();
      });
      return el("td", {}, [input, options]);
    }));
  };

  /* The column's distinct values (up to 200) as suggestions for its filter. */
  Explorer.prototype.suggest = function (field, datalist) {
    this.fetch({resource_id: this.resourceId, fields: field.id, distinct: "true",
                sort: field.id, limit: 200, include_total: "false"}).then(function (result) {
      result.records.forEach(function (record) {
        var value = record[field.id];
        if (value !== null && value !== undefined) {
          datalist.appendChild(el("option", {value: String(value)}));
        }
      });
    }).catch(function () { /* suggestions are optional */ });
  };

  Explorer.prototype.toggleSort = function (name) {
    var current = this.state.sort;
    this.state.sort = current === name ? name + " desc" : current === name + " desc" ? "" : name;
    this.state.offset = 0;
    this.load();
  };

  Explorer.prototype.load = function () {
    var self = this;
    this.root.setAttribute("aria-busy", "true");
    return this.fetch(this.params(true)).then(function (result) {
      self.total = result.total;
      self.render(result.records);
      var hash = toHash(self.state);
      if (hash || window.location.hash) {
        window.history.replaceState(null, "", hash ? "#" + hash : window.location.pathname + window.location.search);
      }
      self.root.removeAttribute("aria-busy");
      self.root.dispatchEvent(new CustomEvent("explorer:view", {detail: {
        fields: self.fields, params: self.params(false), api: self.api}}));
    }).catch(function (error) {
      self.root.removeAttribute("aria-busy");
      self.status.textContent = error.message;
      self.status.setAttribute("data-error", "");
    });
  };

  Explorer.prototype.render = function (records) {
    var self = this;
    var state = this.state;
    this.body.textContent = "";
    records.forEach(function (record) {
      self.body.appendChild(el("tr", {}, self.fields.map(function (field) {
        var value = record[field.id];
        var cell = el("td", {"data-type": field.type, text: format(field, value)});
        if (value !== null && value !== undefined) { cell.setAttribute("data-value", String(value)); }
        return cell;
      })));
    });
    if (!records.length) {
      this.body.appendChild(el("tr", {}, [el("td", {colspan: String(this.fields.length),
                                                    text: t("Ninguna fila coincide.")})]));
    }
    Object.keys(this.sortButtons).forEach(function (name) {
      var th = self.sortButtons[name].parentNode;
      var direction = state.sort === name ? "ascending" :
        state.sort === name + " desc" ? "descending" : null;
      if (direction) { th.setAttribute("aria-sort", direction); } else { th.removeAttribute("aria-sort"); }
    });
    var first = records.length ? state.offset + 1 : 0;
    var last = state.offset + records.length;
    var summary = t("Filas {first}–{last} de {total}", {
      first: numberFormat.format(first), last: numberFormat.format(last),
      total: numberFormat.format(this.total)});
    this.status.removeAttribute("data-error");
    this.status.textContent = summary + (state.q || Object.keys(state.filters).length ?
                                         " " + t("(filtradas)") : "") + ".";
    this.caption.textContent = t("{title}. {summary}. Use los botones de los encabezados para ordenar.", {
      title: this.root.getAttribute("data-title") || t("Datos"), summary: summary});
    this.renderPager();
    this.renderExports();
    this.apiCall.textContent = this.searchUrl();
  };

  Explorer.prototype.renderPager = function () {
    var self = this;
    var state = this.state;
    var pages = Math.max(1, Math.ceil(this.total / state.limit));
    var page = Math.floor(state.offset / state.limit) + 1;
    function go(text, target, disabled) {
      var button = el("button", {type: "button", "class": "button button-secondary", text: text});
      button.disabled = disabled;
      button.addEventListener("click", function () {
        state.offset = (target - 1) * state.limit;
        self.load().then(function () { self.pager.querySelector("[data-page-label]").focus(); });
      });
      return button;
    }
    this.pager.textContent = "";
    [go(t("« Primera"), 1, page === 1), go(t("‹ Anterior"), page - 1, page === 1),
     el("span", {"data-page-label": "", tabindex: "-1",
                 text: t("Página {page} de {pages}", {page: numberFormat.format(page),
                                                       pages: numberFormat.format(pages)})}),
     go(t("Siguiente ›"), page + 1, page >= pages), go(t("Última »"), pages, page >= pages)]
      .forEach(function (node) { self.pager.appendChild(node); });
  };

  Explorer.prototype.renderExports = function () {
    var base = this.dump + "?";
    var params = this.params(false);
    delete params.resource_id;
    var self = this;
    this.exports.textContent = t("Descargar esta vista ({total} filas):", {
      total: numberFormat.format(this.total)}) + " ";
    [["csv", "CSV"], ["json", "JSON"], ["xlsx", "XLSX"]].forEach(function (pair, index) {
      if (index) { self.exports.appendChild(document.createTextNode(" · ")); }
      var link = el("a", {href: base + query(Object.assign({format: pair[0]}, params)),
                          "data-format": pair[0], download: "", text: pair[1]});
      self.exports.appendChild(link);
    });
  };

  Explorer.prototype.copyUrl = function (button) {
    var text = this.apiCall.textContent;
    var done = function () { button.textContent = t("Copiado"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { selectText(button); });
    } else {
      selectText(button);
    }
    function selectText() {
      var range = document.createRange();
      range.selectNodeContents(document.getElementById("explorer-api-url"));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      button.textContent = t("Seleccionado: Ctrl+C para copiar");
    }
  };

  window.PortalExplorer = {el: el, format: format, label: label, query: query};

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-explorer]"), function (root) {
      new Explorer(root).start();
    });
  });
}());
