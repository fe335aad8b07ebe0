"""Writers racing to create the same brand-new tag all succeed, and the tag is stored once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from portal import db
from portal.catalog.models import Tag
from tests.api.conftest import ok

WRITERS = 10


def test_concurrent_datasets_with_the_same_new_tag(app, api, world):
    start = threading.Barrier(WRITERS)

    def create(number: int):
        start.wait(timeout=30)
        return api("package_create", {
            "name": f"carrera-{number}", "title": f"Carrera {number}", "owner_org": "ine",
            "license_id": "CC-BY-4.0",
            "tags": [{"name": "etiqueta-nueva"}, {"name": f"propia-{number}"}],
        }, token=world.tokens["editor"])

    with ThreadPoolExecutor(WRITERS) as pool:
        responses = list(pool.map(create, range(WRITERS)))

    for response in responses:
        assert "etiqueta-nueva" in {tag["name"] for tag in ok(response)["tags"]}
    with app.app_context():
        names = list(db.session.scalars(select(Tag.name).where(Tag.name.like("etiqueta-%"))))
    assert names == ["etiqueta-nueva"]
    found = ok(api("package_search", {"fq": "tags:etiqueta-nueva", "rows": 50}))
    assert found["count"] == WRITERS
