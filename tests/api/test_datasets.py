"""Dataset actions: CKAN's package dictionaries in and out."""

from sqlalchemy import select

from portal import db
from portal.activity.models import Activity
from portal.catalog.models import Dataset, Resource
from tests.api.conftest import count, failed, ok


def test_package_show_has_ckan_names(api, world):
    dataset = ok(api("package_show", {"id": world.public}))
    assert dataset["id"] == world.public_id
    assert dataset["type"] == "dataset"
    assert dataset["notes"] == "Resultados del censo."
    assert dataset["url"] == "https://www.ine.gob.bo/censo"
    assert dataset["license_id"] == "CC-BY-4.0" and dataset["isopen"] is True
    assert dataset["license_title"] == "Creative Commons Atribución 4.0"
    assert dataset["organization"]["name"] == "ine"
    assert dataset["owner_org"] == dataset["organization"]["id"]
    assert [tag["name"] for tag in dataset["tags"]] == ["censo", "población"]
    assert dataset["num_tags"] == 2 and dataset["num_resources"] == 2
    assert [group["name"] for group in dataset["groups"]] == ["economia"]
    extras = {extra["key"]: extra["value"] for extra in dataset["extras"]}
    assert extras == {"contact_name": "Unidad de Datos", "access_rights": "public",
                      "temporal_start": "2024-01-01", "spatial": '["BO", "BO-L"]',
                      "language": '["es"]', "fuente": "INE"}
    assert dataset["metadata_created"].startswith("20")
    assert "T" in dataset["metadata_modified"]
    # by id too
    assert ok(api("package_show", {"id": world.public_id}))["name"] == world.public


def test_resources_in_the_package(api, world):
    upload, link = ok(api("package_show", {"id": world.public}))["resources"]
    assert upload["url"] == (f"http://localhost/dataset/{world.public}/resource/"
                             f"{world.upload_id}/download/casos.csv")
    assert upload["url_type"] == "upload"
    assert upload["mimetype"] == "text/csv" and upload["format"] == "CSV"
    assert upload["size"] == len("año,departamento,casos\n2024,La Paz,10\n2024,Oruro,3\n"
                                 .encode())
    assert len(upload["hash"]) == 64 and upload["position"] == 0
    assert link["url"] == "https://example.org/censo.xlsx" and link["url_type"] is None
    assert link["package_id"] == world.public_id and link["position"] == 1


def test_package_list_and_current_list(api, world):
    assert ok(api("package_list")) == [world.public]  # the private one is not listed
    assert ok(api("package_list", {"limit": 1, "offset": 1})) == []
    listed = ok(api("current_package_list_with_resources"))
    assert [d["name"] for d in listed] == [world.public]
    listed = ok(api("current_package_list_with_resources", token=world.tokens["member"]))
    assert {d["name"] for d in listed} == {world.public, world.private}
    second_page = ok(api("current_package_list_with_resources", {"limit": 1, "page": 2},
                         token=world.tokens["member"]))
    assert [d["name"] for d in second_page] == [listed[1]["name"]]


def test_create_maps_ckan_fields_onto_the_catalog(app, api, world):
    created = ok(api("package_create", {
        "name": "matricula-2024", "owner_org": "ine", "license_id": "CC-BY-4.0",
        "notes": "Matrícula escolar.", "url": "https://example.org/matricula",
        "tags": [{"name": "Educación"}], "tag_string": "escuelas, educación",
        "groups": [{"name": "economia"}], "version": "2",
        "extras": [{"key": "frequency", "value": "ANNUAL"},
                   {"key": "spatial", "value": '["BO-C"]'},
                   {"key": "proyecto", "value": "PIGE"}],
        "language": ["es", "qu"],
        "resources": [{"url": "https://example.org/matricula.csv", "name": "Matrícula",
                       "mimetype": "text/csv"}],
    }, token=world.tokens["editor"]))
    assert created["title"] == "matricula-2024"  # CKAN's default: the name
    assert created["notes"] == "Matrícula escolar."
    assert [t["name"] for t in created["tags"]] == ["educación", "escuelas"]
    assert created["resources"][0]["mimetype"] == "text/csv"
    assert created["creator_user_id"]
    with app.app_context():
        dataset = db.session.scalar(select(Dataset).where(Dataset.name == "matricula-2024"))
        assert dataset.description == "Matrícula escolar."
        assert dataset.landing_page == "https://example.org/matricula"
        assert dataset.frequency == "ANNUAL" and dataset.spatial == ["BO-C"]
        assert dataset.language == ["es", "qu"]  # the top-level key
        assert dataset.extras == {"proyecto": "PIGE"}
        assert [theme.name for theme in dataset.themes] == ["economia"]
        assert dataset.entity.name == "ine"


