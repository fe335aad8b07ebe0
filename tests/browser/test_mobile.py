"""Phones (390 px): no main page is wider than the screen (wide tables and long addresses
scroll or wrap inside their own box), the search filters come before the results behind a
"Filtros" disclosure, and the menu folds behind one button."""

from __future__ import annotations

import pytest

from tests.browser.conftest import login
from tests.browser.site import main_pages, site  # noqa: F401 (the fixture)

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
