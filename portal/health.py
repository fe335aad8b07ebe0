"""What ``status_show`` reports about the parts the portal needs: database, job queue, search
index and file storage. Each part answers ``{"ok": bool, "detail": str}`` (the queue adds its
counts); a part that is down is reported, never raised, so the status page always answers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text


def _timed(check: Callable[[], str]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # any failure is the part's state, shown to the operator
        first = (str(exc).strip().splitlines() or [""])[0]
        return {"ok": False, "detail": f"{type(exc).__name__}: {first}"[:300]}
    return {"ok": True, "detail": f"{detail} ({(time.perf_counter() - started) * 1000:.0f} ms)"}


def _database() -> str:
    from portal import db

    try:
        with db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
            return connection.dialect.name
    finally:
        db.session.remove()


def _search() -> str:
    from flask import current_app

    from portal.search import EXTENSION, get_backend

    return f"{current_app.extensions[EXTENSION].name} index, {get_backend().count()} datasets"


def _storage() -> str:
    from portal.storage import storage

    ok, detail = storage().check()
    if not ok:
        raise OSError(detail)
    return detail


def _queue() -> dict[str, Any]:
    from portal import jobs

    return jobs.health()


def report() -> dict[str, Any]:
    """``{"ok": all parts ok, "database": {...}, "queue": {...}, "search": {...},
    "storage": {...}}``."""
    parts = {"database": _timed(_database)}
    try:
        parts["queue"] = _queue()
    except Exception as exc:  # jobs.health() reports its own failures; this is a last guard
        parts["queue"] = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
    parts["search"] = _timed(_search)
    parts["storage"] = _timed(_storage)
    return {"ok": all(part["ok"] for part in parts.values()), **parts}
