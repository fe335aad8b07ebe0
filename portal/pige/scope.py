"""Which entities the decree obliges to have a PIGE, and which may adopt it voluntarily.

DS 5468, Disposición Adicional Única, rewrites Article 2 (Alcance) of DS 3251:

* I. "El Plan de Implementación de Gobierno Electrónico es aplicable al Órgano Ejecutivo, a
  través de los Ministerios, entidades e instituciones bajo dependencia y tuición; y empresas
  públicas." These entities are **obliged**: once the 90-calendar-day window of 6.1 num. 3 has
  closed, one without a registered plan is overdue.
* II. "Los Órganos Legislativo, Judicial, Electoral y otras entidades públicas del nivel central
  del Estado ... podrán implementar" the plan, and
* III. "Las entidades territoriales autónomas y universidades públicas podrán implementar" it.
  These are **voluntary**: shown as such, never as failing.

An entity's paragraph is recorded by AGETIC or a sysadmin (``set_scope``: the page
``/pige/alcance/<entity>`` or ``portal pige scope``); each change is in the audit log
(``pige.scope``: who, when, from where, the paragraph before and after, the note), since it
changes who is flagged overdue.
Without a record it follows from the entity's kind where the kind settles it (a ministry or a
public company: I; a territorial government or a university: III); any other entity is
**unclassified**, and the dashboard never counts it as overdue.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal import db
from portal.activity import services as activity
from portal.audit import services as audit
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.catalog.models import Entity
from portal.pige import N_
from portal.pige import services as pige
from portal.pige.models import EntityScope
from portal.pige.refusals import refuse, translate

OBLIGED = "obliged"
VOLUNTARY = "voluntary"
UNCLASSIFIED = "unclassified"

PARAGRAPHS = {
    "I": (OBLIGED, N_("Órgano Ejecutivo (ministerios, entidades bajo dependencia o tuición) o "
                      "empresa pública: obligada")),
    "II": (VOLUNTARY, N_("Órganos Legislativo, Judicial, Electoral u otra entidad del nivel "
                         "central: adopción voluntaria")),
    "III": (VOLUNTARY, N_("Entidad territorial autónoma o universidad pública: adopción "
                          "voluntaria")),
}
#: Entity kinds (``standards/codelists/entity-kinds.json``) that settle the paragraph alone.
PARAGRAPH_OF_KIND = {
    "ministerio": "I", "empresa-publica": "I",
    "gobierno-departamental": "III", "gobierno-municipal": "III", "gobierno-ioc": "III",
    "universidad": "III",
}
NOTE_MAX = 2000
LABELS = {
    OBLIGED: N_("Obligada"),
    VOLUNTARY: N_("Adopción voluntaria"),
    UNCLASSIFIED: N_("Por clasificar"),
}


@dataclass(frozen=True)
class Scope:
    paragraph: str | None
    source: str | None  # "recorded", "kind" or None

    @property
    def kind(self) -> str:
        return PARAGRAPHS[self.paragraph][0] if self.paragraph else UNCLASSIFIED

    @property
    def obliged(self) -> bool:
        return self.kind == OBLIGED

    @property
    def label(self) -> str:
        return translate(LABELS[self.kind], {})

    @property
    def description(self) -> str:
        return translate(PARAGRAPHS[self.paragraph][1], {}) if self.paragraph else ""


def legal_basis(paragraph: str):
    """The decree's wording of a paragraph (``standards/pige/national_plan.json``, ``scope``)."""
    suffix = f"Parágrafo {paragraph})"
    return next(b for b in pige.frame().plan.scope if b.reference.endswith(suffix))


def recorded() -> dict[str, str]:
    """``{entity id: paragraph}`` of every recorded classification."""
    return dict(db.session.execute(select(EntityScope.entity_id, EntityScope.paragraph)).all())


def scope_of(entity: Entity, records: dict[str, str] | None = None) -> Scope:
    records = recorded() if records is None else records
    if entity.id in records:
        return Scope(records[entity.id], "recorded")
    paragraph = PARAGRAPH_OF_KIND.get(entity.kind)
    if paragraph is None and entity.level == "territorial":
        paragraph = "III"
    return Scope(paragraph, "kind" if paragraph else None)


AUDIT_ACTION = "pige.scope"


def audit_target(entity: Entity) -> str:
    return f"organization:{entity.name}"


def record_of(entity: Entity) -> EntityScope | None:
    """The recorded classification (paragraph, note, who and when), if any."""
    return db.session.get(EntityScope, entity.id)


def history(entity: Entity, actor) -> list:
    """The audit log's changes of the entity's paragraph, newest first (AGETIC and sysadmins)."""
    permissions.require(pige.is_monitor(actor))
    return list(audit.about(AUDIT_ACTION, audit_target(entity)))


def set_scope(entity_ref: str, paragraph: str, actor, note: str = "") -> EntityScope:
    """Record the paragraph of the Disposición Adicional Única that applies to an entity
    (AGETIC's reviewers and sysadmins). Refused: a paragraph other than I, II or III. The
    record, its activity and its audit event are one transaction."""
    entity = catalog.get_entity(entity_ref)
    permissions.require(pige.is_monitor(actor), translate(
        N_("Solo la AGETIC o un administrador del portal clasifican a las entidades."), {}))
    paragraph = str(paragraph or "").strip().upper()
    if paragraph not in PARAGRAPHS:
        raise refuse("paragraph", "unknown_scope",
                     N_("«%(value)s» no es un parágrafo del Artículo 2 del DS 3251 modificado "
                        "por el DS 5468: use I, II o III."), value=paragraph)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise refuse("note", "too_long", N_("La nota admite hasta %(max)s caracteres."),
                     max=NOTE_MAX)
    before = scope_of(entity)
    with db.unit_of_work():
        row = db.session.get(EntityScope, entity.id)
        if row is None:
            row = EntityScope(entity_id=entity.id)
            db.session.add(row)
        row.paragraph, row.note = paragraph, note
        row.user_name = getattr(actor, "name", "") or ""
        row.modified = db.utcnow()
        activity.record("changed pige scope", "entity", entity.id, actor, entity_id=entity.id,
                        data={"entity": entity.name, "paragraph": paragraph})
        was = f"{before.paragraph or '-'} ({before.source or 'unclassified'})"
        audit.record(AUDIT_ACTION, actor=actor, target=audit_target(entity),
                     detail=f"paragraph: {was} -> {paragraph}; note: {note}")
    return row
