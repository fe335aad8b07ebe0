"""What every page template can use: filters for dates, sizes, code-list labels and Markdown, and
the current user's permissions."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, request, url_for
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    to_user_timezone,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import i18n
from portal.auth import permissions
from portal.catalog.codelists import label
from portal.catalog.licenses import get_license
from portal.catalog.listing import FACET_TITLES
from portal.catalog.markup import plain_excerpt, render_markdown
from portal.catalog.translations import localized, text_language

ACCESS_RIGHTS_LABELS = {
    "public": _l("Público"),
    "restricted": _l("Restringido"),
    "non-public": _l("No público"),
}
STATE_LABELS = {"draft": _l("Borrador"), "active": _l("Publicado"), "deleted": _l("Eliminado")}
LEVEL_LABELS = {"central": _l("Nivel central"), "territorial": _l("Nivel territorial")}
ROLE_LABELS = {"admin": _l("Administrador"), "editor": _l("Editor"), "member": _l("Miembro")}


def _date(value: date | datetime | None, style: str = "medium") -> str:
    """A date; a (naive UTC) timestamp shows its date in the portal's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value.replace(tzinfo=UTC)).date()
    return format_date(value, style)


def _datetime(value: datetime | None, style: str = "short") -> str:
    return format_datetime(value, style) if value is not None else ""


def _filesize(size: int | None) -> str:
    if size is None:
        return ""
    units = ("B", "KB", "MB", "GB", "TB")
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    pattern = "#,##0" if unit == 0 else "#,##0.#"
    return f"{format_decimal(value, pattern)} {units[unit]}"


def _code_label(code: str, list_name: str) -> str:
    return label(list_name, code)


def _url_with(**changes) -> str:
    """The current URL with some query parameters replaced (``None`` removes one); the page
    number is reset unless given."""
    args = request.args.to_dict(flat=False)
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def _toggle_filter(name: str, value: str) -> str:
    """The current URL with the filter ``name=value`` added, or removed if it is active."""
    values = request.args.getlist(name)
    values = [v for v in values if v != value] if value in values else [*values, value]
    return _url_with(**{name: values or None})


def _hidden_filters(params) -> list[tuple[str, str]]:
    """The list's active filters and sort as (name, value) pairs, for hidden form fields."""
    pairs = [(name, value) for name, values in params.filters.items() for value in values]
    if "sort" in request.args:
        pairs.append(("sort", params.sort))
    return pairs


def _can_publish_anywhere() -> bool:
    if permissions.is_sysadmin(current_user):
        return True
    return any(m.role in ("admin", "editor") for m in getattr(current_user, "memberships", []))


def _template_context() -> dict:
    return {
        "lang": i18n.language(),  # Aymara has no CLDR locale: not get_locale().language
        "can_publish_anywhere": _can_publish_anywhere,
        "can_publish_in": lambda entity_id: permissions.can_publish_in(current_user, entity_id),
        "can_admin_entity": lambda entity_id: permissions.can_admin_entity(current_user,
                                                                           entity_id),
        "is_sysadmin": permissions.is_sysadmin(current_user),
        "get_license": get_license,
        "url_with": _url_with,
        "ui_hidden_filters": _hidden_filters,
        "toggle_filter": _toggle_filter,
        "ACCESS_RIGHTS_LABELS": ACCESS_RIGHTS_LABELS,
        "STATE_LABELS": STATE_LABELS,
        "LEVEL_LABELS": LEVEL_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "FACET_TITLES": FACET_TITLES,
    }


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown,
        excerpt=plain_excerpt,
        date=_date,
        datetime=_datetime,
        filesize=_filesize,
        number=format_decimal,
        code_label=_code_label,
        # Metadata in the interface language, else Spanish: ``dataset | localized("title")``,
        # and the language of what is shown, for a ``lang`` attribute.
        localized=lambda obj, field: localized(obj, field, i18n.language()),
        text_lang=lambda obj, field: text_language(obj, field, i18n.language()),
    )
    app.context_processor(_template_context)
