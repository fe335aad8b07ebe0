"""The publisher's forms: create, edit and delete datasets and their resources.

Every write goes through ``catalog.services``; a ``ValidationError`` re-renders the form with the
user's input and each message next to its field (status 400), and nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from portal import bounded_json
from portal.auth import permissions
from portal.catalog import services, translations
from portal.catalog.codelists import codes
from portal.catalog.dataset_views import bp, dataset_resource, readable_dataset
from portal.catalog.licenses import licenses
from portal.catalog.models import Dataset, Entity
from portal.catalog.templating import ACCESS_RIGHTS_LABELS
from portal.errors import ValidationError

DATASET_TEXT_FIELDS = (
    "name", "title", "description", "entity", "license_id", "keywords", "contact_name",
    "contact_email", "access_rights", "temporal_start", "temporal_end", "frequency",
    "landing_page", "version", "identifier", "issued", "modified", "state",
)
DATASET_LIST_FIELDS = ("themes", "spatial", "language")
RESOURCE_TEXT_FIELDS = ("name", "description", "url", "format", "media_type", "license_id",
                        "rights")


def publishable_entities(actor, also: Entity | None = None) -> list[Entity]:
    """Entities ``actor`` may publish in (all for a sysadmin), plus ``also`` (a dataset's current
    entity) so an edit form can show it."""
    found = [entity for entity in services.list_entities()
             if permissions.can_publish_in(actor, entity.id)]
    if also is not None and all(entity.id != also.id for entity in found):
        found.insert(0, also)
    return found


def default_entity(actor) -> str:
    """The entity a new dataset's form starts with: the only one the actor publishes in."""
    entities = publishable_entities(actor)
    return entities[0].name if len(entities) == 1 else ""


def dataset_form_input(form: MultiDict) -> dict[str, Any]:
    """The form's fields as input for ``create_dataset``/``update_dataset``. Every field the form
    shows is present, so an unticked box clears its list."""
    data: dict[str, Any] = {name: form.get(name, "") for name in DATASET_TEXT_FIELDS}
    for name in DATASET_LIST_FIELDS:
        data[name] = [value for value in form.getlist(name) if value]
    data["private"] = form.get("private") == "1"
    data.update(translations.form_input(form, translations.DATASET_TRANSLATED))
    return data


def licence_options() -> list[tuple[str, list[tuple[str, str]]]]:
    """The licences in two groups (``<optgroup>``): open ones, then the others, which only
    private data may use."""
    ordered = sorted(licenses().values(), key=lambda lic: lic.title)
    return [
        (_("Licencias abiertas"), [(lic.id, lic.title) for lic in ordered if lic.is_open]),
        (_("Licencias no abiertas (solo para datos no públicos)"),
         [(lic.id, lic.title) for lic in ordered if not lic.is_open]),
    ]


def _code_options(list_name: str) -> list[tuple[str, str]]:
    return [(code, item["label"]) for code, item in codes(list_name).items()]


def _dataset_form_context(values: dict[str, Any], errors: dict[str, list[str]],
                          dataset: Dataset | None) -> dict[str, Any]:
    entities = publishable_entities(current_user, dataset.entity if dataset else None)
    options = {
        "entity": [(entity.name, entity.title) for entity in entities],
        "themes": [(theme.name, theme.title) for theme in services.list_themes()],
        "license_id": licence_options(),
        "access_rights": [(code, str(text)) for code, text in ACCESS_RIGHTS_LABELS.items()],
        "frequency": _code_options("frequencies"),
        "spatial": _code_options("spatial"),
        "language": _code_options("languages"),
    }
    values = {**values, **translations.form_values(values, translations.DATASET_TRANSLATED)}
    return {"values": values, "errors": errors, "dataset": dataset, "options": options,
            "translation_languages": translations.form_languages()}


def _render_dataset_form(values, errors=None, dataset=None, status=200):
    context = _dataset_form_context(values, errors or {}, dataset)
    if not context["options"]["entity"]:
        return render_template("catalog/no_entity.html"), 403
    return render_template("catalog/dataset_form.html", **context), status


