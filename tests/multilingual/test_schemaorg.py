"""schema.org on the dataset page: translations as JSON-LD language-tagged values."""

from __future__ import annotations

import json
import re

from rdflib import Literal, Namespace

from portal.rdf import parse_graph

SDO = Namespace("https://schema.org/")


def _jsonld(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_dataset_page_gives_each_language_tagged(client, translated):
    data = _jsonld(client.get(f"/dataset/{translated}").get_data(as_text=True))
    assert data["name"] == [{"@value": "Ejecución presupuestaria 2024", "@language": "es"},
                            {"@value": "Budget execution 2024", "@language": "en"},
                            {"@value": "Qullqi rakiy 2024", "@language": "qu"}]
    assert {"@value": "budget", "@language": "en"} in data["keywords"]
    assert data["distribution"][0]["name"][1] == {"@value": "Data", "@language": "en"}
    assert data["publisher"]["name"][1] == {"@value": "Ministry of Economy and Public Finance",
                                            "@language": "en"}
    # As linked data (schema.org's context is the vocabulary; no fetch in tests).
    data["@context"] = {"@vocab": str(SDO)}
    graph = parse_graph(json.dumps(data), "json-ld")
    names = set(graph.objects(None, SDO.name))
    assert Literal("Budget execution 2024", lang="en") in names
    assert Literal("Ejecución presupuestaria 2024", lang="es") in names


def test_untranslated_dataset_keeps_plain_text(client, app):
    from tests import factories

    with app.app_context():
        factories.entity("ine")
        factories.dataset("censo", title="Censo")
    data = _jsonld(client.get("/dataset/censo").get_data(as_text=True))
    assert data["name"] == "Censo" and isinstance(data["description"], str)
