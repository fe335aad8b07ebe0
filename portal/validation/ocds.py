"""OCDS 1.1 validation of release packages, record packages and JSON Lines, streamed.

The file is read twice with ijson, never loaded whole: a first pass checks that it is JSON and
collects the package metadata (everything but the ``releases`` / ``records`` array), a second pass
yields one release or record at a time. Each is validated against the standard's own schemas
(jsonschema, draft 4) and goes through the structural checks of the OCDS Data Review Tool:
duplicate release ids, ``ocid`` prefix, dates that do not parse, closed-codelist values, releases
out of order in records; empty fields, open-codelist values and additional fields are warnings.

The semantics follow ``libcoveocds`` (the reference implementation) so that, on the same file,
errors have the same type and location; ``LIBCOVE_TYPES`` maps its type names onto our slugs.
Locations are JSON pointers (``/releases/0/tender/value/amount``); a ``required`` error points
at the object that lacks the property and names it in ``field``. In JSON Lines, ``row`` is the
line number and ``path`` points inside that line's value.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import io
import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import ijson
import jsonschema
from flask_babel import lazy_gettext as _l
from jsonschema import Draft4Validator, FormatChecker, ValidationError
from referencing import Registry, Resource

from portal.bounded_json import loads as bounded_loads
from portal.validation import limits
from portal.validation.messages import make_error
from portal.validation.ocds_standard import (
    OCDS_VERSION,
    SCHEMA_BASE_URI,
    OcdsStandard,
    StandardNotFound,
    load_standard,
)
from portal.validation.report import VALIDATION_VERSION, Report, ReportError, ReportTask

DEFAULT_LIMIT_ERRORS = 1000
VALIDATOR_VERSION = (
    f"portal-validation {VALIDATION_VERSION}; OCDS {OCDS_VERSION}; "
    f"jsonschema {importlib.metadata.version('jsonschema')}"
)
OCID_PREFIX_RE = re.compile(r"^ocds-[a-z0-9]{6}")
LANGUAGE_SUFFIX_RE = re.compile(r"^.+_[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
REQUIRED_RE = re.compile(r"^'([^']+)'")
JSONL_PEEK_BYTES = 1024 * 1024

#: libcoveocds error type -> our type slug (for schema errors not listed: ``ocds-schema-<kebab>``).
LIBCOVE_TYPES = {
    "date-time": "invalid-date",
    "uniqueItems@releases": "duplicate-release-id",
    "uniqueItems@records": "duplicate-record-ocid",
    "ocds_prefixes_bad_format": "ocid-prefix",
    "additional_closed_codelist_values": "closed-codelist-value",
    "additional_open_codelist_values": "open-codelist-value",
    "empty_field": "empty-field",
}


def schema_error_type(message_type: str) -> str:
    """Our slug for a libcove message type (``minLength`` -> ``ocds-schema-min-length``)."""
    if message_type in LIBCOVE_TYPES:
        return LIBCOVE_TYPES[message_type]
    kebab = re.sub(r"(?<!^)(?=[A-Z])", "-", message_type).lower()
    return f"ocds-schema-{kebab}"


def validate_ocds(
    source: str | os.PathLike | bytes,
    *,
    standard: str | os.PathLike | OcdsStandard | None = None,
    name: str | None = None,
    limit_errors: int = DEFAULT_LIMIT_ERRORS,
) -> Report:
    """Validate an OCDS release package, record package or JSON Lines file."""
    started = time.perf_counter()
    report = Report(validator="ocds", validator_version=VALIDATOR_VERSION)
    try:
        loaded = standard if isinstance(standard, OcdsStandard) else load_standard(standard)
    except StandardNotFound as exc:
        report.errors.append(make_error("ocds-standard-missing", _l(
            "El estándar OCDS %(version)s no está instalado (%(detail)s). Configure "
            "PORTAL_OCDS_STANDARD con la ruta al zip o carpeta de esquemas, o ejecute "
            "«portal standards fetch ocds».", version=OCDS_VERSION, detail=str(exc))))
        report.seconds = time.perf_counter() - started
        return report
    place = "<bytes>" if isinstance(source, bytes) else os.fspath(source)
    task = ReportTask(name=name or _name_of(source), type="ocds", place=place)
    report.tasks.append(task)
    checker = _Checker(_compiled(loaded), task, limit_errors)
    try:
        checker.run(source)
    except limits.OverBound as exc:
        task.errors.append(exc.error)
    except OSError as exc:
        task.errors.append(make_error("scheme-error", _l(
            "No se pudo abrir el archivo: %(error)s", error=exc.strerror or exc)))
    checker.finish()
    report.seconds = time.perf_counter() - started
    return report


def looks_like_ocds(head: bytes) -> bool:
    """Whether the first bytes of a JSON file suggest OCDS data (used to route files)."""
    text = head.lstrip()[:JSONL_PEEK_BYTES]
    return text.startswith(b"{") and (
        b'"releases"' in text or b'"records"' in text or b'"ocid"' in text)


# -- the validator class: draft 4 with libcove's adjustments ------------------------------------

def _unique_ids(validator: Any, unique: bool, instance: Any, schema: dict
                ) -> Iterator[ValidationError]:
    """uniqueItems that names duplicated ``id`` values (as libcove does) instead of items."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set = set()
    duplicated: set = set()
    checked_whole = False
    for item in instance:
        item_id = item.get("id") if isinstance(item, dict) else None
        if item_id is not None and not isinstance(item_id, (dict, list)):
            if item_id in seen:
                duplicated.add(item_id)
            seen.add(item_id)
        elif not checked_whole:
            dumped = [json.dumps(i, sort_keys=True) for i in instance]
            if len(set(dumped)) != len(dumped):
                yield ValidationError("Array has non-unique elements", instance=instance)
                return
            checked_whole = True
    for item_id in sorted(duplicated, key=str):
        yield ValidationError("Non-unique id values", instance=str(item_id))


