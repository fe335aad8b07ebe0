"""The "Origen" card of a harvested dataset's page: the source linked to its harvest page only
for those allowed to see it, the remote dataset's address and the last harvest."""

import re

import pytest

from portal.auth.permissions import SYSTEM
from portal.harvest import services as harvest
from tests import factories
from tests.feeds.sample import HARVESTED_EXTRAS, REMOTE_EXTRAS, build_harvested
from tests.pages.html_check import assert_valid_page


@pytest.fixture
def harvested(app):
    with app.app_context():
        build_harvested()
        factories.entity("mefp", title="Ministerio de Economía")
        factories.dataset("hecho-aqui", entity_name="ine", title="Hecho en el portal")
        harvest.create_source({"name": "ine-ckan", "title": "CKAN del INE", "type": "ckan",
                               "url": "https://ckan.ine.gob.bo", "entity": "ine"}, SYSTEM)


def _login(app, client, name: str, **fields) -> None:
    with app.app_context():
        user_id = factories.user(name, **fields).get_id()  # id and password fingerprint
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True


def _card(html: str) -> str:
    match = re.search(r'<section class="card provenance".*?</section>', html, re.S)
    assert match, "no provenance card"
    return match.group(0)


def test_anonymous_visitors_see_the_source_as_text_with_the_remote_link(client, harvested):
    response = client.get("/dataset/encuesta-hogares")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert_valid_page(html)
    card = _card(html)
    assert "Origen" in card and "CKAN del INE" in card
    assert "/harvest/ine-ckan" not in card
    assert f'href="{HARVESTED_EXTRAS["harvest_remote_url"]}"' in card
    assert "Última cosecha: 20 may 2025" in card
    # The dataset's own publisher at the source, beside the entity that harvests it.
    assert "Publicado en origen por" in card and "INE (catálogo CKAN)" in card
    assert f'href="{REMOTE_EXTRAS["publisher_uri"]}"' in card


@pytest.mark.parametrize(("user", "fields", "linked"), [
    ("root", {"sysadmin": True}, True),
    ("jefa", {"member_of": "ine", "role": "admin"}, True),
    ("editora", {"member_of": "ine", "role": "editor"}, False),
    ("ajena", {"member_of": "mefp", "role": "admin"}, False),
])
def test_the_source_links_to_its_harvest_page_only_for_its_admins(app, client, harvested, user,
                                                                    fields, linked):
    _login(app, client, user, **fields)
    card = _card(client.get("/dataset/encuesta-hogares").get_data(as_text=True))
    assert ('href="/harvest/ine-ckan"' in card) is linked
    assert "CKAN del INE" in card


def test_a_removed_source_is_named_in_plain_text(app, client, harvested):
    with app.app_context():
        harvest.delete_source(harvest.get_source("ine-ckan"), SYSTEM)
    _login(app, client, "root", sysadmin=True)
    card = _card(client.get("/dataset/encuesta-hogares").get_data(as_text=True))
    assert "ine-ckan" in card and "/harvest/" not in card


def test_a_dataset_made_in_the_portal_has_no_provenance_card(client, harvested):
    html = client.get("/dataset/hecho-aqui").get_data(as_text=True)
    assert "card provenance" not in html and "Origen" not in html
