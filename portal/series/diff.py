"""The difference between two versions of a table: rows added, removed and changed, matched by
a key (the Table Schema's ``primaryKey``, else a column the user names).

Bounded memory: both CSV files are streamed into a temporary SQLite database on disk (the
key is each table's primary key, so SQLite keeps it indexed) and the three sets come from SQL
(anti-joins and a join); only the first ``limit`` rows of each set are returned, with the full
counts. Each row is stored as JSON beside its key.
"""

from __future__ import annotations

import codecs
import csv
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

from portal.errors import ValidationError

BATCH = 1000
DEFAULT_LIMIT = 100


@dataclass
class TableDiff:
    key: list[str]
    columns: list[str]
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    #: {"key": {column: value}, "changes": {column: [old, new]}}
    changed: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "columns": self.columns, "counts": self.counts,
                "added": self.added, "removed": self.removed, "changed": self.changed}


def _rows(stream: BinaryIO) -> tuple[list[str], Iterator[list[str]]]:
    reader = csv.reader(codecs.iterdecode(stream, "utf-8-sig"))
    header = next(reader, [])
    return [name.strip() for name in header], reader


def _load(db: sqlite3.Connection, table: str, stream: BinaryIO, key: list[str]) -> list[str]:
    header, rows = _rows(stream)
    missing = [name for name in key if name not in header]
    if missing:
        raise ValidationError({"key": [str(_l(
            "La columna clave {names} no está en una de las dos versiones de la tabla.")).format(
                names=", ".join(f"«{name}»" for name in missing))]})
    positions = [header.index(name) for name in key]
    db.execute(f"CREATE TABLE {table} (k TEXT PRIMARY KEY, row TEXT)")
    batch: list[tuple[str, str]] = []
    duplicate = None
    for values in rows:
        values = values + [""] * (len(header) - len(values))
        record = dict(zip(header, values, strict=False))
        batch.append((json.dumps([values[i] for i in positions]), json.dumps(record)))
        if len(batch) >= BATCH:
            duplicate = _insert(db, table, batch)
            batch = []
            if duplicate:
                break
    duplicate = duplicate or _insert(db, table, batch)
    if duplicate:
        raise ValidationError({"key": [str(_l(
            "La clave {names} se repite ({value}): no identifica cada fila.")).format(
                names=", ".join(key), value=duplicate)]})
    return header


def _insert(db: sqlite3.Connection, table: str, batch: list[tuple[str, str]]) -> str | None:
    """Insert the rows; or, when a key repeats (in the batch or the table), that key."""
    seen: dict[str, None] = {}  # in the file's order, so the message names the first repeat
    for k, _row in batch:
        if k in seen:
            return ", ".join(json.loads(k))
        seen[k] = None
    keys = list(seen)
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found = {k for (k,) in db.execute(
            f"SELECT k FROM {table} WHERE k IN ({','.join('?' * len(chunk))})", chunk)}
        for k in chunk:
            if k in found:
                return ", ".join(json.loads(k))
    db.executemany(f"INSERT INTO {table} VALUES (?, ?)", batch)
    return None


def diff_tables(old: BinaryIO, new: BinaryIO, key: list[str], *,
                limit: int = DEFAULT_LIMIT) -> TableDiff:
    """Rows of ``new`` not in ``old`` (added), of ``old`` not in ``new`` (removed), and rows in
    both whose other values differ (changed), matched by ``key``."""
    if not key:
        raise ValidationError({"key": [str(_l(
            "La tabla no declara una clave (primaryKey de su Table Schema): indique la "
            "columna que identifica cada fila."))]})
    with tempfile.TemporaryDirectory(prefix="version-diff-") as folder:
        db = sqlite3.connect(Path(folder) / "diff.sqlite")
        # A throwaway file: no journal, no fsync; SQLite's page cache bounds the memory.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        try:
            old_header = _load(db, "old", old, key)
            new_header = _load(db, "new", new, key)
            columns = list(dict.fromkeys([*new_header, *old_header]))
            result = TableDiff(key, columns)
            anti = "SELECT {a}.row FROM {a} LEFT JOIN {b} ON {a}.k = {b}.k WHERE {b}.k IS NULL"
            for name, a, b in (("added", "new", "old"), ("removed", "old", "new")):
                query = anti.format(a=a, b=b)
                result.counts[name] = db.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
                setattr(result, name, [json.loads(row) for (row,) in db.execute(
                    f"{query} ORDER BY {a}.k LIMIT ?", (limit,))])
            changed = ("SELECT old.k, old.row, new.row FROM old JOIN new ON old.k = new.k "
                       "WHERE old.row != new.row")
            count = 0
            for k, before, after in db.execute(f"{changed} ORDER BY old.k"):
                before, after = json.loads(before), json.loads(after)
                changes = {c: [before.get(c), after.get(c)] for c in columns
                           if before.get(c) != after.get(c)}
                if not changes:  # the same values, in another column order
                    continue
                count += 1
                if len(result.changed) < limit:
                    result.changed.append({"key": dict(zip(key, json.loads(k), strict=True)),
                                           "changes": changes})
            result.counts["changed"] = count
            return result
        finally:
            db.close()
