"""Accessibility: axe-core (the engine of axe DevTools and Lighthouse) finds no violation of
impact moderate or higher on the main pages, at 1,280 and 390 px, signed out and signed in, and
on the PIGE pages filled with the demo plans (their wide tables scroll: each scrolling box must
take keyboard focus, scrollable-region-focusable, and as a region inside a named section needs a
name of its own, landmark-unique)."""

from __future__ import annotations

import pytest

from portal.pige.demo import DEMO_YEAR
from tests.browser.conftest import login
from tests.browser.site import main_pages, site_fixture  # noqa: F401 (provides `site`)
from tests.pige.builders import demo_plans

WIDTHS = (1280, 390)
SERIOUS = {"moderate", "serious", "critical"}
#: Every PIGE page with a table, the signed-in ones as a sysadmin (AGETIC's view) sees them.
PIGE_PAGES = ("/pige", "/pige/marco", "/pige/plan/mpd", "/pige/plan/mefp/v1",
              "/pige/evaluacion-final")
PIGE_SIGNED_IN_PAGES = ("/pige", "/pige/revision", "/pige/evaluacion-final", "/pige/plan/mpd",
                        f"/pige/plan/mpd/v1/avance/{DEMO_YEAR}", "/pige/alcance/ine")


@pytest.fixture(scope="module")
def axe():
    module = pytest.importorskip(
        "axe_playwright_python.sync_playwright",
        reason="axe-playwright-python is not installed: pip install -e '.[test]'")
    return module.Axe()


def _violations(axe, page, url: str) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    results = axe.run(page)
    return [f"{url}: {v['id']} ({v['impact']}) {v['help']}: "
            + "; ".join(node["target"][0] if isinstance(node["target"][0], str)
                        else str(node["target"]) for node in v["nodes"][:3])
            for v in results.response["violations"] if v["impact"] in SERIOUS]


@pytest.mark.parametrize("width", WIDTHS)
def test_main_pages_have_no_moderate_or_worse_violation(live_server, site, open_page, axe,
                                                        width):
    page = open_page(width)
    found = [v for path in main_pages(site) for v in _violations(axe, page, live_server + path)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS)
def test_signed_in_pages_have_no_moderate_or_worse_violation(live_server, site, open_page, axe,
                                                             width):
    page = open_page(width)
    login(page, live_server, "root")
    found = [v for path in ("/", "/dataset/censo-2024", "/dataset/edit/censo-2024",
                            "/dataset/censo-2024/historial", "/dataset/delete/censo-2024")
             for v in _violations(axe, page, live_server + path)]
    assert found == [], "\n".join(found)


@pytest.fixture
def pige_demo(app):
    with app.app_context():
        demo_plans()


@pytest.mark.parametrize("width", WIDTHS)
def test_pige_pages_have_no_moderate_or_worse_violation(live_server, pige_demo, open_page, axe,
                                                        width):
    page = open_page(width)
    found = [v for path in PIGE_PAGES for v in _violations(axe, page, live_server + path)]
    login(page, live_server, "root")
    # A classification changed from the portal: the scope page lists it in a table.
    page.goto(f"{live_server}/pige/alcance/ine")
    page.check("#field-paragraph-II")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    found += [v for path in PIGE_SIGNED_IN_PAGES
              for v in _violations(axe, page, live_server + path)]
    assert found == [], "\n".join(found)
