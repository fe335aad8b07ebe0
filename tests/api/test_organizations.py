"""Organizations (entities), groups (themes), tags and licences."""

from portal.catalog.models import Entity
from tests.api.conftest import count, failed, ok


def test_organization_list_names_and_all_fields(api, world):
    assert ok(api("organization_list")) == ["ine", "mefp"]  # by title
    assert ok(api("organization_list", {"sort": "name desc"})) == ["mefp", "ine"]
    assert ok(api("organization_list", {"sort": "package_count desc", "limit": 1})) == ["ine"]
    assert ok(api("organization_list", {"organizations": ["mefp"]})) == ["mefp"]
    assert ok(api("organization_list", {"offset": 1})) == ["mefp"]
    full = ok(api("organization_list", {"all_fields": True}))
    assert full[0]["name"] == "ine" and full[0]["package_count"] == 1  # public datasets
    assert full[0]["is_organization"] is True and full[0]["type"] == "organization"
    error = failed(api("organization_list", {"sort": "size"}), 409, "Validation Error")
    assert "size" in error["sort"][0]


def test_organization_show(api, world):
    shown = ok(api("organization_show", {"id": "ine", "include_datasets": True}))
    assert shown["package_count"] == 1
    assert [d["name"] for d in shown["packages"]] == [world.public]
    assert shown["users"] == []  # members are shown to the entity's admins only
    shown = ok(api("organization_show", {"id": "ine", "include_datasets": True},
                   token=world.tokens["admin"]))
    assert shown["package_count"] == 2
    assert {(u["name"], u["capacity"]) for u in shown["users"]} == {
        ("miembro", "member"), ("editora", "editor"), ("jefa", "admin")}
    assert "packages" not in ok(api("organization_show", {"id": "ine"}))


def test_organization_create_update_patch(app, api, world):
    token = world.tokens["sysadmin"]
    created = ok(api("organization_create", {"name": "ypfb", "image_url": "https://e.org/l.png",
                                              "kind": "empresa-publica"}, token=token))
    assert created["title"] == "ypfb" and created["image_url"] == "https://e.org/l.png"
    patched = ok(api("organization_patch", {"id": "ypfb", "title": "YPFB"}, token=token))
    assert patched["title"] == "YPFB" and patched["kind"] == "empresa-publica"
    updated = ok(api("organization_update", {"id": "ypfb", "name": "ypfb",
                                             "title": "Yacimientos"}, token=token))
    assert updated["kind"] == "otra" and updated["image_url"] == ""
    error = failed(api("organization_patch", {"id": "ypfb", "image_url": "logo"}, token=token),
                   409, "Validation Error")
    assert "image_url" in error  # the catalog's logo_url, under CKAN's name
    error = failed(api("organization_create", {"name": "ypfb"}, token=token), 409,
                   "Validation Error")
    assert error["name"]
    assert count(app, Entity) == 3


def test_members(api, world):
    token = world.tokens["admin"]
    member = ok(api("organization_member_create", {"id": "ine", "username": "ajeno",
                                                   "role": "member"}, token=token))
    assert member["capacity"] == "member" and member["table_name"] == "user"
    ok(api("package_show", {"id": world.private}, token=world.tokens["other_editor"]))
    assert ok(api("organization_member_delete", {"id": "ine", "username": "ajeno"},
                  token=token)) is None
    failed(api("package_show", {"id": world.private}, token=world.tokens["other_editor"]),
           403, "Authorization Error")
    error = failed(api("organization_member_create", {"id": "ine", "username": "nadie",
                                                      "role": "member"}, token=token),
                   409, "Validation Error")
    assert "nadie" in error["username"][0]
    error = failed(api("organization_member_create", {"id": "ine", "username": "ajeno",
                                                      "role": "jefe"}, token=token),
                   409, "Validation Error")
    assert "role" in error
    failed(api("organization_member_delete", {"id": "ine", "username": "ajeno"}, token=token),
           404, "Not Found Error")


def test_groups(api, world):
    assert ok(api("group_list")) == ["economia"]
    group = ok(api("group_list", {"all_fields": True}))[0]
    assert group["package_count"] == 1 and group["is_organization"] is False
    shown = ok(api("group_show", {"id": "economia", "include_datasets": True}))
    assert [d["name"] for d in shown["packages"]] == [world.public]
    created = ok(api("group_create", {"name": "salud", "eu_theme": "HEAL"},
                     token=world.tokens["sysadmin"]))
    assert created["title"] == "salud" and created["eu_theme"] == "HEAL"
    assert ok(api("group_list")) == ["economia", "salud"]


def test_tags_and_licences(api, world):
    assert ok(api("tag_list")) == ["censo", "población"]
    assert ok(api("tag_list", {"query": "pobl"})) == ["población"]
    assert ok(api("tag_list", {"all_fields": True}))[0]["display_name"] == "censo"
    licences = {lic["id"]: lic for lic in ok(api("license_list"))}
    assert licences["CC-BY-4.0"]["is_okd_compliant"] is True
    assert licences["CC-BY-NC-4.0"]["is_okd_compliant"] is False


def test_status_show(api):
    status = ok(api("status_show"))
    assert status["api_version"] == 3 and status["ckan_version"] == "2.10.0"
    assert status["portal_version"] and status["locale_default"] == "es"
