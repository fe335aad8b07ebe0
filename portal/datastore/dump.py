"""``/datastore/dump/<resource_id>``: any filtered view of a table as CSV, TSV, JSON or XLSX,
streamed (as CKAN's ``datastore/dump``). The same ``filters``, ``q``, ``sort``, ``fields``,
``distinct`` as ``datastore_search``, and ``limit``/``offset`` without the API's upper bound.
Rows come from DuckDB in batches and are written as they come, so memory stays flat."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context
from flask_babel import gettext as _

from portal.datastore import query, services
from portal.errors import NotAuthorized, NotFound, PortalError, ValidationError
from portal.storage import content_disposition

bp = Blueprint("datastore", __name__)

FORMATS = {"csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
           "json": "application/json",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: Excel's last row, less the header.
XLSX_MAX_ROWS = 1_048_575
BATCH = 10_000
#: The API's status codes (``portal.api.views``), for the same errors.
STATUS = {ValidationError: 409, NotAuthorized: 403, NotFound: 404}


@bp.route("/datastore/dump/<resource_id>")
def dump(resource_id: str):
    values = request.args.to_dict()
    fmt = (values.pop("format", "") or "csv").lower()
    try:
        if fmt not in FORMATS:
            raise ValidationError({"format": [_("Debe ser uno de: %(choices)s.",
                                                choices=", ".join(FORMATS))]})
        from portal.api.views import actor_of_request  # the API's: token, else the session

        actor, _by_token = actor_of_request()
        resource, _state, table = services.readable(resource_id, actor)
        checked = query.parse(table, values, max_limit=None, default_limit=None)
        bom = query.flag(values, "bom", False)
    except PortalError as exc:
        status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
        body = {"success": False, "error": {"__type": exc.kind, "message": exc.message,
                                            **getattr(exc, "fields", {})}}
        return jsonify(body), status
    if fmt in ("csv", "tsv"):
        chunks = _delimited(table, checked, fmt=fmt, bom=bom)
    else:
        writer = _json if fmt == "json" else _xlsx
        chunks = writer(query.stream(table, checked, BATCH), checked.columns)
    response = Response(stream_with_context(chunks), mimetype=FORMATS[fmt])
    stem = Path(resource.name or resource.id).stem or resource.id
    response.headers["Content-Disposition"] = content_disposition(f"{stem}.{fmt}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _scratch() -> Path:
    folder = Path(current_app.instance_path) / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _delimited(table: query.Table, checked: query.Query, *, fmt: str, bom: bool
               ) -> Iterator[bytes]:
    if bom:
        yield "\ufeff".encode()
    yield from query.copy_delimited(table, checked, "\t" if fmt == "tsv" else ",", _scratch())


def _json(batches: Iterable[list[tuple]], columns: list[str], **_options) -> Iterator[bytes]:
    fields = json.dumps([{"id": name} for name in columns], ensure_ascii=False)
    yield f'{{"fields": {fields}, "records": ['.encode()
    first = True
    for rows in batches:
        text = ",\n".join(json.dumps([query.json_value(value) for value in row],
                                     ensure_ascii=False) for row in rows)
        yield (("" if first else ",\n") + text).encode()
        first = False
    yield b"]}\n"


def _xlsx(batches: Iterable[list[tuple]], columns: list[str], **_options) -> Iterator[bytes]:
    """xlsxwriter in constant-memory mode writes the sheet to a temporary file row by row;
    the finished workbook (a zip) is then sent in chunks."""
    import xlsxwriter

    folder = _scratch()
    fd, name = tempfile.mkstemp(dir=folder, prefix=".dump-", suffix=".xlsx")
    os.close(fd)
    path = Path(name)
    try:
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(folder),
                                               "strings_to_formulas": False,
                                               "strings_to_urls": False})
        sheet = book.add_worksheet("datos")
        dates = book.add_format({"num_format": "yyyy-mm-dd"})
        stamps = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet.write_row(0, 0, columns)
        written = 0
        for rows in batches:
            for row in rows:
                if written >= XLSX_MAX_ROWS - 1:
                    sheet.write(written + 1, 0, _("La tabla sigue: Excel no admite más "
                                                  "filas. Descargue el CSV para verla entera."))
                    break
                written += 1
                for column, value in enumerate(row):
                    _write_cell(sheet, written, column, value, dates, stamps)
            else:
                continue
            break
        book.close()
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                yield chunk
    finally:
        path.unlink(missing_ok=True)


def _write_cell(sheet, row: int, column: int, value: Any, dates, stamps) -> None:
    import datetime as dt

    if value is None:
        return
    if isinstance(value, dt.datetime):
        sheet.write_datetime(row, column, value, stamps)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()), dates)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, str(value))
