"""``portal maps check``: read the municipal boundaries file and say what it holds."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.config import SettingError
from portal.resource_views import boundaries

#: Listed in full up to this many; then counted.
SHOWN = 20


@click.group("maps")
def maps_group() -> None:
    """Boundaries of Bolivia for the maps' choropleths."""


def _numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:SHOWN])
    return shown + (f" and {len(numbers) - SHOWN} more" if len(numbers) > SHOWN else "")


@maps_group.command("check")
@click.option("--file", "path", type=click.Path(dir_okay=False),
              help="Check this file instead of PORTAL_MUNICIPAL_BOUNDARIES (before setting it).")
@with_appcontext
def check_command(path: str | None) -> None:
    """Read the municipal boundaries file: how many municipalities it holds, and which codes
    are malformed. Exit 1 on any problem."""
    config = current_app.config
    path = path or config["PORTAL_MUNICIPAL_BOUNDARIES"]
    if not path:
        raise click.ClickException(
            "PORTAL_MUNICIPAL_BOUNDARIES is not set: municipal codes are drawn by department "
            "(see docs/datastore.md to install the municipal boundaries)")
    code_property = config["PORTAL_MUNICIPAL_CODE_PROPERTY"]
    try:
        found = boundaries.read(path, code_property, config["PORTAL_MUNICIPAL_NAME_PROPERTY"])
    except SettingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{path}: {len(found.names)} municipalities in {found.features} features "
               f"(codes from {code_property!r}).")
    if found.malformed:
        click.echo(f"Malformed codes ({len(found.malformed)}; expected 6 digits, the first two "
                   "a department 01-09):")
        for number, value in found.malformed[:SHOWN]:
            click.echo(f"  feature {number}: {value!r}")
        if len(found.malformed) > SHOWN:
            click.echo(f"  and {len(found.malformed) - SHOWN} more")
    if found.missing:
        click.echo(f"Features without {code_property!r} ({len(found.missing)}): "
                   f"{_numbers(found.missing)}")
    if found.not_polygons:
        click.echo(f"Features that are not polygons ({len(found.not_polygons)}): "
                   f"{_numbers(found.not_polygons)}")
    if found.outside:
        click.echo(f"Features not in longitude/latitude (WGS 84) in Bolivia "
                   f"({len(found.outside)}; convert the file to EPSG:4326): "
                   f"{_numbers(found.outside)}")
    if found.repeated:
        click.echo(f"Codes held by several features (drawn alike): "
                   f"{', '.join(found.repeated[:SHOWN])}")
    if found.problems:
        click.echo("These features are left out of the maps.")
        raise SystemExit(1)
    click.echo("No problems found.")
