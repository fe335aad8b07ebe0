"""A plan to and from an XLSX workbook: the template's sheet «Plan» with the same columns as the
CSV, the sheet «Referencia» with the 14 strategic lines (DS 5468, Chapter IV) and the results and
targets of Cuadro N° 3; import errors name the sheet, the row and the column; a refused file
stores nothing."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from portal.pige import services as pige
from portal.pige import spreadsheet, workbook
from portal.pige.schemas import check_content
from tests.pige.builders import content, draft

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _login(client, name):
    assert client.post("/user/login", data={"username": name,
                                             "password": "secreto-123"}).status_code == 302


def _check(data):
    return check_content(data, pige.frame(), lambda _name: True)


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def _bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _template(ctx_app) -> bytes:
    with ctx_app.app_context():
        return spreadsheet.template_xlsx(pige.frame())


def _import(client, data: bytes, name: str = "plan.xlsx"):
    return client.post("/pige/plan/mpd/nuevo", data={
        "title": "Plan", "kind": "formulacion", "spreadsheet": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def test_a_plan_survives_the_round_trip_through_the_workbook(ctx):
    stored = _check(content(evidence=["conjunto-a"]))
    data = spreadsheet.export_xlsx(stored, pige.frame())
    parsed, source = spreadsheet.parse(data, pige.frame().plan.years)
    assert _check(parsed) == _check(stored)
    assert source.sheet == "Plan" and source.header == spreadsheet.columns(range(2025, 2029))
    plan = _book(data)["Plan"]
    assert [c.value for c in plan[1]] == list(spreadsheet.columns(range(2025, 2029)))
    # rows follow the checked content (line 4, then line 13); numbers stay numbers
    assert plan["A3"].value == 13 and plan["F3"].value == 150000.5 and plan["M3"].value == 10


def test_the_reference_sheet_lists_the_14_lines_and_the_cuadro_3_targets(ctx):
    frame = pige.frame()
    book = _book(spreadsheet.template_xlsx(frame))
    assert book.sheetnames == ["Plan", "Referencia"]
    cells = [row for row in book["Referencia"].iter_rows(values_only=True)]
    lines = {row[0]: row[2] for row in cells if isinstance(row[0], int)}
    assert lines == {line.number: line.name for line in frame.lines} and len(lines) == 14
    targets = {row[0]: (row[1], row[2], row[3]) for row in cells
               if isinstance(row[0], str) and re.fullmatch(r"L\d+\.M\d+", row[0])}
    assert targets == {t.id: (t.line, t.result, t.target) for t in frame.targets}
    assert len(targets) == 28
    assert {row[0] for row in cells if row[0] in ("accion", "proyecto")} == {"accion",
                                                                            "proyecto"}
    lists = {str(v.sqref): v.formula1 for v in book["Plan"].data_validations.dataValidation}
    assert lists["A2:A5000"] == '"1,2,3,4,5,6,7,8,9,10,11,12,13,14"'
    codes = [c[0].value for c in book["Referencia"][lists["J2:J5000"].split("!")[1]
                                                     .replace("$", "")]]
    assert codes == [t.id for t in frame.targets]  # the drop-down offers exactly the targets


def test_text_that_looks_like_a_formula_is_exported_as_text(ctx):
    hostile = content()
    hostile["lines"][0]["actions"][0]["name"] = '=HYPERLINK("http://example.org")'
    data = spreadsheet.export_xlsx(_check(hostile), pige.frame())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere: the cell is a string
    assert re.search(r'<c r="C3"[^>]* t="inlineStr"><is><t>=HYPERLINK', sheet)
    cell = _book(data)["Plan"]["C3"]
    assert cell.value == '=HYPERLINK("http://example.org")' and cell.data_type == "s"


def test_the_officer_imports_the_workbook(app, client, world):
    _login(client, "officer")
    saved = _import(client, _template(app))
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with app.app_context():
        indicator = pige.get_version("mpd").content["lines"][0]["actions"][0]["indicators"][0]
    assert indicator["national_target"] == "L13.M2" and indicator["targets"]["2026"] == 5.0


def _edited(app, **cells) -> bytes:
    book = _book(_template(app))
    for ref, value in cells.items():
        book["Plan"][ref] = value
    return _bytes(book)


def _renamed(app) -> bytes:
    book = _book(_template(app))
    book["Plan"].title = "Hoja1"
    return _bytes(book)


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (workbook.MAX_EXPANDED_BYTES + 1))
    return buffer.getvalue()


@pytest.mark.parametrize("build, message", [
    (_renamed, "El libro no tiene la hoja «Plan» (tiene: «Hoja1», «Referencia»)"),
    (lambda app: _edited(app, A2=15),
     "Hoja «Plan», fila 2, columna A (linea): La línea estratégica «15» no existe"),
    (lambda app: _edited(app, A3=13, C3="Publicación de datos abiertos", H3="Otro",
                         N3="alto"),
     "Hoja «Plan», fila 3, columna N (meta_2027): La meta 2027 del indicador L13.1.2 debe "
     "ser un número; se recibió «alto»."),
    (lambda app: _edited(app, J2="L1.M1"),
     "Hoja «Plan», fila 2, columna J (meta_nacional): La meta L1.M1 es de la línea 1"),
    (lambda app: _edited(app, O1="meta"),
     "Faltan columnas en la planilla (hoja «Plan», fila 1): meta_2028."),
    (lambda app: b"PK\x03\x04 not really a zip", "El archivo no es un libro XLSX válido."),
    (lambda app: _bomb(), "El libro XLSX ocupa 20 MB descomprimido; el máximo es 20 MB."),
])
def test_refused_workbooks_say_where_and_store_nothing(app, client, world, build, message):
    _login(client, "officer")
    refused = _import(client, build(app))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert message in body.replace("&#34;", '"').replace("&#39;", "'")
    assert 'href="#field-spreadsheet"' in body  # the summary leads to the file field
    with app.app_context():
        assert pige.entities_with_plan() == set()


def test_the_downloads_follow_who_may_read_the_plan(app, client, world):
    with app.app_context():
        draft()
    assert client.get("/pige/plan/mpd/v1/planilla.xlsx").status_code == 404  # not published
    _login(client, "officer")
    with client.get("/pige/plan/mpd/v1/planilla.xlsx") as response:
        assert response.status_code == 200 and response.mimetype == XLSX
        assert "pige-mpd-v1.xlsx" in response.headers["Content-Disposition"]
        names = [c.value for c in _book(response.data)["Plan"]["C"]]
        assert "Portal de datos ZQXMARCA" in names
    with client.get("/pige/plantilla.xlsx") as response:
        assert response.mimetype == XLSX and _book(response.data).sheetnames == ["Plan",
                                                                                  "Referencia"]
    assert client.get("/pige/plantilla.ods").status_code == 404
    form = client.get("/pige/plan/mpd/v1/editar").get_data(as_text=True)
    assert 'href="/pige/plantilla.xlsx"' in form and 'href="/pige/plantilla.csv"' in form
    assert 'href="/pige/plan/mpd/v1/planilla.xlsx"' in form
    assert 'href="/pige/plan/mpd/v1/planilla.xlsx"' in client.get("/pige/plan/mpd").get_data(
        as_text=True)
