"""From the catalog's SQLAlchemy objects to search documents (plain dictionaries).

A document holds what search needs and nothing else; its keys are CKAN's search field names (see
``portal.search.backend``). Only active datasets are indexed; private ones are indexed with their
flag and entity, and the engine shows them only to those allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.catalog.models import Dataset, Entity, Resource, Tag, Theme, dataset_tag, dataset_theme
from portal.series.services import series_names

#: Datasets read at a time by a rebuild.
BATCH_SIZE = 2000
#: Ids in one ``IN (...)`` list.
IDS_PER_QUERY = 500


def normalise_format(value: str) -> str:
    """"csv", ".CSV " -> "CSV": formats are compared and faceted in one spelling."""
    return value.strip().lstrip(".").upper()


@dataclass
class _Parts:
    """What a search document is made of, read either from ORM objects (one dataset after a
    write) or from plain rows (rebuilds and reconciles, thousands at a time)."""

    dataset: Any  # has the ``Dataset`` columns the document reads, by attribute
    entity: Any  # (name, title, kind, title_translated), or None
    resources: list[tuple[str, str, dict]] = field(default_factory=list)  # name, format, names
    tags: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


def _translations(parts: _Parts) -> dict[str, Any]:
    """The translated texts: the English title on its own (it ranks like a title), the other
    English texts, and the texts in Aymara, Quechua and Guaraní."""
    dataset = parts.dataset
    english: list[str] = []
    other: list[str] = []
    texts = [dataset.description_translated, *(names for _, _, names in parts.resources)]
    if parts.entity is not None:
        texts.append(parts.entity[3])
    for values in (dataset.title_translated, *texts):
        for lang, text in (values or {}).items():
            (english if lang == "en" else other).append(text)
    for lang, words in (dataset.keywords_translated or {}).items():
        (english if lang == "en" else other).extend(words)
    title_en = (dataset.title_translated or {}).get("en", "")
    if title_en:
        english.remove(title_en)
    return {"title_en": title_en, "text_en": english, "text_other": other}


def _document(parts: _Parts) -> dict[str, Any]:
    dataset, entity, resources = parts.dataset, parts.entity, parts.resources
    formats = {normalise_format(fmt) for _, fmt, _ in resources if fmt and fmt.strip()}
    return {
        **_translations(parts),
        "id": dataset.id,
        "name": dataset.name,
        "title": dataset.title or "",
        "notes": dataset.description or "",
        "tags": parts.tags,
        "groups": parts.themes,
        "organization": entity[0] if entity else "",
        "entity_title": entity[1] if entity else "",
        "entity_id": dataset.entity_id or "",
        "entity_kind": entity[2] if entity else "",
        "license_id": dataset.license_id or "",
        "res_format": sorted(formats),
        "res_name": [name for name, _, _ in resources if name],
        "series": series_names(dataset.id),
        "num_resources": len(resources),
        "private": bool(dataset.private),
        "metadata_created": dataset.metadata_created,
        "metadata_modified": dataset.metadata_modified,
    }


def dataset_document(dataset: Dataset) -> dict[str, Any]:
    entity = dataset.entity
    return _document(_Parts(
        dataset,
        (entity.name, entity.title, entity.kind, entity.title_translated) if entity else None,
        [(r.name, r.format, r.name_translated) for r in dataset.resources],
        [tag.name for tag in dataset.tags],
        [theme.name for theme in dataset.themes],
    ))


def is_indexed(dataset: Dataset | None) -> bool:
    """Whether a dataset belongs in the index at all (drafts and deleted ones do not)."""
    return dataset is not None and dataset.state == "active"


_DATASET_COLUMNS = (Dataset.id, Dataset.name, Dataset.title, Dataset.description,
                    Dataset.title_translated, Dataset.description_translated,
                    Dataset.keywords_translated, Dataset.entity_id, Dataset.license_id,
                    Dataset.private, Dataset.metadata_created, Dataset.metadata_modified)


def count_indexable(session: Session) -> int:
    return session.scalar(select(func.count()).where(Dataset.state == "active")) or 0


def _entities(session: Session, ids=None) -> dict[str, tuple]:
    """Entity id -> (name, title, kind, title_translated), of ``ids`` or of every entity."""
    query = select(Entity.id, Entity.name, Entity.title, Entity.kind, Entity.title_translated)
    if ids is not None:
        query = query.where(Entity.id.in_(ids))
    return {row[0]: tuple(row[1:]) for row in session.execute(query)}


def _documents_of_rows(session: Session, rows, where_linked, entities) -> list[dict[str, Any]]:
    """Documents of these dataset rows; ``where_linked(column)`` selects the rows of the
    resource, keyword and theme tables that may belong to them (a range or a list of ids)."""
    parts = {row.id: _Parts(row, entities.get(row.entity_id)) for row in rows}
    for dataset_id, name, fmt, names in session.execute(
            select(Resource.dataset_id, Resource.name, Resource.format, Resource.name_translated)
            .where(where_linked(Resource.dataset_id))
            .order_by(Resource.dataset_id, Resource.position)):
        if dataset_id in parts:
            parts[dataset_id].resources.append((name, fmt, names))
    for table, named, attribute in ((dataset_tag, Tag, "tags"), (dataset_theme, Theme, "themes")):
        link = table.c.dataset_id
        for dataset_id, name in session.execute(
                select(link, named.name).join(named, named.id == table.c[f"{attribute[:-1]}_id"])
                .where(where_linked(link)).order_by(named.name)):
            if dataset_id in parts:
                getattr(parts[dataset_id], attribute).append(name)
    return [_document(found) for found in parts.values()]


def iter_documents(session: Session) -> Iterator[dict[str, Any]]:
    """Documents of every indexable dataset, in id order, read in batches (a handful of
    queries per ``BATCH_SIZE`` datasets, plain rows instead of ORM objects) so memory stays
    flat on a large catalog."""
    entities = _entities(session)
    last_id = ""
    while True:
        # Along the primary key, the state read rather than filtered on: a condition on it leads
        # SQLite to scan and sort every active dataset for each batch.
        rows = session.execute(
            select(Dataset.state, *_DATASET_COLUMNS).where(Dataset.id > last_id)
            .order_by(Dataset.id).limit(BATCH_SIZE)).all()
        if not rows:
            return
        first, last_id = rows[0].id, rows[-1].id
        active = [row for row in rows if row.state == "active"]
        if active:
            yield from _documents_of_rows(
                session, active,
                lambda column, low=first, high=last_id: column.between(low, high), entities)


def documents_by_ids(session: Session, ids: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """(documents to index, ids to remove) for these dataset ids."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start:start + IDS_PER_QUERY]
        rows = [row for row in session.execute(select(Dataset.state, *_DATASET_COLUMNS).where(
            Dataset.id.in_(chunk))) if row.state == "active"]
        if rows:
            wanted = [row.id for row in rows]
            entities = _entities(session, {row.entity_id for row in rows})
            for doc in _documents_of_rows(session, rows, lambda column, w=wanted: column.in_(w),
                                          entities):
                found[doc["id"]] = doc
    keep = [found[i] for i in ids if i in found]
    drop = [i for i in ids if i not in found]
    return keep, drop


def dataset_ids_of_entity(session: Session, entity_id: str) -> list[str]:
    return list(session.scalars(select(Dataset.id).where(Dataset.entity_id == entity_id)))


def dataset_ids_of_theme(session: Session, theme_id: str) -> list[str]:
    return list(session.scalars(
        select(dataset_theme.c.dataset_id).where(dataset_theme.c.theme_id == theme_id)
    ))


def modified_in_database(session: Session) -> dict[str, Any]:
    """Every indexable dataset id with its ``metadata_modified`` (for ``search check``)."""
    rows = session.execute(
        select(Dataset.id, Dataset.metadata_modified).where(Dataset.state == "active")
    )
    return dict(rows.all())