@bp.route("/dataset/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "POST":
        values = dataset_form_input(request.form)
        try:
            dataset = services.create_dataset(values, current_user)
        except ValidationError as exc:
            return _render_dataset_form(values, exc.fields, status=400)
        flash(_("Conjunto de datos «%(title)s» creado. Añada ahora sus recursos.",
                title=dataset.title), "success")
        return redirect(url_for("dataset.resource_new", name=dataset.name))
    values = {"entity": request.args.get("entity") or default_entity(current_user),
              "language": ["es"], "state": "active",
              "access_rights": "public", "license_id": "CC-BY-4.0"}
    return _render_dataset_form(values)


def _editable_dataset(name: str) -> Dataset:
    dataset = readable_dataset(name)
    permissions.require(permissions.can_publish_in(current_user, dataset.entity_id))
    return dataset


@bp.route("/dataset/edit/<name>", methods=["GET", "POST"])
@login_required
def edit(name: str):
    dataset = _editable_dataset(name)
    if request.method == "POST":
        values = dataset_form_input(request.form)
        try:
            services.update_dataset(dataset, values, current_user, partial=True)
        except ValidationError as exc:
            return _render_dataset_form(values, exc.fields, dataset, status=400)
        flash(_("Cambios guardados."), "success")
        return redirect(url_for("dataset.read", name=dataset.name))
    values = services.dataset_input(dataset)
    values["keywords"] = ", ".join(values["keywords"])
    return _render_dataset_form(values, dataset=dataset)


@bp.route("/dataset/delete/<name>", methods=["GET", "POST"])
@login_required
def delete(name: str):
    dataset = _editable_dataset(name)
    if request.method == "POST":
        entity_name = dataset.entity.name
        services.delete_dataset(dataset, current_user)
        flash(_("Conjunto de datos «%(title)s» eliminado: está en la papelera de la entidad, de "
                "donde un administrador puede restaurarlo.", title=dataset.title), "success")
        return redirect(url_for("organization.read", name=entity_name))
    return render_template("catalog/confirm_delete.html", dataset=dataset, resource=None)


# --- resources -------------------------------------------------------------------------------


def _schema_input(text: str) -> Any:
    """The schema box holds a URL, a registered schema's name, or a Table Schema in JSON."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("{"):
        try:
            return bounded_json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError({"schema": [
                _("JSON no válido (línea %(line)s): %(msg)s.", line=exc.lineno, msg=exc.msg)
            ]}) from None
    return text


def resource_form_input(form: MultiDict) -> dict[str, Any]:
    """The resource form's fields; the schema box wins over the registry's chooser (which,
    with JavaScript, fills the box; without, is read when the box is empty)."""
    data: dict[str, Any] = {name: form.get(name, "") for name in RESOURCE_TEXT_FIELDS}
    data["schema"] = _schema_input(form.get("schema", "").strip()
                                   or form.get("schema_choice", ""))
    data.update(translations.form_input(form, translations.RESOURCE_TRANSLATED))
    return data


def _uploaded_file():
    upload = request.files.get("upload")
    if upload is None or not upload.filename:
        return None, ""
    return upload.stream, upload.filename


def _resource_form(dataset, resource, values, errors=None, status=200):
    from portal.validation.schema_views import choices

    schema_choices = choices()
    chosen = str(values.get("schema") or "").strip()
    if any(chosen == value for _group, options in schema_choices for value, _text in options):
        values = {**values, "schema_choice": chosen}
    return render_template(
        "catalog/resource_form.html", dataset=dataset, resource=resource, values=values,
        errors=errors or {}, schema_choices=schema_choices,
        licence_options=licence_options(), max_upload_mb=_max_upload_mb(),
        publish_with_errors=current_app.config["PORTAL_PUBLISH_WITH_ERRORS"],
        translation_languages=translations.form_languages(),
    ), status


def _max_upload_mb() -> int:
    return current_app.config["PORTAL_MAX_UPLOAD_MB"]


def _resource_values(resource) -> dict[str, Any]:
    values = {name: getattr(resource, name) or "" for name in RESOURCE_TEXT_FIELDS}
    if resource.is_upload:
        values["url"] = ""
    schema = resource.schema
    values["schema"] = json.dumps(schema, ensure_ascii=False, indent=2) \
        if isinstance(schema, dict) else (schema or "")
    columns = translations.RESOURCE_TRANSLATED
    values.update(translations.form_values(
        {column: getattr(resource, column) for column in columns.values()}, columns))
    return values


@bp.route("/dataset/<name>/resource/new", methods=["GET", "POST"])
@login_required
def resource_new(name: str):
    dataset = _editable_dataset(name)
    if request.method == "POST":
        values = request.form.to_dict()
        upload, filename = _uploaded_file()
        try:
            resource = services.create_resource(dataset, resource_form_input(request.form),
                                                current_user, upload=upload, filename=filename)
        except ValidationError as exc:
            return _resource_form(dataset, None, values, exc.fields, status=400)
        flash(_("Recurso «%(name)s» añadido.", name=resource.name), "success")
        if request.form.get("again") == "1":
            return redirect(url_for("dataset.resource_new", name=dataset.name))
        return redirect(url_for("dataset.read", name=dataset.name))
    return _resource_form(dataset, None, {})


@bp.route("/dataset/<name>/resource/<resource_id>/edit", methods=["GET", "POST"])
@login_required
def resource_edit(name: str, resource_id: str):
    dataset = _editable_dataset(name)
    resource = dataset_resource(dataset, resource_id)
    if request.method == "POST":
        values = request.form.to_dict()
        upload, filename = _uploaded_file()
        try:
            # partial: what the form does not show (a declared size, hash...) is kept
            services.update_resource(resource, resource_form_input(request.form), current_user,
                                     partial=True, upload=upload, filename=filename)
        except ValidationError as exc:
            return _resource_form(dataset, resource, values, exc.fields, status=400)
        flash(_("Cambios guardados."), "success")
        return redirect(url_for("dataset.resource_read", name=dataset.name,
                                resource_id=resource.id))
    return _resource_form(dataset, resource, _resource_values(resource))


@bp.route("/dataset/<name>/resource/<resource_id>/delete", methods=["GET", "POST"])
@login_required
def resource_delete(name: str, resource_id: str):
    dataset = _editable_dataset(name)
    resource = dataset_resource(dataset, resource_id)
    if request.method == "POST":
        resource_name = resource.name
        services.delete_resource(resource, current_user)
        flash(_("Recurso «%(name)s» eliminado.", name=resource_name), "success")
        return redirect(url_for("dataset.read", name=dataset.name))
    return render_template("catalog/confirm_delete.html", dataset=dataset, resource=resource)



# The trash's pages are routes of this blueprint too (restore and purge sit beside delete).
from portal.catalog import trash_views  # noqa: E402, F401
