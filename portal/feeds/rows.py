"""Public datasets as plain rows: the feeds' hot path.

Loading thousands of datasets through the ORM (identity map, instrumented attributes, one object
per tag) costs more than writing them out. Here a batch is read with SQLAlchemy core in four
set-based queries: the datasets joined with their entity, then the keywords, themes and resources
of the batch's ids. The rows carry the attribute names of the ORM models (``dataset.entity.name``,
``dataset.keywords``, ``resource.is_upload``...), so the DCAT, JSON and CSV writers take either.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from portal.catalog.models import Dataset, Entity, Resource, Tag, Theme, dataset_tag, dataset_theme

BATCH = 1000

_ENTITY = ("id", "name", "title", "kind", "level", "website", "email", "title_translated")
_THEME = ("id", "name", "title", "description", "eu_theme", "title_translated",
          "description_translated")
_RESOURCE = ("id", "name", "description", "url", "url_type", "format", "media_type", "size",
             "sha256", "license_id", "schema", "created", "modified", "hash", "last_modified",
             "name_translated", "description_translated", "rights")
_DATASET = ("id", "name", "title", "description", "license_id", "contact_name", "contact_email",
            "access_rights", "temporal_start", "temporal_end", "spatial", "frequency", "language",
            "landing_page", "version", "identifier", "issued", "modified", "extras",
            "metadata_created", "metadata_modified", "title_translated",
            "description_translated", "keywords_translated")


@dataclass(slots=True, frozen=True)
class EntityRow:
    id: str
    name: str
    title: str
    kind: str
    level: str
    website: str
    email: str
    title_translated: dict[str, str]


@dataclass(slots=True, frozen=True)
class ThemeRow:
    id: str
    name: str
    title: str
    description: str
    eu_theme: str
    title_translated: dict[str, str]
    description_translated: dict[str, str]


@dataclass(slots=True)
class ResourceRow:
    id: str
    name: str
    description: str
    url: str
    url_type: str
    format: str
    media_type: str
    size: int | None
    sha256: str
    license_id: str
    schema: Any
    created: datetime | None
    modified: datetime | None
    hash: str
    last_modified: datetime | None
    name_translated: dict[str, str]
    description_translated: dict[str, str]
    rights: str

    @property
    def is_upload(self) -> bool:
        return self.url_type == "upload"


@dataclass(slots=True)
class DatasetRow:
    id: str
    name: str
    title: str
    description: str
    license_id: str
    contact_name: str
    contact_email: str
    access_rights: str
    temporal_start: date | None
    temporal_end: date | None
    spatial: list[str]
    frequency: str
    language: list[str]
    landing_page: str
    version: str
    identifier: str
    issued: date | None
    modified: date | None
    extras: dict[str, Any]
    metadata_created: datetime
    metadata_modified: datetime
    title_translated: dict[str, str]
    description_translated: dict[str, str]
    keywords_translated: dict[str, list[str]]
    entity: EntityRow
    keywords: list[str] = field(default_factory=list)
    themes: list[ThemeRow] = field(default_factory=list)
    resources: list[ResourceRow] = field(default_factory=list)

    # Only public datasets are loaded.
    state = "active"
    private = False
    is_public = True


_D, _E, _R = Dataset.__table__.c, Entity.__table__.c, Resource.__table__.c
_T, _TAG = Theme.__table__.c, Tag.__table__.c
_JSON_COLUMNS = {"spatial", "language", "extras", "schema", "title_translated",
                 "description_translated", "keywords_translated", "name_translated"}
_DECODED: dict[str, Any] = {}  # shared between rows, which are only read


def _column(table, name: str):
    """JSON columns are read as text and decoded by ``_json`` (most values repeat: ``[]``,
    ``{}``, ``["es"]``...). The cast happens in SQL, so a driver that decodes JSON itself
    (psycopg) hands over the text too: a JSON string such as a schema's URL stays unambiguous."""
    column = table[name]
    return cast(column, Text).label(name) if name in _JSON_COLUMNS else column


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    found = _DECODED.get(value, _DECODED)
    if found is _DECODED:
        found = json.loads(value)
        if len(value) < 200 and len(_DECODED) < 10_000:
            _DECODED[value] = found
    return found


