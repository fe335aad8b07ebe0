"""Charts and maps of a resource page in headless Chromium, at 1280 and 390 px, against the
portal served over HTTP with the tables loaded into the DataStore: a bar chart of the explorer's
view with its data table, saved by an editor as the default view and drawn for the next reader;
points from latitude/longitude columns; departments, and municipalities when their boundaries are
configured, coloured by INE code; a GeoJSON file."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from portal.datastore import services as datastore
from portal.resource_views import services as views
from tests import factories
from tests.browser.conftest import login

CSV = (b"departamento,cod_dep,casos,lat,lon\n"
       b"La Paz,2,10,-16.5,-68.15\n"
       b"La Paz,2,5,-16.4,-68.1\n"
       b"Oruro,4,3,-17.97,-67.11\n"
       b"Santa Cruz,7,25,-17.78,-63.18\n")
SCHEMA = {"fields": [
    {"name": "departamento", "type": "string", "title": "Departamento"},
    {"name": "cod_dep", "type": "string", "title": "Código INE"},
    {"name": "casos", "type": "integer", "title": "Casos"},
    {"name": "lat", "type": "number"}, {"name": "lon", "type": "number"}]}
GEOJSON = json.dumps({"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"nombre": "Plaza Murillo"},
     "geometry": {"type": "Point", "coordinates": [-68.1336, -16.4957]}},
    {"type": "Feature", "properties": {"nombre": "Tramo"},
     "geometry": {"type": "LineString", "coordinates": [[-68.13, -16.49], [-68.12, -16.5]]}}],
}).encode()


@pytest.fixture
def world(app):
    """A dataset with the table above loaded, and a GeoJSON file; an editor of its entity."""
    # Tiles from the portal itself: the test machine has no internet.
    app.config["PORTAL_MAP_TILE_URL"] = "/static/img/favicon.svg?{z}/{x}/{y}"
    app.config["PORTAL_MAP_TILE_ATTRIBUTION"] = "Teselas de prueba"
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.user("editora", member_of="ine", role="editor")
        dataset = factories.dataset("casos", title="Casos por departamento")
        table = factories.resource(dataset, content=CSV, filename="casos.csv", name="Casos",
                                  schema=SCHEMA)
        state = datastore.ingest(table.id, force=True)
        assert state is not None and state.status == "active", state and state.message
        shapes = factories.resource(dataset, content=GEOJSON, filename="lugares.geojson",
                                    name="Lugares", format="GeoJSON")
        return {"table": f"/dataset/casos/resource/{table.id}", "table_id": table.id,
                "shapes": f"/dataset/casos/resource/{shapes.id}"}


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", (1280, 390))
def test_editor_draws_a_bar_chart_and_saves_it_as_the_default_view(live_server, world,
                                                                   open_page, width):
    page = open_page(width)
    login(page, live_server, "editora")
    page.goto(live_server + world["table"])
    page.wait_for_selector("[data-chart-builder] form")
    page.select_option("#chart-type", "bar")
    page.select_option("#chart-x", "departamento")
    page.check("[data-chart-builder] input[value=casos]")
    page.click("[data-chart-builder] button[type=submit]")
    page.wait_for_selector("[data-chart-state=drawn] figure[data-chart-type=bar] canvas")
    # The data table beside the chart: the sums per department.
    rows = page.locator(".chart-table tbody tr").all_inner_texts()
    assert [row.split("\t") for row in rows] == [["La Paz", "15"], ["Oruro", "3"],
                                                 ["Santa Cruz", "25"]]
    assert page.evaluate("document.querySelector('.chart-canvas canvas').width") > 0
    _fits(page, width)
    page.fill("#chart-title", "Casos por departamento")
    page.click("text=Guardar como vista predeterminada")
    expect(page.locator(".chart-save [role=status]")).to_contain_text("Guardado")

    with urllib.request.urlopen(f"{live_server}/api/3/action/resource_view_list?id="
                                f"{world['table_id']}") as response:
        listed = json.load(response)["result"]
    assert [(view["view_type"], view.get("title")) for view in listed][1:] == \
        [("chart", "Casos por departamento")]

    reader = open_page(width)
    reader.goto(live_server + world["table"])
    reader.wait_for_selector("[data-chart-state=drawn] figure[data-chart-type=bar]")
    assert reader.locator(".chart-table caption").inner_text() == "Casos por departamento"
    assert reader.locator(".chart-save").count() == 0  # readers cannot save
    _fits(reader, width)

    # The editor removes it: the next reader gets no chart until they draw one.
    page.reload()
    page.wait_for_selector("[data-chart-state=drawn]")
    page.click("text=Quitar la vista guardada")
    expect(page.locator(".chart-save [role=status]")).to_contain_text("Quitada")
    with urllib.request.urlopen(f"{live_server}/api/3/action/resource_view_list?id="
                                f"{world['table_id']}") as response:
        assert [view["view_type"] for view in json.load(response)["result"]] == \
            ["table_preview"]


@pytest.mark.parametrize("width", (1280, 390))
def test_points_from_latitude_and_longitude(live_server, world, open_page, width):
    page = open_page(width)
    page.goto(live_server + world["table"])
    page.wait_for_selector("[data-map][data-kind=points][data-map-state=drawn]")
    assert page.locator(".map-box path.leaflet-interactive").count() == 4
    assert "4 puntos" in page.locator("[data-map-note]").inner_text()
    assert "Teselas de prueba" in page.locator(".leaflet-control-attribution").inner_text()
    # The map follows the explorer's view.
    page.fill(".explorer-filter[data-field=departamento]", "La Paz")
    page.press(".explorer-filter[data-field=departamento]", "Enter")
    expect(page.locator("[data-map-note]")).to_contain_text("2 puntos")
    assert page.locator(".map-box path.leaflet-interactive").count() == 2
    _fits(page, width)


@pytest.mark.parametrize("width", (1280, 390))
def test_departments_coloured_by_ine_code(app, live_server, world, open_page, width):
    with app.app_context():
        from portal.auth.permissions import SYSTEM
        from portal.catalog import services as catalog

        views.create_view(catalog.get_resource(world["table_id"]), "map", {
            "title": "Casos por departamento", "code_field": "cod_dep",
            "value_field": "casos", "level": "departamento"}, SYSTEM)
    page = open_page(width)
    page.goto(live_server + world["table"])
    page.wait_for_selector("[data-map][data-kind=areas][data-map-state=drawn]")
    assert page.locator(".map-box path.leaflet-interactive").count() == 9
    rows = dict(row.split("\t") for row in
                page.locator("[data-map-table] tbody tr").all_inner_texts())
    assert rows["La Paz"] == "15" and rows["Santa Cruz"] == "25" and rows["Pando"] == "—"
    _fits(page, width)


def _municipal_resource(app, boundaries) -> str:
    """Three made-up municipalities (not real data) written to ``boundaries`` and configured,
    and a loaded table of cases by municipal code ("20101" is "020101"); its page's path."""
    from portal.catalog import services as catalog
    from tests.resource_views.test_municipal import write

    app.config["PORTAL_MUNICIPAL_BOUNDARIES"] = write(boundaries)
    with app.app_context():
        resource = factories.resource(
            catalog.get_dataset("casos"), filename="municipios.csv", name="Por municipio",
            content=b"cod_mun,casos\n020101,10\n20101,5\n070101,1\n",
            schema={"fields": [{"name": "cod_mun", "type": "string"},
                               {"name": "casos", "type": "integer", "title": "Casos"}]})
        assert datastore.ingest(resource.id, force=True).status == "active"
        return f"/dataset/casos/resource/{resource.id}"


