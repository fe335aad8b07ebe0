"""Checking what entities write: a plan's content and an annual progress report.

Both checks collect every problem before refusing (``PlanRefused``), each with the field path it
concerns (``lines[0].actions[1].indicators[0].targets.2026``) and a stable code. Numbers go
through the core's ``parse_number`` (``12,5`` and ``12.5`` are numbers; ``80%`` and ``alto`` are
not) and years through ``check_year`` (the period of the national plan), so the codes are the
core's: ``target_not_numeric``, ``baseline_not_numeric``, ``achieved_not_numeric``,
``year_outside_period``.

The normalised content a version stores::

    {"lines": [{"line": 13, "actions": [{"id": "L13.1", "kind": "proyecto", "name": ...,
        "description": ..., "responsible_unit": ..., "budget": 150000.0 | None,
        "evidence": ["dataset-name", ...],
        "indicators": [{"id": "L13.1.1", "name": ..., "unit": ...,
                        "national_target": "L13.M2" | None, "baseline": 0.0 | None,
                        "targets": {"2026": 10.0, "2027": 20.0}}]}]}]}

``national_target`` links an indicator to the row of Cuadro N° 3 it serves, on its own line.

Action and indicator ids are given by position (line, action, indicator), so a version's ids are
stable for its reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from portal.pige import N_
from portal.pige.frame import Frame
from portal.pige.progress import ProgressError, check_year, parse_number
from portal.pige.refusals import PlanRefused, Problem, translate

ACTION_KINDS = ("accion", "proyecto")
ACTION_KIND_LABELS = {"accion": N_("Acción"), "proyecto": N_("Proyecto")}
URL_RE = re.compile(r"^https?://[^\s]+$")
MAX_TEXT = 2000


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, code: str, template: str, **params: Any) -> None:
        self.problems.append(Problem(path, code, template, params))

    def error(self, path: str, error: ProgressError) -> None:
        self.problems.append(Problem.from_error(path, error))

    def text(self, obj: Mapping[str, Any], key: str, path: str, *, required: bool,
             what: str) -> str:
        value = obj.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(f"{path}.{key}", "not_text", N_("%(what)s debe ser un texto."),
                     what=translate(what, {}))
            return ""
        value = value.strip()
        if required and not value:
            self.add(f"{path}.{key}", "missing_field", N_("Falta %(what)s."),
                     what=translate(what, {}))
        elif len(value) > MAX_TEXT:
            self.add(f"{path}.{key}", "too_long",
                     N_("%(what)s supera los %(max)s caracteres."), what=translate(what, {}),
                     max=MAX_TEXT)
        return value

    def raise_if_any(self) -> None:
        if self.problems:
            raise PlanRefused(self.problems)


def _items(c: _Collector, obj: Mapping[str, Any], key: str, path: str, what: str) -> list:
    value = obj.get(key)
    if not isinstance(value, list) or not value:
        c.add(f"{path}.{key}" if path else key, "missing_field",
              N_("Falta %(what)s (al menos uno)."), what=translate(what, {}))
        return []
    return value


def check_content(
    data: Any, frame: Frame, dataset_exists: Callable[[str], bool]
) -> dict[str, Any]:
    """The normalised content, or ``PlanRefused`` listing every problem."""
    c = _Collector()
    if not isinstance(data, Mapping):
        c.add("content", "not_an_object",
              N_("El contenido del plan debe ser un objeto con sus líneas estratégicas."))
        c.raise_if_any()
    numbers = {line.number for line in frame.lines}
    lines_out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for li, line in enumerate(_items(c, data, "lines", "", N_("las líneas estratégicas"))):
        path = f"lines[{li}]"
        if not isinstance(line, Mapping):
            c.add(path, "not_an_object", N_("Cada línea estratégica debe ser un objeto."))
            continue
        number = line.get("line")
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number)
        if isinstance(number, bool) or number not in numbers:
            c.add(f"{path}.line", "unknown_line",
                  N_("La línea estratégica «%(line)s» no existe (líneas 1 a %(last)s)."),
                  line=number, last=max(numbers))
            continue
        if number in seen:
            c.add(f"{path}.line", "duplicate_line",
                  N_("La línea estratégica %(line)s aparece más de una vez."), line=number)
            continue
        seen.add(number)
        actions = [
            _action(c, action, f"{path}.actions[{ai}]", f"L{number}.{ai + 1}", frame,
                    dataset_exists)
            for ai, action in enumerate(_items(c, line, "actions", path,
                                               N_("las acciones o proyectos de la línea")))
        ]
        lines_out.append({"line": number, "actions": [a for a in actions if a is not None]})
    c.raise_if_any()
    return {"lines": sorted(lines_out, key=lambda ln: ln["line"])}


def _action(c: _Collector, action: Any, path: str, ident: str, frame: Frame,
            dataset_exists: Callable[[str], bool]) -> dict[str, Any] | None:
    if not isinstance(action, Mapping):
        c.add(path, "not_an_object", N_("Cada acción o proyecto debe ser un objeto."))
        return None
    kind = action.get("kind") or "accion"
    if kind not in ACTION_KINDS:
        c.add(f"{path}.kind", "unknown_kind",
              N_("El tipo «%(kind)s» no existe: use «accion» o «proyecto»."), kind=kind)
    out: dict[str, Any] = {
        "id": ident,
        "kind": kind,
        "name": c.text(action, "name", path, required=True, what=N_("el nombre de la acción")),
        "description": c.text(action, "description", path, required=False,
                              what=N_("la descripción")),
        "responsible_unit": c.text(action, "responsible_unit", path, required=True,
                                   what=N_("la unidad responsable")),
        "budget": None,
        "evidence": [],
        "indicators": [],
    }
    budget = action.get("budget")
    if budget not in (None, ""):
        try:
            out["budget"] = parse_number(budget, what=f"El presupuesto de {ident}",
                                         code="budget_not_numeric")
        except ProgressError as exc:
            c.error(f"{path}.budget", exc)
        else:
            if out["budget"] < 0:
                c.add(f"{path}.budget", "negative_budget",
                      N_("El presupuesto de %(id)s no puede ser negativo."), id=ident)
    evidence = action.get("evidence") or []
    if not isinstance(evidence, list):
        evidence = [evidence]
    for ei, name in enumerate(evidence):
        name = str(name).strip()
        if not dataset_exists(name):
            c.add(f"{path}.evidence[{ei}]", "unknown_dataset",
                  N_("El conjunto de datos «%(name)s» no existe en el catálogo."), name=name)
        elif name not in out["evidence"]:
            out["evidence"].append(name)
    for ii, indicator in enumerate(_items(c, action, "indicators", path,
                                          N_("los indicadores de la acción"))):
        checked = _indicator(c, indicator, f"{path}.indicators[{ii}]", f"{ident}.{ii + 1}",
                             frame)
        if checked is not None:
            out["indicators"].append(checked)
    return out


def _indicator(c: _Collector, indicator: Any, path: str, ident: str,
               frame: Frame) -> dict[str, Any] | None:
    if not isinstance(indicator, Mapping):
        c.add(path, "not_an_object", N_("Cada indicador debe ser un objeto."))
        return None
    out: dict[str, Any] = {
        "id": ident,
        "name": c.text(indicator, "name", path, required=True, what=N_("el nombre del indicador")),
        "unit": c.text(indicator, "unit", path, required=False, what=N_("la unidad de medida")),
        "national_target": _national_target(c, indicator, path, ident, frame),
        "baseline": None,
        "targets": {},
    }
    baseline = indicator.get("baseline")
    if baseline not in (None, ""):
        try:
            out["baseline"] = parse_number(baseline, what=f"La línea base del indicador {ident}",
                                           code="baseline_not_numeric")
        except ProgressError as exc:
            c.error(f"{path}.baseline", exc)
    targets = indicator.get("targets")
    if not isinstance(targets, Mapping) or not targets:
        c.add(f"{path}.targets", "missing_targets",
              N_("El indicador %(indicator)s necesita al menos una meta anual numérica."),
              indicator=ident)
        return out
    for year, value in targets.items():
        try:
            checked_year = check_year(year, frame.plan.years,
                                      what=f"la meta del indicador {ident}")
        except ProgressError as exc:
            c.error(f"{path}.targets.{year}", exc)
            continue
        try:
            out["targets"][str(checked_year)] = parse_number(
                value, what=f"La meta {checked_year} del indicador {ident}",
                code="target_not_numeric")
        except ProgressError as exc:
            c.error(f"{path}.targets.{year}", exc)
    out["targets"] = dict(sorted(out["targets"].items()))
    return out


def _national_target(c: _Collector, indicator: Mapping[str, Any], path: str, ident: str,
                     frame: Frame) -> str | None:
    """The Cuadro N° 3 target (``L13.M2``) the indicator serves, on the indicator's own line."""
    value = indicator.get("national_target")
    if value in (None, ""):
        return None
    target_id = str(value).strip().upper()
    try:
        target = frame.target(target_id)
    except KeyError:
        c.add(f"{path}.national_target", "unknown_target",
              N_("«%(value)s» no es una meta del Cuadro N° 3 (por ejemplo, L13.M2)."),
              value=value)
        return None
    line = int(ident[1:].split(".")[0])
    if target.line != line:
        c.add(f"{path}.national_target", "target_of_another_line",
              N_("La meta %(target)s es de la línea %(target_line)s; el indicador %(indicator)s "
                 "está en la línea %(line)s."),
              target=target.id, target_line=target.line, indicator=ident, line=line)
        return None
    return target.id


