"""Users, sessions, entity membership and permissions."""

from __future__ import annotations

from flask import Flask
from flask_login import AnonymousUserMixin, LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()


class Anonymous(AnonymousUserMixin):
    id = None
    name = ""
    sysadmin = False
    memberships: list = []

    def role_in(self, _entity_id):
        return None


def init_app(app: Flask) -> None:
    from portal import mail  # noqa: F401 - registers the mail.send job
    from portal.auth import (
        account_views,
        admin_views,  # noqa: F401 - adds its routes to account_views.bp
        cli,
        limits,
        sessions,
        views,
    )

    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    login_manager.user_loader(sessions.load_user)
    login_manager.init_app(app)
    csrf.init_app(app)
    limits.init_app(app)
    sessions.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(account_views.bp)
    app.cli.add_command(cli.user_group)
