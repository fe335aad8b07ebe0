"""The /api page is Spanish around CKAN's names: a Spanish summary per action and per section,
Spanish type names; the English technical texts are marked as such, for developers."""

from __future__ import annotations

import re

from portal.api import actions, registry, summaries
from tests.pages.html_check import assert_valid_page


def test_every_action_and_section_has_a_spanish_summary():
    actions.load()
    missing = [action.name for action in registry.actions()
               if action.name not in summaries.SUMMARIES]
    assert not missing, f"add a Spanish summary to portal/api/summaries.py for: {missing}"
    untitled = [tag for tag in registry.TAGS if tag not in summaries.TAGS]
    assert not untitled, f"add a Spanish title to portal/api/summaries.py for: {untitled}"


def test_the_api_page_is_spanish_with_english_marked(client):
    html = client.get("/api").get_data(as_text=True)
    assert_valid_page(html)
    assert "Devuelve un conjunto de datos, por id o nombre, con sus recursos." in html
    assert "<h2>Conjuntos de datos</h2>" in html and "Site and licences" not in html
    assert "Descripción técnica (en inglés)" in html
    assert re.search(r'<p lang="en">Return a dataset, by id or name, with its resources\.', html)
    type_cells = re.findall(r"</th>\s*<td>([^<]*)</td>\s*<td>(?:sí|no)</td>", html)
    assert type_cells and not [t for t in type_cells if "list of" in t or t in (
        "string", "integer", "boolean", "file")]
    assert "lista de textos (o texto separado por comas)" in html


def test_type_labels():
    assert summaries.type_label("list of integers") == "lista de enteros"
    assert summaries.type_label("list of objects (key, value)") == \
        "lista de objetos (key, value)"
    assert summaries.type_label("something new") == "something new"
