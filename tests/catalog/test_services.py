"""The catalog's rules, through its services on a real database."""

import pytest
from sqlalchemy import func, select

from portal import db
from portal.activity.models import Activity
from portal.catalog import services
from portal.catalog.models import Dataset, Resource
from portal.errors import NotAuthorized, NotFound, ValidationError
from tests import factories

pytestmark = pytest.mark.usefixtures("ctx")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_dataset_is_created_with_keywords_themes_and_activity():
    factories.entity("ine")
    factories.theme("economia")
    dataset = factories.dataset(
        "censo-2024", keywords=["Censo", "población", "censo"], themes=["economia"],
        spatial=["BO", "BO-L"], frequency="ANNUAL", temporal_start="2024-01-01",
        temporal_end="2024-12-31",
    )
    assert dataset.keywords == ["censo", "población"]
    assert [t.name for t in dataset.themes] == ["economia"]
    assert dataset.entity.name == "ine"
    activity = db.session.scalars(select(Activity).where(Activity.object_id == dataset.id)).one()
    assert activity.activity_type == "new package"
    assert activity.data["snapshot"]["keywords"] == ["censo", "población"]


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"name": "Con Espacios"}, "name"),
        ({"title": ""}, "title"),
        ({"license_id": "no-existe"}, "license_id"),
        ({"license_id": "CC-BY-NC-4.0"}, "license_id"),
        ({"license_id": ""}, "license_id"),
        ({"entity": "fantasma"}, "entity"),
        ({"contact_email": "no-es-correo"}, "contact_email"),
        ({"frequency": "SOMETIMES"}, "frequency"),
        ({"spatial": ["XX"]}, "spatial"),
        ({"temporal_start": "2024-05-01", "temporal_end": "2024-01-01"}, "temporal_end"),
        ({"themes": ["inexistente"]}, "themes"),
        ({"landing_page": "ftp://x"}, "landing_page"),
    ],
)
def test_bad_dataset_input_names_the_field_and_writes_nothing(fields, bad_field):
    factories.entity("ine")
    activities = count(Activity)
    with pytest.raises(ValidationError) as excinfo:
        factories.dataset(**{"name": "bad", **fields})
    assert bad_field in excinfo.value.fields
    assert count(Dataset) == 0
    assert count(Activity) == activities


def test_closed_licence_is_allowed_only_while_private():
    factories.entity("ine")
    dataset = factories.dataset("interno", license_id="other-closed", private=True)
    with pytest.raises(ValidationError) as excinfo:
        services.update_dataset(dataset, {"private": False}, factories.SYSTEM, partial=True)
    assert "license_id" in excinfo.value.fields
    db.session.expire_all()
    assert services.get_dataset("interno").private is True


def test_duplicate_name_is_refused():
    factories.entity("ine")
    factories.dataset("censo")
    with pytest.raises(ValidationError) as excinfo:
        factories.dataset("censo")
    assert "name" in excinfo.value.fields


def test_update_records_what_changed():
    factories.entity("ine")
    dataset = factories.dataset("censo", title="Censo")
    services.update_dataset(dataset, {"title": "Censo 2024", "keywords": ["censo"]},
                            factories.SYSTEM, partial=True)
    activity = db.session.scalars(
        select(Activity).where(Activity.activity_type == "changed package")).one()
    assert activity.data["changes"]["title"] == ["Censo", "Censo 2024"]
    assert activity.data["changes"]["keywords"] == [[], ["censo"]]


def test_delete_is_soft_and_recorded():
    factories.entity("ine")
    dataset = factories.dataset("censo")
    services.delete_dataset(dataset, factories.SYSTEM)
    assert services.get_dataset("censo").state == "deleted"
    assert services.count_public_datasets() == 0
    assert db.session.scalar(select(func.count()).select_from(Activity).where(
        Activity.activity_type == "deleted package")) == 1


