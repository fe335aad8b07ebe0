"""The national picture: which entities have a plan, where each stands, progress by line, and the
targets the catalog measures itself.

Expected to have a plan: every active central-level entity of the catalog (the decree's scope,
Disposición Adicional Única), except the coordination bodies and groups of the frame
(``type`` ``body`` or ``group`` in ``standards/pige/entities.json``); an entity outside that set
that registers a plan anyway (a departmental government, a university) is listed too.

Progress averages use only plans whose content is public (published, not confidential): the
others count as entities with a plan, and their content stays out of every figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import db
from portal.catalog.licenses import get_license
from portal.catalog.models import Dataset, Entity
from portal.pige import services as pige
from portal.pige.models import Plan, PlanVersion
from portal.pige.procedure import StepStatus
from portal.pige.progress import (
    CatalogAttainment,
    NationalProgress,
    catalog_attainment,
    national_progress,
)
from portal.pige.schemas import indicators_of


def _excluded_slugs() -> set[str]:
    return {e.slug for e in pige.frame().entities if e.type in ("body", "group")}


def expected_entities() -> list[Entity]:
    excluded = _excluded_slugs()
    entities = db.session.scalars(
        select(Entity).where(Entity.state == "active", Entity.level == "central")
        .order_by(Entity.title)
    )
    return [e for e in entities if e.name not in excluded]


@dataclass(frozen=True)
class EntityRow:
    entity: Entity
    plan: Plan | None
    version: PlanVersion | None  # the latest version
    step: StepStatus | None  # its pending step (None when finished or no plan)
    expected: bool

    @property
    def days_overdue(self) -> int:
        return (self.step.days_overdue or 0) if self.step and self.step.status == "overdue" \
            else 0


@dataclass(frozen=True)
class Dashboard:
    year: int
    on: dt.date
    rows: tuple[EntityRow, ...]
    progress: NationalProgress
    states: dict[str, int]
    catalog_targets: tuple[dict[str, Any], ...]

    @property
    def with_plan(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.rows if r.plan is not None)

    @property
    def without_plan(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.rows if r.plan is None)

    @property
    def overdue(self) -> tuple[EntityRow, ...]:
        return tuple(r for r in self.rows if r.days_overdue)


def dashboard(year: int | None = None, on: dt.date | None = None) -> Dashboard:
    """Everything the national dashboard shows, as any reader may see it."""
    on = on or pige.today()
    year = pige.default_year(on) if year is None else year
    plans = {p.entity_id: p for p in pige.list_plans()}
    expected = expected_entities()
    entities = list(expected)
    expected_ids = {e.id for e in expected}
    entities += sorted((p.entity for p in plans.values() if p.entity_id not in expected_ids),
                       key=lambda e: e.title)
    rows = []
    states: dict[str, int] = {}
    for entity in entities:
        plan = plans.get(entity.id)
        version = plan.latest if plan else None
        step = pige.current_step(version, on) if version else None
        if version:
            states[version.state] = states.get(version.state, 0) + 1
        rows.append(EntityRow(entity, plan, version, step, entity.id in expected_ids))
    inputs = [pige.plan_input(pige.current_version(p)) for p in plans.values()]
    progress = national_progress(inputs, [e.name for e in entities], year, pige.frame())
    return Dashboard(year, on, tuple(rows), progress, states, catalog_targets(year))


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
