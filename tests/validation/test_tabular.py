import io
import json

import openpyxl
import pytest

from portal.validation.schemas_registry import list_schemas, load_schema
from portal.validation.tabular import validate_table
from tests.conformance import conformance_file


def _types(report):
    return [(e.type, e.row, e.field_number) for e in report.flatten()]


def test_invalid_csv_reports_header_and_row_errors():
    report = validate_table(conformance_file("frictionless/invalid.csv"))
    assert not report.valid
    assert _types(report) == [
        ("blank-label", None, 3), ("duplicate-label", None, 4),
        ("missing-cell", 2, 3), ("missing-cell", 2, 4),
        ("missing-cell", 3, 3), ("missing-cell", 3, 4),
        ("blank-row", 4, None), ("extra-cell", 5, 5),
    ]
    first = report.tasks[0].errors[0]
    assert first.title == "Etiqueta vacía" and "columna 3" in first.message


def test_capital_invalid_warns_of_the_cell_that_breaks_its_inferred_type():
    # Without a schema, a cell of another type than its column is a warning, not an error.
    report = validate_table(conformance_file("frictionless/capital-invalid.csv"))
    warning = next(e for e in report.flatten(warnings=True) if e.type == "unexpected-type")
    assert (warning.row, warning.field, warning.value) == (12, "id", "x")
    assert report.error_types() == {"duplicate-label", "missing-cell", "blank-row",
                                    "extra-cell"}


def test_schema_from_a_file_gives_constraint_and_primary_key_errors():
    report = validate_table(conformance_file("frictionless/schema-errors.csv"),
                            schema=conformance_file("frictionless/schema-valid.json"))
    assert _types(report) == [
        ("type-error", 4, 1), ("constraint-error", 4, 2), ("constraint-error", 4, 3),
        ("primary-key", 4, None), ("constraint-error", 5, 1), ("extra-cell", 5, 4),
        ("extra-cell", 5, 5), ("extra-cell", 5, 6), ("primary-key", 5, None),
    ]


def test_inline_schema_gives_unique_errors():
    schema = json.loads(conformance_file("frictionless/unique-field.json").read_text())
    report = validate_table(conformance_file("frictionless/unique-field.csv"), schema=schema)
    assert _types(report) == [("unique-error", 10, 1), ("primary-key", 10, None)]


def test_schema_by_url(http_folder):
    folder, base, _ = http_folder
    folder.joinpath("schema.json").write_bytes(
        conformance_file("frictionless/unique-field.json").read_bytes())
    report = validate_table(conformance_file("frictionless/unique-field.csv"),
                            schema=f"{base}/schema.json")
    assert report.error_types() == {"unique-error", "primary-key"}


def test_table_by_url(http_folder):
    folder, base, seen = http_folder
    folder.joinpath("data.csv").write_bytes(
        conformance_file("frictionless/capital-invalid.csv").read_bytes())
    report = validate_table(f"{base}/data.csv")
    assert "unexpected-type" in {w.type for w in report.flatten(warnings=True)}
    assert set(seen) == {"/data.csv"}


def test_schema_by_registry_name_and_registry_listing(tmp_path):
    names = {s["name"] for s in list_schemas()}
    assert "ejecucion-presupuestaria" in names
    schema = load_schema("ejecucion-presupuestaria")
    header = ",".join(f["name"] for f in schema["fields"])
    good = tmp_path / "ejecucion.csv"
    good.write_text(header + "\n" + _budget_row(schema) + "\n", encoding="utf-8")
    assert validate_table(good, schema="ejecucion-presupuestaria").valid


def _budget_row(schema):
    samples = {"integer": "2024", "number": "1500.50", "string": "x", "date": "2024-03-31"}
    values = []
    for field in schema["fields"]:
        enum = field.get("constraints", {}).get("enum")
        if enum:
            values.append(str(enum[0]))
        elif field.get("constraints", {}).get("pattern"):
            values.append(field["example"])
        else:
            values.append(samples.get(field["type"], "x"))
    return ",".join(values)


