"""The observatory's figures, published as a dataset of the catalog itself (as the PIGE
registry is): ``observatorio-calidad-metadatos`` of AGETIC, with the entity ranking and the
catalog's trend as CSV files, regenerated through the catalog's services after each nightly
recomputation. A file whose bytes did not change is left as it is. Without an ``agetic`` entity
nothing is published."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from portal import db
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.generated import GeneratedFile, put_files
from portal.catalog.models import Dataset, Entity
from portal.quality import observatory

NAME = "observatorio-calidad-metadatos"
PUBLISHER = "agetic"


def dataset_input() -> dict[str, Any]:
    return {
        "name": NAME, "entity": PUBLISHER, "license_id": "CC-BY-4.0",
        "title": _("Observatorio de calidad de los metadatos del portal"),
        "description": _(
            "Puntuación de calidad de los metadatos (metodología MQA de data.europa.eu, 405 "
            "puntos) de los conjuntos de datos públicos del portal, por entidad, con sus "
            "enlaces rotos, la validez de sus recursos, su conformidad con DCAT-AP 3 y el "
            "estado de su PIGE; y la evolución diaria de la puntuación media del catálogo. Se "
            "regenera cada noche."),
        "keywords": ["calidad", "metadatos", "mqa", "observatorio"],
        "frequency": "DAILY", "language": ["es"], "extras": {"quality_observatory": "1"},
    }


def published_dataset() -> Dataset | None:
    return db.session.scalar(select(Dataset).where(Dataset.name == NAME,
                                                   Dataset.state != "deleted"))


def refresh() -> Dataset | None:
    """Create or bring up to date the dataset and its files (None without AGETIC)."""
    if db.session.scalar(select(Entity.id).where(Entity.name == PUBLISHER)) is None:
        return None
    dataset = published_dataset() or catalog.create_dataset(dataset_input(), SYSTEM)
    put_files(dataset, [
        GeneratedFile(f"observatorio-{table.name}.csv", "CSV", "text/csv", table.csv_bytes(),
                      description)
        for table, description in (
            (observatory.entity_table(), _("Entidades por puntuación MQA media, enlaces rotos, "
                                           "validez, DCAT-AP y PIGE.")),
            (observatory.trend_table(), _("Puntuación MQA media del catálogo por día.")))],
        SYSTEM)
    return dataset
