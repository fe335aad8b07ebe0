"""The ``portal`` command: Flask's CLI for the portal app, plus ``portal init``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from portal.app import create_app


@click.command("init", help="Create the database, or upgrade it to the latest schema (and the "
               "job queue's tables with PORTAL_JOBS_BACKEND=procrastinate). Idempotent.")
@with_appcontext
def init_command() -> None:
    from portal import jobs, migrations

    before, after = migrations.upgrade(current_app)
    if before == after:
        click.echo(f"Database is up to date ({', '.join(after) or 'empty'}).")
    else:
        click.echo(f"Database upgraded: {', '.join(before) or 'empty'} -> {', '.join(after)}.")
    if jobs.backend().name == "procrastinate" and jobs.backend().apply_schema():
        click.echo("Job queue created (procrastinate's tables).")


@click.command("config", help="Show every setting, its current value and what it means.")
@with_appcontext
def config_command() -> None:
    from portal.config import SETTINGS

    for setting in SETTINGS:
        value = current_app.config.get(setting.name)
        if setting.name == "PORTAL_SECRET_KEY":
            value = "(set)" if value else "(generated)"
        click.echo(f"{setting.name}={value}\n    {setting.help}")


def _create_app(*_args):
    app = create_app()
    app.cli.add_command(init_command)
    app.cli.add_command(config_command)
    return app


main = FlaskGroup(
    name="portal",
    create_app=_create_app,
    add_default_commands=True,
    set_debug_flag=False,
    help="Datos Abiertos: manage and run the open-data portal.",
)


if __name__ == "__main__":
    main()
