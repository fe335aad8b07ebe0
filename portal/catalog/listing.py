"""Read-only queries of the pages: the dataset list with its filters and facets, the home page's
figures, and the datasets of an entity or a theme.

``find_datasets`` is the one function that turns the list's parameters into results. The search
engine serves it when installed: it registers a function of the same signature under
``FINDER_EXTENSION`` in ``app.extensions`` (the catalog never imports search). Without one, the
list is a plain database query (title, description and keyword ``LIKE``), so the catalog works on
its own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, Select, and_, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.functions import FunctionElement

from portal import db
from portal.auth import permissions
from portal.catalog.models import Dataset, Entity, Resource, Tag, Theme, dataset_tag, dataset_theme

#: Filters of the list, with CKAN's parameter names (``/dataset?organization=ine&tags=censo``).
FILTER_FIELDS = ("organization", "groups", "tags", "res_format", "license_id", "entity_kind",
                 "series")
FACET_TITLES = {
    "organization": _l("Entidades"),
    "groups": _l("Temas"),
    "tags": _l("Palabras clave"),
    "res_format": _l("Formatos"),
    "license_id": _l("Licencias"),
    "entity_kind": _l("Tipo de entidad"),
    "series": _l("Serie"),
}
#: Sort options of the list (CKAN's ``sort`` values) and their labels; relevance is the default
#: and, without words to rank by, gives the most recently modified first.
SORT_LABELS = {
    "score desc": _l("Relevancia"),
    "metadata_modified desc": _l("Última actualización"),
    "metadata_created desc": _l("Fecha de publicación"),
    "title asc": _l("Título (A-Z)"),
    "name asc": _l("Nombre (A-Z)"),
}
DEFAULT_SORT = "score desc"
#: The database query's order for each sort option: (column, descending).
SORTS = {
    "score desc": (Dataset.metadata_modified, True),
    "metadata_modified desc": (Dataset.metadata_modified, True),
    "metadata_created desc": (Dataset.metadata_created, True),
    "title asc": (Dataset.title, False),
    "name asc": (Dataset.name, False),
}
FACET_LIMIT = 10
#: ``app.extensions`` key of the engine behind ``find_datasets``.
FINDER_EXTENSION = "catalog.find_datasets"


@dataclass(frozen=True)
class ListParams:
    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = 20

    @classmethod
    def from_args(cls, args, per_page: int) -> ListParams:
        """From a request's query string; bad paging or sort values fall back to defaults."""
        try:
            page = max(1, int(args.get("page", 1)))
        except ValueError:
            page = 1
        sort = args.get("sort", DEFAULT_SORT)
        filters = {name: tuple(dict.fromkeys(v for v in args.getlist(name) if v))
                   for name in FILTER_FIELDS}
        return cls(
            q=args.get("q", "").strip()[:200],
            filters={name: values for name, values in filters.items() if values},
            sort=sort if sort in SORTS else DEFAULT_SORT,
            page=page,
            per_page=per_page,
        )

    def args(self, **changes) -> dict[str, list[str]]:
        """The parameters as a query string (``url_for(..., **params.args())``), without the
        defaults."""
        values: dict[str, list[str]] = {"q": [self.q] if self.q else []}
        values.update({name: list(items) for name, items in self.filters.items()})
        values["sort"] = [self.sort] if self.sort != DEFAULT_SORT else []
        values["page"] = [str(self.page)] if self.page > 1 else []
        values.update(changes)
        return {name: items for name, items in values.items() if items}


@dataclass(frozen=True)
class FacetItem:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class DatasetListing:
    count: int
    datasets: list[Dataset]
    #: Filter field -> most frequent values among the matching datasets.
    facets: Mapping[str, list[FacetItem]]
    page: int
    per_page: int
    #: Dataset id -> field ("title", "notes") -> escaped HTML with the matches in ``<mark>``.
    highlights: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: A corrected query to propose when nothing matched.
    did_you_mean: str | None = None
    #: Why the query could not run (unbalanced quotes...), shown instead of results.
    error: str | None = None
    #: The same search as CSV and through the API, when the engine offers them.
    csv_url: str | None = None
    api_url: str | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def facet_titles(self) -> Mapping[str, str]:
        return FACET_TITLES


def find_datasets(params: ListParams, actor) -> DatasetListing:
    """The page of datasets matching ``params`` that ``actor`` may see, with facet counts."""
    finder = current_app.extensions.get(FINDER_EXTENSION)
    if finder is not None:
        return finder(params, actor)
    return find_in_database(params, actor)


def visible_datasets(actor) -> Select:
    """Active datasets ``actor`` may see in lists: public ones, plus the private ones of the
    entities they belong to (all for a sysadmin)."""
    query = select(Dataset).where(Dataset.state == "active")
    readable = permissions.readable_entity_ids(actor)
    if readable is None:
        return query
    if readable:
        return query.where(or_(Dataset.private.is_(False), Dataset.entity_id.in_(readable)))
    return query.where(Dataset.private.is_(False))


