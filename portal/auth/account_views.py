"""A user's pages: dashboard, public profile, profile and password, API tokens, membership
requests. Sysadmin pages of accounts are in ``admin_views``."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth import accounts, limits, membership_requests, services, sessions, tokens
from portal.auth import dashboard as board
from portal.auth.models import ROLES
from portal.catalog import services as catalog
from portal.catalog.error_pages import register_portal_errors
from portal.errors import NotFound, ValidationError
from portal.harvest.views import STATUS_LABELS as HARVEST_STATUS_LABELS
from portal.pige.refusals import translate

bp = Blueprint("user", __name__)
register_portal_errors(bp)

#: Lifetimes offered when creating a token (days; 0: no expiry).
TOKEN_LIFETIMES = (30, 90, 365, 0)


def _page() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


@bp.route("/dashboard")
@login_required
def dashboard():
    tab = request.args.get("tab", "all")
    tab = tab if tab in board.TABS else "all"
    # The counts per tab are the figures at the top and the list's total: counted once.
    counts = board.dataset_counts(current_user)
    failed, failed_total = board.failed_validations(current_user)
    return render_template(
        "user/dashboard.html", tab=tab, counts=counts,
        results=board.datasets(current_user, tab, _page(),
                               current_app.config["PORTAL_PAGE_SIZE"], counts=counts),
        failed=failed, failed_total=failed_total,
        harvest_jobs=board.harvest_jobs(current_user),
        pige_waiting=board.pige_waiting(current_user),
        memberships=board.memberships(current_user),
        requests_to_me=membership_requests.pending_for(current_user),
        my_requests=membership_requests.mine(current_user), tr=translate,
        HARVEST_STATUS_LABELS=HARVEST_STATUS_LABELS)


@bp.route("/user/<name>")
def read(name: str):
    user = services.get_user(name)
    if not user.is_active:
        raise NotFound(_("No existe el usuario «%(name)s».", name=name))
    return render_template(
        "user/read.html", user=user, memberships=board.memberships(user),
        results=board.public_datasets(user, _page(), current_app.config["PORTAL_PAGE_SIZE"]))


@bp.route("/user/edit", methods=["GET", "POST"])
@login_required
def edit():
    values = {"fullname": current_user.fullname, "email": current_user.email,
              "about": current_user.about}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in values}
        try:
            asked = accounts.update_profile(current_user, values, current_user)
        except ValidationError as exc:
            return render_template("user/edit.html", values=values, errors=exc.fields), 400
        flash(_("Perfil guardado."), "success")
        if asked:
            flash(_("Le enviamos un enlace a %(email)s para confirmar la nueva dirección; "
                    "hasta entonces se mantiene la anterior.", email=values["email"].strip()),
                  "info")
        return redirect(url_for("user.edit"))
    return render_template("user/edit.html", values=values, errors=errors)


@bp.route("/user/email/<token>")
def confirm_email(token: str):
    try:
        user = accounts.confirm_email(token)
    except ValidationError as exc:
        flash(" ".join(exc.fields["token"]), "error")
        return redirect(url_for("home.index"))
    flash(_("Su correo electrónico es ahora %(email)s.", email=user.email), "success")
    return redirect(url_for("user.edit") if current_user.is_authenticated
                    else url_for("auth.login"))


@bp.route("/user/password", methods=["GET", "POST"])
@login_required
def password():
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            errors = {"confirm_password": [_("Las contraseñas no coinciden.")]}
        else:
            try:
                accounts.change_password(current_user, request.form.get("current_password", ""),
                                         new, current_user)
            except ValidationError as exc:
                errors = exc.fields
        if not errors:
            sessions.renew(current_user)
            flash(_("Contraseña cambiada. Se cerraron sus sesiones en otros equipos."),
                  "success")
            return redirect(url_for("user.edit"))
    return render_template("user/password.html", errors=errors), 400 if errors else 200


# --- API tokens ------------------------------------------------------------------------------


def _tokens_page(created=None, raw: str | None = None, values=None, errors=None,
                 status: int = 200, refusal: str | None = None):
    return render_template(
        "user/tokens.html", tokens=tokens.list_tokens(current_user, current_user),
        created=created, raw=raw, lifetimes=TOKEN_LIFETIMES, refusal=refusal,
        values=values or {"name": "", "expires_in": "90"}, errors=errors or {}), status


@bp.route("/user/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    if request.method == "GET":
        return _tokens_page()
    values = {"name": request.form.get("name", ""),
              "expires_in": request.form.get("expires_in", "")}
    days = int(values["expires_in"]) if values["expires_in"].isdigit() else -1
    if days not in TOKEN_LIFETIMES:
        return _tokens_page(values=values, errors={
            "expires_in": [_("Elija una vigencia de la lista.")]}, status=400)
    try:
        token, raw = tokens.create_token(
            current_user, current_user, name=values["name"],
            expires_in=timedelta(days=days) if days else None)
    except ValidationError as exc:
        return _tokens_page(values=values, errors=exc.fields, status=400)
    except limits.RateLimited as exc:
        body, status = _tokens_page(values=values, refusal=exc.message, status=429)
        return body, status, {"Retry-After": str(exc.retry_after)}
    # The token is shown in this answer only; it is never stored, so it is not cached either.
    body, status = _tokens_page(created=token, raw=raw)
    return body, status, {"Cache-Control": "no-store"}


@bp.route("/user/tokens/<token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: str):
    token = tokens.get_token(token_id)
    tokens.revoke_token(token, current_user)
    flash(_("Token «%(name)s» revocado: ya no da acceso.", name=token.name or token.id[:8]),
          "success")
    return redirect(url_for("user.api_tokens"))


# --- membership requests ---------------------------------------------------------------------


@bp.route("/dashboard/membership", methods=["GET", "POST"])
@login_required
def request_membership():
    entities = catalog.list_entities()
    values = {"entity": request.values.get("entity", ""), "role": "member", "message": ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "").strip() for key in values}
        try:
            if not values["entity"]:
                raise ValidationError({"entity": [_("Elija la entidad.")]})
            try:
                entity = catalog.get_entity(values["entity"])
            except NotFound as exc:
                raise ValidationError({"entity": [exc.message]}) from None
            membership_requests.request_membership(entity, current_user, values["role"],
                                                   values["message"])
        except ValidationError as exc:
            errors = exc.fields
        else:
            flash(_("Solicitud enviada a los administradores de %(entity)s.",
                    entity=entity.title), "success")
            return redirect(url_for("user.dashboard"))
    return render_template("user/membership_request.html", entities=entities, roles=ROLES,
                           values=values, errors=errors), 400 if errors else 200


@bp.route("/dashboard/membership/<request_id>", methods=["POST"])
@login_required
def decide_membership(request_id: str):
    item = membership_requests.get_request(request_id)
    approve = request.form.get("decision") == "approve"
    try:
        membership_requests.decide(item, approve, current_user, request.form.get("role"))
    except ValidationError as exc:
        flash(" ".join(m for msgs in exc.fields.values() for m in msgs), "error")
    else:
        flash(_("«%(user)s» es ahora miembro de %(entity)s.", user=item.user.name,
                entity=item.entity.title) if approve else
              _("Solicitud de «%(user)s» rechazada.", user=item.user.name), "success")
    return redirect(url_for("user.dashboard"))
