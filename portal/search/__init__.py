"""Search: the dataset index, kept in step with the catalog by listening to its signals.

``init_app(app)`` registers the listeners and the ``search`` CLI commands; ``get_backend()`` gives
the engine (opened on first use) to the API and the pages. The catalog never imports this package.
The engine is chosen with ``PORTAL_SEARCH_BACKEND``: ``whoosh`` (the default, an index folder in
``PORTAL_SEARCH_INDEX`` if the app config has it, else in ``<instance>/search-index``) or
``postgresql`` (tables in the portal's PostgreSQL database, shared by every web node).
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from portal.search.backend import SearchBackend

EXTENSION = "search"
BACKENDS = ("whoosh", "postgresql")


def backend_name(config) -> str:
    """The engine ``PORTAL_SEARCH_BACKEND`` names (``whoosh`` when unset); any other value is a
    ``ValueError`` naming the setting."""
    value = (config.get("PORTAL_SEARCH_BACKEND") or "").strip().lower() or "whoosh"
    if value not in BACKENDS:
        raise ValueError(
            f"PORTAL_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {value!r}")
    return value


class _LazyBackend:
    """Opens the engine on first use: creating an app (tests, CLI) touches no index files."""

    def __init__(self, path: Path, name: str = "whoosh", app: Flask | None = None):
        self.path = path
        self.name = name
        self.app = app
        self._backend: SearchBackend | None = None
        self._lock = threading.Lock()

    def get(self) -> SearchBackend:
        with self._lock:
            if self._backend is None:
                if self.name == "postgresql":
                    from portal.search.postgres_backend import PostgresBackend

                    assert self.app is not None
                    self._backend = PostgresBackend(self.app.extensions["db_engine"])
                else:
                    from portal.search.whoosh_backend import WhooshBackend

                    self._backend = WhooshBackend(self.path)
            return self._backend

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None


def index_path(app: Flask) -> Path:
    configured = app.config.get("PORTAL_SEARCH_INDEX")
    return Path(configured) if configured else Path(app.instance_path) / "search-index"


def init_app(app: Flask) -> None:
    from portal.search import listeners, tasks, views  # noqa: F401 - tasks registers jobs
    from portal.search.cli import search_group

    name = backend_name(app.config)  # a misspelt PORTAL_SEARCH_BACKEND fails at start-up
    if name == "postgresql":
        from portal.search.postgres_backend import PostgresBackend

        PostgresBackend(app.extensions["db_engine"])  # refuses SQLite at start-up, clearly
    app.extensions[EXTENSION] = _LazyBackend(index_path(app), name, app)
    listeners.connect()
    app.cli.add_command(search_group)
    views.init_app(app)


def get_backend(app: Flask | None = None) -> SearchBackend:
    """The search engine of ``app`` (default: the current app)."""
    app = app or current_app
    return app.extensions[EXTENSION].get()


def close_backend(app: Flask) -> None:
    """Release the index files (tests, shutdown)."""
    holder = app.extensions.get(EXTENSION)
    if holder is not None:
        holder.close()
