"""The CKAN actions stock clients call besides the core ones: user_list (and ckanapi's dump
users), organization_list_for_user, tag_show, resource_search, package_autocomplete,
format_autocomplete, dataset_purge, resource_view_list, site_read."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from portal import db
from portal.activity.models import Activity
from portal.audit.models import AuditEvent
from portal.catalog.models import Dataset, Resource
from portal.storage import storage
from tests.api.conftest import failed, ok, run_ckanapi


def test_user_list_shows_private_fields_to_sysadmins_only(api, world):
    anonymous = ok(api("user_list"))
    names = [user["name"] for user in anonymous]
    assert set(names) == {"miembro", "editora", "jefa", "ajeno", "root"}
    assert all(user["email"] is None for user in anonymous)
    assert all("password_hash" not in user and "apikey" not in user for user in anonymous)
    admin = ok(api("user_list", token=world.tokens["sysadmin"]))
    assert all(user["email"] for user in admin)
    own = ok(api("user_list", {"q": "edit"}, token=world.tokens["editor"]))
    assert [(u["name"], bool(u["email"])) for u in own] == [("editora", True)]
    assert ok(api("user_list", {"all_fields": False, "order_by": "name"})) == sorted(names)
    by_count = ok(api("user_list", {"order_by": "number_created_packages"}))
    assert by_count[0]["number_created_packages"] >= by_count[-1]["number_created_packages"]


def test_user_list_filters_by_email_for_sysadmins_only(api, world):
    failed(api("user_list", {"email": "x@example.org"}), 403, "Authorization Error")
    error = failed(api("user_list", {"order_by": "edits"}), 409, "Validation Error")
    assert "edits" in error["order_by"][0]
    admin = ok(api("user_list", {"all_fields": True}, token=world.tokens["sysadmin"]))
    email = next(user["email"] for user in admin if user["name"] == "jefa")
    found = ok(api("user_list", {"email": email.upper()}, token=world.tokens["sysadmin"]))
    assert [user["name"] for user in found] == ["jefa"]


def test_ckanapi_dumps_users(server, world, tmp_path):
    out = tmp_path / "users.jsonl"
    dumped = run_ckanapi("dump", "users", "--all", "-r", server, "-O", str(out), "-q")
    assert dumped.returncode == 0, dumped.stderr
    users = [json.loads(line) for line in out.read_text().splitlines()]
    assert {user["name"] for user in users} == {"miembro", "editora", "jefa", "ajeno", "root"}
    assert all(user["email"] is None for user in users)


def test_organization_list_for_user(api, world):
    def names(data, role):
        return [(o["name"], o["capacity"])
                for o in ok(api("organization_list_for_user", data, token=world.tokens[role]))]

    assert names({}, "admin") == [("ine", "admin")]
    assert names({}, "editor") == []  # manage_group: admins only
    assert names({"permission": "create_dataset"}, "editor") == [("ine", "editor")]
    assert names({"permission": "read"}, "member") == [("ine", "member")]
    assert names({"id": "ajeno", "permission": "update_dataset"}, "member") == [
        ("mefp", "editor")]
    assert sorted(names({}, "sysadmin")) == [("ine", "admin"), ("mefp", "admin")]
    assert ok(api("organization_list_for_user")) == []
    shown = ok(api("organization_list_for_user", {"permission": "read"},
                   token=world.tokens["member"]))[0]
    assert shown["package_count"] == 2 and shown["title"] == "Instituto Nacional de Estadística"


def test_tag_show(api, world):
    tag = ok(api("tag_show", {"id": "censo", "include_datasets": True}))
    assert tag["name"] == "censo" and [p["name"] for p in tag["packages"]] == [world.public]
    assert ok(api("tag_show", {"id": tag["id"]}))["name"] == "censo"
    assert "packages" not in ok(api("tag_show", {"id": "censo"}))
    failed(api("tag_show", {"id": "no-existe"}), 404, "Not Found Error")
    failed(api("tag_show", {"id": "censo", "vocabulary_id": "x"}), 404, "Not Found Error")


def test_a_tag_of_private_datasets_only_is_hidden(api, world):
    ok(api("package_patch", {"id": world.private, "tags": [{"name": "secreto"}]},
           token=world.tokens["editor"]))
    failed(api("tag_show", {"id": "secreto"}), 404, "Not Found Error")
    shown = ok(api("tag_show", {"id": "secreto", "include_datasets": True},
                   token=world.tokens["member"]))
    assert [p["name"] for p in shown["packages"]] == [world.private]


def test_resource_search(api, world):
    found = ok(api("resource_search", {"query": "format:xls"}))
    assert found["count"] == 1 and found["results"][0]["id"] == world.link_id
    both = ok(api("resource_search", {"query": ["name:a", "url:example.org"]}))
    assert [r["id"] for r in both["results"]] == [world.link_id]  # "Portal"; not "Casos"
    upload = ok(api("resource_show", {"id": world.upload_id}))
    by_hash = ok(api("resource_search", {"query": f"hash:{upload['sha256'][:10].upper()}"}))
    assert [r["id"] for r in by_hash["results"]] == [world.upload_id]
    paged = ok(api("resource_search", {"query": f"package_id:{world.public_id}",
                                       "order_by": "name", "limit": 1, "offset": 1}))
    assert paged["count"] == 2 and [r["name"] for r in paged["results"]] == ["Portal"]
    assert ok(api("resource_search", {"query": "name:%"}))["count"] == 0  # no LIKE injection
    # GET, as CKAN clients send it
    assert ok(api("resource_search", {"query": "format:csv"}, method="GET"))["count"] == 1


def test_resource_search_hides_private_datasets_and_names_bad_queries(api, world):
    ok(api("resource_create", {"package_id": world.private, "url": "https://example.org/s.csv",
                               "name": "Secreto"}, token=world.tokens["editor"]))
    assert ok(api("resource_search", {"query": "name:secreto"},
                  token=world.tokens["sysadmin"]))["count"] == 0
    error = failed(api("resource_search", {"query": "sin-dos-puntos"}), 409, "Validation Error")
    assert "sin-dos-puntos" in error["query"][0]
    error = failed(api("resource_search", {"query": "storage_key:x"}), 409, "Validation Error")
    assert "storage_key" in error["query"][0]
    error = failed(api("resource_search", {"query": "name:x", "order_by": "storage_key"}),
                   409, "Validation Error")
    assert "storage_key" in error["order_by"][0]
    failed(api("resource_search", {}), 409, "Validation Error")


def test_package_autocomplete_and_format_autocomplete(api, world):
    assert ok(api("package_autocomplete", {"q": "CENSO"})) == [{
        "name": "censo-2024", "title": "Censo 2024", "match_field": "name",
        "match_displayed": "censo-2024"}]
    assert ok(api("package_autocomplete", {"q": "interno"})) == []  # private
    mine = ok(api("package_autocomplete", {"q": "registro interno"},
                  token=world.tokens["member"]))
    assert mine == [{"name": world.private, "title": "Registro interno",
                     "match_field": "title",
                     "match_displayed": "Registro interno (registro-interno)"}]
    failed(api("package_autocomplete", {}), 409, "Validation Error")
    assert ok(api("format_autocomplete", {"q": "s"})) == ["csv", "xlsx"]
    assert ok(api("format_autocomplete", {"q": "XL", "limit": 1})) == ["xlsx"]
    ok(api("resource_create", {"package_id": world.private, "url": "https://example.org/p",
                               "format": "PRIVADO"}, token=world.tokens["editor"]))
    assert ok(api("format_autocomplete", {"q": "priv"}, token=world.tokens["sysadmin"])) == []


def test_resource_view_list(api, world):
    [view] = ok(api("resource_view_list", {"id": world.upload_id}))
    assert view["view_type"] == "table_preview" and view["resource_id"] == world.upload_id
    assert view["package_id"] == world.public_id
    assert view == ok(api("resource_view_list", {"id": world.upload_id}))[0]  # stable id
    assert ok(api("resource_view_list", {"id": world.link_id})) == []
    failed(api("resource_view_list", {"id": "no-existe"}), 404, "Not Found Error")


def test_site_read(api, world):
    assert ok(api("site_read")) is True
    assert ok(api("site_read", method="GET")) is True


def test_dataset_purge_removes_everything_in_one_go(app, api, world):
    with app.app_context():
        key = db.session.get(Resource, world.upload_id).storage_key
        assert storage().exists(key)
    failed(api("dataset_purge", {"id": world.public}, token=world.tokens["admin"]), 403,
           "Authorization Error")
    ok(api("dataset_purge", {"id": world.public}, token=world.tokens["sysadmin"]))
    failed(api("package_show", {"id": world.public}), 404, "Not Found Error")
    failed(api("resource_show", {"id": world.upload_id}), 404, "Not Found Error")
    with app.app_context():
        assert db.session.get(Dataset, world.public_id) is None
        assert db.session.scalar(select(func.count()).select_from(Resource).where(
            Resource.dataset_id == world.public_id)) == 0
        assert db.session.scalar(select(func.count()).select_from(Activity).where(
            Activity.object_id == world.public_id)) == 0
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "dataset.purge")).one()
        assert (event.actor, event.target) == ("root", world.public)
        assert world.public_id in event.detail
        assert not storage().exists(key)
    assert ok(api("package_list")) == []
    failed(api("dataset_purge", {"id": world.public}, token=world.tokens["sysadmin"]), 404,
           "Not Found Error")
