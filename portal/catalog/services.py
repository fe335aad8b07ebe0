"""Business rules of the catalog. The only writers of entities, themes, datasets and resources.

Every write is one unit of work: the row, its activity record and any stored file commit together
or not at all. Signals for listeners (search, feeds) are sent only after the commit.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from marshmallow import Schema
from marshmallow import ValidationError as SchemaError
from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal import db, signals
from portal.activity import services as activity
from portal.auth import permissions
from portal.catalog.licenses import canonical_license_id, get_license
from portal.catalog.messages import localise
from portal.catalog.models import Dataset, Entity, Resource, Tag, Theme
from portal.catalog.schemas import DatasetSchema, EntitySchema, ResourceSchema, ThemeSchema
from portal.catalog.translations import (
    DATASET_TRANSLATED,
    GROUP_TRANSLATED,
    RESOURCE_TRANSLATED,
    promote_spanish,
)
from portal.db import new_id, on_commit, on_rollback, unit_of_work, utcnow
from portal.errors import NotFound, ValidationError
from portal.storage import discard, storage

DATASET_FIELDS = (
    "name", "title", "description", "license_id", "contact_name", "contact_email",
    "access_rights", "temporal_start", "temporal_end", "spatial", "frequency", "language",
    "landing_page", "version", "identifier", "issued", "modified", "state", "private", "extras",
)
RESOURCE_FIELDS = ("name", "description", "url", "format", "media_type", "license_id", "rights",
                   "schema", "hash", "last_modified")
#: Fields a client declares for a link; for an upload the portal measures them.
LINK_FIELDS = ("size", "url_type")
ENTITY_FIELDS = ("name", "title", "description", "kind", "level", "website", "email", "logo_url")
THEME_FIELDS = ("name", "title", "description", "eu_theme", "image_url")
#: Translations ({lang: text}): a write that leaves one out keeps it, so a client or a form that
#: knows nothing of translations does not erase them.
DATASET_TRANSLATIONS = tuple(DATASET_TRANSLATED.values())
RESOURCE_TRANSLATIONS = tuple(RESOURCE_TRANSLATED.values())
GROUP_TRANSLATIONS = tuple(GROUP_TRANSLATED.values())


def _translate(obj, values: dict[str, Any], columns: tuple[str, ...]) -> None:
    for column in columns:
        if column in values:
            setattr(obj, column, values[column])
        elif getattr(obj, column) is None:  # a new row, before its defaults
            setattr(obj, column, {})


@cache
def _schema(schema_class: type[Schema]) -> Schema:
    """One instance per schema class: building one deep-copies its fields (about a millisecond
    per write), and our schemas keep no state from one load to the next."""
    return schema_class()


def load(schema: Schema, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate input with a schema; turn its errors into the portal's ``ValidationError``."""
    if not isinstance(data, dict):
        raise ValidationError({"__all__": [str(_l("Se esperaba un objeto JSON."))]})
    try:
        return schema.load(data, partial=partial)
    except SchemaError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"__all__": exc.messages}
        raise ValidationError(_flatten(messages)) from None


def _flatten(messages: dict) -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        if isinstance(value, dict):
            for sub_key, sub_value in _flatten(value).items():
                flat.setdefault(str(key), []).extend(f"{sub_key}: {m}" for m in sub_value)
        else:
            # A validator may raise one message rather than a list of them.
            values = value if isinstance(value, list | tuple) else [value]
            flat[str(key)] = [localise(m) for m in values]
    return flat


# --- lookups ---------------------------------------------------------------------------------


def _by_ref(model, ref: str, message):
    if ref:
        # One query for a name or an id; a name wins over another row's id.
        rows = db.session.scalars(select(model).where(or_(model.name == ref, model.id == ref)))
        found = min(rows, key=lambda row: row.name != ref, default=None)
        if found is not None and found.state != "purged":
            return found
    raise NotFound(str(message).format(ref=ref))


def get_entity(ref: str) -> Entity:
    return _by_ref(Entity, ref, _l("No existe la entidad «{ref}»."))


def get_theme(ref: str) -> Theme:
    return _by_ref(Theme, ref, _l("No existe el tema «{ref}»."))


def get_dataset(ref: str) -> Dataset:
    return _by_ref(Dataset, ref, _l("No existe el conjunto de datos «{ref}»."))


