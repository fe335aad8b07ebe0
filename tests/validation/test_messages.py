"""Every text of a report is Spanish, frictionless's notes and OCDS schema errors included."""

import json

from portal.validation.messages import spanish_note, title_of
from portal.validation.tabular import validate_table
from tests.conformance import conformance_file


def test_type_and_constraint_notes_are_spanish():
    report = validate_table(conformance_file("frictionless/schema-errors.csv"),
                            schema=conformance_file("frictionless/schema-valid.json"))
    texts = [e.message for e in report.flatten()] + [e.note or "" for e in report.flatten()]
    assert not any("type is" in t or "constraint" in t or "cells composing" in t for t in texts)
    first = report.flatten()[0]
    assert first.note == "se esperaba: número entero"
    assert "no es del tipo esperado (se esperaba: número entero)" in first.message
    assert "el valor es obligatorio" in report.flatten()[1].message


def test_unique_and_label_notes_are_spanish():
    schema = json.loads(conformance_file("frictionless/unique-field.json").read_text())
    report = validate_table(conformance_file("frictionless/unique-field.csv"), schema=schema)
    assert report.flatten()[0].note.startswith("igual que en la fila ")
    duplicate = next(e for e in validate_table(conformance_file(
        "frictionless/invalid.csv")).flatten() if e.type == "duplicate-label")
    assert duplicate.note.startswith("igual que en la columna ")


def test_notes_with_a_format_or_an_unknown_constraint_and_unknown_notes():
    assert spanish_note('type is "date/%d/%m/%Y"') == \
        "se esperaba: fecha con el formato «%d/%m/%Y»"
    assert spanish_note('constraint "maximum" is "10"') == "el máximo es 10"
    assert spanish_note('constraint "jsonSchema" is "{}"') == "restricción «jsonSchema»: {}"
    assert spanish_note('expected is "40" and actual is "30"') == \
        "se declaró «40» y es «30»"
    assert spanish_note("something new") == "something new"


def test_the_error_limit_warning_is_spanish(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n" + "1\n" * 5, encoding="utf-8")
    report = validate_table(path, limit_errors=2)
    warning = report.flatten(warnings=True)[-1]
    assert warning.type == "task-warning"
    assert warning.message == ("Se alcanzó el límite de 2 errores: el resto de la tabla no se "
                               "revisó.")


def test_ocds_schema_error_types_have_spanish_titles():
    assert title_of("ocds-schema-required") == "Falta un campo obligatorio"
    assert title_of("ocds-schema-min-length") == "Valor vacío"
    assert title_of("ocds-schema-something-new") == "No cumple el esquema OCDS"


def test_ocds_schema_rules_without_a_sentence_of_their_own_are_spanish():
    from jsonschema import Draft4Validator

    from portal.validation.ocds import _convert

    schema = {"properties": {"a": {"maximum": 5}, "b": {"oneOf": [{"type": "string"},
                                                                  {"type": "integer"}]},
                             "c": {"not": {"type": "string"}}}}
    errors = sorted(Draft4Validator(schema).iter_errors({"a": 7, "b": [], "c": "x"}),
                    key=lambda e: list(e.path))
    messages = [_convert(error, ("releases", 0)).message for error in errors]
    assert messages == ["«7» en «a» es mayor que el máximo 5.",
                        "«b» no tiene ninguna de las formas que admite el esquema.",
                        "«c» no cumple la regla «not» del esquema OCDS."]
