"""The demo catalog: real Bolivian public entities and a few hundred illustrative datasets with
small real files, loaded through the catalog's services by ``portal demo load``."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.demo.cli import demo_group

    app.cli.add_command(demo_group)
