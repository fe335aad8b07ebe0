"""Login and logout pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import MethodNotAllowed

from portal.auth import accounts, limits, services, sessions
from portal.errors import ValidationError

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only redirect to a path of this site (no open redirect)."""
    # Browsers read a backslash as a slash: /\evil.example is another site.
    if target and target.startswith("/") and not target.startswith("//") \
            and "\\" not in target and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/user/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("auth/login.html", error=None)
    name = request.form.get("username", "").strip()
    counted = (f"ip:{limits.client_address()}", f"user:{name.lower()}")
    try:
        limits.check("login", *counted)
    except limits.RateLimited as exc:
        return render_template("auth/login.html", error=exc.message), 429, {
            "Retry-After": str(exc.retry_after)}
    user = services.log_in(name, request.form.get("password", ""))
    if user is None:
        limits.hit("login", *counted)
        return render_template("auth/login.html",
                               error=_("Usuario o contraseña incorrectos.")), 401
    sessions.start(user, remember=bool(request.form.get("remember")))
    flash(_("Bienvenido, %(name)s.", name=user.fullname or user.name), "success")
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/user/logout", methods=["GET"])
def logout_get():
    """Logging out is a POST (with its CSRF token); a GET is refused here rather than read as
    the profile of a user called "logout" (``/user/<name>``)."""
    raise MethodNotAllowed(valid_methods=["POST"])


@bp.route("/user/logout", methods=["POST"])
@login_required
def logout():
    sessions.end()
    flash(_("Sesión cerrada."), "info")
    return redirect(url_for("home.index"))


@bp.route("/user/reset", methods=["GET", "POST"])
def request_reset():
    """Ask for a reset link. The answer is the same whether the account exists or not."""
    if request.method == "GET":
        return render_template("auth/reset_request.html", error=None)
    identifier = request.form.get("identifier", "").strip()[:254]
    try:
        limits.spend("reset", f"ip:{limits.client_address()}", f"user:{identifier.lower()}")
    except limits.RateLimited as exc:
        return render_template("auth/reset_request.html", error=exc.message), 429, {
            "Retry-After": str(exc.retry_after)}
    if identifier:
        accounts.request_reset(identifier)
    flash(_("Si existe una cuenta con ese nombre o correo, le enviamos un enlace para elegir "
            "una nueva contraseña. Revise su correo."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/user/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        accounts.user_for_reset(token)
    except ValidationError as exc:
        flash(" ".join(exc.fields["token"]), "error")
        return redirect(url_for("auth.request_reset"))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        new = request.form.get("password", "")
        if new != request.form.get("confirm_password", ""):
            errors = {"confirm_password": [_("Las contraseñas no coinciden.")]}
        else:
            try:
                user = accounts.reset_password(token, new)
            except ValidationError as exc:
                errors = exc.fields
        if not errors:
            sessions.end()
            flash(_("Contraseña cambiada, %(name)s. Inicie sesión con la nueva.",
                    name=user.name), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", token=token, errors=errors), \
        400 if errors else 200
