"""The link checker's rules and the only writer of ``link_check`` rows.

Which links are checked: every resource that is a link (``url_type`` other than ``upload``) with
a URL, of a dataset that is not deleted. A link is due when it was never checked, when its URL
is not the one last checked, or when its last check is older than
``PORTAL_LINKCHECK_INTERVAL_HOURS``. ``run`` checks the due links through ``checker.check_many``
and writes the outcomes in batches, each batch one transaction.

Functions for the quality score, the observatory and the pages: ``checks_for`` (the rows of some
resources), ``entity_counts`` (checked and broken links per entity), ``broken_in_entity`` (the
report of one entity). See docs/quality.md, "Link checks, freshness, openness".
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError

from portal import config, db, signals
from portal.catalog.models import Dataset, Entity, Resource
from portal.db import on_commit, unit_of_work, utcnow
from portal.linkcheck.checker import Outcome, Politeness, check_many
from portal.linkcheck.models import FAILED, LinkCheck
from portal.outbound import FetchPolicy

MODES = ("background", "off")
WRITE_BATCH = 200
READ_PAGE = 1000


def resolve_mode(app) -> str:
    return config.mode(app.config, "PORTAL_LINKCHECK_MODE", MODES, testing="off")


def policy(settings=None) -> FetchPolicy:
    """The fetcher's policy for link checks: the portal's allowed networks and CA bundle rules,
    with the link checker's own, shorter time limits."""
    settings = settings or current_app.config
    base = FetchPolicy.from_config(settings)
    timeout = float(settings.get("PORTAL_LINKCHECK_TIMEOUT") or 10.0)
    return FetchPolicy(timeout=timeout, download_seconds=2 * timeout, max_bytes=base.max_bytes,
                       allowed_networks=base.allowed_networks, max_redirects=5,
                       ca_certs=base.ca_certs)


def politeness(settings=None) -> Politeness:
    settings = settings or current_app.config
    return Politeness(threads=int(settings["PORTAL_LINKCHECK_THREADS"]),
                      per_host=max(1, int(settings["PORTAL_LINKCHECK_PER_HOST"])),
                      host_delay=max(0.0, float(settings["PORTAL_LINKCHECK_HOST_DELAY"])))


def links_query():
    """``(id, url)`` of the resources that are links, of datasets that are not deleted."""
    return (select(Resource.id, Resource.url)
            .join(Dataset, Dataset.id == Resource.dataset_id)
            .where(Dataset.state != "deleted", Resource.url_type != "upload", Resource.url != ""))


def due_query(now: datetime | None = None):
    """``(resource id, url)`` of the links due for a check, never-checked ones first."""
    now = now or utcnow()
    hours = float(current_app.config["PORTAL_LINKCHECK_INTERVAL_HOURS"])
    stale = now - timedelta(hours=hours)
    return (links_query().outerjoin(LinkCheck, LinkCheck.resource_id == Resource.id)
            .where(or_(LinkCheck.id.is_(None), LinkCheck.url != Resource.url,
                       LinkCheck.checked_at <= stale))
            .order_by(LinkCheck.checked_at.is_not(None), LinkCheck.checked_at, Resource.id))


def count_due() -> int:
    return db.session.scalar(select(func.count()).select_from(due_query().subquery())) or 0


def _pages(statement) -> Iterator[tuple[str, str]]:
    """The rows of ``statement`` by keyset pages of ``READ_PAGE`` resource ids (bounded memory,
    no long-lived cursor while checks run)."""
    last = ""
    inner = statement.order_by(None).subquery()
    while True:
        rows = db.session.execute(select(inner.c.id, inner.c.url).where(inner.c.id > last)
                                  .order_by(inner.c.id).limit(READ_PAGE)).all()
        db.session.rollback()  # end the read: writers must not wait for us
        if not rows:
            return
        yield from ((row.id, row.url) for row in rows)
        last = rows[-1].id


