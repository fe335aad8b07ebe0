"""Business rules of harvesting, and the only writer of its tables.

Sources are managed by the admins of their entity. ``run_source`` takes the source's lock row,
opens a job, runs the backend through ``base.HarvestRun`` into a ``DatabaseWriter`` (each item's
write is its own unit of work, through the catalog's services, as the ``SYSTEM`` actor) and
closes the job with its status and counts. ``preview_source`` runs the same code into a
``PreviewWriter``: every write happens inside a transaction that is then rolled back, so the
preview reports exactly what a run would do and leaves nothing behind.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from croniter import croniter
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from portal import db
from portal.auth import permissions
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Dataset, Theme
from portal.catalog.schemas import SLUG
from portal.db import unit_of_work, utcnow
from portal.errors import NotFound, PortalError, ValidationError
from portal.harvest import registry
from portal.harvest.base import (
    HarvestRun,
    ItemOutcome,
    PreviousItem,
    RemoteItem,
    SkipItem,
    SourceSpec,
)
from portal.harvest.models import (
    HarvestError,
    HarvestItem,
    HarvestJob,
    HarvestLock,
    HarvestObject,
    HarvestSource,
)
from portal.outbound import Fetcher, FetchPolicy
from portal.series.harvest import KEY as SERIES_LINKS
from portal.series.harvest import SeriesLinker

SOURCE_FIELDS = ("name", "title", "type", "url", "config", "schedule", "active")
FLUSH_EVERY = 200
FLUSH_SECONDS = 2.0
#: Datasets written before the listeners of catalog signals catch up (see ``run_source``).
ANNOUNCE_EVERY = 500


class HarvestBusy(PortalError):
    kind = "Conflict Error"


# --- sources ---------------------------------------------------------------------------------


def _validate_source(data: dict[str, Any], exclude_id: str | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    if not SLUG.match(name):
        errors["name"] = [str(_l("Use de 2 a 100 caracteres: minúsculas sin tildes, números, "
                                 "- o _."))]
    else:
        query = select(HarvestSource.id).where(HarvestSource.name == name)
        if exclude_id:
            query = query.where(HarvestSource.id != exclude_id)
        if db.session.scalar(query) is not None:
            errors["name"] = [str(_l("Ya existe una fuente de cosecha con ese nombre."))]
    kind = str(data.get("type") or "")
    backend = None
    try:
        backend = registry.get(kind)
    except registry.UnknownBackend:
        errors["type"] = [str(_l("Tipo de fuente desconocido: «{type}». Tipos: {types}.")).format(
            type=kind, types=", ".join(registry.names()))]
    url = str(data.get("url") or "").strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        errors["url"] = [str(_l("Debe ser una dirección web que empiece con http:// o "
                                "https://."))]
    config = data.get("config") or {}
    if isinstance(config, str):
        try:
            config = json.loads(config) if config.strip() else {}
        except json.JSONDecodeError as exc:
            errors["config"] = [str(_l("Configuración JSON inválida: {error}.")).format(
                error=exc.msg)]
            config = {}
    if not isinstance(config, dict):
        errors["config"] = [str(_l("La configuración debe ser un objeto JSON."))]
        config = {}
    elif backend is not None:
        problems = backend.check_config(config)
        if problems:
            errors["config"] = problems
    schedule = str(data.get("schedule") or "").strip()
    if schedule and not croniter.is_valid(schedule):
        errors["schedule"] = [str(_l("Expresión cron inválida: «{value}» (p. ej. «0 * * * *» "
                                     "cada hora, «@daily»).")).format(value=schedule)]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "title": str(data.get("title") or name).strip()[:300], "type": kind,
            "url": url, "config": config, "schedule": schedule,
            "active": bool(data.get("active", True))}


def create_source(data: dict[str, Any], actor) -> HarvestSource:
    entity = catalog.get_entity(str(data.get("entity") or ""))
    permissions.require(permissions.can_admin_entity(actor, entity.id))
    with unit_of_work():
        values = _validate_source(data, None)
        source = HarvestSource(entity_id=entity.id, **values)
        db.session.add(source)
        db.session.flush()
    return source


def update_source(source: HarvestSource, data: dict[str, Any], actor) -> HarvestSource:
    permissions.require(permissions.can_admin_entity(actor, source.entity_id))
    merged = {**{f: getattr(source, f) for f in SOURCE_FIELDS}, **data}
    with unit_of_work():
        values = _validate_source(merged, source.id)
        for field, value in values.items():
            setattr(source, field, value)
        source.modified = utcnow()
    return source


def delete_source(source: HarvestSource, actor) -> None:
    """Remove the source and its history; its datasets stay in the catalog."""
    permissions.require(permissions.can_admin_entity(actor, source.entity_id))
    with unit_of_work():
        job_ids = select(HarvestJob.id).where(HarvestJob.source_id == source.id)
        db.session.execute(delete(HarvestItem).where(HarvestItem.job_id.in_(job_ids)))
        db.session.execute(delete(HarvestError).where(HarvestError.job_id.in_(job_ids)))
        db.session.execute(delete(HarvestJob).where(HarvestJob.source_id == source.id))
        db.session.execute(delete(HarvestObject).where(HarvestObject.source_id == source.id))
        db.session.execute(delete(HarvestLock).where(HarvestLock.source_id == source.id))
        db.session.delete(source)


def get_source(ref: str) -> HarvestSource:
    source = db.session.scalar(select(HarvestSource).where(HarvestSource.name == ref)) \
        if ref else None
    if source is None and ref:
        source = db.session.get(HarvestSource, ref)
    if source is None:
        raise NotFound(str(_l("No existe la fuente de cosecha «{ref}».")).format(ref=ref))
    return source


def list_sources(actor=SYSTEM, entity_id: str | None = None) -> list[HarvestSource]:
    """Sources the actor administers (all for sysadmins), optionally of one entity."""
    query = select(HarvestSource).order_by(HarvestSource.name)
    if entity_id:
        query = query.where(HarvestSource.entity_id == entity_id)
    sources = list(db.session.scalars(query))
    return [s for s in sources if permissions.can_admin_entity(actor, s.entity_id)]


def read_source(ref: str, actor) -> HarvestSource:
    source = get_source(ref)
    permissions.require(permissions.can_admin_entity(actor, source.entity_id))
    return source


def spec_of(source: HarvestSource) -> SourceSpec:
    return SourceSpec(name=source.name, type=source.type, url=source.url,
                      entity=source.entity.name, config=dict(source.config or {}))


# --- jobs: reading ---------------------------------------------------------------------------


def list_jobs(source: HarvestSource, *, limit: int = 50, offset: int = 0) -> list[HarvestJob]:
    return list(db.session.scalars(
        select(HarvestJob).where(HarvestJob.source_id == source.id)
        .order_by(HarvestJob.started.desc()).limit(limit).offset(offset)))


def last_job(source: HarvestSource) -> HarvestJob | None:
    return db.session.scalar(select(HarvestJob).where(HarvestJob.source_id == source.id)
                             .order_by(HarvestJob.started.desc()).limit(1))


def get_job(job_id: str) -> HarvestJob:
    job = db.session.get(HarvestJob, job_id) if job_id else None
    if job is None:
        raise NotFound(str(_l("No existe el trabajo de cosecha «{ref}».")).format(ref=job_id))
    return job


def read_job(job_id: str, actor) -> HarvestJob:
    job = get_job(job_id)
    permissions.require(permissions.can_admin_entity(actor, job.source.entity_id))
    return job


def job_items(job: HarvestJob, *, status: str | None = None) -> Iterator[HarvestItem]:
    query = select(HarvestItem).where(HarvestItem.job_id == job.id).order_by(HarvestItem.id)
    if status:
        query = query.where(HarvestItem.status == status)
    return iter(db.session.scalars(query.execution_options(yield_per=1000)))


def job_errors(job: HarvestJob) -> list[HarvestError]:
    return list(db.session.scalars(select(HarvestError).where(HarvestError.job_id == job.id)
                                   .order_by(HarvestError.id)))


def job_dict(job: HarvestJob) -> dict[str, Any]:
    return {
        "id": job.id, "source": job.source.name, "status": job.status, "trigger": job.trigger,
        "started": job.started.isoformat() if job.started else None,
        "finished": job.finished.isoformat() if job.finished else None,
        "message": job.message, "listing_complete": job.listing_complete,
        "counts": job.counts,
    }


def source_dict(source: HarvestSource) -> dict[str, Any]:
    latest = last_job(source)
    return {
        "id": source.id, "name": source.name, "title": source.title, "type": source.type,
        "url": source.url, "entity": source.entity.name, "config": source.config,
        "schedule": source.schedule, "active": source.active,
        "next_run": next_run(source).isoformat() if next_run(source) else None,
        "last_job": job_dict(latest) if latest else None,
    }


def item_dict(item: HarvestItem) -> dict[str, Any]:
    return {"remote_id": item.remote_id, "remote_url": item.remote_url, "title": item.title,
            "status": item.status, "message": item.message, "content_hash": item.content_hash,
            "dataset_id": item.dataset_id}


def report_dict(job: HarvestJob) -> dict[str, Any]:
    """The whole report of a job: every item and every error."""
    return {**job_dict(job),
            "errors": [{"type": e.type, "message": e.message, "url": e.url}
                       for e in job_errors(job)],
            "items": [item_dict(item) for item in job_items(job)]}


# --- the lock --------------------------------------------------------------------------------


def hang_limit() -> timedelta:
    return timedelta(seconds=int(current_app.config["PORTAL_HARVEST_HANG_SECONDS"]))


def reap_hung_jobs(now: datetime | None = None) -> list[str]:
    """End jobs whose heartbeat is older than the hang limit (their process died or hangs):
    mark them ``timed_out`` and free their source. Returns the ids of the jobs ended."""
    now = now or utcnow()
    cutoff = now - hang_limit()
    ended = []
    stale = list(db.session.scalars(select(HarvestJob).where(
        HarvestJob.status == "running", HarvestJob.heartbeat < cutoff)))
    for job in stale:
        with unit_of_work():
            job.status = "timed_out"
            job.finished = now
            job.message = str(_l(
                "El trabajo no dio señales durante más de {seconds} s y se dio por terminado; "
                "no se eliminó nada.")).format(seconds=int(hang_limit().total_seconds()))
            db.session.execute(delete(HarvestLock).where(HarvestLock.job_id == job.id))
        ended.append(job.id)
    with unit_of_work():
        # A lock whose job is gone or finished is left over from a crash.
        db.session.execute(delete(HarvestLock).where(
            HarvestLock.heartbeat < cutoff,
            ~HarvestLock.job_id.in_(select(HarvestJob.id).where(HarvestJob.status == "running"))))
    return ended


def _start_job(source: HarvestSource, trigger: str) -> HarvestJob:
    reap_hung_jobs()
    job = HarvestJob(source_id=source.id, trigger=trigger, status="running")
    try:
        with unit_of_work():
            db.session.add(job)
            db.session.flush()
            db.session.add(HarvestLock(source_id=source.id, job_id=job.id))
            db.session.flush()
    except IntegrityError:
        lock = db.session.get(HarvestLock, source.id)
        raise HarvestBusy(str(_l(
            "La fuente «{name}» ya se está cosechando (trabajo {job}, desde {since}).")).format(
                name=source.name, job=lock.job_id if lock else "?",
                since=lock.acquired.isoformat(timespec="seconds") if lock else "?")) from None
    return job


def is_running(source: HarvestSource) -> bool:
    return db.session.get(HarvestLock, source.id) is not None


# --- writers ---------------------------------------------------------------------------------


def _previous(source: HarvestSource) -> dict[str, PreviousItem]:
    rows = db.session.execute(select(
        HarvestObject.remote_id, HarvestObject.dataset_id, HarvestObject.content_hash,
        HarvestObject.remote_modified, HarvestObject.status,
    ).where(HarvestObject.source_id == source.id))
    return {row.remote_id: PreviousItem(*row) for row in rows}


class DatabaseWriter:
    """Writes each item through the catalog's services, in its own unit of work, and records
    outcomes and errors of the job in batches."""

    def __init__(self, source: HarvestSource, job: HarvestJob | None):
        self.source = source
        self.job = job
        self.previous = _previous(source)
        self.known_themes = set(db.session.scalars(select(Theme.name)))
        self.owner_of = {p.dataset_id: rid for rid, p in self.previous.items() if p.live}
        self.series = SeriesLinker(self.previous)
        self._items: list[dict[str, Any]] = []
        self._counts = dict.fromkeys(("added", "updated", "unchanged", "deleted", "failed",
                                      "skipped"), 0)
        self._flushed = time.monotonic()

    # -- catalog writes ----------------------------------------------------------------------

    def write(self, item: RemoteItem, data: dict[str, Any], content_hash: str
              ) -> tuple[str, str | None]:
        resources = data.pop("resources", [])
        previous = self.previous.get(item.remote_id)
        with unit_of_work():
            dataset = db.session.get(Dataset, previous.dataset_id) \
                if previous and previous.dataset_id else None
            if dataset is None and data.get("identifier"):
                dataset = self._same_identifier(item, data["identifier"])
            if dataset is None:
                dataset = self._create(data)
                status = "added"
            else:
                data["name"] = dataset.name
                catalog.update_dataset(dataset, data, SYSTEM)
                status = "updated"
            self._sync_resources(dataset, resources)
            self.series.written(item, dataset, item.extra.get(SERIES_LINKS))
            self._remember(item, dataset.id, content_hash, status)
        self.owner_of[dataset.id] = item.remote_id
        return status, dataset.id

    def _same_identifier(self, item: RemoteItem, identifier: str) -> Dataset | None:
        """A dataset that already carries this ``dct:identifier``: adopt it when it came from
        this source and no other item of it owns it; otherwise skip (no duplicate)."""
        found_id = db.session.scalar(select(Dataset.id).where(Dataset.identifier == identifier)
                                     .order_by(Dataset.state == "deleted").limit(1))
        if found_id is None:
            return None
        found = db.session.get(Dataset, found_id)
        origin = (found.extras or {}).get("harvest_source")
        owner = self.owner_of.get(found.id)
        if origin == self.source.name and owner in (None, item.remote_id):
            return found
        where = str(_l("de la fuente «{name}»")).format(name=origin) if origin else \
            str(_l("publicado directamente en el portal"))
        raise SkipItem(str(_l(
            "El identificador «{identifier}» ya está en el catálogo (conjunto «{dataset}», "
            "{where}); no se crea un duplicado.")).format(
                identifier=identifier, dataset=found.name, where=where), dataset_id=found.id)

    def _create(self, data: dict[str, Any]) -> Dataset:
        """Create the dataset under the remote name, or when that is taken under the first
        free variant. The catalog checks the name anyway: asking first would cost every new
        item a second query."""
        try:
            return catalog.create_dataset(data, SYSTEM)
        except ValidationError as exc:
            # Retry only a refusal of a taken name that left nothing behind in the session.
            if "name" not in exc.fields or db.session.new or not self._taken(data["name"]):
                raise
        data["name"] = self._free_name(data["name"])
        return catalog.create_dataset(data, SYSTEM)

    @staticmethod
    def _taken(name: str) -> bool:
        return db.session.scalar(select(Dataset.id).where(Dataset.name == name)) is not None

    def _free_name(self, wanted: str) -> str:
        candidates = [wanted, f"{wanted[:99 - len(self.source.name)]}-{self.source.name}"]
        candidates += [f"{wanted[:95]}-{n}" for n in range(2, 50)]
        for candidate in candidates:
            if not self._taken(candidate):
                return candidate
        raise SkipItem(str(_l("No se encontró un nombre libre para «{name}».")).format(
            name=wanted))

    def _sync_resources(self, dataset: Dataset, wanted: list[dict[str, Any]]) -> None:
        """Match remote resources to the dataset's by URL: update what changed, add what is
        new, remove links the source dropped (files uploaded in the portal are kept)."""
        current = [r for r in dataset.resources if not r.is_upload]
        fields = (*catalog.RESOURCE_FIELDS, *catalog.RESOURCE_TRANSLATIONS,
                  *catalog.LINK_FIELDS)  # a declared size too
        for data in wanted:
            match = next((r for r in current if r.url == data["url"]), None)
            if match is None:
                catalog.create_resource(dataset, data, SYSTEM)
                continue
            current.remove(match)
            if any(not _same(getattr(match, f), data.get(f)) for f in fields if f in data):
                catalog.update_resource(match, data, SYSTEM)
        for stale in current:
            catalog.delete_resource(stale, SYSTEM)

    def _remember(self, item: RemoteItem, dataset_id: str | None, content_hash: str,
                  status: str) -> None:
        obj = None
        if item.remote_id in self.previous:
            obj = db.session.scalar(select(HarvestObject).where(
                HarvestObject.source_id == self.source.id,
                HarvestObject.remote_id == item.remote_id))
        if obj is None:
            obj = HarvestObject(source_id=self.source.id, remote_id=item.remote_id)
            db.session.add(obj)
        obj.remote_url = item.url[:2000]
        obj.remote_modified = (item.modified or "")[:50]
        obj.dataset_id = dataset_id
        obj.content_hash = content_hash
        obj.status = status
        obj.last_job_id = self.job.id if self.job else None
        obj.updated = utcnow()

    def delete(self, previous: PreviousItem) -> str:
        with unit_of_work():
            dataset = db.session.get(Dataset, previous.dataset_id)
            if dataset is not None and dataset.state != "deleted":
                catalog.delete_dataset(dataset, SYSTEM)
            db.session.execute(update(HarvestObject).where(
                HarvestObject.source_id == self.source.id,
                HarvestObject.remote_id == previous.remote_id,
            ).values(status="deleted", content_hash="", last_job_id=self.job.id if self.job
                     else None, updated=utcnow()))
        return "deleted"

    # -- the job's record --------------------------------------------------------------------

    def record(self, outcome: ItemOutcome) -> None:
        self._counts[outcome.status] += 1
        self._items.append({
            "job_id": self.job.id, "remote_id": outcome.remote_id[:500],
            "remote_url": (outcome.remote_url or "")[:2000], "title": outcome.title[:500],
            "status": outcome.status, "message": outcome.message,
            "content_hash": outcome.content_hash, "dataset_id": outcome.dataset_id,
            "created": utcnow(),
        })
        if len(self._items) >= FLUSH_EVERY or time.monotonic() - self._flushed > FLUSH_SECONDS:
            self.flush()

    def error(self, type: str, message: str, url: str = "") -> None:
        with unit_of_work():
            db.session.add(HarvestError(job_id=self.job.id, type=type[:50], message=message,
                                        url=(url or "")[:2000]))

    def flush(self) -> None:
        """Store buffered item outcomes and the counts, and beat the job's heart."""
        now = utcnow()
        with unit_of_work():
            if self._items:
                db.session.execute(insert(HarvestItem), self._items)
            db.session.execute(update(HarvestJob).where(HarvestJob.id == self.job.id)
                               .values(heartbeat=now, **self._counts))
            db.session.execute(update(HarvestLock).where(HarvestLock.job_id == self.job.id)
                               .values(heartbeat=now))
        self._items = []
        self._flushed = time.monotonic()


