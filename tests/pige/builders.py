"""Builders of the stored PIGE tests: a plan content with a unique marker, and helpers to drive a
plan through the procedure on the 2026 calendar (through the real services)."""

from __future__ import annotations

import datetime as dt

from portal.auth.permissions import SYSTEM
from portal.auth.services import get_user
from portal.catalog import services as catalog
from portal.demo.catalog import demo_entities, entity_input
from portal.pige import services as pige
from portal.pige.demo import load_demo_plans
from portal.storage import storage
from tests import factories

D = dt.date
#: A string found only in the content of the plans the tests write (never in public parts).
MARKER = "ZQXMARCA"
CREATED = dt.date(2026, 1, 12)


def content(marker: str = MARKER, *, target_2026=10, baseline=0, evidence=()) -> dict:
    return {"lines": [
        {"line": 13, "actions": [{
            "kind": "proyecto", "name": f"Portal de datos {marker}",
            "responsible_unit": f"Unidad {marker}", "budget": "150000,50",
            "evidence": list(evidence),
            "indicators": [
                {"name": f"Conjuntos publicados {marker}", "unit": "conjuntos",
                 "baseline": baseline, "targets": {"2026": target_2026, "2027": 20}},
                {"name": f"Solicitudes atendidas {marker}", "unit": "%", "baseline": 50,
                 "targets": {"2026": 70}},
            ]}]},
        {"line": 4, "actions": [{
            "name": f"Ciudadanía Digital {marker}", "responsible_unit": "DTIC",
            "indicators": [{"name": f"Trámites {marker}", "baseline": None,
                            "targets": {"2026": 4}}]}]},
    ]}


def user(name: str):
    return get_user(name)


def demo_plans() -> None:
    """The demo's entities and PIGE plans (every step of the procedure, progress reports, a
    confidential plan, an update) and ``root``, a sysadmin; inside an application context."""
    for record in demo_entities():
        catalog.create_entity(entity_input(record), SYSTEM)
    load_demo_plans()
    factories.user("root", sysadmin=True)


def draft(entity: str = "mpd", marker: str = MARKER, on: D = CREATED, **kwargs):
    return pige.create_plan(entity, {"title": f"Plan {marker}", "summary": f"Resumen {marker}",
                                     "content": content(marker, **kwargs)},
                            user("root"), on=on)


#: A complete procedure on the 2026 calendar: (action, actor, date, extra arguments).
FLOW = (
    ("registrar", "officer", D(2026, 2, 10), {}),
    ("observar", "reviewer", D(2026, 3, 20), {"observations": "Precisar la línea base."}),
    ("ajustar", "officer", D(2026, 4, 13), {}),
    ("dar_conformidad", "reviewer", D(2026, 5, 4), {}),
    ("aprobar_ciudadania_digital", "officer", D(2026, 5, 11),
     {"identifier_code": "SRSP-2026-000123"}),
    ("aprobar_resolucion", "chief", D(2026, 5, 18),
     {"resolution_number": "RA 045/2026", "resolution_cited_code": "SRSP-2026-000123"}),
    ("registrar_resolucion", "officer", D(2026, 5, 25), {}),
    ("publicar", "reviewer", D(2026, 6, 1), {}),
)


def advance(version, until: str | None = None, *, confidential: bool = False):
    """Make the moves of ``FLOW`` up to and including ``until`` (all when None)."""
    for action, actor, on, extra in FLOW:
        if action == "publicar" and confidential:
            break
        extra = dict(extra)
        if action == "aprobar_resolucion":
            extra["confidential"] = confidential
        pige.move(version, action, user(actor), on=on, **extra)
        if action == until:
            break
    return version


def stored_text(resource) -> str:
    """The text of an uploaded resource, read from the portal's storage."""
    with storage().open(resource.storage_key) as fh:
        return fh.read().decode("utf-8")
