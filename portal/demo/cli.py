"""``portal demo load``: fill the catalog with the demo entities, themes and datasets."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from portal.demo.catalog import iter_demo_datasets
from portal.demo.load import load_demo
from portal.pige.demo import load_demo_plans


@click.group("demo", help="The demo catalog of real Bolivian public entities.")
def demo_group() -> None:
    pass


@demo_group.command(
    "load",
    help="Load the demo entities, themes and datasets with their files. Idempotent: what "
    "already exists (by name) is kept.",
)
@with_appcontext
def load_command() -> None:
    started = time.monotonic()
    datasets = list(iter_demo_datasets())
    with click.progressbar(datasets, label="Loading datasets", show_pos=True) as bar:
        counts = load_demo(datasets=bar)
    plans = load_demo_plans()
    click.echo(
        f"Demo catalog: {counts['entities']} entities ({counts['created_entities']} new), "
        f"{counts['themes']} themes ({counts['created_themes']} new), "
        f"{counts['datasets']} datasets ({counts['created_datasets']} new), "
        f"{counts['resources']} resources ({counts['created_resources']} new), "
        f"{plans['plans']} PIGE plans ({plans['created_plans']} new) "
        f"in {time.monotonic() - started:.1f} s."
    )
