"""An activity's stored before/after values as changes a reader can follow: each field with its
Spanish label and its old and new value, long texts as a word-level diff, lists as the items
added and removed, and a dataset's resources as added, removed or changed."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.activity.models import Activity
from portal.catalog.licenses import get_license

FIELD_LABELS = {
    "name": _l("Nombre en la dirección web"),
    "title": _l("Título"),
    "description": _l("Descripción"),
    "entity": _l("Entidad publicadora"),
    "license_id": _l("Licencia"),
    "keywords": _l("Palabras clave"),
    "themes": _l("Temas"),
    "contact_name": _l("Nombre de contacto"),
    "contact_email": _l("Correo de contacto"),
    "access_rights": _l("Derechos de acceso"),
    "temporal_start": _l("Inicio del periodo"),
    "temporal_end": _l("Fin del periodo"),
    "spatial": _l("Cobertura geográfica"),
    "frequency": _l("Frecuencia de actualización"),
    "language": _l("Idioma"),
    "landing_page": _l("Página de origen"),
    "version": _l("Versión"),
    "identifier": _l("Identificador"),
    "issued": _l("Fecha de publicación"),
    "modified": _l("Fecha de modificación de los datos"),
    "state": _l("Estado"),
    "private": _l("Privado"),
    "extras": _l("Campos adicionales"),
    "resources": _l("Recursos"),
    # resources
    "url": _l("Dirección web (URL)"),
    "format": _l("Formato"),
    "media_type": _l("Tipo de medio"),
    "rights": _l("Derechos"),
    "schema": _l("Esquema de los datos"),
    "sha256": _l("Contenido del archivo (SHA-256)"),
    "size": _l("Tamaño"),
    # entities and themes
    "kind": _l("Tipo de entidad"),
    "level": _l("Nivel"),
    "website": _l("Sitio web"),
    "email": _l("Correo de contacto"),
    "logo_url": _l("Logotipo (URL)"),
    "eu_theme": _l("Tema europeo (DCAT-AP)"),
    "image_url": _l("Imagen (URL)"),
    "role": _l("Rol"),
}
VALUE_LABELS = {
    "state": {"active": _l("Publicado"), "draft": _l("Borrador"), "deleted": _l("Eliminado")},
    "access_rights": {"public": _l("Público"), "restricted": _l("Restringido"),
                      "non-public": _l("No público")},
    "role": {"admin": _l("Administrador"), "editor": _l("Editor"), "member": _l("Miembro")},
}
#: A text with more words than this is shown as a word-level diff rather than old -> new.
LONG_TEXT_WORDS = 12
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]+")
#: Below this similarity a text counts as rewritten: shown whole, before and after.
REWRITTEN = 0.5


@dataclass
class FieldChange:
    """One field: ``old``/``new`` as display strings, or ``words`` (a long text: ``(op, text)``
    with op ``equal``, ``insert`` or ``delete``), or ``added``/``removed`` (a list)."""

    key: str
    label: str
    old: str = ""
    new: str = ""
    words: list[tuple[str, str]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class ResourceChange:
    """A resource added, removed or changed (with its changed fields)."""

    action: str  # "added", "removed", "changed"
    name: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Changes:
    fields: list[FieldChange] = field(default_factory=list)
    resources: list[ResourceChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.resources)


def label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def display(key: str, value: Any) -> str:
    """A stored value as text: labels for codes, Sí/No, lists joined, dicts as key: value."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return str(_l("Sí") if value else _l("No"))
    if isinstance(value, list):
        return ", ".join(display(key, item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {display(k, v)}" for k, v in sorted(value.items()))
    labels = VALUE_LABELS.get(key)
    if labels and value in labels:
        return str(labels[value])
    if key == "license_id" and get_license(str(value)) is not None:
        return get_license(str(value)).title
    return str(value)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``(op, text)`` runs turning ``old`` into ``new`` word by word (whitespace kept)."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    if matcher.ratio() < REWRITTEN:
        return [(op, text) for op, text in (("delete", old), ("insert", new)) if text]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", "".join(before[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("delete", "".join(before[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", "".join(after[j1:j2])))
    return runs


