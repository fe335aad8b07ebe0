"""The ``portal`` command: Flask's CLI for the portal app, plus ``portal init``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from portal.app import create_app
from portal.config import SettingError


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


@click.command("serve", help="Run the portal under gunicorn, for production (behind a reverse "
               "proxy: see docs/deploy.md). `portal run` stays the development server.")
@click.option("--bind", "-b", help="address:port or unix:/path (default: PORTAL_SERVE_BIND).")
@click.option("--workers", "-w", type=click.IntRange(min=1),
              help="Worker processes (default: PORTAL_SERVE_WORKERS, else 2 x cores + 1).")
@click.option("--threads", type=click.IntRange(min=1),
              help="Threads per worker (default: PORTAL_SERVE_THREADS).")
@click.option("--check", is_flag=True, help="Check the settings, database and storage; exit.")
def serve_command(bind: str | None, workers: int | None, threads: int | None,
                  check: bool) -> None:
    from portal import server

    app = _create_app()
    problems = server.check(app)
    if problems:
        raise click.ClickException("\n".join(problems))
    chosen = server.options(app.config, bind=bind, workers=workers, threads=threads)
    if check:
        click.echo(f"Settings, database and storage are fine; would serve on "
                   f"{chosen['bind'][0]} with {chosen['workers']} workers x "
                   f"{chosen['threads']} threads.")
        return
    server.PortalServer(chosen).run()


def _create_app(*_args):
    try:
        app = create_app()
    except SettingError as exc:  # a setting the portal cannot start with: say which
        raise click.ClickException(str(exc)) from exc
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
main.add_command(serve_command)


if __name__ == "__main__":
    main()
