"""Bounds of the validators: columns, cell size, expanded spreadsheets, JSON depth and time.

A hostile file must end in a report error, never in a hang, gigabytes of memory or a 500 (a CSV
whose header has a million fields held a worker 25 minutes at 4.4 GB; a 200 KB OCDS file nested
100,000 deep took 21 GB). The cheap checks run before frictionless or ijson sees the file:

* ``header_problem``: the first record of a CSV, read from its first bytes only, has at most
  ``PORTAL_VALIDATION_MAX_COLUMNS`` fields (``too-many-columns``);
* ``sheet_problem``: an XLSX or ODS file (a zip) expands, by its members' declared sizes, to at
  most ``PORTAL_VALIDATION_MAX_SHEET_MB`` (``sheet-too-large``); zipfile never reads past a
  declared size, so this bounds what openpyxl and ezodf hold;
* ``json_problem``: JSON nests at most ``PORTAL_MAX_JSON_DEPTH`` levels (``json-too-deep``).

While frictionless reads, ``Bounds`` (a check) stops a table with more columns than allowed, and
one that runs past ``PORTAL_VALIDATION_SECONDS`` (``timeout``); ``bound_csv_cells`` makes a
CSV cell larger than ``PORTAL_VALIDATION_MAX_CELL_KB`` a ``cell-too-large`` error. Over a bound
the task keeps what was found so far and says why it stopped.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from frictionless import Check
from frictionless.formats.csv import parser as _frictionless_csv  # noqa: F401 (see below)

from portal.bounded_json import JsonTooDeep, check_depth
from portal.validation.messages import make_error
from portal.validation.report import ReportError
from portal.validation.settings import setting

DEFAULT_MAX_COLUMNS = 1000
DEFAULT_MAX_CELL_KB = 10 * 1024
DEFAULT_MAX_SHEET_MB = 200
DEFAULT_SECONDS = 600.0
DELIMITERS = ",;\t|"
ODS_MEMORY_FACTOR = 8


def _number(name: str, default: float) -> float:
    try:
        return float(setting(name, default))
    except (TypeError, ValueError):
        return default


def max_columns() -> int:
    return int(_number("PORTAL_VALIDATION_MAX_COLUMNS", DEFAULT_MAX_COLUMNS))


def max_cell_bytes() -> int:
    return int(_number("PORTAL_VALIDATION_MAX_CELL_KB", DEFAULT_MAX_CELL_KB) * 1024)


def max_sheet_bytes() -> int:
    return int(_number("PORTAL_VALIDATION_MAX_SHEET_MB", DEFAULT_MAX_SHEET_MB) * 1024 * 1024)


def time_budget() -> float:
    return _number("PORTAL_VALIDATION_SECONDS", DEFAULT_SECONDS)


class OverBound(Exception):
    """Raised inside a parser's loop to stop it; carries the report error to give."""

    def __init__(self, error: ReportError):
        super().__init__(error.message)
        self.error = error


def too_many_columns(count: int, limit: int) -> ReportError:
    return make_error("too-many-columns", _l(
        "La tabla tiene %(count)s columnas o más; el límite es %(limit)s "
        "(PORTAL_VALIDATION_MAX_COLUMNS).", count=count, limit=limit), note=str(count))


def timeout(seconds: float) -> ReportError:
    return make_error("timeout", _l(
        "La validación superó su tiempo de %(seconds)s s (PORTAL_VALIDATION_SECONDS) y se "
        "detuvo: el resto del archivo no se revisó.", seconds=f"{seconds:g}"))


def header_problem(head: bytes, limit: int | None = None) -> ReportError | None:
    """``too-many-columns`` when the first record of a CSV, parsed from ``head`` (its first
    bytes), has more than ``limit`` fields with any usual delimiter."""
    limit = max_columns() if limit is None else limit
    text = head.decode("utf-8", errors="replace")  # delimiters are ASCII in every usual encoding
    widest = 0
    for delimiter in DELIMITERS:
        try:
            first = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        except csv.Error:
            continue
        widest = max(widest, len(first))
    return too_many_columns(widest, limit) if widest > limit else None