def field_change(key: str, old: Any, new: Any) -> FieldChange:
    change = FieldChange(key, label(key))
    if isinstance(old, list | type(None)) and isinstance(new, list | type(None)) \
            and (old or new) and key not in ("resources",):
        before, after = [display(key, v) for v in old or []], [display(key, v) for v in new or []]
        change.added = [v for v in after if v not in before]
        change.removed = [v for v in before if v not in after]
    if isinstance(old, str | None) and isinstance(new, str | None) \
            and max(len((old or "").split()), len((new or "").split())) > LONG_TEXT_WORDS:
        change.words = word_diff(old or "", new or "")
    change.old, change.new = display(key, old), display(key, new)
    return change


def _resource_fields(before: dict[str, Any], after: dict[str, Any]) -> list[FieldChange]:
    return [field_change(key, before.get(key), after.get(key))
            for key in sorted(set(before) | set(after))
            if key != "id" and before.get(key) != after.get(key)]


def _resources(old: Any, new: Any) -> list[ResourceChange]:
    """A dataset's ``resources`` change: a name added or removed (one resource), or two lists of
    resource snapshots (matched by id)."""
    if not isinstance(old, list) and not isinstance(new, list):
        if old is None:
            return [ResourceChange("added", display("name", new))]
        if new is None:
            return [ResourceChange("removed", display("name", old))]
        return [ResourceChange("changed", display("name", new))]
    before = {r.get("id"): r for r in old or [] if isinstance(r, dict)}
    after = {r.get("id"): r for r in new or [] if isinstance(r, dict)}
    found = [ResourceChange("removed", r.get("name") or "") for i, r in before.items()
             if i not in after]
    for rid, resource in after.items():
        if rid not in before:
            found.append(ResourceChange("added", resource.get("name") or ""))
        elif before[rid] != resource:
            found.append(ResourceChange("changed", resource.get("name") or "",
                                        _resource_fields(before[rid], resource)))
    return found


def of(activity: Activity, resource_name: str = "") -> Changes:
    """The changes ``activity`` records. A creation shows its first values (from nothing); a
    resource's own change (``resource_id`` in the data) is listed under that resource."""
    data = activity.data or {}
    stored = data.get("changes")
    if stored is None and isinstance(data.get("snapshot"), dict):
        stored = {key: [None, value] for key, value in data["snapshot"].items()
                  if value not in (None, "", [], {}, False)}
    result = Changes()
    if not isinstance(stored, dict):
        return result
    if data.get("resource_id") and "resources" not in stored:
        before = {key: pair[0] for key, pair in stored.items() if _pair(pair)}
        after = {key: pair[1] for key, pair in stored.items() if _pair(pair)}
        name = after.get("name") or resource_name or before.get("name") or ""
        result.resources.append(ResourceChange("changed", name, _resource_fields(before, after)))
        return result
    for key, pair in stored.items():
        if not _pair(pair):
            continue
        if key == "resources":
            result.resources.extend(_resources(*pair))
        else:
            result.fields.append(field_change(key, *pair))
            if data.get("member"):  # a member's role in an entity
                result.fields[-1].label = f"{label(key)} ({data['member']})"
    return result


def _pair(value: Any) -> bool:
    return isinstance(value, list | tuple) and len(value) == 2


def summary(changes: Changes) -> str:
    """One line of plain text: ``Título: «a» → «b»; Recursos: añadido «x»`` (for feeds)."""
    parts = []
    for change in changes.fields:
        if change.added or change.removed:
            detail = ", ".join([*(f"+{v}" for v in change.added),
                                *(f"−{v}" for v in change.removed)])
        elif change.words:
            detail = str(_l("texto modificado"))
        else:
            detail = f"«{change.old}» → «{change.new}»"
        parts.append(f"{change.label}: {detail}")
    verbs = {"added": _l("añadido"), "removed": _l("eliminado"), "changed": _l("modificado")}
    for resource in changes.resources:
        fields = ", ".join(change.label for change in resource.fields)
        parts.append(f"{label('resources')}: {verbs[resource.action]} «{resource.name}»"
                     + (f" ({fields})" if fields else ""))
    return "; ".join(parts)
