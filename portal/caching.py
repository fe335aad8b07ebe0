"""HTTP caching of public reads: validators, 304s, Cache-Control and Vary, and a cache of
serialised answers keyed by the revision of what they show.

* ``revision`` strings are read from the database on every request (a few indexed columns, no
  rendering), so every web node computes the same one and a write is seen at once everywhere:
  a dataset's revision is its ``metadata_modified`` with its entity's, its themes' and its
  resources' validation reports' and link checks', its latest quality score's, and the day
  (freshness); the catalog's is
  the newest change of any dataset, entity or theme and the newest purge of a dataset.
* ``conditional(...)`` answers ``304 Not Modified`` when the request's ``If-None-Match`` (or,
  without it, ``If-Modified-Since``) matches, before anything is rendered; otherwise it builds
  the body, through the serialised cache when the viewer is anonymous. Garbage validators match
  nothing: the full answer is sent.
* Only anonymous viewers with an empty session get validators or cached bodies, so a private
  dataset or a page that depends on a session is never served from a public entry.
* ``after_request``: a GET answered to an anonymous viewer with an empty session, setting no
  cookie, may be kept by a reverse proxy for ``PORTAL_CACHE_SECONDS``; anything else is
  ``private, no-cache``. Pages vary on ``Accept-Language`` and ``Cookie`` (the language
  cookie and the session).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, current_app, request, session
from flask_login import current_user
from sqlalchemy import Connection, bindparam, func, or_, select

from portal import config, db

#: The environ key portal.response_cache reads (kept here: that module imports this one).
RESPONSE_REVISION = "portal.response_revision"
CACHEABLE_STATUS = (200, 203, 300, 301, 304, 404, 410)
COMPRESSED = ("br", "gzip", "zstd", "deflate")


class BodyCache:
    """A bounded, thread-safe least-recently-used map of serialised bodies (one per process)."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def public_viewer() -> bool:
    """An anonymous viewer whose session holds nothing (no flash, no form token): what they are
    answered depends on the URL, the language and the data only."""
    return not current_user.is_authenticated and not session \
        and "Authorization" not in request.headers and "X-CKAN-API-Key" not in request.headers


class Revision:
    """The stamps a set of answers is made from: ``key`` for entity tags, ``modified`` (the
    newest of them) for ``Last-Modified``."""

    def __init__(self, parts):
        self.key = "|".join(p.isoformat() if isinstance(p, datetime) else str(p) for p in parts)
        self.modified = max((p for p in parts if isinstance(p, datetime)), default=None)


#: A connection of the engine that revision statements use instead of the session's, while
#: ``revalidating`` runs (no ORM session is made for a read of a few stamps).
_REVALIDATING: ContextVar[Connection | None] = ContextVar("revalidating", default=None)


def _connection() -> Connection:
    return _REVALIDATING.get() or db.session.connection()


def revalidating(revision: Callable[[], Revision | None]) -> Revision | None:
    """``revision()`` on a connection of its own, outside any session (portal.response_cache
    checks its entries this way, in an app context)."""
    with db.engine().connect() as connection:
        token = _REVALIDATING.set(connection)
        try:
            return revision()
        finally:
            _REVALIDATING.reset(token)


@functools.cache
def dataset_stamp_groups():
    """What a public dataset's pages and documents are made of besides its own row and its
    entity's, as ``(dataset id column, one-row aggregate)`` per table, uncorrelated: the single
    statement below compares each with one dataset, ``package_search`` groups them over a page
    of datasets (``portal.api.dataset_json``)."""
    from portal.catalog.models import Resource, Theme, dataset_theme
    from portal.datastore.models import DatastoreTable
    from portal.linkcheck.models import LinkCheck
    from portal.quality.models import QualityScore
    from portal.validation.models import ValidationReport

    themes = select(func.max(Theme.modified), func.count()).join_from(
        Theme, dataset_theme, dataset_theme.c.theme_id == Theme.id)
    reports = select(func.count(), func.max(ValidationReport.created),
                     func.max(ValidationReport.started), func.max(ValidationReport.finished),
                     func.min(ValidationReport.status), func.max(ValidationReport.status)) \
        .join_from(ValidationReport, Resource, Resource.id == ValidationReport.resource_id)
    # Link checks, and the day (in the statements themselves): a dataset becomes overdue
    # (freshness) without any write.
    links = select(func.count(), func.max(LinkCheck.checked_at)).join_from(
        LinkCheck, Resource, Resource.id == LinkCheck.resource_id)
    # The DataStore's loads (the resource page's section, ``datastore_active``), after the job.
    stores = select(func.count(), func.max(DatastoreTable.finished)).join_from(
        DatastoreTable, Resource, Resource.id == DatastoreTable.resource_id)
    # The quality score (its DQV measurements are in the dataset's documents), rescored after
    # the change's commit and each night.
    score = select(func.max(QualityScore.computed))
    return ((dataset_theme.c.dataset_id, themes), (Resource.dataset_id, reports),
            (Resource.dataset_id, links), (Resource.dataset_id, stores),
            (QualityScore.dataset_id, score))


