"""Plans as plain data, with confidentiality applied: one place decides what every output holds.

``version_record(version, actor, on)`` is what the API, the registry dataset and the pages'
machine-readable parts serve. Its public part (entity, version, kind, state and the dated steps of
the procedure) is always there; ``content`` (title, summary, lines, actions, indicators, budget,
progress reports, observations, identifier code and resolution) only when the reader may see it
(``services.can_see_content``): never for a confidential plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from portal.pige import N_
from portal.pige import services as pige
from portal.pige.models import Plan, PlanVersion
from portal.pige.refusals import translate
from portal.pige.schemas import indicators_of

#: Steps whose date the registry gives its own column, in the order of the procedure.
DATED_ACTIONS = (
    "registrar", "dar_conformidad", "aprobar_ciudadania_digital", "aprobar_resolucion",
    "registrar_resolucion", "publicar",
)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def step_dates(version: PlanVersion) -> dict[str, str | None]:
    """The last date of each dated action of the procedure (None when not made)."""
    dates: dict[str, str | None] = dict.fromkeys(DATED_ACTIONS)
    for step in version.steps:
        if step.action in dates:
            dates[step.action] = step.on.isoformat()
    return dates


def public_label(version: PlanVersion) -> str:
    """How a version is named where its title may not be shown."""
    return translate(N_("PIGE institucional de %(entity)s, versión %(number)s"),
                     {"entity": version.plan.entity.title, "number": version.number})


def schedule_record(version: PlanVersion, on: dt.date) -> list[dict[str, Any]]:
    rules = pige.frame().procedure
    return [
        {
            "state": s.state,
            "label": translate(s.label, {}),
            "responsible_role": s.responsible_role,
            "responsible_label": translate(
                next((r.label for r in rules.roles if r.id == s.responsible_role), ""), {}),
            "entered_on": _iso(s.entered_on),
            "deadline": _iso(s.deadline),
            "days": s.days,
            "unit": s.unit,
            "done_on": _iso(s.done_on),
            "done_action": s.done_action,
            "status": s.status,
            "status_label": translate(s.status_label, {}),
            "days_left": s.days_left,
            "days_overdue": s.days_overdue,
        }
        for s in pige.schedule(version, on)
    ]


def public_record(version: PlanVersion, on: dt.date) -> dict[str, Any]:
    """What anyone may know of a version: it exists, its entity and its procedure dates."""
    rules = pige.frame().procedure
    entity = version.plan.entity
    current = pige.current_step(version, on)
    return {
        "entity": entity.name,
        "entity_title": entity.title,
        "version": version.number,
        "label": public_label(version),
        "kind": version.kind,
        "kind_label": translate(rules.plan_kind(version.kind).label, {}),
        "period": [version.period_start, version.period_end],
        "state": version.state,
        "state_label": translate(rules.state(version.state).label, {}),
        "approved": pige.is_approved(version),
        "confidential": version.confidential,
        "created_on": _iso(version.created_on),
        "window_start": _iso(version.window_start),
        "steps": [{"action": s.action, "state": s.state, "on": _iso(s.on)}
                  for s in version.steps],
        "dates": step_dates(version),
        "current_step": None if current is None else {
            "state": current.state,
            "deadline": _iso(current.deadline),
            "status": current.status,
            "days_left": current.days_left,
            "days_overdue": current.days_overdue,
        },
        "schedule": schedule_record(version, on),
        "content_public": pige.content_public(version),
    }


def content_record(version: PlanVersion) -> dict[str, Any]:
    """The content of a version: call only where ``can_see_content`` said yes."""
    lines = version.content.get("lines", [])
    budget = [a["budget"] for line in lines for a in line["actions"] if a["budget"] is not None]
    return {
        "title": version.title,
        "summary": version.summary,
        "identifier_code": version.identifier_code or None,
        "resolution": version.resolution_number or None,
        "lines_addressed": [line["line"] for line in lines],
        "lines": lines,
        "actions_count": sum(len(line["actions"]) for line in lines),
        "indicators_count": len(indicators_of(version.content)),
        "total_budget": sum(budget) if budget else None,
        "observations": [{"on": _iso(s.on), "text": s.observations,
                          "sections": dict(s.observation_sections or {})}
                         for s in version.steps if s.observations],
        "documents": [{"kind": d.kind, "filename": d.filename, "size": d.size,
                       "sha256": d.sha256, "uploaded_on": _iso(d.uploaded_on)}
                      for d in version.documents],
        "reports": [
            {
                "year": report.year,
                "submitted_on": _iso(report.submitted_on),
                "values": [{"indicator": v.indicator, "achieved": v.achieved,
                            "comment": v.comment, "evidence": list(v.evidence)}
                           for v in report.values],
            }
            for report in version.reports
        ],
    }


def version_record(version: PlanVersion, actor, on: dt.date) -> dict[str, Any]:
    record = public_record(version, on)
    record["content"] = content_record(version) if pige.can_see_content(actor, version) else None
    return record


def plan_record(plan: Plan, actor, on: dt.date) -> dict[str, Any]:
    """A plan with every version (the public part always, content where the reader may)."""
    current = pige.current_version(plan)
    return {
        "entity": plan.entity.name,
        "entity_title": plan.entity.title,
        "current_version": current.number,
        "latest_version": plan.latest.number,
        "versions": [version_record(v, actor, on) for v in plan.versions],
    }
