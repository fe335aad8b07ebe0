"""The table explorer of a resource page in headless Chromium, at 1280 and 390 px, against the
portal served over HTTP with the resource's table loaded into the DataStore: column titles from
the Table Schema, es-BO numbers and dates, sort buttons with aria-sort, a column filter, full-text
search, paging, the view's exports and its datastore_search URL."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from portal.datastore import services as datastore
from tests import factories

DEPARTMENTS = ("La Paz", "Oruro", "Potosí", "Santa Cruz", "Beni", "Pando")
CSV = ("año,departamento,monto,fecha\n" + "".join(
    f"{2000 + i},{DEPARTMENTS[i % 6]},{1000 * i + 0.5},2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
    for i in range(60))).encode()
SCHEMA = {"fields": [
    {"name": "año", "type": "year", "title": "Año"},
    {"name": "departamento", "type": "string", "title": "Departamento",
     "description": "Departamento de Bolivia"},
    {"name": "monto", "type": "number", "title": "Monto (Bs)"},
    {"name": "fecha", "type": "date", "title": "Fecha de registro"}]}


@pytest.fixture
def table(app):
    """A public dataset with a 60-row CSV loaded into the DataStore; the resource page path."""
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        dataset = factories.dataset("gasto", title="Gasto por departamento")
        resource = factories.resource(dataset, content=CSV, filename="gasto.csv",
                                      name="Gasto", schema=SCHEMA)
        state = datastore.ingest(resource.id, force=True)
        assert state is not None and state.status == "active", state and state.message
        return {"path": f"/dataset/gasto/resource/{resource.id}", "id": resource.id}


def _open(open_page, live_server, table, width):
    page = open_page(width)
    page.goto(live_server + table["path"])
    page.wait_for_selector("[data-explorer][data-explorer-state=ready]")
    page.wait_for_selector(".explorer-table tbody tr >> nth=0")
    return page


def _status(page, text: str) -> None:
    expect(page.locator(".explorer-status")).to_contain_text(text)


def _column(page, index: int) -> list[str]:
    return page.locator(f".explorer-table tbody tr td:nth-child({index})").all_inner_texts()


@pytest.mark.parametrize("width", (1280, 390))
def test_explorer_sorts_filters_searches_and_pages(live_server, table, open_page, width):
    page = _open(open_page, live_server, table, width)
    assert not page.locator("[data-explorer-fallback]").is_visible()
    headers = page.locator(".explorer-table thead th .explorer-sort").all_inner_texts()
    assert headers == ["Año", "Departamento", "Monto (Bs)", "Fecha de registro"]
    assert page.locator(".explorer-table caption").inner_text().startswith("Gasto.")
    # es-BO: the year without grouping, a decimal comma, dates in Spanish.
    first = page.locator(".explorer-table tbody tr").first.locator("td").all_inner_texts()
    assert first[0] == "2000" and first[2] == "0,5" and first[3] == "1 ene de 2024"
    assert _column(page, 3)[12] == "12.000,5"
    assert "Filas 1–25 de 60" in page.locator(".explorer-status").inner_text()

    # Sorting: a button in each header; aria-sort says the order.
    sort = page.locator(".explorer-sort[data-field=monto]")
    sort.click()
    page.wait_for_selector("th[aria-sort=ascending] .explorer-sort[data-field=monto]")
    sort.click()
    page.wait_for_selector("th[aria-sort=descending] .explorer-sort[data-field=monto]")
    assert _column(page, 3)[0] == "59.000,5"

    # A column filter (exact value), then full-text search on top; paging follows.
    page.fill(".explorer-filter[data-field=departamento]", "Potosí")
    page.press(".explorer-filter[data-field=departamento]", "Enter")
    _status(page, "de 10 (filtradas)")
    assert set(_column(page, 2)) == {"Potosí"}
    page.fill("#explorer-q", "2014")
    page.press("#explorer-q", "Enter")
    _status(page, "de 1 (filtradas)")
    assert _column(page, 1) == ["2014"]

    # The view's exports and API call carry the same parameters.
    csv_link = page.locator(".explorer-exports a[data-format=csv]").get_attribute("href")
    with urllib.request.urlopen(live_server + csv_link) as response:
        rows = response.read().decode("utf-8-sig").splitlines()
    assert len(rows) == 2 and "2014" in rows[1] and "Potosí" in rows[1]
    api_url = page.locator("#explorer-api-url").text_content()
    assert api_url.startswith(live_server + "/api/3/action/datastore_search?")
    with urllib.request.urlopen(api_url) as response:
        result = json.load(response)["result"]
    assert result["total"] == 1 and result["records"][0]["año"] == 2014
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(api_url).query)
    assert json.loads(query["filters"][0]) == {"departamento": "Potosí"}
    assert query["sort"] == ["monto desc"] and query["q"] == ["2014"]

    # Paging, from the keyboard.
    page.fill("#explorer-q", "")
    page.press("#explorer-q", "Enter")
    page.fill(".explorer-filter[data-field=departamento]", "")
    page.press(".explorer-filter[data-field=departamento]", "Enter")
    _status(page, "Filas 1–25 de 60.")
    next_page = page.locator(".explorer-pager button", has_text="Siguiente")
    next_page.focus()
    page.keyboard.press("Enter")
    _status(page, "Filas 26–50 de 60")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_without_javascript_the_static_preview_stays(live_server, table, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390,
                                                                      "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server + table["path"])
        assert page.locator("[data-explorer-fallback] table").is_visible()
        assert page.locator("[data-explorer-fallback] tbody tr").count() == 20
    finally:
        context.close()


def test_the_view_is_in_the_address_to_share_it(live_server, table, open_page):
    page = _open(open_page, live_server, table, 1280)
    page.fill(".explorer-filter[data-field=departamento]", "Oruro")
    page.press(".explorer-filter[data-field=departamento]", "Enter")
    _status(page, "de 10 (filtradas)")
    page.click(".explorer-sort[data-field=monto]")
    page.wait_for_selector("th[aria-sort=ascending] .explorer-sort[data-field=monto]")
    shared = page.url
    assert "#" in shared and "sort=monto" in shared

    reader = open_page(390)
    reader.goto(shared)
    _status(reader, "Filas 1–10 de 10 (filtradas)")
    assert reader.locator(".explorer-filter[data-field=departamento]").input_value() == "Oruro"
    assert reader.locator("th[aria-sort=ascending] .explorer-sort[data-field=monto]").count() == 1
    assert set(_column(reader, 2)) == {"Oruro"}
    # An address naming a column the table does not have opens the whole table.
    reader.goto(live_server + table["path"] + '#filters={"nada":"x"}&sort=nada')
    reader.reload()
    _status(reader, "Filas 1–25 de 60.")


def test_a_filter_the_column_cannot_hold_is_explained(live_server, table, open_page):
    page = _open(open_page, live_server, table, 390)
    page.fill(".explorer-filter[data-field=monto]", "mucho")
    page.press(".explorer-filter[data-field=monto]", "Enter")
    status = page.locator(".explorer-status[data-error]")
    expect(status).to_contain_text("monto")
    # The rows shown stay the last good ones; clearing the filter recovers.
    assert page.locator(".explorer-table tbody tr").count() == 25
    page.fill(".explorer-filter[data-field=monto]", "")
    page.press(".explorer-filter[data-field=monto]", "Enter")
    _status(page, "Filas 1–25 de 60.")