@functools.cache
def dataset_revision_statement():
    """Built once: building a statement costs more than running it."""
    from portal.catalog.models import Dataset, Entity

    ref = bindparam("ref")
    return select(Dataset.id, Dataset.name, Dataset.metadata_modified, Entity.modified,
                  *(column.scalar_subquery() for key, group in dataset_stamp_groups()
                    for column in _columns(group.where(key == Dataset.id))),
                  func.current_date()) \
        .join(Entity, Entity.id == Dataset.entity_id) \
        .where(or_(Dataset.name == ref, Dataset.id == ref), Dataset.state == "active",
               Dataset.private.is_(False))


def dataset_revision(ref: str) -> Revision | None:
    """What a public dataset's pages and documents show changes only when this does: its
    ``metadata_modified``, its entity's and themes' changes, its validation reports. One
    statement, no object loaded. None when ``ref`` (a name or an id) is no public dataset."""
    row = _connection().execute(dataset_revision_statement(), {"ref": ref}).first()
    return None if row is None else Revision(row)


def _columns(statement):
    """Each column of a one-row aggregate as a statement of its own (a scalar subquery each:
    portable, where a row value in the select list is not)."""
    return [statement.with_only_columns(column) for column in statement.selected_columns]


def catalog_revision() -> Revision:
    """Changes whenever any dataset, entity or theme does (a write anywhere in the catalog), or
    a dataset is purged."""
    return Revision(_connection().execute(_catalog_revision_statement()).one())


@functools.cache
def _catalog_revision_statement():
    """Index lookups only, whatever the catalog's size: the newest change of a dataset, entity
    or theme, and the newest purge (a purged row leaves no date behind; the audit log records
    each). Counting the datasets instead cost 8 ms at 100,000 of them, on every page."""
    from portal.audit.models import AuditEvent
    from portal.catalog.models import Dataset, Entity, Theme

    return select(
        select(func.max(Dataset.metadata_modified)).scalar_subquery(),
        select(func.max(AuditEvent.created)).where(
            AuditEvent.action == "dataset.purge").scalar_subquery(),
        select(func.max(Entity.modified)).scalar_subquery(),
        select(func.max(Theme.modified)).scalar_subquery(),
    )


def search_revision() -> Revision | None:
    """Pages of search results change with the catalog or with the search index (which follows
    the catalog through the job queue, so it has a version of its own); None without one."""
    version = current_app.extensions.get("search_version")
    index = version() if version is not None else None
    if index is None:
        return None
    catalog = catalog_revision()
    return Revision([catalog.key, index, *(() if catalog.modified is None
                                           else (catalog.modified,))])


def etag_for(*parts: object) -> str:
    """A strong entity tag for these parts, the interface language, the host and the portal's
    version (the serialised cache is keyed by it: a page in one language is never another's)."""
    from portal.i18n import language

    text = "|".join(str(part) for part in (*parts, language(), request.host_url,
                                           current_app.extensions["caching_version"]))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _fresh(etag: str, last_modified: datetime | None) -> bool:
    """Whether the client's copy is current (RFC 9110 section 13.2.2: If-None-Match first)."""
    if "If-None-Match" in request.headers:  # compression suffixes the tag (portal.compression)
        return any(request.if_none_match.contains_weak(tag) for tag in (etag, *(
            f"{etag}:{algorithm}" for algorithm in COMPRESSED)))
    since = request.if_modified_since  # None when missing or unparsable
    if since is None or last_modified is None:
        return False
    return last_modified.replace(microsecond=0, tzinfo=UTC) <= since


def conditional(build: Callable[[], Response], revision: Callable[[], Revision | None],
                vary: str = "") -> Response:
    """The answer ``build`` makes, or a 304 when the client's validators are current. Anonymous
    viewers only: anyone else gets ``build()`` as it is, and ``revision`` is not even read; so
    does a ``revision`` of None (nothing public there: ``build`` says what to answer)."""
    current = revision() if public_viewer() else None
    if current is None:
        return build()
    etag = etag_for(request.full_path, current.key)
    last_modified = current.modified
    if _fresh(etag, last_modified):
        response = Response(status=304)
    else:
        key = f"{etag}|{request.full_path}"
        cache: BodyCache = current_app.extensions["caching_bodies"]
        found = cache.get(key)
        if found is None:
            built = build()
            if built.status_code != 200 or built.is_streamed or session.modified:
                return built  # an error, a stream, or a page that wrote to the session
            found = (built.get_data(), built.content_type)
            cache.put(key, found)
        response = Response(found[0], content_type=found[1])
    # portal.response_cache keeps the answer as sent, to revalidate with ``revision``.
    request.environ[RESPONSE_REVISION] = (revision, current.key)
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified.replace(tzinfo=UTC)
    if vary:
        response.vary.add(vary)
    return response


def _cache_control(response: Response) -> Response:
    if "Cache-Control" in response.headers or request.method not in ("GET", "HEAD"):
        return response
    seconds = current_app.config["PORTAL_CACHE_SECONDS"]
    shared = seconds > 0 and response.status_code in CACHEABLE_STATUS \
        and "Set-Cookie" not in response.headers and public_viewer()
    if shared:
        response.cache_control.public = True
        response.cache_control.max_age = seconds
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    if response.mimetype == "text/html":  # the interface language: cookie, else the browser's
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def init_app(app: Flask) -> None:
    app.extensions["caching_bodies"] = BodyCache(app.config["PORTAL_CACHE_ENTRIES"])
    # A deploy of other code changes what the kept answers would hold: they are not reused.
    app.extensions["caching_version"] = f"{config.portal_version()}+{config.code_fingerprint()}"
    app.after_request(_cache_control)
