"""``portal datastore ingest|status``: load resources into the DataStore now, in this process,
and show where each one stands."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal import db
from portal.catalog import services as catalog
from portal.datastore import services
from portal.datastore.models import DatastoreTable
from portal.errors import NotFound


@click.group("datastore")
def datastore_group() -> None:
    """The DataStore: rows of the tabular resources."""


@datastore_group.command("ingest")
@click.argument("resource_ids", nargs=-1)
@click.option("--all", "everything", is_flag=True,
              help="Every validated table whose data is missing or of another version.")
@click.option("--force", is_flag=True, help="Load again even when the data is current.")
@with_appcontext
def ingest_command(resource_ids: tuple[str, ...], everything: bool, force: bool) -> None:
    """Load these resources (ids), or with --all every one that needs it."""
    from portal.catalog.models import Resource

    ids = list(resource_ids)
    if everything:
        ids += [resource.id for resource in db.session.scalars(select(Resource))
                if services.wants_ingest(resource)]
    if not ids:
        raise click.UsageError("name resources, or use --all")
    failed = 0
    for resource_id in ids:
        try:
            catalog.get_resource(resource_id)
        except NotFound as exc:
            raise click.ClickException(exc.message) from None
        state = services.ingest(resource_id, force=force)
        if state is None:
            click.echo(f"{resource_id}: not a table")
            failed += 1
            continue
        failed += state.status != "active"
        click.echo(f"{resource_id}: {state.status} {state.row_count} rows {state.message}"
                   .rstrip())
    if failed:
        raise SystemExit(1)


@datastore_group.command("status")
@click.argument("resource_id", required=False)
@with_appcontext
def status_command(resource_id: str | None) -> None:
    """One resource's DataStore state as JSON, or a line per loaded resource."""
    if resource_id:
        try:
            resource = catalog.get_resource(resource_id)
        except NotFound as exc:
            raise click.ClickException(exc.message) from None
        click.echo(json.dumps(services.status_dict(services.get_state(resource.id)),
                              ensure_ascii=False))
        return
    for state in db.session.scalars(select(DatastoreTable).order_by(DatastoreTable.created)):
        click.echo(f"{state.resource_id}\t{state.status}\t{state.row_count}\t{state.message}"
                   .rstrip())
