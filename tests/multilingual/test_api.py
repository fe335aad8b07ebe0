"""ckanext-fluent's ``*_translated`` fields through a stock CKAN client (ckanapi over HTTP)."""

from __future__ import annotations

import ckanapi
import pytest


def test_package_show_gives_each_field_by_language(server, world, bilingual):
    with ckanapi.RemoteCKAN(server) as portal:
        dataset = portal.action.package_show(id=bilingual)
        organization = portal.action.organization_show(id="mefp")
        group = portal.action.group_show(id="economia")
    assert dataset["title"] == "Ejecución presupuestaria 2024"
    assert dataset["title_translated"] == {"es": "Ejecución presupuestaria 2024",
                                           "en": "Budget execution 2024",
                                           "qu": "Qullqi rakiy 2024"}
    assert dataset["notes_translated"]["en"] == "Accrued spending by entity and budget line."
    assert dataset["tags_translated"] == {"es": ["gasto", "presupuesto"],
                                          "en": ["budget", "spending"]}
    assert dataset["resources"][0]["name_translated"] == {"es": "Datos", "en": "Data"}
    assert dataset["resources"][0]["description_translated"]["en"] == "Monthly table."
    assert dataset["organization"]["title_translated"]["en"] == \
        "Ministry of Economy and Public Finance"
    assert organization["title_translated"]["en"] == "Ministry of Economy and Public Finance"
    assert group["title_translated"] == {"es": "Economía", "en": "Economy"}
    assert group["description_translated"] == {"es": "Finanzas públicas.",
                                               "en": "Public finance."}


def test_create_update_and_patch_translations(server, world):
    with ckanapi.RemoteCKAN(server, apikey=world.tokens["editor"]) as portal:
        created = portal.action.package_create(
            name="matricula-2024", owner_org="ine", license_id="CC-BY-4.0",
            title_translated={"es": "Matrícula escolar 2024", "en": "School enrolment 2024"},
            notes_translated={"es": "Estudiantes inscritos.", "en": "Enrolled students."},
            tags_translated={"es": ["educación"], "en": ["Education", "education"]},
            resources=[{"url": "https://example.org/m.csv", "name": "Tabla",
                        "name_translated": {"ay": "Tabla aymara"}}])
        # Spanish in *_translated is the main field (fluent's default-language override).
        assert created["title"] == "Matrícula escolar 2024"
        assert created["notes"] == "Estudiantes inscritos."
        assert [tag["name"] for tag in created["tags"]] == ["educación"]
        assert created["tags_translated"]["en"] == ["education"]
        assert created["resources"][0]["name_translated"] == {"es": "Tabla",
                                                              "ay": "Tabla aymara"}

        # A client that knows nothing of translations keeps them.
        shown = portal.action.package_show(id="matricula-2024")
        for key in ("title_translated", "notes_translated", "tags_translated"):
            shown.pop(key)
        shown["title"] = "Matrícula 2024"
        updated = portal.action.package_update(**shown)
        assert updated["title_translated"] == {"es": "Matrícula 2024",
                                               "en": "School enrolment 2024"}

        patched = portal.action.package_patch(id="matricula-2024",
                                              title_translated={"en": "Enrolment 2024"})
        assert patched["title_translated"] == {"es": "Matrícula 2024", "en": "Enrolment 2024"}
        assert patched["notes_translated"]["en"] == "Enrolled students."

        resource = portal.action.resource_patch(
            id=created["resources"][0]["id"],
            description_translated={"en": "The table", "gn": "Tabla guaraní"})
        assert resource["description_translated"] == {"en": "The table", "gn": "Tabla guaraní"}

    with ckanapi.RemoteCKAN(server, apikey=world.tokens["sysadmin"]) as portal:
        org = portal.action.organization_patch(
            id="ine", title_translated={"en": "National Statistics Institute"})
        assert org["title_translated"]["en"] == "National Statistics Institute"
        group = portal.action.group_create(name="salud", title_translated={
            "es": "Salud", "en": "Health", "ay": "Qhali kankaña"})
        assert group["title"] == "Salud"
        assert group["title_translated"] == {"es": "Salud", "en": "Health",
                                             "ay": "Qhali kankaña"}


@pytest.mark.parametrize(("value", "message"), [
    ({"fr": "Budget"}, "fr"),
    ({"en": 3}, "texto"),
    ("Budget", "objeto"),
])
def test_bad_translations_are_refused_by_name(server, world, value, message):
    with ckanapi.RemoteCKAN(server, apikey=world.tokens["editor"]) as portal:
        with pytest.raises(ckanapi.ValidationError) as excinfo:
            portal.action.package_patch(id=world.public, notes_translated=value)
        errors = excinfo.value.error_dict
        assert set(errors) == {"__type", "message", "notes_translated"}, errors
        assert message in " ".join(errors["notes_translated"])
        assert portal.action.package_show(id=world.public)["notes_translated"] == {
            "es": "Resultados del censo."}


def test_a_too_long_translation_names_its_language(server, world):
    with ckanapi.RemoteCKAN(server, apikey=world.tokens["editor"]) as portal, \
            pytest.raises(ckanapi.ValidationError) as excinfo:
        portal.action.package_patch(id=world.public, title_translated={"en": "x" * 501})
    assert excinfo.value.error_dict["title_translated"] == [
        "en: Debe tener como máximo 500 caracteres."], excinfo.value.error_dict