class _Rollback(Exception):
    pass


class PreviewWriter(DatabaseWriter):
    """Does every write for real, then rolls it back: a faithful dry run that writes nothing."""

    def __init__(self, source: HarvestSource):
        super().__init__(source, None)
        self.outcomes: list[ItemOutcome] = []
        self.errors: list[tuple[str, str, str]] = []

    def write(self, item, data, content_hash):
        result: tuple[str, str | None] = ("failed", None)
        try:
            with unit_of_work():
                result = super().write(item, data, content_hash)
                raise _Rollback()
        except _Rollback:
            pass
        return result[0], None

    def delete(self, previous: PreviousItem) -> str:
        return "deleted"

    def record(self, outcome: ItemOutcome) -> None:
        self.outcomes.append(outcome)

    def error(self, type: str, message: str, url: str = "") -> None:
        self.errors.append((type, message, url))

    def flush(self) -> None:
        pass


# --- running ---------------------------------------------------------------------------------


@dataclass
class Preview:
    source: str
    counts: dict[str, int]
    items: list[ItemOutcome]
    errors: list[tuple[str, str, str]]
    listing_complete: bool


def _harvester(source: HarvestSource, previous) -> Any:
    backend = registry.get(source.type)
    policy = FetchPolicy.from_config(current_app.config)
    fetcher = Fetcher(policy)
    return backend(spec_of(source), fetcher, previous=previous)


