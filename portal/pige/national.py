"""The national picture: which entities have a plan, where each stands, progress by line, and the
targets the catalog measures itself.

Listed: every active entity the decree obliges (``scope``: Disposición Adicional Única I), every
active central-level entity not yet classified, and any entity with a plan (a voluntary one: II,
III); the coordination bodies and groups of the frame (``type`` ``body`` or ``group`` in
``standards/pige/entities.json``) are not entities that plan. An obliged entity with no plan is
treated as a draft never opened: once the 90-calendar-day window of 6.1 num. 3 has closed it is
overdue, like an entity whose draft is past the window. A voluntary or unclassified entity is
never overdue for the registration window.

Progress: the public figures use the plans whose content is public (published, not
confidential). The content of the other plans (before publication, or declared confidential)
enters a public figure only when at least ``MIN_HIDDEN_PLANS`` such plans contribute to it, so no
figure can give away one plan (an average over one hidden plan is that plan). AGETIC's reviewers
and sysadmins also get the internal figures, which count every plan (6.2).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import db
from portal.catalog.licenses import get_license
from portal.catalog.models import Dataset, Entity
from portal.pige import scope as scopes
from portal.pige import services as pige
from portal.pige.models import Plan, PlanVersion
from portal.pige.procedure import StepStatus
from portal.pige.progress import (
    CatalogAttainment,
    NationalProgress,
    PlanInput,
    catalog_attainment,
    national_progress,
    plan_progress,
)
from portal.pige.schemas import indicators_of

#: Fewest plans with non-public content that may enter a public figure together.
MIN_HIDDEN_PLANS = 3


def _excluded_slugs() -> set[str]:
    return {e.slug for e in pige.frame().entities if e.type in ("body", "group")}


def listed_entities(with_plan: set[str]) -> list[tuple[Entity, scopes.Scope]]:
    """The entities the dashboard lists (see the module docstring), with their scope."""
    excluded = _excluded_slugs()
    records = scopes.recorded()
    out = []
    for entity in db.session.scalars(select(Entity).where(Entity.state == "active")
                                     .order_by(Entity.title)):
        if entity.name in excluded and entity.id not in with_plan:
            continue
        scope = scopes.scope_of(entity, records)
        if (entity.id in with_plan or scope.obliged
                or (scope.kind == scopes.UNCLASSIFIED and entity.level == "central")):
            out.append((entity, scope))
    return out


@dataclass(frozen=True)
class EntityRow:
    entity: Entity
    scope: scopes.Scope
    plan: Plan | None
    version: PlanVersion | None  # the latest version
    #: Its pending step (None when finished). For an obliged entity without a plan: the
    #: registration window, as for a draft never opened.
    step: StepStatus | None

    @property
    def window_waived(self) -> bool:
        """A voluntary or unclassified entity is never late for the registration window."""
        return (not self.scope.obliged and self.step is not None
                and self.step.state == pige.frame().procedure.initial_state)

    @property
    def overdue(self) -> bool:
        return bool(self.step and self.step.status == "overdue" and not self.window_waived)

    @property
    def days_overdue(self) -> int:
        return (self.step.days_overdue or 0) if self.overdue else 0


@dataclass(frozen=True)
class Dashboard:
    year: int
    on: dt.date
    rows: tuple[EntityRow, ...]
    progress: NationalProgress  # public figures
    hidden_in_figures: int  # plans with non-public content inside the public figures
    hidden_withheld: int  # plans with non-public content kept out of them
    #: Every plan counted (AGETIC's reviewers and sysadmins only), else None.
    internal: NationalProgress | None
    states: dict[str, int]
    catalog_targets: tuple[dict[str, Any], ...]
    registration_deadline: dt.date
    reports: tuple[ReportRow, ...] = ()
    figures: dict[str, int] | None = None

    @property
    def with_plan(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.rows if r.plan is not None)

    @property
    def obliged(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.rows if r.scope.obliged)

    @property
    def obliged_without_plan(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.obliged if r.plan is None)

    @property
    def obliged_approved(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.obliged if r.version and pige.is_approved(r.version))

    @property
    def voluntary_with_plan(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.with_plan if r.scope.kind == scopes.VOLUNTARY)

    @property
    def unclassified(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.rows if r.scope.kind == scopes.UNCLASSIFIED)

    @property
    def overdue(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.rows if r.overdue)


def _not_registered(on: dt.date) -> StepStatus:
    """The registration window of an entity that opened no draft, as of ``on``."""
    start = pige.window_start()
    machine = pige.machine()
    return machine.current(machine.start("formulacion", start, window_start=start), on)


def public_progress(inputs: list[PlanInput], entities: list[str], year: int
                    ) -> tuple[NationalProgress, int, int]:
    """The public national figures, with how many plans of non-public content went into them
    and how many were kept out (fewer than ``MIN_HIDDEN_PLANS`` on a figure)."""
    frame = pige.frame()
    shown = national_progress(inputs, entities, year, frame)
    pooled = national_progress(inputs, entities, year, frame, include_confidential=True)
    hidden = [plan_progress(p, year, frame) for p in inputs if p.confidential]
    reporting = [h for h in hidden if h.progress is not None]
    use_all = len(reporting) >= MIN_HIDDEN_PLANS
    by_line = {
        number: pooled.by_line[number]
        if sum(1 for h in hidden if h.line(number) and h.line(number).progress is not None)
        >= MIN_HIDDEN_PLANS else value
        for number, value in shown.by_line.items()
    }
    figures = dataclasses.replace(
        shown, progress=pooled.progress if use_all else shown.progress, by_line=by_line,
        plans_counted=pooled.plans_counted if use_all else shown.plans_counted)
    included = len(reporting) if use_all else 0
    return figures, included, len(reporting) - included


def dashboard(year: int | None = None, on: dt.date | None = None, *,
              internal: bool = False) -> Dashboard:
    """Everything the national dashboard shows; ``internal`` adds AGETIC's figures, which count
    every plan (give it only to ``services.is_monitor`` readers)."""
    on = on or pige.today()
    year = pige.default_year(on) if year is None else year
    plans = {p.entity_id: p for p in pige.list_plans()}
    rows = []
    states: dict[str, int] = {}
    not_registered = _not_registered(on)
    for entity, scope in listed_entities(set(plans)):
        plan = plans.get(entity.id)
        version = plan.latest if plan else None
        if version:
            step = pige.current_step(version, on)
            states[version.state] = states.get(version.state, 0) + 1
        else:
            step = not_registered
        rows.append(EntityRow(entity, scope, plan, version, step))
    names = [r.entity.name for r in rows if r.scope.obliged or r.plan]
    inputs = [pige.plan_input(pige.current_version(p)) for p in plans.values()]
    progress, included, withheld = public_progress(inputs, names, year)
    inside = (national_progress(inputs, names, year, pige.frame(), include_confidential=True)
              if internal else None)
    return Dashboard(year, on, tuple(rows), progress, included, withheld, inside, states,
                     catalog_targets(year), pige.registration_deadline(),
                     yearly_reports(tuple(rows), year), reconciliation(tuple(rows)))


@dataclass(frozen=True)
class ReportRow:
    """Whether an entity with an approved plan filed its yearly progress report (6.2)."""

    entity: Entity
    scope: scopes.Scope
    version: PlanVersion  # the version in force
    approved_on: dt.date
    filed_on: dt.date | None


def yearly_reports(rows: tuple[EntityRow, ...], year: int) -> tuple[ReportRow, ...]:
    """6.2: "las entidades públicas deberán informar anualmente sobre el avance". Expected from
    every listed entity whose plan was approved (the MAE's resolution) on or before the end of
    ``year``; filed when any version of its plan has a report for ``year``. The decree sets no
    date for the report, so a missing one is pending, never overdue."""
    out = []
    for row in rows:
        if row.plan is None:
            continue
        version = pige.current_version(row.plan)
        approved_on = next((s.on for s in version.steps if s.action == "aprobar_resolucion"),
                           None)
        if approved_on is None or approved_on.year > year:
            continue
        report = next((v.report(year) for v in row.plan.versions if v.report(year)), None)
        out.append(ReportRow(row.entity, row.scope, version, approved_on,
                             report.submitted_on if report else None))
    return tuple(out)


def reconciliation(rows: tuple[EntityRow, ...]) -> dict[str, int]:
    """How the dashboard's entities, the catalog's entities and the denominator of L13.M2 (the
    active central-level entities) fit together: the central-level ones split into obliged,
    voluntary, unclassified and coordination bodies, which add up to the denominator."""
    excluded = _excluded_slugs()
    records = scopes.recorded()
    active = list(db.session.scalars(select(Entity).where(Entity.state == "active")))
    central = [e for e in active if e.level == "central"]
    kinds = [scopes.scope_of(e, records).kind for e in central if e.name not in excluded]
    return {
        "catalog": len(active),
        "central": len(central),
        "central_obliged": kinds.count(scopes.OBLIGED),
        "central_voluntary": kinds.count(scopes.VOLUNTARY),
        "central_unclassified": kinds.count(scopes.UNCLASSIFIED),
        "central_bodies": sum(1 for e in central if e.name in excluded),
        "not_central": len(active) - len(central),
        "listed": len(rows),
        "listed_obliged": sum(1 for r in rows if r.scope.obliged),
        "listed_unclassified": sum(1 for r in rows if r.scope.kind == scopes.UNCLASSIFIED),
        "listed_voluntary": sum(1 for r in rows if r.scope.kind == scopes.VOLUNTARY),
    }


def indicators_by_target() -> dict[str, list[tuple[Entity, dict[str, Any]]]]:
    """The indicators of the plans whose content is public, by the Cuadro N° 3 target they
    serve (``national_target``)."""
    found: dict[str, list[tuple[Entity, dict[str, Any]]]] = {}
    for plan in pige.list_plans():
        version = pige.current_version(plan)
        if not pige.content_public(version):
            continue
        for indicator in indicators_of(version.content):
            if indicator.get("national_target"):
                found.setdefault(indicator["national_target"], []).append(
                    (plan.entity, indicator))
    return found


def agetic_worklist(on: dt.date | None = None) -> list[tuple[PlanVersion, StepStatus]]:
    """The plans waiting on AGETIC (a move its reviewers may make now: review an adjusted or
    registered plan, publish a registered resolution), the nearest deadline first."""
    on = on or pige.today()
    machine = pige.machine()
    waiting = []
    for plan in pige.list_plans():
        version = plan.latest
        if not machine.allowed_actions(pige.procedure_of(version), "agetic_reviewer"):
            continue
        step = pige.current_step(version, on)
        if step is not None:
            waiting.append((version, step))
    waiting.sort(key=lambda item: (item[1].deadline is None, item[1].deadline or on,
                                   item[0].plan.entity.title))
    return waiting


# --- targets the catalog measures ------------------------------------------------------------


def _dcat_conformant(dataset: Dataset) -> bool:
    """The catalog's reading of "DCAT-conformant metadata": the mandatory properties of
    DCAT-AP (title, description) and a distribution with an access URL."""
    return bool(dataset.title.strip() and dataset.description.strip()
                and any(r.url for r in dataset.resources))


def open_data_counts() -> tuple[int, int, list[str]]:
    """Central-level entities in the catalog, those publishing at least one public, openly
    licensed dataset with conformant metadata, and the names of the latter."""
    entities = {e.id: e for e in db.session.scalars(
        select(Entity).where(Entity.state == "active", Entity.level == "central"))}
    publishing: set[str] = set()
    datasets = db.session.scalars(
        select(Dataset).where(Dataset.state == "active", Dataset.private.is_(False),
                              Dataset.entity_id.in_(list(entities)))
        .options(selectinload(Dataset.resources))
    )
    for dataset in datasets:
        if dataset.entity_id in publishing:
            continue
        licence = get_license(dataset.license_id) if dataset.license_id else None
        if licence is not None and licence.is_open and _dcat_conformant(dataset):
            publishing.add(dataset.entity_id)
    names = sorted(entities[i].name for i in publishing)
    return len(publishing), len(entities), names


def catalog_targets(year: int) -> tuple[dict[str, Any], ...]:
    """Each target measurable from the catalog: the catalog's measure beside what the entities
    with a public plan report on the same line in ``year``."""
    numerator, denominator, names = open_data_counts()
    out = []
    for target in pige.frame().catalog_measurable_targets():
        attained: CatalogAttainment = catalog_attainment(target, numerator, denominator)
        out.append({
            "target": target,
            "attainment": attained,
            "publishing": names,
            "reported": reported_on_line(target.line, year),
        })
    return tuple(out)


def reported_on_line(line: int, year: int) -> list[dict[str, Any]]:
    """What entities with a public plan report for their indicators of ``line`` in ``year``."""
    found = []
    for plan in pige.list_plans():
        version = pige.current_version(plan)
        if not pige.content_public(version):
            continue
        progress = pige.progress_of(version, year).line(line)
        if progress is None:
            continue
        names = {i["id"]: i["name"] for i in indicators_of(version.content)}
        found.append({
            "entity": plan.entity,
            "version": version.number,
            "progress": progress.progress,
            "indicators": [{"id": i.indicator, "name": names[i.indicator], "target": i.target,
                            "achieved": i.achieved, "progress": i.progress, "status": i.status}
                           for i in progress.indicators],
        })
    return found
