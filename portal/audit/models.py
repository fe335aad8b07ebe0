"""The audit log: who did what to whom, from where, and whether it worked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow

OUTCOMES = ("success", "failure")


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_created", "created"),
        Index("ix_audit_event_action_created", "action", "created"),
        Index("ix_audit_event_actor_created", "actor", "created"),
    )

    #: A counter, so events of the same instant keep the order they happened in.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: The user's name ("system" for the command line); for a login, the name that was typed.
    actor: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(50))
    #: What the action was done to, e.g. ``user:ana``, ``organization:ine user:ana``.
    target: Mapped[str] = mapped_column(String(300), default="")
    #: The client's address (behind a declared proxy, the one it forwarded); empty for the CLI.
    ip: Mapped[str] = mapped_column(String(45), default="")
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
