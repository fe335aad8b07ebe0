"""``portal search rebuild`` and ``portal search check``."""

from __future__ import annotations

import os
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from portal import db
from portal.catalog.models import Dataset
from portal.db import utcnow
from portal.search import documents, get_backend, tasks

SHOWN_IDS = 20


@click.group("search", help="The search index of datasets.")
def search_group() -> None:
    pass


@search_group.command("rebuild", help="Rebuild the search index from the database.")
@click.option("--procs", type=int, default=None,
              help="Indexing processes (default: the number of CPUs, at most 4).")
@with_appcontext
def rebuild_command(procs: int | None) -> None:
    started, began = time.monotonic(), utcnow()
    backend = get_backend()
    with db.standalone_session() as session:
        total = documents.count_indexable(session)
        with click.progressbar(documents.iter_documents(session), length=total,
                               label="Indexing datasets", show_pos=True) as bar:
            written = backend.rebuild(bar, procs=procs)
    caught_up = catch_up(began)
    click.echo(f"Indexed {written} datasets in {time.monotonic() - started:.1f} s."
               + (f" {caught_up} changed during the rebuild, indexed again." if caught_up else ""))


@search_group.command(
    "dictionaries",
    help="Store package_search's dictionaries of the public datasets whose revision moved "
         "(the job api.store_dictionaries does it every hour).")
@click.option("--procs", type=int, default=None,
              help="Processes (default: the number of CPUs, at most 4).")
@with_appcontext
def dictionaries_command(procs: int | None) -> None:
    from portal.api import stored_json

    started = time.monotonic()
    written = stored_json.refresh_in_processes(current_app._get_current_object(),
                                               procs or min(4, os.cpu_count() or 1))
    click.echo(f"Stored {written} dictionaries in {time.monotonic() - started:.1f} s.")


def catch_up(began) -> int:
    """After a rebuild: index again the datasets changed since it began (the live index, now
    swapped out, had them; the new one may have read them before the change), and repair
    everything if datasets were purged meanwhile. Returns the datasets written."""
    with db.standalone_session() as session:
        changed = list(session.scalars(select(Dataset.id).where(
            Dataset.metadata_modified >= began - tasks.MARGIN)))
        tasks.reindex(session, changed)
        indexable = documents.count_indexable(session)
    if get_backend().count() != indexable:
        return len(changed) + tasks.reconcile()
    return len(changed)


def _show(label: str, ids: list[str]) -> None:
    click.echo(f"{label}: {len(ids)}")
    for dataset_id in sorted(ids)[:SHOWN_IDS]:
        click.echo(f"  {dataset_id}")
    if len(ids) > SHOWN_IDS:
        click.echo(f"  ... and {len(ids) - SHOWN_IDS} more")


@search_group.command(
    "check",
    help="Compare the index with the database; exit status 1 when they disagree.",
)
@with_appcontext
def check_command() -> None:
    with db.standalone_session() as session:
        in_db = documents.modified_in_database(session)
    in_index = get_backend().modified_by_id()
    only_index = [i for i in in_index if i not in in_db]
    only_db = [i for i in in_db if i not in in_index]
    stale = [i for i, modified in in_db.items()
             if i in in_index and in_index[i] != modified]
    click.echo(f"Datasets in the database: {len(in_db)}; in the index: {len(in_index)}.")
    _show("In the index but not in the database", only_index)
    _show("In the database but not in the index", only_db)
    _show("Stale in the index (metadata_modified differs)", stale)
    if only_index or only_db or stale:
        click.echo("The index disagrees with the database: run `portal search rebuild`.")
        raise SystemExit(1)
    click.echo("The index agrees with the database.")
