"""The series page (``/serie/<name>``: the members in order and one chart across them) and a
dataset version's page (``/dataset/<name>/version/<version>``) with its files and row diff."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import charts
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.errors import NotAuthorized, NotFound, ValidationError
from portal.series import chart, services, versions
from portal.storage import storage

bp = Blueprint("series", __name__)


def member_label(dataset) -> str:
    if dataset.temporal_start:
        if dataset.temporal_end and dataset.temporal_end.year != dataset.temporal_start.year:
            return f"{dataset.temporal_start.year}–{dataset.temporal_end.year}"
        return str(dataset.temporal_start.year)
    return dataset.title


@bp.route("/serie/<name>")
def series_read(name: str):
    try:
        series = services.read_series(name, current_user)
    except (NotFound, NotAuthorized):
        abort(404)
    members = services.members(series, current_user)
    table = chart.series_table(members)
    figure = None
    if table is not None:
        column = table.columns[0]
        figure = charts.spec(
            "line", _("Total de %(column)s por conjunto de la serie", column=column),
            _("Conjunto"), [member_label(member) for member, _values in table.rows],
            [charts.series(column, [values[0] for _member, values in table.rows])],
            note=_("El total de la columna %(column)s en cada conjunto de datos, en el orden "
                   "de la serie.", column=column))
    return render_template("series/read.html", series=series, members=members,
                           table=table, figure=figure, member_label=member_label)


def _readable(name: str):
    try:
        return catalog.read_dataset(name, current_user)
    except (NotFound, NotAuthorized):
        abort(404)


@bp.route("/dataset/<name>/version/<version>")
def version_read(name: str, version: str):
    dataset = _readable(name)
    try:
        found = versions.get_version(dataset, version)
    except NotFound:
        abort(404)
    diff = None
    compare, resource_id = request.args.get("comparar", ""), request.args.get("recurso", "")
    error = ""
    if compare and resource_id:
        try:
            diff = versions.diff_versions(dataset, resource_id, compare, found.version,
                                          key=request.args.get("clave", ""))
        except (NotFound, ValidationError) as exc:
            error = exc.message if isinstance(exc, NotFound) else " ".join(
                message for messages in exc.fields.values() for message in messages)
    return render_template("series/version.html", dataset=dataset, version=found,
                           metadata=found.snapshot, others=versions.versions_of(dataset),
                           diff=diff, diff_error=error, compare=compare,
                           resource_id=resource_id)


@bp.route("/dataset/<name>/version/<version>/resource/<resource_id>/download")
def version_download(name: str, version: str, resource_id: str):
    dataset = _readable(name)
    try:
        item = versions.version_resource(versions.get_version(dataset, version), resource_id)
    except NotFound:
        abort(404)
    if not item.get("storage_key"):
        abort(404)
    return storage().send(item["storage_key"], filename=item.get("url") or "datos",
                          media_type=item.get("media_type") or "application/octet-stream")


@bp.route("/dataset/<name>/versiones", methods=["GET", "POST"])
def version_list(name: str):
    """A dataset's versions, and for its editors the form that makes one."""
    dataset = _readable(name)
    editable = permissions.can_publish_in(current_user, dataset.entity_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not editable:
            abort(403)
        try:
            made = versions.create_version(dataset, request.form.get("version", ""),
                                           request.form.get("notes", ""), current_user)
        except ValidationError as exc:
            errors = exc.fields
        else:
            flash(_("Versión %(version)s guardada.", version=made.version), "success")
            return redirect(url_for("series.version_read", name=dataset.name,
                                    version=made.version))
    return render_template("series/versions.html", dataset=dataset,
                           versions=versions.versions_of(dataset), editable=editable,
                           errors=errors, form=request.form), 409 if errors else 200
