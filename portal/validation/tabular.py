"""Validation of tables (CSV, TSV, XLSX, XLS, ODS) with frictionless.

``validate_table(source, schema=...)`` takes a local path, an http(s) URL or the bytes of a file,
and a Table Schema given inline (dict), by URL, by file path, or by the name of a schema of the
registry in ``schemas/``; without a schema frictionless infers one. Rows are streamed by
frictionless, never loaded whole. Before frictionless runs, the first bytes of a local file are
sniffed so that a file whose content is not what its extension says gets a clear ``format-error``.

Bad input never raises: it gives a report with an error (``format-error``, ``encoding-error``,
``schema-error``, ``scheme-error`` ...). A table that is readable but not in UTF-8 is read with
the detected encoding and gets an ``encoding-not-utf8`` warning.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import filetype
import frictionless
from flask_babel import lazy_gettext as _l
from frictionless import Checklist, FrictionlessException, Resource, Schema

from portal.validation import inference, limits
from portal.validation.messages import (
    OTHER_MESSAGE,
    TABLE_MESSAGES,
    make_error,
    spanish_note,
    spanish_warning,
    title_of,
)
from portal.validation.report import VALIDATION_VERSION, Report, ReportError, ReportTask
from portal.validation.schemas_registry import SchemaReferenceError, resolve_schema

TABLE_FORMATS = ("csv", "tsv", "xlsx", "xls", "ods")
DEFAULT_LIMIT_ERRORS = 1000
SNIFF_BYTES = 8192
UTF8_ENCODINGS = {"utf-8", "utf_8", "utf8", "utf-8-sig", "ascii", "us-ascii"}
VALIDATOR_VERSION = (
    f"portal-validation {VALIDATION_VERSION}; frictionless {frictionless.__version__}"
)

Source = str | os.PathLike | bytes


def validate_table(
    source: Source,
    *,
    schema: Any = None,
    format: str | None = None,
    name: str | None = None,
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
    schemas_dir: Path | None = None,
) -> Report:
    """Validate one table and return a report with one task."""
    started = time.perf_counter()
    task = validate_table_task(source, schema=schema, format=format, name=name,
                               limit_errors=limit_errors, schemas_dir=schemas_dir)
    return Report(validator="tabular", validator_version=VALIDATOR_VERSION, tasks=[task],
                  seconds=time.perf_counter() - started)


def validate_table_task(
    source: Source,
    *,
    schema: Any = None,
    format: str | None = None,
    name: str | None = None,
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
    schemas_dir: Path | None = None,
) -> ReportTask:
    place, declared = _describe(source)
    fmt = (format or declared or "").lower() or None
    task = ReportTask(name=name or _name_of(source), type="table", place=place)

    if isinstance(source, bytes) or not place.startswith(("http://", "https://")):
        problem, fmt = _check_content(source, fmt)
        problem = problem or bounds_problem(source, fmt)
        if problem is not None:
            task.errors.append(problem)
            return task
    if fmt is not None and fmt not in TABLE_FORMATS:
        task.errors.append(make_error("format-error", _l(
            "El formato «%(format)s» no es una tabla que se pueda validar (se aceptan %(ok)s).",
            format=fmt, ok=", ".join(TABLE_FORMATS))))
        return task

    schema_obj = None
    if schema is not None:
        schema_obj, problem = load_table_schema(schema, schemas_dir)
        if problem is not None:
            task.errors.append(problem)
            return task

    resource = _resource(source, fmt, schema_obj)
    checklist = bounded_checklist(limits.Deadline())
    inferred = None
    if schema_obj is None:
        # No schema: our check decides the columns' types and warns about the cells that break
        # them (portal/validation/inference.py); frictionless reads every column as is.
        resource.detector = inference.detector()
        inferred = inference.InferredTypes()
        checklist.add_check(inferred)
    limits.bound_csv_cells()
    try:
        freport = resource.validate(limit_errors=limit_errors, checklist=checklist)
    except FrictionlessException as exc:
        task.errors.append(error_from_frictionless(exc.error))
        return task
    except limits.OverBound as exc:
        task.errors.append(exc.error)
        return task
    except Exception as exc:
        # Safety net: third-party parsers (openpyxl, xlrd...) raise assorted errors on bad files.
        task.errors.append(make_error("source-error", _l(
            "No se pudo leer la tabla: %(error)s", error=f"{type(exc).__name__}: {exc}")))
        return task

    converted = task_from_frictionless(freport, name=task.name, place=place)
    converted.stats["format"] = resource.format or fmt
    if inferred is not None:
        converted.stats["inferred_types"] = inferred.types
        converted.warnings.extend(inferred.warnings)
    encoding = (resource.encoding or "").lower()
    if encoding:
        converted.stats["encoding"] = encoding
    if encoding and encoding not in UTF8_ENCODINGS and resource.format in ("csv", "tsv"):
        converted.warnings.append(make_error("encoding-not-utf8", _l(
            "El archivo no está en UTF-8: se leyó como %(encoding)s. Conviértalo a UTF-8 para "
            "que todos lo lean igual.", encoding=encoding), note=encoding))
    return converted


def bounded_checklist(deadline: limits.Deadline) -> Checklist:
    """The checks frictionless runs, plus the column bound and the time budget."""
    return Checklist(checks=[limits.Bounds(deadline)])


def bounds_problem(source: Source, fmt: str | None) -> ReportError | None:
    """The cheap checks of ``limits`` on a local table, before frictionless reads it: the
    header's width (CSV, TSV), the expanded size (XLSX, ODS)."""
    if fmt in ("csv", "tsv"):
        size = limits.header_bytes()
        if isinstance(source, bytes):
            return limits.header_problem(source[:size])
        with Path(os.fspath(source)).open("rb") as handle:
            return limits.header_problem(handle.read(size))
    if fmt in ("xlsx", "ods"):
        return limits.sheet_problem(io.BytesIO(source) if isinstance(source, bytes)
                                    else os.fspath(source), fmt)
    return None


