"""Quality scores: computing and storing them (the only writer of ``quality_score``), and reading
a dataset's latest score.

``score_datasets(ids)`` scores the given datasets as the database has them now and rewrites
today's row of each (the rows of earlier days are the history). ``recompute_all()`` does it for
every active dataset in chunks, one transaction per chunk, so a killed run leaves whole chunks.

After a change the score is asked for, not computed: ``ask(ids)`` adds the datasets to
``quality_pending`` (one row per dataset however often it is asked for) and ``score_pending()``
(the job ``quality.score_pending``) drains that set in batches. A batch's rows are deleted only
once its scores are written and only if nobody asked again meanwhile, so a dataset changed while
it was being scored is scored again and a run killed mid-way leaves its rows for the next one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from portal import db
from portal.catalog.models import Dataset, Resource
from portal.db import utcnow
from portal.feeds.rows import RowLoader
from portal.quality import freshness, links, mqa, shacl
from portal.quality.facts import dataset_facts
from portal.quality.models import QualityPending, QualityScore
from portal.validation.models import ValidationReport

CHUNK = 500


def today() -> date:
    return utcnow().date()


def _load(session: Session, ids: list[str]) -> list[Dataset]:
    if not ids:
        return []
    return list(session.scalars(
        select(Dataset).where(Dataset.id.in_(ids), Dataset.state != "deleted")
        .options(selectinload(Dataset.tags), selectinload(Dataset.themes),
                 selectinload(Dataset.resources))))


def _validation(session: Session, resource_ids: list[str]) -> dict[str, str]:
    if not resource_ids:
        return {}
    return dict(session.execute(select(ValidationReport.resource_id, ValidationReport.status)
                                .where(ValidationReport.resource_id.in_(resource_ids))).all())


def row_for(dataset: Any, validation: dict[str, str], link_statuses: dict,
            day: date, now: datetime, fresh: freshness.Freshness | None = None
            ) -> dict[str, Any]:
    """The ``quality_score`` row of ``dataset`` today."""
    findings = shacl.check(dataset)
    violations = sum(1 for f in findings if f.severity == "violation")
    facts = dataset_facts(dataset, link_statuses, dcat_ap_compliant=not violations)
    assessment = mqa.assess(facts)
    statuses = {r.id: validation.get(r.id) for r in dataset.resources}
    remote = [d for d in facts.distributions if not d.download_url]
    return {
        "dataset_id": dataset.id, "day": day, "entity_id": dataset.entity.id,
        "public": dataset.is_public, "points": assessment.points, **assessment.dimensions,
        "shacl_violations": violations, "shacl_warnings": len(findings) - violations,
        "resources": len(dataset.resources),
        "resources_valid": sum(1 for s in statuses.values() if s == "success"),
        "resources_invalid": sum(1 for s in statuses.values() if s == "failure"),
        "overdue": None if fresh is None or fresh.status == "not-assessed" else fresh.overdue,
        "links_broken": sum(1 for d in facts.distributions if d.access_ok is False),
        "links_unchecked": sum(1 for d in remote if d.access_ok is None),
        "details": {"mqa": assessment.values(),
                    "findings": [[f.severity, f.focus, f.cls, f.path] for f in findings],
                    "validation": statuses},
        "computed": now,
    }


def _rows(session: Session, ids: list[str], day: date) -> Iterator[dict[str, Any]]:
    # Public datasets (nearly all) as plain rows, read in four set-based queries (the feeds'
    # loader); the others (drafts, private) through the ORM.
    datasets: list[Any] = RowLoader(session).load(ids)
    public = {d.id for d in datasets}
    datasets += _load(session, [i for i in ids if i not in public])
    resources = [r for d in datasets for r in d.resources]
    validation = _validation(session, [r.id for r in resources])
    link_statuses = links.statuses(resources)
    fresh = freshness.for_datasets(ids, public_only=False, today=day)
    now = utcnow()
    for dataset in datasets:
        found = fresh.get(dataset.id)
        yield row_for(dataset, validation, link_statuses, day, now,
                      found[1] if found else None)


def score_datasets(dataset_ids: Iterable[str]) -> int:
    """Score these datasets now; today's row of each is replaced (a deleted or purged dataset
    loses today's row only). Returns the number scored."""
    ids = list(dict.fromkeys(dataset_ids))
    day = today()
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        with db.unit_of_work() as session:
            rows = list(_rows(session, chunk, day))
            session.execute(delete(QualityScore).where(QualityScore.day == day,
                                                       QualityScore.dataset_id.in_(chunk)))
            if rows:
                session.execute(insert(QualityScore), rows)
            done += len(rows)
    return done


