"""The public history pages: /dataset/<name>/historial, /organization/<name>/historial, a
permanent link per change, the Atom feeds, and what a withdrawn dataset leaves to the public."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from portal.auth.services import get_user
from portal.catalog import services
from tests import factories
from tests.pages.html_check import assert_valid_page

ATOM = "{http://www.w3.org/2005/Atom}"
LONG = ("El censo recoge la población de cada municipio, su vivienda, su educación y su "
        "acceso a servicios básicos, con resultados por departamento.")


def _patch(app, name: str, actor_name: str | None = None, **changes):
    with app.app_context():
        actor = get_user(actor_name) if actor_name else factories.SYSTEM
        dataset = services.get_dataset(name)
        services.update_dataset(dataset, changes, actor, partial=True)


def _page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def _permalinks(page: str, name: str) -> list[str]:
    return re.findall(rf'href="(/dataset/{name}/historial/[0-9a-f-]{{36}})"', page)


def test_dataset_history_shows_each_change_old_and_new(app, client, catalog):
    _patch(app, catalog.public, title="Censo Nacional 2024", keywords=["censo", "vivienda"],
           description=LONG, access_rights="restricted")
    _patch(app, catalog.public, description=LONG.replace("vivienda", "vivienda propia"))

    page = _page(client, f"/dataset/{catalog.public}/historial")
    assert_valid_page(page)
    assert "Historial de cambios: «Censo Nacional 2024»" in page
    # Spanish labels, old -> new values
    assert "<dt>Título</dt>" in page and "Censo de Población 2024" in page
    assert "Derechos de acceso" in page and "Restringido" in page
    # list items added and removed
    assert re.search(r"<ins><span class=\"visually-hidden\">añadido:</span> vivienda</ins>", page)
    assert re.search(r"<del><span class=\"visually-hidden\">quitado:</span> población</del>",
                     page)
    # a long text as a word-level diff: only the new word is marked
    assert re.search(r"su vivienda<ins><span class=\"visually-hidden\">añadido: </span> "
                     r"propia</ins>", page)
    # resources added when the dataset was built
    assert "Recurso añadido: «Casos por departamento»" in page
    assert "Descripción" in page and "Cobertura geográfica" in page  # the creation's values

    # each change has a permanent link that shows that change alone
    links = _permalinks(page, catalog.public)
    assert len(links) == len(set(links)) >= 5
    newest = _page(client, links[0])
    assert_valid_page(newest)
    assert "propia" in newest and "Título" not in newest.split("<h1")[1].split("Enlace")[0]
    site = app.config["PORTAL_SITE_URL"].rstrip("/")
    assert f"Enlace permanente: <a href=\"{links[0]}\"><code>{site}{links[0]}</code>" in newest


def test_history_is_paged(app, client, catalog, monkeypatch):
    from portal.activity import views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    for number in range(3):
        _patch(app, catalog.public, version=f"2.{number}")
    first = _page(client, f"/dataset/{catalog.public}/historial")
    assert "2.1" in first and "2.2" in first and "2.0 →" not in first.replace("\n", "")
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = _page(client, f"/dataset/{catalog.public}/historial?page=2")
    assert 'rel="prev"' in second and "2.0" in second
    assert set(_permalinks(first, catalog.public)).isdisjoint(_permalinks(second,
                                                                           catalog.public))
    assert _permalinks(_page(client, f"/dataset/{catalog.public}/historial?page=abc"),
                       catalog.public) == _permalinks(first, catalog.public)


def test_dataset_and_entity_atom_feeds(app, client, catalog):
    _patch(app, catalog.public, title="Censo Nacional 2024")
    for url, alternate in ((f"/dataset/{catalog.public}/historial.atom",
                            f"/dataset/{catalog.public}/historial"),
                           ("/organization/ine/historial.atom", "/organization/ine/historial")):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/atom+xml"
        feed = ET.fromstring(response.data)
        assert feed.find(f"{ATOM}link[@rel='alternate']").get("href").endswith(alternate)
        entries = feed.findall(f"{ATOM}entry")
        assert entries
        newest = entries[0]
        assert "Censo Nacional 2024" in newest.find(f"{ATOM}title").text
        assert "Título: «Censo de Población 2024» → «Censo Nacional 2024»" in \
            newest.find(f"{ATOM}summary").text
        permalink = newest.find(f"{ATOM}id").text
        assert re.search(r"/dataset/censo-2024/historial/[0-9a-f-]{36}$", permalink)
        path = permalink.split("://", 1)[1].split("/", 1)[1]
        assert "Censo Nacional 2024" in _page(client, "/" + path)
    page = _page(client, f"/dataset/{catalog.public}/historial")
    assert f'href="/dataset/{catalog.public}/historial.atom"' in page
    dataset_page = _page(client, f"/dataset/{catalog.public}")
    assert f'href="/dataset/{catalog.public}/historial"' in dataset_page
    assert permalink.split("/", 3)[3] in dataset_page  # each activity's date is its link
    entity_page = _page(client, "/organization/ine")
    assert 'href="/organization/ine/historial"' in entity_page
    entity_link = re.search(r'href="(/organization/ine/historial/[0-9a-f-]{36})"', entity_page)
    assert "Censo Nacional 2024" in _page(client, entity_link.group(1))


def test_entity_history_lists_its_datasets_and_its_own_changes(app, client, catalog, login):
    with app.app_context():
        entity = services.get_entity("ine")
        services.update_entity(entity, {**{f: getattr(entity, f) for f in
                                           services.ENTITY_FIELDS},
                                        "website": "https://ine.gob.bo/nuevo"}, factories.SYSTEM)
    page = _page(client, "/organization/ine/historial")
    assert_valid_page(page)
    assert "Sitio web" in page and "https://ine.gob.bo/nuevo" in page
    assert "Censo de Población 2024" in page
    assert "Registro interno" not in page and "Borrador del INE" not in page
    entity_link = re.search(r'href="(/organization/ine/historial/[0-9a-f-]{36})"', page)
    assert "https://ine.gob.bo/nuevo" in _page(client, entity_link.group(1))
    assert _permalinks(page, catalog.public)
    # members see the private datasets' activity too
    login("lectora")
    member = _page(client, "/organization/ine/historial")
    assert "Registro interno" in member and "Borrador del INE" in member
    _page(client, "/organization/nadie/historial", 404)


def test_a_withdrawn_dataset_leaves_only_its_withdrawal(app, client, catalog, login):
    _patch(app, catalog.public, description="Notas que el público vio.")
    public_page = _page(client, f"/dataset/{catalog.public}/historial")
    cited = _permalinks(public_page, catalog.public)[0]

    login("editora")
    _patch(app, catalog.public, "editora", private=True)
    _patch(app, catalog.public, "editora", title="Título interno")
    with client.session_transaction() as session:
        session.clear()

    page = _page(client, f"/dataset/{catalog.public}/historial")
    assert_valid_page(page)
    assert "retiró de la publicación un conjunto de datos" in page and "editora" in page
    assert "se retiró de la publicación el" in page
    for secret in ("Título interno", "Censo de Población", "Notas que el público vio",
                   "Casos por departamento"):
        assert secret not in page
    assert len(_permalinks(page, catalog.public)) == 1
    # the earlier permanent link still answers: gone, with the withdrawal, without content
    gone = _page(client, cited, 410)
    assert "Este cambio ya no es público" in gone and "editora" in gone
    assert "Notas que el público vio" not in gone and "Censo de Población" not in gone
    feed = client.get(f"/dataset/{catalog.public}/historial.atom").get_data(as_text=True)
    assert "retiró de la publicación" in feed and "Título interno" not in feed
    entity = _page(client, "/organization/ine/historial")
    assert "retiró de la publicación" in entity and "Título interno" not in entity
    # the entity's history links the withdrawal by the dataset's id (its name may be private)
    assert re.search(r'href="/dataset/[0-9a-f-]{36}/historial/[0-9a-f-]{36}"', entity)

    # a dataset that was never public has no public history at all
    _page(client, "/dataset/borrador-ine/historial", 404)
    _page(client, "/dataset/registro-interno/historial.atom", 404)


def test_the_delete_page_promise_holds(app, client, catalog, login):
    """The delete page says the activity record is kept: the public still sees when and by whom
    the dataset was withdrawn, on its history, the entity's history and their feeds."""
    login("editora")
    promise = _page(client, f"/dataset/delete/{catalog.public}")
    assert "El registro de actividad se conserva" in promise
    response = client.post(f"/dataset/delete/{catalog.public}")
    assert response.status_code in (302, 303)
    # the editor still reads the whole record of the deleted dataset
    own = _page(client, f"/dataset/{catalog.public}/historial")
    assert "eliminó el conjunto de datos" in own and "Censo de Población 2024" in own
    with client.session_transaction() as session:
        session.clear()

    _page(client, f"/dataset/{catalog.public}", 404)
    page = _page(client, f"/dataset/{catalog.public}/historial")
    assert "retiró de la publicación un conjunto de datos" in page and "editora" in page
    assert "Censo de Población" not in page and "eliminó" not in page
    assert "retiró de la publicación" in _page(client, "/organization/ine/historial")
    assert "retiró de la publicación" in client.get(
        "/organization/ine/historial.atom").get_data(as_text=True)


def test_unknown_change_is_not_found(client, catalog):
    _page(client, f"/dataset/{catalog.public}/historial/no-such-change", 404)
    _page(client, "/dataset/no-existe/historial", 404)
