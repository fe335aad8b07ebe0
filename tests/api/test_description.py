"""The API describes itself: the OpenAPI document, the docs reference and the human page cover
every action, and real answers match the document."""

import json
import re
from pathlib import Path

import pytest
from openapi_schema_validator import OAS30ReadValidator
from openapi_spec_validator import validate

from portal.api import reference, registry
from tests.api.conftest import ok

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


@pytest.fixture
def document(client):
    return client.get("/api/3/openapi.json").get_json()


def test_openapi_document_is_valid(document):
    validate(document)
    assert document["openapi"].startswith("3.0")


def test_every_action_is_in_the_openapi_document(document):
    missing = [a.name for a in registry.actions()
               if f"/api/3/action/{a.name}" not in document["paths"]]
    assert missing == []
    for action in registry.actions():
        operations = document["paths"][f"/api/3/action/{action.name}"]
        assert set(operations) == ({"post"} if action.write else {"get", "post"})
        body = operations["post"]["requestBody"]["content"]
        assert ("multipart/form-data" in body) == action.multipart
        assert operations["post"]["summary"] == action.summary


def test_parameters_are_described(document):
    create = document["components"]["schemas"]["PackageParams"]
    assert {"notes", "owner_org", "tags", "extras", "resources"} <= set(create["properties"])
    assert {"name", "owner_org"} <= set(create["required"])
    show = document["paths"]["/api/3/action/package_show"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in show] == [("id", "query", True)]


def _check(document, action_name: str, body: dict) -> None:
    post = document["paths"][f"/api/3/action/{action_name}"]["post"]
    schema = post["responses"]["200"]["content"]["application/json"]["schema"]
    OAS30ReadValidator({**schema, "components": document["components"]}).validate(body)


@pytest.mark.parametrize(("name", "data", "role"), [
    ("status_show", {}, None),
    ("license_list", {}, None),
    ("package_list", {}, None),
    ("package_show", {"id": "censo-2024"}, None),
    ("current_package_list_with_resources", {}, "sysadmin"),
    ("resource_show", {"id": "UPLOAD"}, None),
    ("organization_list", {}, None),
    ("organization_list", {"all_fields": True}, None),
    ("organization_show", {"id": "ine", "include_datasets": True}, "admin"),
    ("group_list", {"all_fields": True}, None),
    ("group_show", {"id": "economia", "include_datasets": True}, None),
    ("tag_list", {"all_fields": True}, None),
    ("user_show", {"id": "editora", "include_datasets": True}, "editor"),
    ("api_token_list", {}, "editor"),
    ("package_activity_list", {"id": "censo-2024"}, None),
    ("organization_activity_list", {"id": "ine"}, "member"),
    ("recently_changed_packages_activity_list", {}, None),
    ("help_show", {"name": "package_show"}, None),
    ("user_list", {}, "sysadmin"),
    ("user_list", {"all_fields": False}, None),
    ("organization_list_for_user", {"permission": "read"}, "member"),
    ("tag_show", {"id": "censo", "include_datasets": True}, None),
    ("resource_search", {"query": "format:csv"}, None),
    ("package_autocomplete", {"q": "censo"}, None),
    ("format_autocomplete", {"q": "c"}, None),
    ("resource_view_list", {"id": "UPLOAD"}, None),
    ("site_read", {}, None),
    ("package_revise", {"match": {"name": "censo-2024"}, "update": {"version": "2"}},
     "editor"),
    ("resource_patch", {"id": "UPLOAD", "hash": "md5:abc",
                        "last_modified": "2026-01-02T03:04:05+01:00"}, "editor"),
    ("package_patch", {"id": "censo-2024", "title": "Otro"}, "editor"),
    ("organization_member_create", {"id": "ine", "username": "ajeno", "role": "member"},
     "admin"),
    ("api_token_create", {"user": "editora", "name": "x"}, "editor"),
    ("package_delete", {"id": "censo-2024"}, "editor"),
])
def test_answers_match_the_document(api, world, document, name, data, role):
    if data.get("id") == "UPLOAD":
        data = {"id": world.upload_id}
    response = api(name, data, token=world.tokens[role] if role else None)
    ok(response)
    _check(document, name, response.body)


def test_timestamps_are_declared_as_ckan_writes_them(document, api, world):
    """CKAN's UTC timestamps without an offset: a pattern, never ``format: date-time`` (which
    requires an offset, so stock clients' answers would not validate)."""
    text = json.dumps(document)
    assert '"date-time"' not in text
    resource = document["components"]["schemas"]["ResourceOut"]["properties"]
    pattern = re.compile(resource["last_modified"]["pattern"])
    shown = ok(api("resource_patch", {"id": world.link_id,
                                      "last_modified": "2026-01-02T03:04:05.5-04:00"},
                   token=world.tokens["editor"]))
    assert shown["last_modified"] == "2026-01-02T07:04:05.500000"
    assert pattern.fullmatch(shown["last_modified"]) and pattern.fullmatch(shown["created"])
    assert not pattern.fullmatch("2026-01-02T07:04:05+00:00")


def test_every_action_is_documented_and_the_reference_is_current(app):
    text = DOCS.read_text(encoding="utf-8")
    missing = [a.name for a in registry.actions() if f"#### `{a.name}`" not in text]
    assert missing == []
    assert reference.current_section(text) == reference.markdown(), (
        "docs/api.md is out of date: run .venv/bin/python -m portal.api.reference docs/api.md")


def test_human_page_lists_every_action(client):
    page = client.get("/api")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/3/openapi.json" in html
    missing = [a.name for a in registry.actions() if f'id="{a.name}"' not in html]
    assert missing == []


def test_registry_refuses_an_action_without_help():
    with pytest.raises(ValueError, match="docstring"):
        registry.action("sin_ayuda", params=registry.Schema, result=None, tag="site")(
            lambda values, actor: None)
    assert "sin_ayuda" not in registry.ACTIONS
