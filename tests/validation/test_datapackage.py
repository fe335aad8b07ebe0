import json
import os
import stat
import zipfile

import pytest

from portal.validation.datapackage import (
    DATAPACKAGE_PROFILE,
    datapackage_to_dataset,
    dataset_to_datapackage,
    validate_datapackage,
)
from tests.conformance import conformance_file


def _errors(report):
    return {task.name: [(e.type, e.row) for e in task.errors] for task in report.tasks}


def test_valid_package_has_one_task_per_resource():
    report = validate_datapackage(conformance_file("frictionless/package/datapackage.json"))
    assert report.valid
    assert [t.name for t in report.tasks] == ["data", "data2"]
    assert report.tasks[0].stats["rows"] == 2


def test_invalid_package_is_reported_whole():
    report = validate_datapackage(conformance_file("frictionless/invalid/datapackage.json"))
    assert not report.valid
    assert _errors(report) == {"data": [("blank-row", 3), ("primary-key", 3)],
                               "data2": [("blank-row", 4)]}


def _zip(path, files, folder="pkg/"):
    with zipfile.ZipFile(path, "w") as archive:
        for name in files:
            archive.write(conformance_file(f"frictionless/invalid/{name}"), folder + name)
    return path


def test_zip_of_a_package(tmp_path):
    archive = _zip(tmp_path / "p.zip", ["datapackage.json", "data.csv", "data2.csv"])
    report = validate_datapackage(archive)
    assert _errors(report) == {"data": [("blank-row", 3), ("primary-key", 3)],
                               "data2": [("blank-row", 4)]}


def test_zip_without_descriptor(tmp_path):
    archive = _zip(tmp_path / "p.zip", ["data.csv"])
    assert validate_datapackage(archive).error_types() == {"datapackage-missing"}


@pytest.mark.parametrize("name", ["../evil.csv", "/etc/evil.csv", "a/../../evil.csv",
                                  "C:/evil.csv"])
def test_zip_with_paths_escaping_the_folder(tmp_path, name):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("datapackage.json", "{}")
        archive.writestr(name, "x")
    report = validate_datapackage(path)
    [error] = report.flatten()
    assert (error.type, error.path) == ("zip-path-escape", name)
    assert not (tmp_path / "evil.csv").exists()


def test_zip_with_a_symlink(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("datapackage.json", "{}")
        info = zipfile.ZipInfo("data.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    assert validate_datapackage(path).error_types() == {"zip-symlink"}


def test_zip_that_expands_beyond_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", "{}")
        archive.writestr("big.csv", "0" * 2_000_000)
    assert os.path.getsize(path) < 20_000
    assert validate_datapackage(path, max_bytes=1_000_000).error_types() == {"zip-too-large"}
    monkeypatch.setenv("PORTAL_DATAPACKAGE_MAX_UNZIPPED_MB", "1")
    assert validate_datapackage(path).error_types() == {"zip-too-large"}


def test_corrupt_zip_and_bad_descriptor(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    assert validate_datapackage(path).error_types() <= {"zip-error", "package-error",
                                                        "scheme-error"}
    assert not validate_datapackage(path).valid
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text('{"resources": "nope"}')
    report = validate_datapackage(descriptor)
    assert not report.valid and report.error_types() == {"package-error"}
    descriptor.write_text("{not json")
    assert not validate_datapackage(descriptor).valid


def test_resource_path_escaping_the_package(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "secret.csv").write_text("a\n1\n")
    descriptor = tmp_path / "pkg" / "datapackage.json"
    descriptor.write_text(json.dumps({"name": "x", "resources": [
        {"name": "s", "path": "../secret.csv"}]}))
    report = validate_datapackage(descriptor)
    assert not report.valid


DESCRIPTOR = {
    "name": "ejecucion-2024",
    "title": "Ejecución presupuestaria 2024",
    "description": "Gastos por partida.",
    "version": "1.2.0",
    "keywords": ["presupuesto", "gasto"],
    "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
    "contributors": [{"title": "Ministerio de Economía", "email": "datos@example.bo",
                      "roles": ["publisher"]}],
    "resources": [
        {"name": "gastos", "path": "gastos.csv", "format": "csv", "mediatype": "text/csv",
         "bytes": 120, "hash": "sha256:" + "a" * 64, "description": "Detalle",
         "schema": {"fields": [{"name": "monto", "type": "number"}]}},
        {"name": "remoto", "path": "https://example.bo/r.xlsx", "format": "xlsx",
         "hash": "d41d8cd98f00b204e9800998ecf8427e"},
    ],
}


def test_descriptor_to_dataset():
    dataset = datapackage_to_dataset(DESCRIPTOR)
    assert dataset["license_id"] == "CC-BY-4.0"
    assert dataset["keywords"] == ["presupuesto", "gasto"]
    assert dataset["contributors"] == [{"title": "Ministerio de Economía",
                                        "email": "datos@example.bo", "roles": ["publisher"]}]
    local, remote = dataset["resources"]
    assert local["path"] == "gastos.csv" and local["sha256"] == "a" * 64
    assert local["media_type"] == "text/csv" and local["size"] == 120
    assert local["schema"] == {"fields": [{"name": "monto", "type": "number"}]}
    assert remote["url"] == "https://example.bo/r.xlsx" and remote["sha256"] is None


@pytest.mark.parametrize(("licence", "expected"), [
    ({"name": "odc-by"}, "ODC-BY-1.0"),
    ({"name": "cc0-1.0"}, "CC0-1.0"),
    ({"path": "http://opendatacommons.org/licenses/odbl/1-0/"}, "ODC-ODbL-1.0"),
    ({"name": "Licencia propia"}, "Licencia propia"),
])
def test_licences_map_to_open_definition_ids(licence, expected):
    assert datapackage_to_dataset({"licenses": [licence]})["license_id"] == expected


def test_dataset_to_descriptor_round_trip_and_is_a_valid_v2_package():
    from frictionless import Package

    descriptor = dataset_to_datapackage(datapackage_to_dataset(DESCRIPTOR))
    assert descriptor["$schema"] == DATAPACKAGE_PROFILE
    assert descriptor["licenses"] == DESCRIPTOR["licenses"]
    assert descriptor["resources"][0]["hash"] == "sha256:" + "a" * 64
    assert descriptor["resources"][1]["path"] == "https://example.bo/r.xlsx"
    assert datapackage_to_dataset(descriptor) == datapackage_to_dataset(DESCRIPTOR)
    assert Package.validate_descriptor(descriptor).valid


def test_names_are_slugged():
    descriptor = dataset_to_datapackage({"name": "Gastos 2024 (Bs)", "resources": [{
        "url": "https://example.bo/x.csv"}]})
    assert descriptor["name"] == "gastos-2024-bs"
    assert descriptor["resources"][0]["name"] == "resource-1"