def get_resource(resource_id: str) -> Resource:
    resource = db.session.get(Resource, resource_id) if resource_id else None
    if resource is None:
        raise NotFound(str(_l("No existe el recurso «{ref}».")).format(ref=resource_id))
    return resource


def read_dataset(ref: str, actor) -> Dataset:
    """A dataset the actor may see. Deleted ones look missing; a private one raises
    ``NotAuthorized``, as CKAN's ``package_show`` does (pages turn it into a 404)."""
    dataset = get_dataset(ref)
    if not permissions.can_read_dataset(actor, dataset):
        if dataset.is_public or dataset.state == "deleted":
            raise NotFound(str(_l("No existe el conjunto de datos «{ref}».")).format(ref=ref))
        permissions.require(False, str(_l("Este conjunto de datos es privado.")))
    return dataset


def public_datasets_query():
    return select(Dataset).where(Dataset.state == "active", Dataset.private.is_(False))


def count_public_datasets() -> int:
    return db.session.scalar(select(func.count()).select_from(public_datasets_query().subquery()))


def list_entities(*, with_counts: bool = False):
    entities = list(db.session.scalars(
        select(Entity).where(Entity.state == "active").order_by(Entity.title)
    ))
    if not with_counts:
        return entities
    counts = dict(db.session.execute(
        select(Dataset.entity_id, func.count())
        .where(Dataset.state == "active", Dataset.private.is_(False))
        .group_by(Dataset.entity_id)
    ).all())
    return [(entity, counts.get(entity.id, 0)) for entity in entities]


def list_themes(*, with_counts: bool = False):
    themes = list(db.session.scalars(
        select(Theme).where(Theme.state == "active").order_by(Theme.title)
    ))
    if not with_counts:
        return themes
    from portal.catalog.models import dataset_theme

    counts = dict(db.session.execute(
        select(dataset_theme.c.theme_id, func.count())
        .join(Dataset, Dataset.id == dataset_theme.c.dataset_id)
        .where(Dataset.state == "active", Dataset.private.is_(False))
        .group_by(dataset_theme.c.theme_id)
    ).all())
    return [(theme, counts.get(theme.id, 0)) for theme in themes]


def dataset_snapshot(dataset: Dataset) -> dict[str, Any]:
    """The dataset's metadata as plain values, for the activity record and change detection."""
    snapshot = {field: getattr(dataset, field)
                for field in (*DATASET_FIELDS, *DATASET_TRANSLATIONS)}
    snapshot["entity"] = dataset.entity.name if dataset.entity else None
    snapshot["keywords"] = sorted(tag.name for tag in dataset.tags)
    snapshot["themes"] = sorted(theme.name for theme in dataset.themes)
    snapshot["resources"] = [{"id": r.id, **_resource_state(r)} for r in dataset.resources]
    return snapshot


# --- entities and themes ---------------------------------------------------------------------


ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,36}")


def _chosen_id(model, wanted: str | None, actor) -> str:
    """A new row's id: the one a sysadmin asks for, as CKAN keeps the ids ``ckanapi load``
    sends (a copied catalog keeps its links: owner_org, resource ids), else a new one. Other
    users' ids are ignored, as CKAN does."""
    if not wanted or not permissions.is_sysadmin(actor):
        return new_id()
    if not ID_PATTERN.fullmatch(wanted):
        raise ValidationError({"id": [str(_l(
            "Un id tiene de 1 a 36 letras sin tildes, números, - o _."))]})
    if db.session.get(model, wanted) is not None:
        raise ValidationError({"id": [str(_l("Ya existe un registro con el id «{id}».")).format(
            id=wanted)]})
    return wanted


