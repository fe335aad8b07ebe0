"""``portal linkcheck run|report``: check links now, in this process, and print an entity's
(or every entity's) broken links."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal import db
from portal.catalog import services as catalog
from portal.catalog.models import Entity
from portal.errors import NotFound
from portal.linkcheck import services


@click.group("linkcheck")
def linkcheck_group() -> None:
    """Check the links of remote resources."""


@linkcheck_group.command("run")
@click.option("--dataset", "dataset_ref", help="Only this dataset's links (name or id).")
@click.option("--all", "everything", is_flag=True,
              help="Every link, due or not (default: only those due).")
@click.option("--budget", type=float, help="Start no check after this many seconds.")
@with_appcontext
def run_command(dataset_ref: str | None, everything: bool, budget: float | None) -> None:
    """Check the links due now (never checked, URL changed, or last checked more than
    PORTAL_LINKCHECK_INTERVAL_HOURS ago), or a dataset's, and record the outcomes."""
    ids = None
    if dataset_ref:
        try:
            ids = [resource.id for resource in catalog.get_dataset(dataset_ref).resources]
        except NotFound as exc:
            raise click.ClickException(exc.message) from None
    elif everything:
        ids = [row.id for row in db.session.execute(services.links_query())]
    summary = services.run(resource_ids=ids, budget=budget,
                           force=bool(dataset_ref) or everything)
    counts = ", ".join(f"{name}: {count}" for name, count in sorted(summary.by_status.items()))
    click.echo(f"{summary.checked} links checked in {summary.seconds:.1f} s"
               f"{'. ' + counts if counts else ''}.")


@linkcheck_group.command("report")
@click.argument("entity", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per broken link.")
@with_appcontext
def report_command(entity: str | None, as_json: bool) -> None:
    """Print the broken links of ENTITY (name or id), or of every entity, with the reason.
    Exits with 1 when there is any."""
    if entity:
        try:
            entities = [catalog.get_entity(entity)]
        except NotFound as exc:
            raise click.ClickException(exc.message) from None
    else:
        entities = list(db.session.scalars(select(Entity).order_by(Entity.name)))
    found = 0
    for each in entities:
        for check, resource, dataset in services.broken_in_entity(each, include_private=True):
            found += 1
            if as_json:
                click.echo(json.dumps({
                    "entity": each.name, "dataset": dataset.name, "resource_id": resource.id,
                    "url": resource.url, "status": check.status,
                    "http_status": check.http_status, "message": check.message,
                    "failures": check.failures,
                    "first_failure": check.first_failure.isoformat() + "Z",
                    "checked_at": check.checked_at.isoformat() + "Z"}, ensure_ascii=False))
            else:
                click.echo(f"{each.name}\t{dataset.name}\t{resource.url}\t{check.status}"
                           f"{' ' + str(check.http_status) if check.http_status else ''}\t"
                           f"{check.failures}x since {check.first_failure:%Y-%m-%d}")
    if not as_json:
        click.echo(f"{found} broken links.", err=True)
    if found:
        raise SystemExit(1)
