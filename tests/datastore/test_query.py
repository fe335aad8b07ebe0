"""Query safety: the time limit interrupts DuckDB, and nothing a client sends becomes SQL."""

from __future__ import annotations

import pytest

from portal.datastore import query
from portal.errors import ValidationError
from tests.datastore.conftest import add_table


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
