"""Warnings of a table without schema reach the publisher: on the resource's page (a badge
with their count, the report page with row and column) and in the API."""

from __future__ import annotations

import io

from portal.auth import tokens
from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from tests import factories

CSV = ("id,municipio,monto\n" + "".join(f"{n},Municipio {n},{n * 100}.5\n" for n in range(1, 12))
       + "12,Municipio 12,mil doscientos\n").encode()


def test_inferred_type_warnings_on_the_pages_and_in_the_api(vapp, world, login):
    client = login("editora")
    response = client.post(f"/dataset/{world.dataset}/resource/new", data={
        "name": "montos", "upload": (io.BytesIO(CSV), "montos.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with vapp.app_context():
        resource_id = catalog.get_dataset(world.dataset).resources[0].id
        token = tokens.create_token(factories.user("api"), SYSTEM, name="t")[1]
    page = client.get(f"/dataset/{world.dataset}/resource/{resource_id}").get_data(as_text=True)
    assert 'data-validation="success"' in page
    assert 'data-validation-warnings="1"' in page and "1 aviso" in page
    report = client.get(f"/dataset/{world.dataset}/resource/{resource_id}/validation")
    html = report.get_data(as_text=True)
    assert "Valor de otro tipo que su columna" in html and "«mil doscientos»" in html
    assert "fila 13" in html
    shown = vapp.test_client().get(f"/api/3/action/resource_validation_show?id={resource_id}",
                                   headers={"Authorization": token}).get_json()["result"]
    assert shown["status"] == "success" and shown["warning_count"] == 1
    warning = shown["report"]["tasks"][0]["warnings"][0]
    assert (warning["type"], warning["row"], warning["field"], warning["field_number"]) == \
        ("unexpected-type", 13, "monto", 3)
