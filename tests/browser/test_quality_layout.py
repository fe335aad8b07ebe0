"""The quality pages in a real browser: at 1,280 and 390 px no page is wider than the window
(wide tables scroll in their own box, charts scale), and under the strict CSP nothing is
blocked (the charts are SVG drawn on the server, the styles a static file)."""

from __future__ import annotations

import pytest

from tests import factories

WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""
MEASURE = """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  charts: document.querySelectorAll('svg.chart').length, csp: window.__csp})"""
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
def test_quality_pages_fit_and_obey_the_csp(live_server, site, open_page, width):
    page = open_page(width)
    page.add_init_script(WATCH)
    for path in PAGES:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        page.wait_for_load_state("load")
        found = page.evaluate(MEASURE)
        assert found["scroll"] <= found["inner"], (path, width, found)
        assert found["csp"] == [], (path, found["csp"])
        if path != "/dataset/censo-2024":
            assert found["charts"] >= 1, path
    badge = page.goto(live_server + "/organization/ine/calidad/insignia.svg")
    assert badge.status == 200 and badge.headers["content-type"].startswith("image/svg+xml")
