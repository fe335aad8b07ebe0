"""A plan as a spreadsheet (CSV in UTF-8, or an XLSX workbook): one row per indicator, exported
from a version and imported into the plan form.

Columns (``COLUMNS``): the strategic line, the action or project (kind, name, description,
responsible unit, budget, evidence) repeated on each of its indicator rows, then the indicator
(name, unit, Cuadro N° 3 target, baseline, one target column per year of the period). Rows of
the same line with the same action name make one action. Numbers may use a decimal comma; a
semicolon-separated file (as spreadsheets save it in Spanish locales) is read too.

The XLSX workbook holds the rows on the sheet «Plan» and, for reference, the 14 strategic lines,
the results and targets of Cuadro N° 3 and the kinds of action on the sheet «Referencia» (the
columns ``linea``, ``tipo`` and ``meta_nacional`` offer them as drop-down lists).

Import errors say where the value is (``Source.where``): the row and the column, and in a
workbook the sheet and the column's letter.
No Flask here: data in, data out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from portal import csvsafe
from portal.pige import N_, workbook
from portal.pige.frame import Frame
from portal.pige.refusals import refuse, translate
from portal.pige.schemas import ACTION_KIND_LABELS

ACTION_COLUMNS = ("linea", "tipo", "accion", "descripcion", "unidad_responsable",
                  "presupuesto", "evidencia")
INDICATOR_COLUMNS = ("indicador", "unidad", "meta_nacional", "linea_base")
SHEET = "Plan"
REFERENCE_SHEET = "Referencia"
#: Content fields (the last part of an error's path) and the column that holds them.
FIELD_COLUMNS = {"line": "linea", "kind": "tipo", "description": "descripcion",
                 "responsible_unit": "unidad_responsable", "budget": "presupuesto",
                 "evidence": "evidencia", "unit": "unidad", "national_target": "meta_nacional",
                 "baseline": "linea_base"}
_FIELD_RE = re.compile(r"^lines\[\d+\](?:\.actions\[\d+\](\.indicators\[\d+\])?)?"
                       r"\.([a-z_]+)(?:\.(\d{4}))?(?:\[\d+\])?$")


def columns(years: Iterable[int]) -> tuple[str, ...]:
    return (*ACTION_COLUMNS, *INDICATOR_COLUMNS, *(f"meta_{y}" for y in years))


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.15g}" if isinstance(value, float) else str(value)


def rows(content: Mapping[str, Any], years: Iterable[int]) -> Iterator[list[Any]]:
    """The rows of a content, numbers kept as numbers."""
    years = list(years)
    for line in content.get("lines", ()):
        for action in line["actions"]:
            head = [line["line"], action.get("kind", ""), action.get("name", ""),
                    action.get("description", ""), action.get("responsible_unit", ""),
                    action.get("budget"), " ".join(action.get("evidence") or ())]
            for indicator in action["indicators"]:
                yield [*head, indicator.get("name", ""), indicator.get("unit", ""),
                       indicator.get("national_target") or "", indicator.get("baseline"),
                       *(indicator["targets"].get(str(y)) for y in years)]


def export(content: Mapping[str, Any], years: Iterable[int]) -> bytes:
    years = list(years)
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns(years))
    for row in rows(content, years):
        writer.writerow([_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _example(years: list[int]) -> dict[str, Any]:
    return {"lines": [{"line": 13, "actions": [{
        "kind": "proyecto", "name": "Publicación de datos abiertos",
        "description": "Conjuntos de datos con licencia abierta en el portal.",
        "responsible_unit": "Unidad de Transparencia", "budget": 70000.0, "evidence": [],
        "indicators": [{"name": "Conjuntos de datos publicados", "unit": "conjuntos",
                        "national_target": "L13.M2", "baseline": 0.0,
                        "targets": {str(y): 5.0 * (i + 1) for i, y in enumerate(years[1:])}}],
    }]}]}


def template(years: Iterable[int]) -> bytes:
    """An empty spreadsheet with the columns and one example row."""
    return export(_example(list(years)), years)


# --- XLSX ------------------------------------------------------------------------------------


def _reference(frame: Frame) -> tuple[workbook.Sheet, str]:
    """The 14 lines, the Cuadro N° 3 targets and the kinds of action, to pick from; and the
    range of the targets' codes."""
    axes = {axis.number: axis for axis in frame.axes}
    out: list[list[Any]] = [
        [translate(N_("Líneas estratégicas del PIGE nacional (DS 5468, Capítulo IV y Cuadro "
                      "N° 2): escriba el número en la columna «linea» de la hoja «Plan»."), {})],
        ["linea", "eje", "nombre"],
    ]
    out += [[line.number, f"{line.axis}. {axes[line.axis].name}", line.name]
            for line in frame.lines]
    out += [[], [translate(N_("Resultados y metas del Cuadro N° 3: escriba el código en la "
                              "columna «meta_nacional»; la meta debe ser de la misma línea."),
                           {})],
            ["meta_nacional", "linea", "resultado", "meta"]]
    first_target = len(out) + 1
    out += [[t.id, t.line, t.result, t.target] for t in frame.targets]
    targets = f"{REFERENCE_SHEET}!$A${first_target}:$A${len(out)}"
    out += [[], [translate(N_("Tipos de acción (columna «tipo»)."), {})], ["tipo", "nombre"]]
    out += [[kind, translate(label, {})] for kind, label in ACTION_KIND_LABELS.items()]
    bold = (1, 2, first_target - 2, first_target - 1, len(out) - 3, len(out) - 2)
    return workbook.Sheet(REFERENCE_SHEET, out, bold_rows=bold,
                          widths={"B": 40, "C": 70, "D": 70}), targets


