"""``portal search rebuild`` builds the new index aside and swaps it in: while it runs, searches
answer from the whole old index (never an empty or half-built one), and after it from the new."""

from __future__ import annotations

import threading

import pytest

from portal.search import close_backend, documents, get_backend, init_app
from portal.search.backend import SearchQuery
from tests import factories


@pytest.fixture
def search_app(app):
    if "search" not in app.extensions:
        init_app(app)
    with app.app_context():
        yield app
    close_backend(app)


@pytest.fixture
def two_datasets(search_app):
    """``hospitales`` and ``censo`` in the database; the index has lost ``censo``."""
    factories.entity("ine", title="Instituto Nacional de Estadística", kind="agencia")
    kept = factories.dataset("hospitales", title="Establecimientos de salud",
                             keywords=["salud"])
    lost = factories.dataset("censo", title="Censo de población y vivienda",
                             keywords=["población"])
    get_backend().delete([lost.id])
    return kept, lost


def api_names(client, q: str) -> list[str]:
    response = client.get("/api/3/action/package_search", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [d["name"] for d in response.get_json()["result"]["results"]]


@pytest.mark.parametrize("procs", ["1", "2"])
def test_searches_answer_from_the_old_index_during_a_rebuild_then_from_the_new(
        search_app, two_datasets, monkeypatch, procs):
    client = search_app.test_client()
    seen_during = []
    original = documents.iter_documents

    def slow_documents(session):
        for number, doc in enumerate(original(session)):
            if number == 1:  # the new index is being written: ask over HTTP meanwhile
                seen_during.append((api_names(client, "salud"), api_names(client, "censo"),
                                    get_backend().count()))
            yield doc

    monkeypatch.setattr(documents, "iter_documents", slow_documents)
    result = search_app.test_cli_runner().invoke(args=["search", "rebuild", "--procs", procs])
    assert result.exit_code == 0, result.output
    assert "Indexed 2 datasets" in result.output
    # During: the old index, whole (it never held censo, it still holds hospitales).
    assert seen_during == [(["hospitales"], [], 1)]
    # After: the new one.
    assert api_names(client, "censo") == ["censo"]
    assert api_names(client, "salud") == ["hospitales"]
    assert not list(get_backend().path.parent.glob("*.new")), "the build folder is left behind"


def test_changes_made_while_the_rebuild_reads_are_in_the_new_index(search_app, two_datasets,
                                                                    monkeypatch):
    """The new index was read before these changes; the rebuild catches up once it is live."""
    from portal.auth.permissions import SYSTEM
    from portal.catalog import services as catalog

    original = documents.iter_documents

    def changing_documents(session):
        for number, doc in enumerate(original(session)):
            if number == 1:  # both datasets were read: change one, purge the other
                catalog.update_dataset(catalog.get_dataset("hospitales"),
                                       {"title": "Hospitales y postas de salud"}, SYSTEM,
                                       partial=True)
                catalog.purge_dataset(catalog.get_dataset("censo"), SYSTEM)
            yield doc

    monkeypatch.setattr(documents, "iter_documents", changing_documents)
    result = search_app.test_cli_runner().invoke(args=["search", "rebuild", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "changed during the rebuild, indexed again" in result.output
    client = search_app.test_client()
    assert api_names(client, "postas") == ["hospitales"]
    assert api_names(client, "censo") == []
    assert get_backend().count() == 1


def test_a_failed_rebuild_leaves_the_live_index_as_it_was(search_app, two_datasets,
                                                          monkeypatch):
    def broken_documents(session):
        yield from documents.iter_documents.__wrapped__(session) if False else ()
        raise RuntimeError("the database went away")

    monkeypatch.setattr(documents, "iter_documents", broken_documents)
    result = search_app.test_cli_runner().invoke(args=["search", "rebuild", "--procs", "1"])
    assert result.exit_code != 0
    assert api_names(search_app.test_client(), "salud") == ["hospitales"]
    assert get_backend().count() == 1
    assert not list(get_backend().path.parent.glob("*.new"))


def test_searches_running_while_the_index_is_swapped_do_not_fail(search_app, two_datasets):
    backend = get_backend()
    errors: list[BaseException] = []
    answers: list[int] = []
    stop = threading.Event()

    def search_until_stopped():
        while not stop.is_set():
            try:
                answers.append(backend.search(SearchQuery(q="salud OR censo",
                                                          facet_fields=("tags",))).count)
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=search_until_stopped) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        with search_app.app_context():
            from sqlalchemy.orm import Session

            from portal import db

            for _ in range(5):
                with Session(db.engine()) as session:
                    backend.rebuild(list(documents.iter_documents(session)), procs=1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors[:3]
    assert answers and set(answers) <= {1, 2}
    assert backend.search(SearchQuery(q="salud OR censo")).count == 2
