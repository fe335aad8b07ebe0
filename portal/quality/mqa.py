"""The Metadata Quality Assessment (MQA) of data.europa.eu, for one dataset: pure, no database.

The methodology (https://data.europa.eu/mqa/methodology, implemented by piveau-mqa) scores a
dataset's DCAT-AP description on five dimensions derived from FAIR, 405 points in all. Each
indicator checks one property; an indicator measured on distributions earns its weight times the
share of distributions that meet it (as the methodology's catalogue figures and ckan-mqa do). The
indicators, weights and sources are listed in docs/quality.md.

``assess(facts)`` takes the ``DatasetFacts`` (what the portal's DCAT export says of the dataset,
built by ``portal.quality.facts``) and returns an ``Assessment``: one ``Measurement`` per
indicator, the points per dimension, the total and the rating. A measurement whose input is not
known yet (a link never checked) is ``None``: it earns nothing and says so, it is never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

MAX_POINTS = 405
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability",
              "contextuality")
DIMENSION_LABELS = {
    "findability": _l("Localizable"),
    "accessibility": _l("Accesible"),
    "interoperability": _l("Interoperable"),
    "reusability": _l("Reutilizable"),
    "contextuality": _l("Contexto"),
}
#: Column names of the dimensions in the published figures (CSV files, tables).
DIMENSION_COLUMNS = {"findability": "localizable", "accessibility": "accesible",
                     "interoperability": "interoperable", "reusability": "reutilizable",
                     "contextuality": "contexto"}
#: The methodology's ratings: the lowest total of each, best first.
RATINGS = (("excellent", 351), ("good", 221), ("sufficient", 121), ("bad", 0))
RATING_LABELS = {"excellent": _l("Excelente"), "good": _l("Buena"),
                 "sufficient": _l("Suficiente"), "bad": _l("Insuficiente")}


@dataclass(frozen=True)
class DistributionFacts:
    """What the DCAT export says of one distribution, plus its link check."""

    resource_id: str
    access_url: bool
    download_url: bool
    #: The access URL answered (2xx/3xx) at its last check; None: never checked.
    access_ok: bool | None
    download_ok: bool | None
    format: bool
    media_type: bool
    format_in_vocabulary: bool
    non_proprietary: bool
    machine_readable: bool
    licence: bool
    licence_in_vocabulary: bool
    rights: bool
    byte_size: bool


@dataclass(frozen=True)
class DatasetFacts:
    keywords: bool
    themes: bool
    spatial: bool
    temporal: bool
    access_rights: bool
    access_rights_in_vocabulary: bool
    contact_point: bool
    publisher: bool
    issued: bool
    modified: bool
    #: No violation of the DCAT-AP 3 mandatory shapes (``portal.quality.shacl``).
    dcat_ap_compliant: bool
    distributions: tuple[DistributionFacts, ...] = ()


Check = Callable[[DatasetFacts], "float | None"]


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    weight: int
    #: The DCAT property checked, and on which class.
    prop: str
    on: str
    label: object
    fix: object
    check: Check
    #: False when no field of the portal could meet it: it would count in the score but be left
    #: out of the fix reports (every indicator has its field today).
    fixable: bool = True


def _share(test: Callable[[DistributionFacts], bool | None],
           among: Callable[[DistributionFacts], bool] = lambda d: True) -> Check:
    """The share of distributions (those ``among``) meeting ``test``; None when none of them
    has been measured yet."""

    def check(facts: DatasetFacts) -> float | None:
        total = measured = met = 0
        for distribution in facts.distributions:
            if not among(distribution):
                continue
            total += 1
            result = test(distribution)
            if result is not None:
                measured += 1
                met += bool(result)
        if not total:
            return 0.0
        return met / total if measured else None

    return check


def _has(attribute: str) -> Check:
    return lambda facts: 1.0 if getattr(facts, attribute) else 0.0


def _dist(attribute: str) -> Check:
    return _share(lambda d: getattr(d, attribute))


INDICATORS: tuple[Indicator, ...] = (
    # Findability: 100
    Indicator("keywords", "findability", 30, "dcat:keyword", "dcat:Dataset",
              _l("Palabras clave"), _l("Añada palabras clave."), _has("keywords")),
    Indicator("themes", "findability", 30, "dcat:theme", "dcat:Dataset",
              _l("Categorías (temas)"), _l("Asigne al menos un tema."), _has("themes")),
    Indicator("spatial", "findability", 20, "dct:spatial", "dcat:Dataset",
              _l("Cobertura geográfica"), _l("Indique la cobertura geográfica."),
              _has("spatial")),
    Indicator("temporal", "findability", 20, "dct:temporal", "dcat:Dataset",
              _l("Cobertura temporal"), _l("Indique el periodo que cubren los datos."),
              _has("temporal")),
    # Accessibility: 100
    Indicator("access_url_status", "accessibility", 50, "dcat:accessURL", "dcat:Distribution",
              _l("URL de acceso disponible"),
              _l("Corrija los enlaces de acceso rotos de los recursos."),
              _share(lambda d: d.access_ok if d.access_url else False)),
    Indicator("download_url", "accessibility", 20, "dcat:downloadURL", "dcat:Distribution",
              _l("URL de descarga"),
              _l("Suba los archivos al portal o dé su enlace de descarga directa."),
              _dist("download_url")),
    Indicator("download_url_status", "accessibility", 30, "dcat:downloadURL",
              "dcat:Distribution", _l("URL de descarga disponible"),
              _l("Corrija los enlaces de descarga rotos."),
              lambda facts: (_share(lambda d: d.download_ok, lambda d: d.download_url)(facts)
                             if any(d.download_url for d in facts.distributions) else 0.0)),
    # Interoperability: 110
    Indicator("format", "interoperability", 20, "dct:format", "dcat:Distribution",
              _l("Formato"), _l("Indique el formato de cada recurso."), _dist("format")),
    Indicator("media_type", "interoperability", 10, "dcat:mediaType", "dcat:Distribution",
              _l("Tipo de medio"), _l("Indique el tipo de medio (MIME) de cada recurso."),
              _dist("media_type")),
    Indicator("format_vocabulary", "interoperability", 10, "dct:format", "dcat:Distribution",
              _l("Formato de un vocabulario controlado"),
              _l("Use un formato de la lista del portal (CSV, JSON, XLSX...)."),
              _dist("format_in_vocabulary")),
    Indicator("non_proprietary", "interoperability", 20, "dct:format", "dcat:Distribution",
              _l("Formato no propietario"),
              _l("Publique también en un formato abierto (CSV, JSON, ODS...)."),
              _dist("non_proprietary")),
    Indicator("machine_readable", "interoperability", 20, "dct:format", "dcat:Distribution",
              _l("Formato legible por máquina"),
              _l("Publique los datos en un formato legible por máquina, no en PDF o imagen."),
              _dist("machine_readable")),
    Indicator("dcat_ap", "interoperability", 30, "DCAT-AP 3", "dcat:Dataset",
              _l("Conformidad con DCAT-AP"),
              _l("Corrija las violaciones de DCAT-AP 3 listadas abajo."),
              _has("dcat_ap_compliant")),
    # Reusability: 75
    Indicator("licence", "reusability", 20, "dct:license", "dcat:Distribution",
              _l("Licencia"), _l("Elija una licencia."), _dist("licence")),
    Indicator("licence_vocabulary", "reusability", 10, "dct:license", "dcat:Distribution",
              _l("Licencia de un vocabulario controlado"),
              _l("Elija una licencia de la tabla de licencias de la UE (CC-BY-4.0, CC0...)."),
              _dist("licence_in_vocabulary")),
    Indicator("access_rights", "reusability", 10, "dct:accessRights", "dcat:Dataset",
              _l("Restricciones de acceso"), _l("Indique los derechos de acceso."),
              _has("access_rights")),
    Indicator("access_rights_vocabulary", "reusability", 5, "dct:accessRights", "dcat:Dataset",
              _l("Restricciones de acceso de un vocabulario controlado"),
              _l("Use un valor de derechos de acceso de la lista."),
              _has("access_rights_in_vocabulary")),
    Indicator("contact_point", "reusability", 20, "dcat:contactPoint", "dcat:Dataset",
              _l("Punto de contacto"), _l("Dé un nombre o correo de contacto."),
              _has("contact_point")),
    Indicator("publisher", "reusability", 10, "dct:publisher", "dcat:Dataset",
              _l("Publicador"), _l("Asigne el conjunto a una entidad."), _has("publisher")),
    # Contextuality: 20
    Indicator("rights", "contextuality", 5, "dct:rights", "dcat:Distribution",
              _l("Derechos"), _l("Declare los derechos de cada recurso (dct:rights)."),
              _dist("rights")),
    Indicator("byte_size", "contextuality", 5, "dcat:byteSize", "dcat:Distribution",
              _l("Tamaño del archivo"), _l("Indique el tamaño de cada archivo."),
              _dist("byte_size")),
    Indicator("issued", "contextuality", 5, "dct:issued", "dcat:Dataset",
              _l("Fecha de publicación"), _l("Indique la fecha de publicación."),
              _has("issued")),
    Indicator("modified", "contextuality", 5, "dct:modified", "dcat:Dataset",
              _l("Fecha de modificación"), _l("Indique la fecha de la última modificación."),
              _has("modified")),
)
BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
DIMENSION_MAX = {dim: sum(i.weight for i in INDICATORS if i.dimension == dim)
                 for dim in DIMENSIONS}


@dataclass(frozen=True)
class Measurement:
    indicator: Indicator
    #: Share met, 0..1 (1 or 0 for a dataset property); None: not measured yet.
    value: float | None

    @property
    def points(self) -> float:
        return round(self.indicator.weight * (self.value or 0.0), 2)

    @property
    def missing(self) -> float:
        """What fixing this indicator would gain."""
        return round(self.indicator.weight - self.points, 2)

    @property
    def to_fix(self) -> bool:
        return self.indicator.fixable and self.missing > 0


@dataclass(frozen=True)
class Assessment:
    measurements: tuple[Measurement, ...]
    dimensions: dict[str, float] = field(default_factory=dict)

    @property
    def points(self) -> float:
        return round(sum(m.points for m in self.measurements), 2)

    @property
    def rating(self) -> str:
        return rating(self.points)

    def values(self) -> dict[str, float | None]:
        return {m.indicator.key: m.value for m in self.measurements}


def rating(points: float) -> str:
    return next(name for name, floor in RATINGS if points >= floor)


def assess(facts: DatasetFacts) -> Assessment:
    measurements = tuple(Measurement(i, i.check(facts)) for i in INDICATORS)
    return from_measurements(measurements)


def from_values(values: dict[str, float | None]) -> Assessment:
    """An assessment rebuilt from stored values (``Assessment.values``)."""
    return from_measurements(tuple(Measurement(i, values.get(i.key)) for i in INDICATORS))


def from_measurements(measurements: tuple[Measurement, ...]) -> Assessment:
    dimensions = dict.fromkeys(DIMENSIONS, 0.0)
    for measurement in measurements:
        dimensions[measurement.indicator.dimension] += measurement.points
    return Assessment(measurements, {dim: round(v, 2) for dim, v in dimensions.items()})
