"""Dataset versions: made through the API, citable at a stable URL that keeps serving the
files they held after the dataset changes, and the row difference between two versions of a
real CSV file (by the Table Schema's primaryKey or a chosen key)."""

from __future__ import annotations

import io

import pytest

from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from tests.api.conftest import Api, failed, ok
from tests.pages.html_check import assert_valid_page
from tests.series.conftest import YEARS

NEW_2024 = b"partida,monto\nsalud,110\nvivienda,30\n"


@pytest.fixture
def versioned(app, client, world):
    """ejecucion-2024 as version 1.0, then its file replaced (salud changed, educacion gone,
    vivienda new) and kept as version 2.0."""
    api = Api(client)
    token = world.tokens["editora"]
    ok(api("dataset_version_create", {"id": "ejecucion-2024", "version": "1.0",
                                      "notes": "Primera publicación."}, token=token))
    with app.app_context():
        resource = catalog.get_dataset("ejecucion-2024").resources[0]
        catalog.update_resource(resource, {}, SYSTEM, partial=True,
                                upload=io.BytesIO(NEW_2024), filename="ejecucion-2024.csv")
        world.resource_id = resource.id
    ok(api("dataset_version_create", {"id": "ejecucion-2024", "version": "2.0",
                                      "notes": "Corrección de salud."}, token=token))
    return world


def test_versions_are_listed_and_keep_their_files(client, versioned):
    api = Api(client)
    listed = ok(api("dataset_version_list", {"id": "ejecucion-2024"}, method="GET"))
    assert [v["version"] for v in listed] == ["1.0", "2.0"]
    first = listed[0]
    assert first["notes"] == "Primera publicación."
    assert first["url"].endswith("/dataset/ejecucion-2024/version/1.0")
    assert first["metadata"]["title"] == "Ejecución 2024"
    [resource] = first["resources"]
    assert "storage_key" not in resource
    assert _download(client, resource["download_url"]) == YEARS[2024]
    assert _download(client, listed[1]["resources"][0]["download_url"]) == NEW_2024
    shown = ok(api("dataset_version_show", {"id": "ejecucion-2024", "version": "1.0"},
                   method="GET"))
    assert shown == first


def _download(client, url: str) -> bytes:
    with client.get(url) as response:  # a file response: close it
        assert response.status_code == 200
        return response.data


def test_diff_by_primary_key(client, versioned):
    diff = ok(Api(client)("dataset_version_diff", {
        "id": "ejecucion-2024", "resource_id": versioned.resource_id, "from": "1.0",
        "to": "2.0"}, method="GET"))
    assert diff["key"] == ["partida"]
    assert diff["counts"] == {"added": 1, "removed": 1, "changed": 1}
    assert diff["added"] == [{"partida": "vivienda", "monto": "30"}]
    assert diff["removed"] == [{"partida": "educacion", "monto": "50"}]
    assert diff["changed"] == [{"key": {"partida": "salud"}, "changes": {"monto": ["100", "110"]}}]


def test_diff_by_a_chosen_key_and_its_errors(app, client, versioned):
    api = Api(client)
    params = {"id": "ejecucion-2024", "resource_id": versioned.resource_id, "from": "1.0",
              "to": "2.0"}
    # Keyed by the amount, every row is a different one.
    diff = ok(api("dataset_version_diff", {**params, "key": "monto"}, method="GET"))
    assert diff["counts"] == {"added": 2, "removed": 2, "changed": 0}
    error = failed(api("dataset_version_diff", {**params, "key": "codigo"}, method="GET"),
                   409, "Validation Error")
    assert "codigo" in error["key"][0]
    failed(api("dataset_version_diff", {**params, "from": "9.9"}, method="GET"),
           404, "Not Found Error")


def test_version_page_shows_the_old_state_and_the_diff(client, versioned):
    page = client.get("/dataset/ejecucion-2024/version/1.0")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Primera publicación." in html and "Ejecución 2024" in html
    page = client.get(f"/dataset/ejecucion-2024/version/2.0?comparar=1.0"
                      f"&recurso={versioned.resource_id}")
    html = page.get_data(as_text=True)
    assert "Filas añadidas: 1; eliminadas: 1; cambiadas: 1." in html
    assert "<td>vivienda</td>" in html and "<td>110</td>" in html
    assert client.get("/dataset/ejecucion-2024/version/3.0").status_code == 404
    # A private dataset's versions are as hidden as the dataset.
    assert client.get("/dataset/ejecucion-2026/version/1.0").status_code == 404