@pytest.mark.parametrize("width", (1280, 390))
def test_municipalities_coloured_by_ine_code(app, live_server, world, open_page, tmp_path,
                                             width):
    """With PORTAL_MUNICIPAL_BOUNDARIES set (three made-up municipalities, not real data), a
    column of municipal codes colours each municipality; "20101" is "020101"."""
    path = _municipal_resource(app, tmp_path / "municipios.geojson")
    page = open_page(width)
    page.goto(live_server + path)
    page.wait_for_selector("[data-map][data-kind=areas][data-level=municipio]"
                           "[data-map-state=drawn]")
    assert page.locator(".map-box path.leaflet-interactive").count() == 3
    assert page.locator("[data-map-table] caption").inner_text() == "Casos por municipio"
    assert page.locator("[data-map-table] thead th").first.inner_text() == "Municipio"
    rows = [row.split("\t") for row in
            page.locator("[data-map-table] tbody tr").all_inner_texts()]
    assert rows == [["Uno", "15"], ["Dos", "—"], ["Tres", "1"]]
    # Coloured by value: the municipality without data stays white.
    fills = page.locator(".map-box path.leaflet-interactive").evaluate_all(
        "paths => paths.map(path => path.getAttribute('fill'))")
    assert sorted(fills) == sorted(["#00573f", "#ffffff", "#eaf4ef"])
    box = page.locator(".map-box").bounding_box()
    assert box["width"] > 0 and box["width"] <= width
    _fits(page, width)


