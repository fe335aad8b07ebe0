"""The dataset page shows the metadata in the interface language and falls back to Spanish."""

from __future__ import annotations

import re

import pytest


def _h1(page: str) -> tuple[str, str]:
    found = re.search(r'<h1 lang="([a-z]+)">(.*?)</h1>', page, re.S)
    return found.group(1), found.group(2).strip()


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ("en", "Budget execution 2024")),
    ("qu", ("qu", "Qullqi rakiy 2024")),
    ("ay", ("es", "Ejecución presupuestaria 2024")),  # no Aymara title: Spanish
    ("es", ("es", "Ejecución presupuestaria 2024")),
])
def test_dataset_page_in_the_interface_language(client, translated, lang, expected):
    page = client.get(f"/dataset/{translated}?lang={lang}").get_data(as_text=True)
    assert _h1(page) == expected
    assert f"<title>{expected[1]}" in page


def test_english_page_shows_every_translated_text(client, translated):
    page = client.get(f"/dataset/{translated}?lang=en").get_data(as_text=True)
    assert 'lang="en">Accrued spending by entity and budget line.' in page.replace(
        "<p>", "")
    assert 'lang="en">Data</a>' in page
    assert 'lang="en">Monthly table.</p>' in page
    assert 'lang="en">Economy</a>' in page
    assert 'lang="en">Ministry of Economy and Public Finance</a>' in page


def test_browser_language_is_honoured(client, translated):
    page = client.get(f"/dataset/{translated}",
                      headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert _h1(page) == ("en", "Budget execution 2024")


@pytest.mark.parametrize("query", ["", "&q=budget", "&q=presupuestaria"])
def test_result_cards_in_the_interface_language(client, translated, query):
    """Search results (found by an English or a Spanish word, or listed) show the English title,
    description and entity; the Spanish page keeps the Spanish ones."""
    page = client.get(f"/dataset?lang=en{query}").get_data(as_text=True)
    assert 'lang="en">Budget execution 2024</a>' in page
    assert 'lang="en">Ministry of Economy and Public Finance</p>' in page
    assert 'lang="en">Accrued spending by entity and budget line.' in page
    spanish = client.get(f"/dataset?lang=es{query}").get_data(as_text=True)
    assert "Budget execution 2024" not in spanish
    assert "Ejecución presupuestaria 2024" in re.sub(r"<[^>]+>", "", spanish)
