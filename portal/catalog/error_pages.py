"""The error pages (403, 404, 413, 500...) in the portal's language and layout."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from portal.errors import NotAuthorized, NotFound

STATUSES = (400, 403, 404, 405, 413, 500)


def error_page(status: int, message: str | None = None):
    titles = {
        400: _("Solicitud incorrecta"),
        403: _("Acceso no permitido"),
        404: _("Página no encontrada"),
        405: _("Método no permitido"),
        413: _("Archivo demasiado grande"),
        500: _("Error interno del servidor"),
    }
    explanations = {
        400: _("La solicitud no se pudo procesar. Revise los datos enviados."),
        403: _("No tiene permiso para ver esta página o realizar esta acción."),
        404: _("La página que busca no existe o ya no está disponible."),
        405: _("Esta dirección no acepta este tipo de solicitud."),
        413: _("El archivo enviado supera el tamaño máximo permitido de %(mb)s MB.",
               mb=current_app.config["PORTAL_MAX_UPLOAD_MB"]),
        500: _("Ocurrió un error inesperado. Intente de nuevo más tarde."),
    }
    return render_template(
        "errors/error.html",
        status=status,
        title=titles.get(status, _("Error")),
        message=message or explanations.get(status, ""),
    ), status


def register_portal_errors(blueprint: Blueprint) -> None:
    """Show the services' ``NotFound`` and ``NotAuthorized`` as the 404 and 403 pages of this
    blueprint's views. Call once, when the blueprint is defined."""
    blueprint.register_error_handler(NotFound, lambda exc: error_page(404, exc.message))
    blueprint.register_error_handler(NotAuthorized, lambda exc: error_page(403, exc.message))


def _http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return exc  # the API answers in JSON through its own handlers
    return error_page(exc.code or 500)


def init_app(app: Flask) -> None:
    for status in STATUSES:
        app.register_error_handler(status, _http_error)
