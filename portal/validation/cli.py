"""Command-line entry points of validation (plain click, no Flask needed).

``validate-file PATH`` checks a table, a Data Package (descriptor or zip) or an OCDS file,
writes nothing, prints the report (``--json`` for machines) and exits 1 when invalid.
``standards fetch ocds`` installs the OCDS standard for OCDS validation.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import click
from flask_babel import lazy_gettext as _l

from portal.validation.datapackage import DESCRIPTOR_NAME, validate_datapackage
from portal.validation.ocds import looks_like_ocds, validate_ocds
from portal.validation.ocds_standard import (
    OCDS_STANDARD_URL,
    StandardFetchError,
    default_install_dir,
    fetch_ocds_standard,
)
from portal.validation.report import Report, ReportError
from portal.validation.tabular import validate_table

PEEK_BYTES = 64 * 1024


def detect_kind(path: Path) -> str:
    """What a file holds, judged by its content: ``datapackage``, ``ocds`` or ``table``."""
    if path.name == DESCRIPTOR_NAME:
        return "datapackage"
    with path.open("rb") as handle:
        head = handle.read(PEEK_BYTES)
    if head.startswith(b"PK\x03\x04") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        if any(n == DESCRIPTOR_NAME or n.endswith(f"/{DESCRIPTOR_NAME}") for n in names):
            return "datapackage"
        return "table"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"{", b"[")):
        if b'"resources"' in stripped and not looks_like_ocds(stripped):
            return "datapackage"
        return "ocds"
    return "table"


def run_validation(path: Path, schema: str | None = None) -> Report:
    kind = detect_kind(path)
    if kind == "datapackage":
        return validate_datapackage(path)
    if kind == "ocds":
        return validate_ocds(path)
    local = Path(schema) if schema and Path(schema).is_file() else None
    return validate_table(path, schema=local or schema)  # the operator's own file is read


@click.command("validate-file")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schema", help="Table Schema: registry name, JSON file path or URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate_file_command(path: Path, schema: str | None, as_json: bool) -> None:
    """Validate a CSV/TSV/XLSX/ODS table, a datapackage.json or zip, or an OCDS file."""
    report = run_validation(path, schema)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(format_report(report))
    if not report.valid:
        raise SystemExit(1)


def format_report(report: Report) -> str:
    """A readable report for the terminal."""
    status = _l("VÁLIDO") if report.valid else _l("NO VÁLIDO")
    stats = report.stats
    lines = [f"{status} · {report.validator} ({report.validator_version}) · "
             f"{_l('errores')}: {stats['errors']} · {_l('avisos')}: {stats['warnings']}"]
    lines.extend(_format_error(error, "  ") for error in report.errors)
    for task in report.tasks:
        mark = "✓" if task.valid else "✗"
        lines.append(f"{mark} {task.name} [{task.type}] {task.place}")
        lines.extend(_format_error(error, "    ") for error in task.errors)
        lines.extend(_format_error(warning, "    ~ ") for warning in task.warnings)
    return "\n".join(str(line) for line in lines)


def _format_error(error: ReportError, indent: str) -> str:
    where = []
    if error.row is not None:
        where.append(f"{_l('fila')} {error.row}")
    if error.field_number is not None:
        where.append(f"{_l('columna')} {error.field_number}")
    if error.path is not None:
        where.append(error.path or "/")
    location = f" ({', '.join(str(w) for w in where)})" if where else ""
    return f"{indent}[{error.type}]{location} {error.message}"


@click.group("standards")
def standards_group() -> None:
    """Local copies of the data standards used by validation."""


@standards_group.group("fetch")
def fetch_group() -> None:
    """Download and install a standard."""


@fetch_group.command("ocds")
@click.option("--dest", type=click.Path(file_okay=False, path_type=Path),
              help="Install folder (default: <instance>/standards).")
@click.option("--url", default=OCDS_STANDARD_URL, show_default=True,
              help="Where to download the standard's archive from.")
@click.option("--sha256", default=None, help="Expected sha256 of the archive.")
def fetch_ocds_command(dest: Path | None, url: str, sha256: str | None) -> None:
    """Install the OCDS 1.1.5 schemas and codelists (once; checked against their sha256)."""
    try:
        installed = fetch_ocds_standard(dest or default_install_dir(), url=url, sha256=sha256)
    except StandardFetchError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(_l("Estándar OCDS instalado en %(path)s", path=str(installed))))