def _job_status(result) -> str:
    if result.timed_out:
        return "timed_out"
    if result.seen == 0 and result.errors and not result.listing_complete:
        return "failed"
    if result.errors or result.counts["failed"]:
        return "errors"
    return "done"


def _job_message(result, status: str) -> str:
    counts = result.counts
    summary = str(_l(
        "{added} nuevos, {updated} actualizados, {unchanged} sin cambios, {deleted} dados de "
        "baja, {failed} con error, {skipped} omitidos.")).format(**counts)
    if status == "failed":
        return str(_l("No se pudo leer la fuente: {error}")).format(error=result.errors[0][1])
    if not result.listing_complete:
        summary += " " + str(_l("El listado quedó incompleto: no se dio de baja ningún conjunto."))
    return summary


def run_source(source: HarvestSource, *, trigger: str = "manual",
               progress: Callable[[ItemOutcome, Any], None] | None = None) -> HarvestJob:
    """Harvest ``source`` now. Raises ``HarvestBusy`` if a run of it is under way."""
    if source.type not in registry.names():
        raise ValidationError({"type": [str(_l("Tipo de fuente desconocido: «{type}».")).format(
            type=source.type)]})
    job = _start_job(source, trigger)
    writer = harvester = None
    try:
        writer = DatabaseWriter(source, job)
        harvester = _harvester(source, writer.previous)
        run = HarvestRun(harvester, writer, progress=progress,
                         hang_seconds=hang_limit().total_seconds())
        # Listeners (search index, dumps, validation) follow the items in batches.
        with catalog.announcements_in_batches(ANNOUNCE_EVERY):
            result = run.run()
        writer.flush()
        status = _job_status(result)
        message = _job_message(result, status)
    except BaseException as exc:  # record why, free the source, then let it go on
        if writer is not None:
            writer.flush()
        _close_job(job, "failed", str(_l("El trabajo se interrumpió: {error}")).format(
            error=f"{type(exc).__name__}: {exc}"), False)
        raise
    finally:
        if harvester is not None:
            harvester.close()
            harvester.fetcher.close()
    _close_job(job, status, message, result.listing_complete)
    return job


