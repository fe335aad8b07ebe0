"""``package_show``'s dictionaries of the public datasets kept as JSON text in the database,
shared by every web process and node (CKAN keeps them in Solr, ``validated_data_dict``).

``dataset_json.package_dicts`` keeps each process's dictionaries in memory; a process that has
not served a dataset yet builds its dictionary from the database (loading it with its resources,
themes and checks, then marshmallow): about 0.75 ms each, 0.75 s for a ``rows=1000`` page. This
table holds them ready: a row per public dataset with the revision it was built at (the stamps
``package_show``'s cache is keyed by) and the variant (interface language, host, portal
version and code digest) it was built for. A page reads the rows of the datasets its process
does not keep and uses a text only if both its revision and its variant are the page's: a row
that lags behind is never served, it only costs the live build it would have spared.

``refresh()`` writes the rows of the datasets whose revision moved (or that have none), for the
canonical variant: the default language and ``PORTAL_SITE_URL``, the host the public reaches
(behind a proxy, its ``X-Forwarded-Host`` as ``ProxyFix`` gives it). The job
``api.store_dictionaries`` runs it every hour and ``portal search dictionaries`` on demand
(after a rebuild or a bulk load). The revisions hold the day (freshness), so the first run
after midnight writes every row again. Rows of datasets no longer public are deleted.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing

from flask import Flask, current_app, request
from sqlalchemy import String, Text, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from portal import db, jobs
from portal.db import Base
from portal.i18n import language
from portal.sql_constructs import as_parameter, in_list, utf8

log = logging.getLogger(__name__)

#: Datasets read, compared and written per transaction.
CHUNK = 500
#: Every hour, one run at a time: a run that finds nothing moved still reads every public
#: dataset's revision (4 s at 100,000 datasets), and a row that lags behind only costs the live
#: build it would have spared.
EVERY = 3600


class StoredDatasetJson(Base):
    """One public dataset's ``package_show`` dictionary as JSON text, with what it was built
    from. No foreign key: a purged dataset's row is deleted by the next ``refresh()`` and never
    read before (its id leaves the search index and its revision is gone)."""

    __tablename__ = "dataset_json"

    dataset_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    variant: Mapped[str] = mapped_column(String(500))
    revision: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


def variant(language: str, host_url: str, version: str) -> str:
    return f"{language}|{host_url}|{version}"


def _site_url(app: Flask) -> str:
    return app.config["PORTAL_SITE_URL"].rstrip("/") + "/"


def read(revisions: dict[str, str], wanted: str) -> dict[str, bytes]:
    """The stored texts (UTF-8) of these datasets (id -> revision key) built at that revision
    for the ``wanted`` variant."""
    found: dict[str, bytes] = {}
    for dataset_id, revision, body in db.session.connection().execute(
            _read_statement(), {"ids": as_parameter(revisions), "variant": wanted}):
        if revisions.get(dataset_id) == revision:
            found[dataset_id] = body
    return found


@functools.cache
def _read_statement():
    return select(StoredDatasetJson.dataset_id, StoredDatasetJson.revision,
                  utf8(StoredDatasetJson.body)).where(
        in_list(StoredDatasetJson.dataset_id, "ids"),
        StoredDatasetJson.variant == bindparam("variant"))


def refresh(app: Flask, part: tuple[int, int] = (0, 1)) -> int:
    """Write the rows of the public datasets whose stored text is missing or built at another
    revision or variant; delete the rows of datasets no longer public. One transaction per
    chunk. ``part`` (number, parts): this process's share of the datasets, every ``parts``-th
    from the ``number``-th (``refresh_in_processes``); the first part deletes. Returns how many
    rows were written."""
    from portal.api import dataset_json
    from portal.catalog.models import Dataset

    number, parts = part
    written = 0
    with app.test_request_context("/", base_url=_site_url(app)):
        # As a request from the public to the site's address would have it.
        wanted = variant(language(), request.host_url, app.extensions["caching_version"])
        public_ids = select(Dataset.id).where(Dataset.state == "active",
                                              Dataset.private.is_(False))
        public = db.session.scalars(public_ids.order_by(Dataset.id)).all()[number::parts]
        for start in range(0, len(public), CHUNK):
            chunk = public[start:start + CHUNK]
            revisions = dataset_json._revisions(chunk)
            stored = dict(db.session.execute(
                select(StoredDatasetJson.dataset_id, StoredDatasetJson.revision).where(
                    in_list(StoredDatasetJson.dataset_id, "ids"),
                    StoredDatasetJson.variant == wanted), {"ids": as_parameter(chunk)}).all())
            stale = [i for i in chunk if i in revisions and stored.get(i) != revisions[i]]
            if stale:
                texts = dataset_json.build(stale)
                _upsert([{"dataset_id": i, "variant": wanted, "revision": revisions[i],
                          "body": text.decode()} for i, text in texts.items()])
                written += len(texts)
            db.session.remove()  # the chunk's objects go: a full run holds one chunk at a time
        if number == 0:
            with db.unit_of_work() as session:
                session.execute(delete(StoredDatasetJson).where(
                    StoredDatasetJson.dataset_id.not_in(public_ids)))
    return written


def refresh_in_processes(app: Flask, procs: int) -> int:
    """``refresh`` shared out between ``procs`` forked processes (building a dictionary is
    Python work: one process per CPU, about 1 ms a dataset each). Returns the rows written."""
    if procs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return refresh(app)
    app.extensions["db_engine"].dispose()  # no open connection crosses the fork
    context = multiprocessing.get_context("fork")
    counts = context.Array("q", procs)
    workers = [context.Process(target=_refresh_part, args=(app, (number, procs), counts))
               for number in range(procs)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    failed = [worker.exitcode for worker in workers if worker.exitcode != 0]
    if failed:
        raise RuntimeError(f"storing the dictionaries failed in {len(failed)} of {procs} "
                           "processes (their errors are above)")
    return sum(counts)


def _refresh_part(app: Flask, part: tuple[int, int], counts) -> None:
    app.extensions["db_engine"].dispose(close=False)  # the parent's pool is not this one's
    counts[part[0]] = refresh(app, part)


def _upsert(rows: list[dict]) -> None:
    """Write these rows in one transaction, replacing those of the same datasets (a run of
    the command may meet the job's)."""
    if not rows:
        return
    with db.unit_of_work() as session:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(StoredDatasetJson).values(rows)
        session.execute(statement.on_conflict_do_update(
            index_elements=[StoredDatasetJson.dataset_id],
            set_={name: statement.excluded[name] for name in ("variant", "revision", "body")}))


@jobs.job("api.store_dictionaries", every=EVERY)  # periodic: one run at a time
def store_dictionaries() -> int:
    """Keep the stored dictionaries of every public dataset at their current revision (with
    ``PORTAL_STORE_DICTIONARIES`` off: delete them)."""
    if not current_app.config["PORTAL_STORE_DICTIONARIES"]:
        with db.unit_of_work() as session:
            session.execute(delete(StoredDatasetJson))
        return 0
    count = refresh(current_app._get_current_object())
    if count:
        log.info("stored the dictionaries of %d datasets", count)
    return count
