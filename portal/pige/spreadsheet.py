"""A plan as a spreadsheet (CSV, UTF-8): one row per indicator, exported from a version and
imported into the plan form.

Columns (``COLUMNS``): the strategic line, the action or project (kind, name, description,
responsible unit, budget, evidence) repeated on each of its indicator rows, then the indicator
(name, unit, Cuadro N° 3 target, baseline, one target column per year of the period). Rows of
the same line with the same action name make one action. Numbers may use a decimal comma; a
semicolon-separated file (as spreadsheets save it in Spanish locales) is read too. Import errors
name the row.
No Flask here: data in, data out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from portal import csvsafe
from portal.pige import N_
from portal.pige.refusals import refuse

ACTION_COLUMNS = ("linea", "tipo", "accion", "descripcion", "unidad_responsable",
                  "presupuesto", "evidencia")
INDICATOR_COLUMNS = ("indicador", "unidad", "meta_nacional", "linea_base")


def columns(years: Iterable[int]) -> tuple[str, ...]:
    return (*ACTION_COLUMNS, *INDICATOR_COLUMNS, *(f"meta_{y}" for y in years))


def _text(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def export(content: Mapping[str, Any], years: Iterable[int]) -> bytes:
    years = list(years)
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns(years))
    for line in content.get("lines", ()):
        for action in line["actions"]:
            head = [line["line"], action.get("kind", ""), action.get("name", ""),
                    action.get("description", ""), action.get("responsible_unit", ""),
                    _text(action.get("budget")), " ".join(action.get("evidence") or ())]
            for indicator in action["indicators"]:
                writer.writerow([
                    *head, indicator.get("name", ""), indicator.get("unit", ""),
                    indicator.get("national_target") or "", _text(indicator.get("baseline")),
                    *(_text(indicator["targets"].get(str(y))) for y in years)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template(years: Iterable[int]) -> bytes:
    """An empty spreadsheet with the columns and one example row."""
    years = list(years)
    example = {"lines": [{"line": 13, "actions": [{
        "kind": "proyecto", "name": "Publicación de datos abiertos",
        "description": "Conjuntos de datos con licencia abierta en el portal.",
        "responsible_unit": "Unidad de Transparencia", "budget": 70000.0, "evidence": [],
        "indicators": [{"name": "Conjuntos de datos publicados", "unit": "conjuntos",
                        "national_target": "L13.M2", "baseline": 0.0,
                        "targets": {str(y): 5.0 * (i + 1) for i, y in enumerate(years[1:])}}],
    }]}]}
    return export(example, years)


def parse(data: bytes, years: Iterable[int]) -> tuple[dict[str, Any], dict[str, int]]:
    """The content a spreadsheet describes and, for each content path prefix
    (``lines[0].actions[1].indicators[0]``), the spreadsheet row it came from."""
    years = list(years)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse("spreadsheet", "invalid_spreadsheet",
                     N_("La planilla debe ser un archivo CSV en UTF-8.")) from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in columns(years) if c not in (reader.fieldnames or ())]
    if missing:
        raise refuse("spreadsheet", "invalid_spreadsheet",
                     N_("Faltan columnas en la planilla: %(columns)s. Descargue la plantilla."),
                     columns=", ".join(missing))
    lines: list[dict[str, Any]] = []
    by_line: dict[str, dict[str, Any]] = {}
    rows_of: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):  # row 1 holds the column names
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        line_key = row["linea"]
        line = by_line.get(line_key)
        if line is None:
            line = by_line[line_key] = {"line": line_key, "actions": []}
            lines.append(line)
            rows_of[f"lines[{len(lines) - 1}]"] = number
        li = lines.index(line)
        action = next((a for a in line["actions"] if a["name"] == row["accion"]), None)
        if action is None:
            action = {"kind": row["tipo"] or "accion", "name": row["accion"],
                      "description": row["descripcion"],
                      "responsible_unit": row["unidad_responsable"],
                      "budget": row["presupuesto"] or None,
                      "evidence": row["evidencia"].split(), "indicators": []}
            line["actions"].append(action)
            rows_of[f"lines[{li}].actions[{len(line['actions']) - 1}]"] = number
        ai = line["actions"].index(action)
        if any(row[c] for c in INDICATOR_COLUMNS) or any(row[f"meta_{y}"] for y in years):
            action["indicators"].append({
                "name": row["indicador"], "unit": row["unidad"],
                "national_target": row["meta_nacional"] or None,
                "baseline": row["linea_base"] or None,
                "targets": {str(y): row[f"meta_{y}"] for y in years if row[f"meta_{y}"]}})
            rows_of[f"lines[{li}].actions[{ai}].indicators[{len(action['indicators']) - 1}]"] \
                = number
    return {"lines": lines}, rows_of


def row_of(path: str, rows_of: Mapping[str, int]) -> int | None:
    """The spreadsheet row of a content error path (the longest known prefix)."""
    best = None
    for prefix, number in rows_of.items():
        if (path == prefix or path.startswith(prefix + ".")) and \
                (best is None or len(prefix) > len(best[0])):
            best = (prefix, number)
    return best[1] if best else None
