"""Read-only queries the API needs and the catalog's services do not offer (yet): lists filtered
by what the caller may see. Nothing here writes; writes go through the services."""

from __future__ import annotations

from sqlalchemy import Select, and_, func, or_, select

from portal import db
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.catalog.models import Dataset, Tag, dataset_tag, dataset_theme


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
