"""Who may do what, as CKAN decides it: sysadmins everything; an entity's admins manage it and its
members; its editors publish its datasets; its members read its private datasets; everyone reads
public data. Services call ``require`` so no front end can forget a check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from portal.errors import NotAuthorized

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.catalog.models import Dataset


class SystemActor:
    """The trusted actor of the CLI, the demo loader and the harvesters."""

    id = None
    name = "system"
    sysadmin = True
    is_authenticated = True
    is_anonymous = False

    def role_in(self, _entity_id):
        return "admin"


SYSTEM = SystemActor()


def is_sysadmin(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "sysadmin", False))


def role(actor, entity_id: str | None) -> str | None:
    if not getattr(actor, "is_authenticated", False):
        return None
    return actor.role_in(entity_id)


def can_publish_in(actor, entity_id: str) -> bool:
    return is_sysadmin(actor) or role(actor, entity_id) in ("admin", "editor")


def can_admin_entity(actor, entity_id: str) -> bool:
    return is_sysadmin(actor) or role(actor, entity_id) == "admin"


def can_read_dataset(actor, dataset: Dataset) -> bool:
    if dataset.state == "deleted":
        return is_sysadmin(actor) or can_publish_in(actor, dataset.entity_id)
    if dataset.is_public:
        return True
    return is_sysadmin(actor) or role(actor, dataset.entity_id) is not None


def readable_entity_ids(actor) -> set[str] | None:
    """Entities whose private datasets ``actor`` may read; ``None`` means all (sysadmin)."""
    if is_sysadmin(actor):
        return None
    if not getattr(actor, "is_authenticated", False):
        return set()
    return {membership.entity_id for membership in actor.memberships}


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise NotAuthorized(message or str(_l("No tiene permiso para esta acción.")))


def require_user(actor) -> User:
    require(getattr(actor, "is_authenticated", False), str(_l("Debe iniciar sesión.")))
    return actor
