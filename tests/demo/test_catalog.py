"""The demo catalog generator: deterministic, complete, coherent, and with files that parse."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date

import pytest
from frictionless import Resource, Schema

from portal.catalog.codelists import codes
from portal.catalog.licenses import get_license
from portal.catalog.models import ENTITY_KINDS, ENTITY_LEVELS
from portal.catalog.schemas import SLUG
from portal.demo.catalog import (
    EXPECTED_ERRORS,
    REFERENCE_DATE,
    demo_entities,
    demo_themes,
    iter_demo_datasets,
)
from portal.standards import load_standard

DATASET_KEYS = {
    "name", "title", "description", "entity", "license_id", "keywords", "themes",
    "contact_name", "contact_email", "access_rights", "temporal_start", "temporal_end", "spatial",
    "frequency", "language", "landing_page", "version", "identifier", "issued", "modified",
    "state", "private", "extras", "resources",
    "title_translated", "description_translated", "keywords_translated",
}
RESOURCE_KEYS = {"name", "description", "format", "filename", "content", "schema"}
DEMO_LICENSES = {"CC-BY-4.0", "CC0-1.0", "CC-BY-SA-4.0", "ODC-BY-1.0", "ODC-ODbL-1.0"}
EU_THEMES = {"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI",
             "SOCI", "TECH", "TRAN"}
# Real registries shorter than the 20 rows a demo table otherwise has.
SHORT_REAL_TABLES = {"miembros-del-comite-plurinacional-de-tecnologias-de-informacion-y-"
                     "comunicacion.csv"}


@pytest.fixture(scope="module")
def datasets() -> list[dict]:
    return list(iter_demo_datasets())


def _fingerprint(items: list[dict]) -> str:
    digest = hashlib.sha256()
    for item in items:
        plain = {k: v for k, v in item.items() if k != "resources"}
        digest.update(json.dumps(plain, sort_keys=True, default=str).encode())
        for resource in item["resources"]:
            digest.update(resource["filename"].encode() + resource["content"])
            digest.update(json.dumps(resource["schema"], sort_keys=True).encode())
    return digest.hexdigest()


def test_the_generator_is_deterministic(datasets):
    assert _fingerprint(datasets) == _fingerprint(list(iter_demo_datasets()))


def test_a_few_hundred_datasets_with_unique_names_titles_and_identifiers(datasets):
    assert 280 <= len(datasets) <= 400
    for key in ("name", "title", "identifier"):
        values = [item[key] for item in datasets]
        assert len(set(values)) == len(values), key
    for item in datasets:
        assert SLUG.match(item["name"]), item["name"]
        assert not item["identifier"].startswith("http"), item["identifier"]


def test_some_datasets_have_english_metadata(datasets):
    english = [item for item in datasets if item["title_translated"]]
    assert 20 <= len(english) < len(datasets)
    budget = next(item for item in english
                  if item["name"] == "ejecucion-presupuestaria-del-ministerio-de-economia-y-"
                                     "finanzas-publicas-2024")
    assert budget["title_translated"] == {"en": "Budget execution: MEFP 2024"}
    assert budget["keywords_translated"] == {"en": ["budget", "budget execution"]}
    assert "Published by **Ministerio de Economía" in budget["description_translated"]["en"]


def test_every_dataset_has_exactly_the_contract_keys(datasets):
    for item in datasets:
        assert set(item) == DATASET_KEYS, item["name"]
        assert 1 <= len(item["resources"]) <= 3, item["name"]
        for resource in item["resources"]:
            assert set(resource) == RESOURCE_KEYS
            assert resource["format"] in ("CSV", "JSON")
            assert isinstance(resource["content"], bytes) and resource["content"]
            assert resource["schema"] is None or isinstance(resource["schema"], dict)


def test_licences_are_from_the_demo_set_and_open_on_public_datasets(datasets):
    for item in datasets:
        assert item["license_id"] in DEMO_LICENSES
        if item["state"] == "active" and not item["private"]:
            assert get_license(item["license_id"]).is_open, item["name"]
    used = [item["license_id"] for item in datasets]
    assert used.count("CC-BY-4.0") > len(used) / 2  # most, as the brief asks
    assert set(used) == DEMO_LICENSES


def test_a_few_drafts_and_private_datasets(datasets):
    drafts = [item for item in datasets if item["state"] == "draft"]
    private = [item for item in datasets if item["private"]]
    assert 1 <= len(drafts) <= 10 and 1 <= len(private) <= 10
    assert {item["state"] for item in datasets} == {"active", "draft"}
    assert {item["access_rights"] for item in datasets} == {"public"}


def test_entities_and_themes_are_well_formed():
    entities = demo_entities()
    names = [entity["name"] for entity in entities]
    assert len(set(names)) == len(names)
    for entity in entities:
        assert SLUG.match(entity["name"])
        assert entity["kind"] in ENTITY_KINDS and entity["level"] in ENTITY_LEVELS
        assert entity["title"] and entity["description"]
        assert entity["website"] == "" or entity["website"].startswith("https://")
        if entity["level"] == "territorial":
            assert entity["department"] in codes("spatial")
    themes = demo_themes()
    assert {theme["eu_theme"] for theme in themes} == EU_THEMES
    assert len({theme["name"] for theme in themes}) == len(themes)


def test_the_entities_of_the_decree_carry_its_names():
    """Every single entity DS 5468 names as responsible, coordinator or member (except the
    vice-ministries, parts of ministries) is a demo entity with the same name."""
    demo = {entity["name"]: entity for entity in demo_entities()}
    for named in load_standard("pige/entities.json")["entities"]:
        if named["type"] == "group" or named["slug"].startswith("viceministerio-"):
            continue
        assert named["slug"] in demo, named["slug"]
        assert demo[named["slug"]]["title"] == named["name"]
    for slug in ("ine", "egpp", "cgii", "adsib", "agetic", "mefp"):
        assert slug in demo


def test_every_reference_exists_and_every_code_is_known(datasets):
    entities = {entity["name"] for entity in demo_entities()}
    themes = {theme["name"] for theme in demo_themes()}
    used_entities = set()
    for item in datasets:
        assert item["entity"] in entities
        used_entities.add(item["entity"])
        assert item["themes"] and set(item["themes"]) <= themes
        assert item["frequency"] in codes("frequencies")
        assert item["spatial"] and set(item["spatial"]) <= set(codes("spatial"))
        assert item["language"][0] == "es" and set(item["language"]) <= set(codes("languages"))
        assert item["keywords"] and all(k == k.lower() and len(k) <= 100
                                        for k in item["keywords"])
    assert used_entities == entities  # every entity publishes something
    languages = {code for item in datasets for code in item["language"]}
    assert {"qu", "ay", "gn"} <= languages


def test_dates_are_coherent(datasets):
    for item in datasets:
        start, end = item["temporal_start"], item["temporal_end"]
        assert (start is None) == (end is None)
        if start:
            assert isinstance(start, date) and start <= end
        assert item["issued"] <= item["modified"] <= REFERENCE_DATE
        registry = start == end == item["modified"]  # the state on the day of its last update
        if end and not registry:
            assert item["issued"] > min(end, REFERENCE_DATE - date.resolution * 8)


def test_files_parse_and_tables_match_their_schema(datasets):
    for item in datasets:
        expected = item["extras"].get(EXPECTED_ERRORS, {})
        for resource in item["resources"]:
            if resource["format"] == "JSON":
                json.loads(resource["content"])
                continue
            rows = list(csv.reader(io.StringIO(resource["content"].decode("utf-8"))))
            header, body = rows[0], rows[1:]
            if resource["filename"].endswith("-diccionario.csv"):
                assert header == ["campo", "titulo", "tipo", "descripcion", "unidad"]
                continue
            if resource["filename"] not in SHORT_REAL_TABLES:
                assert 20 <= len(body) <= 200, (resource["filename"], len(body))
            if resource["schema"]:
                assert header == [f["name"] for f in resource["schema"]["fields"]]
            if resource["filename"] not in expected:
                assert all(len(row) == len(header) for row in body), resource["filename"]


def test_the_demo_has_a_real_ocds_package_and_the_pige_targets(datasets):
    by_name = {item["name"]: item for item in datasets}
    package = json.loads(by_name["contrataciones-agetic-2019-estandar-ocp"]["resources"][0]
                         ["content"])
    assert package["version"] == "1.1" and package["releases"]
    assert all(release["ocid"].startswith("ocds-") for release in package["releases"])
    targets = next(item for item in datasets if item["identifier"] == "AGETIC-PIGE-METAS-2025-2028")
    table = targets["resources"][0]["content"].decode()
    count = len(load_standard("pige/targets.json")["targets"])
    assert table.count("\n") == count + 1


def test_only_the_marked_files_are_invalid_and_each_with_its_error(datasets):
    """Frictionless validates every CSV that has a schema: the files marked in
    ``extras[EXPECTED_ERRORS]`` fail with exactly the marked error type, all others pass."""
    checked = damaged = 0
    for item in datasets:
        expected = item["extras"].get(EXPECTED_ERRORS, {})
        for resource in item["resources"]:
            if resource["format"] != "CSV" or resource["schema"] is None:
                assert resource["filename"] not in expected  # marked files carry a schema
                continue
            report = Resource(data=resource["content"], format="csv",
                              schema=Schema.from_descriptor(resource["schema"])).validate()
            found = sorted({error[0] for error in report.flatten(["type"])})
            assert found == expected.get(resource["filename"], []), resource["filename"]
            checked += 1
            damaged += bool(found)
    assert checked >= 100
    assert 5 <= damaged <= 15
