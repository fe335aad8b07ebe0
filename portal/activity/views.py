"""The public history a monitor can cite: ``/dataset/<name>/historial`` and
``/organization/<name>/historial`` (paged, newest first, each change with its old and new values),
a permanent link per change (``.../historial/<activity_id>``) and an Atom feed of each
(``.../historial.atom``). What a viewer sees follows ``services``' rules (docs/activity.md): a
dataset that left publication keeps only its public "withdrawn" events."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, get_template_attribute, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from portal import db
from portal.activity import changes, services
from portal.activity.models import Activity
from portal.auth import permissions
from portal.catalog import error_pages
from portal.catalog import services as catalog
from portal.catalog.models import Dataset, Entity
from portal.errors import NotFound
from portal.feeds import atom
from portal.feeds.documents import base_url

bp = Blueprint("history", __name__)
error_pages.register_portal_errors(bp)

PER_PAGE = 20
FEED_SIZE = 50


@dataclass
class Subject:
    """Whose history a page shows: a dataset (``ref`` its name, or its id when withdrawn from
    the viewer) or an entity, and whether the viewer sees its private activity."""

    kind: str  # "dataset" or "organization"
    ref: str
    title: str
    include_private: bool
    dataset: Dataset | None = None
    entity: Entity | None = None
    withdrawal: Activity | None = None
    page_url: str | None = None  # the dataset's or entity's own page, when the viewer may see it

    def url(self, endpoint: str, **values) -> str:
        return url_for(f"history.{self.kind}_{endpoint}", name=self.ref, **values)


def _member(entity_id: str | None) -> bool:
    return permissions.is_sysadmin(current_user) or (
        entity_id is not None and permissions.role(current_user, entity_id) is not None)


def _dataset_subject(name: str) -> Subject:
    dataset = catalog.get_dataset(name)
    if permissions.can_read_dataset(current_user, dataset):
        return Subject("dataset", dataset.name, dataset.title, _member(dataset.entity_id),
                       dataset=dataset, entity=dataset.entity,
                       withdrawal=None if dataset.is_public
                       else services.latest_withdrawal(dataset.id),
                       page_url=url_for("dataset.read", name=dataset.name))
    # Not readable (private, draft, deleted): only a dataset that was public has a history
    # for this viewer, its withdrawal, under the address they asked for and nothing else.
    withdrawal = services.latest_withdrawal(dataset.id)
    if withdrawal is None:
        raise NotFound(_("No existe el conjunto de datos «%(name)s».", name=name))
    return Subject("dataset", name, name, False, dataset=dataset, withdrawal=withdrawal)


def _entity_subject(name: str) -> Subject:
    entity = catalog.get_entity(name)
    if entity.state != "active":
        raise NotFound(_("No existe la entidad «%(name)s».", name=name))
    return Subject("organization", entity.name, entity.title, _member(entity.id), entity=entity,
                   page_url=url_for("organization.read", name=entity.name))


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def _listing(subject: Subject, page: int, per_page: int) -> tuple[list[Activity], bool]:
    if subject.kind == "dataset":
        return services.page_for_object("package", subject.dataset.id,
                                        include_private=subject.include_private, page=page,
                                        per_page=per_page)
    return services.page_for_entity(subject.entity.id, include_private=subject.include_private,
                                    page=page, per_page=per_page)


def _dataset_refs(activities: list[Activity], subject: Subject) -> dict[str, str]:
    """How to address each dataset in ``activities``: its name when the viewer may read it, its
    id otherwise (a withdrawn dataset's current name may be private)."""
    ids = {a.object_id for a in activities if a.object_type == "package"}
    if not ids or subject.dataset is not None:
        return {}
    found = db.session.scalars(select(Dataset).where(Dataset.id.in_(ids)))
    return {d.id: d.name if permissions.can_read_dataset(current_user, d) else d.id
            for d in found}


def _permalink(item: Activity, subject: Subject, refs: dict[str, str], **values) -> str:
    if subject.dataset is not None:  # the address the viewer used
        return url_for("history.dataset_change", name=subject.ref, activity_id=item.id,
                       **values)
    if item.object_type == "package":
        return url_for("history.dataset_change", name=refs.get(item.object_id, item.object_id),
                       activity_id=item.id, **values)
    entity = subject.entity.name if subject.entity else item.entity_id or item.object_id
    return url_for("history.organization_change", name=entity, activity_id=item.id, **values)


def _resource_names(subject: Subject) -> dict[str, str]:
    if subject.dataset is None or not permissions.can_read_dataset(current_user,
                                                                  subject.dataset):
        return {}
    return {r.id: r.name for r in subject.dataset.resources}


def _entries(activities: list[Activity], subject: Subject) -> list[dict]:
    refs = _dataset_refs(activities, subject)
    names = _resource_names(subject)
    return [{"item": item, "url": _permalink(item, subject, refs),
             "changes": changes.of(item, names.get(item.data.get("resource_id") or "", ""))}
            for item in activities]


def _history(subject: Subject) -> str:
    page = _page_number()
    activities, more = _listing(subject, page, PER_PAGE)
    return render_template("activity/history.html", subject=subject, page=page, more=more,
                           entries=_entries(activities, subject))


def _change(subject: Subject, activity_id: str):
    item = services.get_visible(activity_id, include_private=subject.include_private)
    belongs = item is not None and (
        item.object_id == subject.dataset.id if subject.kind == "dataset"
        else subject.entity.id in (item.entity_id, item.object_id))
    if not belongs:
        stored = db.session.get(Activity, activity_id)
        gone = subject.withdrawal is not None and stored is not None \
            and stored.object_id == subject.dataset.id
        if not gone:
            raise NotFound(_("No existe ese cambio en el historial de «%(name)s».",
                             name=subject.ref))
        # Cited before the dataset left publication: say so, without its content.
        return render_template("activity/change.html", subject=subject, entry=None), 410
    return render_template("activity/change.html", subject=subject,
                           entry=_entries([item], subject)[0])


def _entry_title(item: Activity) -> str:
    label = get_template_attribute("macros/ui.html", "activity_label")(item)
    who = _("Sistema") if item.user_name in ("", "system") else item.user_name
    title = f"{who} {Markup(label).striptags()}"
    if item.object_type == "package" and item.data.get("title"):
        title += f" «{item.data['title']}»"
    return title


def _feed(subject: Subject) -> Response:
    activities, _more = _listing(subject, 1, FEED_SIZE)
    base = base_url()
    entries = [{
        "id": base + entry["url"],
        "title": _entry_title(entry["item"]),
        "updated": entry["item"].timestamp,
        "author": entry["item"].user_name or _("Sistema"),
        "summary": changes.summary(entry["changes"]),
    } for entry in _entries(activities, subject)]
    body = atom.history_feed(
        entries, title=_("Historial de «%(title)s»", title=subject.title),
        self_url=base + subject.url("feed"), alternate_url=base + subject.url("history"),
        updated=activities[0].timestamp if activities else None)
    return Response(body, mimetype="application/atom+xml")


def _routes(kind: str, subject_of) -> None:
    """``/<kind>/<name>/historial``, its Atom feed and one change's permanent link."""
    bp.add_url_rule(f"/{kind}/<name>/historial", f"{kind}_history",
                    lambda name: _history(subject_of(name)))
    bp.add_url_rule(f"/{kind}/<name>/historial.atom", f"{kind}_feed",
                    lambda name: _feed(subject_of(name)))
    bp.add_url_rule(f"/{kind}/<name>/historial/<activity_id>", f"{kind}_change",
                    lambda name, activity_id: _change(subject_of(name), activity_id))


_routes("dataset", _dataset_subject)
_routes("organization", _entity_subject)