def test_top_level_dcat_key_wins_over_the_extra(app, api, world):
    created = ok(api("package_create", {
        "name": "dos-fuentes", "owner_org": "ine", "license_id": "CC-BY-4.0",
        "frequency": "MONTHLY", "extras": [{"key": "frequency", "value": "ANNUAL"}],
    }, token=world.tokens["editor"]))
    extras = {extra["key"]: extra["value"] for extra in created["extras"]}
    assert extras["frequency"] == "MONTHLY"


def test_show_then_update_round_trip_keeps_everything(app, api, world):
    before = ok(api("package_show", {"id": world.public}))
    after = ok(api("package_update", before, token=world.tokens["editor"]))
    for key in ("name", "title", "notes", "url", "tags", "groups", "extras", "license_id",
                "private", "state", "owner_org"):
        assert after[key] == before[key], key
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
    assert after["resources"][0]["url_type"] == "upload"  # the download URL did not replace it
    assert after["resources"][0]["hash"] == before["resources"][0]["hash"]


def test_update_replaces_and_patch_changes_only_what_it_names(api, world):
    token = world.tokens["editor"]
    patched = ok(api("package_patch", {"id": world.public, "title": "Censo nacional"},
                     token=token))
    assert patched["title"] == "Censo nacional" and patched["notes"] == "Resultados del censo."
    assert patched["num_resources"] == 2
    updated = ok(api("package_update", {"id": world.public, "name": world.public,
                                        "owner_org": "ine", "license_id": "CC-BY-4.0"},
                     token=token))
    assert updated["notes"] == "" and updated["tags"] == []  # CKAN: left out means default
    assert updated["title"] == world.public
    assert updated["num_resources"] == 2  # resources left out are kept


def test_update_with_resources_syncs_them(app, api, world):
    token = world.tokens["editor"]
    dataset = ok(api("package_show", {"id": world.public}))
    upload = dataset["resources"][0]
    dataset["resources"] = [{**upload, "name": "Casos renombrados"},
                            {"url": "https://example.org/nuevo.json", "format": "json"}]
    updated = ok(api("package_update", dataset, token=token))
    names = [(r["name"], r["format"]) for r in updated["resources"]]
    assert names == [("Casos renombrados", "CSV"), ("nuevo.json", "JSON")]
    assert updated["resources"][0]["id"] == upload["id"]
    with app.app_context():
        assert db.session.get(Resource, world.link_id) is None


def test_delete_is_soft(app, api, world):
    assert ok(api("package_delete", {"id": world.public}, token=world.tokens["editor"])) is None
    with app.app_context():
        assert db.session.scalar(select(Dataset.state).where(Dataset.id == world.public_id)) \
            == "deleted"
    failed(api("package_show", {"id": world.public}), 404, "Not Found Error")
    assert ok(api("package_show", {"id": world.public},
                  token=world.tokens["editor"]))["state"] == "deleted"
    assert ok(api("package_list")) == []


def test_failed_update_changes_nothing(app, api, world):
    before = ok(api("package_show", {"id": world.public}))
    activities = count(app, Activity)
    dataset = {**before, "title": "Nuevo título", "license_id": "no-existe"}
    error = failed(api("package_update", dataset, token=world.tokens["editor"]), 409,
                   "Validation Error")
    assert "no-existe" in error["license_id"][0]
    assert ok(api("package_show", {"id": world.public}))["title"] == before["title"]
    assert count(app, Activity) == activities


def test_bad_inline_resource_rolls_back_the_whole_update(app, api, world):
    dataset = ok(api("package_show", {"id": world.public}))
    dataset["title"] = "No debe quedar"
    dataset["resources"] = [{"url": "https://example.org/ok.csv"}, {"url": "mal"}]
    failed(api("package_update", dataset, token=world.tokens["editor"]), 409,
           "Validation Error")
    after = ok(api("package_show", {"id": world.public}))
    assert after["title"] == "Censo 2024"
    assert [r["id"] for r in after["resources"]] == [world.upload_id, world.link_id]


def test_groups_can_be_named_by_id(api, world):
    group = ok(api("group_show", {"id": "economia"}))
    created = ok(api("package_create", {"name": "por-id", "owner_org": "ine",
                                        "license_id": "CC-BY-4.0",
                                        "groups": [{"id": group["id"]}]},
                     token=world.tokens["editor"]))
    assert [g["name"] for g in created["groups"]] == ["economia"]
    error = failed(api("package_create", {"name": "tema-malo", "owner_org": "ine",
                                          "license_id": "CC-BY-4.0",
                                          "groups": [{"name": "inexistente"}]},
                       token=world.tokens["editor"]), 409, "Validation Error")
    assert "inexistente" in error["groups"][0]
