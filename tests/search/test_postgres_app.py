"""The PostgreSQL search backend behind the real app: chosen with PORTAL_SEARCH_BACKEND, fed by
the catalog's listeners, answering package_search and the search page, rebuilt and checked by
the CLI."""

from __future__ import annotations

import json
import re
import time

import pytest

from portal import create_app
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.search import close_backend, get_backend
from portal.search.postgres_backend import PostgresBackend
from tests import factories
from tests.search.conftest import ON_POSTGRESQL, add_census_and_enrolment


def test_a_misspelt_backend_stops_the_start_naming_the_setting(tmp_path):
    with pytest.raises(ValueError, match="PORTAL_SEARCH_BACKEND"):
        create_app({"PORTAL_INSTANCE_PATH": str(tmp_path), "PORTAL_SECRET_KEY": "x",
                    "PORTAL_SEARCH_BACKEND": "elastic"})


def test_the_postgresql_backend_refuses_sqlite_at_start(tmp_path):
    with pytest.raises(RuntimeError, match="PORTAL_DATABASE_URL on PostgreSQL") as caught:
        create_app({"PORTAL_INSTANCE_PATH": str(tmp_path), "PORTAL_SECRET_KEY": "x",
                    "PORTAL_SEARCH_BACKEND": "postgresql"})
    assert "sqlite" in str(caught.value)


@pytest.fixture
def pg_site(make_app):
    if not ON_POSTGRESQL:
        pytest.skip("PORTAL_TEST_DATABASE_URL is not a PostgreSQL URL")
    app = make_app(PORTAL_SEARCH_BACKEND="postgresql")
    with app.app_context():
        assert isinstance(get_backend(), PostgresBackend)
        get_backend().clear()
        add_census_and_enrolment()
        factories.dataset("presupuesto-2024", entity_name="mefp", title="Presupuesto 2024",
                          keywords=["presupuesto"], themes=["economia"])
    yield app
    with app.app_context():
        get_backend().clear()
    close_backend(app)


def _search(client, **params) -> dict:
    response = client.get("/api/3/action/package_search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["result"]


def test_package_search_q_fq_facets_and_sort(pg_site):
    client = pg_site.test_client()
    result = _search(client, q="censo")
    assert [d["name"] for d in result["results"]] == ["censo-2024", "matricula-escolar"]
    result = _search(client, q="censo", fq="res_format:CSV",
                     **{"facet.field": json.dumps(["groups", "organization", "res_format"])})
    assert [d["name"] for d in result["results"]] == ["censo-2024"]
    assert result["facets"]["groups"] == {"economia": 1}
    assert result["facets"]["res_format"] == {"CSV": 1}
    result = _search(client, fq="groups:economia", sort="name desc")
    assert [d["name"] for d in result["results"]] == ["presupuesto-2024", "censo-2024"]
    result = _search(client, q='"matricula escolar" OR presupuestos', sort="title asc")
    assert [d["name"] for d in result["results"]] == ["matricula-escolar", "presupuesto-2024"]
    bad = client.get("/api/3/action/package_search", query_string={"q": '"sin cerrar'})
    assert bad.status_code == 409 and "q" in bad.get_json()["error"]


def test_the_search_page_marks_matches_and_suggests_a_correction(pg_site):
    client = pg_site.test_client()
    body = client.get("/dataset?q=poblaci%C3%B3n").get_data(as_text=True)
    assert re.search(r"<mark[^>]*>Población</mark>", body)
    body = client.get("/dataset?q=presupesto").get_data(as_text=True)
    assert "¿Quiso decir" in body
    assert 'href="/dataset?q=presupuesto">presupuesto</a>' in body


def test_writes_reach_the_index_and_the_cli_rebuilds_and_checks_it(pg_site):
    client = pg_site.test_client()
    with pg_site.app_context():
        dataset = factories.dataset("riego", title="Sistemas de riego")
        assert [d["name"] for d in _search(client, q="riego")["results"]] == ["riego"]
        catalog.update_dataset(dataset, {"title": "Represas"}, SYSTEM, partial=True)
        assert _search(client, q="riego")["count"] == 0
        assert _search(client, q="represas")["count"] == 1
    runner = pg_site.test_cli_runner()
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Indexed 4 datasets" in rebuilt.output
    checked = runner.invoke(args=["search", "check"])
    assert checked.exit_code == 0, checked.output
    assert _search(client, q="represas")["count"] == 1
    health = client.get("/api/3/action/status_show").get_json()["result"]["health"]
    assert health["search"]["detail"].startswith("postgresql index, 4 datasets")


def test_hostile_input_answers_promptly_with_results_or_a_409(pg_site):
    """The hostile q and fq of tests/api/test_search_hostile_queries.py on this backend: each
    answers within the same loose bound with results or a 409 naming the parameter."""
    from tests.api.test_search_hostile_queries import BOUND_S, HOSTILE_FQ, HOSTILE_Q

    client = pg_site.test_client()
    cases = [{"q": q} for q in HOSTILE_Q] + [{"q": "censo", "fq": fq} for fq in HOSTILE_FQ]
    for params in cases:
        started = time.monotonic()
        response = client.get("/api/3/action/package_search", query_string=params)
        elapsed = time.monotonic() - started
        assert response.status_code in (200, 409), (params, response.get_data(as_text=True))
        if response.status_code == 409:
            error = response.get_json()["error"]
            assert error["__type"] == "Validation Error"
            assert set(error) - {"__type", "message"} <= {"q", "fq"}, error
        else:
            assert isinstance(response.get_json()["result"]["count"], int)
        assert elapsed < BOUND_S, (params, elapsed)
    assert [d["name"] for d in _search(client, q="censo")["results"]] == [
        "censo-2024", "matricula-escolar"]
