"""Database engine, session and the declarative base. Imports no domain code.

One scoped session per application context. Services are the only writers: they wrap each
write in ``unit_of_work()``, which commits once or rolls everything back. Events queued with
``on_commit`` run only after a successful commit (search indexing, dumps), never for a
rolled-back write, and only once the session has given its connection back to the pool: a
callback that opens a session of its own never waits for a second connection while holding the
first (with 30+ concurrent writers that wait used to exhaust the pool).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

#: The largest part of an SQLite database file each connection maps into memory (the pages
#: stay the operating system's page cache, shared by every process): looking up the revisions
#: of a page of 1,000 datasets took 36 ms with a read() per page, 16 ms mapped.
SQLITE_MMAP_BYTES = 1 << 30

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    """Naive UTC timestamp, as CKAN stores and serialises them."""
    return datetime.now(UTC).replace(tzinfo=None)


def _app_scope() -> int:
    from flask import g

    # One session per application context (request, CLI command or test block).
    return id(g._get_current_object())


class PortalSession(Session):
    """Every session of the portal: the app context's and those opened apart
    (``standalone_session()``: job tasks, CLI commands).

    The loaded objects stay referenced while ``close()`` detaches their states: objects in
    reference cycles (a dataset and its resources) that the cyclic GC collected during
    ``close()`` ran SQLAlchemy's weakref cleanup on a state whose attributes ``close()`` was
    setting, a re-entrant store that on Python 3.11 freed the state's attribute values under it
    (web workers died of SIGSEGV under load)."""

    def close(self) -> None:
        loaded = list(self.identity_map.values())
        try:
            super().close()
        finally:
            del loaded


def _new_session() -> Session:
    """A session bound to the current app's engine (tests and tools may run several apps)."""
    return PortalSession(bind=current_app.extensions["db_engine"], expire_on_commit=False)


session: scoped_session[Session] = scoped_session(_new_session, scopefunc=_app_scope)


def standalone_session(bind: Engine | None = None) -> Session:
    """A session of its own, outside the app context's (``with standalone_session() as s``),
    on the current app's engine unless ``bind`` is given."""
    return PortalSession(bind if bind is not None else engine())


def make_engine(url: str, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        # A connection per thread that asks (SQLite connections are cheap); writers wait for
        # each other up to the busy timeout instead of failing at once.
        engine = create_engine(url, echo=echo, connect_args={"timeout": 60},
                               pool_size=20, max_overflow=-1)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - driver hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Read through a memory map instead of a read() call per page: the pages of a
            # search answer's 1,000 datasets are scattered over a large file.
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            cursor.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         pool_timeout=60)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["PORTAL_DATABASE_URL"], app.config["PORTAL_DEBUG_SQL"])
    app.extensions["db_engine"] = engine

    @app.teardown_appcontext
    def _remove_session(_exc: BaseException | None) -> None:
        session.remove()


def engine() -> Engine:
    return current_app.extensions["db_engine"]


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One write, one transaction: commit at the end or roll everything back.

    Nested calls join the outer unit, so a service that calls another still commits once.
    """
    sess = session()
    depth = sess.info.get("uow_depth", 0)
    sess.info["uow_depth"] = depth + 1
    try:
        yield sess
        if depth == 0:
            sess.commit()
    except BaseException:
        if depth == 0:
            sess.rollback()
            sess.info.pop("after_commit", None)
            sess.info.pop("after_commit_keys", None)
            sess.info.pop("after_rollback", None)
            sess.info.pop("committed", None)
        raise
    finally:
        sess.info["uow_depth"] = depth
    if depth == 0:
        run_committed(sess)


def run_committed(sess: Session) -> None:
    """Run the callbacks of transactions that have committed. The commit has returned, so the
    session holds no connection: a callback may open sessions and units of work of its own."""
    while sess.info.get("committed"):
        callbacks = sess.info.pop("committed")
        for callback in callbacks:
            callback()


def on_commit(callback: Callable[[], None], key: object = None) -> None:
    """Run ``callback`` once the current transaction has committed.

    Callbacks with the same ``key`` run once per transaction: a dataset created with its
    resources in one unit of work is announced to listeners once, not once per service call.
    """
    info = session().info
    if key is not None:
        keys = info.setdefault("after_commit_keys", set())
        if key in keys:
            return
        keys.add(key)
    info.setdefault("after_commit", []).append(callback)


def on_rollback(callback: Callable[[], None]) -> None:
    """Run ``callback`` if the current transaction is rolled back (e.g. remove a stored file)."""
    session().info.setdefault("after_rollback", []).append(callback)


@event.listens_for(Session, "after_commit")
def _after_commit(sess: Session) -> None:
    # Still inside the commit (the connection is not released yet): only hand the callbacks
    # over; ``unit_of_work`` runs them once ``commit()`` has returned.
    sess.info.setdefault("committed", []).extend(sess.info.pop("after_commit", []))
    sess.info.pop("after_commit_keys", None)
    sess.info.pop("after_rollback", None)


@event.listens_for(Session, "after_soft_rollback")
def _run_after_rollback(sess: Session, previous_transaction) -> None:
    if previous_transaction.parent is not None:
        return
    sess.info.pop("after_commit", None)
    sess.info.pop("after_commit_keys", None)
    for callback in sess.info.pop("after_rollback", []):
        callback()
