"""The Action API endpoint, CKAN's envelope, the OpenAPI document and the human reference page.

``/api/3/action/<name>`` (and ``/api/action/<name>``) answers
``{"help": ..., "success": true, "result": ...}``, or on failure
``{"help": ..., "success": false, "error": {"__type": ..., "message": ..., <field>: [...]}}``
with CKAN's status codes: 400 bad request, 403 not authorized, 404 not found, 409 validation.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from marshmallow import Schema
from marshmallow import ValidationError as SchemaError
from werkzeug.exceptions import InternalServerError, RequestEntityTooLarge

from portal import bounded_json, caching
from portal.api import ckan, jsontext, openapi, reference, registry
from portal.auth import csrf, tokens
from portal.auth.limits import RateLimited
from portal.db import unit_of_work
from portal.errors import NotAuthorized, NotFound, PortalError, ValidationError

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__)

STATUS = {ValidationError: 409, NotAuthorized: 403, NotFound: 404}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class BadRequest(Exception):
    """Input the API cannot read at all (CKAN answers these with 400)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _respond(body: dict[str, Any], status: int = 200) -> Response:
    return Response(jsontext.encode(body), status, mimetype="application/json")


def _help_url(name: str) -> str:
    return url_for("api.action", logic_function="help_show", name=name, _external=True)


def _failure(help_url: str, status: int, error: dict[str, Any]) -> Response:
    return _respond({"help": help_url, "success": False, "error": error}, status)


def _bad_request(help_url: str, message: str) -> Response:
    return _failure(help_url, 400, {"__type": "Bad request",
                                    "message": f"{_('Solicitud incorrecta')} - {message}"})


def _error(help_url: str, exc: PortalError, action: registry.Action | None) -> Response:
    if isinstance(exc, RateLimited):
        response = _failure(help_url, 429, {"__type": exc.kind, "message": exc.message})
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, ValidationError):
        renamed = ckan.rename_errors(exc.fields, action.error_names if action else {})
        named = ValidationError(renamed)
        return _failure(help_url, 409, {"__type": exc.kind, "message": named.message, **renamed})
    prefix = _("Acceso denegado") if isinstance(exc, NotAuthorized) else _("No encontrado")
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    return _failure(help_url, status, {"__type": exc.kind, "message": f"{prefix}: {exc.message}"})


# --- reading the request -------------------------------------------------------------------


def _mixed(multi_dict) -> dict[str, Any]:
    """Form or URL parameters: one value as a string, repeated ones as a list (as CKAN)."""
    return {key: values[0] if len(values) == 1 else values
            for key, values in multi_dict.to_dict(flat=False).items()}


def _body_limit_mb() -> int:
    return current_app.config["PORTAL_API_MAX_BODY_MB"]


def _json_body(body: bytes) -> Any:
    try:
        return bounded_json.loads(body)
    except bounded_json.JsonTooDeep as exc:
        raise BadRequest(_("Error de JSON: anida más de %(limit)s niveles.",
                           limit=exc.limit)) from None
    except ValueError as exc:
        raise BadRequest(_("Error de JSON: %(error)s", error=str(exc))) from None


def request_data(action: registry.Action) -> dict[str, Any]:
    """The action's parameters: URL parameters of a GET, a JSON body, or a form (multipart
    with the ``upload`` file)."""
    if request.method == "GET":
        if action.write:
            raise BadRequest(_("La acción %(name)s modifica datos: use el método POST.",
                               name=action.name))
        return _mixed(request.args)
    if request.mimetype == "multipart/form-data":
        data: Any = _mixed(request.form)
        for key, upload in request.files.items():
            if not action.multipart:
                raise BadRequest(_("La acción %(name)s no recibe archivos.", name=action.name))
            data[key] = upload
    else:
        # A body is parsed whole in memory: bound it (files go in multipart parts instead).
        request.max_content_length = _body_limit_mb() * 1024 * 1024
        body = request.get_data(cache=True)
        if request.mimetype == FORM_TYPES[1] and not body.lstrip().startswith(b"{"):
            data = _mixed(request.form)
        elif body.strip():
            # JSON, also when a client posts it as a form (curl -d does): as CKAN reads it.
            data = _json_body(body)
        else:
            data = _mixed(request.args)
    if not isinstance(data, dict):
        raise BadRequest(_("Los datos de la solicitud deben ser un objeto JSON, no %(kind)s.",
                           kind=type(data).__name__))
    return data


def _nul_fields(data: Any, path: str = "") -> list[str]:
    """Where a NUL character hides in the parameters: no text column can store one
    (PostgreSQL refuses it outright), so it is refused before any query."""
    if isinstance(data, str):
        return [path] if "\x00" in data else []
    if isinstance(data, dict):
        return [found for key, value in data.items()
                for found in _nul_fields(value, f"{path}.{key}" if path else str(key))
                + ([f"{path}.{key}" if path else str(key)] if "\x00" in str(key) else [])]
    if isinstance(data, list | tuple):
        return [found for value in data for found in _nul_fields(value, path)]
    return []


