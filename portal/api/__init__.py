"""The CKAN-compatible Action API (``/api/3/action/<name>``), its OpenAPI document and API tokens.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.api import actions, cli, stored_json, views  # noqa: F401 - stored_json: a job
    from portal.auth import csrf, login_manager, tokens

    actions.load()
    login_manager.request_loader(tokens.user_from_request)
    csrf.exempt(views.bp)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.token_group)
