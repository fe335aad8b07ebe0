"""A plan to and from a spreadsheet (CSV or XLSX): export of a version, the template (the XLSX one
lists the 14 lines and the Cuadro N° 3 targets on a second sheet), import into the plan form with
errors that name the sheet, row and column, and nothing stored when the file is refused."""

from __future__ import annotations

import io

from portal.pige import services as pige
from portal.pige import spreadsheet
from portal.pige.schemas import check_content
from tests.pige.builders import content, draft

YEARS = (2025, 2026, 2027, 2028)


def _login(client, name):
    assert client.post("/user/login", data={"username": name,
                                             "password": "secreto-123"}).status_code == 302


def _check(data):
    return check_content(data, pige.frame(), lambda _name: True)


def test_a_plan_survives_the_round_trip_through_the_spreadsheet():
    stored = _check(content(evidence=["conjunto-a"]))
    data = spreadsheet.export(stored, YEARS)
    assert data.startswith("\ufeff".encode()) and b"meta_2028" in data
    parsed, _rows = spreadsheet.parse(data, YEARS)
    assert _check(parsed) == _check(stored)


def test_the_template_imports_cleanly_and_semicolons_work():
    parsed, _rows = spreadsheet.parse(spreadsheet.template(YEARS), YEARS)
    assert _check(parsed)["lines"][0]["actions"][0]["indicators"][0]["national_target"] == \
        "L13.M2"
    text = spreadsheet.template(YEARS).decode("utf-8-sig").replace(",", ";")
    assert spreadsheet.parse(text.encode(), YEARS)[0]["lines"][0]["line"] == "13"


def test_the_officer_imports_a_spreadsheet_and_errors_name_the_row(app, client, world):
    _login(client, "officer")
    rows = spreadsheet.template(YEARS).decode("utf-8-sig").splitlines()
    bad = rows[1].replace("5,10,15", "5,alto,15")
    refused = client.post("/pige/plan/mpd/nuevo", data={
        "title": "Plan", "kind": "formulacion",
        "spreadsheet": (io.BytesIO("\n".join([rows[0], rows[1], bad]).encode()), "plan.csv")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "Fila 3, columna meta_2027: La meta 2027 del indicador L13.1.2 debe ser un número" \
        in refused.get_data(as_text=True)
    missing = client.post("/pige/plan/mpd/nuevo", data={
        "title": "Plan", "spreadsheet": (io.BytesIO(b"linea,accion\n13,x\n"), "plan.csv")},
        content_type="multipart/form-data")
    assert missing.status_code == 422
    assert "Faltan columnas en la planilla (fila 1): tipo, descripcion" in \
        missing.get_data(as_text=True)
    saved = client.post("/pige/plan/mpd/nuevo", data={
        "title": "Plan", "kind": "formulacion",
        "spreadsheet": (io.BytesIO(spreadsheet.template(YEARS)), "plan.csv")},
        content_type="multipart/form-data")
    assert saved.status_code == 302
    with app.app_context():
        indicator = pige.get_version("mpd").content["lines"][0]["actions"][0]["indicators"][0]
    assert indicator["national_target"] == "L13.M2" and indicator["targets"]["2026"] == 5.0


def test_the_export_follows_who_may_read_the_plan(app, client, world):
    with app.app_context():
        draft()
    assert client.get("/pige/plan/mpd/v1/planilla.csv").status_code == 404  # not published
    _login(client, "officer")
    with client.get("/pige/plan/mpd/v1/planilla.csv") as response:
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "Portal de datos ZQXMARCA" in response.get_data(as_text=True)
    with client.get("/pige/plantilla.csv") as response:
        assert response.get_data(as_text=True).lstrip("\ufeff").startswith("linea,tipo,accion")
