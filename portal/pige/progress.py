"""Progress of PIGE plans against their targets: per indicator, per line, per plan, nationally.

Pure computation over plain dataclasses (build them with ``Indicator.from_dict`` and
``PlanInput.from_dict`` from whatever the database or a form holds).

Progress of an indicator in a year, with baseline *b*, target *t* and achieved value *a*:
``(a - b) / (t - b)``, kept between 0 and 1 (a missing baseline counts as 0; a target equal to
the baseline is met when ``a >= t``). The target works in both directions: a target below the
baseline (e.g. fewer days to finish a procedure) progresses as the value goes down. Indicators
with no report or no target for the year are left out of the averages and counted apart.
A line's progress is the mean of its indicators; a plan's, the mean of its lines (each line weighs
the same); the national progress, the mean of the plans. Confidential plans count as entities with
a plan but their content stays out of the national averages unless asked for.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from portal.pige import N_
from portal.pige.errors import CodedError
from portal.pige.frame import Frame, Target, default_frame

NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")

# Indicator statuses for a year.
REPORTED = "reported"
NOT_REPORTED = "not_reported"
NO_TARGET = "no_target"


class ProgressError(CodedError):
    """Input refused. ``code`` is stable; ``message`` is Spanish, built from ``template``."""


def parse_number(value: Any, *, what: str, code: str = "not_numeric") -> float:
    """``value`` as a float: a number, or a string such as ``"12.5"`` or ``"12,5"``.

    ``what`` names the value in the Spanish message (e.g. "la meta 2026 del indicador X").
    """
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and NUMBER_RE.match(value.strip().replace(" ", "")):
        number = float(value.strip().replace(" ", "").replace(",", "."))
    if number is None or not math.isfinite(number):
        raise ProgressError(
            code, N_("%(what)s debe ser un número; se recibió «%(value)s»."),
            what=what, value=value,
        )
    return number


def check_year(year: Any, years: range, *, what: str) -> int:
    """``year`` when it is a year of the plan period, else ``ProgressError``."""
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year.strip())
    if not isinstance(year, int) or isinstance(year, bool) or year not in years:
        raise ProgressError(
            "year_outside_period",
            N_("El año %(year)s de %(what)s está fuera del periodo del plan (%(start)s-%(end)s)."),
            year=year, what=what, start=years[0], end=years[-1],
        )
    return year


@dataclass(frozen=True)
class Indicator:
    """An indicator of a plan, under a strategic line, with yearly targets and achieved values."""

    id: str
    line: int
    name: str
    baseline: float | None
    targets: Mapping[int, float]
    achieved: Mapping[int, float] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], frame: Frame | None = None) -> Indicator:
        """Build and check an indicator from plain data.

        Keys: ``id``, ``line``, ``name``, ``baseline`` (optional), ``targets`` and ``achieved``
        (mappings of year to value). Raises ``ProgressError``: unknown line, a year outside the
        period, a target, baseline or achieved value that is not a number.
        """
        frame = frame or default_frame()
        years = frame.plan.years
        ident = str(data.get("id") or "").strip()
        name = str(data.get("name") or ident)
        label = ident or name or "?"
        line = data.get("line")
        if line not in {ln.number for ln in frame.lines} or isinstance(line, bool):
            raise ProgressError(
                "unknown_line",
                N_("El indicador %(indicator)s se refiere a la línea estratégica «%(line)s», que "
                   "no existe (líneas 1 a %(last)s)."),
                indicator=label, line=line, last=len(frame.lines),
            )
        baseline = data.get("baseline")
        if baseline is not None and baseline != "":
            baseline = parse_number(baseline, what=f"La línea base del indicador {label}",
                                    code="baseline_not_numeric")
        else:
            baseline = None
        targets_in = data.get("targets") or {}
        if not isinstance(targets_in, Mapping) or not targets_in:
            raise ProgressError(
                "missing_targets",
                N_("El indicador %(indicator)s necesita al menos una meta anual numérica."),
                indicator=label,
            )
        targets = {
            check_year(y, years, what=f"la meta del indicador {label}"): parse_number(
                v, what=f"La meta {y} del indicador {label}", code="target_not_numeric")
            for y, v in targets_in.items()
        }
        achieved_in = data.get("achieved") or {}
        achieved = {
            check_year(y, years, what=f"el informe de avance del indicador {label}"): parse_number(
                v, what=f"El valor alcanzado {y} del indicador {label}",
                code="achieved_not_numeric")
            for y, v in achieved_in.items()
        }
        return cls(ident, line, name, baseline, targets, achieved)


@dataclass(frozen=True)
class PlanInput:
    """What progress needs of one plan: its entity, its indicators, state and confidentiality."""

    entity: str
    indicators: tuple[Indicator, ...]
    state: str | None = None
    confidential: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], frame: Frame | None = None) -> PlanInput:
        frame = frame or default_frame()
        return cls(
            entity=str(data["entity"]),
            indicators=tuple(Indicator.from_dict(i, frame) for i in data.get("indicators", ())),
            state=data.get("state"),
            confidential=bool(data.get("confidential", False)),
        )


@dataclass(frozen=True)
class IndicatorProgress:
    indicator: str
    line: int
    year: int
    status: str
    baseline: float | None
    target: float | None
    achieved: float | None
    ratio: float | None  # unbounded: above 1 when the target is exceeded
    progress: float | None  # ratio kept between 0 and 1
    met: bool | None


@dataclass(frozen=True)
class LineProgress:
    line: int
    year: int
    progress: float | None
    indicators: tuple[IndicatorProgress, ...]

    @property
    def reported(self) -> int:
        return sum(1 for i in self.indicators if i.status == REPORTED)

    @property
    def met(self) -> int:
        return sum(1 for i in self.indicators if i.met)


@dataclass(frozen=True)
class PlanProgress:
    entity: str
    year: int
    progress: float | None
    lines: tuple[LineProgress, ...]

    @property
    def indicators(self) -> tuple[IndicatorProgress, ...]:
        return tuple(i for line in self.lines for i in line.indicators)

    @property
    def coverage(self) -> float | None:
        """Share of indicators with a target for the year that were reported."""
        expected = [i for i in self.indicators if i.status != NO_TARGET]
        if not expected:
            return None
        return sum(1 for i in expected if i.status == REPORTED) / len(expected)

    def line(self, number: int) -> LineProgress | None:
        return next((ln for ln in self.lines if ln.line == number), None)


@dataclass(frozen=True)
class NationalProgress:
    year: int
    progress: float | None
    by_line: Mapping[int, float | None]
    plans_counted: int
    entities_total: int
    entities_with_plan: tuple[str, ...]
    entities_with_approved_plan: tuple[str, ...]
    entities_without_plan: tuple[str, ...]
    plans: tuple[PlanProgress, ...]


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return fmean(present) if present else None


def indicator_progress(
    indicator: Indicator, year: int, frame: Frame | None = None
) -> IndicatorProgress:
    """Progress of ``indicator`` in ``year`` (a year of the plan period)."""
    frame = frame or default_frame()
    year = check_year(year, frame.plan.years, what=f"el cálculo del indicador {indicator.id}")
    target = indicator.targets.get(year)
    achieved = indicator.achieved.get(year)
    base = dict(indicator=indicator.id, line=indicator.line, year=year,
                baseline=indicator.baseline, target=target, achieved=achieved)
    if target is None:
        return IndicatorProgress(status=NO_TARGET, ratio=None, progress=None, met=None, **base)
    target = parse_number(target, what=f"La meta {year} del indicador {indicator.id}",
                          code="target_not_numeric")
    if achieved is None:
        return IndicatorProgress(status=NOT_REPORTED, ratio=None, progress=None, met=None, **base)
    achieved = parse_number(achieved, what=f"El valor alcanzado {year} del indicador "
                            f"{indicator.id}", code="achieved_not_numeric")
    baseline = indicator.baseline if indicator.baseline is not None else 0.0
    if target == baseline:
        ratio = 1.0 if achieved >= target else 0.0
    else:
        ratio = (achieved - baseline) / (target - baseline)
    return IndicatorProgress(status=REPORTED, ratio=ratio, progress=min(max(ratio, 0.0), 1.0),
                             met=ratio >= 1.0, **base)


def plan_progress(plan: PlanInput, year: int, frame: Frame | None = None) -> PlanProgress:
    """Progress of one plan in ``year``: per indicator, per line and overall."""
    frame = frame or default_frame()
    results = [indicator_progress(i, year, frame) for i in plan.indicators]
    lines = []
    for number in sorted({r.line for r in results}):
        members = tuple(r for r in results if r.line == number)
        lines.append(LineProgress(number, year, _mean(r.progress for r in members), members))
    return PlanProgress(plan.entity, year, _mean(ln.progress for ln in lines), tuple(lines))


def national_progress(
    plans: Iterable[PlanInput],
    entities: Iterable[str],
    year: int,
    frame: Frame | None = None,
    *,
    include_confidential: bool = False,
) -> NationalProgress:
    """National picture for ``year``.

    ``entities`` are the slugs of every entity expected to have a plan; ``plans`` at most one per
    entity (its current version). Progress is the mean of the plans with a progress value; per
    line, the mean of the plans' progress on that line.
    """
    frame = frame or default_frame()
    plans = list(plans)
    expected = list(dict.fromkeys(entities))
    seen: set[str] = set()
    for plan in plans:
        if plan.entity in seen:
            raise ProgressError(
                "duplicate_plan",
                N_("La entidad %(entity)s tiene más de un plan en el cálculo nacional; use solo "
                   "su versión vigente."),
                entity=plan.entity,
            )
        seen.add(plan.entity)
    approved_states = frame.procedure.approved_states
    counted = [plan_progress(p, year, frame) for p in plans
               if include_confidential or not p.confidential]
    by_line = {
        line.number: _mean(
            (pp.line(line.number).progress if pp.line(line.number) else None) for pp in counted
        )
        for line in frame.lines
    }
    with_plan = tuple(e for e in expected if e in seen)
    approved = {p.entity for p in plans if p.state in approved_states}
    return NationalProgress(
        year=year,
        progress=_mean(pp.progress for pp in counted),
        by_line=by_line,
        plans_counted=sum(1 for pp in counted if pp.progress is not None),
        entities_total=len(expected),
        entities_with_plan=with_plan,
        entities_with_approved_plan=tuple(e for e in with_plan if e in approved),
        entities_without_plan=tuple(e for e in expected if e not in seen),
        plans=tuple(counted),
    )


@dataclass(frozen=True)
class CatalogAttainment:
    """A national target measured by the catalog itself (e.g. line 13: open data)."""

    target: str
    numerator: int
    denominator: int
    value: float | None  # in the target's unit (percent)
    target_value: float
    progress: float | None
    met: bool | None


def catalog_attainment(target: Target, numerator: int, denominator: int) -> CatalogAttainment:
    """Measure ``target`` from catalog counts (what to count is ``target.measurable_from_catalog``).

    Raises ``ProgressError`` when the target is not measurable from the catalog or not numeric.
    """
    if target.measurable_from_catalog is None:
        raise ProgressError(
            "not_measurable_from_catalog",
            N_("La meta %(target)s no se puede medir con el catálogo."), target=target.id,
        )
    if not target.quantity.is_numeric or target.quantity.value is None:
        raise ProgressError(
            "target_not_numeric",
            N_("La meta %(target)s no es numérica y no se puede medir."), target=target.id,
        )
    for name, count in (("numerator", numerator), ("denominator", denominator)):
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ProgressError(
                "invalid_count",
                N_("El conteo %(name)s debe ser un entero no negativo: %(value)s."),
                name=name, value=count,
            )
    if numerator > denominator:
        raise ProgressError(
            "invalid_count",
            N_("El numerador (%(numerator)s) no puede superar al denominador (%(denominator)s)."),
            numerator=numerator, denominator=denominator,
        )
    goal = target.quantity.value
    if denominator == 0:
        return CatalogAttainment(target.id, numerator, denominator, None, goal, None, None)
    value = 100.0 * numerator / denominator if target.quantity.unit == "percent" else float(
        numerator)
    progress = min(value / goal, 1.0) if goal else 1.0
    return CatalogAttainment(target.id, numerator, denominator, value, goal, progress,
                             value >= goal)
