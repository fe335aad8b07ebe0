"""The account pages in Chromium at 1,280 and 390 px: no page wider than the window, no CSP
violation, no axe violation of impact moderate or higher, and the API tokens page works as a
user meets it (create, copy, revoke)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal import db
from portal.auth import membership_requests
from portal.auth.services import get_user
from portal.catalog import services as catalog
from portal.harvest import services as harvest
from portal.harvest.models import HarvestJob
from portal.validation import services as validation
from tests import factories
from tests.auth.conftest import world  # noqa: F401 - the accounts of the account tests
from tests.browser.conftest import login
from tests.browser.test_a11y import _violations as axe_violations
from tests.browser.test_a11y import axe  # noqa: F401 - the axe-core fixture

WIDTHS = (1280, 390)
LONG = ("Servicio Departamental de Gestión Social y Desarrollo Productivo Interinstitucional "
        "del Gobierno Autónomo Departamental")
SCHEMA = {"fields": [{"name": "id", "type": "integer"}, {"name": "monto", "type": "number"}]}
PAGES = ("/dashboard", "/dashboard?tab=draft", "/dashboard?tab=deleted", "/user/edit",
         "/user/password", "/user/tokens", "/user/admin1", "/dashboard/membership")
MEASURE = "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"


@pytest.fixture
def spanish_page(browser):
    """``open_page`` with the browser asking for Spanish: the interface follows
    Accept-Language, and these tests read its Spanish texts."""
    contexts = []

    def open_(width: int, **options):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      locale="es-BO", **options)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def filled(app, world):  # noqa: F811
    """Something in every part of the dashboard of ``admin1``, with long names."""
    with app.app_context():
        for number in range(25):
            factories.dataset(f"serie-{number}", entity_name="ine",
                              title=f"{LONG} serie {number}", private=number % 5 == 0)
        factories.dataset("borrador", entity_name="ine", title=LONG, state="draft")
        catalog.delete_dataset(factories.dataset("viejo", entity_name="ine", title=LONG),
                               factories.SYSTEM)
        dataset = factories.dataset("montos", entity_name="ine", title="Montos")
        bad = factories.resource(dataset, content=b"id,monto\n1,10\n2,mil\n",
                                 filename="montos.csv", name=LONG, schema=SCHEMA)
        validation.validate_resource(catalog.get_resource(bad.id))
        source = harvest.create_source({"name": "ine-ckan", "title": LONG, "type": "ckan",
                                        "url": "https://datos.ine.example/", "entity": "ine"},
                                       factories.SYSTEM)
        with db.unit_of_work():
            db.session.add(HarvestJob(source_id=source.id, status="errors", added=120,
                                      updated=3, failed=7))
        membership_requests.request_membership(
            catalog.get_entity("ine"), get_user("outsider"), "editor", "x" * 400)


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda message: found.append(message.text)
            if message.type == "error" else None)
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_account_pages_fit_the_screen(live_server, filled, spanish_page, width):
    page = spanish_page(width)
    errors = _violations(page)
    login(page, live_server, "admin1")
    for path in PAGES:
        response = page.goto(live_server + path)
        assert response.status == 200, (path, response.status)
        found = page.evaluate(MEASURE)
        assert found["scroll"] <= found["inner"], (
            f"{path} at {width} px is {found['scroll']} px wide")
    page.goto(live_server + "/dashboard")
    assert page.locator(".dataset-item").count() == 20  # one page of the list
    assert page.get_by_text("pide unirse a Instituto Nacional de Estadística").is_visible()
    assert page.locator("nav.pagination").is_visible()
    login(page, live_server, "root")
    for path in ("/user", "/user?q=ed"):
        page.goto(live_server + path)
        found = page.evaluate(MEASURE)
        assert found["scroll"] <= found["inner"], (path, width, found)
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_tokens_page_creates_copies_and_revokes(live_server, world,  # noqa: F811
                                                    spanish_page, axe, width):  # noqa: F811
    page = spanish_page(width, permissions=["clipboard-read", "clipboard-write"])
    errors = _violations(page)
    login(page, live_server, "editor1")
    page.goto(live_server + "/dashboard")
    page.get_by_role("link", name="Tokens de API").click()
    page.fill("#field-name", "script de carga")
    page.select_option("#field-expires_in", "30")
    page.get_by_role("button", name="Crear token").click()
    token = page.input_value("#new-token")
    assert token.startswith("dab_")
    copy = page.get_by_role("button", name="Copiar")
    expect(copy).to_be_visible()  # the script ran under the CSP (deferred: waited for)
    copy.click()
    page.wait_for_function("() => document.querySelector('[data-copy]').textContent "
                           "=== 'Copiado'")
    assert page.evaluate("navigator.clipboard.readText()") == token
    assert page.evaluate(MEASURE)["scroll"] <= width

    assert axe_violations(axe, page, live_server + "/user/tokens") == []
    assert page.locator("#new-token").count() == 0  # shown once
    assert page.get_by_role("row", name="script de carga").is_visible()
    with page.expect_navigation():  # the form posts, then the list comes back
        page.get_by_role("button", name="Revocar").click()
    page.get_by_text("revocado").wait_for()
    assert page.get_by_text("No tiene tokens activos.").is_visible()
    assert errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_account_pages_have_no_moderate_or_worse_axe_violation(live_server, filled,
                                                              spanish_page, axe,  # noqa: F811
                                                              width):
    page = spanish_page(width)
    login(page, live_server, "admin1")
    found = [v for path in PAGES for v in axe_violations(axe, page, live_server + path)]
    login(page, live_server, "root")
    found += axe_violations(axe, page, live_server + "/user")
    assert found == [], "\n".join(found)
