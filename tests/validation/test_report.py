import json

from portal.validation.report import Report, ReportError, ReportTask


def test_report_round_trips_through_json():
    task = ReportTask(name="data", type="table", place="data.csv", stats={"rows": 3},
                      errors=[ReportError("type-error", "Error de tipo", "mal", row=2, field="id",
                                          field_number=1, value="x", note="integer")],
                      warnings=[ReportError("encoding-not-utf8", "t", "m", note="cp1252")])
    report = Report(validator="tabular", validator_version="1", tasks=[task],
                    errors=[ReportError("zip-error", "t", "m")], seconds=0.5)
    data = json.loads(json.dumps(report.to_dict()))
    again = Report.from_dict(data)
    assert again.to_dict() == data
    assert data["valid"] is False
    assert data["stats"] == {"tasks": 1, "errors": 2, "warnings": 1, "seconds": 0.5}
    assert data["tasks"][0]["errors"][0] == {
        "type": "type-error", "title": "Error de tipo", "message": "mal", "row": 2,
        "field": "id", "field_number": 1, "value": "x", "note": "integer"}


def test_valid_means_no_error_anywhere():
    report = Report(validator="ocds", validator_version="1",
                    tasks=[ReportTask(name="a", type="ocds")])
    assert report.valid
    report.tasks[0].warnings.append(ReportError("empty-field", "t", "m", path="/x"))
    assert report.valid
    report.tasks[0].errors.append(ReportError("ocid-prefix", "t", "m", path="/releases/0/ocid"))
    assert not report.valid
    assert report.error_types() == {"ocid-prefix"}


def test_every_error_type_is_documented():
    from pathlib import Path

    from portal.validation.messages import TITLES

    docs = (Path(__file__).resolve().parents[2] / "docs" / "validation.md").read_text("utf-8")
    missing = [slug for slug in TITLES if f"`{slug}`" not in docs]
    assert not missing, f"error types missing from docs/validation.md: {missing}"
