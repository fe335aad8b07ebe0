"""Full-catalog dumps, kept up to date incrementally.

Each public dataset has a *fragment*: its Turtle statements, its JSON record and what its triples
point to. Fragments live in a small SQLite file in the instance folder
(``dumps/fragments-3.sqlite``). The catalog signals mark the fragments a change touches; they are
rewritten, only those, when a dump is next asked for. A dump is then a concatenation:
``catalog.ttl.gz`` (prefixes once, every fragment, then the catalog node and each publisher,
theme and vocabulary concept once) and ``catalog.jsonl.gz`` (one record per line). A dump is
reassembled when a fragment changed since it was written, and fully rebuilt (``portal dump
build``) when the store is new, marked stale or made for another site URL.

The fragment store is a cache on the instance folder; the assembled files go to the portal's
storage (``dumps/<file>``: the local folder or the S3 bucket), so every web node serves the same.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from rdflib import URIRef
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import db
from portal.catalog import dcat, services
from portal.catalog.dcat_turtle import dataset_turtle
from portal.catalog.models import Dataset, Entity, Theme, dataset_theme
from portal.feeds.documents import base_url, catalog_head_triples
from portal.feeds.records import dataset_record
from portal.feeds.rows import DatasetRow, RowLoader
from portal.rdf import turtle_block, turtle_prefixes
from portal.storage import storage

log = logging.getLogger(__name__)

FORMATS = {"ttl": "catalog.ttl.gz", "jsonl": "catalog.jsonl.gz"}
CHUNK = 500
#: The store's file. Its name carries the layout's version: a store of an older layout is left
#: behind (and removed by the next full rebuild) instead of being migrated.
STORE = "fragments-3.sqlite"
_OLD_STORES = ("fragments.sqlite", "fragments-2.sqlite")

# Fragments are rows of several kilobytes: a rowid table on 16 KiB pages writes them about twice
# as fast as a WITHOUT ROWID table on the default 4 KiB pages.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS fragment (
    dataset_id TEXT PRIMARY KEY,
    ttl TEXT NOT NULL,
    json TEXT NOT NULL,
    refs TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dirty (dataset_id TEXT PRIMARY KEY) WITHOUT ROWID;
"""


def dump_dir() -> Path:
    path = Path(current_app.config["PORTAL_INSTANCE_PATH"]) / "dumps"
    path.mkdir(parents=True, exist_ok=True)
    return path


def dump_key(fmt: str) -> str:
    """The dump's key in the portal's storage."""
    return f"dumps/{FORMATS[fmt]}"


@contextmanager
def store() -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(dump_dir() / STORE, timeout=30)) as connection:
        connection.execute("PRAGMA page_size=16384")  # only takes effect on a new file
        # A cache that ``portal dump build`` can always rebuild: no fsync on each commit.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        connection.executescript(_SCHEMA)
        with connection:  # one transaction
            yield connection


def _meta(connection: sqlite3.Connection, key: str, default: str = "") -> str:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def _set_meta(connection: sqlite3.Connection, key: str, value: str) -> None:
    connection.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) "
                       "DO UPDATE SET value = excluded.value", (key, value))


def _bump(connection: sqlite3.Connection) -> None:
    _set_meta(connection, "generation", str(int(_meta(connection, "generation", "0")) + 1))


# --- fragments -------------------------------------------------------------------------------


_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _references_text(refs: dcat.References) -> str:
    """What a fragment points to, as three lines of space-separated values (IRIs, entity ids,
    theme ids): most datasets share the same text, so assembly reads each distinct one once."""
    return "\n".join((" ".join(sorted(map(str, refs.iris))), " ".join(sorted(refs.entities)),
                      " ".join(sorted(refs.themes))))


def fragment(dataset: DatasetRow | Dataset, base: str) -> tuple[str, str, str]:
    """(Turtle, JSON record, references) of one public dataset."""
    refs = dcat.References()
    return (dataset_turtle(dataset, base, refs, in_catalog=True),
            _encode_json(dataset_record(dataset, base)), _references_text(refs))


def _write(connection: sqlite3.Connection, datasets: list[DatasetRow], base: str) -> None:
    connection.executemany(
        "INSERT INTO fragment (dataset_id, ttl, json, refs) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(dataset_id) DO UPDATE SET ttl = excluded.ttl, json = excluded.json, "
        "refs = excluded.refs",
        ((dataset.id, *fragment(dataset, base)) for dataset in datasets),
    )


def refresh(session: Session, dataset_ids: list[str]) -> None:
    """Rewrite (or drop) the fragments of these datasets after a change."""
    if not dataset_ids:
        return
    datasets = RowLoader(session).load(dataset_ids)
    with store() as connection:
        public = {dataset.id for dataset in datasets}
        connection.executemany("DELETE FROM fragment WHERE dataset_id = ?",
                               [(i,) for i in dataset_ids if i not in public])
        _write(connection, datasets, base_url())
        _bump(connection)


def mark_dirty(dataset_ids: list[str]) -> None:
    """Note datasets whose fragments must be rewritten before the next dump (cheap: writes
    stay fast; the work is done once, when a dump is asked for)."""
    if not dataset_ids:
        return
    with store() as connection:
        connection.executemany("INSERT OR IGNORE INTO dirty (dataset_id) VALUES (?)",
                               [(i,) for i in dataset_ids])
        _bump(connection)


def refresh_dirty(session: Session) -> int:
    with store() as connection:
        ids = [row[0] for row in connection.execute("SELECT dataset_id FROM dirty")]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        refresh(session, chunk)
        with store() as connection:
            connection.executemany("DELETE FROM dirty WHERE dataset_id = ?",
                                   [(i,) for i in chunk])
    return len(ids)


