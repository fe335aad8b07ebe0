"""Sysadmin pages of accounts: ``/user`` lists, searches and creates them; each row makes or
unmakes a sysadmin and disables or enables the account (services check the actor again)."""

from __future__ import annotations

import math

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth import admin, permissions, services
from portal.auth.account_views import _page, bp
from portal.auth.dashboard import Page
from portal.errors import ValidationError

NEW_USER = {"name": "", "fullname": "", "email": "", "password": "", "sysadmin": ""}


@bp.route("/user", methods=["GET", "POST"])
@login_required
def index():
    """The accounts; POST creates one (CKAN's sysadmin "add user")."""
    permissions.require(permissions.is_sysadmin(current_user))
    values, errors, status = dict(NEW_USER), {}, 200
    if request.method == "POST":
        values = {key: request.form.get(key, "").strip() for key in NEW_USER}
        values["password"] = request.form.get("password", "")
        try:
            user = services.create_user({**values, "sysadmin": values["sysadmin"] == "1"},
                                        current_user)
        except ValidationError as exc:
            errors, status = exc.fields, 400
        else:
            flash(_("Cuenta «%(user)s» creada. Comunique la contraseña por un canal seguro; "
                    "la persona puede cambiarla en su perfil.", user=user.name), "success")
            return redirect(url_for("user.index", q=user.name))
    q = request.args.get("q", "").strip()[:100]
    page = _page()
    users, total = admin.list_users(current_user, q, page)
    results = Page(users, page, max(1, math.ceil(total / admin.PAGE_SIZE)), total)
    values.pop("password")
    return render_template("user/list.html", results=results, q=q, values=values,
                           errors=errors), status


def _back():
    return redirect(url_for("user.index", q=request.form.get("q") or None))


@bp.route("/user/<name>/sysadmin", methods=["POST"])
@login_required
def set_sysadmin(name: str):
    permissions.require(permissions.is_sysadmin(current_user))
    user = services.get_user(name)
    value = request.form.get("sysadmin") == "1"
    try:
        admin.set_sysadmin(user, value, current_user)
    except ValidationError as exc:
        flash(" ".join(exc.fields["user"]), "error")
        return _back()
    flash(_("«%(user)s» es ahora administrador del sitio.", user=user.name) if value else
          _("«%(user)s» ya no es administrador del sitio.", user=user.name), "success")
    return _back()


@bp.route("/user/<name>/state", methods=["POST"])
@login_required
def set_state(name: str):
    permissions.require(permissions.is_sysadmin(current_user))
    user = services.get_user(name)
    state = request.form.get("state", "")
    try:
        admin.set_state(user, state, current_user)
    except ValidationError as exc:
        flash(" ".join(m for msgs in exc.fields.values() for m in msgs), "error")
        return _back()
    flash(_("Cuenta «%(user)s» reactivada.", user=user.name) if state == "active" else
          _("Cuenta «%(user)s» desactivada: ya no puede iniciar sesión.", user=user.name),
          "success")
    return _back()
