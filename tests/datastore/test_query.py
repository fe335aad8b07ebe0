"""Query safety: the time limit interrupts DuckDB, and nothing a client sends becomes SQL."""

from __future__ import annotations

import pytest

from portal.datastore import query
from portal.errors import ValidationError
from tests.datastore.conftest import CSV, SCHEMA, add_table


def test_a_query_past_its_time_limit_is_interrupted(app):
    with app.app_context(), pytest.raises(ValidationError) as refused, \
            query.cursor(seconds=0.2) as handle:
        handle.execute("SELECT sum(hash(i)) FROM range(100000000000) t(i)").fetchall()
    assert "0.2" in refused.value.fields["query"][0]


def test_injected_names_and_values_are_data(app, world, client):
    resource_id = add_table(app, world.public)
    sneaky = client.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "filters": {'casos" = 1 OR "1': 1}})
    assert sneaky.status_code == 409 and "no existe" in sneaky.get_json()["error"]["filters"][0]
    quoted = client.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "filters": {"departamento": "x' OR '1'='1"},
        "q": "'; DROP TABLE t; --"})
    assert quoted.status_code == 200 and quoted.get_json()["result"]["total"] == 0


def test_read_from_memory_or_from_the_file_alike(make_app, tmp_path, world, client):
    """The default app caches small tables in DuckDB's memory; with a budget of 0 rows the same
    search reads the Parquet file; past the budget the least recently used copy is dropped."""
    first = add_table(client.application, world.public)
    second = add_table(client.application, world.public)
    params = {"q": "la paz", "sort": "casos desc", "fields": "_id,casos"}

    def search(app, resource_id):
        response = app.test_client().post("/api/3/action/datastore_search",
                                          json={"resource_id": resource_id, **params})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["result"]["records"]

    cached = search(client.application, first)
    assert cached == [{"_id": 1, "casos": 10}, {"_id": 4, "casos": 1}]
    uncached = make_app(PORTAL_INSTANCE_PATH=client.application.instance_path,
                        PORTAL_DATASTORE_CACHE_ROWS=0)
    assert search(uncached, first) == cached
    small = make_app(PORTAL_INSTANCE_PATH=client.application.instance_path,
                     PORTAL_DATASTORE_CACHE_ROWS=5)
    assert search(small, second) == cached
    with small.app_context():
        from portal.datastore import services

        paths = {services.data_path(services.get_state(rid).data_key) for rid in (first, second)}
    assert len(paths & set(query._cache)) == 1  # the first table's copy was dropped
    assert search(small, first) == cached


def test_totals_are_exact_whichever_way_they_are_found(app, world, client):
    """The number of matching rows comes from the table's row count, the page itself, the
    page's scan, a count query or a count kept from an earlier search: always the same."""
    first = add_table(app, world.public)
    more = CSV.replace(b"Oruro", b"La Paz").replace(b"Santa Cruz", b"La Paz")
    second = add_table(app, world.public, content=more)
    query.forget_counts()

    def total(resource_id, **params):
        response = client.post("/api/3/action/datastore_search",
                               json={"resource_id": resource_id, **params})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["result"]["total"]

    la_paz = {"filters": {"departamento": "La Paz"}}
    assert total(first) == 5
    assert total(first, **la_paz, limit=1) == 2                      # a count query
    assert total(first, **la_paz, limit=1, sort="casos desc") == 2   # kept from the last one
    query.forget_counts()
    assert total(first, **la_paz, limit=1, sort="casos desc") == 2   # counted in the page's scan
    query.forget_counts()
    assert total(first, **la_paz, limit=10) == 2                     # the page is not full
    query.forget_counts()
    assert total(first, **la_paz, offset=5) == 2                     # past the last match
    assert total(first, q="la paz", limit=0) == 2
    assert total(first, fields="departamento", distinct=True, limit=2) == 4
    assert total(first, fields="departamento", distinct=True, limit=2, offset=2) == 4
    # Another table (another file), the same view: its own number, never the first table's.
    assert total(second, **la_paz, limit=1) == 4
    assert total(second, **la_paz, limit=1, sort="casos desc") == 4
    assert total(first, **la_paz, limit=1) == 2


def test_sorted_pages_are_the_whole_sorted_view_cut_in_pages(app, world, client):
    """A sorted page is found in two steps (the page's ids, then its columns); the whole view
    (an export without a limit, one step) cut in pages gives the same rows: ties broken by
    ``_id``, empty cells last, formulas still quoted in a sorted CSV page."""
    resource_id = add_table(app, world.public, schema=SCHEMA)
    for sort in ("nota desc", "año, casos desc", "departamento", "fecha desc, nota"):
        whole = client.get(f"/datastore/dump/{resource_id}", query_string={
            "format": "json", "sort": sort}).get_json()["records"]
        assert len(whole) == 5
        for limit, offset in ((2, 0), (2, 2), (2, 4), (5, 0), (1, 3)):
            response = client.post("/api/3/action/datastore_search", json={
                "resource_id": resource_id, "sort": sort, "limit": limit, "offset": offset,
                "records_format": "lists"})
            result = response.get_json()["result"]
            assert result["records"] == whole[offset:offset + limit], (sort, limit, offset)
            assert result["total"] == 5
    filtered = client.post("/api/3/action/datastore_search", json={
        "resource_id": resource_id, "sort": "casos desc", "limit": 1, "fields": "nota,casos",
        "filters": {"departamento": ["La Paz", "Potosí"]}}).get_json()["result"]
    assert filtered["records"] == [{"nota": "primera", "casos": 10}] and filtered["total"] == 3
    page = client.get(f"/datastore/dump/{resource_id}", query_string={
        "sort": "casos desc", "limit": 2, "offset": 1, "fields": "nota,casos"})
    assert page.get_data(as_text=True) == "nota,casos\nprimera,10\n'=SUMA(A1),7\n"