# Visibility is checked on each row, not in SQL: with it, SQLite's planner takes the (state,
# private) index, which nearly every row matches, over the primary key, and reads the whole
# table for each batch.
_DATASETS = (select(*[_column(_D, name) for name in _DATASET], _D.state, _D.private,
                    *[_E[name] for name in _ENTITY])
             .join_from(Dataset.__table__, Entity.__table__, _D.entity_id == _E.id))
_KEYWORDS = (select(dataset_tag.c.dataset_id, _TAG.name)
             .join_from(dataset_tag, Tag.__table__, dataset_tag.c.tag_id == _TAG.id)
             .order_by(_TAG.name))
_THEMES = (select(dataset_theme.c.dataset_id, *[_T[name] for name in _THEME])
           .join_from(dataset_theme, Theme.__table__, dataset_theme.c.theme_id == _T.id)
           .order_by(_T.name))
_RESOURCES = (select(_R.dataset_id, *[_column(_R, name) for name in _RESOURCE])
              .order_by(_R.position))
_SPATIAL, _LANGUAGE, _EXTRAS = (_DATASET.index(name) for name in ("spatial", "language", "extras"))
_SCHEMA = _RESOURCE.index("schema") + 1


class RowLoader:
    """Loads public datasets as rows; entities and themes are shared between rows and batches."""

    def __init__(self, session: Session):
        self.session = session
        self.entities: dict[str, EntityRow] = {}
        self.themes: dict[str, ThemeRow] = {}

    def load(self, ids: list[str]) -> list[DatasetRow]:
        """The public datasets among ``ids``, in that order (others are left out)."""
        if not ids:
            return []
        found = {}
        for start in range(0, len(ids), BATCH):
            found.update(self._datasets(_DATASETS.where(_D.id.in_(ids[start:start + BATCH])))[0])
        return [found[i] for i in ids if i in found]

    def batches(self, size: int = BATCH) -> Iterator[list[DatasetRow]]:
        """Every public dataset, in batches ordered by id (keyset paging: flat memory)."""
        last = ""
        while True:
            found, last_seen = self._datasets(
                _DATASETS.where(_D.id > last).order_by(_D.id).limit(size))
            if last_seen is None:
                return
            if found:
                yield list(found.values())
            last = last_seen

    def _datasets(self, statement) -> tuple[dict[str, DatasetRow], str | None]:
        """The public datasets a statement selects, and the id of the last row it read."""
        width = len(_DATASET)
        datasets: dict[str, DatasetRow] = {}
        last_seen = None
        for row in self.session.execute(statement).all():
            last_seen = row[0]
            if row[width] != "active" or row[width + 1]:
                continue  # draft, deleted or private
            entity = self.entities.get(row[width + 2])
            if entity is None:
                entity = self.entities[row[width + 2]] = EntityRow(*row[width + 2:])
            dataset = DatasetRow(*row[:width], entity)
            dataset.spatial = _json(dataset.spatial) or []
            dataset.language = _json(dataset.language) or []
            dataset.extras = _json(dataset.extras) or {}
            for name in ("title_translated", "description_translated", "keywords_translated"):
                setattr(dataset, name, _json(getattr(dataset, name)) or {})
            datasets[row[0]] = dataset
        if not datasets:
            return datasets, last_seen
        ids = list(datasets)
        for dataset_id, name in self.session.execute(
                _KEYWORDS.where(dataset_tag.c.dataset_id.in_(ids))).all():
            datasets[dataset_id].keywords.append(name)
        for row in self.session.execute(
                _THEMES.where(dataset_theme.c.dataset_id.in_(ids))).all():
            theme = self.themes.get(row[1])
            if theme is None:
                theme = self.themes[row[1]] = ThemeRow(*row[1:])
            datasets[row[0]].themes.append(theme)
        for row in self.session.execute(_RESOURCES.where(_R.dataset_id.in_(ids))).all():
            resource = ResourceRow(*row[1:])
            resource.schema = _json(row[_SCHEMA])
            resource.name_translated = _json(resource.name_translated) or {}
            resource.description_translated = _json(resource.description_translated) or {}
            datasets[row[0]].resources.append(resource)
        return datasets, last_seen
