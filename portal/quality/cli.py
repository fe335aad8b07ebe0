"""``portal quality``: recompute the scores, show one dataset's."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from portal import jobs
from portal.errors import NotFound


def _dataset_id(name: str) -> str:
    from portal.catalog import services as catalog

    try:
        return catalog.get_dataset(name).id
    except NotFound as error:
        raise click.ClickException(str(error)) from None


@click.group("quality")
def quality_group() -> None:
    """Metadata quality scores (MQA)."""


@quality_group.command("recompute")
@click.argument("names", nargs=-1)
@with_appcontext
def recompute_command(names: tuple[str, ...]) -> None:
    """Score every dataset now (or only the datasets NAMES)."""
    from portal.quality import publication, services

    started = time.monotonic()
    if names:
        count = services.score_datasets([_dataset_id(name) for name in names])
    else:
        count = services.recompute_all()
        publication.refresh()
    click.echo(f"{count} datasets scored in {time.monotonic() - started:.1f} s")


@quality_group.command("enqueue")
@with_appcontext
def enqueue_command() -> None:
    """Ask the job queue to score every dataset (what the nightly schedule does)."""
    jobs.enqueue("quality.recompute")
    click.echo("quality.recompute queued")


@quality_group.command("show")
@click.argument("name")
@with_appcontext
def show_command(name: str) -> None:
    """Print a dataset's latest score, per dimension, and what to fix first."""
    from portal.quality import mqa, services

    found = services.latest(_dataset_id(name))
    if found is None:
        raise click.ClickException(f"{name} has no score yet: run `portal quality recompute`")
    click.echo(f"{name}: {found.assessment.points:g} / {mqa.MAX_POINTS} "
               f"({found.assessment.rating}) on {found.score.day.isoformat()}")
    for dimension in mqa.DIMENSIONS:
        click.echo(f"  {dimension}: {found.assessment.dimensions[dimension]:g} / "
                   f"{mqa.DIMENSION_MAX[dimension]}")
    for measurement in found.fixes:
        click.echo(f"  +{measurement.missing:g} {measurement.indicator.key}")
