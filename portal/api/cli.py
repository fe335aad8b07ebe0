"""``portal token ...``: API tokens for scripts, from the command line."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from portal.api.params import MAX_TOKEN_DAYS
from portal.auth import services as auth
from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.errors import PortalError


@click.group("token", help="Manage API tokens.")
def token_group() -> None:
    pass


@token_group.command("create")
@click.argument("user")
@click.option("--name", default="", help="A name to recognise the token by.")
@click.option("--expires-in-days", type=click.IntRange(min=1, max=MAX_TOKEN_DAYS), default=None,
              help="Days until the token expires (default: never).")
@with_appcontext
def create_token(user: str, name: str, expires_in_days: int | None) -> None:
    """Create an API token for USER (name or id) and print it. It is shown only once."""
    try:
        owner = auth.get_user(user)
        expires = timedelta(days=expires_in_days) if expires_in_days else None
        _token, raw = tokens.create_token(owner, SYSTEM, name=name, expires_in=expires)
    except PortalError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(raw)


@token_group.command("list")
@click.argument("user")
@with_appcontext
def list_tokens(user: str) -> None:
    """List USER's tokens that have not been revoked (never the tokens themselves)."""
    try:
        found = tokens.list_tokens(auth.get_user(user), SYSTEM)
    except PortalError as exc:
        raise click.ClickException(exc.message) from None
    for token in found:
        expires = token.expires.isoformat(" ", "minutes") if token.expires else "never"
        used = token.last_used.isoformat(" ", "minutes") if token.last_used else "never"
        click.echo(f"{token.id}\t{token.name or '-'}\texpires {expires}\tlast used {used}")


@token_group.command("revoke")
@click.argument("token_id")
@with_appcontext
def revoke_token(token_id: str) -> None:
    """Revoke the token with id TOKEN_ID (see ``portal token list``)."""
    try:
        tokens.revoke_token(tokens.get_token(token_id), SYSTEM)
    except PortalError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Revoked token {token_id}.")
