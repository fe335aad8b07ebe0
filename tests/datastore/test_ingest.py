"""Ingest: valid tables are loaded after validation (CSV, XLSX, ODS, a Data Package's CSV),
with the schema's types or validation's inferred ones; a new file replaces the data atomically;
a failed ingest keeps the previous data and says why on the resource page."""

from __future__ import annotations

from tests.datastore.conftest import add_table, state


def test_a_valid_csv_is_loaded_with_inferred_types(app, world, client):
    resource_id = add_table(app, world.public)
    loaded = state(app, resource_id)
    assert loaded.status == "active" and loaded.row_count == 5
    types = {field["id"]: field["type"] for field in loaded.fields}
    assert types == {"_id": "int", "año": "int", "departamento": "text", "casos": "int",
                     "fecha": "date", "nota": "text"}
