"""The demo catalog as plain data: entities, themes and ~300 datasets with their files.

Everything is deterministic: each dataset draws from its own random generator seeded with its
family, entity and period, so the same code always yields the same catalog, byte for byte, and
adding a family does not change the others. Services load it (``portal.demo.load``).
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from portal.demo.family import Context, Family, Period
from portal.demo.geography import DEPARTMENT_BY_ISO
from portal.demo.inventory import FAMILIES
from portal.demo.tables import Table, damaged

DATA_DIR = Path(__file__).resolve().parent / "data"

#: The demo catalog is dated: nothing in it is issued or modified after this day.
REFERENCE_DATE = date(2026, 10, 30)

ENTITY_FIELDS = ("name", "title", "description", "kind", "level", "website", "email")
THEME_FIELDS = ("name", "title", "description", "eu_theme")

#: Licences of the demo and how often an entity adopts each one.
LICENSE_WEIGHTS = (
    ("CC-BY-4.0", 0.78), ("CC0-1.0", 0.06), ("CC-BY-SA-4.0", 0.05), ("ODC-BY-1.0", 0.06),
    ("ODC-ODbL-1.0", 0.05),
)

#: Extras key listing the files made invalid on purpose: ``{filename: [error type]}``.
EXPECTED_ERRORS = "demo_expected_errors"

TYPE_LABELS = {"integer": "entero", "number": "número", "string": "texto", "date": "fecha",
               "boolean": "verdadero/falso"}
DEMO_NOTE = ("_Catálogo de demostración: las entidades son reales, pero las cifras de este "
             "conjunto son ilustrativas y no constituyen estadísticas oficiales._")


@cache
def _read(filename: str) -> dict[str, Any]:
    with (DATA_DIR / filename).open(encoding="utf-8") as fh:
        return json.load(fh)


def demo_entities() -> list[dict[str, Any]]:
    """The entity records of ``data/entities.json``, with the generator's own fields."""
    return [dict(item) for item in _read("entities.json")["entities"]]


def demo_themes() -> list[dict[str, Any]]:
    return [dict(item) for item in _read("themes.json")["themes"]]


def entity_input(record: dict[str, Any]) -> dict[str, Any]:
    """The part of an entity record that ``create_entity`` takes."""
    return {field: record[field] for field in ENTITY_FIELDS}


def theme_input(record: dict[str, Any]) -> dict[str, Any]:
    values = {field: record[field] for field in THEME_FIELDS}
    english = _read("translations.json")["themes"].get(record["name"])
    if english:
        values["title_translated"] = {"en": english["title"]}
        values["description_translated"] = {"en": english["description"]}
    return values


def _english(family: Family, entity: dict[str, Any], words: dict[str, Any]) -> dict[str, Any]:
    """The English title, description and keywords of a dataset whose family has them
    (empty translations otherwise)."""
    translations = _read("translations.json")
    english = translations["families"].get(family.code)
    if english is None:
        return {"title_translated": {}, "description_translated": {}, "keywords_translated": {}}
    summary = english["summary"].format(**words)
    description = f"{summary}\n\nPublished by **{entity['title']}**.\n\n" \
                  f"{translations['demo_note']}"
    return {"title_translated": {"en": english["title"].format(**words)},
            "description_translated": {"en": description},
            "keywords_translated": {"en": english["keywords"]}}


def slugify(text: str, max_length: int = 100) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def iter_demo_datasets() -> Iterator[dict[str, Any]]:
    """Every demo dataset, as the input of ``create_dataset`` plus its ``resources``."""
    entities = {record["name"]: record for record in demo_entities()}
    for family in FAMILIES:
        ordinal = 0
        for entity_name in family.entities:
            entity = entities[entity_name]
            for period in family.periods:
                yield _dataset(family, entity, period, ordinal)
                ordinal += 1


def entity_license(entity_name: str) -> str:
    """The licence an entity publishes under, unless a dataset says otherwise."""
    rng = random.Random(f"license|{entity_name}")
    ids, weights = zip(*LICENSE_WEIGHTS, strict=True)
    return rng.choices(ids, weights)[0]


def _place(entity: dict[str, Any]) -> str:
    match = re.search(r"(?:Departamental|Municipal) de (.+)$", entity["title"])
    if match:
        return match.group(1)
    if entity["kind"] == "gobierno-ioc":
        return entity["title"].replace("Gobierno Autónomo Guaraní ", "")
    department = entity.get("department")
    return DEPARTMENT_BY_ISO[department].name if department else "Bolivia"


def _of(entity: dict[str, Any]) -> str:
    """``del Ministerio de Educación``, ``de la AGETIC``."""
    short = entity["short"]
    return "del " + short[3:] if short.startswith("el ") else "de " + short


