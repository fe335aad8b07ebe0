"""The stored validation report of each resource.

One row per resource: the latest run, its status, who validated (validator name and version),
when, the report itself (``Report.to_dict()``) and what it was computed for: the file's sha256
and URL and a digest of the options that change the outcome (format, Table Schema). A resource
whose fingerprint differs from its row's is validated again; one whose fingerprint matches is not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.catalog.models import Entity
from portal.db import Base, new_id, utcnow

#: pending: waiting for a worker; running: being validated; success: valid; failure: the data
#: has errors; error: the validation could not be done (file unreachable, standard missing).
STATUSES = ("pending", "running", "success", "failure", "error")
DONE = ("success", "failure", "error")


class ValidationReport(Base):
    __tablename__ = "validation_report"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    resource_id: Mapped[str] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    validator: Mapped[str] = mapped_column(String(50), default="")
    validator_version: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    options_digest: Mapped[str] = mapped_column(String(64), default="")
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started: Mapped[datetime | None] = mapped_column(DateTime)
    finished: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def fingerprint(self) -> tuple[str, str, str]:
        return (self.sha256, self.url, self.options_digest)

    @property
    def done(self) -> bool:
        return self.status in DONE


class RegisteredSchema(Base):
    """One version of a Table Schema registered by an entity, named ``<entity>/<name>``.

    Registering a name again adds a version (never replaces one); a reference without a version
    (``ine/montos``) means the latest, ``ine/montos@2`` a given one. The site's own schemas are
    the files of ``schemas/`` (``portal.validation.schemas_registry``)."""

    __tablename__ = "registered_schema"
    __table_args__ = (UniqueConstraint("entity_id", "name", "version",
                                       name="uq_registered_schema_entity_name_version"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    descriptor: Mapped[dict[str, Any]] = mapped_column(JSON)
    creator_user_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    entity: Mapped[Entity] = relationship(lazy="joined")
