"""A user's own account: profile, password, e-mail address, and password reset by e-mail.

Reset and e-mail confirmation links carry a signed token (itsdangerous, keyed on the portal's
secret) that names the account and expires. A reset token also carries a fingerprint of the
password hash it was made for, so it works once: the new password changes the hash, and every
earlier reset link with it. Links are built on ``PORTAL_SITE_URL``, never on the request's Host
header (which an attacker chooses). Mail goes through the job queue (``portal.mail``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from marshmallow import ValidationError as SchemaError
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal import db, mail
from portal.audit import services as audit
from portal.auth import permissions
from portal.auth.models import User
from portal.catalog.schemas import check_email
from portal.db import unit_of_work
from portal.errors import ValidationError

RESET_HOURS = 2
EMAIL_CONFIRM_HOURS = 48
PASSWORD_MIN = 8
FULLNAME_MAX, ABOUT_MAX = 200, 5000


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _may_edit(actor, user: User) -> bool:
    return permissions.is_sysadmin(actor) or getattr(actor, "id", None) == user.id


def _check_new_password(password: str, field: str = "new_password") -> None:
    if len(password or "") < PASSWORD_MIN:
        raise ValidationError({field: [str(_l(
            "La contraseña debe tener al menos 8 caracteres."))]})


# --- profile ---------------------------------------------------------------------------------


def update_profile(user: User, data: dict[str, Any], actor) -> bool:
    """Change full name and "about"; a new e-mail address is only asked for: a link to confirm
    it goes to that address. True when a confirmation mail was queued."""
    permissions.require_user(actor)
    permissions.require(_may_edit(actor, user))
    fullname = str(data.get("fullname", user.fullname) or "").strip()
    about = str(data.get("about", user.about) or "").strip()
    email = str(data.get("email", user.email) or "").strip()
    errors: dict[str, list[str]] = {}
    if len(fullname) > FULLNAME_MAX:
        errors["fullname"] = [str(_l("Use como máximo {n} caracteres.")).format(n=FULLNAME_MAX)]
    if len(about) > ABOUT_MAX:
        errors["about"] = [str(_l("Use como máximo {n} caracteres.")).format(n=ABOUT_MAX)]
    if not email:
        errors["email"] = [str(_l("Indique un correo electrónico."))]
    else:
        try:
            check_email(email)
        except SchemaError as exc:
            messages = exc.messages if isinstance(exc.messages, list) else [exc.messages]
            errors["email"] = [str(m) for m in messages]
    if errors:
        raise ValidationError(errors)
    new_email = email if email.lower() != (user.email or "").lower() else ""
    with unit_of_work():
        changes = []
        if fullname != user.fullname:
            changes.append("fullname")
        if about != user.about:
            changes.append("about")
        user.fullname, user.about = fullname, about
        if changes:
            audit.record("user.update", actor=actor, target=f"user:{user.name}",
                         detail=", ".join(changes))
        if new_email:
            token = _serializer("email").dumps({"u": user.id, "e": new_email})
            mail.queue([new_email], _("Confirme su nuevo correo electrónico"), _(
                "Hola %(name)s:\n\nPara usar esta dirección en su cuenta «%(user)s» del portal, "
                "abra este enlace antes de %(hours)s horas:\n\n%(link)s\n\n"
                "Si no lo pidió, ignore este mensaje.",
                name=user.fullname or user.name, user=user.name, hours=EMAIL_CONFIRM_HOURS,
                link=mail.site_link("user.confirm_email", token=token)))
            audit.record("user.email", actor=actor, target=f"user:{user.name}",
                         outcome="success", detail=f"asked: {new_email}")
    return bool(new_email)


def confirm_email(token: str) -> User:
    """Apply the address a confirmation link carries."""
    try:
        data = _serializer("email").loads(token, max_age=EMAIL_CONFIRM_HOURS * 3600)
    except SignatureExpired:
        raise ValidationError({"token": [str(_l(
            "El enlace expiró. Vuelva a cambiar el correo en su perfil."))]}) from None
    except BadSignature:
        raise ValidationError({"token": [str(_l("El enlace no es válido."))]}) from None
    user = db.session.get(User, data.get("u", ""))
    if user is None or not user.is_active:
        raise ValidationError({"token": [str(_l("El enlace no es válido."))]})
    with unit_of_work():
        old, user.email = user.email, data["e"]
        if old != user.email:
            audit.record("user.email", actor=user, target=f"user:{user.name}",
                         detail=f"{old or '-'} -> {user.email}")
    return user


# --- password --------------------------------------------------------------------------------


def change_password(user: User, current: str, new: str, actor) -> None:
    """The user's own change: the current password is required (a sysadmin resets instead)."""
    permissions.require_user(actor)
    permissions.require(getattr(actor, "id", None) == user.id)
    if not user.password_hash or not check_password_hash(user.password_hash, current or ""):
        audit.record("user.password", actor=actor, target=f"user:{user.name}",
                     outcome="failure", detail="wrong current password")
        raise ValidationError({"current_password": [str(_l(
            "La contraseña actual no es correcta."))]})
    _check_new_password(new)
    with unit_of_work():
        user.password_hash = generate_password_hash(new)
        audit.record("user.password", actor=actor, target=f"user:{user.name}",
                     detail="changed")


