"""Translations as language-tagged literals in every DCAT serialisation (the fast Turtle writer
too), still conformant to DCAT-AP 3, and read back by the DCAT harvester."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from sqlalchemy import select

from portal import db
from portal.catalog import dcat
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.feeds.rows import RowLoader
from portal.harvest import services as harvest
from portal.rdf import (
    DCAT,
    DCT,
    FOAF,
    SKOS,
    add_triples,
    new_graph,
    parse_graph,
    turtle_prefixes,
)
from tests.feeds.sample import build_catalog
from tests.feeds.shacl import SHAPES_3_0_1, validate
from tests.harvest.conftest import add_source, harvest_app, site  # noqa: F401
from tests.harvest.servers import Reply
from tests.multilingual.conftest import add_bilingual

SITE = "http://127.0.0.1:5000"
FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


def _node(kind: str, name: str) -> URIRef:
    return URIRef(f"{SITE}/{kind}/{name}")


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_every_serialisation_tags_each_language_and_conforms(app, client, ext):
    with app.app_context():
        build_catalog()  # the whole sample catalog beside the translated dataset
        translated = add_bilingual()
    for url in (f"/catalog.{ext}", f"/dataset/{translated}.{ext}"):
        response = client.get(url)
        assert response.status_code == 200, url
        graph = parse_graph(response.data, FORMATS[ext])
        node = _node("dataset", translated)
        titles = set(graph.objects(node, DCT.title))
        assert titles == {Literal("Ejecución presupuestaria 2024", lang="es"),
                          Literal("Budget execution 2024", lang="en"),
                          Literal("Qullqi rakiy 2024", lang="qu")}, url
        assert Literal("Accrued spending by entity and budget line.", lang="en") in set(
            graph.objects(node, DCT.description))
        keywords = set(graph.objects(node, DCAT.keyword))
        assert {Literal("budget", lang="en"), Literal("presupuesto", lang="es")} <= keywords
        distribution = graph.value(node, DCAT.distribution)
        assert Literal("Data", lang="en") in set(graph.objects(distribution, DCT.title))
        assert Literal("Monthly table.", lang="en") in set(
            graph.objects(distribution, DCT.description))
        assert Literal("Economy", lang="en") in set(
            graph.objects(_node("group", "economia"), SKOS.prefLabel))
        assert Literal("Public finance.", lang="en") in set(
            graph.objects(_node("group", "economia"), SKOS.definition))
        assert Literal("Ministry of Economy and Public Finance", lang="en") in set(
            graph.objects(_node("organization", "mefp"), FOAF.name))
        outcome = validate(graph, SHAPES_3_0_1)
        assert outcome.violations == [], outcome.violations


def test_fast_turtle_writer_gives_the_translations_of_objects_and_rows(app, translated):
    from portal.catalog.dcat_turtle import dataset_turtle

    with app.app_context():
        dataset = catalog.get_dataset(translated)
        row = RowLoader(db.session).load([dataset.id])[0]
        for item in (dataset, row):
            refs = dcat.References()
            written = parse_graph(turtle_prefixes() + dataset_turtle(item, SITE, refs),
                                  "turtle")
            expected = new_graph()
            add_triples(expected, dcat.dataset_triples(dataset, SITE, dcat.References()))
            assert isomorphic(written, expected), type(item)
            assert Literal("budget", lang="en") in set(written.objects(None, DCAT.keyword))


def test_dataset_from_rdf_reads_back_what_dataset_to_rdf_wrote(app, translated):
    with app.app_context():
        dataset = catalog.get_dataset(translated)
        graph = new_graph()
        node = dcat.dataset_to_rdf(dataset, graph, SITE)
        values = dcat.dataset_from_rdf(graph, node)
    assert values["title"] == "Ejecución presupuestaria 2024"
    assert values["title_translated"] == {"en": "Budget execution 2024",
                                          "qu": "Qullqi rakiy 2024"}
    assert values["description_translated"] == {
        "en": "Accrued spending by entity and budget line."}
    assert values["keywords"] == ["gasto", "presupuesto"]
    assert values["keywords_translated"] == {"en": ["budget", "spending"]}
    assert values["resources"][0]["name_translated"] == {"en": "Data"}
    assert values["extras"]["publisher"]["title_translated"] == {
        "en": "Ministry of Economy and Public Finance"}


REMOTE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://remoto.example/catalog> a dcat:Catalog ; dct:title "Remoto"@es ;
    dcat:dataset <https://remoto.example/dataset/censo> .
<https://remoto.example/dataset/censo> a dcat:Dataset ;
    dct:title "Censo agropecuario"@es, "Agricultural census"@en-GB, "Recensement"@fr ;
    dct:description "Unidades productivas."@es, "Farm holdings."@en ;
    dcat:keyword "agro"@es, "farming"@en, "yapu"@ay ;
    dcat:distribution <https://remoto.example/dist/1> .
<https://remoto.example/dist/1> a dcat:Distribution ;
    dct:title "Tabla"@es, "Table"@en ;
    dcat:accessURL <https://remoto.example/censo.csv> .
"""


def test_dcat_harvest_keeps_the_translations(site, add_source):  # noqa: F811
    site.add("/catalog.ttl", Reply(REMOTE.encode(), content_type="text/turtle"))
    source = add_source("remoto", "dcat", f"{site.base}/catalog.ttl",
                        config={"default_license": "CC-BY-4.0"})
    job = harvest.run_source(source)
    assert job.counts["added"] == 1, harvest.report_dict(job)
    dataset = db.session.scalar(select(Dataset).where(Dataset.title == "Censo agropecuario"))
    assert dataset.title_translated == {"en": "Agricultural census"}  # fr is not offered
    assert dataset.description_translated == {"en": "Farm holdings."}
    assert dataset.keywords == ["agro"]
    assert dataset.keywords_translated == {"en": ["farming"], "ay": ["yapu"]}
    assert dataset.resources[0].name_translated == {"en": "Table"}

    # The source drops its English title: the next harvest drops it too.
    site.add("/catalog.ttl", Reply(REMOTE.replace(', "Agricultural census"@en-GB', "")
                                   .encode(), content_type="text/turtle"))
    harvest.run_source(source)
    db.session.refresh(dataset)
    assert dataset.title_translated == {}
