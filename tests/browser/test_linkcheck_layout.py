"""The link checker's pages fit the screen at 1,280 and 390 px (no page wider than the window),
with a broken link whose URL is very long, and run under the strict CSP without a violation."""

from __future__ import annotations

import pytest

from portal.linkcheck import services
from tests import factories
from tests.linkcheck.server import serve

WIDTHS = (1280, 390)
MEASURE = """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"""
LONG = "/".join(["carpeta-con-un-nombre-muy-largo-sin-espacios"] * 6)


@pytest.fixture
def pages(app):
    with serve() as server:
        app.config.update(PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.1/32",
                          PORTAL_LINKCHECK_TIMEOUT=0.5, PORTAL_LINKCHECK_HOST_DELAY=0.0)
        with app.app_context():
            factories.entity("ine", title="Instituto Nacional de Estadística")
            dataset = factories.dataset("censo-2024", title="Censo de Población 2024",
                                        frequency="MONTHLY", modified="2020-01-01")
            base = f"http://127.0.0.1:{server.port}"
            broken = factories.resource(dataset, url=f"{base}/status/404/{LONG}.csv",
                                        name="Casos por departamento", format="CSV")
            broken_id = broken.id
            factories.resource(dataset, url=f"{base}/ok/datos.csv", name="Datos", format="CSV")
            services.run()
        yield ["/dataset/censo-2024", f"/dataset/censo-2024/resource/{broken_id}",
               "/organization/ine/enlaces"]


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_the_screen(live_server, pages, open_page, width):
    page = open_page(width)
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in pages:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        found = page.evaluate(MEASURE)
        assert found["scroll"] <= found["inner"], f"{path} at {width} px is {found['scroll']} px"
    assert page.locator("tr[data-resource]").count() == 1  # the report, measured last
    assert violations == []
