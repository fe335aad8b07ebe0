"""Every public page: status, content in Spanish, valid HTML; downloads; Markdown safety."""

from __future__ import annotations

import importlib.util
import re

import pytest

from portal import create_app
from tests import factories
from tests.pages.html_check import assert_valid_page, check_page


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", ["Datos abiertos del Estado Plurinacional de Bolivia", "Censo de Población 2024",
               "Economía y finanzas", "Instituto Nacional de Estadística"]),
        ("/dataset", ["2 conjuntos de datos encontrados", "Censo de Población 2024",
                      "Presupuesto 2024"]),
        ("/dataset/censo-2024", ["Censo de Población 2024", "Datos y recursos"]),
        ("/organization", ["Entidades", "Ministerio de Economía y Finanzas Públicas",
                           "Agencia o institución descentralizada"]),
        ("/organization/ine", ["Instituto Nacional de Estadística", "Censo de Población 2024",
                               "Actividad reciente"]),
        ("/group", ["Temas", "Economía y finanzas", "Salud"]),
        ("/group/economia", ["Economía y finanzas", "Censo de Población 2024",
                             "Presupuesto 2024"]),
        ("/licenses", ["Licencias", "Creative Commons Atribución 4.0", "CC-BY-4.0"]),
        ("/user/login", ["Iniciar sesión", "Contraseña"]),
    ],
)
def test_public_page_renders_in_spanish_as_valid_html(client, catalog, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    body = text(response)
    for fragment in expected:
        assert fragment in body
    assert_valid_page(body)


def test_resource_page_is_valid_html(client, catalog):
    response = client.get(f"/dataset/censo-2024/resource/{catalog.csv_id}")
    assert response.status_code == 200
    assert_valid_page(text(response))


def test_home_shows_figures_newest_and_a_search_box_for_the_dataset_list(client, catalog):
    body = text(client.get("/"))
    assert 'action="/dataset"' in body and 'name="q"' in body
    assert 'role="search"' in body
    # two public datasets, two resources, two entities, two themes
    assert body.count('<dd><a href="/dataset">2</a></dd>') == 1
    assert "Publicados recientemente" in body and "Actualizados recientemente" in body
    # private and draft datasets stay off the home page
    assert "Registro interno" not in body and "Borrador del INE" not in body


def without_marks(response) -> str:
    """The page without the ``<mark>`` of highlighted search matches."""
    return re.sub(r"</?mark[^>]*>", "", text(response))


def test_dataset_list_filters_by_text_and_facets(client, catalog):
    body = without_marks(client.get("/dataset?q=censo"))
    assert "Censo de Población 2024" in body and "Presupuesto 2024" not in body
    body = without_marks(client.get("/dataset?q=definitivos"))  # the description matches too
    assert "Censo de Población 2024" in body
    body = text(client.get("/dataset?organization=mefp"))
    assert "Presupuesto 2024" in body and "Censo de Población 2024" not in body
    body = text(client.get("/dataset?tags=censo"))
    assert "1 conjunto de datos encontrado" in body
    body = text(client.get("/dataset?res_format=csv"))
    assert "Censo de Población 2024" in body and "Presupuesto 2024" not in body
    body = text(client.get("/dataset?groups=salud"))
    assert "No se encontraron conjuntos de datos." in body
    body = text(client.get("/dataset?license_id=CC-BY-4.0&organization=ine"))
    assert "Censo de Población 2024" in body
    # facets with counts, and the active filter can be removed
    body = text(client.get("/dataset?organization=ine"))
    assert "Quitar filtro:" in body
    assert 'href="/dataset"' in body


def test_dataset_list_pages_through_results(app, client):
    with app.app_context():
        factories.entity("ine")
        for number in range(23):
            factories.dataset(f"serie-{number:02d}", title=f"Serie {number:02d}")
    first = text(client.get("/dataset?sort=name+asc"))
    assert "23 conjuntos de datos encontrados" in first
    assert first.count('class="dataset-item"') == 20
    assert "Serie 00" in first and "Serie 20" not in first
    assert 'rel="next"' in first
    second = text(client.get("/dataset?sort=name+asc&page=2"))
    assert second.count('class="dataset-item"') == 3
    assert "Serie 22" in second and 'rel="prev"' in second
    assert client.get("/dataset?page=abc").status_code == 200
    assert client.get("/dataset?sort=nonsense").status_code == 200


def test_dataset_page_shows_all_metadata_with_spanish_labels(client, catalog):
    body = text(client.get("/dataset/censo-2024"))
    for fragment in [
        "Instituto Nacional de Estadística", 'href="/organization/ine"',
        'href="https://creativecommons.org/licenses/by/4.0/"', "Creative Commons Atribución 4.0",
        "Open Definition", "Anual", "Bolivia (nacional), La Paz", "Español, Quechua",
        "Del 1 ene 2024 al 31 dic 2024", "Público", "INE-CENSO-2024", "1.0",
        'href="https://www.ine.gob.bo/censo"', "Unidad de Datos", "mailto:datos@ine.gob.bo",
        'href="/group/economia"', 'href="/dataset?tags=censo"', "población",
        "<strong>definitivos</strong>", "<li>por departamento</li>",
        "Casos por departamento", "Portal del INE", "Historial de cambios",
        "creó el conjunto de datos",
    ]:
        assert fragment in body, fragment
    # no publisher actions for visitors
    assert "/dataset/edit/censo-2024" not in body
    assert "{% block head_extra %}" not in body


def test_dataset_page_links_each_resource_to_its_download(client, catalog):
    body = text(client.get("/dataset/censo-2024"))
    assert (f'/dataset/censo-2024/resource/{catalog.csv_id}/download/{catalog.csv_filename}'
            in body)
    assert f"/dataset/censo-2024/resource/{catalog.link_id}/download/censo.xlsx" in body


def test_uploaded_file_downloads_with_media_type_and_attachment_name(client, catalog):
    response = client.get(
        f"/dataset/censo-2024/resource/{catalog.csv_id}/download/{catalog.csv_filename}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        f"attachment; filename={catalog.csv_filename}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.decode() == "año,departamento,casos\n2024,La Paz,10\n2024,Oruro,3\n"
    response.close()


def test_link_resource_download_redirects_to_its_url(client, catalog):
    response = client.get(f"/dataset/censo-2024/resource/{catalog.link_id}/download/censo.xlsx")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://www.ine.gob.bo/datos/censo.xlsx"


def test_resource_of_another_dataset_is_not_found(client, catalog):
    response = client.get(f"/dataset/presupuesto-2024/resource/{catalog.csv_id}")
    assert response.status_code == 404
    assert client.get("/dataset/censo-2024/resource/no-existe").status_code == 404


def test_resource_page_previews_the_first_rows_of_an_uploaded_csv(client, catalog):
    body = text(client.get(f"/dataset/censo-2024/resource/{catalog.csv_id}"))
    assert '<th scope="col">departamento</th>' in body
    assert "<td>Oruro</td>" in body
    assert "Contenido completo del archivo." in body
    assert "text/csv" in body and "Suma de verificación (SHA-256)" in body
    link = text(client.get(f"/dataset/censo-2024/resource/{catalog.link_id}"))
    assert "Vista previa" not in link
    assert 'href="https://www.ine.gob.bo/datos/censo.xlsx"' in link


def test_markdown_description_is_rendered_without_scripts_or_handlers(app, client):
    with app.app_context():
        factories.entity("ine")
        factories.dataset("peligroso", description=(
            "# Título del autor\n\nTexto *normal*.\n\n<script>alert('x')</script>\n\n"
            '<a href="javascript:alert(1)">clic</a> <img src=x onerror="alert(2)">\n\n'
            "[enlace](javascript:alert(3)) <iframe src=\"https://evil.example\"></iframe>"
        ))
    body = text(client.get("/dataset/peligroso"))
    assert "<em>normal</em>" in body
    assert "<h2>Título del autor</h2>" in body  # the page keeps its only <h1>
    main = body[body.index("<main"):body.index("</main>")]
    assert "<script" not in main and "alert(" not in main
    assert "javascript:" not in main and "onerror" not in main and "<iframe" not in main
    assert_valid_page(body)


def test_licences_page_shows_open_definition_conformance(client):
    body = text(client.get("/licenses"))
    assert body.count('class="badge badge-open"') >= 8
    closed = body[body.index('id="CC-BY-NC-4.0"'):]
    assert "No abierta" in closed[:800]


def test_missing_pages_answer_404_in_spanish(client, catalog):
    for url in ("/dataset/no-existe", "/organization/no-existe", "/group/no-existe",
                "/no/existe"):
        response = client.get(url)
        assert response.status_code == 404, url
        body = text(response)
        assert "Error 404" in body
        assert_valid_page(body)
    assert "No existe el conjunto de datos «no-existe»." in text(client.get("/dataset/no-existe"))


def test_method_not_allowed_page(client, catalog):
    response = client.get("/user/logout")
    assert response.status_code == 405
    assert "Método no permitido" in text(response)


def test_private_and_draft_datasets_look_missing_to_visitors(client, catalog):
    for name in ("registro-interno", "borrador-ine"):
        assert client.get(f"/dataset/{name}").status_code == 404
    body = text(client.get("/dataset"))
    assert "Registro interno" not in body and "Borrador del INE" not in body


def test_dataset_reached_by_id_redirects_to_its_name(app, client, catalog):
    from portal.catalog import services

    with app.app_context():
        dataset_id = services.get_dataset("censo-2024").id
    response = client.get(f"/dataset/{dataset_id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/dataset/censo-2024")


def test_rdf_accept_header_is_sent_to_the_feeds(app, client, catalog):
    if importlib.util.find_spec("portal.feeds.negotiation") is None \
            or "feeds.dataset_rdf" not in app.view_functions:
        pytest.skip("portal.feeds is not installed in this app")
    response = client.get("/dataset/censo-2024", headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert "censo-2024" in response.headers["Location"]
    html = client.get("/dataset/censo-2024", headers={"Accept": "text/html"})
    assert html.status_code == 200


def test_entity_page_lists_its_datasets_only(client, catalog):
    body = text(client.get("/organization/mefp"))
    assert "Presupuesto 2024" in body and "Censo de Población 2024" not in body
    assert "Ministerio" in body


def test_entity_list_can_be_searched(client, catalog):
    body = text(client.get("/organization?q=econom"))
    assert "Ministerio de Economía y Finanzas Públicas" in body
    assert "Instituto Nacional de Estadística" not in body


def test_checker_catches_broken_html():
    broken = ('<!doctype html><html><body><main><h1>a</h1><div><p>x</span></div>'
              '<input type="text" id="q"><h1>b</h1></main></body></html>')
    problems = "\n".join(check_page(broken).problems)
    assert "</span> closes <div>" in problems
    assert "2 <h1> elements" in problems
    assert "no lang attribute" in problems
    assert "text control id='q' has no label" in problems
    unclosed = check_page('<!doctype html><html lang="es"><main><h1>x</h1><section></main>')
    assert any("never closed" in p or "closes <section>" in p for p in unclosed.problems)


def test_pages_have_landmarks_a_skip_link_and_a_phone_viewport(client, catalog):
    body = text(client.get("/dataset/censo-2024"))
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
    assert '<a class="skip-link" href="#contenido">' in body and '<main id="contenido"' in body
    assert '<header class="site-header">' in body and "<footer" in body
    assert '<nav class="main-nav" id="site-menu" aria-label="Principal">' in body
    assert 'aria-label="Ruta de navegación"' in body
    assert '/static/css/portal.css' in body
    # No JavaScript needed to read a dataset: the one script folds the menu on a phone, and
    # without it the menu is simply shown (the button starts hidden).
    assert re.findall(r"<script src=[^>]*>", body) == [
        '<script src="/static/js/menu.js" defer>']
    assert '<button type="button" class="menu-toggle"' in body and "menu-ready" not in body


def test_unexpected_errors_show_the_500_page(migrated, tmp_path):
    app = create_app({"PORTAL_DATABASE_URL": migrated, "PORTAL_SECRET_KEY": "test",
                      "PORTAL_INSTANCE_PATH": str(tmp_path / "boom")})

    def boom():
        raise RuntimeError("fallo")

    app.add_url_rule("/boom", view_func=boom)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = text(response)
    assert "Error interno del servidor" in body and "fallo" not in body
    assert_valid_page(body)
    app.extensions["db_engine"].dispose()
