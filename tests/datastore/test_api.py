"""datastore_search and datastore_info through the stock ckanapi client against the portal
served over HTTP, and every bad input answered with CKAN's error shape."""

from __future__ import annotations

import json

import ckanapi
import pytest

from tests.datastore.conftest import SCHEMA, add_table
from tests.loopback import serving


@pytest.fixture
def loaded(app, world):
    return add_table(app, world.public, schema=SCHEMA)


@pytest.fixture
def portal(app, world):
    with serving(app) as address, ckanapi.RemoteCKAN(address) as remote:
        yield remote


def test_search_through_ckanapi(portal, loaded):
    result = portal.action.datastore_search(resource_id=loaded)
    assert result["total"] == 5
    assert [record["_id"] for record in result["records"]] == [1, 2, 3, 4, 5]
    assert result["records"][1] == {"_id": 2, "año": 2024, "departamento": "Oruro", "casos": 3,
                                    "fecha": "2024-02-03", "nota": "con, coma"}
    by_id = {field["id"]: field for field in result["fields"]}
    assert by_id["año"]["type"] == "int" and by_id["fecha"]["type"] == "date"
    assert by_id["año"]["info"] == {"label": "Año", "notes": "Año del registro"}
    assert result["_links"]["next"].endswith("offset=100")


def test_filters_sort_fields_and_paging(portal, loaded):
    result = portal.action.datastore_search(
        resource_id=loaded, filters={"departamento": ["La Paz", "Oruro"]},
        sort="casos desc", fields=["departamento", "casos"], limit=2)
    assert result["records"] == [{"departamento": "La Paz", "casos": 10},
                                 {"departamento": "Oruro", "casos": 3}]
    assert result["total"] == 3
    following = portal.action.datastore_search(
        resource_id=loaded, filters={"departamento": ["La Paz", "Oruro"]},
        sort="casos desc", fields="departamento,casos", limit=2, offset=2)
    assert following["records"] == [{"departamento": "La Paz", "casos": 1}]
    one = portal.action.datastore_search(resource_id=loaded, filters={"año": "2023"},
                                         sort='"año" asc, casos')
    assert [record["casos"] for record in one["records"]] == [1, 7]


def test_full_text_ignores_accents_and_case(portal, loaded):
    assert [r["departamento"] for r in portal.action.datastore_search(
        resource_id=loaded, q="POTOSI")["records"]] == ["Potosí"]
    assert portal.action.datastore_search(resource_id=loaded, q="la paz 2023")["total"] == 1
    per_field = portal.action.datastore_search(resource_id=loaded, q={"nota": "ULTIMA"})
    assert [r["_id"] for r in per_field["records"]] == [4]


def test_distinct_lists_csv_and_no_total(portal, loaded):
    distinct = portal.action.datastore_search(resource_id=loaded, fields=["año"],
                                              distinct=True, sort="año desc")
    assert distinct["records"] == [{"año": 2024}, {"año": 2023}, {"año": 2022}]
    assert distinct["total"] == 3
    lists = portal.action.datastore_search(resource_id=loaded, records_format="lists",
                                           fields=["_id", "casos"], limit=2,
                                           include_total=False)
    assert lists["records"] == [[1, 10], [2, 3]] and "total" not in lists
    text = portal.action.datastore_search(resource_id=loaded, records_format="csv",
                                          fields=["departamento", "nota"], limit=2)
    assert text["records"] == 'La Paz,primera\nOruro,"con, coma"\n'
    tsv = portal.action.datastore_search(resource_id=loaded, records_format="tsv",
                                         fields=["_id", "casos"], limit=1)
    assert tsv["records"] == "1\t10\n"


def test_info_through_ckanapi(portal, loaded):
    info = portal.action.datastore_info(id=loaded)
    assert info["meta"]["count"] == 5 and info["meta"]["status"] == "active"
    fields = {field["id"]: field for field in info["fields"]}
    assert fields["departamento"]["info"]["label"] == "Departamento"
    assert fields["fecha"]["schema"] == {"name": "fecha", "type": "date"}


def test_get_requests_take_json_parameters(client, loaded):
    response = client.get("/api/3/action/datastore_search", query_string={
        "resource_id": loaded, "filters": json.dumps({"casos": 25}), "q": "cruz"})
    body = response.get_json()
    assert response.status_code == 200 and body["result"]["records"][0]["_id"] == 5


def test_private_resources_only_for_members(app, world, client):
    hidden = add_table(app, world.private)
    anonymous = client.get("/api/3/action/datastore_search", query_string={
        "resource_id": hidden})
    assert anonymous.status_code == 403
    stranger = client.get("/api/3/action/datastore_search", query_string={
        "resource_id": hidden}, headers={"Authorization": world.tokens["ajeno"]})
    assert stranger.status_code == 403
    member = client.get("/api/3/action/datastore_search", query_string={
        "resource_id": hidden}, headers={"Authorization": world.tokens["miembro"]})
    assert member.status_code == 200 and member.get_json()["result"]["total"] == 5


