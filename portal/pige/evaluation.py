"""The final evaluation of 2028 (DS 5468, Chapter VI, 6.2), built from the yearly reports.

"Evaluación final: Se evaluará el cumplimiento de resultados y metas establecidas para cada línea
estratégica el año 2028. Los resultados serán presentados al COPLUTIC". Per strategic line: its
progress (the mean of the plans' progress on the line, as on the dashboard) and, per target of
Cuadro N° 3, the entity indicators that serve it (``national_target``) with what was reported
for the year: how many were reported, how many met their yearly target, their mean progress;
the catalog's own measure where the target has one (L13.M2).

Before 2028 the same evaluation is a preliminary one for the chosen year. The public version
uses the plans whose content is public; AGETIC's reviewers and sysadmins get every plan
(``internal=True``), confidential ones included: confidentiality limits publication, not the
evaluation.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from portal import csvsafe
from portal.catalog.models import Entity
from portal.pige import national
from portal.pige import services as pige
from portal.pige.frame import Line, Target
from portal.pige.progress import CatalogAttainment, IndicatorProgress
from portal.pige.schemas import indicators_of

FINAL_YEAR = 2028


@dataclass
class TargetEvaluation:
    target: Target
    indicators: list[tuple[Entity, dict[str, Any], IndicatorProgress]] = field(default_factory=list)
    catalog: CatalogAttainment | None = None

    @property
    def reported(self) -> list[IndicatorProgress]:
        return [p for _e, _i, p in self.indicators if p.status == "reported"]

    @property
    def met(self) -> int:
        return sum(1 for p in self.reported if p.met)

    @property
    def mean_progress(self) -> float | None:
        values = [p.progress for p in self.reported if p.progress is not None]
        return sum(values) / len(values) if values else None

    @property
    def entities(self) -> int:
        return len({e.id for e, _i, _p in self.indicators})


@dataclass
class LineEvaluation:
    line: Line
    progress: float | None
    targets: list[TargetEvaluation]


def evaluate(year: int = FINAL_YEAR, *, internal: bool = False) -> list[LineEvaluation]:
    frame = pige.frame()
    by_target = {t.id: TargetEvaluation(t) for t in frame.targets}
    for plan in pige.list_plans():
        version = pige.current_version(plan)
        if not pige.is_approved(version) or not (internal or pige.content_public(version)):
            continue
        progress = pige.progress_of(version, year)
        found = {p.indicator: p for line in progress.lines for p in line.indicators}
        for indicator in indicators_of(version.content):
            target = indicator.get("national_target")
            if target in by_target and indicator["id"] in found:
                by_target[target].indicators.append((plan.entity, indicator,
                                                     found[indicator["id"]]))
    for measured in national.catalog_targets(year):
        by_target[measured["target"].id].catalog = measured["attainment"]
    board = national.dashboard(year, internal=internal)
    figures = board.internal if internal else board.progress
    return [LineEvaluation(line, figures.by_line.get(line.number),
                           [by_target[t.id] for t in frame.targets_for_line(line.number)])
            for line in frame.lines]


CSV_COLUMNS = ("linea", "linea_nombre", "avance_linea", "meta", "meta_texto",
               "entidades", "indicadores", "indicadores_informados", "indicadores_cumplidos",
               "avance_medio_indicadores", "medida_catalogo", "meta_catalogo")


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def csv_bytes(lines: list[LineEvaluation]) -> bytes:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in lines:
        for t in line.targets:
            writer.writerow([
                line.line.number, line.line.name, _pct(line.progress), t.target.id,
                t.target.target, t.entities, len(t.indicators), len(t.reported), t.met,
                _pct(t.mean_progress),
                "" if t.catalog is None or t.catalog.value is None else f"{t.catalog.value:.1f}",
                "" if t.catalog is None else f"{t.catalog.target_value:g}",
            ])
    return buffer.getvalue().encode("utf-8")
