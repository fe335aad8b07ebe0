"""The DataStore state of each tabular resource: one row per resource.

``data_key`` points at the Parquet file the queries read (``None`` until a first ingest
succeeds); ``fields`` describes its columns (id, CKAN type, label, notes, the Table Schema
field) and ``row_count`` its rows. An ingest writes a new file aside and swaps ``data_key``,
``fields`` and ``row_count`` in one transaction, so readers see the old table or the new one.
``status`` is the outcome of the last ingest; after a failure ``message`` says why (Spanish) and
the previous data stays. ``sha256``/``url``/``options_digest`` stamp what the last ingest read
(the validation fingerprint): an unchanged resource is not loaded again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, new_id, utcnow

#: pending: waiting for a worker; running: being loaded; active: loaded (the data is the
#: resource's current file); error: the last ingest failed (any previous data stays).
STATUSES = ("pending", "running", "active", "error")


class DatastoreTable(Base):
    __tablename__ = "datastore_table"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    resource_id: Mapped[str] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    data_key: Mapped[str | None] = mapped_column(String(500))
    fields: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    options_digest: Mapped[str] = mapped_column(String(64), default="")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started: Mapped[datetime | None] = mapped_column(DateTime)
    finished: Mapped[datetime | None] = mapped_column(DateTime)
    #: When the data now served was loaded.
    ingested: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def fingerprint(self) -> tuple[str, str, str]:
        return (self.sha256, self.url, self.options_digest)
