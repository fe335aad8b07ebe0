"""Search: the dataset index, kept in step with the catalog by listening to its signals.

``init_app(app)`` registers the listeners and the ``search`` CLI commands; ``get_backend()`` gives
the engine (opened on first use) to the API and the pages. The catalog never imports this package.
The index lives in ``PORTAL_SEARCH_INDEX`` if the app config has it, else in
``<instance>/search-index``.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, current_app

from portal.search.backend import SearchBackend

EXTENSION = "search"


class _LazyBackend:
    """Opens the engine on first use: creating an app (tests, CLI) touches no index files."""

    def __init__(self, path: Path):
        self.path = path
        self._backend: SearchBackend | None = None
        self._lock = threading.Lock()

    def get(self) -> SearchBackend:
        with self._lock:
            if self._backend is None:
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

    app.extensions[EXTENSION] = _LazyBackend(index_path(app))
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