def test_version_rules(client, versioned):
    api = Api(client)
    token = versioned.tokens["editora"]
    error = failed(api("dataset_version_create", {"id": "ejecucion-2024", "version": "1.0"},
                       token=token), 409, "Validation Error")
    assert "1.0" in error["version"][0]
    failed(api("dataset_version_create", {"id": "ejecucion-2024", "version": "uno dos"},
               token=token), 409, "Validation Error")
    failed(api("dataset_version_create", {"id": "ejecucion-2024", "version": "3.0"},
               token=versioned.tokens["ajeno"]), 403, "Authorization Error")
    listed = ok(api("dataset_version_list", {"id": "ejecucion-2024"}, method="GET"))
    assert [v["version"] for v in listed] == ["1.0", "2.0"]


@pytest.mark.parametrize("ext", ["ttl", "rdf", "jsonld"])
def test_versions_in_dcat_conform_and_are_not_harvested_as_datasets(client, versioned, ext):
    from rdflib import URIRef

    from harvesters.dcat import series_dcat
    from portal.catalog import dcat
    from portal.rdf import ADMS, DCAT, DCT, parse_graph
    from tests.feeds.shacl import SHAPES_3_0_1, validate

    formats = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
    for path in ("/catalog", "/dataset/ejecucion-2024"):
        response = client.get(f"{path}.{ext}")
        assert response.status_code == 200
        graph = parse_graph(response.data, formats[ext])
        node = URIRef("http://127.0.0.1:5000/dataset/ejecucion-2024")
        first = URIRef(f"{node}/version/1.0")
        assert set(graph.objects(node, DCAT.hasVersion)) == {first, URIRef(f"{node}/version/2.0")}
        assert (node, DCT.hasVersion, first) in graph
        assert graph.value(first, DCAT.isVersionOf) == node
        assert str(graph.value(first, DCAT.version)) == "1.0"
        assert str(graph.value(first, ADMS.versionNotes)) == "Primera publicación."
        assert validate(graph, SHAPES_3_0_1).violations == []
        found = series_dcat.with_series(graph, dcat.find_datasets(graph))
        assert first not in found and node in found


def _login(app, client, name: str) -> None:
    from portal.auth.services import get_user

    with app.app_context():
        user_id = get_user(name).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True


def test_editor_makes_a_version_with_the_form(app, client, world):
    assert client.post("/dataset/ejecucion-2023/versiones",
                       data={"version": "1.0"}).status_code == 403  # anonymous
    page = client.get("/dataset/ejecucion-2023")
    assert 'href="/dataset/ejecucion-2023/versiones"' in page.get_data(as_text=True)
    _login(app, client, "editora")
    form = client.get("/dataset/ejecucion-2023/versiones").get_data(as_text=True)
    assert 'name="version"' in form
    made = client.post("/dataset/ejecucion-2023/versiones",
                       data={"version": "2023-final", "notes": "Cierre del año."})
    assert made.status_code == 302
    assert made.headers["Location"].endswith("/dataset/ejecucion-2023/version/2023-final")
    again = client.post("/dataset/ejecucion-2023/versiones", data={"version": "2023-final"})
    assert again.status_code == 409
    assert "Ya existe la versión «2023-final»" in again.get_data(as_text=True)
    listed = client.get("/dataset/ejecucion-2023/versiones").get_data(as_text=True)
    assert "Cierre del año." in listed
    assert_valid_page(listed)


def test_a_member_of_another_entity_sees_no_form(app, client, world):
    _login(app, client, "ajeno")
    form = client.get("/dataset/ejecucion-2023/versiones").get_data(as_text=True)
    assert 'name="version"' not in form
    assert client.post("/dataset/ejecucion-2023/versiones",
                       data={"version": "x"}).status_code == 403


def test_diff_refuses_a_key_that_repeats_and_bounds_its_lists(app):
    with app.app_context():
        _check_repeats_and_limits()


def _check_repeats_and_limits() -> None:
    from portal.errors import ValidationError
    from portal.series.diff import diff_tables

    old = b"id,valor\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(2500))
    new = b"id,valor\n" + b"".join(b"%d,%d\n" % (i, i + (i % 2)) for i in range(1, 2600))
    result = diff_tables(io.BytesIO(old), io.BytesIO(new), ["id"], limit=5)
    assert result.counts == {"added": 100, "removed": 1, "changed": 1250}
    assert len(result.added) == len(result.changed) == 5
    repeated = b"id,valor\n" + b"".join(b"%d,1\n" % (i % 1500) for i in range(3000))
    with pytest.raises(ValidationError) as refused:
        diff_tables(io.BytesIO(old), io.BytesIO(repeated), ["id"])
    assert "se repite (0)" in refused.value.fields["key"][0]
    with pytest.raises(ValidationError):
        diff_tables(io.BytesIO(old), io.BytesIO(new), [])
