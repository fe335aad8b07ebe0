"""The audit log of security events: logins, API tokens, roles and memberships."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.audit import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.audit_group)
