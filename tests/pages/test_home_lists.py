"""The home page's two lists: "publicados" (newest by creation) and "actualizados" (changed well
after their creation), never the same datasets."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from portal import db
from portal.catalog import services
from portal.catalog.models import Dataset
from portal.db import utcnow
from tests import factories


def _section(body: str, heading_id: str) -> list[str]:
    start = body.index(f'id="{heading_id}"')
    section = body[start:body.index("</section>", start)]
    return re.findall(r'class="dataset-item-title">\s*<a href="/dataset/([^"]+)"', section)


def test_published_and_updated_are_different_lists(app, client):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        for number in range(8):
            factories.dataset(f"conjunto-{number}", title=f"Conjunto {number}")
        # conjunto-0..2 were created last year; conjunto-1 and 2 changed today
        db.session.execute(update(Dataset).where(Dataset.name.in_(
            ["conjunto-0", "conjunto-1", "conjunto-2"])).values(
            metadata_created=utcnow() - timedelta(days=400),
            metadata_modified=utcnow() - timedelta(days=400)))
        db.session.commit()
        for name in ("conjunto-1", "conjunto-2"):
            services.update_dataset(services.get_dataset(name), {"version": "2"},
                                    factories.SYSTEM, partial=True)
        factories.resource(services.get_dataset("conjunto-7"))  # its first resource: still new

    body = client.get("/").get_data(as_text=True)
    published = _section(body, "home-newest")
    updated = _section(body, "home-updated")
    assert published == ["conjunto-7", "conjunto-6", "conjunto-5", "conjunto-4", "conjunto-3"]
    assert updated == ["conjunto-2", "conjunto-1"]
    assert not set(published) & set(updated)


def test_no_updated_dataset_says_so(app, client):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.dataset("nuevo", title="Nuevo")
    body = client.get("/").get_data(as_text=True)
    assert _section(body, "home-updated") == []
    assert "Ningún conjunto de datos ha cambiado desde su publicación." in body
