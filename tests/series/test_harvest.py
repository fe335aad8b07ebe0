"""Harvest of series: a DCAT source (this portal's own Turtle export of a series, and a
ckanext-dcat-style graph where the series is only a dcat:DatasetSeries listed after its
members) and a CKAN source with ckanext-dataset-series' ``dataset_series`` packages."""

from __future__ import annotations

from portal import db
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.harvest import services as harvest
from portal.series import services
from tests.harvest.conftest import add_source, harvest_app, site  # noqa: F401
from tests.harvest.servers import FakeCkan, Reply, ckan_package
from tests.series.conftest import build_series

MEMBERS = ["ejecucion-2023", "ejecucion-2024", "ejecucion-2025"]


def _members(app, series_name: str) -> list[str]:
    with app.app_context():
        return [d.name for d in services.members(services.get_series(series_name))]


def test_dcat_harvest_of_this_portals_export_keeps_the_series(app, site, add_source):  # noqa: F811
    # The source: a portal's catalog with the series, as Turtle (built, exported, then the
    # series and members removed, so the harvest has to create them again).
    with app.app_context():
        build_series()
    exported = app.test_client().get("/catalog.ttl").data
    with app.app_context():
        for name in [*MEMBERS, "ejecucion-2026", "ejecucion-presupuestaria"]:
            catalog.purge_dataset(catalog.get_dataset(name), SYSTEM)
    site.add("/catalog.ttl", Reply(exported, content_type="text/turtle"))
    with app.app_context():
        job = harvest.run_source(add_source("espejo", "dcat", f"{site.base}/catalog.ttl",
                                            entity="ine"))
        assert job.counts["failed"] == 0, job
    assert _members(app, "ejecucion-presupuestaria") == MEMBERS


CKANEXT_DCAT = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix cc: <https://creativecommons.org/licenses/by/4.0/> .
<https://remoto.example/dataset/censo-2012> a dcat:Dataset ;
    dct:title "Censo 2012"@es ; dct:description "Ronda 2012."@es ; dct:license cc: ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2012-11-21"^^xsd:date ] ;
    dcat:inSeries <https://remoto.example/dataset/censos> .
<https://remoto.example/dataset/censo-2024> a dcat:Dataset ;
    dct:title "Censo 2024"@es ; dct:description "Ronda 2024."@es ; dct:license cc: ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2024-03-23"^^xsd:date ] ;
    dcat:inSeries <https://remoto.example/dataset/censos> .
<https://remoto.example/dataset/censos> a dcat:DatasetSeries ;
    dct:title "Censos de población"@es ; dct:description "Cada ronda del censo."@es ;
    dct:license cc: .
"""


def test_dcat_harvest_reads_a_series_typed_only_as_dataset_series(app, site,  # noqa: F811
                                                                 add_source):  # noqa: F811
    site.add("/catalog.ttl", Reply(CKANEXT_DCAT.encode(), content_type="text/turtle"))
    with app.app_context():
        job = harvest.run_source(add_source("remoto", "dcat", f"{site.base}/catalog.ttl"))
        assert job.counts["added"] == 3 and job.counts["failed"] == 0, _items(job)
        [series] = [d for d in db.session.scalars(catalog.public_datasets_query())
                    if services.is_series(d.id)]
        assert series.title == "Censos de población"
        assert [d.title for d in services.members(series)] == ["Censo 2012", "Censo 2024"]
    # The source drops a member from the series: the next run follows.
    site.add("/catalog.ttl", Reply(CKANEXT_DCAT.replace(
        "dcat:inSeries <https://remoto.example/dataset/censos> .\n<https://remoto.example/"
        "dataset/censo-2024>", ".\n<https://remoto.example/dataset/censo-2024>", 1).encode(),
        content_type="text/turtle"))
    with app.app_context():
        harvest.run_source(harvest.get_source("remoto"))
        assert [d.title for d in services.members(catalog.get_dataset(series.name))] == [
            "Censo 2024"]


def test_ckan_harvest_reads_dataset_series_and_in_series(app, site,  # noqa: F811
                                                         add_source):  # noqa: F811
    series_id = "00000000-0000-4000-8000-000000000099"
    packages = [
        ckan_package(1, title="Ejecución 2023", in_series=[series_id],
                     extras=[{"key": "temporal_start", "value": "2023-01-01"}]),
        ckan_package(2, title="Ejecución 2022", in_series=[series_id],
                     extras=[{"key": "temporal_start", "value": "2022-01-01"}]),
        ckan_package(99, id=series_id, name="ejecucion", title="Ejecución presupuestaria",
                     type="dataset_series", resources=[]),
    ]
    FakeCkan(site, packages)
    with app.app_context():
        job = harvest.run_source(add_source("ckan-remoto", "ckan", site.base))
        assert job.counts["added"] == 3 and job.counts["failed"] == 0, job
    assert _titles(app, "ejecucion") == ["Ejecución 2022", "Ejecución 2023"]


def _titles(app, series_name: str) -> list[str]:
    with app.app_context():
        return [d.title for d in services.members(services.get_series(series_name))]


def _items(job) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from portal.harvest.models import HarvestItem

    return [(i.status, i.message) for i in db.session.scalars(
        select(HarvestItem).where(HarvestItem.job_id == job.id))]