def test_upload_is_stored_with_checksum_and_media_type(app):
    factories.entity("ine")
    dataset = factories.dataset("censo")
    content = b"departamento,poblacion\nLa Paz,3000000\n"
    resource = factories.resource(dataset, content=content, filename="../Población 2024.CSV")
    assert resource.url_type == "upload"
    assert resource.url == "poblacion-2024.csv"
    assert resource.size == len(content)
    assert resource.sha256 == __import__("hashlib").sha256(content).hexdigest()
    assert resource.media_type == "text/csv"
    assert resource.format == "CSV"
    from portal.storage import storage

    with storage().open(resource.storage_key) as fh:
        assert fh.read() == content


def test_upload_over_the_limit_leaves_no_file_and_no_row(app, tmp_path):
    factories.entity("ine")
    dataset = factories.dataset("censo")
    with pytest.raises(ValidationError) as excinfo:
        factories.resource(dataset, content=b"x" * (2 * 1024 * 1024 + 1))
    assert "upload" in excinfo.value.fields
    assert count(Resource) == 0
    storage_root = tmp_path / "instance" / "storage"
    assert not any(p.is_file() for p in storage_root.rglob("*"))


def test_forbidden_extension_is_refused(app):
    factories.entity("ine")
    dataset = factories.dataset("censo")
    with pytest.raises(ValidationError) as excinfo:
        factories.resource(dataset, content=b"MZ...", filename="virus.exe")
    assert "upload" in excinfo.value.fields


def test_upload_whose_record_fails_leaves_no_orphan_file(app, tmp_path):
    factories.entity("ine")
    dataset = factories.dataset("censo")
    with pytest.raises(ValidationError):
        factories.resource(dataset, content=b"a,b\n1,2\n", license_id="no-existe")
    storage_root = tmp_path / "instance" / "storage"
    assert not any(p.is_file() for p in storage_root.rglob("*"))


def test_editor_of_another_entity_cannot_publish_there():
    factories.entity("ine")
    factories.entity("agetic")
    editor = factories.user("eva", member_of="agetic", role="editor")
    with pytest.raises(NotAuthorized):
        factories.dataset("censo", entity_name="ine", actor=editor)
    dataset = factories.dataset("tramites", entity_name="agetic", actor=editor)
    assert dataset.creator_user_id == editor.id


def test_member_reads_private_datasets_but_cannot_edit_them():
    factories.entity("ine")
    member = factories.user("mia", member_of="ine", role="member")
    outsider = factories.user("otto")
    factories.dataset("interno", private=True)
    assert services.read_dataset("interno", member).name == "interno"
    with pytest.raises(NotAuthorized):
        services.read_dataset("interno", outsider)
    with pytest.raises(NotAuthorized):
        services.update_dataset(services.get_dataset("interno"), {"title": "x"}, member,
                                partial=True)


def test_missing_dataset_is_not_found():
    with pytest.raises(NotFound):
        services.get_dataset("no-existe")


def test_a_dataset_written_in_one_unit_of_work_is_announced_once():
    from portal import signals
    from portal.db import unit_of_work

    factories.entity("ine")
    sent = []

    def listener(dataset_id):
        sent.append(dataset_id)

    signals.dataset_changed.connect(listener)
    try:
        with unit_of_work():
            dataset = factories.dataset("censo")
            factories.resource(dataset)
            factories.resource(dataset, url="https://example.org/otro.csv")
            assert sent == []  # nothing before the commit
    finally:
        signals.dataset_changed.disconnect(listener)
    assert sent == [dataset.id]


def test_nothing_is_announced_for_a_rolled_back_write():
    from portal import signals

    factories.entity("ine")
    sent = []

    def listener(dataset_id):
        sent.append(dataset_id)

    signals.dataset_changed.connect(listener)
    try:
        factories.dataset("valido")
        with pytest.raises(ValidationError):
            factories.dataset("valido")  # refused inside the transaction (duplicate name)
    finally:
        signals.dataset_changed.disconnect(listener)
    assert len(sent) == 1
