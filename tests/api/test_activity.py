"""Activity streams through the API."""

from tests.api.conftest import failed, ok


def test_package_activity_list(api, world):
    ok(api("package_patch", {"id": world.public, "title": "Censo nacional"},
           token=world.tokens["editor"]))
    activities = ok(api("package_activity_list", {"id": world.public}))
    assert [a["activity_type"] for a in activities[:1]] == ["changed package"]
    assert activities[0]["user_name"] == "editora"
    assert activities[0]["data"]["changes"]["title"] == ["Censo 2024", "Censo nacional"]
    assert activities[-1]["activity_type"] == "new package"
    assert len(ok(api("package_activity_list", {"id": world.public, "limit": 1}))) == 1


def test_private_activity_is_for_members(api, world):
    failed(api("package_activity_list", {"id": world.private}), 403, "Authorization Error")
    assert ok(api("package_activity_list", {"id": world.private}, token=world.tokens["member"]))
    public = {a["object_id"] for a in ok(api("organization_activity_list", {"id": "ine"}))}
    member = {a["object_id"] for a in ok(api("organization_activity_list", {"id": "ine"},
                                             token=world.tokens["member"]))}
    assert world.public_id in public and len(member) > len(public)


def test_recently_changed(api, world):
    recent = ok(api("recently_changed_packages_activity_list", {"limit": 5}))
    assert recent and all(a["activity_type"].endswith("package") for a in recent)
    failed(api("recently_changed_packages_activity_list", {"limit": 1000}), 409,
           "Validation Error")


def _as(api, world, role: str, action: str, **data):
    return ok(api(action, data, token=world.tokens[role]))


def test_deleting_a_draft_or_private_dataset_publishes_nothing(app, api, client, world):
    _as(api, world, "editor", "package_create", name="borrador-secreto", owner_org="ine",
        title="Borrador secreto", license_id="CC-BY-4.0", state="draft")
    for name in ("borrador-secreto", world.private):
        _as(api, world, "editor", "package_delete", id=name)
    for action in ("organization_activity_list", "recently_changed_packages_activity_list"):
        response = api(action, {"id": "ine"})
        assert "Borrador secreto" not in response.text and "Registro interno" not in response.text
        assert not {"deleted package", "withdrawn package"} & {
            a["activity_type"] for a in ok(response)}
    page = client.get("/organization/ine").get_data(as_text=True)
    assert "Borrador secreto" not in page and "Registro interno" not in page
    member = [a["data"].get("title") for a in
              _as(api, world, "member", "organization_activity_list", id="ine")]
    assert "Borrador secreto" in member and "Registro interno" in member


def test_a_withdrawn_dataset_shows_the_public_only_its_withdrawal(app, api, client, world):
    _as(api, world, "editor", "package_patch", id=world.public, notes="Notas nuevas.",
        tags=[{"name": "censo"}])
    _as(api, world, "editor", "package_patch", id=world.public, private=True)
    _as(api, world, "editor", "package_patch", id=world.public, title="Título interno")

    for response in (api("organization_activity_list", {"id": "ine"}),
                     api("recently_changed_packages_activity_list", {})):
        mine = [a for a in ok(response) if a["object_id"] == world.public_id]
        assert [(a["activity_type"], a["data"], a["user_name"]) for a in mine] == [
            ("withdrawn package", {}, "editora")]
        for secret in ("Censo", "Notas nuevas", "Título interno", "población"):
            assert secret not in response.text
    failed(api("package_activity_list", {"id": world.public}), 403, "Authorization Error")
    page = client.get("/organization/ine").get_data(as_text=True)
    assert "retiró de la publicación" in page and "Censo" not in page

    member = _as(api, world, "member", "package_activity_list", id=world.public)
    assert [a["activity_type"] for a in member][:3] == [
        "changed package", "withdrawn package", "changed package"]
    assert member[0]["data"]["title"] == "Título interno"

    # Published again: the public sees what it saw before, never what changed in private.
    _as(api, world, "editor", "package_patch", id=world.public, private=False)
    public = ok(api("package_activity_list", {"id": world.public}))
    assert [a["activity_type"] for a in public][:2] == ["changed package", "withdrawn package"]
    assert "Notas nuevas" in str(public) and "Título interno" not in str(public[1:])
    assert len(public) == len(member) - 1


def test_deleting_a_public_dataset_leaves_only_its_withdrawal(app, api, client, world):
    _as(api, world, "editor", "package_delete", id=world.public)
    response = api("recently_changed_packages_activity_list", {})
    assert [a["activity_type"] for a in ok(response)
            if a["object_id"] == world.public_id] == ["withdrawn package"]
    assert "Censo" not in response.text
    assert "Censo" not in client.get("/organization/ine").get_data(as_text=True)
    member = _as(api, world, "member", "organization_activity_list", id="ine")
    assert "deleted package" in {a["activity_type"] for a in member}