def _one_of(validator: Any, one_of: list, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """oneOf that, for a record's releases, reports the errors of the kind the data looks like."""
    subschemas = enumerate(one_of)
    all_errors: list[ValidationError] = []
    first_valid = None
    for index, subschema in subschemas:
        errors = list(validator.descend(instance, subschema, schema_path=index))
        if not errors:
            first_valid = subschema
            break
        if schema.get("title") == "Releases":
            items = subschema.get("items", {})
            ids = [isinstance(r, dict) and "id" in r for r in instance] \
                if isinstance(instance, list) else []
            if not isinstance(instance, list) or not any(ids):
                if "properties" in items and "id" not in items["properties"]:
                    yield from errors
                    return
            elif all(ids):
                if "id" in items.get("properties", {}) or items.get("$ref", "").endswith(
                        "release-schema.json"):
                    yield from errors
                    return
            else:
                error = ValidationError("releases mix embedded releases and linked releases")
                error.error_id = "releases_both_embedded_and_linked"
                yield error
                return
        all_errors.extend(errors)
    else:
        yield ValidationError(
            f"{json.dumps(instance, sort_keys=True, default=str)} is not valid under any of the "
            "given schemas", context=all_errors)
        return
    more_valid = [s for _, s in subschemas if validator.evolve(schema=s).is_valid(instance)]
    if more_valid:
        yield ValidationError(f"{instance!r} is valid under more than one of {[first_valid]}")


OcdsValidator = jsonschema.validators.extend(
    Draft4Validator, validators={"uniqueItems": _unique_ids, "oneOf": _one_of})
# libcove does not validate patternProperties (language variants): neither do we.
del OcdsValidator.VALIDATORS["patternProperties"]


# -- the compiled standard ----------------------------------------------------------------------

class _Compiled:
    """Validators, codelist paths and field paths derived once from a standard."""

    def __init__(self, standard: OcdsStandard) -> None:
        release_schema = json.loads(json.dumps(standard.release_schema))
        _mark_closed_codelists(release_schema)
        versioned = standard.schemas["versioned-release-validation-schema.json"]
        resources = []
        for scheme in ("http", "https"):
            base = SCHEMA_BASE_URI.replace("https://", f"{scheme}://")
            resources.append((f"{base}release-schema.json", Resource.from_contents(release_schema)))
            resources.append((f"{base}versioned-release-validation-schema.json",
                              Resource.from_contents(versioned)))
        registry = Registry().with_resources(resources)
        checker = FormatChecker()
        self.release = OcdsValidator(release_schema, format_checker=checker, registry=registry)
        record_package = standard.schemas["record-package-schema.json"]
        self.record = OcdsValidator(record_package["definitions"]["record"],
                                    format_checker=checker, registry=registry)
        self.shells = {
            "releases": OcdsValidator(_shell_schema(
                standard.schemas["release-package-schema.json"], "releases"),
                format_checker=checker),
            "records": OcdsValidator(_shell_schema(record_package, "records"),
                                     format_checker=checker),
        }
        resolved = _deref(release_schema, release_schema)
        self.codelist_paths = _codelist_paths(resolved)
        self.fields = set(_schema_fields(resolved))
        self.codelists = standard.codelists


_COMPILED: dict[str, _Compiled] = {}


def _compiled(standard: OcdsStandard) -> _Compiled:
    key = f"{standard.location}:{id(standard)}"
    if key not in _COMPILED:
        _COMPILED.clear()
        _COMPILED[key] = _Compiled(standard)
    return _COMPILED[key]


def _shell_schema(package_schema: dict, key: str) -> dict:
    """The package schema with the items of ``releases``/``records`` left to per-item checks."""
    shell = json.loads(json.dumps(package_schema))
    shell["properties"][key] = {"type": "array", "minItems": 1}
    shell.pop("id", None)
    return shell


def _mark_closed_codelists(schema: dict) -> None:
    """Mark closed-codelist fields so their ``enum`` errors are reported as codelist errors."""
    for value in (schema.get("properties") or {}).values():
        if not isinstance(value, dict):
            continue
        types = value.get("type", [])
        types = types if isinstance(types, list) else [types]
        closed = "codelist" in value and value.get("openCodelist", False) is False
        if "array" in types and isinstance(value.get("items"), dict):
            if closed:
                value["items"]["isCodelist"] = True
            _mark_closed_codelists(value["items"])
        else:
            if closed:
                value["isCodelist"] = True
            if "object" in types:
                _mark_closed_codelists(value)
    for value in (schema.get("definitions") or {}).values():
        if isinstance(value, dict):
            _mark_closed_codelists(value)


def _deref(node: Any, root: dict, depth: int = 0) -> Any:
    """A copy of ``node`` with local ``#/definitions/...`` references replaced.

    ``depth`` counts the references followed, to stop on a recursive schema.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if depth > 20:
                return {}
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            return {**_deref(target, root, depth + 1),
                    **{k: v for k, v in node.items() if k != "$ref"}}
        return {k: _deref(v, root, depth) for k, v in node.items() if k != "definitions"}
    if isinstance(node, list):
        return [_deref(v, root, depth) for v in node]
    return node


def _types(value: dict) -> list:
    types = value.get("type", [])
    return types if isinstance(types, list) else [types]


def _codelist_paths(schema: dict, prefix: tuple = (), found: dict | None = None) -> dict:
    """{generic path: (codelist file, is open)} as libcove's get_schema_codelist_paths."""
    found = {} if found is None else found
    for prop, value in (schema.get("properties") or {}).items():
        path = (*prefix, prop)
        if "codelist" in value and path not in found:
            found[path] = (value["codelist"], value.get("openCodelist", False))
        for option in value.get("oneOf") or value.get("anyOf") or [value]:
            types = _types(option)
            if "object" in types:
                _codelist_paths(option, path, found)
            elif "array" in types and isinstance(option.get("items"), dict):
                items = option["items"]
                if "string" in _types(items):
                    if "codelist" in items and path not in found:
                        found[path] = (items["codelist"], items.get("openCodelist", False))
                elif items.get("properties"):
                    _codelist_paths(items, path, found)
    return found


def _schema_fields(schema: dict) -> Iterator[str]:
    """Generic field paths (``/tender/value/amount``) as libcove's schema_dict_fields_generator."""
    for prop, value in (schema.get("properties") or {}).items():
        for option in value.get("oneOf") or [value]:
            if not isinstance(option, dict):
                continue
            if "properties" in option:
                for sub in _schema_fields(option):
                    yield f"/{prop}{sub}"
            elif isinstance(option.get("items"), dict):
                for sub in _schema_fields(option["items"]):
                    yield f"/{prop}{sub}"
            yield f"/{prop}"


def pointer(parts: tuple | list) -> str:
    """JSON pointer of a path: ("releases", 0, "id") -> "/releases/0/id"."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


# -- reading ------------------------------------------------------------------------------------

@contextmanager
def _open(source: str | os.PathLike | bytes) -> Iterator[IO[bytes]]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    else:
        with Path(os.fspath(source)).open("rb") as handle:
            yield handle


def _name_of(source: str | os.PathLike | bytes) -> str:
    return "ocds" if isinstance(source, bytes) else Path(os.fspath(source)).stem


class _NotJson(Exception):
    pass


def _scan_package(handle: IO[bytes]) -> tuple[dict, str | None]:
    """First pass: the top-level values except a ``releases``/``records`` array, and that key."""
    meta: dict[str, Any] = {}
    array_keys: set[str] = set()
    builder = None
    skipping = 0
    depth = 0
    key = skip_key = ""
    try:
        for prefix, event, value in ijson.parse(handle, use_float=True):
            if skipping:
                if skipping == 1 and event != "end_array" and not meta[skip_key]:
                    meta[skip_key].append(None)  # non-empty: minItems holds, items come later
                if event in ("start_map", "start_array"):
                    skipping += 1
                elif event in ("end_map", "end_array"):
                    skipping -= 1
                continue
            if builder is not None:
                builder.event(event, value)
                if event in ("start_map", "start_array"):
                    depth += 1
                elif event in ("end_map", "end_array"):
                    depth -= 1
                if depth == 0:
                    meta[key] = builder.value
                    builder = None
                continue
            if prefix == "" and event == "map_key":
                key = value
            elif prefix == "" and event in ("start_array", "start_map", "end_map", "end_array"):
                if event == "start_array":
                    raise _NotJson("array")
                continue
            elif key in ("releases", "records") and event == "start_array" and prefix == key:
                array_keys.add(key)
                skip_key = key
                meta[key] = []
                skipping = 1
            elif event in ("start_map", "start_array"):
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                depth = 1
            elif prefix == key:
                meta[key] = value
            elif prefix == "" and event != "map_key":
                raise _NotJson("scalar")
    except (ijson.JSONError, ijson.IncompleteJSONError, UnicodeDecodeError, ValueError) as exc:
        raise _NotJson(str(exc)) from exc
    items_key = "records" if "records" in array_keys else (
        "releases" if "releases" in array_keys else None)
    return meta, items_key


def _is_json_lines(handle: IO[bytes]) -> bool:
    first = handle.readline(JSONL_PEEK_BYTES).strip()
    if not (first.startswith(b"{") and first.endswith(b"}")):
        return False
    try:
        json.loads(first)
    except ValueError:
        return False
    rest = handle.read(4096).strip()
    return rest.startswith(b"{")


def _parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


# -- checking -----------------------------------------------------------------------------------

class _LimitReached(Exception):
    pass


class _Checker:
    def __init__(self, compiled: _Compiled, task: ReportTask, limit_errors: int) -> None:
        self.c = compiled
        self.task = task
        self.limit = limit_errors
        self.release_ids: dict[tuple, int] = {}
        self.record_ocids: dict[str, int] = {}
        self.id_less: set[bytes] = set()
        self.ocids: set[str] = set()
        self.additional: dict[str, list] = {}
        self.counts = {"releases": 0, "records": 0}
        self.row: int | None = None
        self.deadline = limits.Deadline()

    # errors ------------------------------------------------------------------------------------
    def error(self, error: ReportError) -> None:
        if len(self.task.errors) >= self.limit:
            raise _LimitReached
        error.row = self.row
        self.task.errors.append(error)

    def warning(self, error: ReportError) -> None:
        if len(self.task.warnings) < self.limit:
            error.row = self.row
            self.task.warnings.append(error)

    # driving -----------------------------------------------------------------------------------
    def run(self, source: str | os.PathLike | bytes) -> None:
        with _open(source) as handle:
            head = handle.read(JSONL_PEEK_BYTES).lstrip()
            handle.seek(0)
            if not head:
                self.error(make_error("json-error", _l("El archivo está vacío.")))
                return
            too_deep = limits.json_problem(handle)  # before ijson builds deep prefixes
            if too_deep is not None:
                self.error(too_deep)
                return
            if head[:1] == b"{" and _is_json_lines(handle):
                handle.seek(0)
                self.task.stats["package_type"] = "json-lines"
                self._run_lines(handle)
                return
            handle.seek(0)
            try:
                meta, items_key = _scan_package(handle)
            except _NotJson as exc:
                self._not_json(str(exc))
                return
            if "releases" not in meta and "records" not in meta:
                if "ocid" in meta:
                    handle.seek(0)
                    self.task.stats["package_type"] = "release"
                    self._guard(self.check_release, meta, ())
                    return
                self.error(make_error("ocds-not-package", _l(
                    "El JSON no es un paquete OCDS: no tiene «releases» ni «records».")))
                return
            kind = "records" if "records" in meta else "releases"
            self.task.stats["package_type"] = f"{kind[:-1]}-package"
            try:
                self.check_shell(meta, kind)
                if items_key == kind:
                    handle.seek(0)
                    check = self.check_record if kind == "records" else self.check_release
                    for index, item in enumerate(ijson.items(handle, f"{kind}.item",
                                                             use_float=True)):
                        check(item, (kind, index))
            except _LimitReached:
                self._limit_warning()

    def _guard(self, check: Any, item: Any, prefix: tuple) -> None:
        try:
            check(item, prefix)
        except _LimitReached:
            self._limit_warning()

    def _run_lines(self, handle: IO[bytes]) -> None:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                self.row = number
                try:
                    item = bounded_loads(line)
                except ValueError as exc:
                    self.error(make_error("json-error", _l(
                        "La línea %(line)s no es JSON válido: %(error)s", line=number,
                        error=exc)))
                    continue
                is_package = isinstance(item, dict) and "ocid" not in item and (
                    "releases" in item or "records" in item)
                if is_package:
                    kind = "records" if "records" in item else "releases"
                    items = item.get(kind)
                    self.check_shell(item, kind)
                    if isinstance(items, list):
                        check = self.check_record if kind == "records" else self.check_release
                        for index, value in enumerate(items):
                            check(value, (kind, index))
                elif isinstance(item, dict) and "releases" in item:
                    self.check_record(item, ())
                else:
                    self.check_release(item, ())
        except _LimitReached:
            self._limit_warning()
        self.row = None

    def _not_json(self, detail: str) -> None:
        if detail in ("array", "scalar"):
            self.error(make_error("ocds-not-package", _l(
                "El JSON no es un paquete OCDS: debe ser un objeto con «releases» o «records».")))
        else:
            self.error(make_error("json-error", _l(
                "El archivo no es JSON válido: %(error)s", error=detail)))

    def _limit_warning(self) -> None:
        self.task.warnings.append(make_error("task-warning", _l(
            "Se alcanzó el límite de %(limit)s errores: el resto del archivo no se revisó.",
            limit=self.limit)))

    def finish(self) -> None:
        for generic, (first, count) in sorted(self.additional.items()):
            self.task.warnings.append(make_error("additional-field", _l(
                "El campo «%(field)s» no está en el esquema OCDS (aparece %(count)s veces).",
                field=generic, count=count), path=first, note=str(count)))
        self.task.stats.update({
            "releases": self.counts["releases"], "records": self.counts["records"],
            "unique_ocids": len(self.ocids),
        })

    # the checks --------------------------------------------------------------------------------
    def check_shell(self, meta: dict, kind: str) -> None:
        for error in self.c.shells[kind].iter_errors(meta):
            self.schema_error(error, ())

    def check_release(self, release: Any, prefix: tuple) -> None:
        self.deadline.check()
        self.counts["releases"] += 1
        for error in self.c.release.iter_errors(release):
            self.schema_error(error, prefix)
        if not isinstance(release, dict):
            return
        self._ocid(release, prefix)
        if (len(prefix) == 2 and prefix[0] == "releases") or not prefix:
            self._duplicate_release(release, prefix)
        self._walk_codelists(release, prefix, ())
        self._empty_fields(release, prefix)
        self._additional_fields(release, prefix, "/releases" if prefix else "")

    def check_record(self, record: Any, prefix: tuple) -> None:
        self.deadline.check()
        self.counts["records"] += 1
        for error in self.c.record.iter_errors(record):
            self.schema_error(error, prefix)
        if not isinstance(record, dict):
            return
        self._ocid(record, prefix)
        ocid = record.get("ocid")
        if isinstance(ocid, str):
            if ocid in self.record_ocids:
                self.error(make_error("duplicate-record-ocid", _l(
                    "El ocid «%(ocid)s» se repite en los registros %(first)s y %(index)s.",
                    ocid=ocid, first=self.record_ocids[ocid], index=prefix[-1] if prefix else 0),
                    path=pointer(prefix[:-1]) if prefix else "", value=ocid))
            else:
                self.record_ocids[ocid] = prefix[-1] if prefix else 0
        releases = record.get("releases")
        if isinstance(releases, list):
            previous = None
            for index, release in enumerate(releases):
                if not isinstance(release, dict):
                    continue
                path = (*prefix, "releases", index)
                self._ocid(release, path)
                self._walk_codelists(release, path, ())
                date = _parse_date(release.get("date"))
                if date is not None and previous is not None and date < previous:
                    self.error(make_error("releases-out-of-order", _l(
                        "La entrega %(index)s del registro tiene fecha %(date)s, anterior a la "
                        "de la entrega previa: las entregas deben ir en orden de fecha.",
                        index=index, date=release.get("date")), path=pointer(path),
                        value=release.get("date")))
                previous = date or previous
        compiled = record.get("compiledRelease")
        if isinstance(compiled, dict):
            self._ocid(compiled, (*prefix, "compiledRelease"))
            self._walk_codelists(compiled, (*prefix, "compiledRelease"), ())
        self._empty_fields(record, prefix)

    def _ocid(self, item: dict, prefix: tuple) -> None:
        ocid = item.get("ocid")
        if ocid and isinstance(ocid, str):
            self.ocids.add(ocid)
            if not OCID_PREFIX_RE.match(ocid):
                self.error(make_error("ocid-prefix", _l(
                    "El ocid «%(ocid)s» no empieza con un prefijo registrado de la forma "
                    "«ocds-xxxxxx».", ocid=ocid), path=pointer((*prefix, "ocid")), value=ocid))

    def _duplicate_release(self, release: dict, prefix: tuple) -> None:
        ids = (release.get("ocid"), release.get("id"))
        index = prefix[-1] if prefix else self.row
        if all(v is not None and not isinstance(v, (dict, list)) for v in ids):
            if ids in self.release_ids:
                self.error(make_error("duplicate-release-id", _l(
                    "La entrega con ocid «%(ocid)s» e id «%(id)s» está repetida (posiciones "
                    "%(first)s y %(index)s).", ocid=ids[0], id=ids[1],
                    first=self.release_ids[ids], index=index),
                    path=pointer(prefix[:-1]), value=f"{ids[0]}, {ids[1]}"))
            else:
                self.release_ids[ids] = index
        else:
            digest = hashlib.blake2b(json.dumps(release, sort_keys=True).encode(),
                                     digest_size=16).digest()
            if digest in self.id_less:
                self.error(make_error("duplicate-release-id", _l(
                    "La entrega en la posición %(index)s es idéntica a otra anterior.",
                    index=index), path=pointer(prefix[:-1])))
            self.id_less.add(digest)

    def _walk_codelists(self, data: dict, prefix: tuple, generic: tuple) -> None:
        for key, value in data.items():
            if not value:
                continue
            path = (*prefix, key)
            here = (*generic, key)
            if isinstance(value, dict):
                self._walk_codelists(value, path, here)
            elif isinstance(value, list):
                if isinstance(value[0], dict):
                    for index, item in enumerate(value):
                        if isinstance(item, dict):
                            self._walk_codelists(item, (*path, index), here)
                else:
                    for index, item in enumerate(value):
                        self._code(item, (*path, index), here)
            else:
                self._code(value, path, here)

    def _code(self, value: Any, path: tuple, generic: tuple) -> None:
        found = self.c.codelist_paths.get(generic)
        if found is None:
            return
        codelist, is_open = found
        codes = self.c.codelists.get(codelist)
        if not codes or str(value) in codes:
            return
        if is_open:
            self.warning(make_error("open-codelist-value", _l(
                "«%(value)s» no está en la lista abierta %(codelist)s (se admite, pero revise si "
                "hay un código equivalente).", value=value, codelist=codelist),
                path=pointer(path), value=value, note=codelist))
        else:
            self.error(make_error("closed-codelist-value", _l(
                "«%(value)s» no está en la lista cerrada %(codelist)s.", value=value,
                codelist=codelist), path=pointer(path), value=value, note=codelist))

    def _empty_fields(self, data: Any, prefix: tuple) -> None:
        if isinstance(data, dict):
            pairs = data.items()
        elif isinstance(data, list):
            pairs = enumerate(data)
        else:
            return
        in_list = isinstance(data, list)
        for key, value in pairs:
            path = (*prefix, key)
            if in_list and isinstance(value, dict):
                self._empty_fields(value, path)  # as libcove: an empty object in a list is skipped
            elif (isinstance(value, str) and not value.strip()) or (
                    isinstance(value, (dict, list)) and not value):
                self.warning(make_error("empty-field", _l(
                    "El campo está vacío: omítalo en lugar de publicarlo vacío."),
                    path=pointer(path)))
            elif isinstance(value, (dict, list)):
                self._empty_fields(value, path)

    def _additional_fields(self, data: Any, prefix: tuple, generic: str) -> None:
        if isinstance(data, list):
            for index, item in enumerate(data):
                if isinstance(item, dict):
                    self._additional_fields(item, (*prefix, index), generic)
            return
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            field_path = f"{generic}/{key}"
            schema_path = field_path[len("/releases"):] if field_path.startswith(
                "/releases/") else field_path
            if schema_path not in self.c.fields and not LANGUAGE_SUFFIX_RE.match(str(key)):
                seen = self.additional.get(field_path)
                if seen is None:
                    self.additional[field_path] = [pointer((*prefix, key)), 1]
                else:
                    seen[1] += 1
                continue
            if isinstance(value, (dict, list)):
                self._additional_fields(value, (*prefix, key), field_path)

    def schema_error(self, error: ValidationError, prefix: tuple) -> None:
        converted = _convert(error, prefix)
        if converted is not None:
            self.error(converted)


_TYPE_NAMES = {
    "string": _l("un texto"), "integer": _l("un número entero"), "number": _l("un número"),
    "object": _l("un objeto JSON"), "array": _l("una lista JSON"), "boolean": _l("un booleano"),
    "null": _l("nulo"),
}


_LIMIT_MESSAGES = {
    "maxLength": _l("«%(field)s» supera los %(limit)s caracteres."),
    "maxItems": _l("«%(field)s» tiene más de %(limit)s elementos."),
    "minimum": _l("«%(value)s» en «%(field)s» es menor que el mínimo %(limit)s."),
    "maximum": _l("«%(value)s» en «%(field)s» es mayor que el máximo %(limit)s."),
    "exclusiveMinimum": _l("«%(value)s» en «%(field)s» debe ser mayor que %(limit)s."),
    "exclusiveMaximum": _l("«%(value)s» en «%(field)s» debe ser menor que %(limit)s."),
    "additionalProperties": _l("«%(field)s» tiene campos que el esquema no admite."),
    "dependencies": _l("«%(field)s» necesita campos que faltan."),
}


def _convert(error: ValidationError, prefix: tuple) -> ReportError | None:
    """Our error for a jsonschema error, typed and located as libcove does."""
    parts = (*prefix, *error.path)
    message_type = error.validator
    if error.validator in ("format", "type"):
        value = error.validator_value
        message_type = value[0] if isinstance(value, list) else value
    if error.validator == "enum" and "isCodelist" in error.schema:
        return None  # reported by the codelist check
    if error.validator == "uniqueItems" and len(parts) == 1 and parts[0] in ("releases",
                                                                             "records"):
        message_type = f"uniqueItems@{parts[0]}"
    header = parts[-1] if parts else ""
    instance = error.instance if not isinstance(error.instance, (dict, list)) else None
    location = {"path": pointer(parts)}
    if message_type == "date-time":
        message = _l("«%(value)s» no es una fecha válida: use la forma AAAA-MM-DDThh:mm:ssZ.",
                     value=instance)
    elif message_type == "uri":
        message = _l("«%(value)s» no es un URI válido.", value=instance)
    elif error.validator == "type":
        message = _l("«%(field)s» debe ser %(kind)s.", field=header,
                     kind=_TYPE_NAMES.get(message_type, message_type))
    elif error.validator == "required":
        match = REQUIRED_RE.search(error.message)
        missing = match.group(1) if match else error.message
        location["field"] = missing
        if parts:
            message = _l("Falta «%(field)s», obligatorio en «%(parent)s».", field=missing,
                         parent=parts[-2] if isinstance(parts[-1], int) and len(parts) > 1
                         else header)
        else:
            message = _l("Falta «%(field)s», obligatorio en el paquete.", field=missing)
    elif error.validator in ("minLength", "minItems", "minProperties"):
        message = _l("«%(field)s» no puede estar vacío.", field=header)
    elif error.validator == "pattern":
        message = _l("«%(value)s» no sigue el patrón %(pattern)s.", value=instance,
                     pattern=error.validator_value)
    elif error.validator == "enum":
        message = _l("Código no válido en «%(field)s»: %(value)s.", field=header, value=instance)
    elif error.validator == "uniqueItems":
        message = _l("«%(field)s» tiene elementos repetidos (%(value)s).", field=header,
                     value=error.instance if isinstance(error.instance, str) else "")
    elif error.validator in _LIMIT_MESSAGES:
        message = _LIMIT_MESSAGES[error.validator] % {
            "field": header, "value": instance, "limit": error.validator_value}
    elif error.validator in ("oneOf", "anyOf"):
        message = _l("«%(field)s» no tiene ninguna de las formas que admite el esquema.",
                     field=header)
    else:
        message = _l("«%(field)s» no cumple la regla «%(rule)s» del esquema OCDS.",
                     field=header, rule=error.validator)
    return make_error(schema_error_type(message_type), message, value=instance, **location)
