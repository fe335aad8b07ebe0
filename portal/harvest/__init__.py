"""Harvesting: sources an entity publishes in, jobs that gather them, and their reports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.harvest import cli, tasks, views  # noqa: F401 - tasks registers jobs

    app.cli.add_command(cli.harvest_group)
    app.register_blueprint(views.bp)
