"""``portal audit list``: read the audit log from the command line."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from portal.audit import services
from portal.audit.models import OUTCOMES
from portal.auth.permissions import SYSTEM


@click.group("audit", help="Read the audit log (logins, tokens, roles).")
def audit_group() -> None:
    pass


@audit_group.command("list")
@click.option("--action", type=click.Choice(services.ACTIONS), help="Only this action.")
@click.option("--actor", help="Only events of this user name.")
@click.option("--outcome", type=click.Choice(OUTCOMES), help="Only successes or failures.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10000),
              help="Newest events to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@with_appcontext
def list_events(action: str | None, actor: str | None, outcome: str | None, limit: int,
                as_json: bool) -> None:
    """The newest events first."""
    filters = services.Filters(action=action, actor=actor, outcome=outcome)
    for event in services.list_events(SYSTEM, filters, limit=limit):
        row = {"created": event.created.isoformat(timespec="seconds"), "actor": event.actor,
               "action": event.action, "target": event.target, "ip": event.ip,
               "outcome": event.outcome, "detail": event.detail}
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            click.echo("\t".join(row.values()))
