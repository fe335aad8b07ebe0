"""The application factory. Nothing happens at import time."""

from __future__ import annotations

import importlib
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from portal import config
from portal.datafiles import STATIC_DIR

#: Each domain exposes ``init_app(app)`` registering its blueprints, CLI commands and listeners.
#: Order matters only where a domain listens to another's signals at start-up.
DOMAINS = (
    "portal.db",
    "portal.jobs",
    "portal.security",
    "portal.caching",
    "portal.compression",
    "portal.storage",
    "portal.i18n",
    "portal.auth",
    "portal.audit",
    "portal.catalog",
    "portal.activity",
    "portal.pige",
    "portal.feeds",
    "portal.demo",
    "portal.validation",
    "portal.linkcheck",
    "portal.datastore",
    "portal.resource_views",
    "portal.series",
    "portal.api",
    "portal.harvest",
    "portal.search",
    "portal.quality",
    "portal.response_cache",  # last: it wraps the whole WSGI app
)


def _secret_key(instance: Path) -> str:
    """A random key kept in the instance folder, so sessions survive restarts in development."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    settings = config.load(overrides)
    instance = Path(settings["PORTAL_INSTANCE_PATH"] or Path.cwd() / "instance").resolve()
    instance.mkdir(parents=True, exist_ok=True)
    app = Flask("portal", instance_path=str(instance), static_folder=str(STATIC_DIR),
                template_folder="templates")
    app.config.update(settings)
    app.config["PORTAL_INSTANCE_PATH"] = str(instance)
    app.config.setdefault("PORTAL_DATABASE_URL", None)
    if not app.config["PORTAL_DATABASE_URL"]:
        app.config["PORTAL_DATABASE_URL"] = f"sqlite:///{instance / 'portal.db'}"
    app.config["SECRET_KEY"] = app.config["PORTAL_SECRET_KEY"] or _secret_key(instance)
    app.config["MAX_CONTENT_LENGTH"] = (app.config["PORTAL_MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    app.url_map.strict_slashes = False
    for name in DOMAINS:
        importlib.import_module(name).init_app(app)
    return app


