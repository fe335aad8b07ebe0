"""Input built to break the API: numbers past what a database holds, empty uploads, absurd token
lifetimes. Each is CKAN's 409 naming the parameter, never a server error."""

import pytest

from portal.api.params import MAX_OFFSET, MAX_TOKEN_DAYS
from portal.auth.tokens import ApiToken
from tests.api.conftest import count, failed, ok

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


@pytest.mark.parametrize("name, key, extra", PAGED[:3])
def test_the_largest_offset_is_an_empty_page(api, world, name, key, extra):
    assert ok(api(name, {**extra, key: MAX_OFFSET})) == []


def test_an_integer_past_64_bits_is_refused_where_no_bound_is_declared(api, world):
    error = failed(api("package_search", {"start": 2**63}), 409, "Validation Error")
    assert error["start"] == ["El número es demasiado grande."]
    assert ok(api("package_search", {"start": 2**63 - 1}))["results"] == []


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
