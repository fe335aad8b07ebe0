"""What the dashboard (``/dashboard``) and the public profile (``/user/<name>``) show.

"My datasets" are those of the entities where the user publishes (admin, editor) and those they
created. Each part is one bounded query (a page, or a fixed number of rows, and counts grouped
in SQL): the page's cost does not grow with the catalog.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import selectinload

from portal import db
from portal.auth import permissions
from portal.auth.models import Membership, User
from portal.catalog.models import Dataset, Entity, Resource
from portal.harvest.models import HarvestJob, HarvestSource
from portal.sql_constructs import ordered_join
from portal.validation.models import ValidationReport

#: The dataset tabs of the dashboard, with the condition each adds.
TABS = ("all", "draft", "private", "deleted")
SIDE_LIMIT = 10


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    pages: int
    total: int


def publishing_entity_ids(user) -> list[str]:
    return [m.entity_id for m in user.memberships if m.role in ("admin", "editor")]


def _mine(user):
    """Datasets of the entities where ``user`` publishes, and those they created."""
    ids = publishing_entity_ids(user)
    return or_(Dataset.entity_id.in_(ids) if ids else false(), Dataset.creator_user_id == user.id)


def _tab(tab: str):
    return {
        "all": Dataset.state != "deleted",
        "draft": Dataset.state == "draft",
        "private": and_(Dataset.state != "deleted", Dataset.private.is_(True)),
        "deleted": Dataset.state == "deleted",
    }[tab]


def dataset_counts(user) -> dict[str, int]:
    """How many of the user's datasets each tab holds (one grouped query)."""
    row = db.session.execute(select(*(
        func.coalesce(func.sum(case((_tab(tab), 1), else_=0)), 0).label(tab) for tab in TABS
    )).where(_mine(user))).one()
    return {tab: int(row._mapping[tab]) for tab in TABS}


def datasets(user, tab: str, page: int, per_page: int,
             counts: dict[str, int] | None = None) -> Page:
    """A page of the user's datasets in ``tab``. ``counts`` is ``dataset_counts(user)`` when the
    caller has it already (the dashboard shows them too): not counted a second time."""
    tab = tab if tab in TABS else "all"
    total = (counts if counts is not None else dataset_counts(user))[tab]
    return _page_of((_mine(user), _tab(tab)), total, page, per_page)


def _page_of(where, total: int, page: int, per_page: int) -> Page:
    """The datasets matching ``where`` (``total`` of them), newest change first, a page.

    The page's ids are chosen first, sorting only the keys (the whole rows, sorted, cost a
    deep page several times more), then its rows are read, with their resources."""
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    order = (Dataset.metadata_modified.desc(), Dataset.id)
    ids = (select(Dataset.id).where(*where).order_by(*order)
           .limit(per_page).offset((page - 1) * per_page))
    items = db.session.scalars(
        select(Dataset).where(Dataset.id.in_(ids))
        .options(selectinload(Dataset.resources)).order_by(*order))
    return Page(list(items), page, pages, total)


