"""Search result cards summarise a description as plain text: its Markdown rendered and stripped
(a table gives its cells' words, never pipes or dashes), bounded, around the first match."""

from __future__ import annotations

import re

import pytest

from portal.search import close_backend
from portal.search.pages import SUMMARY_LENGTH
from tests import factories

TABLE = """Casos notificados por departamento.

| Departamento | Casos | Tasa |
|:-------------|------:|-----:|
| La Paz       | 1.204 |  4,1 |
| Oruro        |   310 |  5,9 |

Fuente: **SNIS**, semana epidemiológica 12. Véase [el boletín](https://example.org/b).
"""


@pytest.fixture
def site(app):
    with app.app_context():
        factories.entity("ine", title="Instituto Nacional de Estadística")
        factories.dataset("dengue", title="Casos de dengue", description=TABLE)
        factories.dataset("largo", title="Texto largo",
                          description=" ".join(["palabra"] * 120) + " oruro al final, "
                          + " ".join(["relleno"] * 80))
    yield app
    close_backend(app)


def _notes(client, url: str) -> list[str]:
    body = client.get(url).get_data(as_text=True)
    return re.findall(r'<p class="dataset-item-notes"[^>]*>(.*?)</p>', body, re.S)


@pytest.mark.parametrize("query", ["oruro", "snis", "departamento"])
def test_a_markdown_table_never_leaks_into_a_summary(site, client, query):
    notes = [n for n in _notes(client, f"/dataset?q={query}") if "Casos" in n or "SNIS" in n]
    assert notes
    for note in notes:
        assert "|" not in note and "---" not in note and "**" not in note
        assert "](" not in note and "https://" not in note
        assert re.search(rf"<mark>{query}</mark>", note, re.IGNORECASE)
    text = re.sub(r"</?mark>", "", notes[0])
    assert "La Paz 1.204 4,1 Oruro 310 5,9" in text


def test_a_summary_is_bounded_and_starts_near_the_match(site, client):
    [note] = _notes(client, "/dataset?q=oruro+final")
    text = re.sub(r"</?mark>", "", note)
    assert text.startswith("… palabra") and text.endswith(" …")
    assert len(text) <= SUMMARY_LENGTH + 4
    assert "<mark>oruro</mark>" in note and "<mark>final</mark>" in note


def test_without_a_query_the_card_shows_the_first_paragraph(site, client):
    notes = _notes(client, "/dataset")
    assert "Casos notificados por departamento." in notes
