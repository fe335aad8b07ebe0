"""The schema registry's pages: ``/schemas`` lists the site's Table Schemas (files of
``schemas/``) and those entities registered; ``/schemas/<name>`` and
``/schemas/<entity>/<name>`` show one with its fields and versions (``?format=json``: the
descriptor, which the resource form's chooser previews); ``/schemas/new`` registers one."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.catalog import error_pages
from portal.catalog import services as catalog
from portal.catalog.publish_views import default_entity, publishable_entities
from portal.errors import NotFound, ValidationError
from portal.validation import entity_schemas
from portal.validation.schemas_registry import (
    NAME_RE,
    SchemaReferenceError,
    list_schemas,
    load_schema,
)

bp = Blueprint("schemas", __name__)
error_pages.register_portal_errors(bp)


def site_schemas() -> list[dict]:
    """The site's schemas with their descriptors (a few small files)."""
    found = []
    for item in list_schemas():
        descriptor = load_schema(item["name"])
        found.append({**item, "reference": item["name"], "fields": len(descriptor.get(
            "fields") or [])})
    return found


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The schemas a resource may name, in two groups, for the resource form's chooser."""
    return [
        (_("Esquemas del portal"), [(item["reference"], f"{item['title']} ({item['reference']})")
                                    for item in site_schemas()]),
        (_("Esquemas de las entidades"), [
            (entity_schemas.reference_of(row), f"{row.title} ({entity_schemas.reference_of(row)})")
            for row in entity_schemas.latest_versions()]),
    ]


@bp.route("/schemas")
def index():
    return render_template("validation/schema_list.html", site=site_schemas(),
                           registered=entity_schemas.latest_versions(),
                           can_register=current_user.is_authenticated
                           and bool(publishable_entities(current_user)))


@bp.route("/schemas/<path:reference>")
def detail(reference: str):
    row, descriptor, history = None, None, []
    parsed = entity_schemas.parse_reference(reference)
    if parsed is not None:
        entity_name, name, pinned = parsed
        version = request.args.get("version", type=int) or pinned
        row = entity_schemas.find(entity_name, name, version)
        if row is None:
            raise NotFound(_("No existe el esquema «%(ref)s».", ref=reference))
        descriptor, history = row.descriptor, entity_schemas.versions(entity_name, name)
    elif NAME_RE.match(reference):
        try:
            descriptor = load_schema(reference)
        except SchemaReferenceError:
            raise NotFound(_("No existe el esquema «%(ref)s».", ref=reference)) from None
    else:
        abort(404)
    if request.args.get("format") == "json":
        return Response(json.dumps(descriptor, ensure_ascii=False, indent=2),
                        mimetype="application/json")
    return render_template("validation/schema_detail.html", reference=reference, row=row,
                           descriptor=descriptor, fields=entity_schemas.fields_of(descriptor),
                           history=history)


@bp.route("/schemas/new", methods=["GET", "POST"])
@login_required
def new():
    entities = publishable_entities(current_user)
    if not entities:
        return render_template("catalog/no_entity.html"), 403
    values = {"entity": request.args.get("entity") or default_entity(current_user)}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in
                  ("entity", "name", "title", "description", "descriptor")}
        upload = request.files.get("upload")
        try:
            text = upload.read(entity_schemas.schemas_registry.MAX_SCHEMA_BYTES + 1) \
                if upload is not None and upload.filename else values["descriptor"]
            descriptor = entity_schemas.read_descriptor(text)
            if not values["entity"]:
                raise ValidationError({"entity": [_("Elija la entidad.")]})
            entity = catalog.get_entity(values["entity"])
            row = entity_schemas.register(entity, values["name"], descriptor, current_user,
                                          title=values["title"],
                                          description=values["description"])
        except ValidationError as exc:
            errors = exc.fields
        except NotFound as exc:
            errors = {"entity": [exc.message]}
        else:
            return redirect(url_for("schemas.detail",
                                    reference=entity_schemas.reference_of(row)))
    return render_template("validation/schema_form.html", values=values, errors=errors,
                           entity_options=[(e.name, e.title) for e in entities]), \
        400 if errors else 200
