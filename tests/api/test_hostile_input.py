"""Input built to break the API: numbers past what a database holds, empty uploads, absurd token
lifetimes. Each is CKAN's 409 naming the parameter, never a server error."""

import json

import pytest

from portal.api import actions, registry
from portal.api.params import MAX_OFFSET, MAX_TOKEN_DAYS
from portal.auth.tokens import ApiToken
from tests.api.conftest import count, failed, ok

actions.load()

#: Every action that pages through a list, with the parameters it needs besides the offset.
PAGED = [
    ("package_list", "offset", {}),
    ("current_package_list_with_resources", "offset", {}),
    ("current_package_list_with_resources", "page", {}),
    ("organization_list", "offset", {}),
    ("group_list", "offset", {"all_fields": True}),
    ("package_activity_list", "offset", {"id": "censo-2024"}),
    ("organization_activity_list", "offset", {"id": "ine"}),
    ("recently_changed_packages_activity_list", "offset", {}),
    ("harvest_job_list", "offset", {"id": "no-importa"}),
]


@pytest.mark.parametrize("name, key, extra", PAGED)
@pytest.mark.parametrize("value", [MAX_OFFSET + 1, 2**63, 2**64])
def test_offsets_past_the_bound_are_refused(api, world, name, key, extra, value):
    for method in ("GET", "POST"):
        error = failed(api(name, {**extra, key: value}, token=world.tokens["sysadmin"],
                           method=method), 409, "Validation Error")
        assert list(error) == ["__type", "message", key]


def _paging_parameters() -> list[tuple[str, str]]:
    """Every (action, parameter) that pages, found in the registry: actions added later are
    covered without touching this list."""
    found = []
    for name, registered in sorted(registry.ACTIONS.items()):
        for field_name, field in registered.params().load_fields.items():
            key = field.data_key or field_name
            if key in ("limit", "offset", "page", "start", "rows"):
                found.append((name, key))
    return found


#: Ids the paged actions need, by the prefix of their name.
_IDS = {"package_": "censo-2024", "organization_": "ine", "group_": "economia",
        "user_": "root", "harvest_": "no-importa"}
HOSTILE_NUMBERS = [-1, -(2**63), 2**63 - 1, 2**63, 2**64, 10**30, "abc", "1.5", "1e3", "-0x10",
                   "9" * 400]


@pytest.mark.parametrize("name, key", _paging_parameters())
def test_hostile_paging_values_are_an_empty_page_or_a_409_naming_them(api, world, name, key):
    """CKAN answers a paging value it cannot use with a 409 naming it; one past the end is an
    empty page. Never a server error, on SQLite as on PostgreSQL (whose integers stop at
    2**63 - 1)."""
    params = registry.ACTIONS[name].params().load_fields
    extra = {}
    if any((f.data_key or n) == "id" and f.required for n, f in params.items()):
        extra["id"] = next((v for prefix, v in _IDS.items() if name.startswith(prefix)),
                           world.public)
    for value in HOSTILE_NUMBERS:
        for method in ("GET", "POST"):
            response = api(name, {**extra, key: value}, token=world.tokens["sysadmin"],
                           method=method)
            assert response.status_code in (200, 409), (value, method, response.body)
            if response.status_code == 409:
                error = response.body["error"]
                assert error["__type"] == "Validation Error" and key in error, (value, error)
            elif isinstance(value, int) and value < 0:
                raise AssertionError(f"{name}: {key}={value} accepted")
            else:
                result = response.body["result"]
                page = result["results"] if name == "package_search" else result
                assert page == [] or key in ("limit", "rows"), (value, method, result)


def test_tag_list_has_no_paging_and_ignores_hostile_values(api, world):
    """CKAN's tag_list takes no offset or limit: they are ignored, whatever their size."""
    for method in ("GET", "POST"):
        assert "censo" in ok(api("tag_list", {"offset": 2**64, "limit": -(2**63)},
                                 method=method))


@pytest.mark.parametrize("name, key, extra", PAGED[:3])
def test_the_largest_offset_is_an_empty_page(api, world, name, key, extra):
    assert ok(api(name, {**extra, key: MAX_OFFSET})) == []


def test_an_integer_past_64_bits_is_refused_where_no_bound_is_declared(api, world):
    error = failed(api("package_search", {"start": 2**63}), 409, "Validation Error")
    assert error["start"] == ["El número es demasiado grande."]
    assert ok(api("package_search", {"start": 2**63 - 1}))["results"] == []
    document = api.client.get("/api/3/openapi.json").get_json()
    start = next(p for p in document["paths"]["/api/3/action/package_search"]["get"]
                 ["parameters"] if p["name"] == "start")
    assert start["schema"]["format"] == "int64"