def load_table_schema(reference: Any, schemas_dir: Path | None = None
                      ) -> tuple[Schema | None, ReportError | None]:
    """Resolve and check a Table Schema; a bad one gives a ``schema-error``, never an exception."""
    try:
        descriptor = resolve_schema(reference, schemas_dir)
    except SchemaReferenceError as exc:
        return None, make_error("schema-error", exc.message)
    checked = Schema.validate_descriptor(descriptor)
    if not checked.valid:
        details = "; ".join(item[0] for item in checked.flatten(["message"]))
        return None, make_error("schema-error", _l(
            "El Table Schema no es válido: %(details)s", details=details))
    try:
        return Schema.from_descriptor(descriptor), None
    except FrictionlessException as exc:
        return None, make_error("schema-error", _l(
            "El Table Schema no es válido: %(details)s", details=exc.error.message))


def task_from_frictionless(freport: frictionless.Report, *, name: str, place: str) -> ReportTask:
    """Our task for a frictionless report of one resource (its report-level errors included)."""
    task = ReportTask(name=name, type="table", place=place)
    task.errors.extend(error_from_frictionless(e) for e in freport.errors)
    task.warnings.extend(_warning(w) for w in freport.warnings)
    for ftask in freport.tasks:
        merge_frictionless_task(task, ftask)
    return task


def merge_frictionless_task(task: ReportTask, ftask: Any) -> ReportTask:
    """Add the errors, warnings and stats of a frictionless task to ours."""
    task.errors.extend(error_from_frictionless(e) for e in ftask.errors)
    task.warnings.extend(_warning(w) for w in ftask.warnings)
    task.stats.update(_stats(ftask.stats))
    return task


def error_from_frictionless(error: Any) -> ReportError:
    """Our error for a frictionless error, with a Spanish message when its type is known."""
    row = getattr(error, "row_number", None)
    field_name = getattr(error, "field_name", None)
    field_number = getattr(error, "field_number", None)
    cell = getattr(error, "cell", None)
    note = spanish_note(getattr(error, "note", None) or None)
    if error.type == "source-error":
        refused = limits.cell_too_large(error.message)
        if refused is not None:
            return refused
    template = TABLE_MESSAGES.get(error.type, OTHER_MESSAGE)
    message = str(template % {
        "row": row, "field_name": field_name, "field_number": field_number, "cell": cell,
        "note": note or error.message, "label": getattr(error, "label", ""),
        "title": title_of(error.type),
    })
    return ReportError(type=error.type, title=title_of(error.type), message=message, row=row,
                       field=field_name, field_number=field_number, value=cell, note=note)


