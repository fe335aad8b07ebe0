"""Login sessions: who a session belongs to, and when it ends.

The session keeps ``User.get_id()``: the user's id and a fingerprint of their password hash. A
password change or reset changes the hash, so every other session (and "remember me" cookie)
of the account stops loading; the session that made the change is renewed (``renew``). A
disabled account's sessions stop loading too.

A session ends after ``PORTAL_SESSION_IDLE_MINUTES`` without a request (not for "remember
me" sessions) and, in any case, ``PORTAL_SESSION_MAX_HOURS`` after the login; the "remember
me" cookie lasts as long.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, current_app, flash, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from portal import db

STARTED, SEEN, REMEMBER = "auth_started", "auth_seen", "auth_remember"
#: The last-seen time is written at most this often, so the cookie does not change on every
#: request.
SEEN_RESOLUTION = 60


def load_user(session_id: str):
    from portal.auth.models import User

    user_id, dot, fingerprint = session_id.partition(".")
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    # A bare id is a session signed before fingerprints existed (an upgrade does not log
    # everyone out); it still ends at its lifetime. Every login since carries one.
    if dot and fingerprint != user.password_fingerprint:
        return None
    return user


def start(user, remember: bool = False) -> None:
    """Log ``user`` in and start the session's clocks."""
    login_user(user, remember=remember)
    now = int(time.time())
    session[STARTED] = session[SEEN] = now
    session[REMEMBER] = bool(remember)


def renew(user) -> None:
    """Keep the current session after the password changed (its fingerprint with it)."""
    user = getattr(user, "_get_current_object", lambda: user)()  # not flask-login's proxy
    start(user, remember=bool(session.get(REMEMBER)))


def end() -> None:
    logout_user()
    for key in (STARTED, SEEN, REMEMBER):
        session.pop(key, None)


def _expire() -> None:
    if "_user_id" not in session:
        return
    now = int(time.time())
    if STARTED not in session:  # restored from a "remember me" cookie
        session[STARTED] = session[SEEN] = now
        session[REMEMBER] = True
        return
    idle = current_app.config["PORTAL_SESSION_IDLE_MINUTES"] * 60
    lifetime = current_app.config["PORTAL_SESSION_MAX_HOURS"] * 3600
    if now - session[STARTED] > lifetime or (
            idle and not session.get(REMEMBER) and now - session.get(SEEN, now) > idle):
        end()
        flash(_("Su sesión expiró. Vuelva a iniciar sesión."), "info")
        return
    if now - session.get(SEEN, 0) >= SEEN_RESOLUTION:
        session[SEEN] = now


def init_app(app: Flask) -> None:
    for name in ("PORTAL_SESSION_IDLE_MINUTES", "PORTAL_SESSION_MAX_HOURS"):
        if app.config[name] < 0 or (name == "PORTAL_SESSION_MAX_HOURS" and not app.config[name]):
            raise ValueError(f"{name}: must be a positive number")
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(
        hours=app.config["PORTAL_SESSION_MAX_HOURS"])
    app.before_request(_expire)