@dataclass
class RunSummary:
    checked: int = 0
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    by_status: dict[str, int] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "ok": self.ok, "failed": self.failed,
                "seconds": round(self.seconds, 2), "by_status": self.by_status or {}}


def run(*, resource_ids: Iterable[str] | None = None, budget: float | None = None,
        force: bool = False) -> RunSummary:
    """Check the due links (or these resources' links, due or not when ``force``) and record
    the outcomes; stop starting checks after ``budget`` seconds (the rest stays due)."""
    started = time.monotonic()
    if resource_ids is not None:
        ids = list(dict.fromkeys(resource_ids))
        statement = links_query().where(Resource.id.in_(ids)) if force else \
            due_query().where(Resource.id.in_(ids))
        items: Iterable[tuple[str, str]] = [
            (row.id, row.url) for row in db.session.execute(statement)]
        db.session.rollback()
    else:
        items = _pages(due_query())
    summary = RunSummary(by_status={})
    deadline = None if budget is None else started + budget
    pending: list[tuple[str, str, Outcome]] = []
    urls: dict[str, str] = {}

    def keyed() -> Iterator[tuple[str, str]]:
        for resource_id, url in items:
            urls[resource_id] = url
            yield resource_id, url

    for resource_id, outcome in check_many(keyed(), policy(), politeness(), deadline=deadline):
        pending.append((resource_id, urls.pop(resource_id), outcome))
        summary.checked += 1
        summary.by_status[outcome.status] = summary.by_status.get(outcome.status, 0) + 1
        if outcome.ok:
            summary.ok += 1
        else:
            summary.failed += 1
        if len(pending) >= WRITE_BATCH:
            record(pending)
            pending = []
    if pending:
        record(pending)
    summary.seconds = time.monotonic() - started
    return summary


def record(outcomes: list[tuple[str, str, Outcome]], now: datetime | None = None) -> None:
    """Write these checks' outcomes in one transaction. A resource deleted meanwhile, or whose
    URL changed while it was being checked, is left alone (its new URL is due). Another run
    that checked the same new link (the scheduled run and a dataset's check) may insert its row
    first: the batch is then written again over the rows that now exist."""
    for attempt in (1, 2):
        try:
            _record(outcomes, now or utcnow())
            return
        except IntegrityError:
            if attempt == 2:
                raise


def _record(outcomes: list[tuple[str, str, Outcome]], now: datetime) -> None:
    ids = [resource_id for resource_id, _url, _outcome in outcomes]
    changed: dict[str, None] = {}
    with unit_of_work() as session:
        current = {row.id: row for row in session.execute(
            select(Resource.id, Resource.url, Resource.dataset_id).where(Resource.id.in_(ids)))}
        rows = {row.resource_id: row for row in session.scalars(
            select(LinkCheck).where(LinkCheck.resource_id.in_(ids)))}
        for resource_id, url, outcome in outcomes:
            resource = current.get(resource_id)
            if resource is None or resource.url != url:
                continue
            row = rows.get(resource_id)
            before = _scored(row, url)
            if row is None:
                row = LinkCheck(resource_id=resource_id, url=url, url_since=now, failures=0)
                session.add(row)
            elif row.url != url:
                row.url, row.url_since = url, now
                row.failures, row.first_failure, row.last_success = 0, None, None
                row.remote_modified = None
            _apply(row, outcome, now)
            if _scored(row, url) != before:
                changed[resource.dataset_id] = None
        if changed:
            datasets = tuple(changed)
            on_commit(lambda: signals.links_checked.send(datasets))


def _scored(row: LinkCheck | None, url: str) -> tuple[Any, ...] | None:
    """What the quality score reads of a link's check (``quality.links``, ``quality.freshness``):
    whether it answers, and the dates of its data; ``None`` when its current URL is unchecked."""
    if row is None or row.url != url:
        return None
    return row.status == "ok", row.remote_modified, row.url_since


