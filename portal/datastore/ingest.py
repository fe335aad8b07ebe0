"""A table file in, a Parquet file out: the DataStore's loader. Knows nothing of the app or the
database (the job in ``tasks`` reads the file and records the outcome).

CSV and TSV are read by DuckDB's ``read_csv`` with every cell as text; XLSX, XLS and ODS are
first streamed to a CSV by frictionless (the reader validation used). Each column is then cast to
its type in SQL: declared types (a Table Schema) with ``CAST``, so a cell that does not fit fails
the ingest with a message naming it; inferred types with ``TRY_CAST`` (validation only warned
about the cells that break them, which become null). Two columns are added: ``_id`` (the row's
number from 1) and ``_full_text`` (the row's cells, lowercase, without accents, for ``q``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from flask_babel import lazy_gettext as _l

SPREADSHEETS = ("xlsx", "xls", "ods")
FORMATS = ("csv", "tsv", *SPREADSHEETS)
#: Table Schema type -> (DuckDB type, CKAN type name).
TYPES = {
    "integer": ("BIGINT", "int"),
    "year": ("BIGINT", "int"),
    "number": ("DOUBLE", "numeric"),
    "boolean": ("BOOLEAN", "bool"),
    "date": ("DATE", "date"),
    "datetime": ("TIMESTAMP", "timestamp"),
}
TEXT = ("VARCHAR", "text")
#: Columns the DataStore adds; a table may not have columns of these names.
ID, FULL_TEXT = "_id", "_full_text"
TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
ROW_GROUP = 100_000


class IngestError(Exception):
    """The table cannot be loaded; ``message`` says why, in Spanish, for the resource page."""

    def __init__(self, message: Any):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class Loaded:
    fields: list[dict[str, Any]]
    row_count: int


def quote(name: str) -> str:
    """A SQL identifier, quoted (only ever names from a file's header or a schema)."""
    return '"' + name.replace('"', '""') + '"'


def fold(text: str) -> str:
    """Lowercase without accents: how ``_full_text`` holds the cells and ``q`` is compared."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def load_table(source: Path, fmt: str, target: Path, *, schema: dict[str, Any] | None = None,
               inferred: dict[str, str] | None = None, memory_mb: int = 512,
               threads: int = 2) -> Loaded:
    """Write ``source`` (a local file of format ``fmt``) as Parquet to ``target``; return its
    fields and rows. ``IngestError`` when it cannot be loaded (``target`` is then not made)."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise IngestError(_l("El formato %(format)s no es una tabla.", format=fmt.upper()))
    with tempfile.TemporaryDirectory(prefix="datastore-", dir=target.parent) as scratch:
        folder = Path(scratch)
        if fmt in SPREADSHEETS:
            source = spreadsheet_to_csv(source, fmt, folder / "table.csv")
            fmt = "csv"
        connection = duckdb.connect(config={"memory_limit": f"{memory_mb}MB",
                                            "threads": threads,
                                            "temp_directory": str(folder / "spill")})
        try:
            return _write(connection, source, fmt, target, schema, inferred or {}, folder)
        finally:
            connection.close()


def _reader(fmt: str) -> str:
    delim = "\\t" if fmt == "tsv" else ""
    options = "header = true, all_varchar = true, auto_detect = true"
    if delim:
        options += f", delim = '{delim}'"
    return f"read_csv(?, {options})"


def _columns(connection, source: Path, fmt: str, folder: Path) -> tuple[Path, list[str]]:
    """The header's names; a file that is not UTF-8 is read again as Windows-1252 (what
    validation's encoding detection finds in Bolivian files), converted to UTF-8."""
    try:
        rows = connection.execute(f"DESCRIBE SELECT * FROM {_reader(fmt)}",
                                  [str(source)]).fetchall()
        return source, [row[0] for row in rows]
    except duckdb.InvalidInputException as exc:
        if "unicode" not in str(exc).lower() and "utf" not in str(exc).lower():
            raise IngestError(_l("No se pudo leer la tabla: %(error)s", error=_first_line(exc))
                              ) from None
    converted = folder / "utf8.csv"
    with source.open("rb") as raw, converted.open("w", encoding="utf-8") as out:
        reader = codecs.getreader("cp1252")(raw, errors="replace")
        while chunk := reader.read(1024 * 1024):
            out.write(chunk)
    return _columns(connection, converted, fmt, folder)


def _write(connection, source: Path, fmt: str, target: Path, schema: dict[str, Any] | None,
           inferred: dict[str, str], folder: Path) -> Loaded:
    source, names = _columns(connection, source, fmt, folder)
    declared = list((schema or {}).get("fields") or [])
    if declared and len(declared) != len(names):
        raise IngestError(_l("La tabla tiene %(found)s columnas y su esquema declara "
                             "%(declared)s.", found=len(names), declared=len(declared)))
    if len(set(names)) != len(names):
        raise IngestError(_l("La tabla tiene columnas con el mismo nombre."))
    missing = (schema or {}).get("missingValues", [""])
    fields: list[dict[str, Any]] = [{"id": ID, "type": "int"}]
    selects = [f"row_number() OVER () AS {quote(ID)}"]
    for index, name in enumerate(names):
        spec = declared[index] if declared else {"name": name, "type": inferred.get(name, "any")}
        out = str(spec.get("name") or name)
        if out in (ID, FULL_TEXT):
            raise IngestError(_l("La columna «%(name)s» usa un nombre reservado.", name=out))
        expression, ckan_type = _cast(quote(name), spec, missing, strict=bool(declared))
        selects.append(f"{expression} AS {quote(out)}")
        field: dict[str, Any] = {"id": out, "type": ckan_type}
        info = {key: spec[source_key] for key, source_key in (("label", "title"),
                                                               ("notes", "description"))
                if spec.get(source_key)}
        if info:
            field["info"] = info
        if declared:
            field["schema"] = spec
        fields.append(field)
    texts = ", ".join(quote(name) for name in names)
    selects.append(f"lower(strip_accents(concat_ws(' ', {texts}))) AS {quote(FULL_TEXT)}")
    if len({field["id"] for field in fields}) != len(fields):
        raise IngestError(_l("La tabla tiene columnas con el mismo nombre."))
    aside = target.with_name(f".{target.name}.part")
    sql = (f"COPY (SELECT {', '.join(selects)} FROM {_reader(fmt)}) TO '{_literal(aside)}' "
           f"(FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE {ROW_GROUP})")
    try:
        connection.execute(sql, [str(source)])
        rows = connection.execute("SELECT count(*) FROM read_parquet(?)",
                                  [str(aside)]).fetchone()[0]
    except duckdb.ConversionException as exc:
        aside.unlink(missing_ok=True)
        raise IngestError(_l("Un valor no corresponde al tipo declarado en el esquema: "
                             "%(error)s", error=_first_line(exc))) from None
    except duckdb.Error as exc:
        aside.unlink(missing_ok=True)
        raise IngestError(_l("No se pudo leer la tabla: %(error)s", error=_first_line(exc))
                          ) from None
    os.replace(aside, target)
    return Loaded(fields, int(rows))


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]


