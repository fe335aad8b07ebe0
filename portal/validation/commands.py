"""``portal validate DATASET|--all``: validate the catalog's resources from the command line, in
this process, with a progress bar. Needs the app (unlike ``validate-file``, which checks a local
file and writes nothing)."""

from __future__ import annotations

from collections import Counter

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal import db
from portal.catalog import services as catalog
from portal.catalog.models import Dataset, Resource
from portal.errors import NotFound
from portal.validation import services


@click.command("validate")
@click.argument("dataset", required=False)
@click.option("--all", "everything", is_flag=True, help="Every resource of every dataset.")
@click.option("--changed", is_flag=True,
              help="Only resources whose report is missing or stale (default: all of them).")
@with_appcontext
def validate_command(dataset: str | None, everything: bool, changed: bool) -> None:
    """Validate the resources of DATASET (name or id), or of every dataset with --all."""
    if bool(dataset) == everything:
        raise click.UsageError("Give a DATASET or --all (not both).")
    if everything:
        query = (select(Resource.id).join(Dataset).where(Dataset.state != "deleted")
                 .order_by(Dataset.name, Resource.position))
        ids = list(db.session.scalars(query))
    else:
        try:
            found = catalog.get_dataset(dataset or "")
        except NotFound as exc:
            raise click.ClickException(exc.message) from None
        ids = [resource.id for resource in found.resources]
    counts: Counter[str] = Counter()
    with click.progressbar(ids, label="Validating", show_pos=True,
                           item_show_func=lambda _id: None) as bar:
        for resource_id in bar:
            resource = db.session.get(Resource, resource_id)
            if resource is None:
                continue
            if not services.is_candidate(resource):
                counts["not validated"] += 1
                continue
            report = services.validate_resource(resource, force=not changed)
            counts[report.status if report is not None else "not validated"] += 1
    summary = ", ".join(f"{name}: {count}" for name, count in sorted(counts.items()))
    click.echo(f"{len(ids)} resources. {summary or 'nothing to validate'}.")
    if counts["failure"] or counts["error"]:
        raise SystemExit(1)
