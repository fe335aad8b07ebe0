"""The queue table of the in-process backend (the embedded default). The procrastinate backend
keeps its own tables (``procrastinate_jobs``...) and does not use this one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, new_id, utcnow

#: queued -> running -> done | failed; a running job whose worker died goes back to queued
#: (retries left) or to failed with the reason.
STATUSES = ("queued", "running", "done", "failed")


class QueuedJob(Base):
    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status_created", "status", "created"),
                      Index("ix_job_lock_key_status", "lock_key", "status"),
                      Index("ix_job_queueing_key_status", "queueing_key", "status"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    queue: Mapped[str] = mapped_column(String(50), default="default")
    args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lock_key: Mapped[str | None] = mapped_column(String(200))
    queueing_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    #: ``host:pid`` of the process running it, and when that process last said it was alive.
    owner: Mapped[str] = mapped_column(String(200), default="")
    heartbeat: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started: Mapped[datetime | None] = mapped_column(DateTime)
    finished: Mapped[datetime | None] = mapped_column(DateTime)
