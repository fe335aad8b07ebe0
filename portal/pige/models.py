"""Stored PIGE plans: a plan per entity, its versions, their procedure steps and progress reports.

A version holds its content (lines, actions or projects, indicators) as one JSON document checked
by ``portal.pige.schemas``; an update of an approved plan is a new version, so earlier versions
stay readable. The procedure of a version is the list of its dated steps (``PlanStep``), replayed
by the ``ProcedureMachine``; ``PlanVersion.state`` and the resolution columns are a cache of the
last step, kept by the services.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.catalog.models import Entity
from portal.db import Base, new_id, utcnow


class Plan(Base):
    """The institutional plan of one entity, across its versions."""

    __tablename__ = "pige_plan"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), unique=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entity: Mapped[Entity] = relationship(lazy="joined")
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.number", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> PlanVersion:
        return self.versions[-1]

    def version(self, number: int) -> PlanVersion | None:
        return next((v for v in self.versions if v.number == number), None)


class PlanVersion(Base):
    """One version of a plan: its content and the procedure it goes through."""

    __tablename__ = "pige_plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_pige_plan_version_number"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    plan_id: Mapped[str] = mapped_column(ForeignKey("pige_plan.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    #: {"lines": [{"line": n, "actions": [{..., "indicators": [...]}]}]}
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_on: Mapped[date] = mapped_column(Date)
    window_start: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(40))
    identifier_code: Mapped[str] = mapped_column(String(64), default="")
    resolution_number: Mapped[str] = mapped_column(String(200), default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="versions")
    steps: Mapped[list[PlanStep]] = relationship(
        back_populates="version", order_by="PlanStep.position", cascade="all, delete-orphan"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="version", order_by="ProgressReport.year", cascade="all, delete-orphan"
    )
    documents: Mapped[list[PlanDocument]] = relationship(
        back_populates="version", order_by="PlanDocument.kind", cascade="all, delete-orphan"
    )

    def report(self, year: int) -> ProgressReport | None:
        return next((r for r in self.reports if r.year == year), None)

    def document(self, kind: str) -> PlanDocument | None:
        return next((d for d in self.documents if d.kind == kind), None)


class PlanStep(Base):
    """A move of the procedure, as the machine accepted it, with who made it."""

    __tablename__ = "pige_plan_step"
    __table_args__ = (
        UniqueConstraint("version_id", "position", name="uq_pige_plan_step_position"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("pige_plan_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(40))
    on: Mapped[date] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[str | None] = mapped_column(String(36))
    user_name: Mapped[str] = mapped_column(String(100), default="")
    observations: Mapped[str] = mapped_column(Text, default="")
    #: AGETIC's observations by section of the plan: {"13": "...", ...} (strategic line).
    observation_sections: Mapped[dict[str, str] | None] = mapped_column(JSON, default=dict)
    identifier_code: Mapped[str] = mapped_column(String(64), default="")
    resolution_number: Mapped[str] = mapped_column(String(200), default="")
    resolution_cited_code: Mapped[str] = mapped_column(String(64), default="")
    resolution_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    version: Mapped[PlanVersion] = relationship(back_populates="steps")


class ProgressReport(Base):
    """The annual progress report of a plan version (one per year of the period)."""

    __tablename__ = "pige_progress_report"
    __table_args__ = (UniqueConstraint("version_id", "year", name="uq_pige_progress_report_year"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("pige_plan_version.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    submitted_on: Mapped[date] = mapped_column(Date)
    user_name: Mapped[str] = mapped_column(String(100), default="")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    version: Mapped[PlanVersion] = relationship(back_populates="reports")
    values: Mapped[list[ProgressValue]] = relationship(
        back_populates="report", order_by="ProgressValue.indicator", cascade="all, delete-orphan"
    )

    def value(self, indicator: str) -> ProgressValue | None:
        return next((v for v in self.values if v.indicator == indicator), None)


class ProgressValue(Base):
    """What an entity reports for one indicator in one year."""

    __tablename__ = "pige_progress_value"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator", name="uq_pige_progress_value_indicator"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    report_id: Mapped[str] = mapped_column(
        ForeignKey("pige_progress_report.id", ondelete="CASCADE"), index=True
    )
    indicator: Mapped[str] = mapped_column(String(40))
    achieved: Mapped[float] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    #: Evidence links: catalog dataset names or http(s) addresses.
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)

    report: Mapped[ProgressReport] = relationship(back_populates="values")


class EntityScope(Base):
    """Where the decree places an entity: the paragraph of Article 2 of DS 3251, as modified by
    DS 5468 (Disposición Adicional Única), that applies to it.

    ``I``: the Executive (ministries, bodies under their dependence or supervision) and public
    companies, to which the plan "es aplicable" (obliged). ``II`` (the Legislative, Judicial and
    Electoral organs and other central-level entities) and ``III`` (autonomous territorial
    entities and public universities) "podrán implementar" it (voluntary). An entity without a
    row is classified from its kind where the kind settles it (``portal.pige.scope``).
    """

    __tablename__ = "pige_entity_scope"

    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"),
                                           primary_key=True)
    paragraph: Mapped[str] = mapped_column(String(3))
    note: Mapped[str] = mapped_column(Text, default="")
    user_name: Mapped[str] = mapped_column(String(100), default="")
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entity: Mapped[Entity] = relationship(lazy="joined")


class PlanDocument(Base):
    """A PDF kept with a version: the print format of the Ciudadanía Digital approval (6.1
    num. 6) or the MAE's approving resolution (num. 7, 8). One of each kind per version; a new
    upload replaces the file."""

    __tablename__ = "pige_plan_document"
    __table_args__ = (UniqueConstraint("version_id", "kind", name="uq_pige_plan_document_kind"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("pige_plan_version.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(300))
    storage_key: Mapped[str] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_on: Mapped[date] = mapped_column(Date)
    user_name: Mapped[str] = mapped_column(String(100), default="")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    version: Mapped[PlanVersion] = relationship(back_populates="documents")


class ResponsibleOfficer(Base):
    """The entity's designated *responsable de implementación de Gobierno Electrónico*: the one
    person who applies the Ciudadanía Digital approval to the plan (6.1 num. 6) and registers
    the resolution (num. 8)."""

    __tablename__ = "pige_responsible"

    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"),
                                           primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    designation: Mapped[str] = mapped_column(String(300), default="")
    designated_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entity: Mapped[Entity] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class Notice(Base):
    """An e-mail notice already sent about a step of a version, so a run never sends it twice:
    ``kind`` ``waiting`` (the step waits on its party), ``due_soon`` (5 business days or less
    left) or ``overdue``."""

    __tablename__ = "pige_notice"
    __table_args__ = (
        UniqueConstraint("version_id", "position", "kind", name="uq_pige_notice_step_kind"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version_id: Mapped[str] = mapped_column(
        ForeignKey("pige_plan_version.id", ondelete="CASCADE"), index=True
    )
    #: How many steps the version had when the notice was sent (the step it is about).
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    sent: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
