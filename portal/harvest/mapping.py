"""From a backend's dataset dict to catalog input: the source's entity, the provenance extras,
licences resolved to our registry, and values our code lists do not know left out with a note
(so one odd field does not cost the whole dataset). A missing title fails the item."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from portal.catalog.codelists import codes
from portal.catalog.licenses import find_license
from portal.catalog.models import ACCESS_RIGHTS
from portal.catalog.schemas import SLUG
from portal.catalog.translations import (
    DATASET_TRANSLATED,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    RESOURCE_TRANSLATED,
)
from portal.errors import PortalError

if TYPE_CHECKING:
    from portal.harvest.base import RemoteItem, SourceSpec

PROVENANCE_KEYS = ("harvest_source", "harvest_remote_id", "harvest_remote_url", "harvest_last")
URL_RE = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

ACCESS_RIGHTS_ALIASES = {"public": "public", "restricted": "restricted",
                         "non_public": "non-public", "non-public": "non-public"}


class ItemInvalid(PortalError):
    """A remote item that cannot become a dataset (no title, unknown licence...)."""


def resolve_license(value: Any, config: dict[str, Any]) -> tuple[str, str | None]:
    """Our licence id for a remote licence id, URL or title; ``("", None)`` when none is given.
    Returns the id and a note when a default was used. Raises ``ItemInvalid`` when unknown."""
    raw = str(value or "").strip()
    mapping = {str(k).strip().lower(): v for k, v in (config.get("license_map") or {}).items()}
    if raw:
        if raw.lower() in mapping:
            return str(mapping[raw.lower()]), None
        found = find_license(raw)
        if found is not None:
            return found.id, None
    default = str(config.get("default_license") or "")
    if default:
        note = str(_l("Licencia «{raw}» sin equivalente; se aplicó {default}.")).format(
            raw=raw, default=default) if raw else None
        return default, note
    if raw:
        raise ItemInvalid(str(_l(
            "Licencia desconocida: «{raw}». Agregue una correspondencia en «license_map» o una "
            "«default_license» en la configuración de la fuente.")).format(raw=raw))
    return "", None


def slugify(text: str, fallback: str = "conjunto") -> str:
    """A catalog name (``[a-z0-9][a-z0-9_-]{1,99}``) from any text."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "-", ascii_text.lower()).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)[:100].strip("-_")
    return slug if SLUG.match(slug) else fallback


