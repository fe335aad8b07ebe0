"""Users, sessions, entity membership and permissions."""

from __future__ import annotations

from flask import Flask
from flask_login import AnonymousUserMixin, LoginManager
from flask_wtf.csrf import CSRFProtect

from portal import db

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
    from portal.auth import cli, limits, views
    from portal.auth.models import User

    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def _load_user(user_id: str):
        user = db.session.get(User, user_id)
        return user if user is not None and user.is_active else None

    login_manager.init_app(app)
    csrf.init_app(app)
    limits.init_app(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.user_group)
