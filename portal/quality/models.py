"""Quality scores, one row per dataset and day: today's row is rewritten by every recomputation,
earlier days stay as the history the observatory draws its trends from. ``quality_pending``
holds the datasets waiting for a score after a change (``services.ask``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class QualityScore(Base):
    __tablename__ = "quality_score"
    __table_args__ = (
        Index("ix_quality_score_day_entity", "day", "entity_id"),
        Index("ix_quality_score_entity_day", "entity_id", "day"),
        # The newest computation: the version the observatory's figures are kept under.
        Index("ix_quality_score_computed", "computed"),
    )

    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(36))
    #: Counted in the public figures (an active, non-private dataset when scored).
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    #: MQA points (of 405) and per dimension.
    points: Mapped[float] = mapped_column(Float)
    findability: Mapped[float] = mapped_column(Float)
    accessibility: Mapped[float] = mapped_column(Float)
    interoperability: Mapped[float] = mapped_column(Float)
    reusability: Mapped[float] = mapped_column(Float)
    contextuality: Mapped[float] = mapped_column(Float)
    #: The portal's own indicators, outside the 405: DCAT-AP 3 shapes and recommended shapes.
    shacl_violations: Mapped[int] = mapped_column(Integer, default=0)
    shacl_warnings: Mapped[int] = mapped_column(Integer, default=0)
    #: Validation reports of the resources (Frictionless / OCDS).
    resources: Mapped[int] = mapped_column(Integer, default=0)
    resources_valid: Mapped[int] = mapped_column(Integer, default=0)
    resources_invalid: Mapped[int] = mapped_column(Integer, default=0)
    #: Freshness (``portal.quality.freshness``) on the day: overdue for its declared update
    #: frequency; null when not assessed (no frequency, or an irregular one).
    overdue: Mapped[bool | None] = mapped_column(Boolean)
    #: Link checks of the resources' URLs.
    links_broken: Mapped[int] = mapped_column(Integer, default=0)
    links_unchecked: Mapped[int] = mapped_column(Integer, default=0)
    #: indicator key -> share met (0..1) or null; "findings": the DCAT-AP findings.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class QualityPending(Base):
    """A dataset whose score was asked for and not computed yet: the "dirty set" that the job
    ``quality.score_pending`` drains. Asking again for a dataset already waiting updates its row
    (one row per dataset, however many changes), and the drain deletes a row only if it was not
    asked for again while it was being scored. No foreign key: a purged dataset's row is simply
    drained (scoring a missing dataset writes nothing)."""

    __tablename__ = "quality_pending"
    __table_args__ = (Index("ix_quality_pending_asked", "asked"),)

    dataset_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: When it was last asked for (the drain takes the oldest first).
    asked: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: How many times it was asked for since it last left the set: the drain deletes the row
    #: only if the count is still the one it read (exact, whatever the clock's resolution).
    asks: Mapped[int] = mapped_column(Integer, default=1)
