"""/datastore/dump/<resource_id>: filtered views as CSV (with BOM on request, formulas quoted),
TSV, JSON and XLSX; the same errors as the API."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from tests.datastore.conftest import SCHEMA, add_table


def test_csv_of_a_filtered_sorted_view(app, world, client):
    resource_id = add_table(app, world.public, schema=SCHEMA)
    response = client.get(f"/datastore/dump/{resource_id}", query_string={
        "filters": json.dumps({"año": [2023, 2024]}), "sort": "casos desc",
        "fields": "departamento,casos,nota"})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "casos.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [["departamento", "casos", "nota"], ["La Paz", "10", "primera"],
                    ["Potosí", "7", "'=SUMA(A1)"], ["Oruro", "3", "con, coma"],
                    ["La Paz", "1", "última"]]


def test_bom_tsv_limit_and_q(app, world, client):
    resource_id = add_table(app, world.public)
    body = client.get(f"/datastore/dump/{resource_id}", query_string={
        "format": "tsv", "bom": "true", "q": "la paz", "fields": "_id,casos",
        "limit": 1}).get_data()
    assert body == "\ufeff_id\tcasos\n1\t10\n".encode()


def test_json_is_ckan_dump_shape(app, world, client):
    resource_id = add_table(app, world.public, schema=SCHEMA)
    response = client.get(f"/datastore/dump/{resource_id}", query_string={
        "format": "json", "fields": "año,fecha", "limit": 2, "offset": 1})
    assert response.get_json() == {"fields": [{"id": "año"}, {"id": "fecha"}],
                                   "records": [[2024, "2024-02-03"], [2023, "2023-05-06"]]}


def test_xlsx_keeps_types(app, world, client):
    resource_id = add_table(app, world.public, schema=SCHEMA)
    response = client.get(f"/datastore/dump/{resource_id}", query_string={"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.values)
    assert rows[0] == ("_id", "año", "departamento", "casos", "fecha", "nota")
    assert len(rows) == 6
    assert rows[3][1] == 2023 and rows[3][4].year == 2023 and rows[3][5] == "=SUMA(A1)"
    assert sheet.cell(4, 6).data_type == "s"  # text, never a formula


def test_errors_as_the_api(app, world, client):
    resource_id = add_table(app, world.public)
    unknown = client.get(f"/datastore/dump/{resource_id}", query_string={"sort": "nadie"})
    assert unknown.status_code == 409
    assert "nadie" in unknown.get_json()["error"]["sort"][0]
    assert client.get(f"/datastore/dump/{resource_id}?format=pdf").status_code == 409
    assert client.get("/datastore/dump/no-existe").status_code == 404
    hidden = add_table(app, world.private)
    assert client.get(f"/datastore/dump/{hidden}").status_code == 403
    member = client.get(f"/datastore/dump/{hidden}",
                        headers={"Authorization": world.tokens["miembro"]})
    assert member.status_code == 200 and member.get_data().count(b"\n") == 6
    assert client.get(f"/datastore/dump/{hidden}",
                      headers={"Authorization": "dab_inventado"}).status_code == 403
