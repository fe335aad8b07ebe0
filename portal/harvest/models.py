"""Harvesting: sources, their jobs, the outcome of every item, and what each source last gave us.

* ``HarvestSource``: a remote catalog an entity publishes in (type, URL, configuration, schedule).
* ``HarvestJob``: one run of a source, with its status and counts.
* ``HarvestItem``: the outcome of one remote item in one job (status, message, content hash).
* ``HarvestError``: every problem of a job that belongs to no single item (listing, paging...).
* ``HarvestObject``: the current link between a remote item and its dataset, with the content
  hash of what was last written, so an unchanged item costs one dictionary lookup.
* ``HarvestLock``: one row per running source; its primary key makes two runs of one source
  impossible on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.catalog.models import Dataset, Entity
from portal.db import Base, new_id, utcnow

#: Outcomes of one remote item.
ITEM_STATUSES = ("added", "updated", "unchanged", "deleted", "failed", "skipped")
#: ``running`` while it runs; ``done`` with no failure; ``errors`` when some items (or part of the
#: listing) failed; ``failed`` when nothing could be listed; ``timed_out`` when it hung and was
#: ended after the configured limit.
JOB_STATUSES = ("running", "done", "errors", "failed", "timed_out")
COUNTED = ("added", "updated", "unchanged", "deleted", "failed", "skipped")


class HarvestSource(Base):
    __tablename__ = "harvest_source"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    type: Mapped[str] = mapped_column(String(50))
    url: Mapped[str] = mapped_column(String(2000))
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    schedule: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entity: Mapped[Entity] = relationship(lazy="joined")


class HarvestJob(Base):
    __tablename__ = "harvest_job"
    __table_args__ = (Index("ix_harvest_job_source_started", "source_id", "started"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source_id: Mapped[str] = mapped_column(
        ForeignKey("harvest_source.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    trigger: Mapped[str] = mapped_column(String(20), default="manual")  # manual | schedule
    started: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    message: Mapped[str] = mapped_column(Text, default="")
    listing_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)

    source: Mapped[HarvestSource] = relationship(lazy="joined")

    @property
    def counts(self) -> dict[str, int]:
        return {status: getattr(self, status) or 0 for status in COUNTED}

    @property
    def is_finished(self) -> bool:
        return self.status != "running"


class HarvestItem(Base):
    __tablename__ = "harvest_item"
    __table_args__ = (Index("ix_harvest_item_job_status", "job_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("harvest_job.id", ondelete="CASCADE"))
    remote_id: Mapped[str] = mapped_column(String(500))
    remote_url: Mapped[str] = mapped_column(String(2000), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    dataset_id: Mapped[str | None] = mapped_column(String(36))
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class HarvestError(Base):
    """A problem of the job as a whole: the listing failed, a page could not be read..."""

    __tablename__ = "harvest_error"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        ForeignKey("harvest_job.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(50))
    message: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(2000), default="")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class HarvestObject(Base):
    """What a source last gave for one remote item, and the dataset it became."""

    __tablename__ = "harvest_object"
    __table_args__ = (UniqueConstraint("source_id", "remote_id",
                                       name="uq_harvest_object_source_remote"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source_id: Mapped[str] = mapped_column(
        ForeignKey("harvest_source.id", ondelete="CASCADE"), index=True)
    remote_id: Mapped[str] = mapped_column(String(500))
    remote_url: Mapped[str] = mapped_column(String(2000), default="")
    remote_modified: Mapped[str] = mapped_column(String(50), default="")
    dataset_id: Mapped[str | None] = mapped_column(
        ForeignKey("dataset.id", ondelete="SET NULL"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default="")
    last_job_id: Mapped[str | None] = mapped_column(String(36))
    updated: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: Never loaded; it tells the unit of work to insert a new dataset before the object that
    #: points to it, when both are written in one flush.
    dataset: Mapped[Dataset | None] = relationship(lazy="raise", viewonly=False)


class HarvestLock(Base):
    """Present while a job of the source runs; ``heartbeat`` tells a live run from a hung one."""

    __tablename__ = "harvest_lock"

    source_id: Mapped[str] = mapped_column(
        ForeignKey("harvest_source.id", ondelete="CASCADE"), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(36))
    acquired: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    heartbeat: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