def failed_validations(user) -> tuple[list[tuple[Resource, Dataset, ValidationReport]], int]:
    """Resources of the user's live datasets whose last validation failed (data errors) or could
    not be done; the newest first, and how many there are.

    A resource has one report, its last validation (``validation_report.resource_id`` is
    unique). The newest ten are a ``LIMIT``; their number (the figure, "10 de N") needs every
    failed report of the user's datasets, so the work follows the user's datasets: bounded by
    what is theirs, not by the portal."""
    failing = ValidationReport.status.in_(("failure", "error"))
    live = (_mine(user), Dataset.state != "deleted")
    if db.session.get_bind().dialect.name == "sqlite":
        # From the user's datasets (the indexes on entity and creator) to their resources, and
        # each resource's report by its unique index. Left to choose, SQLite starts from every
        # failed report of the portal, or lists all the user's resources first: 1.4 times the
        # time for an admin of 10 entities of bench/dashboard.py's catalog, twice for an editor.
        tables = ordered_join(ordered_join(Dataset.__table__, Resource.__table__,
                                           Resource.dataset_id == Dataset.id),
                              ValidationReport.__table__,
                              ValidationReport.resource_id == Resource.id)
        matches = select(ValidationReport.id, func.count().over().label("total")) \
            .select_from(tables).where(*live, failing)
    else:
        # PostgreSQL, with statistics, hashes the user's resources once and probes them with
        # the failed reports: quicker there than the order above.
        resources = select(Resource.id).join(Dataset, Resource.dataset_id == Dataset.id) \
            .where(*live)
        matches = select(ValidationReport.id, func.count().over().label("total")).where(
            ValidationReport.resource_id.in_(resources), failing)
    # One pass gives the newest ten and, as a window count, how many match in all.
    found = db.session.execute(
        matches.order_by(ValidationReport.finished.desc(), ValidationReport.id)
        .limit(SIDE_LIMIT)).all()
    newest = [row.id for row in found]
    rows = db.session.execute(  # joined for the newest only, not for every match
        select(Resource, Dataset, ValidationReport)
        .join(Dataset, Resource.dataset_id == Dataset.id)
        .join(ValidationReport, ValidationReport.resource_id == Resource.id)
        .where(ValidationReport.id.in_(newest))
        .order_by(ValidationReport.finished.desc(), ValidationReport.id)).all() if newest else []
    return [tuple(row) for row in rows], found[0].total if found else 0


def harvest_jobs(user) -> list[HarvestJob]:
    """The latest harvest jobs of the sources of the user's entities (all for sysadmins)."""
    query = select(HarvestJob).join(HarvestSource, HarvestJob.source_id == HarvestSource.id)
    if not permissions.is_sysadmin(user):
        ids = publishing_entity_ids(user)
        if not ids:
            return []
        query = query.where(HarvestSource.entity_id.in_(ids))
    return list(db.session.scalars(
        query.order_by(HarvestJob.started.desc(), HarvestJob.id).limit(SIDE_LIMIT)))


def pige_waiting(user) -> list[tuple[Any, Any]]:
    """PIGE plans whose current step waits on ``user``: steps of their entities' officers
    (admins, editors), and AGETIC's steps when they review for AGETIC. (version, step) pairs,
    the nearest deadline first."""
    from portal.pige import national
    from portal.pige import services as pige
    from portal.pige.models import Plan, PlanVersion

    on = pige.today()
    waiting = []
    ids = publishing_entity_ids(user)
    if ids:
        plans = db.session.scalars(
            select(Plan).where(Plan.entity_id.in_(ids))
            .options(selectinload(Plan.versions).selectinload(PlanVersion.steps))).unique()
        for plan in plans:
            step = pige.current_step(plan.latest, on)
            if step is not None and step.responsible_role == "entity_officer":
                waiting.append((plan.latest, step))
    if pige.is_agetic_reviewer(user):
        waiting += national.agetic_worklist(on)
    waiting.sort(key=lambda item: (item[1].deadline is None, item[1].deadline or on,
                                   item[0].plan.entity.title))
    return waiting


def memberships(user) -> list[tuple[Entity, str]]:
    rows = db.session.execute(
        select(Entity, Membership.role).join(Membership, Membership.entity_id == Entity.id)
        .where(Membership.user_id == user.id, Entity.state == "active").order_by(Entity.title))
    return [tuple(row) for row in rows]


def public_datasets(user: User, page: int, per_page: int) -> Page:
    """The public datasets ``user`` created (the profile page, as CKAN's)."""
    where = (Dataset.creator_user_id == user.id, Dataset.state == "active",
             Dataset.private.is_(False))
    total = db.session.scalar(select(func.count(Dataset.id)).where(*where)) or 0
    return _page_of(where, total, page, per_page)
