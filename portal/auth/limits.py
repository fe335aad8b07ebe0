"""Rate limits of what takes a password or makes a token (flask-limiter).

Each app gets its own ``Limiter`` on ``PORTAL_RATELIMIT_STORAGE_URI`` (``memory://`` by default:
one process; ``redis://`` or ``memcached://`` when several processes or machines serve the
portal, so they count together). Its storage lives with the app, so under the tests every app
starts with fresh counters while the limits stay on.

* ``login``: failed logins (``PORTAL_RATELIMIT_LOGIN``), counted per client address and per
  account name; a successful login costs nothing. Once a count is used up, every attempt of that
  address or account is refused until the window passes, right password or not.
* ``token``: API tokens created (``PORTAL_RATELIMIT_TOKEN_CREATE``), per user.
* ``reset``: password-reset mails asked for (``PORTAL_RATELIMIT_PASSWORD_RESET``), per client
  address and per account name or address typed, whether the account exists or not.

Over a limit, ``RateLimited`` names when to try again; the login page shows it with a 429, the
API answers a 429 in CKAN's error shape.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from limits import RateLimitItem, parse_many

from portal.errors import PortalError

SETTINGS = {"login": "PORTAL_RATELIMIT_LOGIN", "token": "PORTAL_RATELIMIT_TOKEN_CREATE",
            "reset": "PORTAL_RATELIMIT_PASSWORD_RESET"}


class RateLimited(PortalError):
    kind = "Rate Limit Error"

    def __init__(self, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(str(_l(
            "Demasiados intentos. Vuelva a intentarlo en %(n)s minuto(s).", n=minutes)))
        self.retry_after = retry_after


def client_address() -> str:
    """The address limits count by: the client's, or what a declared proxy forwarded
    (``PORTAL_TRUSTED_PROXIES``)."""
    return request.remote_addr or "unknown"


def _limiter() -> Limiter:
    return current_app.extensions["portal_limiter"]


def _rules(kind: str) -> list[RateLimitItem]:
    cache = current_app.extensions.setdefault("portal_limit_rules", {})
    if kind not in cache:
        cache[kind] = parse_many(current_app.config[SETTINGS[kind]])
    return cache[kind]


def _refusal(kind: str, keys: tuple[str, ...]) -> RateLimited | None:
    strategy = _limiter().limiter
    waits = []
    for key in keys:
        for rule in _rules(kind):
            if not strategy.test(rule, kind, key):
                reset, _remaining = strategy.get_window_stats(rule, kind, key)
                waits.append(max(1, math.ceil(reset - time.time())))
    return RateLimited(max(waits)) if waits else None


def check(kind: str, *keys: str) -> None:
    """Refuse (``RateLimited``) if any count of ``keys`` is used up; count nothing."""
    refusal = _refusal(kind, keys)
    if refusal is not None:
        raise refusal


def hit(kind: str, *keys: str) -> None:
    """Count one against each of ``keys``."""
    strategy = _limiter().limiter
    for key in keys:
        for rule in _rules(kind):
            strategy.hit(rule, kind, key)


def spend(kind: str, *keys: str) -> None:
    """``check`` then ``hit``: for what counts whether it succeeds or not."""
    check(kind, *keys)
    hit(kind, *keys)


def init_app(app: Flask) -> None:
    for setting in SETTINGS.values():
        try:
            parse_many(app.config[setting])
        except ValueError as exc:  # stop the start, naming the setting
            raise ValueError(f"{setting}: {exc}") from None
    app.extensions["portal_limiter"] = Limiter(
        client_address, app=app, storage_uri=app.config["PORTAL_RATELIMIT_STORAGE_URI"],
        strategy="fixed-window", key_prefix="portal", headers_enabled=False,
    )