def export_xlsx(content: Mapping[str, Any], frame: Frame) -> bytes:
    years = list(frame.plan.years)
    names = columns(years)
    reference, targets = _reference(frame)
    at = {name: letter(i) for i, name in enumerate(names)}

    def whole(column: str) -> str:
        return f"{at[column]}2:{at[column]}{workbook.MAX_ROWS}"

    plan = workbook.Sheet(
        SHEET, [list(names), *rows(content, years)], freeze="A2",
        widths={at["accion"]: 30, at["descripcion"]: 40, at["indicador"]: 30},
        lists={whole("linea"): '"' + ",".join(str(line.number) for line in frame.lines) + '"',
               whole("tipo"): '"' + ",".join(ACTION_KIND_LABELS) + '"',
               whole("meta_nacional"): targets})
    return workbook.write([plan, reference])


def template_xlsx(frame: Frame) -> bytes:
    return export_xlsx(_example(list(frame.plan.years)), frame)


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where an imported content came from: for each content path prefix
    (``lines[0].actions[1].indicators[0]``) its row, the file's column names in order, and the
    sheet of a workbook (None for a CSV)."""

    rows: Mapping[str, int]
    header: tuple[str, ...]
    sheet: str | None = None

    def row_of(self, path: str) -> int | None:
        return row_of(path, self.rows)

    def column_of(self, path: str) -> str | None:
        match = _FIELD_RE.match(path)
        if match is None:
            return None
        in_indicator, name, year = match.groups()
        if name == "name":
            column = "indicador" if in_indicator else "accion"
        elif name == "targets":
            column = f"meta_{year}" if year else None
        else:
            column = FIELD_COLUMNS.get(name)
        return column if column in self.header else None

    def where(self, path: str) -> str:
        """"Hoja «Plan», fila 3, columna M (meta_2026)", "Fila 3, columna meta_2026", "Fila 3",
        or "" when the path comes from no row."""
        number = self.row_of(path)
        if number is None:
            return ""
        column = self.column_of(path)
        if self.sheet is None:
            if column is None:
                return translate(N_("Fila %(row)s"), {"row": number})
            return translate(N_("Fila %(row)s, columna %(column)s"),
                             {"row": number, "column": column})
        if column is None:
            return translate(N_("Hoja «%(sheet)s», fila %(row)s"),
                             {"sheet": self.sheet, "row": number})
        return translate(N_("Hoja «%(sheet)s», fila %(row)s, columna %(letter)s (%(column)s)"),
                         {"sheet": self.sheet, "row": number, "column": column,
                          "letter": letter(self.header.index(column))})


def parse(data: bytes, years: Iterable[int]) -> tuple[dict[str, Any], Source]:
    """The content a spreadsheet (CSV or XLSX) describes and where each part came from."""
    years = list(years)
    if workbook.is_workbook(data):
        header, records = workbook.read(data, SHEET)
        return _assemble(header, records, years, SHEET)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse("spreadsheet", "invalid_spreadsheet",
                     N_("La planilla debe ser un archivo CSV en UTF-8 o un libro XLSX.")) from None
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    # row 1 holds the column names
    return _assemble(header, list(enumerate(reader, start=2)), years, None)


def _assemble(header: list[str], records: list[tuple[int, list[str]]], years: list[int],
              sheet: str | None) -> tuple[dict[str, Any], Source]:
    header = [name.strip() for name in header]
    wanted = columns(years)
    missing = [c for c in wanted if c not in header]
    if missing:
        where = translate(N_("hoja «%(sheet)s», fila 1"), {"sheet": sheet}) if sheet \
            else translate(N_("fila 1"), {})
        raise refuse("spreadsheet", "invalid_spreadsheet",
                     N_("Faltan columnas en la planilla (%(where)s): %(columns)s. Descargue la "
                        "plantilla."), where=where, columns=", ".join(missing))
    index = {name: header.index(name) for name in wanted}
    lines: list[dict[str, Any]] = []
    by_line: dict[str, dict[str, Any]] = {}
    rows_of: dict[str, int] = {}
    for number, values in records:
        row = {c: (values[i] if i < len(values) else "").strip() for c, i in index.items()}
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
    return {"lines": lines}, Source(rows_of, tuple(header), sheet)


def row_of(path: str, rows_of: Mapping[str, int]) -> int | None:
    """The spreadsheet row of a content error path (the longest known prefix)."""
    best = None
    for prefix, number in rows_of.items():
        if (path == prefix or path.startswith(prefix + ".")) and \
                (best is None or len(prefix) > len(best[0])):
            best = (prefix, number)
    return best[1] if best else None
