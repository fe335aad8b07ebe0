"""What people read for a facet value: an entity's or a theme's title, a licence's title, an entity
kind's label; keywords and formats are their own labels. Shared by the search page and
``package_search`` (CKAN's ``display_name``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from portal import db
from portal.catalog.codelists import label
from portal.catalog.licenses import get_license
from portal.catalog.models import Dataset, Entity, Theme


def facet_labels(field: str, values: Iterable[str]) -> dict[str, str]:
    """Value -> label for the values of one facet field (one query at most)."""
    values = list(values)
    if not values:
        return {}
    if field in ("organization", "groups", "series"):
        model = {"organization": Entity, "groups": Theme, "series": Dataset}[field]
        titles = dict(db.session.execute(
            select(model.name, model.title).where(model.name.in_(values))).all())
        return {value: titles.get(value) or value for value in values}
    if field == "license_id":
        return {value: (licence.title if (licence := get_license(value)) else value)
                for value in values}
    if field == "entity_kind":
        return {value: label("entity-kinds", value) for value in values}
    return {value: value for value in values}
