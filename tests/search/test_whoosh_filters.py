"""The filter tree (ranges, AND / OR / NOT) and the sort on id in each engine, written from
CKAN's Solr syntax as harvesters send it; an index written before the range columns existed."""

from __future__ import annotations

import functools
from datetime import datetime

from whoosh import index, reading

from portal.search.backend import SearchQuery, SortKey
from portal.search.ckan_params import package_search_query
from portal.search.whoosh_backend import WhooshBackend
from portal.search.whoosh_schema import build_schema, to_fields
from tests.search.conftest import CATALOG, doc

COUNTS = {"presupuesto": 2, "matricula": 1, "hospitales": 0, "censo": 3, "exportaciones": 1}


def search(backend, **params) -> list[str]:
    params.setdefault("sort", "id asc")
    params.setdefault("rows", 50)
    return backend.search(package_search_query(params)).ids


def _catalog():
    return [{**d, "num_resources": COUNTS.get(d["id"], 1)} for d in CATALOG]


def test_date_ranges_inclusive_exclusive_and_open(make_backend):
    backend = make_backend(_catalog())
    assert search(backend, fq="metadata_modified:[2024-03-01T00:00:00Z TO *]") == [
        "exportaciones", "matricula", "presupuesto"]
    assert search(backend, fq="metadata_modified:{2024-03-01T00:00:00Z TO *]") == [
        "exportaciones", "presupuesto"]
    assert search(backend, fq="metadata_modified:[* TO 2024-03-01T00:00:00Z}") == [
        "censo", "hospitales"]
    assert search(backend, fq="metadata_modified:[2023-09-01 TO 2024-06-01]") == [
        "hospitales", "matricula", "presupuesto"]
    assert search(backend, fq="metadata_created:[NOW-1DAY TO NOW]") == []
    assert search(backend, fq="metadata_created:[* TO NOW]") == [
        "censo", "exportaciones", "hospitales", "matricula", "presupuesto"]
    # A microsecond after the newest change: nothing (what an incremental harvest asks).
    assert search(backend, q="*:*",
                  fq="metadata_modified:[2024-08-01T00:00:00.000001Z TO *]") == []


def test_number_ranges(make_backend):
    backend = make_backend(_catalog())
    assert search(backend, fq="num_resources:[1 TO *]") == [
        "censo", "exportaciones", "matricula", "presupuesto"]
    assert search(backend, fq="num_resources:{1 TO 3}") == ["presupuesto"]
    assert search(backend, fq="num_resources:0") == ["hospitales"]
    assert search(backend, fq="num_tags:[2 TO 2]") == [
        "censo", "exportaciones", "hospitales", "matricula", "presupuesto"]
    assert search(backend, q="num_resources:[3 TO *] censo") == ["censo"]
    assert search(backend, q="num_resources:[3 TO *] salud") == []


def test_boolean_filters_and_sorts(backend):
    assert search(backend, fq="organization:minedu OR groups:salud") == [
        "hospitales", "matricula"]
    assert search(backend, fq="(organization:minedu OR groups:salud) -res_format:CSV") == [
        "matricula"]
    assert search(backend, fq="NOT groups:economia AND NOT (tags:censo OR tags:salud)") == [
        "matricula"]
    assert search(backend, fq='tags:("comercio exterior" OR censo) +dataset_type:dataset') == [
        "censo", "exportaciones"]
    assert search(backend, fq="dataset_type:harvest") == []
    assert search(backend, fq="-dataset_type:harvest", sort="id desc") == [
        "presupuesto", "matricula", "hospitales", "exportaciones", "censo"]
    assert search(backend, sort="metadata_modified desc, name asc", rows=2) == [
        "exportaciones", "presupuesto"]
    assert search(backend, fq="organization:ine", sort="metadata_created asc, id desc") == [
        "exportaciones", "censo"]
    # The sysadmin sees the private one; capacity:public leaves it out again.
    everyone = {"include_private": True}
    query = package_search_query({"fq": "capacity:private", **everyone}, sysadmin=True)
    assert backend.search(query).ids == ["interno"]
    query = package_search_query({"fq": "capacity:public", "sort": "id asc", **everyone},
                                 sysadmin=True)
    assert "interno" not in backend.search(query).ids


def test_an_index_of_an_older_schema_gains_the_new_columns(tmp_path):
    """Opened by this version, an index written without ``num_resources`` and the id sort key
    gets the fields; its documents are reported stale so the reconcile job rewrites them, and
    until then a count range leaves them out instead of guessing."""
    path = tmp_path / "old"
    path.mkdir()
    schema = build_schema()
    for name in ("id_sort", "num_resources", "num_tags"):
        schema.remove(name)
    old = index.create_in(str(path), schema)
    writer = old.writer()
    for document in CATALOG[:2]:
        fields = to_fields(document)
        for name in ("id_sort", "num_resources", "num_tags"):
            fields.pop(name)
        writer.add_document(**fields)
    writer.commit()
    old.close()

    backend = WhooshBackend(path)
    try:
        assert backend.modified_by_id() == {"presupuesto": datetime(1970, 1, 1),
                                            "matricula": datetime(1970, 1, 1)}
        assert search(backend, fq="num_resources:[0 TO *]") == []
        # No id column in that segment: the ids come from the stored fields.
        assert backend.search(SearchQuery(rows=5)).ids == ["presupuesto", "matricula"]
        backend.index([doc("nuevo", metadata_modified=datetime(2025, 1, 1), num_resources=2),
                       {**CATALOG[0], "num_resources": 2}])
        assert search(backend, fq="num_resources:[1 TO *]") == ["nuevo", "presupuesto"]
        assert backend.modified_by_id()["nuevo"] == datetime(2025, 1, 1)
        assert backend.search(SearchQuery(sort=(SortKey("id"),), rows=5)).ids == \
            ["matricula", "nuevo", "presupuesto"]
        # Merged into one segment that has the columns, the old document is still stale.
        backend._ix.optimize()
        assert backend.modified_by_id()["matricula"] == datetime(1970, 1, 1)
        assert backend.modified_by_id()["presupuesto"] == CATALOG[0]["metadata_modified"]
    finally:
        backend.close()


def test_result_ids_are_read_from_the_id_column_not_the_stored_fields(tmp_path, monkeypatch):
    """A page of 1,000 results decompressed each hit's stored title and description only to read
    its id; highlights still need them."""
    read = []
    for reader in (reading.SegmentReader, reading.MultiReader):
        monkeypatch.setattr(reader, "stored_fields", functools.partialmethod(
            lambda self, docnum, original: read.append(docnum) or original(self, docnum),
            original=reader.stored_fields))
    backend = WhooshBackend(tmp_path / "index")
    try:
        backend.index(_catalog())
        backend.index([doc("nuevo")])  # a second segment
        found = backend.search(SearchQuery(rows=50, sort=(SortKey("id"),))).ids
        assert found == sorted([*(d["id"] for d in CATALOG if not d.get("private")), "nuevo"])
        assert read == []
        highlighted = backend.search(SearchQuery(q="presupuesto", highlight=True))
        assert highlighted.hits[0].highlights and read
    finally:
        backend.close()
