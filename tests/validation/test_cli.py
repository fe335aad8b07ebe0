import hashlib
import json
import zipfile

import pytest
from click.testing import CliRunner

from portal.validation.cli import detect_kind, standards_group, validate_file_command
from tests.conformance import conformance_file


@pytest.fixture
def runner():
    return CliRunner()


def test_valid_table_exits_0_and_writes_nothing(runner, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text("id,name\n1,a\n", encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    result = runner.invoke(validate_file_command, [str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("VÁLIDO")
    assert sorted(tmp_path.iterdir()) == before


def test_invalid_table_exits_1_with_readable_report(runner):
    result = runner.invoke(validate_file_command,
                           [str(conformance_file("frictionless/invalid.csv"))])
    assert result.exit_code == 1
    assert "NO VÁLIDO" in result.output
    assert "[blank-row] (fila 4)" in result.output


def test_schema_option_and_json_output(runner):
    result = runner.invoke(validate_file_command, [
        str(conformance_file("frictionless/unique-field.csv")),
        "--schema", str(conformance_file("frictionless/unique-field.json")), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["validator"] == "tabular"
    assert [e["type"] for e in report["tasks"][0]["errors"]] == ["unique-error", "primary-key"]


def test_datapackage_descriptor_and_zip(runner, tmp_path):
    result = runner.invoke(validate_file_command, [
        str(conformance_file("frictionless/package/datapackage.json")), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["validator"] == "datapackage"
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("datapackage.json", "data.csv", "data2.csv"):
            zipped.write(conformance_file(f"frictionless/invalid/{name}"), name)
    assert detect_kind(archive) == "datapackage"
    result = runner.invoke(validate_file_command, [str(archive)])
    assert result.exit_code == 1 and "[primary-key]" in result.output


def test_ocds_file_detected_by_content(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_OCDS_STANDARD",
                       str(conformance_file("ocds/standard-1__1__5-schema.zip")))
    renamed = tmp_path / "contratos.txt"
    renamed.write_bytes(conformance_file(
        "ocds/invalid/tenders_releases_2_releases_invalid.json").read_bytes())
    result = runner.invoke(validate_file_command, [str(renamed), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["validator"] == "ocds"
    assert "ocid-prefix" in {e["type"] for e in report["tasks"][0]["errors"]}


def test_ocds_without_standard(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_OCDS_STANDARD", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    result = runner.invoke(validate_file_command,
                           [str(conformance_file("ocds/valid/basic_1.json"))])
    assert result.exit_code == 1
    assert "[ocds-standard-missing]" in result.output


def test_standards_fetch_ocds(runner, http_folder, tmp_path):
    folder, base, _ = http_folder
    standard = conformance_file("ocds/standard-1__1__5-schema.zip")
    folder.joinpath("s.zip").write_bytes(standard.read_bytes())
    digest = hashlib.sha256(standard.read_bytes()).hexdigest()
    result = runner.invoke(standards_group, [
        "fetch", "ocds", "--dest", str(tmp_path / "std"), "--url", f"{base}/s.zip",
        "--sha256", digest])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "std" / "ocds-1__1__5" / "release-package-schema.json").is_file()
    result = runner.invoke(standards_group, [
        "fetch", "ocds", "--dest", str(tmp_path / "other"), "--url", f"{base}/none.zip"])
    assert result.exit_code == 1 and "could not download" in result.output


def test_init_app_registers_the_commands():
    from flask import Flask

    from portal.validation import init_app

    app = Flask("test")
    init_app(app)
    assert {"validate-file", "standards"} <= set(app.cli.commands)
