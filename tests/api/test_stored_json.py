"""``package_search``'s dictionaries stored in the database (``portal.api.stored_json``): a page
reads them instead of building them, only at their dataset's current revision and for the
page's own variant (language, host, version); ``refresh()`` keeps them current."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, select

from portal import db, jobs
from portal.api import dataset_json, stored_json
from portal.api.stored_json import StoredDatasetJson
from portal.catalog.models import Dataset
from tests import factories


@pytest.fixture
def catalog(app, world):
    with app.app_context():
        for number in range(3):
            dataset = factories.dataset(f"guardado-{number}", themes=["economia"],
                                        keywords=["guardado"])
            factories.resource(dataset, format="CSV")
        factories.dataset("guardado-privado", private=True, keywords=["guardado"])
    return app


def _public(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Dataset.id).where(Dataset.private.is_(False))))


def _stored(app) -> dict[str, StoredDatasetJson]:
    with app.app_context():
        return {row.dataset_id: row for row in db.session.scalars(select(StoredDatasetJson))}


def _search(app, base_url=None, **params):
    response = app.test_client().get(
        "/api/3/action/package_search",
        query_string={"q": "guardado", "rows": 10, **params},
        base_url=base_url or app.config["PORTAL_SITE_URL"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()["result"]["results"]


def _fresh_process(app) -> None:
    """Forget what this process keeps (as another web process would)."""
    app.extensions.pop(dataset_json.EXTENSION, None)


def _building(monkeypatch) -> list[list[str]]:
    built: list[list[str]] = []
    real = dataset_json.build

    def spy(ids, *args, **kwargs):
        built.append(list(ids))
        return real(ids, *args, **kwargs)

    monkeypatch.setattr(dataset_json, "build", spy)
    return built


def test_refresh_stores_the_public_datasets_as_a_page_shows_them(catalog):
    public = _public(catalog)
    assert stored_json.refresh(catalog) == len(public) >= 4
    stored = _stored(catalog)
    assert set(stored) == public  # the private one is never stored
    live = {package["id"]: package for package in _search(catalog)}
    for dataset_id, row in stored.items():
        if dataset_id in live:
            assert json.loads(row.body) == live[dataset_id]
    assert stored_json.refresh(catalog) == 0  # nothing moved: nothing written


def test_a_page_reads_the_stored_dictionaries_instead_of_building_them(catalog, monkeypatch):
    expected = _search(catalog)
    stored_json.refresh(catalog)
    _fresh_process(catalog)
    built = _building(monkeypatch)
    assert _search(catalog) == expected
    assert built == []


def test_a_dataset_changed_since_it_was_stored_is_built_again(catalog, monkeypatch):
    stored_json.refresh(catalog)
    with catalog.app_context():
        dataset = db.session.scalar(select(Dataset).where(Dataset.name == "guardado-1"))
        dataset_id = dataset.id
        dataset.title = "Título nuevo"
        dataset.metadata_modified = db.utcnow()
        db.session.commit()
    _fresh_process(catalog)
    built = _building(monkeypatch)
    titles = {package["name"]: package["title"] for package in _search(catalog)}
    assert titles["guardado-1"] == "Título nuevo"
    assert built == [[dataset_id]]
    assert stored_json.refresh(catalog) == 1
    assert json.loads(_stored(catalog)[dataset_id].body)["title"] == "Título nuevo"


def test_another_host_or_language_never_gets_the_stored_text(catalog, monkeypatch):
    stored_json.refresh(catalog)
    _fresh_process(catalog)
    built = _building(monkeypatch)
    elsewhere = _search(catalog, base_url="http://otro.example.org")
    assert len(built) == 1 and len(built[0]) == len(elsewhere) >= 3
    _fresh_process(catalog)
    _search(catalog, lang="en")
    assert len(built) == 2


def test_what_other_code_stored_is_not_served_after_a_deploy(catalog, monkeypatch):
    """The distribution's version stays the same from one deploy to the next: the code's
    fingerprint is what tells the stored texts of other code (a field added since, say) apart."""
    from portal import config

    assert catalog.extensions["caching_version"] == \
        f"{config.portal_version()}+{config.code_fingerprint()}"
    stored_json.refresh(catalog)
    monkeypatch.setitem(catalog.extensions, "caching_version",
                        f"{config.portal_version()}+another-build")
    _fresh_process(catalog)
    built = _building(monkeypatch)
    assert len({package["id"] for package in _search(catalog)}) >= 3
    assert len(built) == 1 and len(built[0]) >= 3  # built live, none read from the store
    assert stored_json.refresh(catalog) == len(_public(catalog))  # stored again for this code


def test_a_dataset_no_longer_public_loses_its_row(catalog):
    stored_json.refresh(catalog)
    with catalog.app_context():
        dataset = db.session.scalar(select(Dataset).where(Dataset.name == "guardado-2"))
        dataset_id = dataset.id
        dataset.private = True
        db.session.commit()
    assert dataset_id in _stored(catalog)
    stored_json.refresh(catalog)
    assert dataset_id not in _stored(catalog)
    assert "guardado-2" not in {package["name"] for package in _search(catalog)}


def test_the_job_and_the_command_refresh_the_store(catalog):
    job = jobs.registry.JOBS["api.store_dictionaries"]
    assert job.every == stored_json.EVERY
    with catalog.app_context():
        assert job.function() == len(_public(catalog))
    result = catalog.test_cli_runner().invoke(args=["search", "dictionaries"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Stored 0 dictionaries")


def test_turned_off_the_job_deletes_what_was_stored(catalog):
    stored_json.refresh(catalog)
    assert _stored(catalog)
    catalog.config["PORTAL_STORE_DICTIONARIES"] = False
    with catalog.app_context():
        assert jobs.registry.JOBS["api.store_dictionaries"].function() == 0
    assert _stored(catalog) == {}


def test_the_command_shares_the_work_out_between_processes(catalog):
    """``--procs 2``: two forked processes store every public dataset once between them, the
    same rows as one process, and the deletion of rows no longer public still happens."""
    with catalog.app_context(), db.unit_of_work() as session:
        session.add(StoredDatasetJson(dataset_id="purgado", variant="x", revision="x", body="{}"))
    result = catalog.test_cli_runner().invoke(args=["search", "dictionaries", "--procs", "2"])
    assert result.exit_code == 0, result.output
    public = _public(catalog)
    assert result.output.startswith(f"Stored {len(public)} dictionaries")
    shared = {dataset_id: row.body for dataset_id, row in _stored(catalog).items()}
    assert set(shared) == public
    with catalog.app_context(), db.unit_of_work() as session:
        session.execute(delete(StoredDatasetJson))
    assert stored_json.refresh(catalog) == len(public)
    assert {dataset_id: row.body for dataset_id, row in _stored(catalog).items()} == shared
    assert stored_json.refresh_in_processes(catalog, 2) == 0  # nothing moved