def test_inferred_schema_without_one(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("id,monto\n1,10.5\n2,20\n", encoding="utf-8")
    report = validate_table(path)
    assert report.valid
    assert report.tasks[0].stats["rows"] == 2


def test_tsv_xlsx_and_ods_are_validated(tmp_path):
    tsv = tmp_path / "t.tsv"
    tsv.write_text("a\tb\n1\t2\n", encoding="utf-8")
    assert validate_table(tsv).valid
    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "name"])
    workbook.active.append(["x", "Ana"])
    xlsx = tmp_path / "t.xlsx"
    workbook.save(xlsx)
    report = validate_table(xlsx, schema={"fields": [{"name": "id", "type": "integer"},
                                                     {"name": "name", "type": "string"}]})
    assert _types(report) == [("type-error", 2, 1)]
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert validate_table(buffer.getvalue()).tasks[0].stats["format"] == "xlsx"


def test_ods_file(tmp_path):
    from frictionless import Resource

    ods = tmp_path / "t.ods"
    Resource(data=[["id", "name"], [1, "Ana"]]).write(str(ods))
    report = validate_table(ods)
    assert report.valid, report.to_dict()
    assert report.tasks[0].stats["format"] == "ods"


def test_bytes_are_sniffed_as_csv():
    report = validate_table(b"id,name\n1,a\n1\n")
    assert _types(report) == [("missing-cell", 3, 2)]


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("fake.xlsx", b"a,b\n1,2\n", "text"),
    ("zip.csv", None, "xlsx"),
    ("image.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
])
def test_file_that_is_not_what_its_extension_says(tmp_path, name, content, kind):
    path = tmp_path / name
    if content is None:
        workbook = openpyxl.Workbook()
        workbook.save(path)
    else:
        path.write_bytes(content)
    report = validate_table(path)
    [error] = report.flatten()
    assert error.type == "format-error" and error.note == kind


def test_latin1_file_is_read_and_warned(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,nombre\n1,Peñaranda\n2,Potosí\n3,Cañada\n".encode("latin-1"))
    report = validate_table(path)
    assert report.valid
    [warning] = report.flatten(warnings=True)
    assert warning.type == "encoding-not-utf8"


def test_undecodable_bytes_give_an_encoding_error(tmp_path):
    path = tmp_path / "late.csv"
    path.write_bytes(b"id,name\n" + b"".join(b"%d,abc\n" % i for i in range(20000))
                     + b"99,caf\xe9\n")
    report = validate_table(path)
    assert report.error_types() == {"encoding-error"}


@pytest.mark.parametrize("schema", [
    {"fields": [{"name": "id", "type": "nope"}]},
    {"fields": "not a list"},
    "no-such-schema",
    "https://127.0.0.1:9/nothing.json",
])
def test_invalid_or_missing_schema_is_a_schema_error(schema):
    report = validate_table(conformance_file("frictionless/invalid.csv"), schema=schema)
    [error] = report.flatten()
    assert error.type == "schema-error" and error.message


def test_schema_file_that_is_not_json(tmp_path):
    path = tmp_path / "schema.json"
    path.write_text("{not json", encoding="utf-8")
    [error] = validate_table(conformance_file("frictionless/invalid.csv"),
                             schema=str(path)).flatten()
    assert error.type == "schema-error" and "JSON" in error.message


def test_missing_file_and_empty_file(tmp_path):
    assert validate_table(tmp_path / "nope.csv").error_types() == {"scheme-error"}
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert validate_table(empty).error_types() == {"source-error"}


def test_error_limit_is_respected(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("id\n" + "x\n" * 50, encoding="utf-8")
    report = validate_table(path, schema={"fields": [{"name": "id", "type": "integer"}]},
                            limit_errors=5)
    assert len(report.flatten()) == 5
    assert report.flatten(warnings=True)[0].type == "task-warning"