@pytest.mark.parametrize("width", (1280, 390))
def test_a_broken_municipal_file_draws_departments_with_a_notice(app, live_server, world,
                                                                  open_page, tmp_path, width):
    """The configured municipalities' file replaced by one the portal cannot read: the page
    still draws the codes by department, says why, fits the width and passes axe."""
    boundaries = tmp_path / "municipios.geojson"
    path = _municipal_resource(app, boundaries)
    boundaries.write_text('{"type": "FeatureCollection", "features": [')  # cut short
    page = open_page(width)
    page.goto(live_server + path)
    page.wait_for_selector("[data-map][data-kind=areas][data-level=departamento]"
                           "[data-map-state=drawn]")
    expect(page.locator("[data-map-unavailable]")).to_be_visible()
    _fits(page, width)
    axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright",
        reason="axe-playwright-python is not installed: pip install -e '.[test]'").Axe()
    violations = [f"{v['id']} ({v['impact']}) {v['help']}: {[n['target'] for n in v['nodes'][:3]]}"
                  for v in axe.run(page).response["violations"]
                  if v["impact"] in ("moderate", "serious", "critical")]
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("width", (1280, 390))
def test_a_municipal_file_broken_after_the_page_loaded_is_explained(app, live_server, world,
                                                                     open_page, tmp_path, width):
    """The file breaks between the page and its map script's request for it: the map says what
    the portal answered (its 503's message), not a bare status."""
    boundaries = tmp_path / "municipios.geojson"
    path = _municipal_resource(app, boundaries)
    page = open_page(width)

    def break_then_ask(route):
        boundaries.write_text('{"type": "FeatureCollection", "features": [')  # cut short
        route.continue_()

    page.route("**/mapas/bolivia/municipios.geojson", break_then_ask)
    page.goto(live_server + path)
    page.wait_for_selector("[data-map][data-level=municipio][data-map-state=error]")
    note = page.locator("[data-map] [data-map-note]").inner_text()
    assert "El mapa de municipios no está disponible en este momento" in note
    assert "503" not in note
    _fits(page, width)


def test_a_publisher_saves_a_municipal_map(app, live_server, world, open_page, tmp_path):
    """Columns whose names say nothing: the editor chooses municipalities, and the saved view
    (level municipio) colours the configured municipalities."""
    from tests.resource_views.test_municipal import write

    app.config["PORTAL_MUNICIPAL_BOUNDARIES"] = write(tmp_path / "municipios.geojson")
    with app.app_context():
        from portal.catalog import services as catalog

        resource = factories.resource(
            catalog.get_dataset("casos"), filename="zonas.csv", name="Zonas",
            content=b"zona,valor\n020102,4\n070101,9\n",
            schema={"fields": [{"name": "zona", "type": "string"},
                               {"name": "valor", "type": "integer"}]})
        assert datastore.ingest(resource.id, force=True).status == "active"
        path = f"/dataset/casos/resource/{resource.id}"
    page = open_page(390)
    login(page, live_server, "editora")
    page.goto(live_server + path)
    page.click("details.map-settings > summary")
    page.select_option("#map-kind", "municipios")
    page.select_option("#map-code", "zona")
    page.select_option("#map-value", "valor")
    page.fill("#map-view-title", "Valor por municipio")
    with page.expect_navigation():
        page.click("text=Guardar el mapa")
    page.wait_for_selector("[data-map][data-level=municipio][data-map-state=drawn]")
    assert page.locator(".map-box path.leaflet-interactive").count() == 3
    rows = dict(row.split("\t") for row in
                page.locator("[data-map-table] tbody tr").all_inner_texts())
    assert rows == {"Uno": "—", "Dos": "4", "Tres": "9"}
    assert page.locator("[data-map-fallback]").count() == 0
    _fits(page, 390)


def test_a_geojson_file_is_drawn(live_server, world, open_page):
    page = open_page(390)
    page.goto(live_server + world["shapes"])
    page.wait_for_selector("[data-map][data-kind=geojson][data-map-state=drawn]")
    assert "2 elementos" in page.locator("[data-map-note]").inner_text()
    assert page.locator(".map-box .leaflet-marker-icon, .map-box path").count() >= 2
    _fits(page, 390)


@pytest.mark.parametrize("width", (1280, 390))
def test_explorer_chart_and_map_pass_axe(live_server, world, open_page, width):
    """axe-core finds no violation of impact moderate or higher once the explorer, a chart and
    the map are drawn (an editor's page: the save form too)."""
    axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright",
        reason="axe-playwright-python is not installed: pip install -e '.[test]'").Axe()
    page = open_page(width)
    login(page, live_server, "editora")
    page.goto(live_server + world["table"])
    page.wait_for_selector("[data-explorer-state=ready] .explorer-table tbody tr")
    page.wait_for_selector("[data-map-state=drawn]")
    page.click("[data-chart-builder] button[type=submit]")
    page.wait_for_selector("[data-chart-state=drawn] canvas")
    violations = [f"{v['id']} ({v['impact']}) {v['help']}: {[n['target'] for n in v['nodes'][:3]]}"
                  for v in axe.run(page).response["violations"]
                  if v["impact"] in ("moderate", "serious", "critical")]
    assert violations == [], "\n".join(violations)