def _filtered(params: ListParams, actor) -> Select:
    query = visible_datasets(actor)
    if params.q:
        for word in params.q.split():
            pattern = f"%{word.replace('%', '').replace('_', '')}%"
            query = query.where(or_(Dataset.title.ilike(pattern),
                                    Dataset.description.ilike(pattern),
                                    Dataset.tags.any(Tag.name.ilike(pattern))))
    filters = params.filters
    for value in filters.get("organization", ()):
        query = query.where(Dataset.entity.has(Entity.name == value))
    for value in filters.get("groups", ()):
        query = query.where(Dataset.themes.any(Theme.name == value))
    for value in filters.get("tags", ()):
        query = query.where(Dataset.tags.any(Tag.name == value))
    for value in filters.get("res_format", ()):
        query = query.where(Dataset.resources.any(func.upper(Resource.format) == value.upper()))
    for value in filters.get("license_id", ()):
        query = query.where(Dataset.license_id == value)
    for value in filters.get("entity_kind", ()):
        query = query.where(Dataset.entity.has(Entity.kind == value))
    if filters.get("series"):
        from portal.series.services import in_series_clause

        for value in filters["series"]:
            query = query.where(in_series_clause(value))
    return query


def _facets(ids) -> dict[str, list[FacetItem]]:
    from portal.catalog.codelists import label
    from portal.catalog.licenses import get_license
    from portal.series.services import series_facet

    def counted(value_col, label_col, *joins, where=None):
        query = select(value_col, label_col, func.count(func.distinct(Dataset.id)))
        query = query.select_from(Dataset)
        for target, on in joins:
            query = query.join(target, on)
        query = query.where(Dataset.id.in_(ids))
        if where is not None:
            query = query.where(where)
        query = query.group_by(value_col, label_col) \
            .order_by(func.count(func.distinct(Dataset.id)).desc(), value_col).limit(FACET_LIMIT)
        return [FacetItem(value, label or value, count)
                for value, label, count in db.session.execute(query)]

    licences = counted(Dataset.license_id, Dataset.license_id, where=Dataset.license_id != "")
    return {
        "organization": counted(Entity.name, Entity.title,
                                (Entity, Entity.id == Dataset.entity_id)),
        "groups": counted(Theme.name, Theme.title,
                          (dataset_theme, dataset_theme.c.dataset_id == Dataset.id),
                          (Theme, Theme.id == dataset_theme.c.theme_id)),
        "tags": counted(Tag.name, Tag.name, (dataset_tag, dataset_tag.c.dataset_id == Dataset.id),
                        (Tag, Tag.id == dataset_tag.c.tag_id)),
        "res_format": counted(func.upper(Resource.format), func.upper(Resource.format),
                              (Resource, and_(Resource.dataset_id == Dataset.id,
                                              Resource.format != ""))),
        "license_id": [
            FacetItem(item.value, (lic.title if (lic := get_license(item.value)) else item.value),
                      item.count)
            for item in licences
        ],
        "entity_kind": [
            FacetItem(item.value, label("entity-kinds", item.value), item.count)
            for item in counted(Entity.kind, Entity.kind, (Entity, Entity.id == Dataset.entity_id))
        ],
        "series": series_facet(ids, counted),
    }


def find_in_database(params: ListParams, actor) -> DatasetListing:
    """``find_datasets`` without a search engine: a database query."""
    query = _filtered(params, actor)
    ids = query.with_only_columns(Dataset.id).scalar_subquery()
    count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    column, descending = SORTS[params.sort]
    page_query = query.order_by(column.desc() if descending else column.asc(), Dataset.id) \
        .limit(params.per_page).offset((params.page - 1) * params.per_page) \
        .options(selectinload(Dataset.resources), selectinload(Dataset.tags))
    datasets = list(db.session.scalars(page_query))
    return DatasetListing(count, datasets, _facets(ids) if count else {}, params.page,
                          params.per_page)


#: The home page's "updated" list: datasets changed at least this long after their creation.
UPDATED_AFTER = timedelta(hours=1)


class seconds_between(FunctionElement):
    """``seconds_between(a, b)``: seconds from timestamp ``a`` to ``b``, in SQL (date arithmetic
    is spelled differently by each database)."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between)
def _seconds_sqlite(element, compiler, **kw):
    a, b = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({b}) - julianday({a})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_postgresql(element, compiler, **kw):
    a, b = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"EXTRACT(EPOCH FROM ({b} - {a}))"


def newest_datasets(limit: int = 5) -> list[Dataset]:
    from portal.catalog.services import public_datasets_query

    query = public_datasets_query().order_by(Dataset.metadata_created.desc(), Dataset.id)
    return list(db.session.scalars(query.limit(limit).options(selectinload(Dataset.resources))))


def updated_datasets(limit: int = 5, *, exclude: Collection[str] = ()) -> list[Dataset]:
    """Public datasets changed at least ``UPDATED_AFTER`` after their creation (one just created,
    with its first resources, is new, not updated), newest change first, leaving out
    ``exclude`` (the ids the home page already lists as new)."""
    from portal.catalog.services import public_datasets_query

    query = public_datasets_query().where(
        seconds_between(Dataset.metadata_created, Dataset.metadata_modified)
        >= UPDATED_AFTER.total_seconds()
    ).order_by(Dataset.metadata_modified.desc(), Dataset.id)
    if exclude:
        query = query.where(Dataset.id.not_in(list(exclude)))
    return list(db.session.scalars(query.limit(limit).options(selectinload(Dataset.resources))))


def catalog_figures() -> dict[str, int]:
    """Counts shown on the home page: public datasets, their resources, entities, themes."""
    public = and_(Dataset.state == "active", Dataset.private.is_(False))
    return {
        "datasets": db.session.scalar(select(func.count()).select_from(Dataset).where(public)),
        "resources": db.session.scalar(
            select(func.count()).select_from(Resource).join(Dataset).where(public)),
        "entities": db.session.scalar(
            select(func.count()).select_from(Entity).where(Entity.state == "active")),
        "themes": db.session.scalar(
            select(func.count()).select_from(Theme).where(Theme.state == "active")),
    }
