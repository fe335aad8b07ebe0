"""The DCAT-AP 3 checks written as code (portal.quality.shacl) agree with pyshacl run on the
exported graph with the published shapes (mandatory, range and recommended), constraint by
constraint, for datasets missing each thing a publisher can leave out."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from portal import db
from portal.catalog import dcat
from portal.catalog.models import Dataset, Resource
from portal.quality import shacl
from tests import factories
from tests.conformance import conformance_file
from tests.feeds.shacl import RECOMMENDED_3_0_1, SHAPES_3_0_1, _shapes

pytestmark = pytest.mark.usefixtures("ctx")
BASE = "https://datos.gob.bo"
PREFIXES = {"http://www.w3.org/ns/dcat#": "dcat:", "http://purl.org/dc/terms/": "dct:"}


def _short(iri) -> str:
    text = str(iri)
    for long, short in PREFIXES.items():
        if text.startswith(long):
            return short + text[len(long):]
    return text


def _pyshacl(dataset: Dataset) -> set[tuple[str, str, str]]:
    """(severity, focus, path) of pyshacl's results on the dataset, its distributions and its
    period of time (shared descriptions, publishers and licences, are not the dataset's)."""
    import pyshacl

    graph = Graph()
    node = dcat.dataset_to_rdf(dataset, graph, BASE)
    focus = {node: "dataset"}
    for resource in dataset.resources:
        focus[dcat.distribution_uri(dataset.name, resource.id, BASE)] = resource.id
    for period in graph.objects(node, URIRef("http://purl.org/dc/terms/temporal")):
        focus[period] = "period"
    _c, report, _t = pyshacl.validate(graph, shacl_graph=_shapes(SHAPES_3_0_1 + RECOMMENDED_3_0_1),
                                      inference="none", allow_warnings=True)
    found = set()
    for result in report.subjects(SH.resultSeverity, None):
        target = report.value(result, SH.focusNode)
        if target in focus:
            severity = "violation" if report.value(result, SH.resultSeverity) == SH.Violation \
                else "warning"
            found.add((severity, focus[target], _short(report.value(result, SH.resultPath))))
    return found


def _ours(dataset: Dataset) -> set[tuple[str, str, str]]:
    return {(f.severity, f.focus, f.path) for f in shacl.check(dataset)}


def test_code_and_pyshacl_agree():
    for relative in SHAPES_3_0_1 + RECOMMENDED_3_0_1:
        conformance_file(relative)
    factories.entity()
    factories.theme()
    full = factories.dataset(
        "completo", keywords=["a"], themes=["economia"], spatial=["BO"],
        temporal_start="2020-01-01", temporal_end="2021-01-01", contact_email="a@b.bo")
    factories.resource(full, name="Tabla", description="Datos", format="CSV")
    half = factories.dataset("medio", temporal_start="2020-01-01")
    bare_resource = factories.resource(half, format="")
    with db.unit_of_work():
        db.session.get(Resource, bare_resource.id).url = ""
    empty = factories.dataset("vacio")
    for dataset in (full, half, empty):
        dataset = db.session.get(Dataset, dataset.id)
        db.session.refresh(dataset)
        assert _ours(dataset) == _pyshacl(dataset), dataset.name
    assert _ours(db.session.get(Dataset, full.id)) == set()
    assert ("violation", bare_resource.id, "dcat:accessURL") in _ours(db.session.get(Dataset,
                                                                                      half.id))
