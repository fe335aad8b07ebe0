"""Read-only queries the API needs and the catalog's services do not offer (yet): lists filtered
by what the caller may see. Nothing here writes; writes go through the services."""

from __future__ import annotations

from sqlalchemy import Select, and_, false, func, or_, select

from portal import db
from portal.auth import permissions
from portal.auth.models import User
from portal.catalog import services as catalog
from portal.catalog.models import Dataset, Resource, Tag, dataset_tag, dataset_theme


def visible_datasets(actor) -> Select:
    """Active datasets ``actor`` may read: public ones, and private or draft ones of the
    entities they belong to (all of them for a sysadmin)."""
    query = select(Dataset).where(Dataset.state.in_(("active", "draft")))
    readable = permissions.readable_entity_ids(actor)
    if readable is None:
        return query
    public = and_(Dataset.state == "active", Dataset.private.is_(False))
    if not readable:
        return query.where(public)
    return query.where(or_(public, Dataset.entity_id.in_(readable)))


def public_names(limit: int | None, offset: int) -> list[str]:
    query = (select(Dataset.name).where(Dataset.state == "active", Dataset.private.is_(False))
             .order_by(Dataset.name).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def datasets(query: Select, *, limit: int | None = None, offset: int = 0) -> list[Dataset]:
    query = query.order_by(Dataset.metadata_modified.desc(), Dataset.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(catalog.datasets_with_resources(query))


def count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def in_entity(query: Select, entity_id: str) -> Select:
    return query.where(Dataset.entity_id == entity_id)


def in_theme(query: Select, theme_id: str) -> Select:
    return query.where(Dataset.id.in_(
        select(dataset_theme.c.dataset_id).where(dataset_theme.c.theme_id == theme_id)))


def created_by(query: Select, user_id: str) -> Select:
    return query.where(Dataset.creator_user_id == user_id)


def public_tags(contains: str = "") -> list[Tag]:
    """Tags of at least one public dataset, by name."""
    query = (select(Tag).where(Tag.id.in_(
        select(dataset_tag.c.tag_id).join(Dataset, Dataset.id == dataset_tag.c.dataset_id)
        .where(Dataset.state == "active", Dataset.private.is_(False))
    )).order_by(Tag.name))
    if contains:
        query = query.where(Tag.name.contains(contains.lower(), autoescape=True))
    return list(db.session.scalars(query))


def name_or_title_contains(query: Select, text: str, limit: int) -> list[tuple[str, str]]:
    """(name, title) of the datasets of ``query`` whose name or title contains ``text`` (any
    case): name matches first, then by name."""
    pattern = f"%{_like_escaped(text.lower())}%"
    in_name = func.lower(Dataset.name).like(pattern, escape="\\")
    in_title = func.lower(Dataset.title).like(pattern, escape="\\")
    rows = db.session.execute(
        query.with_only_columns(Dataset.name, Dataset.title).where(or_(in_name, in_title))
        .order_by(in_name.desc(), Dataset.name).limit(limit))
    return [(name, title) for name, title in rows]


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: resource_search's fields -> (column, how a term matches).
RESOURCE_SEARCH_FIELDS = {
    "name": (Resource.name, "contains"), "description": (Resource.description, "contains"),
    "url": (Resource.url, "contains"), "format": (Resource.format, "contains"),
    "mimetype": (Resource.media_type, "contains"), "url_type": (Resource.url_type, "contains"),
    "license_id": (Resource.license_id, "contains"), "hash": (Resource.hash, "prefix"),
    "id": (Resource.id, "equals"), "package_id": (Resource.dataset_id, "equals"),
    "size": (Resource.size, "equals"), "position": (Resource.position, "equals"),
}


def _public_resources() -> Select:
    return select(Resource).join(Dataset, Dataset.id == Resource.dataset_id).where(
        Dataset.state == "active", Dataset.private.is_(False))


def _resource_condition(field: str, term: str):
    column, how = RESOURCE_SEARCH_FIELDS[field]
    escaped = _like_escaped(term.lower())
    if how == "contains":
        return func.lower(column).like(f"%{escaped}%", escape="\\")
    if how == "prefix":  # the declared hash, or the portal's own when none is declared
        return or_(func.lower(Resource.hash).like(f"{escaped}%", escape="\\"),
                   and_(Resource.hash == "",
                        func.lower(Resource.sha256).like(f"{escaped}%", escape="\\")))
    if column.type.python_type is int:
        return column == int(term) if term.strip().isdigit() else false()
    return column == term


def search_resources(criteria: list[tuple[str, str]], order_by: str | None, offset: int,
                     limit: int) -> tuple[int, list[Resource]]:
    """Resources of public datasets matching every (field, term); their count and a page."""
    query = _public_resources()
    for field, term in criteria:
        query = query.where(_resource_condition(field, term))
    total = count(query)
    column = RESOURCE_SEARCH_FIELDS[order_by][0] if order_by else Resource.dataset_id
    page = query.order_by(column, Resource.dataset_id, Resource.position).offset(offset) \
        .limit(limit)
    return total, list(db.session.scalars(page))


def formats_containing(text: str, limit: int) -> list[str]:
    """Formats of public resources containing ``text`` (any case), lower-cased, most used
    first."""
    fmt = func.lower(Resource.format)
    rows = db.session.execute(
        _public_resources().with_only_columns(fmt, func.count())
        .where(Resource.format != "", fmt.like(f"%{_like_escaped(text.lower())}%", escape="\\"))
        .group_by(fmt).order_by(func.count().desc(), fmt).limit(limit))
    return [name for name, _count in rows]


def active_users(contains: str = "", email: str = "") -> list[User]:
    query = select(User).where(User.state == "active")
    if contains:
        pattern = f"%{_like_escaped(contains.lower())}%"
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                func.lower(User.fullname).like(pattern, escape="\\")))
    if email:
        query = query.where(func.lower(User.email) == email.lower())
    return list(db.session.scalars(query))


def with_tag(query: Select, tag_id: str) -> Select:
    return query.where(Dataset.id.in_(
        select(dataset_tag.c.dataset_id).where(dataset_tag.c.tag_id == tag_id)))


def visible_tag(ref: str, actor) -> Tag | None:
    """The tag of this name or id, when a dataset ``actor`` can see carries it."""
    visible = visible_datasets(actor).with_only_columns(Dataset.id)
    return db.session.scalars(
        select(Tag).where(or_(Tag.name == ref, Tag.id == ref), Tag.id.in_(
            select(dataset_tag.c.tag_id).where(dataset_tag.c.dataset_id.in_(visible))))
        .order_by(Tag.name != ref)).first()
