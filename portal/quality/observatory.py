"""The observatory's figures: the public datasets' latest scores per entity and for the catalog,
their trends over the days, and what each entity should fix first.

Only datasets public now (active, not private) count, each with its latest row. Every figure is
a list of plain rows (``Table``), so the page draws it, lists it beside the chart and offers it
as CSV from the same rows, and the published dataset carries the same files.
"""

from __future__ import annotations

import io
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, case, func, select

from portal import csvsafe, db
from portal.catalog.models import Dataset, Entity
from portal.db import utcnow
from portal.quality import mqa
from portal.quality.models import QualityScore

DIM_COLUMNS = tuple(getattr(QualityScore, d) for d in mqa.DIMENSIONS)
_lock = threading.Lock()  # the figures kept in the app


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    def csv_bytes(self) -> bytes:
        buffer = io.StringIO()
        writer = csvsafe.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue().encode("utf-8")


#: The current figures take each public dataset's newest score of this many days before the
#: newest day scored: the nightly run scores every dataset each day, so the window holds every
#: dataset's current score while reading a week of history, not all of it.
WINDOW = timedelta(days=7)


#: Figures are kept per process while no score changed, at most this many seconds (the PIGE
#: column follows plans, which change no score).
KEEP_SECONDS = 300


def _kept(key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in the app under ``key`` while the newest score computation and the
    day stay the same (one indexed look-up), for at most ``KEEP_SECONDS``."""
    version = (db.session.scalar(select(func.max(QualityScore.computed))), utcnow().date())
    kept = current_app.extensions.setdefault("quality.figures", {})
    with _lock:
        found = kept.get(key)
    if found is not None and found[0] == version and time.monotonic() - found[1] < KEEP_SECONDS:
        return found[2]
    value = compute()
    with _lock:
        if len(kept) > 1000:
            kept.clear()
        kept[key] = (version, time.monotonic(), value)
    return value


def _latest_rows():
    """Latest score row of each dataset public now (within ``WINDOW``)."""
    newest_day = select(func.max(QualityScore.day)).scalar_subquery()
    newest = (select(QualityScore.dataset_id, func.max(QualityScore.day).label("day"))
              .where(QualityScore.day >= newest_day - WINDOW)
              .group_by(QualityScore.dataset_id).subquery())
    return (select(QualityScore)
            .join(newest, and_(newest.c.dataset_id == QualityScore.dataset_id,
                               newest.c.day == QualityScore.day))
            .join(Dataset, Dataset.id == QualityScore.dataset_id)
            .where(Dataset.state == "active", Dataset.private.is_(False)))


def _aggregates(query):
    latest = _latest_rows().subquery()
    columns = [
        func.count().label("datasets"),
        func.avg(latest.c.points).label("points"),
        *(func.avg(latest.c[d]).label(d) for d in mqa.DIMENSIONS),
        func.sum(latest.c.links_broken).label("links_broken"),
        func.sum(case((latest.c.links_broken > 0, 1), else_=0)).label("with_broken_links"),
        func.sum(latest.c.resources).label("resources"),
        func.sum(latest.c.resources_valid).label("resources_valid"),
        func.sum(latest.c.resources_invalid).label("resources_invalid"),
        func.sum(case((latest.c.shacl_violations > 0, 1), else_=0)).label("dcat_ap_failing"),
        func.sum(case((latest.c.overdue.is_(True), 1), else_=0)).label("overdue"),
    ]
    return query(latest, columns)


def _round(value: Any) -> float:
    return round(float(value or 0), 1)


def catalog_summary() -> dict[str, Any]:
    return _kept(("summary",), _catalog_summary)


def _catalog_summary() -> dict[str, Any]:
    def query(latest, columns):
        return db.session.execute(select(*columns).select_from(latest)).one()

    row = _aggregates(query)
    ratings = dict.fromkeys((name for name, _ in mqa.RATINGS), 0)
    for points in db.session.scalars(select(_latest_rows().subquery().c.points)):
        ratings[mqa.rating(points)] += 1
    return {"datasets": row.datasets or 0, "points": _round(row.points),
            "rating": mqa.rating(_round(row.points)),
            "dimensions": {d: _round(getattr(row, d)) for d in mqa.DIMENSIONS},
            "links_broken": int(row.links_broken or 0),
            "with_broken_links": int(row.with_broken_links or 0),
            "resources": int(row.resources or 0),
            "resources_valid": int(row.resources_valid or 0),
            "resources_invalid": int(row.resources_invalid or 0),
            "dcat_ap_failing": int(row.dcat_ap_failing or 0), "overdue": int(row.overdue or 0),
            "ratings": ratings}


DIMENSION_COLUMNS = tuple(mqa.DIMENSION_COLUMNS[d] for d in mqa.DIMENSIONS)
ENTITY_COLUMNS = ("entidad", "nombre", "conjuntos", "puntos_mqa", *DIMENSION_COLUMNS,
                  "enlaces_rotos", "conjuntos_con_enlaces_rotos", "recursos",
                  "recursos_validos", "recursos_invalidos", "conjuntos_no_conformes_dcat_ap",
                  "conjuntos_desactualizados", "pige_estado", "pige_aprobado")


#: Columns the entity ranking may be ordered by, largest first: the best score, or the most
#: problems (what a monitor looks for first).
RANKINGS = ("puntos_mqa", "enlaces_rotos", "conjuntos_desactualizados", "recursos_invalidos",
            "conjuntos_no_conformes_dcat_ap")


def entity_table(order: str = "puntos_mqa") -> Table:
    """One row per entity with public scored datasets, the largest ``order`` first (a column of
    ``RANKINGS``; ties by name)."""
    rows = list(_kept(("entities",), _entity_rows))
    column = ENTITY_COLUMNS.index(order)
    rows.sort(key=lambda r: (-(r[column] or 0), r[0]))
    return Table("entidades", ENTITY_COLUMNS, rows)


def _entity_rows() -> list[tuple[Any, ...]]:

    def query(latest, columns):
        return db.session.execute(
            select(Entity.name, Entity.title, *columns).select_from(latest)
            .join(Entity, Entity.id == latest.c.entity_id)
            .group_by(Entity.name, Entity.title)).all()

    pige = _pige_by_entity()
    rows = []
    for row in _aggregates(query):
        plan = pige.get(row.name)
        rows.append((row.name, row.title, row.datasets, _round(row.points),
                     *(_round(getattr(row, d)) for d in mqa.DIMENSIONS),
                     int(row.links_broken or 0), int(row.with_broken_links or 0),
                     int(row.resources or 0), int(row.resources_valid or 0),
                     int(row.resources_invalid or 0), int(row.dcat_ap_failing or 0),
                     int(row.overdue or 0),
                     plan[0] if plan else "", ("si" if plan[1] else "no") if plan else ""))
    return rows


def _trend_rows(entity_name: str | None, since: date) -> list[tuple[Any, ...]]:
    query = (select(QualityScore.day, func.count(), func.avg(QualityScore.points),
                    *(func.avg(c) for c in DIM_COLUMNS))
             .where(QualityScore.public.is_(True), QualityScore.day >= since)
             .group_by(QualityScore.day))
    if entity_name is not None:
        query = query.join(Entity, Entity.id == QualityScore.entity_id).where(
            Entity.name == entity_name)
    return [(found, count, _round(points), *(_round(v) for v in dims))
            for found, count, points, *dims in db.session.execute(query).all()]


def _past_days() -> dict[tuple[str | None, date], tuple[Any, ...]]:
    """The app's figures of days before today, per (entity name or None, day): only today's
    rows are ever rewritten, so a past day is read from the history once per process."""
    return current_app.extensions.setdefault("quality.past_days", {})


def trend_table(entity_name: str | None = None, days: int = 90) -> Table:
    """Average MQA points of the public datasets scored each day of the last ``days``."""
    from portal.quality.services import today

    now = today()
    since = now - timedelta(days=days - 1)
    past = _past_days()
    with _lock:
        cached = {day: row for (name, day), row in past.items()
                  if name == entity_name and day >= since}
    start = max(cached) + timedelta(days=1) if cached else since
    fresh = _trend_rows(entity_name, start)
    with _lock:
        past.update({(entity_name, row[0]): row for row in fresh if row[0] < now})
    rows = sorted([*cached.values(), *fresh], key=lambda row: row[0])
    return Table("tendencia", ("dia", "conjuntos", "puntos_mqa", *DIMENSION_COLUMNS),
                 [(row[0].isoformat(), *row[1:]) for row in rows])



def fix_table(entity_name: str) -> Table:
    """What the entity's public datasets miss, indicator by indicator, ordered by the points
    the whole entity gains by fixing it (summed over its datasets)."""
    return _kept(("fixes", entity_name), lambda: _fix_table(entity_name))


def _fix_table(entity_name: str) -> Table:
    query = (_latest_rows().join(Entity, Entity.id == QualityScore.entity_id)
             .where(Entity.name == entity_name))
    gains: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for score in db.session.scalars(query):
        for measurement in mqa.from_values((score.details or {}).get("mqa", {})).measurements:
            if measurement.to_fix:
                gains[measurement.indicator.key] += measurement.missing
                counts[measurement.indicator.key] += 1
    rows = [(key, str(mqa.BY_KEY[key].label), str(mqa.BY_KEY[key].fix), counts[key],
             round(gain, 1)) for key, gain in gains.items()]
    rows.sort(key=lambda r: (-r[4], r[0]))
    return Table("mejoras", ("indicador", "nombre", "como_mejorar", "conjuntos", "puntos"), rows)


def dataset_table(entity_name: str) -> Table:
    """The entity's public datasets, lowest score first."""
    return _kept(("datasets", entity_name), lambda: _dataset_table(entity_name))


def _dataset_table(entity_name: str) -> Table:
    rows = []
    latest = _latest_rows().join(Entity, Entity.id == QualityScore.entity_id).where(
        Entity.name == entity_name).add_columns(Dataset.name, Dataset.title)
    for score, name, title in db.session.execute(latest).all():
        rows.append((name, title, score.points, mqa.rating(score.points), score.links_broken,
                     score.resources_invalid, score.shacl_violations))
    rows.sort(key=lambda r: (r[2], r[0]))
    return Table("conjuntos", ("conjunto", "titulo", "puntos_mqa", "calificacion",
                               "enlaces_rotos", "recursos_invalidos", "violaciones_dcat_ap"),
                 rows)


def scorecard(entity_name: str) -> tuple[dict[str, Any] | None, tuple[int, int] | None]:
    """The entity's row of ``entity_table`` by column (with ``dimensions`` by dimension) and its
    rank among the entities; (None, None) without public scored datasets."""
    rows = entity_table().rows
    for position, row in enumerate(rows, start=1):
        if row[0] == entity_name:
            found = dict(zip(ENTITY_COLUMNS, row, strict=True))
            found["dimensions"] = {d: found[mqa.DIMENSION_COLUMNS[d]] for d in mqa.DIMENSIONS}
            return found, (position, len(rows))
    return None, None


def entity_points(entity_name: str) -> float | None:
    """The average score of the entity's public datasets (the badge): one aggregate."""
    latest = _latest_rows().join(Entity, Entity.id == QualityScore.entity_id).where(
        Entity.name == entity_name).subquery()
    count, points = db.session.execute(select(func.count(), func.avg(latest.c.points))).one()
    return _round(points) if count else None


# --- figures of other domains ----------------------------------------------------------------


def _pige_by_entity() -> dict[str, tuple[str, bool]]:
    """Entity name -> (state of the plan in force, approved) for entities with a PIGE plan."""
    from portal.pige import services as pige

    found = {}
    for plan in pige.list_plans():
        version = pige.current_version(plan)
        found[plan.entity.name] = (version.state, pige.is_approved(version))
    return found


def as_of() -> date | None:
    return db.session.scalar(select(func.max(QualityScore.day)))
