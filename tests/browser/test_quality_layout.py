"""The quality pages in a real browser: at 1,280 and 390 px no page is wider than the window
(wide tables scroll in their own box, charts scale), under the strict CSP nothing is blocked
(the charts are the chart component: static scripts, the data as JSON in the page), and
axe-core finds no violation of impact moderate or worse."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.test_a11y import _violations, axe  # noqa: F401 (axe is a fixture)

WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""
MEASURE = """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  charts: document.querySelectorAll('figure[data-chart] canvas').length, csp: window.__csp})"""
PAGES = ("/observatorio", "/organization/ine/calidad", "/dataset/censo-2024")


@pytest.fixture
def site(app):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística y Censos de Bolivia "
                                      "del Estado Plurinacional")
        factories.entity("mpd", title="Ministerio de Planificación del Desarrollo")
        factories.theme()
        dataset = factories.dataset("censo-2024", title="Censo de Población y Vivienda 2024",
                                    keywords=["censo"], themes=["economia"])
        factories.resource(dataset, content=b"a,b\n1,2\n", filename="casos.csv")
        factories.dataset("presupuesto", entity_name="mpd")


@pytest.mark.parametrize("width", (1280, 390))
def test_quality_pages_fit_obey_the_csp_and_pass_axe(live_server, site, open_page, axe,  # noqa: F811
                                                     width):
    page = open_page(width)
    page.add_init_script(WATCH)
    for path in PAGES:
        assert _violations(axe, page, live_server + path) == [], path  # loads the page
        page.wait_for_load_state("load")
        found = page.evaluate(MEASURE)
        assert found["scroll"] <= found["inner"], (path, width, found)
        assert found["csp"] == [], (path, found["csp"])
        if path != "/dataset/censo-2024":
            assert found["charts"] >= 1, path
    badge = page.goto(live_server + "/organization/ine/calidad/insignia.svg")
    assert badge.status == 200 and badge.headers["content-type"].startswith("image/svg+xml")
