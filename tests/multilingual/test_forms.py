"""The dataset form's "Traducciones" section: an editor enters, changes and removes translations."""

from __future__ import annotations

import pytest

from portal.catalog import services
from tests.pages.conftest import login  # noqa: F401
from tests.pages.html_check import assert_valid_page
from tests.pages.test_dataset_forms import NEW_DATASET


@pytest.fixture
def editor(app, login):  # noqa: F811
    from tests import factories

    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.theme("economia")
        factories.theme("salud")
    return login("editora")


def _dataset(app, name="matricula-escolar-2024"):
    with app.app_context():
        dataset = services.get_dataset(name)
        return dataset.title_translated, dataset.description_translated, \
            dataset.keywords_translated


def test_new_dataset_with_translations(app, editor):
    page = editor.get("/dataset/new")
    assert "Traducciones" in page.get_data(as_text=True)
    assert_valid_page(page.get_data(as_text=True))
    response = editor.post("/dataset/new", data={
        **NEW_DATASET, "title_translated.en": "School enrolment 2024",
        "description_translated.en": "Students enrolled by department.",
        "keywords_translated.en": "Education, enrolment", "title_translated.gn": " ",
        "title_translated.qu": "Yachay wasi 2024"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _dataset(app) == ({"en": "School enrolment 2024", "qu": "Yachay wasi 2024"},
                             {"en": "Students enrolled by department."},
                             {"en": ["education", "enrolment"]})


def test_edit_form_shows_changes_and_removes_translations(app, editor):
    editor.post("/dataset/new", data={**NEW_DATASET, "title_translated.en": "Enrolment",
                                      "keywords_translated.en": "education"})
    page = editor.get("/dataset/edit/matricula-escolar-2024").get_data(as_text=True)
    assert 'name="title_translated.en" value="Enrolment"' in page
    assert 'name="keywords_translated.en" value="education"' in page
    response = editor.post("/dataset/edit/matricula-escolar-2024", data={
        **NEW_DATASET, "title_translated.en": "School enrolment", "keywords_translated.en": ""})
    assert response.status_code == 302
    assert _dataset(app) == ({"en": "School enrolment"}, {}, {})


def test_too_long_translation_is_a_form_error_and_nothing_changes(app, editor):
    editor.post("/dataset/new", data={**NEW_DATASET, "title_translated.en": "Enrolment"})
    response = editor.post("/dataset/edit/matricula-escolar-2024", data={
        **NEW_DATASET, "title": "Otro título", "title_translated.en": "x" * 501})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="field-title_translated"' in page and "<details" in page and " open" in page
    assert 'value="' + "x" * 501 + '"' in page  # what the editor typed is kept
    with app.app_context():
        dataset = services.get_dataset("matricula-escolar-2024")
        assert dataset.title == "Matrícula escolar 2024"
        assert dataset.title_translated == {"en": "Enrolment"}


def test_resource_form_translations(app, editor):
    editor.post("/dataset/new", data=NEW_DATASET)
    response = editor.post("/dataset/matricula-escolar-2024/resource/new", data={
        "url": "https://example.org/matricula.csv", "name": "Tabla",
        "name_translated.en": "Table", "description_translated.ay": "Jakhüwinaka"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        resource = services.get_dataset("matricula-escolar-2024").resources[0]
        assert resource.name_translated == {"en": "Table"}
        assert resource.description_translated == {"ay": "Jakhüwinaka"}
        resource_id = resource.id
    url = f"/dataset/matricula-escolar-2024/resource/{resource_id}/edit"
    page = editor.get(url).get_data(as_text=True)
    assert 'name="name_translated.en" value="Table"' in page
    assert_valid_page(page)


def test_entity_form_translations(app, login):  # noqa: F811
    from tests import factories

    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística",
                         title_translated={"en": "National Statistics Institute"})
    root = login("root")
    page = root.get("/organization/edit/ine").get_data(as_text=True)
    assert 'name="title_translated.en" value="National Statistics Institute"' in page
    assert_valid_page(page)
    response = root.post("/organization/edit/ine", data={
        "name": "ine", "title": "Instituto Nacional de Estadística", "kind": "agencia",
        "level": "central", "title_translated.en": "National Institute of Statistics",
        "description_translated.qu": "Yupay kamay"})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        entity = services.get_entity("ine")
        assert entity.title_translated == {"en": "National Institute of Statistics"}
        assert entity.description_translated == {"qu": "Yupay kamay"}