def _refused(client, status, **params):
    response = client.post("/api/3/action/datastore_search", json=params)
    body = response.get_json()
    assert response.status_code == status, body
    assert body["success"] is False
    return body["error"]


@pytest.mark.parametrize(("params", "key", "words"), [
    ({"filters": "{not json"}, "filters", "JSON"),
    ({"filters": ["a"]}, "filters", "objeto"),
    ({"filters": {"nadie": 1}}, "filters", "nadie"),
    ({"filters": {"casos": "muchos"}}, "filters", "casos"),
    ({"filters": {"casos": {"gt": 1}}}, "filters", "casos"),
    ({"filters": {"casos": []}}, "filters", "vacía"),
    ({"q": {"nadie": "x"}}, "q", "nadie"),
    ({"q": 5}, "q", "texto"),
    ({"fields": ["año", "nadie"]}, "fields", "nadie"),
    ({"fields": ["_full_text"]}, "fields", "_full_text"),
    ({"sort": "nadie desc"}, "sort", "nadie"),
    ({"sort": "casos sideways"}, "sort", "sideways"),
    ({"sort": "casos; DROP TABLE x"}, "sort", "casos;"),
    ({"limit": 32001}, "limit", "32000"),
    ({"limit": -1}, "limit", "0"),
    ({"offset": 10**12}, "offset", "10000000"),
    ({"offset": "mucho"}, "offset", "entero"),
    ({"records_format": "xml"}, "records_format", "objects"),
    ({"distinct": True, "fields": ["año"], "sort": "casos"}, "sort", "casos"),
])
def test_bad_input_names_the_problem(client, loaded, params, key, words):
    error = _refused(client, 409, resource_id=loaded, **params)
    assert error["__type"] == "Validation Error"
    assert words in " ".join(error[key]), error


def test_resources_without_data(app, world, client, loaded):
    from portal.catalog import services as catalog
    from tests import factories

    with app.app_context():
        link = factories.resource(catalog.get_dataset(world.public), name="PDF",
                                  url="https://example.org/informe.pdf", format="PDF").id
    assert "no es una tabla" in _refused(client, 409, resource_id=link)["resource_id"][0]
    invalid = add_table(app, world.public, content=b"a,b\n1,2\n3\n", filename="rota.csv",
                        schema={"fields": [{"name": "a", "type": "integer"},
                                           {"name": "b", "type": "integer"}]})
    assert "validación" in _refused(client, 409, resource_id=invalid)["resource_id"][0]
    assert _refused(client, 404, resource_id="no-existe")["__type"] == "Not Found Error"
    assert "Falta" in _refused(client, 409)["resource_id"][0]


def test_no_free_sql(client, loaded):
    response = client.get("/api/3/action/datastore_search_sql",
                          query_string={"sql": 'SELECT * FROM "x"'})
    body = response.get_json()
    assert response.status_code == 400 and body["success"] is False
    assert "datastore_search_sql" in body["error"]["message"]



def test_datastore_active_follows_the_load(app, world, client, loaded):
    from portal.catalog import services as catalog
    from tests import factories

    with app.app_context():
        link = factories.resource(catalog.get_dataset(world.public), name="PDF",
                                  url="https://example.org/informe.pdf", format="PDF").id
    shown = client.get("/api/3/action/package_show", query_string={"id": world.public})
    flags = {r["id"]: r["datastore_active"] for r in shown.get_json()["result"]["resources"]}
    assert flags == {loaded: True, link: False}
    one = client.get("/api/3/action/resource_show", query_string={"id": loaded})
    assert one.get_json()["result"]["datastore_active"] is True


def test_a_load_changes_the_dataset_revision(app, world, runner, loaded):
    """Pages and package_show are cached by the dataset's revision: a load (nothing else
    changed) must change it, or the page would keep showing the previous state."""
    from portal import caching

    with app.app_context():
        before = caching.dataset_revision(world.public)
    assert runner.invoke(args=["datastore", "ingest", "--force", loaded]).exit_code == 0
    with app.app_context():
        assert caching.dataset_revision(world.public) != before


def test_a_table_not_loaded_yet(make_app, tmp_path, world, client):
    quiet = make_app(PORTAL_INSTANCE_PATH=client.application.instance_path,
                     PORTAL_VALIDATION_MODE="off")
    waiting = add_table(quiet, world.public)
    error = _refused(client, 409, resource_id=waiting)
    assert "todavía no se cargaron" in error["resource_id"][0]


def test_totals_of_sorted_pages_and_pages_past_the_end(client, loaded):
    def total(**params):
        response = client.post("/api/3/action/datastore_search",
                               json={"resource_id": loaded, **params})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["result"]

    page = total(filters={"año": [2023, 2024]}, sort="casos desc", limit=1)
    assert page["total"] == 4 and page["records"] == [
        {"_id": 1, "año": 2024, "departamento": "La Paz", "casos": 10, "fecha": "2024-01-02",
         "nota": "primera"}]
    beyond = total(filters={"año": [2023, 2024]}, sort="casos desc", offset=10)
    assert beyond["total"] == 4 and beyond["records"] == []
