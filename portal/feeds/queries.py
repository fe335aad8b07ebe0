"""Which public datasets a feed shows: ``page``, ``modified_since``, ``q`` and ``fq``.

``q`` and ``fq`` are a plain database filter (words in the title or description; CKAN-style
``field:value`` terms, all required). Private, draft and deleted datasets are never selected: every
query starts from ``services.public_datasets_query()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select

from portal import db
from portal.catalog import services
from portal.catalog.models import (
    Dataset,
    Entity,
    Resource,
    Tag,
    Theme,
    dataset_tag,
    dataset_theme,
)
from portal.feeds.errors import FeedError
from portal.feeds.rows import DatasetRow, RowLoader

PAGE_SIZE = 100
T = TypeVar("T")
FQ_FIELDS = ("organization", "tags", "groups", "res_format", "license_id")
_FQ_TERM = re.compile(r'\s*([a-z_]+):(?:"([^"]*)"|(\S+))\s*')


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 date or date-time; aware values are turned into naive UTC, as stored."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def parse_fq(text: str) -> list[tuple[str, str]]:
    terms: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _FQ_TERM.match(text, position)
        if not match:
            raise FeedError(400, _("fq no válido cerca de «%(text)s»: use campo:valor.",
                                   text=text[position:position + 30]))
        name, value = match.group(1), match.group(2) if match.group(2) is not None \
            else match.group(3)
        if name not in FQ_FIELDS:
            raise FeedError(400, _("Campo de fq desconocido: «%(name)s». Campos: %(fields)s.",
                                   name=name, fields=", ".join(FQ_FIELDS)))
        terms.append((name, value))
        position = match.end()
    return terms


@dataclass
class FeedQuery:
    page: int = 1
    modified_since: datetime | None = None
    q: str = ""
    fq: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> FeedQuery:
        query = cls(q=(args.get("q") or "").strip())
        page = args.get("page")
        if page is not None:
            try:
                query.page = int(page)
            except ValueError:
                raise FeedError(400, _("page debe ser un número entero.")) from None
            if query.page < 1:
                raise FeedError(400, _("page debe ser 1 o mayor."))
        since = args.get("modified_since")
        if since:
            try:
                query.modified_since = parse_datetime(since)
            except ValueError:
                raise FeedError(400, _("modified_since no es una fecha ISO 8601 válida: "
                                       "«%(value)s» (ejemplo: 2024-05-01T00:00:00Z).",
                                       value=since)) from None
        if args.get("fq"):
            query.fq = parse_fq(args["fq"])
        return query

    def args(self, **changes) -> dict[str, str]:
        """The query as URL arguments (for paging links)."""
        values = {"q": self.q, "fq": " ".join(
            f'{name}:"{value}"' if " " in value else f"{name}:{value}" for name, value in self.fq
        ), "modified_since": self.modified_since.isoformat() if self.modified_since else ""}
        values.update({key: str(value) for key, value in changes.items()})
        return {key: value for key, value in values.items() if value}

    @property
    def is_whole_catalog(self) -> bool:
        return not (self.q or self.fq or self.modified_since)

    def statement(self) -> Select:
        statement = services.public_datasets_query()
        if self.modified_since is not None:
            statement = statement.where(Dataset.metadata_modified >= self.modified_since)
        for word in self.q.split():
            pattern = _like(word)
            statement = statement.where(or_(Dataset.title.ilike(pattern, escape="\\"),
                                            Dataset.description.ilike(pattern, escape="\\")))
        for name, value in self.fq:
            statement = statement.where(_fq_condition(name, value))
        return statement

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.statement().subquery()))

    def ordered(self) -> Select:
        return self.statement().order_by(Dataset.metadata_modified.desc(), Dataset.id)


def _fq_condition(name: str, value: str):
    if name == "organization":
        return Dataset.entity_id.in_(select(Entity.id).where(Entity.name == value))
    if name == "tags":
        return Dataset.id.in_(select(dataset_tag.c.dataset_id).join(
            Tag, Tag.id == dataset_tag.c.tag_id).where(Tag.name == value.lower()))
    if name == "groups":
        return Dataset.id.in_(select(dataset_theme.c.dataset_id).join(
            Theme, Theme.id == dataset_theme.c.theme_id).where(Theme.name == value))
    if name == "res_format":
        return Dataset.id.in_(select(Resource.dataset_id).where(
            and_(func.upper(Resource.format) == value.upper())))
    return Dataset.license_id == value


@dataclass
class Page:
    number: int
    size: int
    total: int
    datasets: list[DatasetRow]
    version: tuple | None = None  # the catalog_version it was read at (whole catalog only)

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))


def fetch_page(query: FeedQuery, size: int = PAGE_SIZE) -> Page:
    total = query.count()
    page = Page(query.page, size, total, [])
    if query.page > page.last:
        raise FeedError(404, _("La página %(page)d no existe: la última es la %(last)d.",
                               page=query.page, last=page.last))
    offset = (query.page - 1) * size
    ordering = None
    if query.is_whole_catalog and total <= ORDERING_CACHE_MAX:
        page.version = catalog_version(total)
        ordering = remember_when_stable("ordering", page.version, lambda: list(
            db.session.scalars(query.ordered().with_only_columns(Dataset.id))))
    if ordering is not None:
        ids = ordering[offset:offset + size]
    else:
        ids = list(db.session.scalars(
            query.ordered().with_only_columns(Dataset.id).offset(offset).limit(size)))
    page.datasets = RowLoader(db.session).load(ids)
    return page


# --- values kept while the catalog does not change -------------------------------------------

#: Above this many public datasets the ordering is not kept in memory (about 90 bytes each).
ORDERING_CACHE_MAX = 500_000


def catalog_version(public_total: int | None = None) -> tuple[int, datetime | None]:
    """A value that changes whenever the set or the order of public datasets may have: their
    number and the latest metadata change of any dataset (the services stamp
    ``metadata_modified`` on every write, deletion and change of visibility included). Two
    cheap queries (an index count and an index maximum), read from the database, so every
    process of the portal sees the same version."""
    total = services.count_public_datasets() if public_total is None else public_total
    return total, db.session.scalar(select(func.max(Dataset.metadata_modified)))


def remember(name: str, version: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, kept in the app (one value per name) until the catalog version changes.

    Paging through the whole catalog (what harvesters do) would otherwise sort every public
    dataset again for each page: O(pages x datasets) instead of one sort per change.
    """
    key = f"feeds.{name}"
    found = current_app.extensions.get(key)
    if found is None or found[0] != version:
        found = (version, compute())
        current_app.extensions[key] = found  # one assignment: safe between threads
    return found[1]


def remember_when_stable(name: str, version: tuple, compute: Callable[[], T]) -> T | None:
    """Like ``remember``, but computes only for a version an earlier call has already seen, and
    else returns None: while the catalog keeps changing (a harvest running), nothing costly is
    computed for a value that would be thrown away at once."""
    key = f"feeds.{name}"
    found = current_app.extensions.get(key)
    if found is not None and found[0] == version:
        return found[1]
    if current_app.extensions.get(f"{key}.seen") != version:
        current_app.extensions[f"{key}.seen"] = version
        return None
    return remember(name, version, compute)