def refuse_nul(data: dict[str, Any]) -> None:
    fields = dict.fromkeys(_nul_fields(data))
    if fields:
        raise ValidationError({field.split(".", 1)[0] or "_": [_(
            "Contiene el carácter nulo (U+0000), que no se admite.")] for field in fields})


def _flatten(messages: Any, path: str = "") -> list[str]:
    """marshmallow's nested messages as lines: ``{"tags": {0: {"name": [m]}}}`` gives
    ``"0.name: m"`` under ``tags``."""
    if isinstance(messages, dict):
        flat = []
        for key, value in messages.items():
            sub = path if key == "_schema" else (f"{path}.{key}" if path else str(key))
            flat.extend(_flatten(value, sub))
        return flat
    items = messages if isinstance(messages, list | tuple) else [messages]
    return [f"{path}: {m}" if path else str(m) for m in items]


def load_params(action: registry.Action, data: dict[str, Any]) -> dict[str, Any]:
    try:
        return action.params().load(data)
    except SchemaError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationError({
            str(key): _flatten(value) for key, value in messages.items()
        }) from None


def actor_of_request():
    """Who calls: the owner of the API token in the ``Authorization`` header (CKAN clients
    also send ``X-CKAN-API-Key``), else the logged-in user of the session, else anonymous. A
    wrong, revoked or expired token is refused, never downgraded to anonymous."""
    raw = tokens.secret_from_header(request.headers.get("Authorization")
                                    or request.headers.get("X-CKAN-API-Key"))
    if raw:
        return tokens.authenticate(raw), True
    return current_user._get_current_object(), False


def _check_csrf(action: registry.Action, actor, by_token: bool) -> None:
    """The API is exempt from the site's CSRF check because tokens cannot be forged
    cross-site; a write authenticated by the session cookie must carry the CSRF token."""
    if not action.write or by_token or not getattr(actor, "is_authenticated", False):
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    try:
        csrf.protect()
    except CSRFError:
        raise NotAuthorized(_("Envíe un token de API en la cabecera Authorization, o el "
                              "token CSRF de la página en X-CSRFToken.")) from None


def dump_result(action: registry.Action, value: Any) -> Any:
    if isinstance(action.result, type) and issubclass(action.result, Schema):
        return action.result(many=action.many).dump(value)
    return value


# --- routes ---------------------------------------------------------------------------------


@bp.route("/api/action/<logic_function>", methods=["GET", "POST"])
@bp.route("/api/3/action/<logic_function>", methods=["GET", "POST"])
def action(logic_function: str):
    help_url = _help_url(logic_function)
    found = registry.get_action(logic_function)
    if found is None:
        return _bad_request(help_url, _("Nombre de acción desconocido: %(name)s",
                                        name=logic_function))
    try:
        actor, by_token = actor_of_request()
        data = request_data(found)
        _check_csrf(found, actor, by_token)
        refuse_nul(data)
        values = load_params(found, data)
        if found.write:
            with unit_of_work():
                result = found.func(values, actor)
        elif found.name == "package_show":  # a dataset: validators, and its cached dict
            return caching.conditional(lambda: _respond({
                "help": help_url, "success": True,
                "result": dump_result(found, found.func(values, actor))}),
                lambda: caching.dataset_revision(values["id"]))
        else:
            result = found.func(values, actor)
        result = dump_result(found, result)
    except BadRequest as exc:
        return _bad_request(help_url, exc.message)
    except RequestEntityTooLarge:
        if request.mimetype != "multipart/form-data":
            return _bad_request(help_url, _(
                "El cuerpo de la solicitud supera el tamaño máximo de %(mb)s MB.",
                mb=_body_limit_mb()))
        limit = current_app.config["PORTAL_MAX_UPLOAD_MB"]
        return _error(help_url, ValidationError({"upload": [_(
            "El archivo supera el tamaño máximo permitido de %(mb)s MB.", mb=limit)]}), found)
    except PortalError as exc:
        return _error(help_url, exc, found)
    return _respond({"help": help_url, "success": True, "result": result})


@bp.errorhandler(InternalServerError)
def _internal_error(exc: InternalServerError):
    log.error("API action failed: %s", request.path, exc_info=exc.original_exception)
    return _failure(_help_url(request.view_args.get("logic_function", "") if request.view_args
                              else ""), 500,
                    {"__type": "Internal Server Error", "message": _("Error interno del "
                                                                     "servidor.")})


@bp.route("/api/3")
def version():
    """CKAN's API root: the version number."""
    return _respond({"version": 3})


@bp.route("/api/3/openapi.json")
def openapi_document():
    document = current_app.extensions.get("api_openapi")
    if document is None:
        document = current_app.extensions["api_openapi"] = openapi.document()
    return _respond(document)


@bp.route("/api")
def human_reference():
    return render_template("api/index.html", actions=registry.actions(), tags=registry.TAGS,
                           **reference.page_context())
