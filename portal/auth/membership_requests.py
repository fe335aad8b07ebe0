"""Membership requests: a logged-in user asks to join an entity; its admins (or, when it has
none, the sysadmins) are told by e-mail; an admin approves (the user becomes a member with the
role the admin chooses) or rejects; the requester is told either way."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import db, mail
from portal.audit import services as audit
from portal.auth import permissions, services
from portal.auth.models import ROLES, Membership, MembershipRequest, User
from portal.catalog.models import Entity
from portal.db import unit_of_work, utcnow
from portal.errors import NotFound, ValidationError

MESSAGE_MAX = 2000


def _admin_addresses(entity: Entity) -> list[str]:
    admins = select(User.email).join(Membership, Membership.user_id == User.id).where(
        Membership.entity_id == entity.id, Membership.role == "admin")
    addresses = list(db.session.scalars(admins.where(User.state == "active", User.email != "")))
    if not addresses:
        addresses = list(db.session.scalars(select(User.email).where(
            User.sysadmin.is_(True), User.state == "active", User.email != "")))
    return sorted(set(addresses))


def request_membership(entity: Entity, actor, role: str = "member",
                       message: str = "") -> MembershipRequest:
    user = permissions.require_user(actor)
    message = (message or "").strip()
    errors = {}
    if role not in ROLES:
        errors["role"] = [str(_l("Elija un rol de la lista."))]
    if len(message) > MESSAGE_MAX:
        errors["message"] = [str(_l("Use como máximo {n} caracteres.")).format(n=MESSAGE_MAX)]
    if entity.state != "active":
        errors["entity"] = [str(_l("No existe la entidad «{ref}».")).format(ref=entity.name)]
    elif user.role_in(entity.id) is not None:
        errors["entity"] = [str(_l("Ya es miembro de «{entity}».")).format(entity=entity.title)]
    if errors:
        raise ValidationError(errors)
    with unit_of_work():
        request = db.session.scalar(select(MembershipRequest).where(
            MembershipRequest.user_id == user.id, MembershipRequest.entity_id == entity.id))
        if request is not None and request.state == "pending":
            raise ValidationError({"entity": [str(_l(
                "Ya pidió unirse a «{entity}»; espere la respuesta.")).format(
                    entity=entity.title)]})
        if request is None:
            request = MembershipRequest(user_id=user.id, entity_id=entity.id)
            db.session.add(request)
        request.role, request.message, request.state = role, message, "pending"
        request.created, request.decided, request.decided_by = utcnow(), None, ""
        db.session.flush()
        mail.queue(_admin_addresses(entity), _(
            "%(user)s pide unirse a %(entity)s", user=user.fullname or user.name,
            entity=entity.title), _(
            "%(user)s («%(name)s») pide unirse a %(entity)s como %(role)s.\n\n%(message)s\n\n"
            "Para aprobar o rechazar la solicitud: %(link)s",
            user=user.fullname or user.name, name=user.name, entity=entity.title,
            role=role, message=message or "-", link=mail.site_link("user.dashboard")))
        audit.record("membership.request", actor=actor,
                     target=f"organization:{entity.name} user:{user.name}", detail=role)
    return request


def get_request(request_id: str) -> MembershipRequest:
    request = db.session.get(MembershipRequest, request_id) if request_id else None
    if request is None:
        raise NotFound(str(_l("No existe la solicitud.")))
    return request


def decide(request: MembershipRequest, approve: bool, actor, role: str | None = None) -> None:
    """Approve (with ``role``, default the one asked for) or reject a pending request."""
    entity = db.session.get(Entity, request.entity_id)
    permissions.require(permissions.can_admin_entity(actor, entity.id))
    if request.state != "pending":
        raise ValidationError({"request": [str(_l("La solicitud ya fue respondida."))]})
    role = role or request.role
    if role not in ROLES:
        raise ValidationError({"role": [str(_l("Elija un rol de la lista."))]})
    with unit_of_work():
        if approve:
            services.set_membership(entity, {"username": request.user.name, "role": role},
                                    actor)
        request.state = "approved" if approve else "rejected"
        request.role, request.decided = role, utcnow()
        request.decided_by = getattr(actor, "name", "")[:100]
        audit.record("membership.decide", actor=actor,
                     target=f"organization:{entity.name} user:{request.user.name}",
                     detail=f"{request.state}: {role}")
        if approve:
            subject = _("Ya es miembro de %(entity)s", entity=entity.title)
            body = _("Su solicitud para unirse a %(entity)s fue aprobada, con el rol %(role)s.\n\n"
                     "%(link)s", entity=entity.title, role=role,
                     link=mail.site_link("user.dashboard"))
        else:
            subject = _("Solicitud para unirse a %(entity)s", entity=entity.title)
            body = _("Su solicitud para unirse a %(entity)s no fue aprobada.",
                     entity=entity.title)
        mail.queue([request.user.email], subject, body)


def pending_for(actor) -> list[MembershipRequest]:
    """Pending requests to the entities ``actor`` administers (every entity for sysadmins)."""
    if not getattr(actor, "is_authenticated", False):
        return []
    query = select(MembershipRequest).where(MembershipRequest.state == "pending")
    if not permissions.is_sysadmin(actor):
        admin_of = [m.entity_id for m in actor.memberships if m.role == "admin"]
        if not admin_of:
            return []
        query = query.where(MembershipRequest.entity_id.in_(admin_of))
    return list(db.session.scalars(query.order_by(MembershipRequest.created).limit(100)))


def mine(actor) -> list[MembershipRequest]:
    return list(db.session.scalars(select(MembershipRequest).where(
        MembershipRequest.user_id == actor.id).order_by(MembershipRequest.created.desc())
        .limit(50)))
