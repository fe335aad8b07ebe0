"""CKAN's protocol: the endpoint, the envelope, how input is read and how bad input fails."""

import json

import pytest

from portal.api import registry
from portal.catalog.models import Dataset
from tests.api.conftest import count, failed, ok


def test_envelope_and_help_url(api, world):
    response = api("package_show", {"id": world.public})
    assert set(response.body) == {"help", "success", "result"}
    assert response.body["help"] == "http://localhost/api/3/action/help_show?name=package_show"
    assert response.mimetype == "application/json"
    help_text = ok(api("help_show", {"name": "package_show"}))
    assert help_text.startswith("Return a dataset, by id or name")


def test_unversioned_path_and_api_root(client, world):
    response = client.get(f"/api/action/package_show?id={world.public}")
    assert response.get_json()["result"]["name"] == world.public
    assert client.get("/api/3").get_json() == {"version": 3}


def test_read_action_takes_url_parameters(api, world):
    result = ok(api("organization_list", {"all_fields": "true", "limit": "1"}, method="GET"))
    assert len(result) == 1 and result[0]["name"] == "ine"


def test_json_posted_as_a_form_is_read_as_ckan_does(api, world):
    # curl -d '{"id": ...}' sends JSON with the form content type.
    response = api("package_show", json.dumps({"id": world.public}),
                   content_type="application/x-www-form-urlencoded")
    assert ok(response)["name"] == world.public


def test_unknown_action_is_a_bad_request_naming_it(api):
    error = failed(api("package_shw"), 400, "Bad request")
    assert error["message"] == "Solicitud incorrecta - Nombre de acción desconocido: package_shw"


def test_write_action_needs_post(app, api, world):
    response = api("package_delete", {"id": world.public}, method="GET",
                   token=world.tokens["sysadmin"])
    error = failed(response, 400, "Bad request")
    assert "package_delete" in error["message"] and "POST" in error["message"]
    assert ok(api("package_show", {"id": world.public}))["state"] == "active"


@pytest.mark.parametrize(("body", "words"), [
    ('{"name": "x",', "JSON"),
    ("[1, 2]", "objeto JSON"),
    ('"texto"', "objeto JSON"),
])
def test_unreadable_body_is_a_bad_request(app, api, world, body, words):
    before = count(app, Dataset)
    error = failed(api("package_create", body, content_type="application/json",
                       token=world.tokens["sysadmin"]), 400, "Bad request")
    assert words in error["message"]
    assert count(app, Dataset) == before


@pytest.mark.parametrize(("data", "field", "words"), [
    ({"owner_org": "ine", "license_id": "CC-BY-4.0"}, "name", "Falta este campo"),
    ({"name": "nuevo", "license_id": "CC-BY-4.0"}, "owner_org", "Falta este campo"),
    ({"name": "nuevo", "owner_org": "ine", "private": "quizas"}, "private", "verdadero o falso"),
    ({"name": "nuevo", "owner_org": "ine", "tags": "censo"}, "tags", "lista"),
    ({"name": "nuevo", "owner_org": "ine", "tags": [{"nombre": "x"}]}, "tags",
     "0.name: Falta este campo"),
    ({"name": 12, "owner_org": "ine"}, "name", "texto"),
    ({"name": "nuevo", "owner_org": "fantasma", "license_id": "CC-BY-4.0"}, "owner_org",
     "fantasma"),
    ({"name": "nuevo", "owner_org": "ine", "license_id": "CC-BY-4.0", "notes": ["x"]}, "notes",
     "texto"),
    ({"name": "nuevo", "owner_org": "ine", "license_id": "CC-BY-4.0",
      "extras": [{"key": "title", "value": "x"}]}, "extras", "title"),
    ({"name": "nuevo", "owner_org": "ine", "license_id": "CC-BY-4.0",
      "url": "ftp://x"}, "url", "http"),
    ({"name": "nuevo", "owner_org": "ine", "license_id": "CC-BY-4.0",
      "resources": [{"url": "https://example.org/a.csv"}, {"url": "no es url"}]},
     "resources", "Recurso 2, url"),
])
def test_invalid_dataset_names_the_ckan_field_and_writes_nothing(app, api, world, data, field,
                                                                 words):
    before = count(app, Dataset)
    error = failed(api("package_create", data, token=world.tokens["sysadmin"]), 409,
                   "Validation Error")
    assert words in " ".join(error[field]), error
    assert field in error["message"]
    assert count(app, Dataset) == before


def test_id_that_does_not_exist_is_not_found(api, world):
    for name, data in [("package_show", {"id": "no-existe"}),
                       ("resource_show", {"id": "no-existe"}),
                       ("organization_show", {"id": "no-existe"}),
                       ("group_show", {"id": "no-existe"}),
                       ("user_show", {"id": "no-existe"})]:
        error = failed(api(name, data), 404, "Not Found Error")
        assert error["message"].startswith("No encontrado: ") and "no-existe" in error["message"]
    error = failed(api("package_update", {"id": "no-existe", "name": "x", "owner_org": "ine"},
                       token=world.tokens["sysadmin"]), 404, "Not Found Error")
    assert "no-existe" in error["message"]


@pytest.mark.parametrize("header", ["{token}", "Bearer {token}"])
def test_token_is_read_bare_or_as_bearer(api, world, header):
    token = world.tokens["editor"]
    result = ok(api("api_token_list", headers={"Authorization": header.format(token=token)}))
    assert len(result) == 1


def test_ckan_api_key_header_is_accepted(api, world):
    response = api("api_token_list", headers={"X-CKAN-API-Key": world.tokens["editor"]})
    assert len(ok(response)) == 1


def test_null_values_from_ckan_clients_are_empty(api, world):
    dataset = ok(api("package_show", {"id": world.public}))
    dataset.update({"notes": None, "version": None, "url": None})
    updated = ok(api("package_update", dataset, token=world.tokens["editor"]))
    assert (updated["notes"], updated["version"], updated["url"]) == ("", "", "")


def test_unexpected_failure_keeps_the_envelope(app, api, monkeypatch):
    def broken(_values, _actor):
        """Fail."""
        raise RuntimeError("boom")

    monkeypatch.setitem(registry.ACTIONS, "broken",
                        registry.Action("broken", broken, registry.ACTIONS["status_show"].params,
                                        None, tag="site"))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    error = failed(api("broken"), 500, "Internal Server Error")
    assert "boom" not in error["message"]
