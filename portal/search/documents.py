"""From the catalog's SQLAlchemy objects to search documents (plain dictionaries).

A document holds what search needs and nothing else; its keys are CKAN's search field names (see
``portal.search.backend``). Only active datasets are indexed; private ones are indexed with their
flag and entity, and the engine shows them only to those allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.catalog.models import Dataset, dataset_theme
from portal.series.services import series_names

BATCH_SIZE = 500


def normalise_format(value: str) -> str:
    """"csv", ".CSV " -> "CSV": formats are compared and faceted in one spelling."""
    return value.strip().lstrip(".").upper()


def _translations(dataset: Dataset, resources: list) -> dict[str, Any]:
    """The translated texts: the English title on its own (it ranks like a title), the other
    English texts, and the texts in Aymara, Quechua and Guaraní."""
    english: list[str] = []
    other: list[str] = []
    texts = [dataset.description_translated, *(r.name_translated for r in resources)]
    if dataset.entity is not None:
        texts.append(dataset.entity.title_translated)
    for values in (dataset.title_translated, *texts):
        for lang, text in (values or {}).items():
            (english if lang == "en" else other).append(text)
    for lang, words in (dataset.keywords_translated or {}).items():
        (english if lang == "en" else other).extend(words)
    title_en = (dataset.title_translated or {}).get("en", "")
    if title_en:
        english.remove(title_en)
    return {"title_en": title_en, "text_en": english, "text_other": other}


def dataset_document(dataset: Dataset) -> dict[str, Any]:
    entity = dataset.entity
    resources = list(dataset.resources)
    formats = {normalise_format(r.format) for r in resources if r.format and r.format.strip()}
    return {
        **_translations(dataset, resources),
        "id": dataset.id,
        "name": dataset.name,
        "title": dataset.title or "",
        "notes": dataset.description or "",
        "tags": [tag.name for tag in dataset.tags],
        "groups": [theme.name for theme in dataset.themes],
        "organization": entity.name if entity else "",
        "entity_title": entity.title if entity else "",
        "entity_id": dataset.entity_id or "",
        "entity_kind": entity.kind if entity else "",
        "license_id": dataset.license_id or "",
        "res_format": sorted(formats),
        "res_name": [r.name for r in resources if r.name],
        "series": series_names(dataset.id),
        "num_resources": len(resources),
        "private": bool(dataset.private),
        "metadata_created": dataset.metadata_created,
        "metadata_modified": dataset.metadata_modified,
    }


def is_indexed(dataset: Dataset | None) -> bool:
    """Whether a dataset belongs in the index at all (drafts and deleted ones do not)."""
    return dataset is not None and dataset.state == "active"


def _load_options():
    return (
        selectinload(Dataset.tags),
        selectinload(Dataset.themes),
        selectinload(Dataset.resources),
    )


def indexable_query():
    return select(Dataset).where(Dataset.state == "active").order_by(Dataset.id)


def count_indexable(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(indexable_query().subquery())) or 0


def iter_documents(session: Session, query=None) -> Iterator[dict[str, Any]]:
    """Documents of every dataset ``query`` selects (default: all indexable), read in batches
    so memory stays flat on a large catalog."""
    query = indexable_query() if query is None else query
    last_id = ""
    while True:
        batch = list(session.scalars(
            query.where(Dataset.id > last_id).options(*_load_options()).limit(BATCH_SIZE)
        ))
        if not batch:
            return
        for dataset in batch:
            yield dataset_document(dataset)
        last_id = batch[-1].id
        session.expunge_all()


def documents_by_ids(session: Session, ids: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """(documents to index, ids to remove) for these dataset ids."""
    found = {
        d.id: d for d in session.scalars(
            select(Dataset).where(Dataset.id.in_(ids)).options(*_load_options())
        )
    }
    keep = [dataset_document(found[i]) for i in ids if is_indexed(found.get(i))]
    drop = [i for i in ids if not is_indexed(found.get(i))]
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
