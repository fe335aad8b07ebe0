"""A waiting validation badge names its status address, which says when the check has ended
(static/js/validation-badge.js polls it; the browser test sees the badge turn)."""

from __future__ import annotations

import pytest

from portal.catalog import services as catalog
from portal.validation import services
from tests import factories
from tests.pages.html_check import check_page
from tests.validation.flow.helpers import CSV_BAD, SCHEMA


@pytest.fixture
def app(make_app):
    """No validation of its own: the tests say when a resource waits and when it is done."""
    app = make_app(PORTAL_VALIDATION_MODE="off")
    with app.app_context():
        factories.entity("ine")
        factories.dataset("gastos")
    return app


@pytest.fixture
def resource_id(app):
    """A resource of ``gastos`` waiting for its validation (pending, no job yet)."""
    with app.app_context():
        resource = factories.resource(catalog.get_dataset("gastos"), content=CSV_BAD,
                                      filename="montos.csv", schema=SCHEMA)
        services.request_validation(resource, force=True)
        return resource.id


def test_a_waiting_badge_polls_until_the_check_ends(app, resource_id):
    client = app.test_client()
    page = client.get("/dataset/gastos").get_data(as_text=True)
    assert check_page(page).problems == []
    status_url = f"/dataset/gastos/resource/{resource_id}/validation/status"
    assert f'data-validation-poll="{status_url}"' in page
    assert 'data-validation-poll="/dataset/gastos/validation/status"' in page
    assert "/static/js/validation-badge.js" in page
    waiting = client.get(status_url)
    assert waiting.headers["Cache-Control"] == "no-store"
    assert waiting.get_json() == {"status": "pending", "label": "Validación pendiente",
                                  "class": "badge-draft", "done": False}
    with app.app_context():
        services.validate_resource(catalog.get_resource(resource_id))
    assert client.get(status_url).get_json() == {
        "status": "failure", "label": "Datos con errores", "class": "badge-deleted",
        "done": True}
    assert client.get("/dataset/gastos/validation/status").get_json()["status"] == "failure"
    page = client.get("/dataset/gastos").get_data(as_text=True)
    assert "data-validation-poll" not in page and "validation-badge.js" not in page
    report_page = client.get(f"/dataset/gastos/resource/{resource_id}/validation")
    assert "data-validation-reload" not in report_page.get_data(as_text=True)


def test_the_report_page_reloads_itself_when_its_check_ends(app, resource_id):
    html = app.test_client().get(
        f"/dataset/gastos/resource/{resource_id}/validation").get_data(as_text=True)
    assert "data-validation-reload" in html and "data-validation-poll" in html


def test_status_of_what_is_not_validated_or_not_readable(app):
    with app.app_context():
        factories.dataset("interno", private=True, license_id="other-closed")
        link = factories.resource(catalog.get_dataset("gastos"), format="PDF").id
    client = app.test_client()
    assert client.get(f"/dataset/gastos/resource/{link}/validation/status").status_code == 404
    assert client.get("/dataset/gastos/validation/status").status_code == 404
    assert client.get("/dataset/interno/validation/status").status_code == 404
    assert client.get("/dataset/nada/validation/status").status_code == 404
