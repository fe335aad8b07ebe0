"""CSV downloads neutralise spreadsheet formulas (OWASP "CSV injection"), every one of them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import urlsplit

import pytest

from portal import csvsafe
from portal.harvest import services as harvest
from portal.pige import registry
from portal.pige import services as pige
from tests import factories
from tests.harvest.conftest import add_source, harvest_app, site  # noqa: F401 - fixtures
from tests.harvest.servers import FakeCkan, ckan_package
from tests.pige.builders import content

FORMULA = '=HYPERLINK("http://127.0.0.1/x","clic")'


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\r=1", "'\r=1"), ("+591 2 2222222", "'+591 2 2222222"),
    ("-3.5", "-3.5"), ("+7", "+7"), ("-1e3", "-1e3"), ("-.5", "-.5"),
    ("a=b", "a=b"), ("", ""), (-3.5, -3.5), (None, None), ("'=1", "'=1"),
])
def test_cells_starting_like_a_formula_are_quoted_numbers_are_not(value, written):
    assert csvsafe.cell(value) == written


def test_both_writers_quote_every_cell():
    out = io.StringIO()
    csvsafe.writer(out).writerows([["=a", "-1"], ["@b", "c"]])
    dict_out = io.StringIO()
    writer = csvsafe.DictWriter(dict_out, fieldnames=["x", "y"])
    writer.writeheader()
    writer.writerow({"x": "+c", "y": "2"})
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=a", "-1"], ["'@b", "c"]]
    assert list(csv.reader(io.StringIO(dict_out.getvalue()))) == [["x", "y"], ["'+c", "2"]]


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def hostile_dataset(app):
    with app.app_context():
        factories.entity("ine", title="@Instituto")
        dataset = factories.dataset("formulas", title=FORMULA, keywords=["-2+3"])
        factories.resource(dataset, name="+cmd|' /C calc'!A0",
                           url="https://example.org/datos.csv")


@pytest.mark.parametrize("path", ["/catalog.csv", "/dataset.csv"])
def test_catalog_and_search_csv_neutralise_formulas(client, hostile_dataset, path):
    [row] = _rows(client.get(path))
    assert row["dataset_title"] == "'" + FORMULA
    assert row["entity_title"] == "'@Instituto"
    assert row["resource_name"] == "'+cmd|' /C calc'!A0"
    assert row["dataset_name"] == "formulas"  # the rest as it was


def test_harvest_job_csv_neutralises_formulas(client, site, add_source):  # noqa: F811
    FakeCkan(site, [ckan_package(1, title="=1+2"), ckan_package(2, title="-3.5")])
    source = add_source("ine-ckan", "ckan", site.base)
    job = harvest.run_source(source)
    factories.user("jefa", member_of="ine", role="admin")
    client.post("/user/login", data={"username": "jefa", "password": "secreto-123"})
    rows = _rows(client.get(f"/harvest/job/{job.id}.csv"))
    assert sorted(row["title"] for row in rows) == ["'=1+2", "-3.5"]


def test_pige_registry_csv_neutralises_formulas(app, client):
    with app.app_context():
        factories.entity("agetic", title="AGETIC")
        factories.entity("mpd", title="=Ministerio")
        root = factories.user("root", sysadmin=True)
        pige.create_plan("mpd", {"title": "Plan", "summary": "Resumen", "content": content()},
                         root, on=dt.date(2026, 1, 12))
    package = client.get(f"/api/3/action/package_show?id={registry.REGISTRY_NAME}").get_json()
    [url] = [r["url"] for r in package["result"]["resources"]
             if r["url"].endswith(registry.CSV_NAME)]
    with client.get(urlsplit(url).path) as response:
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["entidad_nombre"] for row in rows] == ["'=Ministerio"]
