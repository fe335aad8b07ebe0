"""Municipal boundaries from the file ``PORTAL_MUNICIPAL_BOUNDARIES`` names: the file's
errors at start-up, its route, ``portal maps check`` and the resource page of a municipal map.
The files are written by the tests: made-up municipalities, not real data."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from portal.config import SettingError
from portal.datastore import services as datastore
from portal.resource_views.boundaries import municipal_code
from tests import factories


def square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 0.5, y], [x + 0.5, y + 0.5],
                                                [x, y + 0.5], [x, y]]]}


def feature(code, name, x, y, geometry=None) -> dict:
    return {"type": "Feature", "properties": {"CODIGO": code, "MUNICIPIO": name, "AREA": 1},
            "geometry": geometry or square(x, y)}


#: Three made-up municipalities: a string code, a number that lost its leading zero, another
#: department.
FEATURES = [feature("020101", "Uno", -68.5, -16.5), feature(20102, "Dos", -68.0, -16.5),
            feature("070101", "Tres", -63.5, -17.8)]


def write(path: Path, features=FEATURES, **extra) -> str:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}))
    return str(path)


@pytest.fixture
def municipios(tmp_path) -> str:
    return write(tmp_path / "municipios.geojson")


@pytest.mark.parametrize(("value", "code"), [
    ("020101", "020101"), ("20101", "020101"), (20101, "020101"), (20101.0, "020101"),
    (" 090301 ", "090301"), ("100101", None), ("000101", None), ("2010", None),
    ("0201011", None), ("02-01-01", None), (None, None), (True, None), ("", None)])
def test_municipal_codes_are_six_digits_of_a_department(value, code):
    assert municipal_code(value) == code


def test_the_municipalities_are_served_normalised_and_cached(make_app, municipios):
    client = make_app(PORTAL_MUNICIPAL_BOUNDARIES=municipios).test_client()
    with client.get("/mapas/bolivia/municipios.geojson") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/geo+json"
        assert response.cache_control.max_age == 86400 and response.cache_control.public
        etag = response.headers["ETag"]
        features = response.get_json()["features"]
    assert [(f["properties"]["codigo_ine"], f["properties"]["nombre"]) for f in features] == \
        [("020101", "Uno"), ("020102", "Dos"), ("070101", "Tres")]
    assert all(set(f["properties"]) == {"codigo_ine", "nombre"} for f in features)
    assert features[0]["geometry"] == FEATURES[0]["geometry"]
    again = client.get("/mapas/bolivia/municipios.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_without_the_setting_there_is_no_municipal_file(client):
    assert client.get("/mapas/bolivia/municipios.geojson").status_code == 404
    with client.get("/mapas/bolivia/departamentos.geojson") as response:
        assert response.status_code == 200


def test_a_replaced_file_is_read_again(make_app, tmp_path, municipios):
    client = make_app(PORTAL_MUNICIPAL_BOUNDARIES=municipios).test_client()
    assert len(client.get("/mapas/bolivia/municipios.geojson").get_json()["features"]) == 3
    write(Path(municipios), [*FEATURES[:2], feature("080101", "Cuatro", -65.0, -14.0),
                             feature("090101", "Cinco", -67.0, -11.0)])
    codes = [f["id"] for f in client.get("/mapas/bolivia/municipios.geojson")
             .get_json()["features"]]
    assert codes == ["020101", "020102", "080101", "090101"]


@pytest.mark.parametrize(("content", "problem"), [
    (None, "cannot read"),
    ("{not json", "is not GeoJSON"),
    ('{"type": "Feature", "geometry": null, "properties": {}}', "not a GeoJSON FeatureCollection"),
    (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"COD_INE": "020101"}, "geometry": square(0, 0)}]}),
     "no polygon feature whose property 'CODIGO'"),
    (json.dumps({"type": "FeatureCollection", "features": [feature("ABC", "X", -66, -17)]}),
     "6-digit INE municipal code"),
    (json.dumps({"type": "FeatureCollection", "features": [
        feature("020101", "En UTM", 0, 0, square(500000, 8100000))]}), "(WGS 84) in Bolivia"),
])
def test_a_file_the_portal_cannot_use_stops_it_naming_the_setting(make_app, tmp_path, content,
                                                                   problem):
    path = tmp_path / "municipios.geojson"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SettingError) as raised:
        make_app(PORTAL_MUNICIPAL_BOUNDARIES=str(path))
    assert raised.value.name == "PORTAL_MUNICIPAL_BOUNDARIES"
    assert str(raised.value).startswith("PORTAL_MUNICIPAL_BOUNDARIES: ")
    assert problem in str(raised.value)


def test_the_code_property_is_a_setting(make_app, tmp_path):
    renamed = [{**f, "properties": {"COD_INE": f["properties"]["CODIGO"], "NOMBRE": "N"}}
               for f in FEATURES]
    path = write(tmp_path / "m.geojson", renamed)
    client = make_app(PORTAL_MUNICIPAL_BOUNDARIES=path, PORTAL_MUNICIPAL_CODE_PROPERTY="COD_INE",
                      PORTAL_MUNICIPAL_NAME_PROPERTY="NOMBRE").test_client()
    features = client.get("/mapas/bolivia/municipios.geojson").get_json()["features"]
    assert [(f["id"], f["properties"]["nombre"]) for f in features] == \
        [("020101", "N"), ("020102", "N"), ("070101", "N")]


def test_maps_check_counts_the_municipalities(make_app, municipios):
    result = make_app(PORTAL_MUNICIPAL_BOUNDARIES=municipios).test_cli_runner().invoke(
        args=["maps", "check"])
    assert result.exit_code == 0, result.output
    assert f"{municipios}: 3 municipalities in 3 features (codes from 'CODIGO')." in result.output
    assert "No problems found." in result.output


def test_maps_check_lists_malformed_codes_and_exits_1(runner, tmp_path):
    path = write(tmp_path / "malos.geojson", [
        *FEATURES, feature("2010", "Corto", 0, 0), feature("150101", "Fuera", 0, 0),
        {"type": "Feature", "properties": {"MUNICIPIO": "Sin código"}, "geometry": square(0, 0)},
        feature("030101", "Punto", -66, -17, {"type": "Point", "coordinates": [-66, -17]}),
        feature("020101", "Uno bis", -68.5, -16.0),
        feature("040101", "En UTM", 0, 0, square(500000, 8100000))])
    result = runner.invoke(args=["maps", "check", "--file", path])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{path}: 3 municipalities in 9 features (codes from 'CODIGO')."
    assert "  feature 4: '2010'" in lines and "  feature 5: '150101'" in lines
    assert "Features without 'CODIGO' (1): 6" in lines
    assert "Features that are not polygons (1): 7" in lines
    assert "Features not in longitude/latitude (WGS 84) in Bolivia (1; convert the file to " \
        "EPSG:4326): 9" in lines
    assert "Codes held by several features (drawn alike): 020101" in lines
    assert lines[-1] == "These features are left out of the maps."


def test_maps_check_without_a_file(runner, tmp_path):
    result = runner.invoke(args=["maps", "check"])
    assert result.exit_code == 1
    assert "PORTAL_MUNICIPAL_BOUNDARIES is not set" in result.output
    result = runner.invoke(args=["maps", "check", "--file", str(tmp_path / "no.geojson")])
    assert result.exit_code == 1
    assert "PORTAL_MUNICIPAL_BOUNDARIES: cannot read" in result.output


CSV = b"cod_mun,casos\n020101,10\n20101,5\n020102,7\n070101,1\n"
SCHEMA = {"fields": [{"name": "cod_mun", "type": "string"},
                     {"name": "casos", "type": "integer", "title": "Casos"}]}


def _municipal_table(app) -> tuple[str, str]:
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.user("editora", member_of="ine", role="editor")
        dataset = factories.dataset("casos-municipio", title="Casos por municipio")
        resource = factories.resource(dataset, content=CSV, filename="casos.csv", name="Casos",
                                      schema=SCHEMA)
        state = datastore.ingest(resource.id, force=True)
        assert state is not None and state.status == "active", state and state.message
        return f"/dataset/casos-municipio/resource/{resource.id}", resource.id


def _map(page: str) -> dict[str, str]:
    tag = re.search(r"<div data-map [^>]*>", page, re.DOTALL).group(0)
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', tag))


def test_a_municipal_map_draws_municipalities_when_configured(make_app, municipios):
    app = make_app(PORTAL_MUNICIPAL_BOUNDARIES=municipios)
    path, resource_id = _municipal_table(app)
    client = app.test_client()
    shown = _map(client.get(path).get_data(as_text=True))
    assert shown["data-kind"] == "areas" and shown["data-level"] == "municipio"
    assert shown["data-boundaries"] == "/mapas/bolivia/municipios.geojson"
    view = json.loads(shown["data-view"].replace("&#34;", '"'))
    assert view == {"title": "Casos por municipio", "code_field": "cod_mun",
                    "value_field": "casos", "level": "municipio"}
    # What the map reads: the codes of the table and the municipalities' file.
    records = client.get(f"/api/3/action/datastore_search?resource_id={resource_id}"
                         "&fields=cod_mun,casos").get_json()["result"]["records"]
    assert [(r["cod_mun"], r["casos"]) for r in records] == \
        [("020101", 10), ("20101", 5), ("020102", 7), ("070101", 1)]
    codes = {f["properties"]["codigo_ine"]
             for f in client.get(shown["data-boundaries"]).get_json()["features"]}
    assert {municipal_code(r["cod_mun"]) for r in records} == codes


def test_without_the_file_a_municipal_map_falls_back_and_tells_editors(app, client):
    path, _ = _municipal_table(app)
    page = client.get(path).get_data(as_text=True)
    shown = _map(page)
    assert shown["data-level"] == "departamento"
    assert shown["data-boundaries"] == "/mapas/bolivia/departamentos.geojson"
    assert json.loads(shown["data-view"].replace("&#34;", '"'))["title"] == \
        "Casos por departamento"
    assert "data-map-fallback" not in page  # readers are not told
    client.post("/user/login", data={"username": "editora", "password": "secreto-123"})
    page = client.get(path).get_data(as_text=True)
    assert "data-map-fallback" in page
    assert "Los límites de los municipios no están instalados" in page


UNAVAILABLE = ("El mapa de municipios no está disponible en este momento: cada código municipal "
               "se suma en su departamento.")


def _failures(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == "portal.resource_views.boundaries" and record.levelname == "ERROR"]


def test_a_file_broken_while_running_answers_503_logs_once_and_comes_back(make_app, municipios,
                                                                          caplog):
    client = make_app(PORTAL_MUNICIPAL_BOUNDARIES=municipios).test_client()
    assert client.get("/mapas/bolivia/municipios.geojson").status_code == 200
    Path(municipios).write_text('{"type": "FeatureCollection", "features": [')  # cut short
    for _ in range(3):
        with client.get("/mapas/bolivia/municipios.geojson") as response:
            assert response.status_code == 503
            assert response.headers["Cache-Control"] == "no-store"
            assert response.get_json() == {"error": {"status": 503, "message": UNAVAILABLE}}
            assert municipios not in response.get_data(as_text=True)  # the path: log only
    [logged] = _failures(caplog)
    assert municipios in logged and "is not GeoJSON" in logged
    # Removed: another reason, logged once more.
    Path(municipios).unlink()
    assert client.get("/mapas/bolivia/municipios.geojson").status_code == 503
    assert client.get("/mapas/bolivia/municipios.geojson").status_code == 503
    assert len(_failures(caplog)) == 2 and "cannot read" in _failures(caplog)[1]
    # A good file again: served at once, without a restart.
    write(Path(municipios), FEATURES[:2])
    with client.get("/mapas/bolivia/municipios.geojson") as response:
        assert response.status_code == 200
        assert [f["id"] for f in response.get_json()["features"]] == ["020101", "020102"]
    assert any("available again" in record.getMessage() for record in caplog.records)


def test_a_folder_in_place_of_the_file_is_unavailable(make_app, municipios, caplog):
    client = make_app(PORTAL_MUNICIPAL_BOUNDARIES=municipios).test_client()
    Path(municipios).unlink()
    Path(municipios).mkdir()  # an unpacked archive named like the file: cannot be read
    assert client.get("/mapas/bolivia/municipios.geojson").status_code == 503
    [logged] = _failures(caplog)
    assert municipios in logged and "cannot read" in logged
    Path(municipios).rmdir()
    write(Path(municipios))
    assert client.get("/mapas/bolivia/municipios.geojson").status_code == 200


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file_is_unavailable_until_its_mode_is_fixed(make_app, municipios, caplog):
    client = make_app(PORTAL_MUNICIPAL_BOUNDARIES=municipios).test_client()
    os.chmod(municipios, 0)
    try:
        assert client.get("/mapas/bolivia/municipios.geojson").status_code == 503
        [logged] = _failures(caplog)
        assert municipios in logged and "cannot read" in logged
    finally:
        os.chmod(municipios, 0o644)  # the same content and mtime; only its ctime changes
    assert client.get("/mapas/bolivia/municipios.geojson").status_code == 200


def test_a_municipal_map_page_degrades_while_the_file_is_broken(make_app, municipios, caplog):
    app = make_app(PORTAL_MUNICIPAL_BOUNDARIES=municipios)
    path, _ = _municipal_table(app)
    client = app.test_client()
    assert _map(client.get(path).get_data(as_text=True))["data-level"] == "municipio"
    Path(municipios).write_text("no es geojson")
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    shown = _map(page)
    assert shown["data-level"] == "departamento"
    assert shown["data-boundaries"] == "/mapas/bolivia/departamentos.geojson"
    assert json.loads(shown["data-view"].replace("&#34;", '"'))["title"] == \
        "Casos por departamento"
    assert "data-map-unavailable" in page and UNAVAILABLE in page
    assert "data-map-fallback" not in page
    assert 'id="map-title"' in page and "data-chart-builder" in page  # the rest is shown
    assert client.get(path).status_code == 200
    assert len(_failures(caplog)) == 1
    write(Path(municipios))
    page = client.get(path).get_data(as_text=True)
    assert _map(page)["data-level"] == "municipio" and "data-map-unavailable" not in page
