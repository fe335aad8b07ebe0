"""Phones (390 px): no main page is wider than the screen (wide tables and long addresses
scroll or wrap inside their own box), the search filters come before the results behind a
"Filtros" disclosure, and the menu folds behind one button."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login
from tests.browser.site import main_pages, site_fixture  # noqa: F401 (provides `site`)

PHONE = 390

MEASURE = """() => ({
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  wider: [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                 && !e.closest('.table-scroll'))
    .slice(0, 5).map(e => e.tagName + '.' + e.className),
})"""


def _overflow(page, url: str) -> list[str]:
    """What sticks out of the screen on ``url`` (nothing: an empty list)."""
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    found = page.evaluate(MEASURE)
    if found["scroll"] <= found["inner"] and not found["wider"]:
        return []
    return [f"{url}: {found['scroll']} px wide, {found['wider']}"]


@pytest.mark.parametrize("width", (PHONE, 1280))
def test_main_pages_fit_the_screen(live_server, site, open_page, width):
    page = open_page(width)
    found = [o for path in main_pages(site) for o in _overflow(page, live_server + path)]
    assert found == [], "\n".join(found)


def test_signed_in_pages_fit_a_phone(live_server, site, open_page):
    page = open_page(PHONE)
    login(page, live_server, "root")
    found = [o for path in ("/", "/dataset/censo-2024", "/dataset/edit/censo-2024",
                            "/dataset/censo-2024/historial")
             for o in _overflow(page, live_server + path)]
    assert found == [], "\n".join(found)


def test_filters_come_before_the_results_on_a_phone(live_server, site, open_page):
    page = open_page(PHONE)
    page.goto(live_server + "/dataset?tags=censo")
    summary = page.locator("details.results-facets > summary")
    assert summary.is_visible() and "Filtros" in summary.inner_text()
    assert "1 activo" in summary.inner_text()
    first_result = page.locator(".dataset-item").first
    assert summary.bounding_box()["y"] < first_result.bounding_box()["y"]
    facet = page.locator(".facet a", has_text="Economía y finanzas")
    assert not facet.is_visible()  # folded: the results are one tap away
    summary.click()
    assert facet.is_visible()
    with page.expect_navigation():
        facet.click()
    assert "groups=economia" in page.url

    wide = open_page(1280)
    wide.goto(live_server + "/dataset")
    assert not wide.locator("details.results-facets > summary").is_visible()
    column = wide.locator(".facet a", has_text="Economía y finanzas")
    assert column.is_visible()  # a column beside the results
    assert column.bounding_box()["x"] < wide.locator(".dataset-item").first.bounding_box()["x"]


def test_the_menu_folds_behind_one_button_on_a_phone(live_server, site, open_page):
    page = open_page(PHONE)
    login(page, live_server, "root")
    page.goto(live_server + "/dataset/censo-2024")
    button = page.get_by_role("button", name="Menú")
    nav = page.get_by_role("navigation", name="Principal")
    assert button.is_visible() and button.get_attribute("aria-expanded") == "false"
    assert not nav.is_visible() and not page.locator(".account").is_visible()
    header = page.locator(".site-header").bounding_box()["height"]
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert nav.is_visible() and page.get_by_role("button", name="Cerrar sesión").is_visible()
    with page.expect_navigation():
        nav.get_by_role("link", name="Entidades").click()
    assert page.url.endswith("/organization")
    assert header < 200  # folded, the header leaves the screen to the page

    wide = open_page(1280)
    wide.goto(live_server + "/")
    assert not wide.get_by_role("button", name="Menú").is_visible()
    assert wide.get_by_role("navigation", name="Principal").is_visible()
