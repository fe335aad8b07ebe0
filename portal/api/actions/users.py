"""User actions and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api import params, queries, results
from portal.api.registry import action
from portal.api.results import With
from portal.auth import permissions, tokens
from portal.auth import services as auth
from portal.errors import NotFound, ValidationError

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
