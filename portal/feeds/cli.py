"""``portal dump build``: rebuild the full-catalog dumps."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from portal.feeds import dumps
from portal.storage import storage

dump_cli = AppGroup("dump", help="Full-catalog dumps (catalog.ttl.gz, catalog.jsonl.gz).")


@dump_cli.command("build", help="Rewrite every dataset fragment and assemble the dump files.")
@click.option("--format", "formats", type=click.Choice(sorted(dumps.FORMATS)), multiple=True,
              help="Only this dump (repeatable). Default: all.")
def build_command(formats: tuple[str, ...]) -> None:
    started = time.perf_counter()
    count = dumps.rebuild_fragments()
    keys = dumps.build(formats or tuple(dumps.FORMATS))
    for fmt, key in keys.items():
        click.echo(f"{fmt}: {key} ({storage().stat(key).size} bytes)")
    click.echo(f"{count} public datasets in {time.perf_counter() - started:.1f} s.")