def mark_stale() -> None:
    with store() as connection:
        _set_meta(connection, "stale", "1")


def rebuild_fragments() -> int:
    """Rewrite every fragment from the database, in chunks; returns the number of datasets."""
    base = base_url()
    count = 0
    for old in _OLD_STORES:
        for suffix in ("", "-wal", "-shm"):
            (dump_dir() / f"{old}{suffix}").unlink(missing_ok=True)
    for fmt in FORMATS:  # a new store counts generations from 1 again: reassemble every file
        _generation_marker(fmt).unlink(missing_ok=True)
        (dump_dir() / FORMATS[fmt]).unlink(missing_ok=True)  # where files were kept before storage
    with store() as connection:
        connection.execute("DELETE FROM fragment")
        connection.execute("DELETE FROM dirty")
        for datasets in RowLoader(db.session).batches():
            _write(connection, datasets, base)
            count += len(datasets)
        _set_meta(connection, "base_url", base)
        _set_meta(connection, "stale", "0")
        _bump(connection)
    return count


# --- assembly --------------------------------------------------------------------------------


@dataclass
class DumpState:
    generation: int
    needs_rebuild: bool


def state() -> DumpState:
    with store() as connection:
        needs = (_meta(connection, "base_url") != base_url()
                 or _meta(connection, "stale", "0") == "1")
        return DumpState(int(_meta(connection, "generation", "0")), needs)


def _generation_marker(fmt: str) -> Path:
    return dump_dir() / f"{FORMATS[fmt]}.generation"


def _built_generation(fmt: str) -> int:
    marker = _generation_marker(fmt)
    try:
        return int(marker.read_text())
    except (OSError, ValueError):
        return -1


def _assemble(fmt: str, generation: int) -> str:
    partial = dump_dir() / f"{FORMATS[fmt]}.{os.getpid()}.partial"
    refs = dcat.References()
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=6) as out, \
            store() as connection:
        if fmt == "ttl":
            out.write(turtle_prefixes())
        rows = connection.execute(f"SELECT {'ttl' if fmt == 'ttl' else 'json'}, refs "
                                  "FROM fragment ORDER BY dataset_id")
        entity_ids: set[str] = set()
        theme_ids: set[str] = set()
        seen: set[str] = set()
        for text, references in rows:
            out.write(text)
            if fmt != "ttl":
                out.write("\n")
            elif references not in seen:
                seen.add(references)
                iris, entities, themes = references.split("\n")
                refs.iris.update(URIRef(iri) for iri in iris.split())
                entity_ids.update(entities.split())
                theme_ids.update(themes.split())
        if fmt == "ttl":
            refs.entities.update({e.id: e for e in db.session.scalars(
                select(Entity).where(Entity.id.in_(entity_ids)))} if entity_ids else {})
            refs.themes.update({t.id: t for t in db.session.scalars(
                select(Theme).where(Theme.id.in_(theme_ids)))} if theme_ids else {})
            head = list(catalog_head_triples(refs))
            out.write(turtle_block(head + list(dcat.references_triples(refs, base_url()))))
    storage().put(dump_key(fmt), partial, "application/gzip")
    _generation_marker(fmt).write_text(str(generation))
    return dump_key(fmt)


def build(formats: tuple[str, ...] = tuple(FORMATS), *, full: bool = False) -> dict[str, str]:
    """Bring the dumps up to date: rebuild fragments when needed, reassemble stale files.
    Returns each dump's key in the portal's storage."""
    current = state()
    if full or current.needs_rebuild or current.generation == 0:
        rebuild_fragments()
    else:
        refresh_dirty(db.session())
    current = state()
    return {fmt: (dump_key(fmt) if _built_generation(fmt) == current.generation
                  and storage().exists(dump_key(fmt)) else _assemble(fmt, current.generation))
            for fmt in formats}


# --- listeners -------------------------------------------------------------------------------


def _enabled() -> bool:
    return "feeds" in current_app.blueprints


def _guarded(refresh_ids) -> None:
    """Mark the fragments a committed change touches. A failure here must not undo nor fail
    the user's write: it is logged and the store marked stale, so the next dump rebuilds it.

    Signals arrive inside the writer's ``after_commit`` hook, where its session may not run SQL:
    the datasets an entity or theme change touches are found through a session of their own.
    """
    if not _enabled():
        return
    try:
        with db.standalone_session() as session:
            mark_dirty(refresh_ids(session))
    except Exception:  # any failure only makes the dump stale
        log.exception("could not update the dump fragments; the next dump rebuilds them")
        try:
            mark_stale()
        except Exception:  # logged; nothing else can be done here
            log.exception("could not mark the dump store stale")


def mark_datasets(dataset_ids: list[str]) -> None:
    _guarded(lambda _session: dataset_ids)


def on_dataset_changed(dataset_id: str, **_kwargs) -> None:
    # During a bulk write (a harvest) the store is opened once per batch, not once per dataset.
    batch = services.current_batch()
    if batch is not None:
        batch.defer(mark_datasets, dataset_id)
    else:
        mark_datasets([dataset_id])


def on_entity_changed(entity_id: str, **_kwargs) -> None:
    _guarded(lambda session: list(session.scalars(
        select(Dataset.id).where(Dataset.entity_id == entity_id))))


def on_theme_changed(theme_id: str, **_kwargs) -> None:
    _guarded(lambda session: list(session.scalars(
        select(dataset_theme.c.dataset_id).where(dataset_theme.c.theme_id == theme_id))))
