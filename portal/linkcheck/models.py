"""The latest link check of each remote resource: one row per resource, rewritten by each check.

``status`` is the outcome of the last check (see ``STATUSES``); ``failures`` counts the checks
that failed in a row (0 after a success), ``first_failure`` is when that run of failures began
and ``last_success`` the last time the URL answered. ``url`` is the URL that was checked: a
resource whose URL differs from its row's is checked again, and ``url_since`` says when the
checker first saw the current URL (a data change the freshness rule counts).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, new_id, utcnow

#: ok: the server answered with a success (2xx) after its redirects; broken: an HTTP error
#: status (4xx, 5xx); the others name why no answer came.
STATUSES = (
    "ok",
    "broken",
    "timeout",
    "forbidden-address",
    "too-many-redirects",
    "dns-error",
    "tls-error",
    "connection-error",
    "invalid-url",
)
FAILED = tuple(status for status in STATUSES if status != "ok")


class LinkCheck(Base):
    __tablename__ = "link_check"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    resource_id: Mapped[str] = mapped_column(
        ForeignKey("resource.id", ondelete="CASCADE"), unique=True)
    url: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(30), index=True)
    http_status: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text, default="")
    final_url: Mapped[str] = mapped_column(String(2000), default="")
    media_type: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None] = mapped_column(BigInteger)
    #: The server's ``Last-Modified`` on the last successful check.
    remote_modified: Mapped[datetime | None] = mapped_column(DateTime)
    #: When the checker first saw the URL it now checks.
    url_since: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    checked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_success: Mapped[datetime | None] = mapped_column(DateTime)
    first_failure: Mapped[datetime | None] = mapped_column(DateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def ok(self) -> bool:
        return self.status == "ok"
