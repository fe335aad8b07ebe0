"""Response headers and cookie flags that make the pages hard to abuse from another site.

* Every response carries a strict Content-Security-Policy (scripts and styles only from the
  portal's own ``static/`` files: no inline ``<script>``, no ``on*=`` handler, no ``style=``),
  images also from any https host (entity logos, map tiles; a map tile server over plain http
  named by ``PORTAL_MAP_TILE_URL`` is added),
  ``frame-ancestors 'none'`` with ``X-Frame-Options: DENY`` for older browsers,
  ``X-Content-Type-Options: nosniff`` and a ``Referrer-Policy``. ``<script
  type="application/ld+json">`` (schema.org) is data, not script: CSP does not apply to it.
* The session and remember-me cookies are ``SameSite=Lax`` and ``HttpOnly``; they are ``Secure``
  when ``PORTAL_SITE_URL`` is https, and on any request that arrived over https.
* Behind reverse proxies, ``PORTAL_TRUSTED_PROXIES`` says how many: only then are their
  ``X-Forwarded-For`` and ``X-Forwarded-Proto`` believed (werkzeug's ``ProxyFix``), which decides
  the client address (rate limits, audit log) and whether the request was https.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

#: Images may come from https (an entity's logo lives on its own site); nothing else may.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def content_security_policy(tile_url: str) -> str:
    """The policy, with the map tiles' host added to ``img-src`` when ``https:`` does not
    already cover it (a tile server over plain http)."""
    tiles = urlsplit(tile_url or "")
    if tiles.scheme != "http" or not tiles.netloc:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "img-src 'self' data: https:", f"img-src 'self' data: https: http://{tiles.netloc}")


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        if name == "Content-Security-Policy":
            value = current_app.extensions.get("portal_csp", value)
        response.headers.setdefault(name, value)
    return response


def _mark_secure(response: Response) -> None:
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        response.headers.add("Set-Cookie", cookie if "secure" in flags else f"{cookie}; Secure")


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session; it saves last of all, so it is where every cookie of an
    https response (session, remember-me) gets its ``Secure`` flag."""

    def save_session(self, app, session, response) -> None:
        super().save_session(app, session, response)
        if request.is_secure:
            _mark_secure(response)


def _refuse_nul() -> None:
    """A NUL character in a page's address or form: 400 before any query (no text column can
    store one; PostgreSQL refuses it with an error). The API refuses it in its own shape."""
    if request.path.startswith("/api/"):
        return
    values = [request.path, *(f"{k}{v}" for k, v in request.args.items(multi=True))]
    if request.method == "POST" and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        values.extend(f"{k}{v}" for k, v in request.form.items(multi=True))
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    https = app.config["PORTAL_SITE_URL"].lower().startswith("https:")
    for prefix in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        # Flask declares SESSION_COOKIE_SAMESITE = None itself: set it unless chosen explicitly.
        if not app.config.get(f"{prefix}_SAMESITE"):
            app.config[f"{prefix}_SAMESITE"] = "Lax"
        app.config[f"{prefix}_HTTPONLY"] = True
        if https:
            app.config[f"{prefix}_SECURE"] = True
    app.session_interface = SessionInterface()
    proxies = app.config["PORTAL_TRUSTED_PROXIES"]
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.extensions["portal_csp"] = content_security_policy(app.config["PORTAL_MAP_TILE_URL"])
    app.after_request(_add_headers)
    app.before_request(_refuse_nul)
