"""Users, passwords and entity membership."""

from __future__ import annotations

import functools
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from portal import db
from portal.activity import services as activity
from portal.audit import services as audit
from portal.auth import permissions
from portal.auth.models import Membership, User
from portal.auth.schemas import MembershipSchema, UserSchema
from portal.catalog.models import Entity
from portal.catalog.services import load
from portal.db import unit_of_work
from portal.errors import NotFound, ValidationError


def get_user(ref: str) -> User:
    user = db.session.scalar(select(User).where(User.name == ref)) if ref else None
    if user is None and ref:
        user = db.session.get(User, ref)
    if user is None:
        raise NotFound(str(_l("No existe el usuario «{ref}».")).format(ref=ref))
    return user


@functools.cache
def _decoy_hash() -> str:
    return generate_password_hash("decoy")


def _check_password(name: str, password: str) -> tuple[User | None, str]:
    """The user, or ``None`` and why not (for the audit log only: never shown to the caller)."""
    user = db.session.scalar(select(User).where(User.name == name))
    if user is None:
        check_password_hash(_decoy_hash(), password)  # as slow as a real check: no timing tell
        return None, "unknown account"
    if not user.is_active or not user.password_hash:
        return None, "account disabled"
    if not check_password_hash(user.password_hash, password):
        return None, "wrong password"
    return user, ""


def authenticate(name: str, password: str) -> User | None:
    return _check_password(name, password)[0]


def log_in(name: str, password: str) -> User | None:
    """``authenticate``, with the attempt recorded in the audit log either way."""
    user, reason = _check_password(name, password)
    audit.record("login", actor=name, target=f"user:{name}",
                 outcome="success" if user else "failure", detail=reason)
    return user


def create_user(data: dict[str, Any], actor) -> User:
    permissions.require(permissions.is_sysadmin(actor))
    values = load(UserSchema(), data)
    with unit_of_work():
        if db.session.scalar(select(User.id).where(User.name == values["name"])):
            raise ValidationError({"name": [str(_l("Ya existe un usuario con ese nombre."))]})
        user = User(
            name=values["name"], email=values["email"], fullname=values["fullname"],
            sysadmin=values["sysadmin"], password_hash=generate_password_hash(values["password"]),
        )
        db.session.add(user)
        db.session.flush()
        activity.record("new user", "user", user.id, actor,
                        data={"name": user.name, "sysadmin": user.sysadmin})
        audit.record("user.create", actor=actor, target=f"user:{user.name}",
                     detail="sysadmin" if user.sysadmin else "")
    return user


def set_membership(entity: Entity, data: dict[str, Any], actor) -> Membership:
    """Add a user to an entity with a role, or change the role they have (CKAN's
    ``organization_member_create``)."""
    permissions.require(permissions.can_admin_entity(actor, entity.id))
    values = load(MembershipSchema(), data)
    try:
        user = get_user(values["username"])
    except NotFound as exc:
        raise ValidationError({"username": [exc.message]}) from None
    with unit_of_work():
        membership = db.session.scalar(select(Membership).where(
            Membership.user_id == user.id, Membership.entity_id == entity.id))
        old_role = membership.role if membership else None
        if membership is None:
            membership = Membership(user=user, entity_id=entity.id, role=values["role"])
            db.session.add(membership)
        membership.role = values["role"]
        db.session.flush()
        activity.record("changed organization", "organization", entity.id, actor,
                        entity_id=entity.id, data={"title": entity.title, "member": user.name,
                                                   "changes": {"role": [old_role, values["role"]]}})
        audit.record("membership.set", actor=actor,
                     target=f"organization:{entity.name} user:{user.name}",
                     detail=f"role: {old_role or '-'} -> {values['role']}")
    return membership


def remove_membership(entity: Entity, username: str, actor) -> None:
    permissions.require(permissions.can_admin_entity(actor, entity.id))
    user = get_user(username)
    with unit_of_work():
        membership = db.session.scalar(select(Membership).where(
            Membership.user_id == user.id, Membership.entity_id == entity.id))
        if membership is None:
            raise NotFound(str(_l("«{user}» no es miembro de «{entity}».")).format(
                user=user.name, entity=entity.title))
        db.session.delete(membership)
        activity.record("changed organization", "organization", entity.id, actor,
                        entity_id=entity.id, data={"title": entity.title, "member": user.name,
                                                   "changes": {"role": [membership.role, None]}})
        audit.record("membership.remove", actor=actor,
                     target=f"organization:{entity.name} user:{user.name}",
                     detail=f"role: {membership.role} -> -")


def members(entity: Entity) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).where(Membership.entity_id == entity.id).join(User).order_by(User.name)
    ))
