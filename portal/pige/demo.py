"""Demo PIGE plans for the demo entities, at every stage of the procedure.

``load_demo_plans()`` goes through the services (the only writers), acting as the system, and is
idempotent: an entity that already has a plan is left as it is. Dates are fixed and replayed on
the real 2026 calendar; on ``DEMO_DATE`` exactly one plan is overdue (a draft never registered,
past the 90-day window). One plan is confidential; the published ones and the confidential one
have a progress report for 2026; MEFP's plan has a second version (an update in draft), so its
approved first version stays readable beside it.

Only entities present in the catalog get a plan; evidence links point to the entity's own public
datasets when the demo catalog has them.

The demo also records where the decree places each central-level demo entity (``SCOPES``,
Disposición Adicional Única): the ministries and the bodies under their dependence or supervision
are obliged (I); the autonomous institutions outside the Executive may adopt the plan (II). On
``DEMO_DATE`` the obliged entities that registered no plan are overdue, as is MDPyEP, whose
draft was never registered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from portal import db
from portal.auth.permissions import SYSTEM
from portal.catalog.models import Dataset, Entity
from portal.pige import scope
from portal.pige import services as pige
from portal.pige.models import Plan
from portal.pige.procedure import new_identifier_code

D = dt.date
#: On this day the demo shows exactly one overdue plan (see the module docstring).
DEMO_DATE = D(2026, 11, 20)
DEMO_YEAR = 2026

#: Per line, actions the demo plans draw from: (kind, name, unit, indicator, indicator unit,
#: baseline, {year: target}, budget in Bs, the Cuadro N° 3 target the indicator serves).
ACTIONS: dict[int, list[tuple]] = {
    3: [("proyecto", "Integración de los sistemas de la entidad a la Plataforma de "
         "Interoperabilidad", "Dirección de Tecnologías de Información",
         "Sistemas que atienden trámites integrados a la plataforma", "%", 20,
         {"2026": 50, "2027": 75, "2028": 90}, 420000, "L3.M1")],
    4: [("accion", "Autenticación con Ciudadanía Digital en los trámites en línea",
         "Dirección de Tecnologías de Información",
         "Trámites digitalizados con Ciudadanía Digital", "%", 10,
         {"2026": 25, "2027": 40, "2028": 50}, 180000, "L4.M1")],
    5: [("accion", "Plan institucional de seguridad de la información",
         "Unidad de Seguridad de la Información",
         "Controles del plan de seguridad implementados", "%", 0,
         {"2026": 40, "2027": 70, "2028": 100}, 95000, "L5.M2")],
    6: [("proyecto", "Simplificación y publicación del catálogo de trámites",
         "Dirección General de Asuntos Administrativos",
         "Trámites simplificados y publicados en el portal de trámites", "trámites", 5,
         {"2026": 15, "2027": 25, "2028": 30}, 60000, "L6.M2")],
    8: [("accion", "Programa de capacitación en gobierno electrónico para servidores públicos",
         "Unidad de Recursos Humanos", "Servidores públicos capacitados", "personas", 0,
         {"2026": 120, "2027": 240, "2028": 360}, 45000, "L8.M2")],
    13: [("proyecto", "Publicación de datos abiertos con los estándares establecidos",
          "Unidad de Transparencia", "Conjuntos de datos publicados con licencia abierta",
          "conjuntos", 0, {"2026": 8, "2027": 15, "2028": 20}, 70000, "L13.M2"),
         ("accion", "Mecanismo de acceso a la información pública en línea",
          "Unidad de Transparencia", "Solicitudes de información atendidas en plazo", "%", 60,
          {"2026": 80, "2027": 90, "2028": 100}, None, "L13.M1")],
    14: [("accion", "Consultas ciudadanas en línea sobre normas y servicios",
          "Dirección de Comunicación", "Consultas ciudadanas en línea realizadas",
          "consultas", 0, {"2026": 2, "2027": 4, "2028": 6}, 30000, "L14.M1")],
}

#: Paragraph of DS 3251 Art. 2 (as modified by DS 5468) and why, per demo entity. Ministries,
#: territorial governments and universities follow from their kind (``portal.pige.scope``).
SCOPES: dict[str, tuple[str, str]] = {
    "agetic": ("I", "Institución bajo tuición del Ministerio de la Presidencia."),
    "cgii": ("I", "Parte de la AGETIC."),
    "adsib": ("I", "Institución bajo tuición de la Vicepresidencia del Estado."),
    "ine": ("I", "Institución bajo tuición del Ministerio de Planificación del Desarrollo."),
    "egpp": ("I", "Institución bajo tuición del Ministerio de Educación."),
    "aduana": ("I", "Institución bajo tuición del Ministerio de Economía y Finanzas Públicas."),
    "aben": ("I", "Institución bajo tuición del Ministerio de Hidrocarburos y Energías."),
    "bcb": ("II", "Institución autárquica del nivel central, fuera del Órgano Ejecutivo."),
    "contraloria": ("II", "Órgano de control del nivel central, fuera del Órgano Ejecutivo."),
    "procuraduria": ("II", "Institución de defensa del Estado, fuera del Órgano Ejecutivo."),
    "defensoria": ("II", "Institución de defensa de la sociedad, fuera del Órgano Ejecutivo."),
}

#: Share of the 2026 target reached, by indicator position, for the demo reports.
REPORT_SHARES = (1.1, 0.75, 0.5, 0.9, 0.3, 1.0, 0.6)

#: Entity, kind, lines, steps (action, date, extra), report 2026, update.
PLANS: tuple[dict[str, Any], ...] = (
    {"entity": "agetic", "kind": "formulacion", "lines": (3, 4, 5, 13), "created": D(2025, 12, 15),
     "steps": (("registrar", D(2026, 2, 20)), ("dar_conformidad", D(2026, 3, 20)),
               ("aprobar_ciudadania_digital", D(2026, 3, 27)),
               ("aprobar_resolucion", D(2026, 4, 6)), ("registrar_resolucion", D(2026, 4, 14)),
               ("publicar", D(2026, 4, 20))), "report": True},
    {"entity": "mpd", "kind": "formulacion", "lines": (6, 8, 13, 14), "created": D(2026, 1, 12),
     "steps": (("registrar", D(2026, 2, 25)),
               ("observar", D(2026, 3, 30), "Precisar la línea base de los indicadores de la "
                "línea 13 y la unidad responsable de la capacitación."),
               ("ajustar", D(2026, 4, 17)), ("dar_conformidad", D(2026, 5, 12)),
               ("aprobar_ciudadania_digital", D(2026, 5, 20)),
               ("aprobar_resolucion", D(2026, 6, 10)), ("registrar_resolucion", D(2026, 6, 16)),
               ("publicar", D(2026, 6, 19))), "report": True},
    {"entity": "mefp", "kind": "adecuacion", "lines": (3, 5, 13), "created": D(2025, 12, 10),
     "steps": (("registrar", D(2026, 2, 27)), ("dar_conformidad", D(2026, 4, 10)),
               ("aprobar_ciudadania_digital", D(2026, 4, 17)),
               ("aprobar_resolucion", D(2026, 4, 24)), ("registrar_resolucion", D(2026, 5, 4)),
               ("publicar", D(2026, 5, 8))), "report": True, "update": D(2026, 10, 15)},
    {"entity": "ministerio-educacion", "kind": "formulacion", "lines": (4, 8, 13),
     "created": D(2026, 1, 5), "confidential": True,
     "steps": (("registrar", D(2026, 2, 26)), ("dar_conformidad", D(2026, 4, 8)),
               ("aprobar_ciudadania_digital", D(2026, 4, 15)),
               ("aprobar_resolucion", D(2026, 4, 22)), ("registrar_resolucion", D(2026, 4, 30))),
     "report": True},
    {"entity": "cgii", "kind": "formulacion", "lines": (5,), "created": D(2026, 2, 2),
     "steps": (("registrar", D(2026, 8, 3)), ("dar_conformidad", D(2026, 9, 14)),
               ("aprobar_ciudadania_digital", D(2026, 10, 20)),
               ("aprobar_resolucion", D(2026, 11, 3)),
               ("registrar_resolucion", D(2026, 11, 16)))},
    {"entity": "bcb", "kind": "formulacion", "lines": (3, 5, 13), "created": D(2026, 2, 9),
     "steps": (("registrar", D(2026, 9, 1)), ("dar_conformidad", D(2026, 10, 13)),
               ("aprobar_ciudadania_digital", D(2026, 11, 5)),
               ("aprobar_resolucion", D(2026, 11, 19)))},
    {"entity": "egpp", "kind": "formulacion", "lines": (8, 13), "created": D(2026, 2, 16),
     "steps": (("registrar", D(2026, 9, 7)), ("dar_conformidad", D(2026, 10, 19)),
               ("aprobar_ciudadania_digital", D(2026, 11, 18)))},
    {"entity": "adsib", "kind": "formulacion", "lines": (3, 4, 5), "created": D(2026, 2, 23),
     "steps": (("registrar", D(2026, 10, 1)), ("dar_conformidad", D(2026, 11, 13)))},
    {"entity": "ministerio-presidencia", "kind": "formulacion", "lines": (6, 14),
     "created": D(2026, 3, 2),
     "steps": (("registrar", D(2026, 9, 15)),
               ("observar", D(2026, 10, 23), "Alinear las acciones con los resultados de la "
                "línea 6 y dar metas anuales a cada indicador."),
               ("ajustar", D(2026, 11, 16)))},
    {"entity": "mopsv", "kind": "formulacion", "lines": (3, 6), "created": D(2026, 3, 9),
     "steps": (("registrar", D(2026, 10, 5)),
               ("observar", D(2026, 11, 10), "El presupuesto de las acciones no coincide con el "
                "del POA; precise la unidad responsable."))},
    {"entity": "mjti", "kind": "formulacion", "lines": (13, 14), "created": D(2026, 3, 16),
     "steps": (("registrar", D(2026, 11, 12)),)},
    {"entity": "mdpyep", "kind": "formulacion", "lines": (6, 8), "created": D(2026, 1, 20),
     "steps": ()},
)


def _content(entity: Entity, lines: tuple[int, ...]) -> dict[str, Any]:
    evidence = list(db.session.scalars(
        select(Dataset.name).where(Dataset.entity_id == entity.id, Dataset.state == "active",
                                   Dataset.private.is_(False)).order_by(Dataset.name).limit(2)
    ))
    out = []
    for number in lines:
        actions = []
        for (kind, name, unit, indicator, ind_unit, baseline, targets, budget,
             national_target) in ACTIONS[number]:
            actions.append({
                "kind": kind, "name": name, "responsible_unit": unit,
                "description": f"{name} en {entity.title}.", "budget": budget,
                "evidence": evidence if number == 13 else [],
                "indicators": [{"name": indicator, "unit": ind_unit, "baseline": baseline,
                                "targets": targets, "national_target": national_target}],
            })
        out.append({"line": number, "actions": actions})
    return {"lines": out}


def _report(version) -> dict[str, Any]:
    values = {}
    from portal.pige.schemas import indicators_of

    for position, indicator in enumerate(indicators_of(version.content)):
        target = indicator["targets"].get(str(DEMO_YEAR))
        if target is None:
            continue
        base = indicator["baseline"] or 0.0
        share = REPORT_SHARES[position % len(REPORT_SHARES)]
        values[indicator["id"]] = {
            "achieved": round(base + (target - base) * share, 1),
            "comment": "Meta superada." if share >= 1 else "Avance según el cronograma del POA.",
            "evidence": list(next(
                (a["evidence"] for ln in version.content["lines"] for a in ln["actions"]
                 if a["id"] == indicator["action"]), [])),
        }
    return values


def load_demo_plans(actor=None) -> dict[str, int]:
    """Create the demo plans that are missing. Returns how many plans exist and were created."""
    actor = actor or SYSTEM
    counts = {"plans": 0, "created_plans": 0, "reports": 0}
    recorded = scope.recorded()
    for name, (paragraph, note) in SCOPES.items():
        entity = db.session.scalar(select(Entity).where(Entity.name == name))
        if entity is not None and entity.id not in recorded:
            scope.set_scope(name, paragraph, actor, note)
    for spec in PLANS:
        entity = db.session.scalar(select(Entity).where(Entity.name == spec["entity"],
                                                        Entity.state == "active"))
        if entity is None:
            continue
        counts["plans"] += 1
        if db.session.scalar(select(Plan.id).where(Plan.entity_id == entity.id)):
            continue
        version = pige.create_plan(
            entity.name,
            {"title": f"Plan Institucional de Gobierno Electrónico 2025-2028 de {entity.title}",
             "summary": f"Acciones de {entity.title} para las líneas estratégicas "
                        f"{', '.join(str(n) for n in spec['lines'])} del PIGE nacional.",
             "content": _content(entity, spec["lines"])},
            actor, kind=spec["kind"], on=spec["created"])
        for action, on, *extra in spec["steps"]:
            _move(version, action, on, extra, spec, actor)
        if spec.get("report"):
            pige.submit_report(version, DEMO_YEAR, _report(version), actor, on=D(2026, 11, 2))
            counts["reports"] += 1
        if spec.get("update"):
            pige.new_version(version.plan, {"summary": version.summary + " Actualización "
                                            "con la meta de interoperabilidad de 2027."},
                             actor, on=spec["update"])
        counts["created_plans"] += 1
    return counts


def _move(version, action: str, on: dt.date, extra: list, spec: dict, actor) -> None:
    code = version.identifier_code or new_identifier_code(spec["entity"], version.number, on)
    kwargs: dict[str, Any] = {"on": on}
    if action == "observar":
        kwargs["observations"] = extra[0]
    elif action == "aprobar_ciudadania_digital":
        kwargs["identifier_code"] = code
    elif action == "aprobar_resolucion":
        kwargs.update(resolution_number=f"RA {on.day:02d}{on.month:02d}/{on.year}",
                      resolution_cited_code=code, confidential=bool(spec.get("confidential")))
    pige.move(version, action, actor, **kwargs)
