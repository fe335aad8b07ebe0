"""The search page (``/dataset`` and the lists of an entity or a theme) on the search index: full
text, facets, highlights, "did you mean", sorting, paging, CSV and API links; the suggestions of
the search box; the index following writes made through the catalog's services."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.search import close_backend
from tests import factories
from tests.pages.html_check import assert_valid_page
from tests.search.conftest import add_census_and_enrolment


@pytest.fixture
def site(app):
    """The app with the search routes and the index behind the dataset lists, and a catalog:
    INE (agency) with the census, a school enrolment that mentions the census and a private
    register; the ministry of economy (ministry) with the budget."""
    with app.app_context():
        add_census_and_enrolment("Resultados **definitivos** del censo por departamento.")
        factories.dataset("registro-interno", title="Registro interno del censo", private=True,
                          license_id="other-closed")
        factories.dataset("presupuesto-2024", entity_name="mefp", title="Presupuesto 2024",
                          keywords=["presupuesto"], themes=["economia"], license_id="CC0-1.0")
    yield app
    close_backend(app)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def titles(body: str) -> list[str]:
    """Titles of the listed datasets, in order, without the highlight marks."""
    found = re.findall(r'class="dataset-item-title">\s*<a href="/dataset/[^"]+"[^>]*>(.*?)</a>',
                       body, re.S)
    return [re.sub(r"</?mark[^>]*>", "", title) for title in found]


def login(app, client, name: str, **user):
    with app.app_context():
        user_id = factories.user(name, **user).get_id()  # id and password fingerprint
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True


def test_full_text_ranks_titles_first_and_ignores_accents_and_plurals(site, client):
    body = page(client, "/dataset?q=censo")
    assert titles(body) == ["Censo de Población 2024", "Matrícula escolar por departamento"]
    assert "2 conjuntos de datos encontrados" in body
    marked = re.sub(r"<mark[^>]*>", "<mark>", body)  # descriptions as plain text, as unsearched
    assert "Resultados definitivos del <mark>censo</mark> por departamento" in marked
    assert titles(page(client, "/dataset?q=MATRICULAS+escolares")) == [
        "Matrícula escolar por departamento"]
    assert_valid_page(body)


def test_matches_are_highlighted_and_escaped(site, client):
    with site.app_context():
        factories.dataset("crudos", title="Datos <b>crudos</b> del padrón",
                          description="Padrón <script>alert(1)</script> electoral.")
    body = page(client, "/dataset?q=padron")
    marked = re.sub(r"<mark[^>]*>", "<mark>", body)
    # the description as the dataset page shows it: Markdown's raw HTML sanitised away
    assert "<mark>Padrón</mark> electoral." in marked
    assert "Datos &lt;b&gt;crudos&lt;/b&gt; del <mark>padrón</mark>" in marked
    assert "<script>alert" not in body and "alert(1)" not in body
    assert_valid_page(body)


def test_facets_count_combine_and_remove(site, client):
    body = page(client, "/dataset")
    for title, value in [("Entidades", "Instituto Nacional de Estadística"),
                         ("Temas", "Economía y finanzas"), ("Palabras clave", "estudiantes"),
                         ("Formatos", "CSV"), ("Licencias", "Creative Commons Atribución 4.0"),
                         ("Tipo de entidad", "Agencia o institución descentralizada")]:
        section = body[body.index(f">{title}</h2>"):]
        assert value in section[:section.index("</section>")]
    assert re.search(r"Agencia o institución descentralizada</span>\s*"
                     r'<span class="facet-count">2</span>', body)
    combined = page(client, "/dataset?entity_kind=agencia&groups=economia")
    assert titles(combined) == ["Censo de Población 2024"]
    assert "Tipo de entidad: Agencia o institución descentralizada" in combined
    # each active filter links to the same search without it
    assert 'href="/dataset?groups=economia"' in combined
    assert 'href="/dataset?entity_kind=agencia"' in combined
    assert titles(page(client, "/dataset?tags=censo&tags=estudiantes")) == []
    assert_valid_page(combined)


def test_did_you_mean_for_a_query_without_results(site, client):
    body = page(client, "/dataset?q=cenzo&organization=ine")
    assert "No se encontraron conjuntos de datos." in body
    assert "¿Quiso decir" in body
    assert 'href="/dataset?q=censo&amp;organization=ine">censo</a>' in body
    assert "¿Quiso decir" not in page(client, "/dataset?q=censo")


def test_sorting_and_paging(site, client):
    body = page(client, "/dataset")
    assert '<option value="score desc" selected>Relevancia</option>' in body
    assert titles(page(client, "/dataset?sort=title+asc")) == [
        "Censo de Población 2024", "Matrícula escolar por departamento", "Presupuesto 2024"]
    assert titles(page(client, "/dataset?sort=name+asc"))[-1] == "Presupuesto 2024"
    with site.app_context():
        for number in range(21):
            factories.dataset(f"serie-{number:02d}", title=f"Serie {number:02d}")
    first = page(client, "/dataset?q=serie&sort=name+asc")
    assert "21 conjuntos de datos encontrados" in first and len(titles(first)) == 20
    assert 'rel="next"' in first
    assert titles(page(client, "/dataset?q=serie&sort=name+asc&page=2")) == ["Serie 20"]
    assert titles(page(client, "/dataset?q=serie&page=9")) == []


def test_bad_query_is_explained_not_a_server_error(site, client):
    body = page(client, '/dataset?q="censo+de')
    assert "No se pudo buscar" in body and "comillas" in body
    assert "paréntesis" in page(client, "/dataset?q=(cens")
    assert "No se pudo buscar" in page(client, "/dataset?q=color:rojo")


def test_the_same_search_as_csv(site, client):
    body = page(client, "/dataset?q=censo&organization=ine&sort=title+asc&page=1")
    link = re.search(r'href="(/dataset\.csv\?[^"]*)"', body).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query) == {"q": ["censo"], "organization": ["ine"],
                                              "sort": ["title asc"]}
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["dataset_name"], r["resource_format"]) for r in rows] == [
        ("censo-2024", "CSV"), ("matricula-escolar", "")]
    assert client.get('/dataset.csv?q="abierta').status_code == 400


def test_private_datasets_for_members_only_on_the_page_and_in_csv(site, client):
    assert "Registro interno del censo" not in page(client, "/dataset?q=registro")
    assert "registro-interno" not in page(client, "/dataset.csv?q=registro")
    login(site, client, "lectora", member_of="ine", role="member")
    assert titles(page(client, "/dataset?q=registro")) == ["Registro interno del censo"]
    assert "registro-interno" in page(client, "/dataset.csv?q=registro")
    login(site, client, "ajeno", member_of="mefp", role="editor")
    assert titles(page(client, "/dataset?q=registro")) == []


def test_the_same_search_through_the_api(site, client):
    body = page(client, "/dataset?q=censo&groups=economia&sort=name+asc")
    link = re.search(r'href="(/api/3/action/package_search\?[^"]*)"', body).group(1)
    result = client.get(link.replace("&amp;", "&")).get_json()["result"]
    assert [d["title"] for d in result["results"]] == titles(body) == ["Censo de Población 2024"]
    assert result["facets"]["groups"] == {"economia": 1}
    relevance = page(client, "/dataset?q=censo")
    link = re.search(r'href="(/api/3/action/package_search\?[^"]*)"', relevance).group(1)
    result = client.get(link.replace("&amp;", "&")).get_json()["result"]
    assert [d["title"] for d in result["results"]] == titles(relevance)


def test_entity_and_theme_pages_search_within_them(site, client):
    body = page(client, "/organization/ine?q=censo")
    assert titles(body) == ["Censo de Población 2024", "Matrícula escolar por departamento"]
    assert titles(page(client, "/group/economia?q=presupuesto")) == ["Presupuesto 2024"]


def test_index_follows_writes_made_through_the_services(site, client):
    with site.app_context():
        dataset = factories.dataset("hospitales", title="Establecimientos de salud")
    assert titles(page(client, "/dataset?q=establecimientos")) == ["Establecimientos de salud"]
    with site.app_context():
        catalog.update_dataset(catalog.get_dataset("hospitales"),
                               {"title": "Red de hospitales"}, SYSTEM, partial=True)
    assert titles(page(client, "/dataset?q=establecimientos")) == []
    assert titles(page(client, "/dataset?q=hospital")) == ["Red de hospitales"]
    with site.app_context():
        catalog.update_entity(catalog.get_entity("ine"), {"title": "Instituto de Censos"},
                              SYSTEM, partial=True)
        catalog.delete_dataset(catalog.get_dataset(dataset.id), SYSTEM)
    assert titles(page(client, "/dataset?q=hospital")) == []
    assert "Instituto de Censos" in page(client, "/dataset?organization=ine")


# --- the search box's suggestions --------------------------------------------------------------


def test_search_box_offers_suggestions_with_a_script(site, client):
    body = page(client, "/dataset")
    assert 'data-suggest-url="/search/suggest"' in body
    assert 'src="/static/js/search-suggest.js"' in body
    with client.get("/static/js/search-suggest.js") as script:
        assert script.status_code == 200
    assert_valid_page(body)


def test_suggestions_of_keywords_and_titles(site, client):
    body = client.get("/search/suggest?q=matr").get_json()
    assert body["q"] == "matr"
    assert {"kind": "title", "text": "Matrícula escolar por departamento",
            "url": "/dataset/matricula-escolar"} in body["suggestions"]
    keywords = client.get("/search/suggest?q=estud").get_json()["suggestions"]
    assert {"kind": "keyword", "text": "estudiantes",
            "url": "/dataset?tags=estudiantes"} in keywords
    private = client.get("/search/suggest?q=registro").get_json()["suggestions"]
    assert private == []
    assert client.get("/search/suggest?q=").get_json()["suggestions"] == []


def test_ckan_autocomplete_utilities(site, client):
    found = client.get("/api/2/util/dataset/autocomplete?incomplete=matri").get_json()
    assert found == {"ResultSet": {"Result": [{
        "match_field": "title", "match_displayed": "Matrícula escolar por departamento",
        "name": "matricula-escolar", "title": "Matrícula escolar por departamento"}]}}
    tags = client.get("/api/2/util/tag/autocomplete?incomplete=pobl&limit=5").get_json()
    assert tags == {"ResultSet": {"Result": [{"Name": "población"}]}}
    assert client.get("/api/2/util/tag/autocomplete").get_json() == {
        "ResultSet": {"Result": []}}


def test_without_the_search_engine_the_list_is_a_database_query(app, client):
    """An app without a search engine behind its lists keeps a working list (same filters)."""
    from portal.catalog.listing import FINDER_EXTENSION

    app.extensions.pop(FINDER_EXTENSION)
    with app.app_context():
        factories.entity("ine", kind="agencia")
        factories.entity("mefp", kind="ministerio")
        factories.dataset("censo-2024", title="Censo 2024")
        factories.dataset("presupuesto-2024", entity_name="mefp", title="Presupuesto 2024")
    body = page(client, "/dataset?entity_kind=ministerio")
    assert titles(body) == ["Presupuesto 2024"]
    assert "Tipo de entidad" in page(client, "/dataset")
    assert "package_search" not in body  # no API link for a search the API cannot repeat