def _literal(value: Any) -> str:
    return str(value).replace("'", "''")


def _in_list(values: list[Any]) -> str:
    return ", ".join(f"'{_literal(value)}'" for value in values)


def _cast(column: str, spec: dict[str, Any], missing: list[Any], *,
          strict: bool) -> tuple[str, str]:
    """The SQL that turns the text column into its type, and the CKAN type name."""
    kind = str(spec.get("type") or "any")
    missing = [value for value in (spec.get("missingValues") or missing) if value is not None]
    value = f"(CASE WHEN {column} IN ({_in_list(missing)}) THEN NULL ELSE {column} END)" \
        if missing else column
    sql_type, ckan_type = TYPES.get(kind, TEXT)
    cast = "CAST" if strict else "TRY_CAST"
    if kind in ("integer", "year", "number"):
        group, decimal = spec.get("groupChar"), spec.get("decimalChar")
        if group:
            value = f"replace({value}, '{_literal(group)}', '')"
        if decimal and decimal != ".":
            value = f"replace({value}, '{_literal(decimal)}', '.')"
        if kind == "number" and spec.get("bareNumber") is False:
            value = f"regexp_replace({value}, '[^0-9eE+.-]', '', 'g')"
        value = f"trim({value})" if not strict else value
    elif kind == "boolean":
        trues = spec.get("trueValues") or TRUE_VALUES
        falses = spec.get("falseValues") or FALSE_VALUES
        return (f"(CASE WHEN {value} IN ({_in_list(trues)}) THEN true WHEN {value} IN "
                f"({_in_list(falses)}) THEN false END)", ckan_type)
    elif kind in ("date", "datetime"):
        pattern = spec.get("format") or "default"
        if "%" in str(pattern):
            parse = "strptime" if strict else "try_strptime"
            return f"{parse}({value}, '{_literal(pattern)}')::{sql_type}", ckan_type
        if kind == "datetime":
            value = f"rtrim({value}, 'Z')"
    return f"{cast}({value} AS {sql_type})", ckan_type


def spreadsheet_to_csv(source: Path, fmt: str, target: Path) -> Path:
    """The first sheet of a spreadsheet as a UTF-8 CSV (dates as ISO 8601), streamed."""
    from frictionless import Detector, Resource

    resource = Resource(path=source.name, basepath=str(source.parent), format=fmt,
                        detector=Detector(field_type="any"))
    try:
        with resource, target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(resource.header.labels)
            for row in resource.row_stream:
                writer.writerow([_cell_text(cell) for cell in row.cells])
    except Exception as exc:  # frictionless raises many kinds; the page says what it said
        raise IngestError(_l("No se pudo leer la hoja de cálculo: %(error)s",
                             error=_first_line(exc))) from None
    return target


def _cell_text(cell: Any) -> Any:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() and cell.tzinfo is None \
            else cell.isoformat()
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, Decimal):
        return format(cell, "f")
    return cell
