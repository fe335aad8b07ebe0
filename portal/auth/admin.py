"""Sysadmins managing accounts: list and search, make or unmake sysadmin, disable or enable.
Every change is in the audit log. A sysadmin cannot demote or disable their own account (so the
portal never loses its last administrator by accident)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from portal import db
from portal.audit import services as audit
from portal.auth import permissions
from portal.auth.models import USER_STATES, User
from portal.db import unit_of_work
from portal.errors import ValidationError

PAGE_SIZE = 50


def list_users(actor, q: str = "", page: int = 1) -> tuple[list[User], int]:
    """A page of accounts matching ``q`` (name, full name or e-mail), by name; and the total."""
    permissions.require(permissions.is_sysadmin(actor))
    query = select(User)
    q = (q or "").strip().lower()
    if q:
        like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(*(func.lower(column).like(like, escape="\\")
                                  for column in (User.name, User.fullname, User.email))))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    users = db.session.scalars(query.order_by(User.name).limit(PAGE_SIZE)
                               .offset((max(page, 1) - 1) * PAGE_SIZE))
    return list(users), total or 0


def _not_self(user: User, actor) -> None:
    if getattr(actor, "id", None) == user.id:
        raise ValidationError({"user": [str(_l(
            "No puede quitarse a sí mismo la administración ni desactivar su propia cuenta."))]})


def set_sysadmin(user: User, value: bool, actor) -> None:
    permissions.require(permissions.is_sysadmin(actor))
    if user.sysadmin == value:
        return
    _not_self(user, actor)
    with unit_of_work():
        user.sysadmin = value
        audit.record("user.sysadmin", actor=actor, target=f"user:{user.name}",
                     detail=f"sysadmin: {not value} -> {value}")


def set_state(user: User, state: str, actor) -> None:
    """``active`` or ``disabled``: a disabled account cannot log in, its sessions end and its
    API tokens are refused."""
    permissions.require(permissions.is_sysadmin(actor))
    if state not in USER_STATES:
        raise ValidationError({"state": [str(_l("Estado desconocido: {state}.")).format(
            state=state)]})
    if user.state == state:
        return
    _not_self(user, actor)
    with unit_of_work():
        old, user.state = user.state, state
        audit.record("user.state", actor=actor, target=f"user:{user.name}",
                     detail=f"{old} -> {state}")