def _warning(text: str) -> ReportError:
    return make_error("task-warning", spanish_warning(text))


def _stats(stats: Any) -> dict[str, Any]:
    kept = {}
    for key in ("rows", "fields", "bytes", "sha256", "md5", "seconds"):
        value = stats.get(key) if isinstance(stats, dict) else getattr(stats, key, None)
        if value is not None:
            kept[key] = value
    return kept


def _resource(source: Source, fmt: str | None, schema: Schema | None) -> Resource:
    options: dict[str, Any] = {}
    if fmt:
        options["format"] = fmt
    if schema is not None:
        options["schema"] = schema
    if isinstance(source, bytes):
        return Resource(source, **options)
    text = os.fspath(source)
    if text.startswith(("http://", "https://")):
        return Resource(path=text, **options)
    path = Path(text).resolve()
    # frictionless refuses absolute paths as "unsafe"; a basepath keeps the path relative.
    return Resource(path=path.name, basepath=str(path.parent), **options)


def _describe(source: Source) -> tuple[str, str | None]:
    """Where the table is (for reports) and the format its name declares."""
    if isinstance(source, bytes):
        return "<bytes>", None
    text = os.fspath(source)
    suffix = Path(text.split("?", 1)[0]).suffix.lower().lstrip(".")
    return text, (suffix or None)


def _name_of(source: Source) -> str:
    if isinstance(source, bytes):
        return "table"
    return Path(os.fspath(source).split("?", 1)[0]).stem or "table"


def sniff_kind(head: bytes, whole: Any = None) -> str:
    """What the first bytes look like: xlsx, ods, xls, zip, text, or a binary MIME type.

    ``whole`` (a path or a file object) is opened as a zip to tell XLSX and ODS apart.
    """
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(whole if whole is not None else io.BytesIO(head)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "mimetype" in names:
                    with archive.open("mimetype") as member:  # a few bytes, whatever it declares
                        if b"opendocument.spreadsheet" in member.read(256):
                            return "ods"
        except (zipfile.BadZipFile, OSError, KeyError):
            pass
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    guessed = filetype.guess(head) if head else None
    if guessed is not None:
        return guessed.mime
    if b"\x00" in head:
        return "binary"
    return "text"


_KIND_OF_FORMAT = {"csv": "text", "tsv": "text", "xlsx": "xlsx", "xls": "xls", "ods": "ods"}
_FORMAT_OF_KIND = {"text": "csv", "xlsx": "xlsx", "xls": "xls", "ods": "ods"}


def _check_content(source: Source, fmt: str | None) -> tuple[ReportError | None, str | None]:
    """Compare what the name says with what the bytes are; settle the format to use."""
    try:
        if isinstance(source, bytes):
            head, whole = source[:SNIFF_BYTES], io.BytesIO(source)
            kind = sniff_kind(head, whole)
        else:
            path = Path(os.fspath(source))
            with path.open("rb") as handle:
                head = handle.read(SNIFF_BYTES)
            kind = sniff_kind(head, path)
    except OSError as exc:
        return make_error("scheme-error", _l(
            "No se pudo abrir el archivo: %(error)s", error=exc.strerror or exc)), fmt
    if not head:
        return make_error("source-error", _l("El archivo está vacío.")), fmt
    expected = _KIND_OF_FORMAT.get(fmt or "")
    if expected is None:
        settled = _FORMAT_OF_KIND.get(kind)
        if settled is None:
            return make_error("format-error", _l(
                "El contenido del archivo (%(kind)s) no es una tabla CSV, TSV, XLSX, XLS u ODS.",
                kind=kind)), fmt
        if fmt in (None, "txt"):
            return None, settled
        return None, fmt
    if kind != expected:
        return make_error("format-error", _l(
            "El archivo se declara como %(format)s pero su contenido es %(kind)s.",
            format=fmt.upper() if fmt else "?", kind=_kind_label(kind)), note=kind), fmt
    return None, fmt


def _kind_label(kind: str) -> str:
    labels = {"text": "texto", "zip": "un archivo ZIP", "xlsx": "una hoja XLSX",
              "ods": "una hoja ODS", "xls": "una hoja XLS", "binary": "binario"}
    return labels.get(kind, kind)
