/* The portal's one chart component, on the vendored Chart.js (static/vendor/chartjs).
 *
 * A chart is a <figure data-chart> holding its spec as JSON (<script type="application/json"
 * data-chart-spec>), a place for the picture (data-chart-canvas, hidden until drawn) and the
 * data table: templates/macros/chart.html renders it on the server (PIGE dashboards, entity
 * and observatory pages, series), and a reader without JavaScript gets the table. When the
 * page loads, every such figure gets its canvas. PortalCharts.draw(container, spec) builds the
 * same figure in the browser (the resource page's chart builder) and draws it the same way.
 *
 * spec (portal/charts.py): {type: bar|line|pie, title, category, labels, series: [{label,
 * values, texts}], unit: number|percent, max, horizontal, ticks, note, label}. The texts,
 * when missing, are the values formatted for es-BO; label is what a screen reader hears for
 * the canvas (the table holds the data).
 */
(function () {
  "use strict";

  var COLOURS = ["#00573f", "#d52b1e", "#f4c300", "#2b6cb0", "#7b3fa0", "#c05621", "#2c7a7b",
                 "#97266d", "#4a5568", "#744210"];
  var LOCALE = "es-BO";
  var numberFormat = new Intl.NumberFormat(LOCALE, {maximumFractionDigits: 2});
  var percentFormat = new Intl.NumberFormat(LOCALE, {style: "percent", maximumFractionDigits: 0});
  var el = window.PortalDom.el;

  function format(spec, value) {
    if (value === null || value === undefined) { return "—"; }
    return spec.unit === "percent" ? percentFormat.format(value) : numberFormat.format(value);
  }

  /* A label as lines of at most ``width`` characters (a longer word keeps its own line). */
  function wrap(text, width) {
    var lines = [];
    text.split(/\s+/).forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines.length > 1 ? lines : text;
  }

  /* The figure as templates/macros/chart.html renders it (without the JSON: the spec is given). */
  function figure(spec) {
    var table = el("table", {"class": "data-table chart-table"}, [
      el("caption", {text: spec.title}),
      el("thead", {}, [el("tr", {}, [el("th", {scope: "col", text: spec.category || ""})]
        .concat(spec.series.map(function (serie) {
          return el("th", {scope: "col", text: serie.label});
        })))]),
      el("tbody", {}, spec.labels.map(function (label, row) {
        return el("tr", {}, [el("th", {scope: "row", text: String(label)})].concat(
          spec.series.map(function (serie) {
            var text = serie.texts ? serie.texts[row] : format(spec, serie.values[row]);
            return el("td", {"data-type": "numeric", text: text});
          })));
      })),
    ]);
    return el("figure", {"class": "chart-figure", "data-chart": "", "data-chart-type": spec.type}, [
      el("div", {"class": "chart-canvas", "data-chart-canvas": "", hidden: ""}),
      el("div", {"class": "table-scroll", tabindex: "0", role: "region",
                 "aria-label": spec.tableLabel || null}, [table]),
      el("figcaption", {"class": "small muted", text: spec.note || ""}),
    ]);
  }

  /* The picture of a figure: a canvas in its data-chart-canvas box, drawn by Chart.js. */
  function plot(node, spec) {
    var box = node.querySelector("[data-chart-canvas]");
    if (!box || !window.Chart || !spec.labels.length) { return null; }
    box.textContent = "";
    var canvas = el("canvas", {role: "img", "aria-label": spec.label || spec.title});
    box.appendChild(canvas);
    box.hidden = false;
    if (spec.horizontal) {  // one bar per label: the box grows with them (wrapped on a phone)
      var perBar = box.clientWidth < 500 ? 3.6 : 2.2;
      box.style.height = Math.max(12, perBar * spec.labels.length + 4) + "rem";
    }
    var pie = spec.type === "pie";
    var valueAxis = {beginAtZero: true, ticks: {callback: function (value) { return format(spec, value); }}};
    if (spec.max !== null && spec.max !== undefined) { valueAxis.max = spec.max; }
    var ticks = spec.ticks || spec.labels;
    var categoryAxis = {ticks: {autoSkip: !spec.horizontal, callback: function (value) {
      var text = String(this.getLabelForValue(value));
      // Long labels on the bars' side are wrapped to the room there is (a phone has little).
      return spec.horizontal ? wrap(text, Math.max(10, Math.floor(this.chart.width * 0.35 / 7))) : text;
    }}};
    var chart = new window.Chart(canvas, {
      type: spec.type,
      data: {labels: ticks, datasets: spec.series.map(function (serie, index) {
        var colour = COLOURS[index % COLOURS.length];
        return {label: serie.label, data: serie.values,
                backgroundColor: pie ? spec.labels.map(function (_, i) {
                  return COLOURS[i % COLOURS.length];
                }) : colour, borderColor: colour};
      })},
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, locale: LOCALE,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: pie ? {} : (spec.horizontal ? {x: valueAxis, y: categoryAxis}
                                            : {x: categoryAxis, y: valueAxis}),
        plugins: {
          title: {display: true, text: spec.title},
          legend: {display: pie || spec.series.length > 1},
          tooltip: {callbacks: {
            title: function (items) { return items.length ? spec.labels[items[0].dataIndex] : ""; },
            label: function (item) {
              var serie = spec.series[item.datasetIndex];
              var text = serie.texts ? serie.texts[item.dataIndex] : format(spec, item.raw);
              return serie.label + ": " + text;
            },
          }},
        },
      },
    });
    node.chart = chart;
    node.setAttribute("data-chart-drawn", "");
    return chart;
  }

  /* A figure rendered by the server: its spec is in the page. */
  function enhance(node) {
    var data = node.querySelector("script[data-chart-spec]");
    if (!data || node.hasAttribute("data-chart-drawn")) { return null; }
    try {
      return plot(node, JSON.parse(data.textContent));
    } catch (error) {  // the table stays: the figure still says everything
      if (window.console) { window.console.error(error); }
      return null;
    }
  }

  /* A figure made in the browser, replacing what the container held. */
  function draw(container, spec) {
    container.textContent = "";
    var node = figure(spec);
    container.appendChild(node);
    plot(node, spec);
    return node;
  }

  window.PortalCharts = {draw: draw, enhance: enhance, format: format};

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("figure[data-chart]"), enhance);
  });
}());