def _unique(model, name: str, exclude_id: str | None, message) -> None:
    query = select(model.id).where(model.name == name)
    if exclude_id:
        query = query.where(model.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise ValidationError({"name": [str(message)]})


def _group_values(group: Entity | Theme, data: dict[str, Any], names: tuple[str, ...],
                  schema_class: type[Schema], partial: bool) -> dict[str, Any]:
    """The checked values of an update of an entity or a theme; a partial update keeps the
    fields ``names`` it leaves out."""
    if partial:
        data = {**{f: getattr(group, f) for f in names}, **promote_spanish(data, GROUP_TRANSLATED)}
    return load(_schema(schema_class), data)


def _assign_group(group: Entity | Theme, values: dict[str, Any],
                  names: tuple[str, ...]) -> dict[str, Any]:
    """Write the fields ``names`` and the translations of an entity or a theme from ``values``;
    the changes, for its activity."""
    fields = (*names, *GROUP_TRANSLATIONS)
    before = {f: getattr(group, f) for f in fields}
    for field in names:
        setattr(group, field, values[field])
    _translate(group, values, GROUP_TRANSLATIONS)
    return activity.changes(before, {f: getattr(group, f) for f in fields})


def create_entity(data: dict[str, Any], actor, *, entity_id: str | None = None) -> Entity:
    permissions.require(permissions.is_sysadmin(actor))
    values = load(_schema(EntitySchema), data)
    with unit_of_work():
        _unique(Entity, values["name"], None, _l("Ya existe una entidad con ese nombre."))
        entity = Entity(id=_chosen_id(Entity, entity_id, actor),
                        **{f: values[f] for f in ENTITY_FIELDS})
        _translate(entity, values, GROUP_TRANSLATIONS)
        db.session.add(entity)
        db.session.flush()
        activity.record("new organization", "organization", entity.id, actor,
                        entity_id=entity.id, data={"title": entity.title, "snapshot": values})
    return entity


def update_entity(entity: Entity, data: dict[str, Any], actor, *, partial: bool = False) -> Entity:
    permissions.require(permissions.can_admin_entity(actor, entity.id))
    values = _group_values(entity, data, ENTITY_FIELDS, EntitySchema, partial)
    with unit_of_work():
        _unique(Entity, values["name"], entity.id, _l("Ya existe una entidad con ese nombre."))
        diff = _assign_group(entity, values, ENTITY_FIELDS)
        if diff:
            entity.modified = utcnow()
            activity.record("changed organization", "organization", entity.id, actor,
                            entity_id=entity.id, data={"title": entity.title, "changes": diff})
        entity_id = entity.id
        on_commit(lambda: signals.entity_changed.send(entity_id))
    return entity


def delete_entity(entity: Entity, actor) -> None:
    permissions.require(permissions.is_sysadmin(actor))
    with unit_of_work():
        active = db.session.scalar(
            select(func.count()).select_from(Dataset)
            .where(Dataset.entity_id == entity.id, Dataset.state != "deleted")
        )
        if active:
            raise ValidationError({"name": [str(_l(
                "La entidad tiene {n} conjuntos de datos; elimínelos o transfiéralos primero."
            )).format(n=active)]})
        entity.state = "deleted"
        activity.record("deleted organization", "organization", entity.id, actor,
                        entity_id=entity.id, data={"title": entity.title})
        entity_id = entity.id
        on_commit(lambda: signals.entity_changed.send(entity_id))


def create_theme(data: dict[str, Any], actor, *, theme_id: str | None = None) -> Theme:
    permissions.require(permissions.is_sysadmin(actor))
    values = load(_schema(ThemeSchema), data)
    with unit_of_work():
        _unique(Theme, values["name"], None, _l("Ya existe un tema con ese nombre."))
        theme = Theme(id=_chosen_id(Theme, theme_id, actor),
                      **{f: values[f] for f in THEME_FIELDS})
        _translate(theme, values, GROUP_TRANSLATIONS)
        db.session.add(theme)
        db.session.flush()
        activity.record("new group", "group", theme.id, actor,
                        data={"title": theme.title, "snapshot": values})
    return theme


def update_theme(theme: Theme, data: dict[str, Any], actor, *, partial: bool = False) -> Theme:
    permissions.require(permissions.is_sysadmin(actor))
    values = _group_values(theme, data, THEME_FIELDS, ThemeSchema, partial)
    with unit_of_work():
        _unique(Theme, values["name"], theme.id, _l("Ya existe un tema con ese nombre."))
        diff = _assign_group(theme, values, THEME_FIELDS)
        if diff:
            activity.record("changed group", "group", theme.id, actor,
                            data={"title": theme.title, "changes": diff})
        theme_id = theme.id
        on_commit(lambda: signals.theme_changed.send(theme_id))
    return theme


# --- datasets --------------------------------------------------------------------------------


def _canonical_license(values: dict[str, Any]) -> None:
    """Store the registry's id whichever spelling the client sent (an alias such as CKAN's
    ``cc-by``, an SPDX id, any case); an unknown id is refused."""
    license_id = values.get("license_id") or ""
    if not license_id:
        return
    canonical = canonical_license_id(license_id)
    if canonical is None:
        raise ValidationError({"license_id": [
            str(_l("Licencia desconocida: «{id}». Vea /licenses.")).format(id=license_id)
        ]})
    values["license_id"] = canonical


def _check_license(values: dict[str, Any]) -> None:
    _canonical_license(values)
    licence = get_license(values["license_id"]) if values.get("license_id") else None
    public = values.get("state", "active") == "active" and not values.get("private")
    if public and (licence is None or not licence.is_open):
        raise ValidationError({"license_id": [str(_l(
            "Un conjunto de datos público debe tener una licencia abierta (Open Definition)."
        ))]})


def _tags(names: list[str]) -> list[Tag]:
    """The tags of these names, creating the missing ones. Two writers may create the same new
    tag at once: the insert skips a name another transaction has just taken (ON CONFLICT DO
    NOTHING, SQLite and PostgreSQL), and the row it wrote is read back instead."""
    if not names:
        return []
    existing = {t.name: t for t in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    missing = [name for name in dict.fromkeys(names) if name not in existing]
    if missing:
        dialect = {"sqlite": sqlite, "postgresql": postgresql}[db.session.get_bind().dialect.name]
        db.session.execute(
            dialect.insert(Tag).values([{"id": new_id(), "name": name} for name in missing])
            .on_conflict_do_nothing(index_elements=["name"])
        )
        existing.update((t.name, t) for t in db.session.scalars(
            select(Tag).where(Tag.name.in_(missing))))
    return [existing[name] for name in names]


def _themes(refs: list[str]) -> list[Theme]:
    if not refs:
        return []
    found = {t.name: t for t in db.session.scalars(select(Theme).where(Theme.name.in_(refs)))}
    missing = [ref for ref in refs if ref not in found]
    if missing:
        raise ValidationError({"themes": [
            str(_l("Tema desconocido: {names}.")).format(names=", ".join(missing))
        ]})
    return [found[ref] for ref in dict.fromkeys(refs)]


def _resolve_entity(ref: str, actor) -> Entity:
    if not (ref or "").strip():
        raise ValidationError({"entity": [str(_l("Elija la entidad."))]})
    try:
        entity = get_entity(ref)
    except NotFound as exc:
        raise ValidationError({"entity": [exc.message]}) from None
    if entity.state != "active":
        raise ValidationError({"entity": [
            str(_l("La entidad «{ref}» fue eliminada.")).format(ref=ref)
        ]})
    permissions.require(
        permissions.can_publish_in(actor, entity.id),
        str(_l("No puede publicar en nombre de «{title}».")).format(title=entity.title),
    )
    return entity


def _apply_dataset(dataset: Dataset, values: dict[str, Any], actor) -> None:
    _check_license(values)
    entity = _resolve_entity(values["entity"], actor)
    _unique(Dataset, values["name"], dataset.id,
            _l("Ya existe un conjunto de datos con ese nombre."))
    with db.session.no_autoflush:
        tags = _tags(values["keywords"])
        themes = _themes(values["themes"])
        dataset.entity = entity
        dataset.entity_id = entity.id  # known before the flush (permissions, activity)
        for field in DATASET_FIELDS:
            setattr(dataset, field, values[field])
        _translate(dataset, values, DATASET_TRANSLATIONS)
        dataset.tags = tags
        dataset.themes = themes
        dataset.metadata_modified = utcnow()


def _announce(dataset: Dataset) -> None:
    dataset_id = dataset.id
    on_commit(lambda: signals.dataset_changed.send(dataset_id),
              key=("dataset_changed", dataset_id))


class AnnouncementBatch:
    """Work that listeners put off during a bulk write (a harvest of thousands of datasets).

    Every signal is still sent after each commit. A listener that finds a batch open
    (``current_batch()``) may hand the id to ``defer(work, id)`` instead of working at once; the
    batch calls ``work(ids)`` when ``size`` ids wait for it, and when the bulk ends. With
    ``until_end`` the work waits for the end of the bulk whatever the number of ids (work that
    should not compete with the bulk write, such as downloading files to validate them).
    Listeners that know nothing of batches work as always. Deferred work must read the state of
    the database when it runs (not the state at the signal), and must not raise.
    """

    def __init__(self, size: int):
        self.size = size
        self._pending: dict[Callable[[list[str]], None], dict[str, None]] = {}
        self._until_end: set[Callable[[list[str]], None]] = set()

    def defer(self, work: Callable[[list[str]], None], object_id: str, *,
              until_end: bool = False) -> None:
        ids = self._pending.setdefault(work, {})
        ids[object_id] = None
        if until_end:
            self._until_end.add(work)
        elif len(ids) >= self.size and work not in self._until_end:
            self._run(work)

    def flush(self) -> None:
        """Run all deferred work (the bulk has ended)."""
        while self._pending:
            self._run(next(iter(self._pending)))

    def _run(self, work: Callable[[list[str]], None]) -> None:
        ids = list(self._pending.pop(work, {}))
        if ids:
            work(ids)


_batch: ContextVar[AnnouncementBatch | None] = ContextVar("announcement_batch", default=None)


def current_batch() -> AnnouncementBatch | None:
    """The batch listeners may defer their work to (``None`` outside a bulk write)."""
    return _batch.get()


@contextmanager
def announcements_in_batches(size: int = 200) -> Iterator[AnnouncementBatch]:
    """Let listeners follow the writes of this block in batches of ``size`` ids (a harvest):
    the index, the dumps and validation trail the catalog by at most ``size`` datasets and
    have caught up when the block ends, even when it ends with an exception."""
    batch = AnnouncementBatch(size)
    token = _batch.set(batch)
    try:
        yield batch
    finally:
        _batch.reset(token)
        batch.flush()


def create_dataset(data: dict[str, Any], actor, *, dataset_id: str | None = None) -> Dataset:
    permissions.require_user(actor)
    values = load(_schema(DatasetSchema), data)
    with unit_of_work():
        # A new dataset has no resources: say so, and its snapshot needs no query. It is
        # written at the commit (or the next query), with its activity, in one flush.
        dataset = Dataset(id=_chosen_id(Dataset, dataset_id, actor),
                          creator_user_id=getattr(actor, "id", None), resources=[])
        _apply_dataset(dataset, values, actor)
        db.session.add(dataset)
        activity.record("new package", "package", dataset.id, actor,
                        entity_id=dataset.entity_id, private=not dataset.is_public,
                        data={"title": dataset.title, "snapshot": dataset_snapshot(dataset)})
        _announce(dataset)
    return dataset


def dataset_input(dataset: Dataset) -> dict[str, Any]:
    """The dataset as input for ``update_dataset``: the base of a partial update (patch)."""
    values = {field: getattr(dataset, field)
              for field in (*DATASET_FIELDS, *DATASET_TRANSLATIONS)}
    for key in ("temporal_start", "temporal_end", "issued", "modified"):
        values[key] = values[key].isoformat() if values[key] else None
    values["entity"] = dataset.entity.name
    values["keywords"] = [tag.name for tag in dataset.tags]
    values["themes"] = [theme.name for theme in dataset.themes]
    return values


def update_dataset(dataset: Dataset, data: dict[str, Any], actor, *,
                   partial: bool = False) -> Dataset:
    permissions.require(permissions.can_publish_in(actor, dataset.entity_id))
    if partial:
        data = {**dataset_input(dataset), **promote_spanish(data, DATASET_TRANSLATED)}
    values = load(_schema(DatasetSchema), data)
    with unit_of_work():
        before = dataset_snapshot(dataset)
        was_public = dataset.is_public
        _apply_dataset(dataset, values, actor)
        diff = activity.changes(before, dataset_snapshot(dataset))
        if diff:
            activity.record("changed package", "package", dataset.id, actor,
                            entity_id=dataset.entity_id, private=not dataset.is_public,
                            data={"title": dataset.title, "changes": diff})
        if was_public and not dataset.is_public:
            _record_withdrawal(dataset, actor)
        _announce(dataset)
    return dataset


def _record_withdrawal(dataset: Dataset, actor) -> None:
    """A public dataset leaves publication: the public keeps only this event (no content)."""
    activity.record(activity.WITHDRAWN, "package", dataset.id, actor, entity_id=dataset.entity_id)


def delete_dataset(dataset: Dataset, actor) -> None:
    """Soft delete, as CKAN's ``package_delete``: the page and feeds drop it, the record stays."""
    permissions.require(permissions.can_publish_in(actor, dataset.entity_id))
    with unit_of_work():
        if dataset.is_public:
            _record_withdrawal(dataset, actor)
        dataset.state = "deleted"
        dataset.metadata_modified = utcnow()
        activity.record("deleted package", "package", dataset.id, actor,
                        entity_id=dataset.entity_id, private=True,
                        data={"title": dataset.title})
        dataset_id = dataset.id
        on_commit(lambda: signals.dataset_deleted.send(dataset_id))


def purge_dataset(dataset: Dataset, actor) -> None:
    """Remove a dataset for good, as CKAN's ``dataset_purge`` (sysadmins only): its row, its
    resources and their stored files, reports and link checks, and its activity records
    (they hold its content). One unit of work; the audit log keeps who purged what.

    The stored files go once the transaction has committed (``storage.discard``): the
    resources' uploads here, and what other domains stored for the dataset through their own
    ``before_delete`` listeners (its versions' copies, its DataStore tables). A purge that
    rolls back deletes nothing."""
    from portal.activity.models import Activity
    from portal.audit import services as audit

    permissions.require(permissions.is_sysadmin(actor))
    with unit_of_work():
        keys = [resource.storage_key for resource in dataset.resources if resource.storage_key]
        dataset_id, name, title = dataset.id, dataset.name, dataset.title
        db.session.execute(delete(Activity).where(Activity.object_id == dataset_id))
        db.session.delete(dataset)
        db.session.flush()
        audit.record("dataset.purge", actor=actor, target=name,
                     detail=f"{dataset_id} {title}"[:1000])
        on_commit(lambda: discard(keys))
        on_commit(lambda: signals.dataset_deleted.send(dataset_id))


def stored_keys_in_use(keys: list[str]) -> set[str]:
    """The storage keys among ``keys`` that a resource still holds (``storage.discard``)."""
    return set(db.session.scalars(select(Resource.storage_key).where(
        Resource.storage_key.in_(keys))))


def datasets_with_resources(query) -> list[Dataset]:
    """The datasets of ``query`` with their resources, keywords and themes, loaded in batches.
    Each resource's ``dataset`` is set from its loaded dataset: the dictionaries read it for
    every resource, and a lazy load each costs more than the rest of the resource's fields."""
    datasets = list(db.session.scalars(
        query.options(selectinload(Dataset.resources), selectinload(Dataset.tags),
                      selectinload(Dataset.themes))
    ))
    for dataset in datasets:
        for resource in dataset.resources:
            set_committed_value(resource, "dataset", dataset)
    return datasets


# --- resources -------------------------------------------------------------------------------


def _store_upload(resource: Resource, upload: BinaryIO, filename: str) -> None:
    stored = storage().save(upload, filename, f"resources/{resource.id}")
    key = stored.key
    on_rollback(lambda: storage().delete(key))
    old_key = resource.storage_key
    if old_key and old_key != key:
        on_commit(lambda: storage().delete(old_key))
    resource.storage_key = key
    resource.url_type = "upload"
    resource.last_modified = utcnow()
    resource.url = stored.filename
    resource.size = stored.size
    resource.sha256 = stored.sha256
    resource.media_type = resource.media_type or stored.media_type
    if not resource.format:
        resource.format = stored.filename.rpartition(".")[2].upper() if "." in stored.filename \
            else ""


def _apply_resource(resource: Resource, values: dict[str, Any]) -> None:
    _canonical_license(values)
    if resource.url_type == "upload" and values.get("url") and values["url"] != resource.url:
        # A new link replaces the uploaded file, which goes once the change has committed.
        old_key = resource.storage_key
        on_commit(lambda: storage().delete(old_key))
        resource.url_type = ""
        resource.storage_key = ""
        resource.size = None
        resource.sha256 = ""
    for field in RESOURCE_FIELDS:
        if field == "url" and resource.url_type == "upload":
            continue  # an upload's url is its stored file name
        setattr(resource, field, values[field])
    _translate(resource, values, RESOURCE_TRANSLATIONS)
    if not resource.is_upload:
        resource.size = values["size"]
        # Only a stored file is an upload: a link declared as one (a resource copied from
        # another CKAN) stays a link to where it was.
        resource.url_type = "" if values["url_type"] == "upload" else values["url_type"]
    resource.format = (resource.format or "").upper()
    resource.modified = utcnow()


def _keep_declared(resource: Resource, values: dict[str, Any], sent: dict[str, Any]) -> None:
    """A new file replaces what was declared about the old one, unless the same request
    declares it again."""
    resource.hash = values["hash"] if sent.get("hash") else ""
    if sent.get("last_modified"):
        resource.last_modified = values["last_modified"]


def resource_input(resource: Resource) -> dict[str, Any]:
    """The resource as input for ``update_resource``: the base of a partial update (patch)."""
    declared = () if resource.is_upload else LINK_FIELDS  # an upload's are measured
    values = {field: getattr(resource, field)
              for field in (*RESOURCE_FIELDS, *RESOURCE_TRANSLATIONS, *declared)}
    if values["last_modified"] is not None:
        values["last_modified"] = values["last_modified"].isoformat()
    return values


def _resource_state(resource: Resource) -> dict[str, Any]:
    return {f: getattr(resource, f)
            for f in (*RESOURCE_FIELDS, *RESOURCE_TRANSLATIONS, *LINK_FIELDS, "sha256")}


def create_resource(dataset: Dataset, data: dict[str, Any], actor, *,
                    upload: BinaryIO | None = None, filename: str = "",
                    resource_id: str | None = None) -> Resource:
    permissions.require(permissions.can_publish_in(actor, dataset.entity_id))
    values = load(_schema(ResourceSchema), data)
    if upload is None and not values["url"]:
        raise ValidationError({"url": [str(_l("Indique una URL o suba un archivo."))]})
    with unit_of_work():
        resource = Resource(id=_chosen_id(Resource, resource_id, actor), dataset=dataset,
                            position=len(dataset.resources))
        _apply_resource(resource, values)
        if upload is not None:
            _store_upload(resource, upload, filename or values["name"] or "archivo")
            _keep_declared(resource, values, data)
        if not resource.name:
            resource.name = resource.url.rsplit("/", 1)[-1][:500]
        db.session.add(resource)
        signals.resource_saving.send(resource, actor=actor)
        dataset.metadata_modified = utcnow()
        activity.record("changed package", "package", dataset.id, actor,
                        entity_id=dataset.entity_id, private=not dataset.is_public,
                        data={"title": dataset.title, "resource_id": resource.id,
                              "changes": {"resources": [None, resource.name]}})
        _announce(dataset)
    return resource


def update_resource(resource: Resource, data: dict[str, Any], actor, *, partial: bool = False,
                    upload: BinaryIO | None = None, filename: str = "") -> Resource:
    dataset = resource.dataset
    permissions.require(permissions.can_publish_in(actor, dataset.entity_id))
    sent = data
    if partial:
        current = resource_input(resource)
        if resource.url_type == "upload":
            current["url"] = ""
        data = {**current, **promote_spanish(data, RESOURCE_TRANSLATED)}
    values = load(_schema(ResourceSchema), data)
    with unit_of_work():
        before = _resource_state(resource)
        _apply_resource(resource, values)
        if upload is not None:
            _store_upload(resource, upload, filename or resource.name or "archivo")
            _keep_declared(resource, values, sent)
        diff = activity.changes(before, _resource_state(resource))
        if diff.keys() & {"url", "sha256", "format", "schema"}:
            signals.resource_saving.send(resource, actor=actor)
        dataset.metadata_modified = utcnow()
        if diff:
            activity.record("changed package", "package", dataset.id, actor,
                            entity_id=dataset.entity_id, private=not dataset.is_public,
                            data={"title": dataset.title, "resource_id": resource.id,
                                  "changes": diff})
        _announce(dataset)
    return resource


def delete_resource(resource: Resource, actor) -> None:
    dataset = resource.dataset
    permissions.require(permissions.can_publish_in(actor, dataset.entity_id))
    with unit_of_work():
        key = resource.storage_key
        if key:
            on_commit(lambda: storage().delete(key))
        name = resource.name
        dataset.resources.remove(resource)
        for position, remaining in enumerate(dataset.resources):
            remaining.position = position
        dataset.metadata_modified = utcnow()
        activity.record("changed package", "package", dataset.id, actor,
                        entity_id=dataset.entity_id, private=not dataset.is_public,
                        data={"title": dataset.title, "resource_id": resource.id,
                              "changes": {"resources": [name, None]}})
        _announce(dataset)
