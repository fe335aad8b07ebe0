"""Writing and reading the audit log.

``record`` adds an event to the current unit of work, so the event commits with the change it
describes (a membership change and its event, or neither). An event with nothing else to commit
(a failed login) is its own unit of work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import has_request_context, request
from sqlalchemy import select

from portal import db
from portal.audit.models import AuditEvent
from portal.auth import permissions
from portal.db import unit_of_work

#: Every action the log records.
ACTIONS = ("login", "user.create", "token.create", "token.revoke", "membership.set",
           "membership.remove", "pige.scope", "user.update", "user.email", "user.password",
           "user.reset", "user.sysadmin", "user.state", "membership.request",
           "membership.decide", "dataset.purge")
PAGE_SIZE = 100


def _actor_name(actor) -> str:
    if isinstance(actor, str):
        return actor
    return getattr(actor, "name", "") or ""


def record(action: str, *, actor, target: str = "", outcome: str = "success",
           detail: str = "") -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action, actor=_actor_name(actor)[:100], target=target[:300], outcome=outcome,
        detail=detail, ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    with unit_of_work():
        db.session.add(event)
    return event


def about(action: str, target: str, *, limit: int = PAGE_SIZE) -> Sequence[AuditEvent]:
    """The events of one action on one target, newest first. The caller checks who may read
    them (a domain showing the history of its own records)."""
    query = (select(AuditEvent).where(AuditEvent.action == action, AuditEvent.target == target)
             .order_by(AuditEvent.id.desc()).limit(limit))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Filters:
    action: str | None = None
    actor: str | None = None
    outcome: str | None = None


def list_events(actor, filters: Filters | None = None, *, limit: int = PAGE_SIZE,
                offset: int = 0) -> Sequence[AuditEvent]:
    """Newest first. Sysadmins only."""
    permissions.require(permissions.is_sysadmin(actor))
    filters = filters or Filters()
    query = select(AuditEvent)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor:
        query = query.where(AuditEvent.actor == filters.actor)
    if filters.outcome:
        query = query.where(AuditEvent.outcome == filters.outcome)
    query = query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(query))
