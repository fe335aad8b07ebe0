"""DataStore queries: CKAN's ``datastore_search`` parameters in, rows out, on DuckDB over the
resource's Parquet file.

Nothing a client sends becomes SQL text: values are bound parameters, and column names are
accepted only when they are columns of the table (then quoted). Each query runs on a cursor of
the process's one in-memory DuckDB database (``PORTAL_DATASTORE_MEMORY_MB``,
``PORTAL_DATASTORE_THREADS``) and is interrupted after ``PORTAL_DATASTORE_QUERY_SECONDS``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError as MarshmallowError
from marshmallow import fields as mfields

from portal import bounded_json, csvsafe
from portal.datastore.ingest import FULL_TEXT, ID, fold, quote
from portal.errors import ValidationError

DEFAULT_LIMIT = 100
MAX_LIMIT = 32000
MAX_OFFSET = 10_000_000
RECORDS_FORMATS = ("objects", "lists", "csv", "tsv")
_SORT_PART = re.compile(r'\s*("(?:[^"]|"")+"|[^\s"]+)(?:\s+(asc|desc))?\s*', re.IGNORECASE)

_database: duckdb.DuckDBPyConnection | None = None
_database_lock = threading.Lock()
#: Parquet path -> (name of its copy in DuckDB's memory, rows), least recently used first.
_cache: OrderedDict[str, tuple[str, int]] = OrderedDict()
_cache_lock = threading.Lock()
#: (Parquet path, what a count depends on) -> matching rows, least recently used first.
_counts: OrderedDict[tuple, int] = OrderedDict()
_counts_lock = threading.Lock()
COUNTS_KEPT = 1024
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Table:
    """A loaded table as queries see it: a local Parquet path, its fields and rows."""
    path: str
    fields: list[dict[str, Any]]
    row_count: int
    #: The table's copy in the process's DuckDB memory, when it is cached (see ``warm``).
    relation: str | None = None

    @property
    def types(self) -> dict[str, str]:
        return {item["id"]: item["type"] for item in self.fields}


@dataclass
class Query:
    """Checked parameters of a search (see ``parse``)."""
    columns: list[str]
    where: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    order: list[tuple[str, str]] = field(default_factory=list)
    distinct: bool = False
    limit: int | None = DEFAULT_LIMIT
    offset: int = 0

    @property
    def filtered(self) -> bool:
        return bool(self.where) or self.distinct

    @property
    def sorted(self) -> bool:
        """Whether the rows need sorting (any order but the file's own, ``_id``)."""
        return bool(self.order) and self.order != [(ID, "ASC")]

    def select(self, table: Table, *, for_spreadsheets: bool = False,
               with_total: bool = False) -> tuple[str, list[Any]]:
        """The SQL and its values. ``for_spreadsheets``: text cells a spreadsheet would read
        as formulas get a leading quote (``portal.csvsafe``'s rule, in SQL). ``with_total``:
        a last column holds the number of matching rows (counted in the same scan)."""
        if self.sorted and self.limit is not None and not self.distinct:
            return self._page_then_rows(table, for_spreadsheets, with_total)
        source, values = _source(table)
        sql = f"SELECT {'DISTINCT ' if self.distinct else ''}"
        sql += self._columns(table, for_spreadsheets, "")
        if with_total:
            sql += ", count(*) OVER ()"
        sql += f" FROM {source}"
        if self.where:
            sql += " WHERE " + " AND ".join(self.where)
        values += self.values
        # The file is in _id order and DuckDB keeps a scan's order: no sort needed (a query
        # with a limit then stops early instead of sorting every match).
        if self.sorted:
            sql += " ORDER BY " + ", ".join(f"{quote(name)} {way}" for name, way in self.order)
        return self._paged(sql, values)

    def _page_then_rows(self, table: Table, for_spreadsheets: bool, with_total: bool
                        ) -> tuple[str, list[Any]]:
        """A sorted page in two steps: the page's ``_id`` (and the sort keys, and the count)
        from the matching rows, then the page's columns for those rows only. Sorting drags
        every column of every match along otherwise (a third of a filtered search's time on
        1,000,000 rows)."""
        source, values = _source(table)
        keys = ", ".join(f"{quote(name)} AS {quote(f'_o{index}')}"
                         for index, (name, _way) in enumerate(self.order))
        inner = f"SELECT {quote(ID)} AS {quote('_k')}, {keys}"
        if with_total:
            inner += f", count(*) OVER () AS {quote('_total')}"
        inner += f" FROM {source}"
        if self.where:
            inner += " WHERE " + " AND ".join(self.where)
        inner += " ORDER BY " + ", ".join(f"{quote(name)} {way}" for name, way in self.order)
        inner, values = self._paged(inner, [*values, *self.values])
        outer_source, outer_values = _source(table)
        sql = (f"SELECT {self._columns(table, for_spreadsheets, 't.')}"
               f"{', p.' + quote('_total') if with_total else ''} FROM {outer_source} AS t "
               f"JOIN ({inner}) AS p ON t.{quote(ID)} = p.{quote('_k')} ORDER BY "
               + ", ".join(f"p.{quote(f'_o{index}')} {way}"
                           for index, (_name, way) in enumerate(self.order)))
        return sql, [*outer_values, *values]

    def _columns(self, table: Table, for_spreadsheets: bool, prefix: str) -> str:
        types = table.types
        return ", ".join(
            _formula_safe(name, prefix) if for_spreadsheets and types.get(name) == "text"
            else prefix + quote(name) for name in self.columns)

    def _paged(self, sql: str, values: list[Any]) -> tuple[str, list[Any]]:
        if self.limit is not None:
            sql += " LIMIT ?"
            values.append(self.limit)
        if self.offset:
            sql += " OFFSET ?"
            values.append(self.offset)
        return sql, values

    def count_key(self, table: Table) -> tuple:
        """What the number of matching rows depends on: the file (a new ingest writes a new
        one, so a kept count is never stale) and the conditions with their typed values."""
        return (table.path, self.distinct, tuple(self.columns) if self.distinct else (),
                tuple(self.where), tuple((type(value).__name__, value) for value in self.values))

    def count(self, table: Table) -> tuple[str, list[Any]]:
        if not self.distinct:  # no subquery: DuckDB then reads only the filtered columns
            source, values = _source(table)
            where = f" WHERE {' AND '.join(self.where)}" if self.where else ""
            return f"SELECT count(*) FROM {source}{where}", [*values, *self.values]
        inner = Query(self.columns, self.where, self.values, [], self.distinct, None, 0)
        sql, values = inner.select(table)
        return f"SELECT count(*) FROM ({sql})", values


def _source(table: Table) -> tuple[str, list[Any]]:
    """The table in SQL (its copy in memory, or its file) and the value that goes with it."""
    if table.relation:
        return quote(table.relation), []
    return "read_parquet(?)", [table.path]


def _formula_safe(name: str, prefix: str = "") -> str:
    column = prefix + quote(name)
    starts = "'=', '+', '-', '@', chr(9), chr(13)"
    return (f"CASE WHEN left({column}, 1) IN ({starts}) AND NOT regexp_full_match({column}, "
            f"'{csvsafe.NUMBER.pattern}') THEN chr(39) || {column} ELSE {column} END "
            f"AS {quote(name)}")


def _refuse(name: str, message: Any) -> ValidationError:
    return ValidationError({name: [str(message)]})


def json_param(name: str, value: Any, kinds: tuple[type, ...]) -> Any:
    """A parameter that is JSON in a GET request (an object, or a string for ``q``)."""
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            value = bounded_json.loads(value)
        except ValueError:
            raise _refuse(name, _l("No es un JSON válido.")) from None
    if not isinstance(value, kinds):
        raise _refuse(name, _l("Debe ser un objeto JSON.") if dict in kinds and str not in kinds
                      else _l("Debe ser un texto o un objeto JSON."))
    return value


def _known(table: Table, name: str, parameter: str) -> str:
    if not isinstance(name, str) or name not in table.types or name == FULL_TEXT:
        raise _refuse(parameter, _l("La columna «%(name)s» no existe en esta tabla.",
                                    name=name))
    return name


def names_of(value: Any) -> list[str]:
    """``fields``: a list, a JSON array in a string, or names separated by commas."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            value = json_param("fields", text, (list,))
        else:
            return [part.strip() for part in text.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _refuse("fields", _l("Debe ser una lista de nombres de columnas."))
    return value


def typed(kind: str, value: Any) -> Any:
    """A filter value as the column's type; ``ValueError`` when it cannot be."""
    if isinstance(value, dict | list):
        raise ValueError
    if kind == "int":
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        return int(value)
    if kind == "numeric":
        if isinstance(value, bool):
            raise ValueError
        return float(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "t", "yes"):
            return True
        if text in ("false", "0", "f", "no"):
            return False
        raise ValueError
    if kind == "date":
        return dt.date.fromisoformat(str(value))
    if kind == "timestamp":
        return dt.datetime.fromisoformat(str(value).rstrip("Z"))
    return value if isinstance(value, str) else str(value)


def _filters(table: Table, raw: Any, query: Query) -> None:
    filters = json_param("filters", raw, (dict,))
    for name, wanted in filters.items():
        column = _known(table, name, "filters")
        kind = table.types[column]
        items = wanted if isinstance(wanted, list) else [wanted]
        if not items:
            raise _refuse("filters", _l("La lista de valores de «%(name)s» está vacía.",
                                        name=name))
        try:
            values = [None if item is None else typed(kind, item) for item in items]
        except (TypeError, ValueError):
            raise _refuse("filters", _l(
                "El valor de «%(name)s» no es del tipo de la columna (%(kind)s).",
                name=name, kind=kind)) from None
        present = [value for value in values if value is not None]
        parts = []
        if present:
            parts.append(f"{quote(column)} = ?" if len(present) == 1 else
                         f"{quote(column)} IN ({', '.join('?' * len(present))})")
            query.values.extend(present)
        if len(present) != len(values):
            parts.append(f"{quote(column)} IS NULL")
        query.where.append(parts[0] if len(parts) == 1 else f"({' OR '.join(parts)})")


def _words(text: str) -> list[str]:
    return [word for word in fold(text).split() if word]


def _full_text(table: Table, raw: Any, query: Query) -> None:
    q = json_param("q", raw, (str, dict))
    if isinstance(q, str):
        for word in _words(q):
            query.where.append(f"contains({quote(FULL_TEXT)}, ?)")
            query.values.append(word)
        return
    for name, text in q.items():
        column = _known(table, name, "q")
        if not isinstance(text, str):
            raise _refuse("q", _l("El texto a buscar en «%(name)s» debe ser un texto.",
                                  name=name))
        for word in _words(text):
            query.where.append(
                f"contains(lower(strip_accents(CAST({quote(column)} AS VARCHAR))), ?)")
            query.values.append(word)


def _sort(table: Table, raw: Any, query: Query) -> None:
    if not isinstance(raw, str):
        raise _refuse("sort", _l("Debe ser un texto como «columna desc, otra»."))
    for part in raw.split(","):
        if not part.strip():
            continue
        matched = _SORT_PART.fullmatch(part)
        if matched is None:
            raise _refuse("sort", _l("No se entiende «%(part)s»: use «columna» o «columna "
                                     "desc».", part=part.strip()))
        name = matched.group(1)
        if name.startswith('"'):
            name = name[1:-1].replace('""', '"')
        query.order.append((_known(table, name, "sort"),
                            (matched.group(2) or "asc").upper()))


def _bounded(values: dict[str, Any], name: str, default: int | None, maximum: int | None
             ) -> int | None:
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    try:
        number = int(raw)
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise ValueError
    except (TypeError, ValueError):
        raise _refuse(name, _l("Debe ser un número entero.")) from None
    if number < 0 or (maximum is not None and number > maximum):
        raise _refuse(name, _l("Debe estar entre 0 y %(max)s.", max=maximum) if maximum
                      is not None else _l("No puede ser negativo."))
    return number


def flag(values: dict[str, Any], name: str, default: bool) -> bool:
    raw = values.get(name)
    if raw is None or raw == "":
        return default
    try:
        return mfields.Boolean().deserialize(raw)
    except MarshmallowError:
        raise _refuse(name, _l("Debe ser verdadero o falso.")) from None


def parse(table: Table, values: dict[str, Any], *, max_limit: int | None = MAX_LIMIT,
          default_limit: int | None = DEFAULT_LIMIT) -> Query:
    """Check the search parameters against the table; ``ValidationError`` naming the first
    parameter that is wrong."""
    visible = [item["id"] for item in table.fields]
    raw_fields = values.get("fields")
    columns = [_known(table, name, "fields") for name in names_of(raw_fields)] \
        if raw_fields not in (None, "", []) else visible
    query = Query(columns=list(dict.fromkeys(columns)))
    query.distinct = flag(values, "distinct", False)
    if values.get("filters") not in (None, ""):
        _filters(table, values["filters"], query)
    if values.get("q") not in (None, ""):
        _full_text(table, values["q"], query)
    if values.get("sort") not in (None, ""):
        _sort(table, values["sort"], query)
    if query.distinct:
        outside = [name for name, _way in query.order if name not in query.columns]
        if outside:
            raise _refuse("sort", _l("Con «distinct» solo se puede ordenar por las columnas "
                                     "elegidas; «%(name)s» no lo está.", name=outside[0]))
        if not query.order:
            query.order = [(name, "ASC") for name in query.columns]
    elif not any(name == ID for name, _way in query.order):
        query.order.append((ID, "ASC"))  # a stable order: pages never overlap
    query.limit = _bounded(values, "limit", default_limit, max_limit)
    query.offset = _bounded(values, "offset", 0, MAX_OFFSET) or 0
    return query


# -- running -------------------------------------------------------------------------------------

def _connection() -> duckdb.DuckDBPyConnection:
    global _database
    with _database_lock:
        if _database is None:
            config = current_app.config
            _database = duckdb.connect(config={
                "memory_limit": f"{config['PORTAL_DATASTORE_MEMORY_MB']}MB",
                "threads": config["PORTAL_DATASTORE_THREADS"],
                "enable_external_access": True,
            })
        return _database


def warm(table: Table) -> Table:
    """The table read from the process's memory: the first query of a table copies its
    Parquet file into DuckDB (native storage scans several times faster than decoding
    Parquet on every query); the least recently used copies are dropped past
    ``PORTAL_DATASTORE_CACHE_ROWS`` rows in all. Paths are never reused (each ingest writes a
    new file), so a copy is never stale. A table larger than the budget is read from its file."""
    budget = current_app.config["PORTAL_DATASTORE_CACHE_ROWS"]
    if table.row_count > budget:
        return table
    with _cache_lock:
        found = _cache.get(table.path)
        if found is None:
            name = "cache_" + hashlib.sha1(table.path.encode()).hexdigest()
            handle = _connection().cursor()
            try:
                handle.execute(f"CREATE OR REPLACE TABLE {quote(name)} AS SELECT * FROM "
                               "read_parquet(?)", [table.path])
            except duckdb.Error:  # out of memory, say: the file is still there to read
                log.exception("could not cache %s", table.path)
                return table
            finally:
                handle.close()
            found = _cache[table.path] = (name, table.row_count)
            _evict(budget)
        _cache.move_to_end(table.path)
    return dataclasses.replace(table, relation=found[0])


def _evict(budget: int) -> None:
    while sum(rows for _name, rows in _cache.values()) > budget and len(_cache) > 1:
        _path, (name, _rows) = _cache.popitem(last=False)
        handle = _connection().cursor()
        try:
            handle.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        finally:
            handle.close()


@contextmanager
def cursor(seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the process's database, interrupted after ``seconds`` (the setting by
    default); an interrupted query raises ``ValidationError`` on ``query``."""
    limit = seconds if seconds is not None else \
        current_app.config["PORTAL_DATASTORE_QUERY_SECONDS"]
    handle = _connection().cursor()
    timer = threading.Timer(limit, handle.interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield handle
    except duckdb.InterruptException:
        raise _refuse("query", _l("La consulta tardó más de %(seconds)s s y se detuvo; "
                                  "use filtros más precisos.", seconds=limit)) from None
    except duckdb.OutOfMemoryException:
        raise _refuse("query", _l("La consulta necesita demasiada memoria; use filtros más "
                                  "precisos o menos columnas.")) from None
    finally:
        timer.cancel()
        handle.close()


def search(table: Table, query: Query, *, include_total: bool) -> tuple[list[tuple], int | None]:
    """The page of rows, and the number of matching rows when asked for.

    The number costs a scan of every matching row (for ``q``, the whole table's
    ``_full_text``), so it is found the cheapest way that is exact: the table's row count
    when nothing filters; ``offset`` plus the page when the page is not full; the count
    kept from an earlier search of the same view (a reader paging, the chart and the map
    following the explorer); else counted in the page's own scan when that scan sorts every
    match anyway, or by a query of its own."""
    key = query.count_key(table)
    total = None
    if include_total:
        total = table.row_count if not query.filtered else _remembered(key)
    # A sorted page scans every match anyway: count them in that same scan (about half the
    # time of a second query). An unsorted page stops early, so its count is a query of its own.
    counted = total is None and include_total and query.sorted and not query.distinct
    with cursor() as handle:
        sql, values = query.select(table, with_total=counted)
        rows = handle.execute(sql, values).fetchall()
        if counted and rows:
            total = rows[0][-1]
        if counted:
            rows = [row[:-1] for row in rows]
        if include_total and total is None and (rows or not query.offset) and (
                query.limit is None or len(rows) < query.limit):
            total = query.offset + len(rows)  # the page holds the last match
        if include_total and total is None:  # unsorted, distinct, or past the last match
            sql, values = query.count(table)
            total = handle.execute(sql, values).fetchone()[0]
    if include_total:
        _remember(key, total)
    return rows, total


def _remembered(key: tuple) -> int | None:
    with _counts_lock:
        total = _counts.get(key)
        if total is not None:
            _counts.move_to_end(key)
        return total


def _remember(key: tuple, total: int) -> None:
    with _counts_lock:
        _counts[key] = total
        _counts.move_to_end(key)
        while len(_counts) > COUNTS_KEPT:
            _counts.popitem(last=False)


def forget_counts() -> None:
    """Drop the kept counts (benchmarks measuring the count itself)."""
    with _counts_lock:
        _counts.clear()


def stream(table: Table, query: Query, batch: int = 10_000) -> Iterator[list[tuple]]:
    """The rows of the query in batches, fetched as they are consumed (exports). Each batch
    is fetched within the time limit; the export as a whole is not limited."""
    sql, values = query.select(table)
    handle = _connection().cursor()
    try:
        handle.execute(sql, values)
        while True:
            with _limited(handle):
                rows = handle.fetchmany(batch)
            if not rows:
                return
            yield rows
    finally:
        handle.close()


@contextmanager
def _limited(handle):
    seconds = current_app.config["PORTAL_DATASTORE_QUERY_SECONDS"]
    timer = threading.Timer(seconds, handle.interrupt)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def records(rows: list[tuple], columns: list[str], records_format: str) -> Any:
    if records_format == "objects":
        return [dict(zip(columns, map(json_value, row), strict=True)) for row in rows]
    if records_format == "lists":
        return [[json_value(value) for value in row] for row in rows]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t" if records_format == "tsv" else ",",
                        lineterminator="\n")
    writer.writerows([[("" if value is None else json_value(value)) for value in row]
                      for row in rows])
    return out.getvalue()


def copy_delimited(table: Table, query: Query, delimiter: str, folder: Path
                   ) -> Iterator[bytes]:
    """The query's rows with a header, as CSV (or TSV) written by DuckDB's own ``COPY`` into a
    named pipe that this generator reads: DuckDB's fast writer, streamed with flat memory.
    Text that a spreadsheet would read as a formula gets a leading quote. A failure after the
    first bytes raises, so the client sees a broken transfer, never a silently short file."""
    sql, values = query.select(table, for_spreadsheets=True)
    work = Path(tempfile.mkdtemp(dir=folder, prefix=".dump-"))
    pipe = work / "rows"
    os.mkfifo(pipe, 0o600)
    handle = _connection().cursor()
    failures: list[Exception] = []
    separator = "\\t" if delimiter == "\t" else ","

    def write() -> None:
        try:
            handle.execute(f"COPY ({sql}) TO '{pipe}' (FORMAT CSV, HEADER true, DELIMITER "
                           f"'{separator}', USE_TMP_FILE false)", values)
        except duckdb.Error as exc:
            failures.append(exc)
            _release(pipe)

    writer = threading.Thread(target=write, daemon=True, name="datastore-dump")
    writer.start()
    try:
        with pipe.open("rb") as reader:
            while chunk := reader.read(1024 * 1024):
                yield chunk
        if failures:
            raise RuntimeError(f"the export stopped: {failures[0]}")
    finally:
        if writer.is_alive():  # the client went away: stop DuckDB
            handle.interrupt()
        writer.join(timeout=10)
        handle.close()
        shutil.rmtree(work, ignore_errors=True)


def _release(pipe: Path, seconds: float = 2.0) -> None:
    """Open the pipe for writing and close it, so a reader waiting to open it gets an end of
    file (DuckDB failed before opening it); give up when no reader comes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
            return
        except OSError:
            time.sleep(0.01)
