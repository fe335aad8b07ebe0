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