def header_bytes(limit: int | None = None) -> int:
    """How much of a CSV to read for ``header_problem``: enough for ``limit`` long labels."""
    return max(1024 * 1024, (max_columns() if limit is None else limit) * 1024)


def sheet_problem(source: str | IO[bytes], fmt: str = "xlsx", limit: int | None = None
                  ) -> ReportError | None:
    """``sheet-too-large`` when a zip-based spreadsheet declares more expanded bytes than
    ``limit``; ``None`` for anything that is not a readable zip (the readers report that).

    openpyxl streams an XLSX (read-only mode), but ezodf builds a DOM of an ODS's whole
    ``content.xml``, about 8 times its size in memory (28 MB of XML took 216 MB): an ODS gets
    an eighth of the limit."""
    if limit is None:
        limit = max_sheet_bytes() // (ODS_MEMORY_FACTOR if fmt == "ods" else 1)
    try:
        with zipfile.ZipFile(source) as archive:
            declared = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if declared <= limit:
        return None
    return make_error("sheet-too-large", _l(
        "La hoja de cálculo se expande a %(size)s bytes, más que el límite de %(limit)s "
        "(PORTAL_VALIDATION_MAX_SHEET_MB).", size=declared, limit=limit))


def json_problem(source: bytes | IO[bytes], limit: int | None = None) -> ReportError | None:
    """``json-too-deep`` when the JSON of ``source`` nests deeper than ``PORTAL_MAX_JSON_DEPTH``."""
    try:
        check_depth(source, limit)
    except JsonTooDeep as exc:
        return json_too_deep(exc.limit)
    return None


def json_too_deep(limit: int) -> ReportError:
    return make_error("json-too-deep", _l(
        "El JSON tiene más de %(limit)s niveles de anidamiento (PORTAL_MAX_JSON_DEPTH): no se "
        "leyó.", limit=limit), note=str(limit))


class Deadline:
    """The time budget of one validation: ``check()`` raises ``OverBound`` once it is spent."""

    def __init__(self, seconds: float | None = None):
        self.seconds = time_budget() if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise OverBound(timeout(self.seconds))


class Bounds(Check):
    """A frictionless check that stops a table over the column bound or past the deadline."""

    type = "portal-bounds"
    Errors: list = []

    def __init__(self, deadline: Deadline, columns: int | None = None):
        super().__init__()
        self.deadline = deadline
        self.columns = max_columns() if columns is None else columns

    def validate_start(self):
        count = len(self.resource.labels or [])
        if count > self.columns:
            raise OverBound(too_many_columns(count, self.columns))
        self.deadline.check()
        yield from ()

    def validate_row(self, row: Any):
        self.deadline.check()
        yield from ()


CELL_REFUSED = "field larger than field limit"


def bound_csv_cells() -> None:
    """Make the csv module refuse a cell over ``PORTAL_VALIDATION_MAX_CELL_KB``: frictionless
    reports it as a ``source-error`` that ``cell_too_large`` turns into ours. (frictionless's
    CSV parser sets the process-wide limit to 2 GB when it is imported, so it is imported above,
    first; every validation then sets the same configured value.)"""
    csv.field_size_limit(max_cell_bytes())


def cell_too_large(message: str) -> ReportError | None:
    """Our ``cell-too-large`` for frictionless's message about the csv module's refusal."""
    if CELL_REFUSED not in message:
        return None
    limit = max_cell_bytes()
    return make_error("cell-too-large", _l(
        "Una celda del CSV supera %(limit)s bytes (PORTAL_VALIDATION_MAX_CELL_KB): no se "
        "siguió leyendo.", limit=limit), note=str(limit))
