"""Guidance on the publishing forms: the entity preselected, a clear message when none is
chosen, licences grouped as open / not open."""

from __future__ import annotations

import re

from tests.pages.html_check import assert_valid_page
from tests.pages.test_dataset_forms import NEW_DATASET


def _text(response):
    return response.get_data(as_text=True)


def test_the_only_entity_of_an_editor_is_preselected(catalog, login):
    body = _text(login("editora").get("/dataset/new"))
    assert_valid_page(body)
    assert '<option value="ine" selected>' in body


def test_nothing_is_preselected_for_a_publisher_of_several_entities(catalog, login):
    body = _text(login("root").get("/dataset/new"))
    assert "<option value=\"ine\" selected>" not in body
    assert "<option value=\"mefp\" selected>" not in body


def test_an_empty_entity_asks_to_choose_one(catalog, login):
    response = login("editora").post("/dataset/new", data={**NEW_DATASET, "entity": ""})
    assert response.status_code == 400
    body = _text(response)
    assert "Elija la entidad." in body, re.findall(r"field-error[^\n]*", body)
    assert "No existe la entidad" not in body


def test_the_api_also_says_to_choose_an_entity(app, catalog):
    from portal.auth import tokens
    from portal.auth.permissions import SYSTEM
    from tests import factories

    with app.app_context():
        token = tokens.create_token(factories.user("api", member_of="ine", role="editor"),
                                    SYSTEM, name="t")[1]
    response = app.test_client().post("/api/3/action/package_create", json={
        "name": "sin-entidad", "title": "Sin entidad", "owner_org": "",
        "license_id": "CC-BY-4.0"}, headers={"Authorization": token})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert "Elija la entidad." in str(error) and "«»" not in str(error)


def test_licences_are_grouped_without_repeating_not_open(catalog, login):
    client = login("editora")
    body = _text(client.get("/dataset/new"))
    groups = re.findall(r'<optgroup label="([^"]+)">', body)
    assert groups == ["Licencias abiertas",
                      "Licencias no abiertas (solo para datos no públicos)"]
    # Only the generic licence's own title says it; no option repeats it after its title.
    assert body.count("(no abierta)") == 1 and "Otra licencia (no abierta)" in body
    closed = body.split('label="Licencias no abiertas')[1].split("</optgroup>")[0]
    assert 'value="CC-BY-NC-4.0"' in closed and 'value="CC-BY-4.0"' not in closed
    resource_form = _text(client.get(f"/dataset/{catalog.public}/resource/new"))
    assert '<optgroup label="Licencias abiertas">' in resource_form


def test_select_options_may_have_translatable_labels_and_groups(app):
    from flask_babel import lazy_gettext

    with app.test_request_context():
        template = app.jinja_env.from_string(
            '{% import "macros/forms.html" as f with context %}'
            '{{ f.select("x", "X", {"x": "b"}, {}, options) }}')
        flat = template.render(options=[("a", lazy_gettext("Abierta")), ("b", "Otra")])
        grouped = template.render(options=[("Grupo", [("a", "A"), ("b", "B")])])
    assert '<option value="a">Abierta</option>' in flat and "<optgroup" not in flat
    assert '<optgroup label="Grupo">' in grouped
    assert '<option value="b" selected>B</option>' in grouped
