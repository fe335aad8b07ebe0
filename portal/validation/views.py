"""Pages of validation: a resource's report (readable, and as a JSON download), re-running it,
Data Package publishing (upload, preview of the full report, publish or discard) and every
dataset as a Data Package (``/dataset/<name>/datapackage.json``).

Views call ``services`` and ``publish``; they never write to the session themselves.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth import permissions
from portal.catalog import error_pages
from portal.catalog.dataset_views import dataset_resource, download_filename, readable_dataset
from portal.catalog.publish_views import licence_options, publishable_entities
from portal.errors import ValidationError
from portal.validation import publish, services, tasks
from portal.validation.messages import title_of
from portal.validation.models import DONE
from portal.validation.report import Report

bp = Blueprint("validation", __name__)
error_pages.register_portal_errors(bp)

def status_label(status: str | None) -> str:
    labels = {
        "pending": _("Validación pendiente"),
        "running": _("Validando"),
        "success": _("Datos válidos"),
        "failure": _("Datos con errores"),
        "error": _("No se pudo validar"),
    }
    return labels.get(status or "", "")


#: Badge style of each status: green valid, red errors, yellow waiting or not validated.
BADGE_CLASSES = {"success": "badge-open", "failure": "badge-deleted", "error": "badge-draft",
                 "pending": "badge-draft", "running": "badge-draft"}


def _template_context() -> dict:
    return {
        "validation_badge_class": BADGE_CLASSES,
        "validation_report": services.current_report,
        "validation_reports": services.reports_for,
        "validation_summary": services.dataset_summary,
        "validation_status_label": status_label,
        "validation_error_title": title_of,
        "validation_invalid_mark": publish.INVALID_MARK,
    }


# -- a resource's report ---------------------------------------------------------------------------

def _resource(name: str, resource_id: str):
    dataset = readable_dataset(name)
    return dataset, dataset_resource(dataset, resource_id)


@bp.route("/dataset/<name>/resource/<resource_id>/validation", methods=["GET", "POST"])
def report(name: str, resource_id: str):
    dataset, resource = _resource(name, resource_id)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        permissions.require(permissions.can_publish_in(current_user, dataset.entity_id))
        if services.is_candidate(resource):
            services.request_validation(resource, force=True)
            tasks.submit([resource.id])
            flash(_("Validación solicitada."), "success")
        else:
            flash(_("Este formato no se valida."), "warning")
        return redirect(url_for("validation.report", name=dataset.name, resource_id=resource.id))
    stored = services.get_report(resource.id)
    current = stored if stored is not None and stored.fingerprint == services.fingerprint(
        resource) else None
    body = Report.from_dict(current.report) if current is not None and current.report else None
    return render_template("validation/report.html", dataset=dataset, resource=resource,
                           stored=current, outdated=stored is not None and current is None,
                           report=body, candidate=services.is_candidate(resource),
                           download_filename=download_filename)


def _status_answer(status: str | None) -> Response:
    """What a waiting badge polls (static/js/validation-badge.js): never cached."""
    if status is None:
        abort(404)
    body = {"status": status, "label": status_label(status),
            "class": BADGE_CLASSES.get(status, ""), "done": status in DONE}
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/dataset/<name>/resource/<resource_id>/validation/status")
def resource_status(name: str, resource_id: str):
    _dataset, resource = _resource(name, resource_id)
    report = services.current_report(resource)
    return _status_answer(report.status if report is not None else None)


@bp.route("/dataset/<name>/validation/status")
def dataset_status(name: str):
    dataset = readable_dataset(name)
    return _status_answer(services.dataset_summary(
        services.reports_for(dataset.resources).values()))


@bp.route("/dataset/<name>/resource/<resource_id>/validation.json")
def report_json(name: str, resource_id: str):
    dataset, resource = _resource(name, resource_id)
    stored = services.get_report(resource.id)
    if stored is None:
        abort(404)
    body = json.dumps(services.report_as_dict(stored), ensure_ascii=False, indent=2)
    filename = f"validacion-{dataset.name}-{resource.id[:8]}.json"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


# -- every dataset as a Data Package ---------------------------------------------------------------

@bp.route("/dataset/<name>/datapackage.json")
def datapackage(name: str):
    dataset = readable_dataset(name)

    def download_url(resource) -> str:
        return url_for("dataset.resource_download", name=dataset.name, resource_id=resource.id,
                       filename=download_filename(resource), _external=True) \
            if resource.is_upload else resource.url

    descriptor = publish.dataset_datapackage(dataset, download_url)
    return Response(json.dumps(descriptor, ensure_ascii=False, indent=2),
                    mimetype="application/json")


# -- Data Package publishing -----------------------------------------------------------------------

def _entities_or_refuse():
    entities = publishable_entities(current_user)
    if not entities:
        abort(403)
    return entities


@bp.route("/dataset/new/datapackage", methods=["GET", "POST"])
@login_required
def datapackage_upload():
    _entities_or_refuse()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        files = [(item.filename or "", item.stream)
                 for item in request.files.getlist("files") if item and item.filename]
        try:
            staged = publish.stage_package(files, current_user)
        except ValidationError as exc:
            errors = exc.fields
        else:
            return redirect(url_for("validation.datapackage_preview", token=staged.token))
    return render_template("validation/datapackage_upload.html", errors=errors,
                           allow_invalid=publish.allow_invalid(),
                           max_upload_mb=_max_upload_mb()), 400 if errors else 200


def _max_upload_mb() -> int:
    from flask import current_app

    return current_app.config["PORTAL_MAX_UPLOAD_MB"]


@bp.route("/dataset/new/datapackage/<token>", methods=["GET", "POST"])
@login_required
def datapackage_preview(token: str):
    entities = _entities_or_refuse()
    staged = publish.load_staged(token, current_user)
    errors: dict[str, list[str]] = {}
    choices = {"entity": request.args.get("entity")
               or (entities[0].name if len(entities) == 1 else "")}
    if request.method == "POST":
        if request.form.get("action") == "discard":
            publish.discard(staged)
            flash(_("Paquete descartado: no se publicó nada."), "success")
            return redirect(url_for("dataset.new"))
        choices = {key: request.form.get(key, "").strip()
                   for key in ("entity", "name", "title", "license_id")}
        choices["private"] = request.form.get("private") == "1"
        try:
            dataset = publish.publish_staged(staged, choices, current_user)
        except ValidationError as exc:
            errors = exc.fields
        else:
            flash(_("Conjunto de datos «%(title)s» publicado desde el paquete de datos.",
                    title=dataset.title), "success")
            return redirect(url_for("dataset.read", name=dataset.name))
    values = {**publish.dataset_input(staged, {}), **{k: v for k, v in choices.items() if v}}
    return render_template(
        "validation/datapackage_preview.html", staged=staged, report=staged.report,
        descriptor=staged.descriptor() or {}, values=values, errors=errors,
        entity_options=[(e.name, e.title) for e in entities],
        licence_options=licence_options(), allow_invalid=publish.allow_invalid(),
    ), 400 if errors else 200


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(_template_context)
