"""API actions of quality: ``quality_show`` (one dataset's latest score) and
``quality_organization_show`` (an entity's scorecard). Loaded by ``portal.api.actions.load``
through its ``MODULES`` list (entry ``portal.quality.api``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.api.params import IdParams
from portal.api.registry import TAGS, action
from portal.catalog import services as catalog
from portal.errors import NotFound
from portal.quality import mqa, observatory, services

TAG = "quality"
TAGS.setdefault(TAG, "Quality")

_NUMBER = {"type": "number"}
_INDICATOR = {"type": "object", "properties": {
    "key": {"type": "string"}, "dimension": {"type": "string"}, "property": {"type": "string"},
    "weight": {"type": "integer"}, "value": {"type": "number", "nullable": True},
    "points": _NUMBER, "gain": _NUMBER, "fix": {"type": "string"},
    "fixable": {"type": "boolean"}}}
QUALITY = {"type": "object", "description": "A dataset's latest MQA score.", "properties": {
    "dataset_id": {"type": "string"}, "day": {"type": "string", "format": "date"},
    "points": _NUMBER, "max_points": {"type": "integer"}, "rating": {"type": "string"},
    "dimensions": {"type": "object", "additionalProperties": _NUMBER},
    "indicators": {"type": "array", "items": _INDICATOR},
    "dcat_ap": {"type": "object", "properties": {
        "violations": {"type": "integer"}, "warnings": {"type": "integer"},
        "findings": {"type": "array", "items": {"type": "object"}}}},
    "validation": {"type": "object", "properties": {
        key: {"type": "integer"} for key in ("resources", "valid", "invalid")}},
    "links": {"type": "object", "properties": {
        key: {"type": "integer"} for key in ("broken", "unchecked")}}}}
SCORECARD = {"type": "object", "description": "An entity's scorecard.", "properties": {
    "entity": {"type": "string"}, "summary": {"type": "object", "nullable": True},
    "rank": {"type": "array", "items": {"type": "integer"}, "nullable": True},
    "fixes": {"type": "array", "items": {"type": "object"}}}}


def quality_dict(found: services.DatasetQuality) -> dict[str, Any]:
    score, assessment = found.score, found.assessment
    return {
        "dataset_id": score.dataset_id, "day": score.day.isoformat(),
        "points": assessment.points, "max_points": mqa.MAX_POINTS,
        "rating": assessment.rating, "dimensions": assessment.dimensions,
        "indicators": [{"key": m.indicator.key, "dimension": m.indicator.dimension,
                        "property": m.indicator.prop, "weight": m.indicator.weight,
                        "value": m.value, "points": m.points, "gain": m.missing,
                        "fix": str(m.indicator.fix), "fixable": m.indicator.fixable}
                       for m in assessment.measurements],
        "dcat_ap": {"violations": score.shacl_violations, "warnings": score.shacl_warnings,
                    "findings": [f.to_dict() for f in found.findings]},
        "validation": {"resources": score.resources, "valid": score.resources_valid,
                       "invalid": score.resources_invalid},
        "links": {"broken": score.links_broken, "unchecked": score.links_unchecked},
    }


@action("quality_show", params=IdParams, result=QUALITY, tag=TAG)
def quality_show(values, actor):
    """Return a dataset's latest metadata quality score (MQA of data.europa.eu, 405 points):
    per dimension and indicator with the points each fix gains, its DCAT-AP 3 findings, and
    the validation and link-check counts of its resources."""
    dataset = catalog.read_dataset(values["id"], actor)
    found = services.latest(dataset.id)
    if found is None:
        raise NotFound(str(_l("El conjunto «{ref}» todavía no tiene puntuación.")).format(
            ref=dataset.name))
    return quality_dict(found)


@action("quality_organization_show", params=IdParams, result=SCORECARD, tag=TAG)
def quality_organization_show(values, actor):
    """Return an entity's scorecard: its public datasets' average score and counts, its rank,
    and what to fix first, ordered by the points it gains."""
    entity = catalog.get_entity(values["id"])
    fixes = observatory.fix_table(entity.name)
    summary, rank = observatory.scorecard(entity.name)
    return {"entity": entity.name, "summary": summary, "rank": list(rank) if rank else None,
            "fixes": [dict(zip(fixes.columns, row, strict=True)) for row in fixes.rows]}