def test_a_column_of_ine_codes_colours_the_departments_by_itself(app, live_server, open_page):
    app.config["PORTAL_MAP_TILE_URL"] = "/static/img/favicon.svg?{z}/{x}/{y}"
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        dataset = factories.dataset("poblacion", title="Población")
        resource = factories.resource(
            dataset, filename="poblacion.csv", name="Población",
            content=b"cod_dep,gestion,poblacion\n02,2024,3022566\n07,2024,3115386\n"
                    b"070101,2024,10\n",
            schema={"fields": [{"name": "cod_dep", "type": "string"},
                               {"name": "gestion", "type": "integer"},
                               {"name": "poblacion", "type": "integer", "title": "Población"}]})
        assert datastore.ingest(resource.id, force=True).status == "active"
        path = f"/dataset/poblacion/resource/{resource.id}"
    page = open_page(390)
    page.goto(live_server + path)
    page.wait_for_selector("[data-map][data-kind=areas][data-map-state=drawn]")
    assert page.locator(".map-box path.leaflet-interactive").count() == 9
    assert page.locator("[data-map-table] caption").inner_text() == "Población por departamento"
    rows = dict(row.split("\t") for row in
                page.locator("[data-map-table] tbody tr").all_inner_texts())
    # "02" is La Paz; a municipality code (070101) counts for its department, Santa Cruz.
    assert rows["La Paz"] == "3.022.566" and rows["Santa Cruz"] == "3.115.396"
    _fits(page, 390)


@pytest.mark.parametrize(("kind", "values", "header"), [
    ("pie", ["casos", "lat"], ["Departamento", "Casos"]),  # a pie shows one column of values
    ("line", ["casos", "lat"], ["Departamento", "Casos", "lat"]),
])
def test_pie_and_line_charts(live_server, world, open_page, kind, values, header):
    page = open_page(390)
    page.goto(live_server + world["table"])
    page.wait_for_selector("[data-chart-builder] form")
    page.select_option("#chart-type", kind)
    page.select_option("#chart-x", "departamento")
    for name in values:
        page.check(f"[data-chart-builder] input[value={name}]")
    page.click("[data-chart-builder] button[type=submit]")
    page.wait_for_selector(f"figure[data-chart-type={kind}] canvas")
    assert page.locator(".chart-table thead th").all_inner_texts() == header
    assert page.locator(".chart-table tbody tr").count() == 3
    _fits(page, 390)


def test_a_publisher_chooses_the_columns_of_a_map(app, live_server, world, open_page):
    with app.app_context():
        from portal.catalog import services as catalog

        dataset = catalog.get_dataset("casos")
        resource = factories.resource(
            dataset, filename="valores.csv", name="Valores",
            content=b"zona,valor\n2,10\n7,25\n",
            schema={"fields": [{"name": "zona", "type": "string"},
                               {"name": "valor", "type": "integer"}]})
        assert datastore.ingest(resource.id, force=True).status == "active"
        path = f"/dataset/casos/resource/{resource.id}"
    reader = open_page(390)
    reader.goto(live_server + path)
    reader.wait_for_selector("[data-explorer-state=ready]")
    assert reader.locator("[data-map]").count() == 0  # nothing to draw, nothing to choose

    page = open_page(390)
    login(page, live_server, "editora")
    page.goto(live_server + path)
    page.click("details.map-settings > summary")
    page.select_option("#map-kind", "areas")
    page.select_option("#map-code", "zona")
    page.select_option("#map-value", "valor")
    page.fill("#map-view-title", "Valor por departamento")
    with page.expect_navigation():
        page.click("text=Guardar el mapa")
    page.wait_for_selector("[data-map][data-kind=areas][data-map-state=drawn]")
    rows = dict(row.split("\t") for row in
                page.locator("[data-map-table] tbody tr").all_inner_texts())
    assert rows["La Paz"] == "10" and rows["Santa Cruz"] == "25"
    # A new reader (the first one's browser may keep the page for PORTAL_CACHE_SECONDS).
    reader = open_page(390)
    reader.goto(live_server + path)
    reader.wait_for_selector("[data-map][data-kind=areas][data-map-state=drawn]")
    assert reader.locator("details.map-settings").count() == 0
    _fits(page, 390)
