"""In a browser (playwright + chromium) at 1280 and 390 px: the open "Traducciones" section of
the dataset form and the English dataset page fit the screen; the section opens and takes text."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import login
from tests.multilingual.conftest import add_bilingual

MEASURE = "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
LONG = "Transferencias a entidades territoriales autónomas por departamento y municipio " * 3


@pytest.fixture
def editor_catalog(app):
    with app.app_context():
        name = add_bilingual()
        factories.user("editora", member_of="mefp", role="editor")
    return name


@pytest.mark.parametrize("width", (1280, 390))
def test_translations_fit_the_screen(live_server, open_page, editor_catalog, width):
    page = open_page(width)
    page.goto(f"{live_server}/dataset/{editor_catalog}?lang=en")
    assert page.locator("h1").inner_text() == "Budget execution 2024"
    found = page.evaluate(MEASURE)
    assert found["scroll"] <= found["inner"], found

    login(page, live_server, "editora")
    page.goto(f"{live_server}/dataset/edit/{editor_catalog}")
    page.locator("details.translations > summary").click()
    english = page.locator('input[name="title_translated.en"]')
    assert english.is_visible() and english.input_value() == "Budget execution 2024"
    english.fill(LONG.strip())
    page.locator('textarea[name="description_translated.gn"]').fill("Ñembohasa")
    found = page.evaluate(MEASURE)
    assert found["scroll"] <= found["inner"], found
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    assert page.url.endswith(f"/dataset/{editor_catalog}")
    page.goto(f"{live_server}/dataset/{editor_catalog}?lang=gn")
    assert page.locator(".prose[lang=gn]").inner_text().strip() == "Ñembohasa"
