"""The series actions and package_show's series fields, over HTTP."""

from __future__ import annotations

from tests.api.conftest import Api, failed, ok


def test_series_show_lists_public_members_in_temporal_order(client, world):
    api = Api(client)
    shown = ok(api("series_show", {"id": world.series}, method="GET"))
    assert shown["series"]["type"] == "series"
    assert [m["name"] for m in shown["members"]] == [
        "ejecucion-2023", "ejecucion-2024", "ejecucion-2025"]
    assert shown["first"]["name"] == "ejecucion-2023"
    assert shown["last"]["name"] == "ejecucion-2025"
    assert shown["url"].endswith("/serie/ejecucion-presupuestaria")


def test_editor_of_the_entity_sees_the_private_member(client, world):
    api = Api(client)
    shown = ok(api("series_show", {"id": world.series}, token=world.tokens["editora"]))
    assert [m["name"] for m in shown["members"]][-1] == "ejecucion-2026"


def test_package_show_has_type_in_series_and_navigation(client, world):
    api = Api(client)
    middle = ok(api("package_show", {"id": "ejecucion-2024"}, method="GET"))
    assert middle["type"] == "dataset"
    assert middle["in_series"] == ["ejecucion-presupuestaria"]
    [nav] = middle["series_navigation"]
    assert nav["series"]["name"] == world.series
    assert nav["prev"]["name"] == "ejecucion-2023" and nav["next"]["name"] == "ejecucion-2025"
    last = ok(api("package_show", {"id": "ejecucion-2025"}, method="GET"))
    # The private 2026 member is not shown as the next of 2025 to the public.
    assert last["series_navigation"][0]["next"] is None
    assert ok(api("package_show", {"id": world.series}, method="GET"))["type"] == "series"


def test_series_create_and_member_add_and_remove(client, world):
    api = Api(client)
    token = world.tokens["editora"]
    created = ok(api("series_create", {"name": "deuda-publica", "title": "Deuda pública",
                                       "owner_org": "mefp", "license_id": "CC-BY-4.0"},
                     token=token))
    assert created["type"] == "series"
    ok(api("package_create", {"name": "deuda-2024", "owner_org": "mefp",
                              "license_id": "CC-BY-4.0", "temporal_start": "2024-01-01"},
           token=token))
    ok(api("package_create", {"name": "deuda-2023", "owner_org": "mefp",
                              "license_id": "CC-BY-4.0", "temporal_start": "2023-01-01"},
           token=token))
    ok(api("series_member_add", {"id": "deuda-publica", "dataset": "deuda-2024"}, token=token))
    shown = ok(api("series_member_add", {"id": "deuda-publica", "dataset": "deuda-2023"},
                   token=token))
    assert [m["name"] for m in shown["members"]] == ["deuda-2023", "deuda-2024"]
    shown = ok(api("series_member_remove", {"id": "deuda-publica", "dataset": "deuda-2023"},
                   token=token))
    assert [m["name"] for m in shown["members"]] == ["deuda-2024"]
    assert ok(api("package_show", {"id": "deuda-2023"}, method="GET"))["in_series"] == []


def test_series_create_refused_to_others_creates_nothing(client, world):
    api = Api(client)
    failed(api("series_create", {"name": "ajena", "owner_org": "mefp",
                                 "license_id": "CC-BY-4.0"}, token=world.tokens["ajeno"]),
           403, "Authorization Error")
    failed(api("package_show", {"id": "ajena"}, method="GET"), 404, "Not Found Error")


def test_member_add_needs_both_entities_and_refuses_nested_series(client, world):
    api = Api(client)
    editor = world.tokens["editora"]
    failed(api("series_member_add", {"id": world.series, "dataset": "ejecucion-2023"},
               token=world.tokens["ajeno"]), 403, "Authorization Error")
    ok(api("series_create", {"name": "otra-serie", "owner_org": "mefp",
                             "license_id": "CC-BY-4.0"}, token=editor))
    error = failed(api("series_member_add", {"id": world.series, "dataset": "otra-serie"},
                       token=editor), 409, "Validation Error")
    assert "dataset" in error
    error = failed(api("series_member_add", {"id": "ejecucion-2023", "dataset": "otra-serie"},
                       token=editor), 404, "Not Found Error")
    failed(api("series_member_remove", {"id": world.series, "dataset": "otra-serie"},
               token=editor), 404, "Not Found Error")
