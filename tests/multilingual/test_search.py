"""Search finds a dataset by its translations: an English query its English title (English
stemming), words in Quechua, Aymara or Guaraní as they are written."""

from __future__ import annotations

import pytest

from tests import factories


def _found(client, q: str) -> list[str]:
    response = client.get("/api/3/action/package_search", query_string={"q": q})
    assert response.status_code == 200, response.get_json()
    return [d["name"] for d in response.get_json()["result"]["results"]]


@pytest.fixture
def two_datasets(app, translated):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.dataset("censo-agropecuario", entity_name="ine", title="Censo agropecuario",
                          description="Unidades productivas agropecuarias.")
    return translated


@pytest.mark.parametrize("q", [
    "budget execution",           # the English title
    "budgets",                    # English stemming: a plural finds the singular
    "spending",                   # an English keyword
    "accrued",                    # the English description
    "qullqi",                     # the Quechua title
    "ministry of economy",        # the entity's English name
])
def test_a_query_in_another_language_finds_the_translation(client, two_datasets, q):
    assert _found(client, q) == [two_datasets]


def test_the_search_page_finds_the_english_title(client, two_datasets):
    page = client.get("/dataset", query_string={"q": "budget execution"})
    assert page.status_code == 200
    assert f'href="/dataset/{two_datasets}"' in page.get_data(as_text=True)
    assert "censo-agropecuario" not in page.get_data(as_text=True)


def test_a_changed_translation_is_searched_at_once(app, client, two_datasets):
    from portal.auth.permissions import SYSTEM
    from portal.catalog import services as catalog

    with app.app_context():
        catalog.update_dataset(catalog.get_dataset(two_datasets),
                               {"title_translated": {"en": "Public spending"}}, SYSTEM,
                               partial=True)
    assert _found(client, "budget execution") == []
    assert _found(client, "public spending") == [two_datasets]
