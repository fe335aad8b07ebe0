"""Accessibility: axe-core (the engine of axe DevTools and Lighthouse) finds no violation of
impact moderate or higher on the main pages, at 1,280 and 390 px, signed out and signed in."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login
from tests.browser.site import main_pages, site_fixture  # noqa: F401 (provides `site`)

WIDTHS = (1280, 390)
SERIOUS = {"moderate", "serious", "critical"}


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
