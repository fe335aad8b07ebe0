"""Documents of a plan, and the entity's designated responsible who signs for it.

Two PDFs are kept with each version (``PlanDocument``):

* ``impresion_ciudadania_digital``: the print format the SRSP generates when the responsible
  applies the Ciudadanía Digital approval (6.1 num. 6), once the version has its code;
* ``resolucion``: the MAE's express resolution approving the plan (num. 7), registered by the
  responsible (num. 8), once the version is approved.

Both are published with the plan (num. 10: "El PIGE y su resolución de aprobación serán
publicados") when its content is public, and never when the resolution declares it
confidential; until then, and for a confidential plan, only the entity's members, AGETIC's
reviewers and sysadmins read them (``services.can_see_content``).

The *responsable de implementación de Gobierno Electrónico* (``ResponsibleOfficer``) is
designated by an admin of the entity (or a sysadmin) among its admins and editors; only that
person makes the Ciudadanía Digital approval (``services.RESPONSIBLE_ACTIONS``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

from sqlalchemy import select

from portal import db
from portal.activity import services as activity
from portal.auth import permissions
from portal.auth.models import User
from portal.catalog import services as catalog
from portal.pige import N_
from portal.pige import services as pige
from portal.pige.models import PlanDocument, PlanVersion, ResponsibleOfficer
from portal.pige.refusals import refuse, translate
from portal.storage import storage

#: Kind: (label, the state from which the version may hold it).
KINDS: dict[str, tuple[str, str]] = {
    "impresion_ciudadania_digital": (
        N_("Formato de impresión de la aprobación con Ciudadanía Digital"), "codigo_asignado"),
    "resolucion": (N_("Resolución de aprobación de la MAE"), "aprobado"),
}
PDF_MAGIC = b"%PDF-"


def label(kind: str) -> str:
    return translate(KINDS[kind][0], {})


def _reached(version: PlanVersion, state: str) -> bool:
    return state in {s.state for s in version.steps}


def upload(version: PlanVersion, kind: str, stream: BinaryIO | None, filename: str, actor, *,
           on: dt.date | None = None) -> PlanDocument:
    """Keep a PDF with ``version`` (replacing an earlier one of the same kind).

    Refused: an unknown kind (``unknown_document_kind``), no file (``missing_file``), a file
    that is not a PDF (``not_pdf``), a version that has not reached the step that produces the
    document (``document_too_early``). The file is stored first; if the database write fails it
    is removed, so nothing is left half-written.
    """
    permissions.require(pige.is_officer(actor, version.plan.entity_id),
                        translate(N_("Solo el responsable del plan de la entidad sube sus "
                                     "documentos."), {}))
    if kind not in KINDS:
        raise refuse("kind", "unknown_document_kind",
                     N_("«%(kind)s» no es un documento del plan: use %(kinds)s."),
                     kind=kind, kinds=", ".join(KINDS))
    if stream is None or not filename:
        raise refuse("file", "missing_file", N_("Elija el archivo PDF de «%(document)s»."),
                     document=label(kind))
    head = stream.read(len(PDF_MAGIC))
    if head != PDF_MAGIC or not filename.lower().endswith(".pdf"):
        raise refuse("file", "not_pdf",
                     N_("«%(name)s» no es un PDF: suba el documento en formato PDF."),
                     name=filename)
    state = KINDS[kind][1]
    if not _reached(version, state):
        raise refuse("kind", "document_too_early",
                     N_("La versión %(number)s aún no llegó al paso «%(state)s»: «%(document)s» "
                        "se sube desde ese paso."), number=version.number,
                     state=translate(pige.frame().procedure.state(state).label, {}),
                     document=label(kind))
    stream.seek(0)
    stored = storage().save(stream, filename, f"pige/{version.id}/{kind}-{db.new_id()}")
    previous = version.document(kind)
    old_key = previous.storage_key if previous else None
    try:
        with db.unit_of_work():
            document = previous or PlanDocument(kind=kind)
            document.filename, document.storage_key = stored.filename, stored.key
            document.size, document.sha256 = stored.size, stored.sha256
            document.uploaded_on = on or pige.today()
            document.user_name = getattr(actor, "name", "") or ""
            if previous is None:
                version.documents.append(document)
            pige.record_activity("pige plan document", version, actor, kind=kind,
                                 sha256=stored.sha256)
            pige.after_change(version)
    except Exception:
        storage().delete(stored.key)
        raise
    if old_key and old_key != stored.key:
        storage().delete(old_key)
    return document


def can_read(actor, version: PlanVersion) -> bool:
    """Published with the plan; before that, and for a confidential plan, insiders only."""
    return pige.can_see_content(actor, version)


def records(version: PlanVersion) -> list[dict[str, Any]]:
    return [{"kind": d.kind, "label": label(d.kind), "filename": d.filename, "size": d.size,
             "sha256": d.sha256, "uploaded_on": d.uploaded_on.isoformat()}
            for d in version.documents]


def send(document: PlanDocument):
    return storage().send(document.storage_key, filename=document.filename,
                          media_type="application/pdf")


# --- the designated responsible ---------------------------------------------------------------


def designate(entity_ref: str, username: str, actor, *, designation: str = "",
              on: dt.date | None = None) -> ResponsibleOfficer:
    """Record the entity's *responsable de implementación de Gobierno Electrónico*.

    Only an admin of the entity or a sysadmin designates; the person must be an admin or editor
    of the entity (``not_an_officer`` otherwise; ``unknown_user`` for a name nobody has).
    """
    entity = catalog.get_entity(entity_ref)
    permissions.require(
        permissions.is_sysadmin(actor) or permissions.role(actor, entity.id) == "admin",
        translate(N_("Solo un administrador de la entidad designa a su responsable de "
                     "implementación de Gobierno Electrónico."), {}))
    user = db.session.scalar(select(User).where(User.name == (username or "").strip()))
    if user is None:
        raise refuse("username", "unknown_user", N_("No hay un usuario «%(name)s»."),
                     name=username)
    if permissions.role(user, entity.id) not in pige.OFFICER_ROLES:
        raise refuse("username", "not_an_officer",
                     N_("%(name)s no es administrador ni editor de %(entity)s: el responsable "
                        "debe ser miembro de la entidad con ese rol."),
                     name=user.name, entity=entity.title)
    designation = (designation or "").strip()
    if len(designation) > 300:
        raise refuse("designation", "too_long",
                     N_("La referencia de la designación supera los 300 caracteres."))
    with db.unit_of_work():
        row = db.session.get(ResponsibleOfficer, entity.id)
        if row is None:
            row = ResponsibleOfficer(entity_id=entity.id)
            db.session.add(row)
        row.user_id, row.designation = user.id, designation
        row.designated_on = on or pige.today()
        row.recorded_by = getattr(actor, "name", "") or ""
        row.modified = db.utcnow()
        activity.record("changed pige responsible", "entity", entity.id, actor,
                        entity_id=entity.id, data={"entity": entity.name, "user": user.name})
    db.session.refresh(row)
    return row
