"""Quality over HTTP: the dataset page's card, quality_show, the DQV measurements in the
dataset's DCAT document, the metrics vocabulary, and a change re-scoring the dataset."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from portal import db
from portal.quality import services
from tests import factories
from tests.conformance import conformance_file
from tests.feeds.shacl import RECOMMENDED_3_0_1, SHAPES_3_0_1, validate
from tests.quality.test_score import _full

DQV = Namespace("http://www.w3.org/ns/dqv#")


def _make_full(app):
    with app.app_context():
        return _full().name


def test_the_score_follows_a_change(app, client):
    """The listener scores a dataset after each committed change (jobs run at once in tests,
    as a worker would run the queued job)."""
    name = _make_full(app)
    with app.app_context():
        from portal.catalog import services as catalog

        dataset = catalog.get_dataset(name)
        assert services.latest(dataset.id).assessment.points == 337.5
        catalog.update_dataset(dataset, {**catalog.dataset_input(dataset), "spatial": []},
                               factories.SYSTEM)
        db.session.expire_all()
        # Findability loses dct:spatial's 20 points.
        assert services.latest(dataset.id).assessment.points == 317.5


def test_dataset_page_shows_score_and_fixes(app, client):
    name = _make_full(app)
    page = client.get(f"/dataset/{name}").get_data(as_text=True)
    assert "Calidad de los metadatos" in page and "337.5" in page
    assert "Qué mejorar" in page and "+25" in page


def test_quality_show(app, client):
    name = _make_full(app)
    body = client.get("/api/3/action/quality_show", query_string={"id": name}).get_json()
    assert body["success"] is True
    result = body["result"]
    assert result["points"] == 337.5 and result["max_points"] == 405
    assert result["rating"] == "good"
    assert result["dimensions"]["findability"] == 100
    by_key = {i["key"]: i for i in result["indicators"]}
    assert by_key["access_url_status"]["value"] == 0.5 and by_key["access_url_status"]["gain"] == 25
    assert result["links"] == {"broken": 0, "unchecked": 1}
    missing = client.get("/api/3/action/quality_show", query_string={"id": "nada"})
    assert missing.status_code == 404
    assert missing.get_json()["success"] is False


def test_quality_show_of_a_private_dataset_is_refused(app, client):
    with app.app_context():
        factories.entity()
        factories.dataset("oculto", private=True)
    response = client.get("/api/3/action/quality_show", query_string={"id": "oculto"})
    assert response.status_code == 403 and response.get_json()["success"] is False


def test_dcat_document_carries_dqv_measurements(app, client):
    name = _make_full(app)
    graph = Graph().parse(data=client.get(f"/dataset/{name}.ttl").get_data(as_text=True),
                          format="turtle")
    node = URIRef(f"{app.config['PORTAL_SITE_URL']}/dataset/{name}")
    values = {}
    for measurement in graph.objects(node, DQV.hasQualityMeasurement):
        assert (measurement, RDF.type, DQV.QualityMeasurement) in graph
        assert (measurement, DQV.computedOn, node) in graph
        metric = graph.value(measurement, DQV.isMeasurementOf)
        values[str(metric).rsplit("#", 1)[1]] = graph.value(measurement, DQV.value)
    assert values["mqa-points"] == Literal("337.5", datatype=XSD.decimal)
    assert values["mqa-findability"] == Literal("100", datatype=XSD.decimal)
    assert values["dcat-ap-violations"] == Literal("0", datatype=XSD.nonNegativeInteger)
    # Every metric the document uses is defined in the portal's metrics vocabulary.
    vocabulary = Graph().parse(data=client.get("/calidad/metricas").get_data(as_text=True),
                               format="turtle")
    for key in values:
        metric = URIRef(f"{app.config['PORTAL_SITE_URL']}/calidad/metricas#{key}")
        assert (metric, RDF.type, DQV.Metric) in vocabulary
    assert (URIRef(f"{app.config['PORTAL_SITE_URL']}/calidad/metricas#mqa-findability"),
            DQV.inDimension, URIRef(f"{app.config['PORTAL_SITE_URL']}/calidad/metricas#"
                                    "findability")) in vocabulary
    # The DCAT-AP 3 shapes still pass with the measurements in.
    for relative in SHAPES_3_0_1 + RECOMMENDED_3_0_1:
        conformance_file(relative)
    assert validate(graph, SHAPES_3_0_1).violations == []
    jsonld = client.get(f"/dataset/{name}.jsonld").get_data(as_text=True)
    assert "hasQualityMeasurement" in jsonld


def test_a_new_score_is_a_new_revision_of_the_dataset_document(app, client):
    """The document is cached under the dataset's revision; a score computed without any change
    to the dataset (the nightly run, a link check) still reaches it."""
    name = _make_full(app)
    first = client.get(f"/dataset/{name}.ttl")
    etag = first.headers["ETag"]
    assert client.get(f"/dataset/{name}.ttl", headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        from portal.catalog import services as catalog

        services.score_datasets([catalog.get_dataset(name).id])
    again = client.get(f"/dataset/{name}.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