def to_date(value: Any) -> date | None:
    """A date from a date, datetime or ISO-like text; ``None`` when it cannot be read."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            return None
    match = re.match(r"^(\d{4})$", text)
    return date(int(text), 1, 1) if match else None


def _code(value: Any) -> str:
    """The code at the end of a vocabulary URI (``.../frequency/ANNUAL`` -> ``ANNUAL``)."""
    return re.split(r"[/#]", str(value).strip().rstrip("/"))[-1]


def _language(value: Any) -> str | None:
    known = codes("languages")
    code = _code(value)
    lowered = code.lower().split("-")[0]
    if lowered in known:
        return lowered
    for lang, item in known.items():
        if item.get("eu", "").lower() == lowered:
            return lang
    return None


def _as_list(value: Any) -> list:
    """A list from a list, one value, or a JSON array in a string (CKAN extras carry lists as
    ``["es","en"]``)."""
    if value in (None, ""):
        return []
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            found = json.loads(value)
        except ValueError:
            found = None
        if isinstance(found, list):
            return found
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _text(value: Any, limit: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    return text[:limit] if limit else text


def prepare_dataset(data: dict[str, Any], source: SourceSpec, item: RemoteItem, *,
                    known_themes: set[str], config: dict[str, Any]
                    ) -> tuple[dict[str, Any], list[str]]:
    """Catalog input for ``data`` from ``source``, and the notes on what was left out."""
    notes: list[str] = []
    out: dict[str, Any] = {}
    title = _text(data.get("title"))
    if not title:
        raise ItemInvalid(str(_l("El elemento remoto «{id}» no tiene título.")).format(
            id=item.remote_id))
    out["title"] = title[:500]
    out["name"] = slugify(data.get("name") or title)
    out["entity"] = source.entity
    out["description"] = _text(data.get("description"))
    license_id, note = resolve_license(data.get("license_id"), config)
    out["license_id"] = license_id
    notes.extend([note] if note else [])
    keywords = [_text(k, 100) for k in _as_list(data.get("keywords")) if _text(k)]
    out["keywords"] = keywords
    themes = [_text(t) for t in _as_list(data.get("themes")) if _text(t)]
    out["themes"] = [t for t in themes if t in known_themes]
    dropped = [t for t in themes if t not in known_themes]
    if dropped:
        notes.append(str(_l("Temas sin equivalente en el portal: {names}.")).format(
            names=", ".join(dropped)))
    out["contact_name"] = _text(data.get("contact_name"), 200)
    email = _text(data.get("contact_email")).removeprefix("mailto:")
    if email and not EMAIL_RE.match(email):
        notes.append(str(_l("Correo de contacto no válido omitido: «{value}».")).format(
            value=email))
        email = ""
    out["contact_email"] = email[:254]
    access = _code(data.get("access_rights") or "public").lower()
    out["access_rights"] = ACCESS_RIGHTS_ALIASES.get(access, "public")
    if out["access_rights"] not in ACCESS_RIGHTS:
        out["access_rights"] = "public"
    for key in ("temporal_start", "temporal_end", "issued", "modified"):
        value = to_date(data.get(key))
        if value is None and data.get(key) not in (None, ""):
            notes.append(str(_l("Fecha ilegible en «{field}»: «{value}».")).format(
                field=key, value=data.get(key)))
        out[key] = value.isoformat() if value else None
    if out["temporal_start"] and out["temporal_end"] and \
            out["temporal_start"] > out["temporal_end"]:
        notes.append(str(_l("El periodo termina antes de empezar; se omitió su fin.")))
        out["temporal_end"] = None
    spatial = [_code(s) for s in _as_list(data.get("spatial")) if _text(s)]
    out["spatial"] = [s for s in spatial if s in codes("spatial")]
    if len(out["spatial"]) != len(spatial):
        notes.append(str(_l("Cobertura geográfica sin equivalente omitida.")))
    frequency = _code(data.get("frequency") or "").upper()
    out["frequency"] = frequency if frequency in codes("frequencies") else ""
    if frequency and not out["frequency"]:
        notes.append(str(_l("Frecuencia sin equivalente omitida: «{value}».")).format(
            value=data.get("frequency")))
    languages = [_language(v) for v in _as_list(data.get("language"))]
    out["language"] = list(dict.fromkeys(lang for lang in languages if lang)) or ["es"]
    landing = _text(data.get("landing_page"))
    out["landing_page"] = landing if URL_RE.match(landing) and len(landing) <= 500 else ""
    if landing and not out["landing_page"]:
        notes.append(str(_l("Página de inicio no válida omitida.")))
    out["version"] = _text(data.get("version"), 50)
    out["identifier"] = _text(data.get("identifier"), 500)
    out["state"] = "active"
    out["private"] = bool(config["private"]) if config.get("private") is not None \
        else bool(data.get("private"))
    extras = {str(k): v for k, v in (data.get("extras") or {}).items()
              if not str(k).startswith("harvest_")}
    extras.update({
        "harvest_source": source.name,
        "harvest_remote_id": item.remote_id,
        "harvest_remote_url": item.url,
        "harvest_last": datetime.now(UTC).replace(microsecond=0).isoformat(),
    })
    out["extras"] = extras
    out["resources"] = _resources(data.get("resources") or [], config, notes)
    out.update(_translations(data, DATASET_TRANSLATED))
    return out, notes


def _translations(data: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    """The remote translations in the portal's languages (``{}`` when it has none, so a
    translation the source dropped goes)."""
    out = {}
    for column in columns.values():
        values = data.get(column) if isinstance(data.get(column), dict) else {}
        out[column] = {lang: value for lang, value in values.items()
                       if lang in LANGUAGES and lang != DEFAULT_LANGUAGE and value}
    return out


def _resources(resources: list[dict[str, Any]], config: dict[str, Any], notes: list[str]
               ) -> list[dict[str, Any]]:
    prepared = []
    for resource in resources:
        url = _text(resource.get("url"))
        if not URL_RE.match(url) or len(url) > 2000:
            notes.append(str(_l("Recurso «{name}» omitido: su URL no es http(s) válida.")).format(
                name=_text(resource.get("name")) or url or "?"))
            continue
        try:
            license_id, _note = resolve_license(resource.get("license_id"), config)
        except ItemInvalid:
            license_id = ""
        schema = resource.get("schema")
        declared = {key: resource[key] for key in ("size", "hash", "last_modified")
                    if resource.get(key) not in (None, "")}
        prepared.append({
            **declared,
            "name": _text(resource.get("name"), 500),
            "description": _text(resource.get("description")),
            "url": url,
            "format": _text(resource.get("format"), 50).upper(),
            "media_type": _text(resource.get("media_type"), 200),
            "license_id": license_id,
            "rights": _text(resource.get("rights"), 2000),  # ckanext-dcat's dct:rights
            "schema": schema if isinstance(schema, dict | str) else None,
            **_translations(resource, RESOURCE_TRANSLATED),
        })
    return prepared
