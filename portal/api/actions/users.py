"""User actions and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api import params, queries, results
from portal.api.registry import action, ref
from portal.api.results import With
from portal.auth import permissions, tokens
from portal.auth import services as auth
from portal.errors import NotAuthorized, NotFound, ValidationError

#: CKAN's default unit for ``expires_in``: days.
DEFAULT_UNIT = 86400
MAX_LIFETIME = timedelta(days=params.MAX_TOKEN_DAYS)


def _user_view(user, actor, *, include_datasets: bool = False):
    sees_private = permissions.is_sysadmin(actor) or getattr(actor, "id", None) == user.id
    created = queries.created_by(queries.visible_datasets(actor), user.id)
    extra: dict[str, Any] = {
        "email": user.email if sees_private else None,
        "number_created_packages": queries.count(created),
    }
    if include_datasets:
        extra["datasets"] = queries.datasets(created, limit=1000)
    return With(user, **extra)


@action("user_show", params=params.UserShowParams, result=results.UserOut, tag="users")
def user_show(values, actor):
    """Return a user's public details; the e-mail address only to the user and sysadmins."""
    user = auth.get_user(values["id"])
    return _user_view(user, actor, include_datasets=values.get("include_datasets", False))


@action("user_create", params=params.UserCreateParams, result=results.UserOut, write=True,
        tag="users")
def user_create(values, actor):
    """Create a user account (sysadmins only); return it."""
    return _user_view(auth.create_user(values, actor), actor)


@action("api_token_create", params=params.ApiTokenCreateParams, result=results.NewTokenOut,
        write=True, tag="users")
def api_token_create(values, actor):
    """Create an API token for a user (themselves, or anyone for a sysadmin).

    The token is in the result and is never shown again: only its digest is stored.
    """
    user = auth.get_user(values["user"])
    expires_in = None
    if "expires_in" in values:
        seconds = values["expires_in"] * values.get("unit", DEFAULT_UNIT)
        if seconds > MAX_LIFETIME.total_seconds():
            raise ValidationError({"expires_in": [str(_l(
                "La vigencia no puede pasar de {days} días.")).format(days=MAX_LIFETIME.days)]})
        expires_in = timedelta(seconds=seconds)
    _token, raw = tokens.create_token(user, actor, name=values["name"], expires_in=expires_in)
    return {"token": raw}


@action("api_token_list", params=params.ApiTokenListParams, result=results.TokenOut,
        many=True, tag="users")
def api_token_list(values, actor):
    """Return a user's API tokens that have not been revoked (never the tokens themselves)."""
    ref = values.get("user_id") or values.get("user")
    user = auth.get_user(ref) if ref else permissions.require_user(actor)
    return tokens.list_tokens(user, actor)


@action("api_token_revoke", params=params.ApiTokenRevokeParams, result=None, write=True,
        tag="users")
def api_token_revoke(values, actor):
    """Revoke an API token, given the token itself (``token``) or its id (``jti``)."""
    if values.get("token"):
        try:
            token = tokens.find_by_secret(tokens.secret_from_header(values["token"]))
        except NotFound as exc:
            raise ValidationError({"token": [exc.message]}) from None
    elif values.get("jti"):
        token = tokens.get_token(values["jti"])
    else:
        raise ValidationError({"token": [str(_l("Indique el token o su id (jti)."))]})
    tokens.revoke_token(token, actor)


#: user_list's orders -> (key of a user's view, descending).
USER_ORDERS = ("display_name", "name", "fullname", "created", "id", "sysadmin",
               "number_created_packages")


@action("user_list", params=params.UserListParams, result={
    "type": "array",
    "items": {"oneOf": [{"type": "string"}, ref(results.UserOut)]},
    "description": "Dictionaries, or names with all_fields=false.",
}, tag="users")
def user_list(values, actor):
    """Return the site's active user accounts, as dictionaries (names with
    ``all_fields=false``).

    ``q`` keeps users whose name or full name contains a text; ``email`` (sysadmins only) the
    user with that address. E-mail addresses are shown to sysadmins and to each user only;
    ``number_created_packages`` counts the public datasets a user created.
    """
    order_by = values.get("order_by") or "display_name"
    if order_by not in USER_ORDERS:
        raise ValidationError({"order_by": [str(_l(
            "Orden no válido: «{order}». Use {orders}.")).format(
                order=order_by, orders=", ".join(USER_ORDERS))]})
    if values.get("email") and not permissions.is_sysadmin(actor):
        raise NotAuthorized(str(_l("Solo un administrador del sitio busca por correo.")))
    users = queries.active_users(values.get("q", ""), values.get("email", ""))
    if not values.get("all_fields", True):
        return [user.name for user in sorted(users, key=_order(order_by))]
    views = [_user_view(user, actor) for user in users]
    return results.UserOut(many=True).dump(sorted(views, key=_order(order_by)))


def _order(order_by: str):
    def key(user):
        if order_by == "display_name":
            return (user.fullname or user.name).lower(), user.name
        if order_by == "number_created_packages":
            return -user.number_created_packages, user.name
        return getattr(user, order_by), user.name
    return key
