"""Entity pages (CKAN's ``/organization``): the list, an entity with its datasets and activity,
and the administration forms (create, edit, members)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.activity import services as activity
from portal.auth import permissions
from portal.auth import services as auth
from portal.auth.models import ROLES
from portal.catalog import error_pages, listing, services, translations
from portal.catalog.codelists import codes
from portal.catalog.models import ENTITY_LEVELS, Entity
from portal.catalog.services import ENTITY_FIELDS, GROUP_TRANSLATIONS
from portal.catalog.templating import LEVEL_LABELS, ROLE_LABELS
from portal.errors import NotFound, ValidationError

bp = Blueprint("organization", __name__)
error_pages.register_portal_errors(bp)


def _active_entity(name: str) -> Entity:
    entity = services.get_entity(name)
    if entity.state != "active":
        raise NotFound(_("No existe la entidad «%(name)s».", name=name))
    return entity


@bp.route("/organization")
def index():
    q = request.args.get("q", "").strip()
    pairs = services.list_entities(with_counts=True)
    if q:
        needle = q.casefold()
        pairs = [(e, n) for e, n in pairs
                 if needle in e.title.casefold() or needle in e.name.casefold()]
    kinds = codes("entity-kinds")
    grouped: dict[str, list] = {code: [] for code in kinds}
    for entity, count in pairs:
        grouped.setdefault(entity.kind, []).append((entity, count))
    return render_template("catalog/entity_list.html", q=q, total=len(pairs),
                           groups=[(kinds.get(code, {"label": code})["label"], items)
                                   for code, items in grouped.items() if items])


@bp.route("/organization/<name>")
def read(name: str):
    entity = _active_entity(name)
    args = request.args.copy()
    args.setlist("organization", [entity.name])
    params = listing.ListParams.from_args(args, current_app.config["PORTAL_PAGE_SIZE"])
    results = listing.find_datasets(params, current_user)
    include_private = permissions.is_sysadmin(current_user) \
        or permissions.role(current_user, entity.id) is not None
    activities = activity.list_for_entity(entity.id, include_private=include_private, limit=15)
    return render_template("catalog/entity.html", entity=entity, params=params, results=results,
                           activities=activities)


# --- administration --------------------------------------------------------------------------


def _entity_input(form) -> dict[str, Any]:
    values = {name: form.get(name, "") for name in ENTITY_FIELDS}
    values.update(translations.form_input(form, translations.GROUP_TRANSLATED))
    return values


def _entity_form(values, errors=None, entity=None, status=200):
    options = {
        "kind": [(code, item["label"]) for code, item in codes("entity-kinds").items()],
        "level": [(level, str(LEVEL_LABELS[level])) for level in ENTITY_LEVELS],
    }
    values = {**values, **translations.form_values(values, translations.GROUP_TRANSLATED)}
    return render_template("catalog/entity_form.html", values=values, errors=errors or {},
                           entity=entity, options=options,
                           translation_languages=translations.form_languages()), status


@bp.route("/organization/new", methods=["GET", "POST"])
@login_required
def new():
    permissions.require(permissions.is_sysadmin(current_user),
                        _("Solo un administrador del sistema puede crear entidades."))
    if request.method == "POST":
        values = _entity_input(request.form)
        try:
            entity = services.create_entity(values, current_user)
        except ValidationError as exc:
            return _entity_form(values, exc.fields, status=400)
        flash(_("Entidad «%(title)s» creada.", title=entity.title), "success")
        return redirect(url_for("organization.read", name=entity.name))
    return _entity_form({"kind": "ministerio", "level": "central"})


@bp.route("/organization/edit/<name>", methods=["GET", "POST"])
@login_required
def edit(name: str):
    entity = _active_entity(name)
    permissions.require(permissions.can_admin_entity(current_user, entity.id))
    if request.method == "POST":
        values = _entity_input(request.form)
        try:
            services.update_entity(entity, values, current_user)
        except ValidationError as exc:
            return _entity_form(values, exc.fields, entity, status=400)
        flash(_("Cambios guardados."), "success")
        return redirect(url_for("organization.read", name=entity.name))
    return _entity_form({name: getattr(entity, name)
                         for name in (*ENTITY_FIELDS, *GROUP_TRANSLATIONS)}, entity=entity)


@bp.route("/organization/members/<name>", methods=["GET", "POST"])
@login_required
def members(name: str):
    """List the entity's members; POST adds a user or changes their role."""
    entity = _active_entity(name)
    permissions.require(permissions.can_admin_entity(current_user, entity.id))
    errors: dict[str, list[str]] = {}
    values = {"username": "", "role": "editor"}
    status = 200
    if request.method == "POST":
        values = {"username": request.form.get("username", "").strip(),
                  "role": request.form.get("role", "")}
        try:
            membership = auth.set_membership(entity, values, current_user)
        except ValidationError as exc:
            errors, status = exc.fields, 400
        else:
            flash(_("«%(user)s» es ahora %(role)s de la entidad.", user=membership.user.name,
                    role=_role_label(membership.role)), "success")
            return redirect(url_for("organization.members", name=entity.name))
    return render_template("catalog/entity_members.html", entity=entity,
                           members=auth.members(entity), roles=ROLES, values=values,
                           errors=errors), status


def _role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role)).lower()


@bp.route("/organization/member_delete/<name>", methods=["POST"])
@login_required
def member_delete(name: str):
    entity = _active_entity(name)
    username = request.form.get("username", "")
    auth.remove_membership(entity, username, current_user)
    flash(_("«%(user)s» ya no es miembro de la entidad.", user=username), "success")
    return redirect(url_for("organization.members", name=entity.name))
