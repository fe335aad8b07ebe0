"""Tables without a schema: cells that break their column's inferred type or fill are warnings."""

import openpyxl
import pytest

from portal.validation import inference
from portal.validation.tabular import validate_table


def _csv(tmp_path, rows, header="id,monto,fecha,nombre"):
    path = tmp_path / "tabla.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _rows(count=12):
    return [f"{i},{i * 100}.50,2024-01-{i % 28 + 1:02d},persona {i}" for i in range(1, count + 1)]


def _warnings(report):
    return [(w.type, w.row, w.field, w.field_number) for w in report.flatten(warnings=True)]


def test_a_word_in_a_number_column_is_a_warning_with_row_and_column(tmp_path):
    rows = _rows()
    rows[4] = "5,mil doscientos,2024-01-06,persona 5"
    report = validate_table(_csv(tmp_path, rows))
    assert report.valid  # warnings never make a table invalid
    assert _warnings(report) == [("unexpected-type", 6, "monto", 2)]
    warning = report.flatten(warnings=True)[0]
    assert warning.value == "mil doscientos" and warning.note == "number"
    assert warning.title == "Valor de otro tipo que su columna"
    assert "«mil doscientos»" in warning.message and "fila 6" in warning.message
    assert report.tasks[0].stats["inferred_types"] == {"id": "integer", "monto": "number",
                                                       "fecha": "date"}
    assert report.to_dict()["stats"]["warnings"] == 1


def test_a_blank_in_a_column_otherwise_always_filled_is_a_warning(tmp_path):
    rows = _rows()
    rows[7] = "8,800.50,,persona 8"
    report = validate_table(_csv(tmp_path, rows))
    assert report.valid
    assert _warnings(report) == [("unexpected-blank", 9, "fecha", 3)]


def test_columns_with_several_blanks_or_mixed_values_are_not_checked(tmp_path):
    rows = [f"{i},{'' if i % 3 else i},{'x' if i % 2 else i},n" for i in range(1, 30)]
    report = validate_table(_csv(tmp_path, rows, header="id,a,b,c"))
    assert report.valid and _warnings(report) == []
    assert report.tasks[0].stats["inferred_types"] == {"id": "integer", "a": "integer"}


def test_a_declared_schema_is_not_second_guessed(tmp_path):
    rows = _rows()
    rows[4] = "5,mil doscientos,2024-01-06,persona 5"
    schema = {"fields": [{"name": "id", "type": "integer"}, {"name": "monto", "type": "string"},
                         {"name": "fecha", "type": "string"}, {"name": "nombre",
                                                               "type": "string"}]}
    report = validate_table(_csv(tmp_path, rows), schema=schema)
    assert report.valid and _warnings(report) == []
    assert "inferred_types" not in report.tasks[0].stats


def test_rows_past_the_sample_are_checked_and_warnings_are_capped(tmp_path, monkeypatch):
    monkeypatch.setattr(inference, "SAMPLE_ROWS", 50)
    rows = [f"{i},{i}" for i in range(1, 51)] + [f"{i},n/d" for i in range(51, 101)]
    report = validate_table(_csv(tmp_path, rows, header="id,monto"))
    warnings = report.flatten(warnings=True)
    assert report.valid
    listed = [w for w in warnings if w.row is not None]
    assert len(listed) == inference.MAX_LISTED and listed[0].row == 52
    summary = warnings[-1]
    assert summary.row is None and summary.field == "monto"
    assert str(100 - 50 - inference.MAX_LISTED) in summary.message


def test_small_columns_tolerate_no_misfit_and_ten_cells_tolerate_one():
    assert inference.tolerated(9) == 0 and inference.tolerated(10) == 1
    assert inference.tolerated(40) == 2 and inference.tolerated(1000) == 50
    assert inference.infer_column(["1", "2", "x", "4", "5"]) == (None, False)
    assert inference.infer_column([str(n) for n in range(9)] + ["x"]) == ("integer", True)
    assert inference.infer_column(["1", "", "3", "", "5", "6", "7", "8", "9", "10"]) == \
        ("integer", False)


@pytest.mark.parametrize("value", ["true", "2024-13-45"])
def test_spreadsheets_are_checked_too(tmp_path, value):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["codigo", "monto"])
    for number in range(1, 13):
        sheet.append([number, number * 1.5])
    sheet.append([13, value])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    report = validate_table(path)
    assert _warnings(report) == [("unexpected-type", 14, "monto", 2)]


def test_a_long_cell_is_cut_in_its_warning(tmp_path):
    rows = _rows()
    rows[4] = "5," + "x" * 5000 + ",2024-01-06,persona 5"
    warning = validate_table(_csv(tmp_path, rows)).flatten(warnings=True)[0]
    assert warning.value == "x" * inference.MAX_SHOWN + "…"
    assert len(warning.message) < 500
