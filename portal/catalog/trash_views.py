"""Pages of the trash: ``/ckan-admin/trash`` (sysadmins, every entity) and
``/organization/<name>/trash`` (an entity's admins), restoring a dataset (its entity's admins)
and purging it (sysadmins, after a confirmation page). The routes are added to the ``dataset``
blueprint, as the publisher's forms are; writes go through ``trash`` and ``services``."""

from __future__ import annotations

from types import SimpleNamespace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.auth import permissions
from portal.catalog import services, trash
from portal.catalog.dataset_views import bp
from portal.errors import NotFound


def _page() -> int:
    try:
        return max(int(request.args.get("page", "1")), 1)
    except ValueError:
        return 1


def _render(entity=None):
    page = _page()
    datasets, total = trash.deleted_datasets(entity, page=page)
    results = SimpleNamespace(page=page, pages=max(-(-total // trash.PAGE_SIZE), 1))
    return render_template("catalog/trash.html", entity=entity, datasets=datasets, total=total,
                           results=results, can_purge=permissions.is_sysadmin(current_user))


def _deleted(name: str):
    dataset = services.get_dataset(name)
    if dataset.state != "deleted":
        raise NotFound(_("El conjunto de datos «%(name)s» no está en la papelera.", name=name))
    return dataset


@bp.route("/ckan-admin/trash")
@login_required
def trash_all():
    permissions.require(permissions.is_sysadmin(current_user))
    return _render()


@bp.route("/organization/<name>/trash")
@login_required
def trash_entity(name: str):
    entity = services.get_entity(name)
    permissions.require(permissions.can_admin_entity(current_user, entity.id))
    return _render(entity)


@bp.route("/dataset/<name>/restore", methods=["POST"])
@login_required
def restore(name: str):
    dataset = _deleted(name)
    trash.restore_dataset(dataset, current_user)
    flash(_("Conjunto de datos «%(title)s» restaurado.", title=dataset.title), "success")
    return redirect(url_for("dataset.read", name=dataset.name))


@bp.route("/dataset/<name>/purge", methods=["GET", "POST"])
@login_required
def purge(name: str):
    permissions.require(permissions.is_sysadmin(current_user))
    dataset = _deleted(name)
    if request.method == "POST":
        title = dataset.title
        services.purge_dataset(dataset, current_user)
        flash(_("Conjunto de datos «%(title)s» purgado definitivamente.", title=title),
              "success")
        return redirect(url_for("dataset.trash_all"))
    return render_template("catalog/confirm_purge.html", dataset=dataset)