def _dataset(family: Family, entity: dict[str, Any], period: Period, ordinal: int
             ) -> dict[str, Any]:
    rng = random.Random(f"{family.code}|{entity['name']}|{period.label}")
    words = {
        "period": period.label, "year": period.last, "first": period.first, "of": _of(entity),
        "entity": entity["title"], "acronym": entity["acronym"], "place": _place(entity),
    }
    title = family.title.format(**words)
    summary = family.summary.format(**words)
    name = family.name or slugify(title)
    ctx = Context(entity, period)

    resources: list[dict[str, Any]] = []
    expected: dict[str, list[str]] = {}
    table: Table | None = None
    if family.document is not None:
        resources.append(_resource(
            "Paquete de entregas OCDS (JSON)",
            "Paquete de entregas (release package) según el Estándar de Datos para las "
            "Contrataciones Abiertas, versión 1.1.",
            "JSON", f"{name}.json",
            (json.dumps(family.document(rng, ctx), ensure_ascii=False, indent=1) + "\n").encode(),
        ))
    if family.table is not None:
        table = family.table(rng, ctx)
        csv_table = table
        if ordinal in family.damage:
            kind = family.damage[ordinal]
            csv_table = damaged(table, kind, rng)
            expected[f"{name}.csv"] = [kind]
        resources.append(_resource(
            "Tabla de datos (CSV)",
            f"Archivo CSV en UTF-8, separado por comas, con {len(table.rows)} filas y "
            f"{len(table.columns)} columnas.",
            "CSV", f"{name}.csv", csv_table.csv_bytes(),
            table.schema() if family.schema else None,
        ))
        if family.json:
            resources.append(_resource(
                "Tabla de datos (JSON)",
                "Las mismas filas como una lista de objetos JSON, un objeto por fila.",
                "JSON", f"{name}.json", table.json_bytes(),
            ))
        if family.dictionary:
            resources.append(_resource(
                "Diccionario de datos (CSV)",
                "Nombre, título, tipo, descripción y unidad de cada columna de la tabla.",
                "CSV", f"{name}-diccionario.csv", table.dictionary_csv(),
            ))

    if family.temporal:
        temporal_start, temporal_end = period.start, period.end
        issued = temporal_end + timedelta(days=rng.randrange(20, 120))
    else:
        temporal_start = temporal_end = None
        issued = date(period.last, 1, 1) + timedelta(days=rng.randrange(0, 240))
    issued = min(issued, REFERENCE_DATE - timedelta(days=7))
    modified = min(issued + timedelta(days=rng.choice([0, 0, 3, 15, 40, 90])), REFERENCE_DATE)
    if not family.temporal:  # a registry describes the state on the day of its last update
        temporal_start = temporal_end = modified

    extras: dict[str, Any] = {}
    if family.source:
        extras["fuente"] = family.source
    if expected:
        extras[EXPECTED_ERRORS] = expected
    draft = ordinal in family.drafts
    code = f"{entity['acronym'].upper()}-{family.code}"
    return {
        "name": name,
        "title": title,
        "description": _description(summary, entity, family, table),
        "entity": entity["name"],
        "license_id": family.license_id or entity_license(entity["name"]),
        "keywords": _keywords(family, entity),
        "themes": list(family.themes),
        "contact_name": f"Responsable de datos abiertos ({entity['acronym']})",
        "contact_email": f"datos@{entity['name']}.example.org",
        "access_rights": "public",
        "temporal_start": temporal_start,
        "temporal_end": temporal_end,
        "spatial": ["BO"] if family.national else [entity["department"]],
        "frequency": family.frequency,
        "language": list(family.language),
        "landing_page": entity["website"],
        "version": "0.9" if draft else rng.choice(["1.0", "1.0", "1.0", "1.1", "2.0"]),
        "identifier": f"{code}-{period.label}" if family.temporal else code,
        "issued": issued,
        "modified": modified,
        "state": "draft" if draft else "active",
        "private": ordinal in family.private,
        "extras": extras,
        "resources": resources,
        **_english(family, entity, words),
    }


def _resource(name: str, description: str, format: str, filename: str, content: bytes,
              schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "description": description, "format": format, "filename": filename,
            "content": content, "schema": schema}


def _keywords(family: Family, entity: dict[str, Any]) -> list[str]:
    keywords = [keyword.lower() for keyword in family.keywords]
    keywords.append(entity["acronym"].lower())
    if entity["level"] == "territorial":
        keywords.append(_place(entity).lower())
    return list(dict.fromkeys(keywords))


def _description(summary: str, entity: dict[str, Any], family: Family,
                 table: Table | None) -> str:
    parts = [summary, ""]
    published = f"Publicado por **{entity['title']}**"
    if family.source and family.source != entity["title"]:
        published += f". Fuente: {family.source}"
    parts += [published + ".", ""]
    if table is not None:
        parts += ["### Contenido", "", "| Campo | Descripción | Tipo |", "|---|---|---|"]
        for column in table.columns:
            label = column.title + (f" ({column.unit})" if column.unit else "")
            parts.append(f"| `{column.name}` | {label} | {TYPE_LABELS[column.type]} |")
        parts.append("")
    parts.append(DEMO_NOTE)
    return "\n".join(parts)