@pytest.mark.parametrize("data", [
    {"expires_in": 10**12},
    {"expires_in": 2**63 - 1, "unit": 2**63 - 1},
    {"expires_in": MAX_TOKEN_DAYS + 1},
    {"expires_in": 2, "unit": MAX_TOKEN_DAYS * 86400},
])
def test_a_token_lifetime_past_a_hundred_years_is_refused(app, api, world, data):
    before = count(app, ApiToken)
    error = failed(api("api_token_create", {"user": "root", "name": "x", **data},
                       token=world.tokens["sysadmin"]), 409, "Validation Error")
    assert "36500" in error["expires_in"][0]
    assert count(app, ApiToken) == before


def test_the_longest_token_lifetime_is_accepted(api, world):
    token = ok(api("api_token_create", {"user": "root", "name": "x",
                                        "expires_in": MAX_TOKEN_DAYS},
                   token=world.tokens["sysadmin"]))["token"]
    assert ok(api("api_token_list", {}, token=token))


def test_the_command_line_bounds_token_lifetimes_too(runner, world):
    result = runner.invoke(args=["token", "create", "root", "--expires-in-days",
                                 str(MAX_TOKEN_DAYS + 1)])
    assert result.exit_code == 2
    assert "--expires-in-days" in result.output


@pytest.mark.parametrize("upload", ["", None])
def test_a_data_package_without_a_file_is_refused(api, world, upload):
    error = failed(api("package_create_from_datapackage", {"owner_org": "ine",
                                                           "upload": upload},
                       token=world.tokens["sysadmin"]), 409, "Validation Error")
    assert error["upload"] == ["Falta este campo."]


# --- bodies: depth and size -------------------------------------------------------------------


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


@pytest.mark.parametrize("name", sorted(registry.ACTIONS))
def test_json_nested_too_deep_is_a_bad_request_on_every_action(api, name):
    body = '{"id": ' + _nested(1000) + "}"
    error = failed(api(name, body, content_type="application/json"), 400, "Bad request")
    assert "anida más de 64 niveles" in error["message"]


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_nesting_is_bounded_however_deep(api, world, depth):
    error = failed(api("package_show", _nested(depth), content_type="application/json"),
                   400, "Bad request")
    assert "anida más de 64 niveles" in error["message"]


def test_nesting_up_to_the_bound_is_read(api, world):
    inside = {"id": world.public, "sobra": json.loads(_nested(63))}  # 64 levels in all
    assert ok(api("package_show", json.dumps(inside),
                  content_type="application/json"))["name"] == world.public
    inside["sobra"] = [inside["sobra"]]
    failed(api("package_show", json.dumps(inside), content_type="application/json"),
           400, "Bad request")


@pytest.mark.parametrize("name, data, field", [
    ("package_search", {"facet.field": _nested(5000, '"tags"')}, "facet.field"),
    ("package_search", {"fq_list": _nested(5000, '"tags:x"')}, "fq_list"),
    ("package_create", {"name": "hondo", "owner_org": "ine", "spatial": _nested(5000, '"BO"')},
     "spatial"),
    ("resource_create", {"package_id": "censo-2024", "url": "https://example.org/a.csv",
                         "schema": '{"fields": ' + _nested(5000) + "}"}, "schema"),
])
def test_json_too_deep_inside_a_text_parameter_names_it(app, api, world, name, data, field):
    for method in ("GET", "POST") if name == "package_search" else ("POST",):
        error = failed(api(name, data, token=world.tokens["sysadmin"], method=method),
                       409, "Validation Error")
        assert field in error


def test_a_body_over_the_limit_is_a_bad_request_naming_it(app, api, world):
    app.config["PORTAL_API_MAX_BODY_MB"] = 1
    big = json.dumps({"id": world.public, "relleno": "x" * (1024 * 1024)})
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        error = failed(api("package_show", big, content_type=content_type), 400, "Bad request")
        assert "1 MB" in error["message"]
    form = "id=" + world.public + "&relleno=" + "x" * (1024 * 1024)
    failed(api("package_show", form, content_type="application/x-www-form-urlencoded"),
           400, "Bad request")
    assert ok(api("package_show", json.dumps({"id": world.public, "relleno": "x" * 1000}),
                  content_type="application/json"))["name"] == world.public
