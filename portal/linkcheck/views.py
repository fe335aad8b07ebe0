"""Pages of the link checker: each entity's report of broken links
(``/organization/<name>/enlaces``), and the template functions the dataset and resource pages
use to flag broken links, overdue datasets and the five stars of openness.

Views call services; they never write."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth import permissions
from portal.catalog import error_pages
from portal.catalog import services as catalog
from portal.errors import NotFound
from portal.linkcheck import services
from portal.quality import freshness, openness

bp = Blueprint("linkcheck", __name__)
error_pages.register_portal_errors(bp)


def status_label(status: str | None) -> str:
    labels = {
        "ok": _("Enlace disponible"),
        "broken": _("Enlace roto"),
        "timeout": _("Sin respuesta a tiempo"),
        "forbidden-address": _("Apunta a una dirección interna"),
        "too-many-redirects": _("Demasiadas redirecciones"),
        "dns-error": _("El servidor no existe"),
        "tls-error": _("Certificado o conexión segura inválidos"),
        "connection-error": _("Conexión rechazada o cortada"),
        "invalid-url": _("URL inválida"),
    }
    return labels.get(status or "", status or "")


def frequency_label(code: str) -> str:
    from portal.catalog.codelists import label

    return label("frequencies", code) if code else ""


def link_checks(dataset) -> dict:
    """The current link checks of a dataset's resources, by resource id."""
    found = services.checks_for(resource.id for resource in dataset.resources)
    return {resource.id: check for resource in dataset.resources
            if (check := services.current(found.get(resource.id), resource)) is not None}


def _template_context() -> dict:
    return {
        "link_checks": link_checks,
        "link_status_label": status_label,
        "link_is_broken": services.is_broken,
        "openness_of": openness.rate_dataset,
        "freshness_of": freshness.of_dataset,
        "frequency_label": frequency_label,
    }


@bp.route("/organization/<name>/enlaces")
def report(name: str):
    """The entity's broken links, the longest-failing first, with the reason and the dates,
    and its overdue datasets, the latest first; members of the entity also see its private and
    draft datasets."""
    entity = catalog.get_entity(name)
    if entity.state != "active":
        raise NotFound(_("No existe la entidad «%(name)s».", name=name))
    include_private = permissions.is_sysadmin(current_user) \
        or permissions.role(current_user, entity.id) is not None
    broken = services.broken_in_entity(entity, include_private=include_private)
    counts = services.entity_counts().get(entity.id, {"links": 0, "checked": 0, "broken": 0})
    fresh = freshness.for_datasets(entity_id=entity.id, public_only=not include_private)
    overdue = sorted(((found, dataset_id) for dataset_id, (_entity, found) in fresh.items()
                      if found.overdue), key=lambda pair: -pair[0].days_overdue)
    labels = services.dataset_labels([dataset_id for _found, dataset_id in overdue])
    return render_template(
        "linkcheck/report.html", entity=entity, broken=broken, counts=counts,
        include_private=include_private,
        overdue=[(found, *labels[dataset_id]) for found, dataset_id in overdue],
        assessed=sum(1 for _entity, found in fresh.values() if found.status != "not-assessed"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(_template_context)
