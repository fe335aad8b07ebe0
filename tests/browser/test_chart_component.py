"""The one chart component (templates/macros/chart.html + static/js/chart.js) in headless
Chromium, at 1,280 and 390 px: on the PIGE dashboard and on an entity's quality page each chart
gets a canvas that Chart.js paints (pixels that are not transparent), with as many categories
as its spec, inside the window, its data table beside it, and nothing blocked by the CSP; with
JavaScript off the same page shows the tables and no empty box."""

from __future__ import annotations

import pytest

from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.demo.catalog import demo_entities, entity_input
from portal.pige.demo import load_demo_plans
from tests import factories

WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""

#: Every chart figure of the page: its spec's categories, what Chart.js holds, the canvas's size
#: and painted pixels, whether it fits the window, and the rows of the table that has its data.
CHARTS = """() => [...document.querySelectorAll('figure[data-chart]')].map(figure => {
  const spec = JSON.parse(figure.querySelector('script[data-chart-spec]').textContent);
  const canvas = figure.querySelector('canvas');
  let painted = 0;
  if (canvas && canvas.width && canvas.height) {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted++; } }
  }
  const link = figure.querySelector('figcaption a[href^="#"]');
  const table = link ? document.getElementById(link.getAttribute('href').slice(1))
                     : figure.querySelector('table');
  const box = canvas ? canvas.getBoundingClientRect() : null;
  return {labels: spec.labels.length, type: spec.type,
          drawn: figure.hasAttribute('data-chart-drawn'),
          chartLabels: figure.chart ? figure.chart.data.labels.length : null,
          width: canvas ? canvas.width : 0, height: canvas ? canvas.height : 0, painted,
          inside: box ? box.left >= 0 && box.right <= window.innerWidth + 1 : null,
          tableRows: table ? table.querySelectorAll('tbody tr').length : 0};
})"""


@pytest.fixture
def pages(app):
    """The demo PIGE plans (every step, progress reports) and an entity with scored datasets."""
    with app.app_context():
        for record in demo_entities():
            catalog.create_entity(entity_input(record), SYSTEM)
        load_demo_plans()
        factories.theme()
        dataset = factories.dataset("censo-2024", title="Censo de Población y Vivienda 2024",
                                    entity_name="ine", keywords=["censo"], themes=["economia"])
        factories.resource(dataset, content=b"a,b\n1,2\n", filename="casos.csv")
        factories.dataset("encuesta", entity_name="ine")
    app.test_cli_runner().invoke(args=["quality", "recompute"])
    return {"pige": "/pige?year=2026", "entity": "/organization/ine/calidad"}


@pytest.mark.parametrize("width", (1280, 390))
@pytest.mark.parametrize("which", ("pige", "entity"))
def test_charts_are_drawn_beside_their_tables(live_server, pages, open_page, width, which):
    page = open_page(width)
    page.add_init_script(WATCH)
    assert page.goto(live_server + pages[which]).status == 200
    page.wait_for_selector("figure[data-chart][data-chart-drawn] canvas")
    charts = page.evaluate(CHARTS)
    drawn = [chart for chart in charts if chart["labels"]]
    assert drawn, charts
    for chart in drawn:
        assert chart["drawn"] and chart["chartLabels"] == chart["labels"], chart
        assert chart["width"] > 0 and chart["height"] > 0, chart
        assert chart["painted"] > 500, chart  # bars or a line, not an empty canvas
        assert chart["inside"], (width, chart)
        assert chart["tableRows"] >= chart["labels"], chart
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("window.__csp") == []


@pytest.mark.parametrize("which", ("pige", "entity"))
def test_without_javascript_the_tables_are_there(live_server, pages, browser, which):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390,
                                                                       "height": 900})
    try:
        page = context.new_page()
        assert page.goto(live_server + pages[which]).status == 200
        assert page.locator("canvas").count() == 0
        assert page.locator("[data-chart-canvas]:visible").count() == 0  # no empty box
        assert page.locator("figure[data-chart] table, figure[data-chart] figcaption a"
                            ).first.is_visible()
    finally:
        context.close()
