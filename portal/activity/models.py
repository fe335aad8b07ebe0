"""The activity record: every create, update and delete, kept forever."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, new_id, utcnow


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_object", "object_type", "object_id", "timestamp"),
        Index("ix_activity_entity", "entity_id", "timestamp"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    timestamp: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # No foreign keys: the record outlives the rows it describes.
    user_id: Mapped[str | None] = mapped_column(String(36))
    user_name: Mapped[str] = mapped_column(String(100), default="")
    # CKAN's activity types: "new package", "changed package", "deleted package", ...
    activity_type: Mapped[str] = mapped_column(String(50))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(36))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    # Recorded while its dataset was not public (private, draft, deleted): shown only to those
    # who may read it. The public sees a dataset's other activity only while the dataset is
    # public (see services._public).
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"title": ..., "changes": {field: [old, new]}, "snapshot": {...}}
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
