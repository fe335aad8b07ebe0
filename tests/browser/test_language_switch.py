"""The language switch in a real browser: on a phone (390 px) it sits in the compact menu, keeps
the page (path and query) and the choice; at 1280 px it is in the header; no page overflows."""

from __future__ import annotations

import pytest

from tests import factories

PHONE = 390


@pytest.fixture
def dataset(app):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.dataset("censo-2024", title="Censo de Población 2024")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_switch_in_the_compact_menu_keeps_the_page(live_server, dataset, open_page):
    page = open_page(PHONE)
    page.goto(f"{live_server}/dataset?q=censo")
    assert page.get_attribute("html", "lang") == "es"
    english = page.get_by_role("link", name="English")
    assert not english.is_visible()  # folded behind the menu button
    page.get_by_role("button", name="Menú").click()
    english.click()
    page.wait_for_url(f"{live_server}/dataset?q=censo")
    assert page.get_attribute("html", "lang") == "en"
    assert page.get_by_text("1 dataset found").is_visible()
    assert _fits(page)
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("link", name="English").get_attribute("aria-current") == "true"
    page.goto(f"{live_server}/dataset/censo-2024")  # the cookie keeps the choice
    assert page.get_attribute("html", "lang") == "en"
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Runasimi").click()
    page.wait_for_url(f"{live_server}/dataset/censo-2024")
    assert page.get_attribute("html", "lang") == "qu"
    assert _fits(page)


def test_the_switch_is_in_the_header_on_a_wide_screen(live_server, dataset, open_page):
    page = open_page(1280)
    page.goto(f"{live_server}/")
    assert page.get_attribute("html", "lang") == "es"
    for name in ("Español", "English", "Aymar aru", "Runasimi", "Avañe'ẽ"):
        assert page.get_by_role("link", name=name, exact=True).is_visible()
    page.get_by_role("link", name="Avañe'ẽ").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_attribute("html", "lang") == "gn"
    assert _fits(page)
