"""The DCAT-AP 3 shapes, as code, for one dataset of the portal's export.

pyshacl takes seconds per dataset on the shapes of DCAT-AP 3.0.1 (shapes.ttl, range.ttl and
shapes_recommended.ttl): far too slow for 100,000 datasets a night. The portal's export
(``portal.catalog.dcat.dataset_triples``) writes every class, datatype and vocabulary the range
shapes ask for by construction, so what a dataset's own fields can break is known and few; these
checks test exactly those constraints on the fields. ``tests/quality/test_shacl.py`` runs pyshacl
on the exported graphs of hand-made datasets and compares its results with these, constraint by
constraint, so the two cannot drift apart silently.

Findings have the shape of the validation reports (a type slug, a message, a location).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.catalog.licenses import get_license

#: (severity, class, property) -> message. Severity: violation (shapes.ttl, mandatory) or
#: warning (shapes_recommended.ttl).
MESSAGES = {
    ("violation", "dcat:Dataset", "dct:title"): _l("El conjunto no tiene título."),
    ("violation", "dcat:Distribution", "dcat:accessURL"):
        _l("El recurso no tiene URL de acceso."),
    ("warning", "dcat:Dataset", "dcat:contactPoint"): _l("Falta el punto de contacto."),
    ("warning", "dcat:Dataset", "dcat:distribution"): _l("El conjunto no tiene recursos."),
    ("warning", "dcat:Dataset", "dcat:keyword"): _l("Faltan palabras clave."),
    ("warning", "dcat:Dataset", "dct:publisher"): _l("Falta el publicador."),
    ("warning", "dcat:Dataset", "dct:spatial"): _l("Falta la cobertura geográfica."),
    ("warning", "dcat:Dataset", "dct:temporal"): _l("Falta la cobertura temporal."),
    ("warning", "dcat:Dataset", "dcat:theme"): _l("Falta el tema."),
    ("warning", "dcat:Distribution", "dct:format"): _l("El recurso no tiene formato."),
    ("warning", "dcat:Distribution", "dct:license"): _l("El recurso no tiene licencia."),
    ("warning", "dct:PeriodOfTime", "dcat:startDate"):
        _l("La cobertura temporal no tiene fecha de inicio."),
    ("warning", "dct:PeriodOfTime", "dcat:endDate"):
        _l("La cobertura temporal no tiene fecha de fin."),
}


@dataclass(frozen=True)
class Finding:
    severity: str  # violation | warning
    focus: str  # "dataset", "period" or a resource id
    cls: str
    path: str

    @property
    def type(self) -> str:
        return "dcat-ap-" + ("violation" if self.severity == "violation" else "recommendation")

    @property
    def message(self) -> Any:
        return MESSAGES[(self.severity, self.cls, self.path)]

    def to_dict(self) -> dict[str, str]:
        return {"type": self.type, "severity": self.severity, "focus": self.focus,
                "class": self.cls, "path": self.path, "message": str(self.message)}


def check(dataset: Any) -> list[Finding]:
    """The findings of the DCAT-AP 3 shapes (mandatory and recommended) on ``dataset``'s export
    (the export writes a ``dct:license`` for any licence of the registry, and a distribution's
    ``dct:description`` always: generated from its name and format when it has none)."""
    found: list[Finding] = []

    def need(value: Any, severity: str, focus: str, cls: str, path: str) -> None:
        if not value:
            found.append(Finding(severity, focus, cls, path))

    need(dataset.title, "violation", "dataset", "dcat:Dataset", "dct:title")
    need(dataset.contact_name or dataset.contact_email, "warning", "dataset", "dcat:Dataset",
         "dcat:contactPoint")
    need(dataset.resources, "warning", "dataset", "dcat:Dataset", "dcat:distribution")
    need(dataset.keywords, "warning", "dataset", "dcat:Dataset", "dcat:keyword")
    need(dataset.entity is not None, "warning", "dataset", "dcat:Dataset", "dct:publisher")
    need(dataset.spatial, "warning", "dataset", "dcat:Dataset", "dct:spatial")
    has_period = dataset.temporal_start or dataset.temporal_end
    need(has_period, "warning", "dataset", "dcat:Dataset", "dct:temporal")
    need(dataset.themes, "warning", "dataset", "dcat:Dataset", "dcat:theme")
    if has_period:
        need(dataset.temporal_start, "warning", "period", "dct:PeriodOfTime", "dcat:startDate")
        need(dataset.temporal_end, "warning", "period", "dct:PeriodOfTime", "dcat:endDate")
    for resource in dataset.resources:
        need(resource.is_upload or resource.url, "violation", resource.id,
             "dcat:Distribution", "dcat:accessURL")
        need(resource.format, "warning", resource.id, "dcat:Distribution", "dct:format")
        need(get_license(resource.license_id or dataset.license_id), "warning", resource.id,
             "dcat:Distribution", "dct:license")
    return found
