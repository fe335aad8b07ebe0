"""The PIGE registry, published as a dataset of the catalog itself.

The dataset ``REGISTRY_NAME`` belongs to AGETIC (the entity responsible for monitoring, 6.2) and
has two resources, a CSV table (one row per plan version) and a JSON document (every plan with its
versions), regenerated through the catalog's services whenever a plan changes, in the same unit of
work as the change. Being an ordinary dataset, it is listed, searched, served by the API and
described in DCAT like any other. Both files hold what anyone may read (``records``): a
confidential plan appears with its entity and procedure dates only.

When the catalog has no ``agetic`` entity the registry is not published (``refresh`` returns None).
"""

from __future__ import annotations

import io
import json
from typing import Any

from portal import csvsafe
from portal.auth import Anonymous
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.generated import GeneratedFile, put_files
from portal.catalog.models import Dataset
from portal.errors import NotFound
from portal.pige import N_, records
from portal.pige import services as pige
from portal.pige.refusals import translate

REGISTRY_NAME = "pige-registro-planes-institucionales"
CSV_NAME = "pige-registro.csv"
JSON_NAME = "pige-registro.json"
JSON_FORMAT = "pige-registry/1"

CSV_COLUMNS = (
    "entidad", "entidad_nombre", "version", "tipo", "estado", "estado_nombre", "aprobado",
    "confidencial", "fecha_apertura", "inicio_plazo_registro", "fecha_registro",
    "fecha_conformidad", "fecha_aprobacion_ciudadania_digital", "fecha_resolucion",
    "fecha_registro_resolucion", "fecha_publicacion", "paso_pendiente", "plazo_paso_pendiente",
    "contenido_publico", "titulo", "codigo_identificador", "resolucion", "lineas_estrategicas",
    "acciones", "indicadores", "presupuesto_total", "anios_informados",
)


def dataset_input() -> dict[str, Any]:
    """The registry's metadata. Its coverage, contact and themes are what the portal knows:
    the plans of the whole country, AGETIC (which publishes it) as contact, and the themes
    mapped to the EU theme "Government and public sector"."""
    agetic = pige.agetic_entity()
    return {
        "name": REGISTRY_NAME,
        "title": translate(N_("Registro de Planes Institucionales de Gobierno Electrónico "
                              "(PIGE) 2025-2028"), {}),
        "description": translate(N_(
            "Planes institucionales de implementación de Gobierno Electrónico registrados en el "
            "portal (Decreto Supremo N° 5468, Capítulo VI): por entidad y versión, el estado del "
            "procedimiento con sus fechas y, para los planes publicados, sus líneas "
            "estratégicas, acciones, indicadores, presupuesto y años informados. Los planes "
            "declarados confidenciales en su resolución de aprobación figuran solo con su "
            "entidad y las fechas del procedimiento. Se regenera cada vez que cambia un plan."),
            {}),
        "entity": pige.AGETIC,
        "license_id": "CC-BY-4.0",
        "keywords": ["pige", "gobierno electronico", "ds 5468", "planificacion"],
        "frequency": "CONT",
        "language": ["es"],
        "temporal_start": "2025-01-01",
        "temporal_end": "2028-12-31",
        "spatial": ["BO"],
        "contact_name": agetic.title,
        "contact_email": agetic.email,
        "themes": [theme.name for theme in catalog.list_themes() if theme.eu_theme == "GOVE"],
        "extras": {"pige_registry": JSON_FORMAT},
    }


def rows(on=None) -> list[dict[str, Any]]:
    """One row per plan version, as anyone may read it."""
    on = on or pige.today()
    reader = Anonymous()  # the registry holds only what anyone may read
    out = []
    for plan in pige.list_plans():
        for version in plan.versions:
            record = records.version_record(version, reader, on)
            content = record["content"] or {}
            dates = record["dates"]
            current = record["current_step"] or {}
            out.append({
                "entidad": record["entity"],
                "entidad_nombre": record["entity_title"],
                "version": record["version"],
                "tipo": record["kind"],
                "estado": record["state"],
                "estado_nombre": record["state_label"],
                "aprobado": "si" if record["approved"] else "no",
                "confidencial": "si" if record["confidential"] else "no",
                "fecha_apertura": record["created_on"],
                "inicio_plazo_registro": record["window_start"] or "",
                "fecha_registro": dates["registrar"] or "",
                "fecha_conformidad": dates["dar_conformidad"] or "",
                "fecha_aprobacion_ciudadania_digital": dates["aprobar_ciudadania_digital"] or "",
                "fecha_resolucion": dates["aprobar_resolucion"] or "",
                "fecha_registro_resolucion": dates["registrar_resolucion"] or "",
                "fecha_publicacion": dates["publicar"] or "",
                "paso_pendiente": current.get("state", ""),
                "plazo_paso_pendiente": current.get("deadline") or "",
                "contenido_publico": "si" if record["content"] is not None else "no",
                "titulo": content.get("title", ""),
                "codigo_identificador": content.get("identifier_code") or "",
                "resolucion": content.get("resolution") or "",
                "lineas_estrategicas": " ".join(str(n) for n in content.get("lines_addressed", [])),
                "acciones": content.get("actions_count", ""),
                "indicadores": content.get("indicators_count", ""),
                "presupuesto_total": "" if content.get("total_budget") is None
                else f"{content['total_budget']:.2f}",
                "anios_informados": " ".join(str(r["year"]) for r in content.get("reports", [])),
            })
    return out


def csv_bytes(on=None) -> bytes:
    buffer = io.StringIO()
    writer = csvsafe.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(on))
    return buffer.getvalue().encode("utf-8")


def document(on=None) -> dict[str, Any]:
    """Every plan with its versions, as anyone may read them. The deadline statuses depend on
    the day; the document states ``as_of``."""
    on = on or pige.today()
    reader = Anonymous()  # the registry holds only what anyone may read
    return {
        "format": JSON_FORMAT,
        "norm": pige.frame().plan.norm_name,
        "period": [pige.frame().plan.start_year, pige.frame().plan.end_year],
        "as_of": on.isoformat(),
        "plans": [records.plan_record(plan, reader, on) for plan in pige.list_plans()],
    }


def json_bytes(on=None) -> bytes:
    return json.dumps(document(on), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def registry_dataset() -> Dataset | None:
    try:
        dataset = catalog.get_dataset(REGISTRY_NAME)
    except NotFound:
        return None
    return dataset if dataset.state != "deleted" else None


def refresh(on=None) -> Dataset | None:
    """Create or bring up to date the registry dataset and its two files (None without an
    ``agetic`` entity). A file whose bytes did not change is left as it is."""
    if pige.agetic_entity() is None:
        return None
    dataset = registry_dataset()
    if dataset is None:
        dataset = catalog.create_dataset(dataset_input(), SYSTEM)
    put_files(dataset, (
        GeneratedFile(CSV_NAME, "CSV", "text/csv", csv_bytes(on), translate(N_(
            "Una fila por versión de plan: entidad, estado y fechas del procedimiento."), {})),
        GeneratedFile(JSON_NAME, "JSON", "application/json", json_bytes(on), translate(N_(
            "Cada plan con sus versiones, su procedimiento y, si es público, su contenido e "
            "informes de avance."), {})),
    ), SYSTEM)
    return dataset
