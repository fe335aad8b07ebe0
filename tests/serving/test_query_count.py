"""Every public page runs a bounded number of SQL statements whatever the catalog's size: the
same count with 5 datasets and with 50 (no query per dataset, resource, tag or theme)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests import factories

PAGES = ("/", "/dataset", "/dataset?q=censo", "/dataset/censo-0",
         "/dataset/censo-0/resource/{resource}", "/organization", "/organization/ine",
         "/group", "/group/economia", "/pige")
BOUND = 40


def _add(app, start: int, stop: int) -> str:
    with app.app_context():
        resource_id = ""
        for number in range(start, stop):
            dataset = factories.dataset(
                f"censo-{number}", title=f"Censo {number}", keywords=["censo", f"t{number}"],
                themes=["economia", "salud"], entity_name=("ine", "mefp")[number % 2])
            for position in range(2):
                created = factories.resource(dataset, name=f"Parte {position}",
                                             url=f"https://example.org/{number}/{position}.csv")
                resource_id = resource_id or created.id
        return resource_id


def _counts(app, resource_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    engine = app.extensions["db_engine"]
    client = app.test_client()
    app.extensions["caching_bodies"].size = 0  # render every time: count the real work
    for page in PAGES:
        path = page.format(resource=resource_id)
        assert client.get(path).status_code == 200, path  # warm-up (per-process look-ups)
        statements = []

        def count(*_args, _statements=statements):
            _statements.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200, path
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts[page] = len(statements)
    return counts


@pytest.fixture
def small_catalog(app):
    with app.app_context():
        factories.entity("ine")
        factories.entity("mefp")
        factories.theme("economia")
        factories.theme("salud", eu_theme="HEAL")
    return app


def test_public_pages_run_the_same_statements_for_5_and_50_datasets(small_catalog):
    app = small_catalog
    resource_id = _add(app, 0, 5)
    few = _counts(app, resource_id)
    _add(app, 5, 50)
    many = _counts(app, resource_id)
    assert many == few
    assert max(many.values()) <= BOUND, many