def indicators_of(content: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every indicator of a content document, with its line and action."""
    found = []
    for line in content.get("lines", ()):
        for action in line["actions"]:
            for indicator in action["indicators"]:
                found.append({**indicator, "line": line["line"], "action": action["id"],
                              "action_name": action["name"]})
    return found


def check_report_values(
    data: Any, content: Mapping[str, Any], dataset_exists: Callable[[str], bool]
) -> dict[str, dict[str, Any]]:
    """A progress report's values by indicator id, or ``PlanRefused``.

    ``data`` maps an indicator id to ``{"achieved", "comment", "evidence"}``; an indicator whose
    achieved value is empty is left unreported. Evidence links are catalog dataset names or
    http(s) addresses.
    """
    c = _Collector()
    known = {i["id"] for i in indicators_of(content)}
    if not isinstance(data, Mapping):
        c.add("values", "not_an_object",
              N_("El informe debe dar, por indicador, el valor alcanzado."))
        c.raise_if_any()
    out: dict[str, dict[str, Any]] = {}
    for ident, entry in data.items():
        path = f"values.{ident}"
        if ident not in known:
            c.add(path, "unknown_indicator",
                  N_("El indicador «%(indicator)s» no es parte de esta versión del plan."),
                  indicator=ident)
            continue
        if not isinstance(entry, Mapping):
            entry = {"achieved": entry}
        achieved = entry.get("achieved")
        if achieved in (None, ""):
            continue
        try:
            value = parse_number(achieved, what=f"El valor alcanzado del indicador {ident}",
                                 code="achieved_not_numeric")
        except ProgressError as exc:
            c.error(f"{path}.achieved", exc)
            continue
        evidence = entry.get("evidence") or []
        if isinstance(evidence, str):
            evidence = [e for e in re.split(r"[\s,]+", evidence) if e]
        links = []
        for link in evidence:
            link = str(link).strip()
            if not (URL_RE.match(link) or dataset_exists(link)):
                c.add(f"{path}.evidence", "unknown_evidence",
                      N_("La evidencia «%(link)s» no es un conjunto de datos del catálogo ni "
                         "una dirección http(s)."), link=link)
            elif link not in links:
                links.append(link)
        out[ident] = {
            "achieved": value,
            "comment": c.text(entry, "comment", path, required=False, what=N_("el comentario")),
            "evidence": links,
        }
    if not out and not c.problems:
        c.add("values", "empty_report",
              N_("El informe no tiene ningún valor alcanzado: indique al menos uno."))
    c.raise_if_any()
    return out
