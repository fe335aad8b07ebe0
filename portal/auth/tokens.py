"""API tokens: what scripts and other portals send in the ``Authorization`` header.

A token is shown once, when it is created; only its SHA-256 digest is stored (tokens are 256
random bits, so a fast digest is enough: there is nothing to brute-force). A token may expire, is
revoked rather than deleted (so a revoked token is refused with a message saying so), and records
when it was last used.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import db
from portal.activity import services as activity
from portal.audit import services as audit
from portal.auth import limits, permissions
from portal.auth.models import User
from portal.db import Base, new_id, unit_of_work, utcnow
from portal.errors import NotAuthorized, NotFound, ValidationError

#: Prefix of every token, so leaked tokens are easy to recognise (secret scanners, logs).
PREFIX = "dab_"
#: ``last_used`` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
NAME_MAX = 200


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires: Mapped[datetime | None] = mapped_column(DateTime)
    last_used: Mapped[datetime | None] = mapped_column(DateTime)
    revoked: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def is_expired(self) -> bool:
        return self.expires is not None and self.expires <= utcnow()


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _may_manage(actor, user: User) -> bool:
    return permissions.is_sysadmin(actor) or getattr(actor, "id", None) == user.id


def create_token(user: User, actor, *, name: str = "",
                 expires_in: timedelta | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``user``; return the row and the token itself (shown only now)."""
    permissions.require_user(actor)
    permissions.require(_may_manage(actor, user),
                        str(_l("Solo puede crear tokens para su propia cuenta.")))
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        raise ValidationError({"name": [str(_l("Use como máximo {n} caracteres.")).format(
            n=NAME_MAX)]})
    if expires_in is not None and expires_in <= timedelta(0):
        raise ValidationError({"expires_in": [str(_l("La vigencia debe ser positiva."))]})
    if has_request_context():  # the command line is not limited
        limits.spend("token", f"user:{getattr(actor, 'id', None) or actor.name}")
    raw = PREFIX + secrets.token_urlsafe(32)
    with unit_of_work():
        token = ApiToken(
            user_id=user.id, name=name, digest=digest(raw),
            expires=utcnow() + expires_in if expires_in is not None else None,
        )
        db.session.add(token)
        db.session.flush()
        activity.record("new api token", "user", user.id, actor, private=True,
                        data={"token_id": token.id, "name": name})
        audit.record("token.create", actor=actor, target=f"user:{user.name} token:{token.id}",
                     detail=name)
    return token, raw


def list_tokens(user: User, actor) -> list[ApiToken]:
    """The user's tokens that have not been revoked, newest first."""
    permissions.require_user(actor)
    permissions.require(_may_manage(actor, user),
                        str(_l("Solo puede ver los tokens de su propia cuenta.")))
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(None))
        .order_by(ApiToken.created.desc(), ApiToken.id)
    ))


def get_token(token_id: str) -> ApiToken:
    token = db.session.get(ApiToken, token_id) if token_id else None
    if token is None:
        raise NotFound(str(_l("No existe el token «{ref}».")).format(ref=token_id))
    return token


def find_by_secret(raw: str) -> ApiToken:
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == digest(raw)))
    if token is None:
        raise NotFound(str(_l("El token no existe.")))
    return token


def revoke_token(token: ApiToken, actor) -> None:
    permissions.require_user(actor)
    permissions.require(_may_manage(actor, token.user),
                        str(_l("Solo puede revocar los tokens de su propia cuenta.")))
    if token.revoked is not None:
        return
    with unit_of_work():
        token.revoked = utcnow()
        activity.record("deleted api token", "user", token.user_id, actor, private=True,
                        data={"token_id": token.id, "name": token.name})
        audit.record("token.revoke", actor=actor,
                     target=f"user:{token.user.name} token:{token.id}", detail=token.name)


def authenticate(raw: str) -> User:
    """The active user a token belongs to; ``NotAuthorized`` naming why it is refused."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.digest == digest(raw or "")))
    if token is None:
        raise NotAuthorized(str(_l("El token de API no es válido.")))
    if token.revoked is not None:
        raise NotAuthorized(str(_l("El token de API fue revocado el {date}.")).format(
            date=token.revoked.strftime("%Y-%m-%d %H:%M")))
    if token.is_expired:
        raise NotAuthorized(str(_l("El token de API expiró el {date}.")).format(
            date=token.expires.strftime("%Y-%m-%d %H:%M")))
    if not token.user.is_active:
        raise NotAuthorized(str(_l("La cuenta del token de API está desactivada.")))
    now = utcnow()
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        with unit_of_work():
            token.last_used = now
    return token.user


def secret_from_header(value: str | None) -> str:
    """The token in an ``Authorization`` header: CKAN clients send it bare, others as
    ``Bearer <token>``."""
    value = (value or "").strip()
    scheme, _, rest = value.partition(" ")
    if rest and scheme.lower() == "bearer":
        return rest.strip()
    return value


def user_from_request(req) -> User | None:
    """flask-login's request loader: the user of a valid token in the request's headers
    (``Authorization``, or CKAN's ``X-CKAN-API-Key``); ``None`` otherwise."""
    raw = secret_from_header(req.headers.get("Authorization")
                             or req.headers.get("X-CKAN-API-Key"))
    if not raw:
        return None
    try:
        return authenticate(raw)
    except NotAuthorized:
        return None
