"""``portal pige``: load the demo plans and regenerate the registry dataset."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.db import unit_of_work


@click.group("pige", help="Institutional e-government plans (PIGE, DS 5468).")
def pige_group() -> None:
    pass


@pige_group.command("demo", help="Load the demo plans for the demo entities (idempotent).")
@with_appcontext
def demo_command() -> None:
    from portal.pige.demo import load_demo_plans

    counts = load_demo_plans()
    click.echo(f"Demo PIGE plans: {counts['plans']} ({counts['created_plans']} new, "
               f"{counts['reports']} progress reports).")


@pige_group.command("registry", help="Regenerate the PIGE registry dataset (CSV and JSON).")
@with_appcontext
def registry_command() -> None:
    from portal.pige import registry

    with unit_of_work():
        dataset = registry.refresh()
    if dataset is None:
        raise click.ClickException("The catalog has no 'agetic' entity: the registry dataset "
                                   "belongs to it. Create it (or load the demo) first.")
    click.echo(f"Registry dataset '{dataset.name}' is up to date "
               f"({len(dataset.resources)} resources).")


@pige_group.command("scope", help="Record which paragraph of DS 3251 Art. 2 (as modified by "
                    "DS 5468, Disposición Adicional Única) applies to an entity: I (obliged), "
                    "II or III (voluntary).")
@click.argument("entity")
@click.argument("paragraph")
@click.option("--note", default="", help="Why (the norm that places the entity).")
@with_appcontext
def scope_command(entity: str, paragraph: str, note: str) -> None:
    from portal.auth.permissions import SYSTEM
    from portal.pige import scope
    from portal.pige.refusals import PlanRefused

    try:
        row = scope.set_scope(entity, paragraph, SYSTEM, note)
    except PlanRefused as exc:
        raise click.ClickException(str(exc)) from None
    found = scope.scope_of(row.entity)
    click.echo(f"{row.entity.name}: paragraph {row.paragraph} ({found.kind}).")


@pige_group.command("notices", help="Send the e-mail notices of the procedure that are due "
                    "(steps waiting, due within 5 business days, overdue); each is sent once.")
@click.option("--date", "on", default=None, help="As of this day (YYYY-MM-DD; default today).")
@with_appcontext
def notices_command(on: str | None) -> None:
    import datetime as dt

    from flask import current_app

    from portal.pige import notices

    if not current_app.config.get("PORTAL_SMTP_URL"):
        raise click.ClickException("PORTAL_SMTP_URL is not set: no mail can be sent.")
    counts = notices.send_due(dt.date.fromisoformat(on) if on else None)
    click.echo("Notices sent: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".")