def _apply(row: LinkCheck, outcome: Outcome, now: datetime) -> None:
    row.status = outcome.status
    row.http_status = outcome.http_status
    row.message = outcome.message
    row.final_url = outcome.final_url[:2000]
    row.checked_at = now
    if outcome.ok:
        row.media_type = outcome.media_type[:200]
        row.size = outcome.size
        row.remote_modified = outcome.remote_modified or row.remote_modified
        row.last_success = now
        row.failures = 0
        row.first_failure = None
    else:
        row.failures = (row.failures or 0) + 1
        row.first_failure = row.first_failure or now


# -- reading ---------------------------------------------------------------------------------

def checks_for(resource_ids: Iterable[str]) -> dict[str, LinkCheck]:
    """The link checks of these resources, by resource id (a resource never checked, or an
    upload, has none)."""
    ids = list(resource_ids)
    if not ids:
        return {}
    return {row.resource_id: row for row in db.session.scalars(
        select(LinkCheck).where(LinkCheck.resource_id.in_(ids)))}


def current(check: LinkCheck | None, resource: Resource) -> LinkCheck | None:
    """``check`` if it is about the resource's current URL (not a link replaced since)."""
    if check is None or resource.is_upload or check.url != resource.url:
        return None
    return check


def is_broken(check: LinkCheck | None) -> bool:
    return check is not None and check.status in FAILED


def _current_checks():
    """Checks of links as they are now: the resource's URL is the one checked."""
    return (select(LinkCheck, Resource, Dataset)
            .join(Resource, and_(Resource.id == LinkCheck.resource_id,
                                 Resource.url == LinkCheck.url, Resource.url_type != "upload"))
            .join(Dataset, Dataset.id == Resource.dataset_id)
            .where(Dataset.state != "deleted"))


def entity_counts(*, public_only: bool = True) -> dict[str, dict[str, int]]:
    """``{entity id: {"links", "checked", "broken"}}``: links of the entity's datasets (public
    ones only unless told), how many have a check of their current URL, how many of those
    failed. One grouped statement."""
    links = links_query().add_columns(Dataset.entity_id)
    if public_only:
        links = links.where(Dataset.state == "active", Dataset.private.is_(False))
    inner = links.outerjoin(LinkCheck, and_(LinkCheck.resource_id == Resource.id,
                                            LinkCheck.url == Resource.url)) \
        .add_columns(LinkCheck.status).subquery()
    rows = db.session.execute(
        select(inner.c.entity_id, func.count(), func.count(inner.c.status),
               func.sum(case((inner.c.status.in_(FAILED), 1), else_=0)))
        .group_by(inner.c.entity_id)).all()
    return {entity_id: {"links": links_, "checked": checked, "broken": int(broken or 0)}
            for entity_id, links_, checked, broken in rows}


def broken_in_entity(entity: Entity, *, include_private: bool = False,
                     limit: int | None = None) -> list[tuple[LinkCheck, Resource, Dataset]]:
    """The entity's broken links (current URLs whose last check failed), the longest-failing
    first."""
    statement = _current_checks().where(Dataset.entity_id == entity.id,
                                        LinkCheck.status.in_(FAILED))
    if not include_private:
        statement = statement.where(Dataset.state == "active", Dataset.private.is_(False))
    statement = statement.order_by(LinkCheck.first_failure, Dataset.name, Resource.position)
    if limit is not None:
        statement = statement.limit(limit)
    return [tuple(row) for row in db.session.execute(statement).all()]


def dataset_labels(dataset_ids: list[str]) -> dict[str, tuple[str, str]]:
    """``{dataset id: (name, title)}``, for reports that list datasets by id."""
    labels: dict[str, tuple[str, str]] = {}
    for start in range(0, len(dataset_ids), 500):
        labels.update((row.id, (row.name, row.title)) for row in db.session.execute(
            select(Dataset.id, Dataset.name, Dataset.title)
            .where(Dataset.id.in_(dataset_ids[start:start + 500]))))
    return labels
