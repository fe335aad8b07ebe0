"""PIGE actions of the Action API: ``pige_plan_list``, ``pige_plan_show``, ``pige_progress_show``.

Importing this module registers them (``portal.api.actions`` imports it). They return
``records`` (confidentiality applied for the caller): a confidential plan's content is never in a
result, whoever asks.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import validate

from portal.api.fields import Integer, String
from portal.api.params import Params
from portal.api.registry import action
from portal.pige import national, records
from portal.pige import services as pige

_YEARS = pige.frame().plan.years


def _doc(description: str) -> dict[str, Any]:
    return {"metadata": {"description": description}}


def _year():
    return Integer(validate=validate.Range(
        min=_YEARS[0], max=_YEARS[-1],
        error=_l("El año debe estar en el periodo del plan ({min}-{max}).")),
        **_doc(f"Year of the plan period ({_YEARS[0]}-{_YEARS[-1]}); default: this year."))


class PigePlanListParams(Params):
    state = String(**_doc("Only plans whose latest version is in this procedure state "
                          "(e.g. publicado, registrado)."))


class PigePlanShowParams(Params):
    id = String(required=True, **_doc("Name or id of the entity whose plan to show."))
    version = Integer(validate=validate.Range(min=1, error=_l("Debe ser 1 o más.")),
                      **_doc("Version number; default: every version."))


class PigeProgressShowParams(Params):
    id = String(**_doc("Name or id of an entity: its plan's progress. Without it: the national "
                       "progress."))
    year = _year()


_STEP = {"type": "object", "properties": {
    "action": {"type": "string"}, "state": {"type": "string"},
    "on": {"type": "string", "format": "date"}}}
_VERSION = {
    "type": "object",
    "description": "A plan version. `content` is null when the caller may not read it (always "
                   "for a confidential plan).",
    "properties": {
        "entity": {"type": "string"}, "entity_title": {"type": "string"},
        "version": {"type": "integer"}, "kind": {"type": "string"},
        "state": {"type": "string"}, "state_label": {"type": "string"},
        "approved": {"type": "boolean"}, "confidential": {"type": "boolean"},
        "created_on": {"type": "string", "format": "date"},
        "steps": {"type": "array", "items": _STEP},
        "current_step": {"type": "object", "nullable": True},
        "schedule": {"type": "array", "items": {"type": "object"}},
        "content": {"type": "object", "nullable": True},
    },
}
_PLAN = {"type": "object", "properties": {
    "entity": {"type": "string"}, "entity_title": {"type": "string"},
    "current_version": {"type": "integer"}, "latest_version": {"type": "integer"},
    "versions": {"type": "array", "items": _VERSION}}}


@action("pige_plan_list", params=PigePlanListParams,
        result={"type": "array", "items": _VERSION}, tag="pige")
def pige_plan_list(values, actor):
    """Return the latest version of every entity's e-government plan (PIGE).

    Each item says where the plan stands in the procedure of DS 5468, Chapter VI, with its dated
    steps and deadlines; ``content`` is given only where the caller may read it (published, or
    to the entity's members and AGETIC before publication; never for a confidential plan).
    """
    on = pige.today()
    out = []
    for plan in pige.list_plans():
        latest = plan.latest
        if values.get("state") and latest.state != values["state"]:
            continue
        out.append(records.version_record(latest, actor, on))
    return out


@action("pige_plan_show", params=PigePlanShowParams, result=_PLAN, tag="pige")
def pige_plan_show(values, actor):
    """Return an entity's plan with its versions (or one ``version``).

    Earlier approved versions stay readable after an update.
    """
    plan = pige.get_plan(values["id"])
    record = records.plan_record(plan, actor, pige.today())
    if values.get("version") is not None:
        version = pige.get_version(values["id"], values["version"])
        record["versions"] = [v for v in record["versions"] if v["version"] == version.number]
    return record


def _progress_record(progress) -> dict[str, Any]:
    return {
        "year": progress.year,
        "progress": progress.progress,
        "coverage": progress.coverage,
        "lines": [{"line": ln.line, "progress": ln.progress,
                   "indicators": [{"indicator": i.indicator, "status": i.status,
                                   "baseline": i.baseline, "target": i.target,
                                   "achieved": i.achieved, "progress": i.progress, "met": i.met}
                                  for i in ln.indicators]}
                  for ln in progress.lines],
    }


@action("pige_progress_show", params=PigeProgressShowParams, result={
    "type": "object",
    "description": "With `id`: the plan's progress per line and indicator (null `progress` "
                   "when the caller may not read the plan). Without: the national figures "
                   "(`internal`, counting every plan: AGETIC and sysadmins only).",
}, tag="pige")
def pige_progress_show(values, actor):
    """Return the progress of a plan against its yearly targets, or the national progress.

    National progress is the mean of the published plans' progress; per line, the mean of their
    progress on the line. Line 13's open-data target is also measured from the catalog itself
    (``catalog_targets``).
    """
    year = values.get("year") or pige.default_year()
    if values.get("id"):
        plan = pige.get_plan(values["id"])
        version = pige.current_version(plan)
        visible = pige.can_see_content(actor, version)
        return {
            "entity": plan.entity.name,
            "version": version.number,
            "state": version.state,
            "confidential": version.confidential,
            "progress": _progress_record(pige.progress_of(version, year)) if visible else None,
        }
    board = national.dashboard(year, internal=pige.is_monitor(actor))
    progress = board.progress
    return {
        "year": year,
        "progress": progress.progress,
        "by_line": {str(k): v for k, v in progress.by_line.items()},
        "plans_counted": progress.plans_counted,
        "non_public_plans_in_figures": board.hidden_in_figures,
        "non_public_plans_withheld": board.hidden_withheld,
        "registration_deadline": board.registration_deadline.isoformat(),
        "entities_total": progress.entities_total,
        "entities_with_plan": list(progress.entities_with_plan),
        "entities_with_approved_plan": list(progress.entities_with_approved_plan),
        "entities_without_plan": list(progress.entities_without_plan),
        "entities": [{"entity": r.entity.name, "scope": r.scope.kind,
                      "paragraph": r.scope.paragraph, "has_plan": r.plan is not None}
                     for r in board.rows],
        "overdue": [{"entity": r.entity.name,
                     "state": r.version.state if r.version else None,
                     "days_overdue": r.days_overdue, "unit": r.step.unit}
                    for r in board.overdue],
        "yearly_reports": [{"entity": r.entity.name, "scope": r.scope.kind,
                            "approved_on": r.approved_on.isoformat(),
                            "filed_on": r.filed_on.isoformat() if r.filed_on else None}
                           for r in board.reports],
        "internal": None if board.internal is None else {
            "progress": board.internal.progress,
            "by_line": {str(k): v for k, v in board.internal.by_line.items()},
            "plans_counted": board.internal.plans_counted,
        },
        "catalog_targets": [
            {"target": m["target"].id, "line": m["target"].line,
             "numerator": m["attainment"].numerator, "denominator": m["attainment"].denominator,
             "value": m["attainment"].value, "target_value": m["attainment"].target_value,
             "progress": m["attainment"].progress, "met": m["attainment"].met,
             "entities_publishing": m["publishing"],
             "reported": [{"entity": r["entity"].name, "progress": r["progress"]}
                          for r in m["reported"]]}
            for m in board.catalog_targets
        ],
    }
