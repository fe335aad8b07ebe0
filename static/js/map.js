/* Maps of a resource page, drawn by the vendored Leaflet (static/vendor/leaflet).
 *
 * <div data-map data-kind data-tile-url data-tile-attribution ...> says what to draw:
 *   kind "geojson": the resource's own file (data-geojson-url);
 *   kind "points":  the explorer's current view, data-lat / data-lon columns (DataStore API);
 *   kind "areas":   a choropleth of Bolivia's departments or municipalities (data-level,
 *                   data-boundaries) from a saved map view (data-view: code_field, value_field):
 *                   the values summed per INE code, with the figures as a table beside it.
 *                   Departments: "1".."9" or "01".."09" (a 6-digit municipality code counts for
 *                   its department, the first two digits); municipalities (when the portal has
 *                   their boundaries): 6 digits, leading zeros added ("20101" is "020101").
 */
(function () {
  "use strict";

  var t = window.PortalMessages.t;
  var MAX_POINTS = 5000;
  var BOLIVIA = [[-22.9, -69.7], [-9.7, -57.4]];
  var SCALE = ["#eaf4ef", "#b7dcc8", "#7fbf9f", "#3f9a73", "#00573f"];
  var numberFormat = new Intl.NumberFormat("es-BO", {maximumFractionDigits: 2});

  /* The JSON at url; an error answer throws with the message the portal put in it (the API's
   * and the feeds' error shapes both have error.message), else with the status. */
  function json(url) {
    return window.fetch(url, {credentials: "same-origin"}).then(function (response) {
      if (response.ok) { return response.json(); }
      return response.json().catch(function () { return {}; }).then(function (body) {
        var error = body && body.error;
        var message = error && typeof error.message === "string" ? error.message : "";
        throw new Error(message || response.status + " " + response.statusText);
      });
    });
  }

  function department(code) {
    var text = String(code === null || code === undefined ? "" : code).trim();
    if (/^\d{6}$/.test(text)) { text = text.slice(0, 2); }
    if (!/^\d{1,2}$/.test(text)) { return null; }
    var number = parseInt(text, 10);
    return number >= 1 && number <= 9 ? String(number) : null;
  }

  function municipality(code) {
    var text = String(code === null || code === undefined ? "" : code).trim();
    if (!/^\d{5,6}$/.test(text)) { return null; }
    text = ("0" + text).slice(-6);
    return text.slice(0, 2) >= "01" && text.slice(0, 2) <= "09" ? text : null;
  }

  function MapView(root) {
    this.root = root;
    this.kind = root.getAttribute("data-kind");
    this.box = root.querySelector(".map-box");
    this.note = root.querySelector("[data-map-note]");
    this.layer = null;
    if (this.kind === "none") { return; }
    this.map = window.L.map(this.box, {scrollWheelZoom: false}).fitBounds(BOLIVIA);
    window.L.tileLayer(root.getAttribute("data-tile-url"), {
      attribution: root.getAttribute("data-tile-attribution"), maxZoom: 18}).addTo(this.map);
  }

  /* Publishers choose the map's columns and save them as the resource's map view. */
  MapView.prototype.editor = function (fields) {
    var self = this;
    var el = window.PortalExplorer.el;
    var option = function (field) {
      return el("option", {value: field.id, text: window.PortalExplorer.label(field)});
    };
    var numeric = fields.filter(function (field) { return field.type === "int" || field.type === "numeric"; });
    var select = function (id, label, list) {
      return el("div", {}, [el("label", {"for": id, text: label}), el("select", {id: id}, list.map(option))]);
    };
    var kind = el("select", {id: "map-kind"}, [
      el("option", {value: "areas", text: t("Departamentos coloreados (códigos del INE)")}),
      el("option", {value: "municipios", text: t("Municipios coloreados (códigos del INE)")}),
      el("option", {value: "points", text: t("Puntos (latitud y longitud)")})]);
    var areas = el("div", {"class": "chart-builder"}, [
      select("map-code", t("Columna de códigos del INE"), fields),
      select("map-value", t("Columna de valores"), numeric)]);
    var points = el("div", {"class": "chart-builder", hidden: ""}, [
      select("map-lat", t("Latitud"), numeric), select("map-lon", t("Longitud"), numeric)]);
    kind.addEventListener("change", function () {
      areas.hidden = kind.value === "points";
      points.hidden = kind.value !== "points";
    });
    var title = el("input", {type: "text", id: "map-view-title", maxlength: "200"});
    var status = el("p", {role: "status", "class": "small"});
    var save = el("button", {type: "submit", "class": "button button-secondary",
                             text: t("Guardar el mapa")});
    var form = el("form", {"class": "map-editor", "aria-label": t("Configurar el mapa")}, [
      el("div", {}, [el("label", {"for": "map-kind", text: t("Tipo de mapa")}), kind]),
      areas, points, el("div", {}, [el("label", {"for": "map-view-title", text: t("Título de la vista")}), title]),
      save, status]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = function (id) { return document.getElementById(id).value; };
      var body = {resource_id: self.root.getAttribute("data-resource-id"), view_type: "map",
                  default: true, title: title.value.trim() || t("Mapa")};
      if (kind.value !== "points") {
        Object.assign(body, {code_field: value("map-code"), value_field: value("map-value"),
                             level: kind.value === "municipios" ? "municipio" : "departamento"});
      } else {
        Object.assign(body, {lat_field: value("map-lat"), lon_field: value("map-lon")});
      }
      window.fetch(self.root.getAttribute("data-api") + "resource_view_create", {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: {"Content-Type": "application/json",
                  "X-CSRFToken": self.root.getAttribute("data-csrf")}})
        .then(function (response) { return response.json(); })
        .then(function (answer) {
          if (answer.success) { window.location.reload(); return; }
          var error = answer.error || {};
          status.textContent = t("No se pudo: {error}", {error: Object.keys(error)
            .filter(function (key) { return key !== "__type"; })
            .map(function (key) { return key + ": " + [].concat(error[key]).join(" "); }).join("; ")});
        });
    });
    this.root.appendChild(el("details", {"class": "map-settings"}, [
      el("summary", {text: t("Configurar el mapa")}), form]));
  };

  MapView.prototype.show = function (layer, note) {
    if (this.layer) { this.map.removeLayer(this.layer); }
    this.layer = layer.addTo(this.map);
    var bounds = layer.getBounds && layer.getBounds();
    if (bounds && bounds.isValid()) { this.map.fitBounds(bounds, {maxZoom: 12}); }
    this.note.textContent = note;
    this.root.setAttribute("data-map-state", "drawn");
  };

  MapView.prototype.fail = function (error) {
    this.note.textContent = t("No se pudo dibujar el mapa: {error}", {error: error.message});
    this.root.setAttribute("data-map-state", "error");
  };

  MapView.prototype.geojson = function () {
    var self = this;
    json(this.root.getAttribute("data-geojson-url")).then(function (data) {
      var layer = window.L.geoJSON(data, {onEachFeature: function (feature, item) {
        var properties = feature.properties || {};
        var lines = Object.keys(properties).slice(0, 8).map(function (key) {
          return key + ": " + properties[key];
        });
        if (lines.length) {
          var popup = document.createElement("div");
          popup.className = "map-popup";
          popup.textContent = lines.join("\n");
          item.bindPopup(popup);
        }
      }});
      var count = (data.features || [data]).length;
      self.show(layer, t("{n} elementos del archivo GeoJSON.", {n: numberFormat.format(count)}));
    }).catch(function (error) { self.fail(error); });
  };

  MapView.prototype.points = function (params) {
    var self = this;
    var lat = this.root.getAttribute("data-lat");
    var lon = this.root.getAttribute("data-lon");
    var query = Object.assign({}, params, {limit: MAX_POINTS});
    json(this.root.getAttribute("data-api") + "datastore_search?" +
         window.PortalExplorer.query(query)).then(function (body) {
      var markers = [];
      body.result.records.forEach(function (record) {
        var y = record[lat];
        var x = record[lon];
        if (typeof y !== "number" || typeof x !== "number" || Math.abs(y) > 90 || Math.abs(x) > 180) { return; }
        var marker = window.L.circleMarker([y, x], {radius: 5, color: "#00573f", weight: 1,
                                                    fillOpacity: 0.7});
        marker.bindTooltip(t("Fila {n}", {n: record._id}));
        markers.push(marker);
      });
      self.show(window.L.featureGroup(markers), t("{n} puntos de la vista actual de la tabla.", {
        n: numberFormat.format(markers.length)}) + (body.result.total > MAX_POINTS ?
          " " + t("(las primeras {max})", {max: numberFormat.format(MAX_POINTS)}) : ""));
    }).catch(function (error) { self.fail(error); });
  };

  MapView.prototype.areas = function (params) {
    var self = this;
    var view = JSON.parse(this.root.getAttribute("data-view"));
    var normalise = this.root.getAttribute("data-level") === "municipio" ? municipality : department;
    var query = Object.assign({}, params, {fields: view.code_field + "," + view.value_field,
                                           limit: 32000});
    Promise.all([json(this.root.getAttribute("data-boundaries")),
                 json(this.root.getAttribute("data-api") + "datastore_search?" +
                      window.PortalExplorer.query(query))]).then(function (answers) {
      var boundaries = answers[0];
      var sums = {};
      answers[1].result.records.forEach(function (record) {
        var code = normalise(record[view.code_field]);
        if (code !== null) { sums[code] = (sums[code] || 0) + (Number(record[view.value_field]) || 0); }
      });
      var values = Object.keys(sums).map(function (code) { return sums[code]; });
      var max = Math.max.apply(null, values.concat([0]));
      var colour = function (value) {
        if (value === undefined) { return "#ffffff"; }
        return SCALE[max > 0 ? Math.min(SCALE.length - 1, Math.floor(value / max * (SCALE.length - 1))) : 0];
      };
      var layer = window.L.geoJSON(boundaries, {
        style: function (feature) {
          return {color: "#545b57", weight: 1, fillOpacity: 0.85,
                  fillColor: colour(sums[feature.properties.codigo_ine])};
        },
        onEachFeature: function (feature, item) {
          var value = sums[feature.properties.codigo_ine];
          item.bindTooltip(feature.properties.nombre + ": " +
                           (value === undefined ? t("sin datos") : numberFormat.format(value)));
        },
      });
      self.show(layer, view.title || "");
      self.table(boundaries, sums, view);
    }).catch(function (error) { self.fail(error); });
  };

  /* The map's figures as a table beside it (accessible, and exact). */
  MapView.prototype.table = function (boundaries, sums, view) {
    var make = function (tag, text, attrs) {
      return window.PortalExplorer.el(tag, Object.assign({text: text}, attrs || {}));
    };
    var table = make("table", undefined, {"class": "data-table"});
    table.appendChild(make("caption", view.title || ""));
    var head = table.appendChild(make("thead")).appendChild(make("tr"));
    var municipal = this.root.getAttribute("data-level") === "municipio";
    head.appendChild(make("th", municipal ? t("Municipio") : t("Departamento"), {scope: "col"}));
    head.appendChild(make("th", view.value_field, {scope: "col"}));
    var body = table.appendChild(make("tbody"));
    var seen = {};  // a municipality in several features: one row
    boundaries.features.forEach(function (feature) {
      if (seen[feature.properties.codigo_ine]) { return; }
      seen[feature.properties.codigo_ine] = true;
      var value = sums[feature.properties.codigo_ine];
      var row = body.appendChild(make("tr"));
      row.appendChild(make("th", feature.properties.nombre, {scope: "row"}));
      row.appendChild(make("td", value === undefined ? "—" : numberFormat.format(value),
                           {"data-type": "numeric"}));
    });
    var holder = this.root.querySelector("[data-map-table]");
    holder.textContent = "";
    holder.appendChild(table);
  };

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-map]"), function (root) {
      var view = new MapView(root);
      if (view.kind === "geojson") { view.geojson(); return; }
      var explorer = document.querySelector("[data-explorer]");
      if (!explorer) { return; }
      var first = true;
      explorer.addEventListener("explorer:view", function (event) {
        if (first && root.hasAttribute("data-csrf")) { view.editor(event.detail.fields); }
        first = false;
        if (view.kind === "points") { view.points(event.detail.params); }
        if (view.kind === "areas") { view.areas(event.detail.params); }
      });
    });
  });
}());