def find_for_reset(identifier: str) -> User | None:
    """The active account with this name or e-mail address (case-insensitive), if exactly one."""
    identifier = (identifier or "").strip().lower()
    if not identifier:
        return None
    users = list(db.session.scalars(select(User).where(
        User.state == "active",
        or_(func.lower(User.name) == identifier, func.lower(User.email) == identifier),
    ).limit(2)))
    return users[0] if len(users) == 1 and users[0].email else None


def request_reset(identifier: str) -> bool:
    """Queue a reset link to the account's address. The caller says the same whatever the
    outcome (no telling which accounts exist); the audit log keeps the truth."""
    user = find_for_reset(identifier)
    with unit_of_work():
        if user is None:
            audit.record("user.reset", actor="anonymous", target=f"user:{identifier[:80]}",
                         outcome="failure", detail="no active account with an address")
            return False
        token = _serializer("reset").dumps({"u": user.id, "p": user.password_fingerprint})
        mail.queue([user.email], _("Restablecer su contraseña"), _(
            "Hola %(name)s:\n\nAlguien (quizá usted) pidió restablecer la contraseña de su "
            "cuenta «%(user)s». Para elegir una nueva, abra este enlace antes de %(hours)s "
            "horas; sirve una sola vez:\n\n%(link)s\n\nSi no lo pidió, ignore este mensaje: "
            "su contraseña no cambia.",
            name=user.fullname or user.name, user=user.name, hours=RESET_HOURS,
            link=mail.site_link("auth.reset_password", token=token)))
        audit.record("user.reset", actor="anonymous", target=f"user:{user.name}",
                     detail="link sent")
    return True


def user_for_reset(token: str) -> User:
    """The account a reset link is for, or ``ValidationError`` saying why it cannot be used."""
    invalid = ValidationError({"token": [str(_l(
        "El enlace no es válido o ya se usó. Pida uno nuevo."))]})
    try:
        data = _serializer("reset").loads(token, max_age=RESET_HOURS * 3600)
    except SignatureExpired:
        raise ValidationError({"token": [str(_l(
            "El enlace expiró. Pida uno nuevo."))]}) from None
    except BadSignature:
        raise invalid from None
    user = db.session.get(User, data.get("u", ""))
    if user is None or not user.is_active or data.get("p") != user.password_fingerprint:
        raise invalid
    return user


def reset_password(token: str, new: str) -> User:
    user = user_for_reset(token)
    _check_new_password(new, "password")
    with unit_of_work():
        user.password_hash = generate_password_hash(new)
        audit.record("user.password", actor=user, target=f"user:{user.name}",
                     detail="reset by e-mail link")
    return user
