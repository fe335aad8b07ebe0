"""The publishing path in Chromium at 1,280 and 390 px: an editor creates a dataset (its entity
preselected), adds a resource choosing a registered schema in the chooser (the fields preview),
and sees the validation badge turn by itself when the background check ends. No page is wider
than the window and no script or style is refused by the CSP."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from portal.catalog import services as catalog
from portal.validation import entity_schemas
from tests import factories
from tests.browser.conftest import login
from tests.browser.test_a11y import _violations, axe  # noqa: F401 (the `axe` fixture)

WIDTHS = (1280, 390)
MEASURE = "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
SCHEMA = {"fields": [{"name": "id", "type": "integer", "constraints": {"required": True}},
                     {"name": "municipio", "type": "string"},
                     {"name": "monto", "type": "number"}]}
CSV_BAD = b"id,municipio,monto\n1,La Paz,10.5\n2,Oruro,mil doscientos\n"


@pytest.fixture
def app(make_app, tmp_path):
    """Validation in the background, as in production, so the badge waits and then turns."""
    return make_app(PORTAL_INSTANCE_PATH=str(tmp_path / "instance"),
                    PORTAL_VALIDATION_MODE="background", PORTAL_JOBS_MODE="background",
                    PORTAL_HARVEST_ALLOWED_NETWORKS="127.0.0.0/8")


@pytest.fixture
def held_file():
    """A local server whose ``/montos.csv`` answers only once the test clears ``hold``."""
    hold = threading.Event()
    hold.set()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            deadline = time.monotonic() + 30
            while hold.is_set() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(CSV_BAD)))
            self.end_headers()
            self.wfile.write(CSV_BAD)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/montos.csv", hold
    hold.clear()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def editor(app):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.user("editora", member_of="ine", role="editor")
        entity_schemas.register(catalog.get_entity("ine"), "montos", SCHEMA, factories.SYSTEM,
                                title="Montos municipales")


def _fits(page, where: str, width: int) -> None:
    found = page.evaluate(MEASURE)
    assert found["scroll"] <= found["inner"], f"{where} at {width} px is {found['scroll']} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_publish_a_dataset_with_a_chosen_schema_and_see_the_badge_turn(
        live_server, editor, held_file, open_page, width):
    url, hold = held_file
    page = open_page(width)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    login(page, live_server, "editora")

    page.goto(f"{live_server}/dataset/new")
    _fits(page, "/dataset/new", width)
    assert page.locator("#field-entity").input_value() == "ine"  # preselected
    page.fill("#field-title", f"Montos municipales {width}")
    page.fill("#field-description", "Montos por municipio.")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url.endswith("/resource/new"), page.url
    _fits(page, "/resource/new", width)
    assert "se publican igualmente" in page.locator("#publishing-rule").inner_text()

    page.select_option("#field-schema_choice", "ine/montos")
    preview = page.locator("#schema-preview")
    preview.locator("table").wait_for()
    assert preview.locator("tbody tr").count() == 3
    assert "monto" in preview.inner_text() and "number" in preview.inner_text()
    assert page.locator("#field-schema").input_value() == "ine/montos"
    _fits(page, "/resource/new with the preview", width)

    page.fill("#field-url", url)
    page.fill("#field-name", "Montos por municipio")
    page.fill("#field-format", "CSV")
    with page.expect_navigation():
        page.click("form.form button[type=submit]:not([name])")
    _fits(page, "the dataset page", width)
    badge = page.locator(".resource-item [data-validation]").first
    assert badge.get_attribute("data-validation") in ("pending", "running")
    assert badge.get_attribute("data-validation-poll")

    hold.clear()  # the file answers: the check ends with errors
    page.locator(".resource-item [data-validation=failure]").first.wait_for(timeout=30000)
    assert page.locator(".resource-item [data-validation=failure]").first.inner_text() \
        == "Datos con errores"
    page.locator("[data-validation=failure]:not(.resource-item *)").first.wait_for(
        timeout=30000)  # the dataset's summary badge turned too
    _fits(page, "the dataset page after the check", width)
    assert errors == []


LONG = ("Servicio Departamental de Gestión Social y Desarrollo Productivo Interinstitucional "
        "del Gobierno Autónomo Departamental")


@pytest.fixture
def guidance_pages(app, editor):
    """A long-named schema with versions, and deleted datasets with long titles."""
    with app.app_context():
        ine = catalog.get_entity("ine")
        long_schema = {"title": LONG, "description": LONG, "fields": [
            {"name": f"columna_con_un_nombre_muy_largo_{n}", "type": "string",
             "description": LONG, "constraints": {"pattern": "^[A-Z]{3}-[0-9]{6}$"}}
            for n in range(3)]}
        entity_schemas.register(ine, "registro-largo", long_schema, factories.SYSTEM)
        entity_schemas.register(ine, "registro-largo", {**long_schema, "primaryKey": [
            "columna_con_un_nombre_muy_largo_0"]}, factories.SYSTEM)
        factories.user("jefa", member_of="ine", role="admin")
        factories.user("root", sysadmin=True)
        factories.dataset("activo", entity_name="ine", title=LONG)
        for number in range(3):
            dataset = factories.dataset(f"viejo-{number}", entity_name="ine",
                                        title=f"{LONG} {number}")
            catalog.delete_dataset(dataset, factories.SYSTEM)


@pytest.mark.parametrize("width", WIDTHS)
def test_schema_and_trash_pages_fit_the_screen(live_server, guidance_pages, open_page, axe,  # noqa: F811
                                               width):
    """... and axe finds no violation of impact moderate or higher on them."""
    page = open_page(width)
    found: list[str] = []
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    for user, paths in (("editora", ("/schemas", "/schemas/ine/registro-largo",
                                     "/schemas/ine/registro-largo?version=1",
                                     "/schemas/ejecucion-presupuestaria", "/schemas/new",
                                     "/dataset/activo/resource/new")),
                        ("jefa", ("/organization/ine/trash", "/dataset/new/datapackage")),
                        ("root", ("/ckan-admin/trash", "/dataset/viejo-0/purge"))):
        login(page, live_server, user)
        for path in paths:
            found += _violations(axe, page, live_server + path)  # loads the page
            _fits(page, path, width)
    page.goto(live_server + "/dataset/new")
    found += _violations(axe, page, live_server + "/dataset/new")
    assert found == [], "\n".join(found)
    assert errors == []
