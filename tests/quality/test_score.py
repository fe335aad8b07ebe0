"""MQA scores of hand-made datasets against points computed by hand (docs/quality.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import db
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.quality import mqa, services
from portal.quality.models import QualityScore
from tests import factories

pytestmark = pytest.mark.usefixtures("ctx")


def _full():
    factories.entity()
    factories.theme()
    ds = factories.dataset(
        "completo", keywords=["presupuesto"], themes=["economia"], spatial=["BO"],
        temporal_start="2020-01-01", temporal_end="2024-12-31", contact_name="Unidad de datos",
        contact_email="datos@ine.gob.bo", access_rights="public", issued="2024-01-01",
        modified="2024-06-01", license_id="CC-BY-4.0")
    factories.resource(ds, content=b"a,b\n1,2\n", name="Tabla", description="Datos",
                       format="CSV", media_type="text/csv")
    factories.resource(ds, url="https://example.org/informe.pdf", name="Informe",
                       description="Informe", format="PDF")
    return ds


def test_weights_add_up_to_the_methodology():
    assert mqa.MAX_POINTS == 405
    assert sum(i.weight for i in mqa.INDICATORS) == 405
    assert mqa.DIMENSION_MAX == {"findability": 100, "accessibility": 100,
                                 "interoperability": 110, "reusability": 75,
                                 "contextuality": 20}


def test_complete_dataset_with_an_upload_and_an_unchecked_link():
    ds = _full()
    assert services.score_datasets([ds.id]) == 1
    found = services.latest(ds.id)
    dims = found.assessment.dimensions
    # Findability: keywords 30 + themes 30 + spatial 20 + temporal 20.
    assert dims["findability"] == 100
    # Accessibility: access URL answered for 1 of 2 (the upload; the link was never checked,
    # so the remote one earns nothing) 50 * 1/2 = 25; a download URL for 1 of 2: 20 * 1/2 = 10;
    # that download URL answers: 30 * 1/1 = 30.
    assert dims["accessibility"] == 25 + 10 + 30
    # Interoperability: format 2/2 -> 20; media type 1/2 -> 5; format from the vocabulary
    # 2/2 -> 10; non-proprietary 1/2 (CSV, not PDF) -> 10; machine-readable 1/2 -> 10;
    # DCAT-AP compliant -> 30.
    assert dims["interoperability"] == 20 + 5 + 10 + 10 + 10 + 30
    # Reusability: licence 20 + EU licence vocabulary 10 + access rights 10 + its vocabulary 5
    # + contact point 20 + publisher 10.
    assert dims["reusability"] == 75
    # Contextuality: dct:rights 0 (no resource declares it); byte size 1/2 -> 2.5; issued 5;
    # modified 5.
    assert dims["contextuality"] == 0 + 2.5 + 5 + 5
    assert found.assessment.points == 100 + 65 + 85 + 75 + 12.5 == 337.5
    assert found.assessment.rating == "good"
    assert found.score.points == 337.5
    assert found.score.resources == 2 and found.score.links_unchecked == 1
    assert found.score.shacl_violations == 0
    # What to fix first: the largest gain.
    assert [(m.indicator.key, m.missing) for m in found.fixes][:3] == [
        ("access_url_status", 25), ("download_url", 10), ("machine_readable", 10)]


def test_rights_are_met_by_the_share_of_resources_that_declare_them():
    """dct:rights (5 points) as the resource field ``rights`` gives it: 1 of 2 resources is
    half the points, both all of them; while one is missing it is a fix to make."""
    ds = _full()
    catalog.update_resource(ds.resources[0], {"rights": "Uso libre citando al INE."}, SYSTEM,
                            partial=True)
    services.score_datasets([ds.id])
    found = services.latest(ds.id)
    assert found.assessment.values()["rights"] == 0.5
    assert found.assessment.dimensions["contextuality"] == 2.5 + 2.5 + 5 + 5
    assert ("rights", 2.5) in [(m.indicator.key, m.missing) for m in found.fixes]
    catalog.update_resource(ds.resources[1], {"rights": "https://example.org/derechos"},
                            SYSTEM, partial=True)
    services.score_datasets([ds.id])
    found = services.latest(ds.id)
    assert found.assessment.values()["rights"] == 1
    assert found.assessment.points == 337.5 + 5
    assert "rights" not in [m.indicator.key for m in found.fixes]


def test_bare_dataset():
    factories.entity()
    ds = factories.dataset("minimo")
    services.score_datasets([ds.id])
    found = services.latest(ds.id)
    # No distributions: every distribution indicator earns 0. Left: DCAT-AP compliance 30
    # (a missing distribution is only a recommendation), access rights 10 + vocabulary 5,
    # publisher 10.
    assert found.assessment.dimensions == {"findability": 0, "accessibility": 0,
                                           "interoperability": 30, "reusability": 25,
                                           "contextuality": 0}
    assert found.assessment.points == 55 and found.assessment.rating == "bad"
    assert {(f.cls, f.path) for f in found.findings if f.severity == "warning"} == {
        ("dcat:Dataset", p) for p in ("dcat:contactPoint", "dcat:distribution", "dcat:keyword",
                                      "dct:spatial", "dct:temporal", "dcat:theme")}


def test_a_resource_without_url_breaks_dcat_ap_compliance():
    factories.entity()
    ds = factories.dataset("sin-url")
    resource = factories.resource(ds, name="vacío", format="CSV")
    # The services refuse a resource without URL; rows written before that rule (or by hand)
    # may still lack one, and the export then breaks DCAT-AP's mandatory dcat:accessURL.
    with db.unit_of_work():
        db.session.get(type(resource), resource.id).url = ""
    services.score_datasets([ds.id])
    found = services.latest(ds.id)
    assert found.score.shacl_violations == 1
    values = found.assessment.values()
    assert values["dcat_ap"] == 0 and values["access_url_status"] == 0


def test_one_row_per_day_and_history_kept():
    factories.entity()
    ds = factories.dataset("historia")
    services.score_datasets([ds.id])
    services.score_datasets([ds.id])  # the same day: rewritten, not added
    rows = db.session.scalars(select(QualityScore).where(QualityScore.dataset_id == ds.id)).all()
    assert len(rows) == 1
    with db.unit_of_work():
        rows[0].day -= timedelta(days=1)
    services.score_datasets([ds.id])
    days = db.session.scalars(select(QualityScore.day).where(QualityScore.dataset_id == ds.id)
                              .order_by(QualityScore.day)).all()
    assert len(days) == 2 and days[1] == services.today()