def recompute_all() -> int:
    """Score every dataset that is not deleted (the nightly job and ``portal quality
    recompute``)."""
    ids = list(db.session.scalars(select(Dataset.id).where(Dataset.state != "deleted")
                                  .order_by(Dataset.id)))
    return score_datasets(ids)


# --- the datasets waiting for a score ---------------------------------------------------------

#: Datasets scored per transaction of the drain (and rows taken from ``quality_pending``).
PENDING_BATCH = 200


def ask(dataset_ids: Iterable[str]) -> int:
    """Add these datasets to the ones waiting for a score, in one short transaction of its own
    (an upsert: a dataset already waiting is asked again, never duplicated). Returns how many."""
    ids = sorted(set(dataset_ids))  # one order for every writer: no deadlock between two asks
    if not ids:
        return 0
    now = utcnow()
    with db.unit_of_work() as session:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        for start in range(0, len(ids), CHUNK):
            statement = dialect.insert(QualityPending).values(
                [{"dataset_id": i, "asked": now, "asks": 1} for i in ids[start:start + CHUNK]])
            session.execute(statement.on_conflict_do_update(
                index_elements=[QualityPending.dataset_id],
                set_={"asked": statement.excluded.asked, "asks": QualityPending.asks + 1}))
    return len(ids)


def pending(limit: int | None = None) -> list[tuple[str, int]]:
    """``(dataset_id, asks)`` of the datasets waiting for a score, the longest waiting first."""
    statement = select(QualityPending.dataset_id, QualityPending.asks).order_by(
        QualityPending.asked, QualityPending.dataset_id)
    if limit is not None:
        statement = statement.limit(limit)
    with db.unit_of_work() as session:
        return [(row.dataset_id, row.asks) for row in session.execute(statement)]


def _forget(taken: list[tuple[str, int]]) -> None:
    """Delete the rows taken, unless asked for again since they were read."""
    ids = sorted(dataset_id for dataset_id, _asks in taken)
    with db.unit_of_work() as session:
        # Rows locked in the order ``ask`` writes them, Python's (PostgreSQL's "C" collation;
        # SQLite has one writer): a delete and an upsert never wait for each other in a cycle.
        order = QualityPending.dataset_id
        if session.get_bind().dialect.name == "postgresql":
            order = order.collate("C")
        session.execute(select(QualityPending.dataset_id).where(
            QualityPending.dataset_id.in_(ids)).order_by(order).with_for_update())
        session.execute(delete(QualityPending).where(or_(*(
            and_(QualityPending.dataset_id == dataset_id, QualityPending.asks == asks)
            for dataset_id, asks in taken))))


def score_pending(batch: int | None = None) -> int:
    """Score the datasets waiting for it, ``batch`` (``PENDING_BATCH``) at a time, until none is
    left (those asked for during the run included). Returns the number of datasets scored."""
    done = 0
    while taken := pending(batch or PENDING_BATCH):
        done += score_datasets([dataset_id for dataset_id, _asks in taken])
        _forget(taken)
    return done


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetQuality:
    """A dataset's latest score, ready to show."""

    score: QualityScore
    assessment: mqa.Assessment
    findings: list[shacl.Finding]

    @property
    def fixes(self) -> list[mqa.Measurement]:
        """Indicators not fully met, the one that gains most first."""
        return sorted((m for m in self.assessment.measurements if m.to_fix),
                      key=lambda m: (-m.missing, m.indicator.key))


def latest(dataset_id: str) -> DatasetQuality | None:
    score = db.session.scalar(select(QualityScore).where(QualityScore.dataset_id == dataset_id)
                              .order_by(QualityScore.day.desc()).limit(1))
    if score is None:
        return None
    details = score.details or {}
    findings = [shacl.Finding(*item) for item in details.get("findings", [])]
    return DatasetQuality(score, mqa.from_values(details.get("mqa", {})), findings)


def resource_names(dataset_id: str) -> dict[str, str]:
    return dict(db.session.execute(select(Resource.id, Resource.name)
                                   .where(Resource.dataset_id == dataset_id)).all())
