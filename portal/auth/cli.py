"""``portal user ...``: manage accounts from the command line."""

import click
from flask.cli import with_appcontext

from portal.auth import services
from portal.auth.permissions import SYSTEM
from portal.errors import PortalError


@click.group("user", help="Manage user accounts.")
def user_group() -> None:
    pass


@user_group.command("create")
@click.argument("name")
@click.option("--email", required=True, help="E-mail address of the user.")
@click.option("--password", required=True, help="Password (at least 8 characters).")
@click.option("--fullname", default="", help="Full name shown on pages.")
@click.option("--sysadmin", is_flag=True, help="Give the user every permission.")
@with_appcontext
def create_user(name: str, email: str, password: str, fullname: str, sysadmin: bool) -> None:
    """Create the user NAME."""
    try:
        user = services.create_user(
            {"name": name, "email": email, "password": password, "fullname": fullname,
             "sysadmin": sysadmin},
            SYSTEM,
        )
    except PortalError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created user {user.name}{' (sysadmin)' if user.sysadmin else ''}.")