def _close_job(job: HarvestJob, status: str, message: str, complete: bool) -> None:
    with unit_of_work():
        current = db.session.get(HarvestJob, job.id)
        db.session.refresh(current)
        if current.status == "running":  # a reaper may have ended it meanwhile
            current.status = status
            current.message = message
        current.finished = current.finished or utcnow()
        current.listing_complete = complete
        db.session.execute(delete(HarvestLock).where(HarvestLock.job_id == job.id))


def preview_source(source: HarvestSource, *,
                   progress: Callable[[ItemOutcome, Any], None] | None = None) -> Preview:
    """What ``run_source`` would do, without writing anything."""
    writer = PreviewWriter(source)
    harvester = _harvester(source, writer.previous)
    try:
        result = HarvestRun(harvester, writer, progress=progress,
                            hang_seconds=hang_limit().total_seconds()).run()
    finally:
        harvester.close()
        harvester.fetcher.close()
    return Preview(source.name, result.counts, writer.outcomes, writer.errors,
                   result.listing_complete)


# --- schedules -------------------------------------------------------------------------------


def next_run(source: HarvestSource, after: datetime | None = None) -> datetime | None:
    """When the schedule next fires after the last scheduled-or-manual start (or creation)."""
    if not source.schedule or not source.active:
        return None
    if after is None:
        after = db.session.scalar(select(func.max(HarvestJob.started))
                                  .where(HarvestJob.source_id == source.id)) or source.created
    return croniter(source.schedule, after).get_next(datetime)


def due_sources(now: datetime | None = None) -> list[HarvestSource]:
    now = now or utcnow()
    sources = db.session.scalars(select(HarvestSource).where(
        HarvestSource.active.is_(True), HarvestSource.schedule != "")
        .order_by(HarvestSource.name))
    return [s for s in sources if (when := next_run(s)) is not None and when <= now
            and not is_running(s)]


def datasets_of(source: HarvestSource) -> int:
    return db.session.scalar(select(func.count()).select_from(HarvestObject).where(
        HarvestObject.source_id == source.id, HarvestObject.dataset_id.is_not(None),
        HarvestObject.status != "deleted")) or 0


def _same(stored: Any, sent: Any) -> bool:
    """Whether a source's value is what the catalog holds; a date and time sent as ISO text
    (``last_modified``) is compared as the UTC moment the catalog would store."""
    if isinstance(stored, datetime) and isinstance(sent, str):
        try:
            moment = datetime.fromisoformat(sent)
        except ValueError:
            return False
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return stored == moment
    return stored == sent
