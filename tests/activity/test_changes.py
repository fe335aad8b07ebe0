"""How an activity's stored before/after values become the changes the history shows."""

from __future__ import annotations

from portal.activity import changes
from portal.activity.models import Activity

LONG = "uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce."


def test_a_long_text_is_a_word_diff_that_keeps_punctuation_apart(app):
    with app.test_request_context():
        change = changes.field_change("description", LONG, LONG.replace("siete", "siete y medio"))
    assert ("insert", " y medio") in change.words
    assert all(op != "delete" for op, _text in change.words)
    assert "".join(t for op, t in change.words if op != "insert") == LONG


def test_a_rewritten_text_is_shown_whole_before_and_after(app):
    other = "Texto completamente distinto, sin ninguna palabra en común con el anterior: ya."
    with app.test_request_context():
        change = changes.field_change("description", LONG, other)
    assert change.words == [("delete", LONG), ("insert", other)]


def test_short_values_lists_codes_and_licences_read_in_spanish(app):
    with app.test_request_context():
        title = changes.field_change("title", "Censo", "Censo 2024")
        keywords = changes.field_change("keywords", ["censo", "salud"], ["censo", "vivienda"])
        state = changes.field_change("state", "draft", "active")
        private = changes.field_change("private", False, True)
        licence = changes.field_change("license_id", None, "CC-BY-4.0")
        assert (title.label, title.old, title.new, title.words) == (
            "Título", "Censo", "Censo 2024", [])
        assert (keywords.label, keywords.added, keywords.removed) == (
            "Palabras clave", ["vivienda"], ["salud"])
        assert (state.old, state.new) == ("Borrador", "Publicado")
        assert (private.old, private.new) == ("No", "Sí")
        assert licence.old == "" and "Creative Commons" in licence.new


def test_resources_are_matched_by_id(app):
    before = [{"id": "a", "name": "Casos", "format": "CSV"}, {"id": "b", "name": "Viejo"}]
    after = [{"id": "a", "name": "Casos", "format": "XLSX"}, {"id": "c", "name": "Nuevo"}]
    activity = Activity(activity_type="changed package", object_type="package", object_id="x",
                        data={"changes": {"resources": [before, after]}})
    with app.test_request_context():
        found = changes.of(activity)
        assert [(r.action, r.name) for r in found.resources] == [
            ("removed", "Viejo"), ("changed", "Casos"), ("added", "Nuevo")]
        [fmt] = found.resources[1].fields
        assert (fmt.label, fmt.old, fmt.new) == ("Formato", "CSV", "XLSX")
        assert "Recursos: añadido «Nuevo»" in changes.summary(found)


def test_a_creation_shows_its_first_values_and_a_role_change_its_member(app):
    created = Activity(activity_type="new package", object_type="package", object_id="x",
                       data={"snapshot": {"title": "Censo", "private": False, "keywords": [],
                                          "description": LONG}})
    role = Activity(activity_type="changed organization", object_type="organization",
                    object_id="e", data={"member": "ana", "changes": {"role": ["editor",
                                                                               "admin"]}})
    with app.test_request_context():
        fields = {c.key: c for c in changes.of(created).fields}
        assert set(fields) == {"title", "description"}
        assert (fields["title"].old, fields["title"].new) == ("", "Censo")
        assert fields["description"].words == [("insert", LONG)]
        [change] = changes.of(role).fields
        assert (change.label, change.old, change.new) == ("Rol (ana)", "Editor", "Administrador")
