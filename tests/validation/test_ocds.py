"""OCDS validation, compared with libcoveocds (the reference implementation) on the fixtures."""

import hashlib
import json
import zipfile

import pytest

from portal.validation.ocds import schema_error_type, validate_ocds
from portal.validation.ocds_standard import INSTALL_NAME, StandardFetchError, fetch_ocds_standard
from tests.conformance import conformance_file

FIXTURES = [
    "valid/release-package_minimal.json",
    "valid/basic_1.json",
    "valid/record-package_minimal.json",
    "invalid/badfile_all_validation_errors.json",
    "invalid/tenders_releases_2_releases_invalid.json",
    "invalid/records_invalid_releases.json",
]


@pytest.fixture
def standard_zip():
    return conformance_file("ocds/standard-1__1__5-schema.zip")


def _libcoveocds(path, standard_zip, monkeypatch, tmp_path):
    """libcoveocds' result, offline: the one remote schema it fetches is served from the zip."""
    jsonref = pytest.importorskip("jsonref")
    api = pytest.importorskip("libcoveocds.api")
    from libcoveocds.config import LibCoveOCDSConfig

    archive = zipfile.ZipFile(standard_zip)

    class Response:
        def __init__(self, url):
            self.url = url

        def raise_for_status(self):
            pass

        def json(self, **kwargs):
            name = self.url.rsplit("/", 1)[1]
            return json.loads(archive.read(f"standard-1__1__5/schema/{name}"))

    class OfflineRequests:
        @staticmethod
        def get(url, **kwargs):
            return Response(url)

    monkeypatch.setattr(jsonref, "requests", OfflineRequests)
    config = LibCoveOCDSConfig()
    config.config["standard_zip"] = f"file://{standard_zip}"
    config.config["context"] = "api"
    return api.ocds_json_output(str(tmp_path), str(path), "1.1", lib_cove_ocds_config=config)


def _theirs(result):
    found = []
    for error in result["validation_errors"]:
        kind = error["type"]
        if kind == "uniqueItems" and error["path"] in ("releases", "records"):
            kind = f"uniqueItems@{error['path']}"
        found.append((schema_error_type(kind), error["path"]))
    for _, path in result.get("conformance_errors", {}).get("ocds_prefixes_bad_format", []):
        found.append(("ocid-prefix", path))
    for generic in result["additional_closed_codelist_values"]:
        found.append(("closed-codelist-value", generic))
    return sorted(found)


def _generic(pointer):
    return "/".join(p for p in pointer.lstrip("/").split("/") if not p.isdigit())


def _ours(report):
    found = []
    for error in report.flatten():
        path = error.path.lstrip("/")
        if error.type == "closed-codelist-value":
            path = _generic(error.path)
        found.append((error.type, path))
    return sorted(found)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_errors_match_libcoveocds(fixture, standard_zip, monkeypatch, tmp_path):
    path = conformance_file(f"ocds/{fixture}")
    ours = validate_ocds(path, standard=standard_zip)
    theirs = _libcoveocds(path, standard_zip, monkeypatch, tmp_path)
    assert _ours(ours) == _theirs(theirs)
    assert ours.valid == fixture.startswith("valid/")
    empty = sorted(w.path.lstrip("/") for w in ours.flatten(warnings=True)
                   if w.type == "empty-field")
    expected = sorted(e["json_location"] for e in
                      theirs.get("additional_checks", {}).get("empty_field", []))
    assert empty == expected
    open_values = {_generic(w.path) for w in ours.flatten(warnings=True)
                   if w.type == "open-codelist-value"}
    assert open_values == set(theirs["additional_open_codelist_values"])
    additional = {w.path for w in ours.flatten(warnings=True) if w.type == "additional-field"}
    assert {_generic(p) for p in additional} == {
        f"{a['path'].lstrip('/')}/{a['field']}" for a in theirs["additional_fields"]}


def test_bad_file_error_details(standard_zip):
    report = validate_ocds(conformance_file("ocds/invalid/badfile_all_validation_errors.json"),
                           standard=standard_zip)
    required = [e for e in report.flatten() if e.type == "ocds-schema-required"]
    assert {(e.path, e.field) for e in required} == {
        ("/releases/0/tender", "id"), ("/releases/0", "initiationType")}
    codelist = next(e for e in report.flatten() if e.type == "closed-codelist-value")
    assert codelist.path == "/releases/0/tender/value/currency"
    assert codelist.value == "badCurrencyCode" and codelist.note == "currency.csv"


def _release(ocid, rid, date="2024-01-01T00:00:00Z"):
    return {"ocid": ocid, "id": rid, "date": date, "tag": ["planning"],
            "initiationType": "tender"}


def _package(releases):
    return {"uri": "http://example.com/p.json", "publishedDate": "2024-01-02T00:00:00Z",
            "publisher": {"name": "ABC"}, "version": "1.1", "releases": releases}


def test_duplicate_release_ids(tmp_path, standard_zip):
    path = tmp_path / "dup.json"
    releases = [_release("ocds-213czf-1", "1"), _release("ocds-213czf-1", "2"),
                _release("ocds-213czf-1", "1")]
    path.write_text(json.dumps(_package(releases)))
    [error] = validate_ocds(path, standard=standard_zip).flatten()
    assert (error.type, error.path, error.value) == (
        "duplicate-release-id", "/releases", "ocds-213czf-1, 1")


def test_releases_out_of_order_in_a_record(tmp_path, standard_zip):
    record = {"ocid": "ocds-213czf-1", "releases": [
        _release("ocds-213czf-1", "2", "2024-02-01T00:00:00Z"),
        _release("ocds-213czf-1", "1", "2024-01-01T00:00:00Z")]}
    package = _package([])
    del package["releases"]
    package["records"] = [record]
    path = tmp_path / "records.json"
    path.write_text(json.dumps(package))
    [error] = validate_ocds(path, standard=standard_zip).flatten()
    assert (error.type, error.path) == ("releases-out-of-order", "/records/0/releases/1")


def test_json_lines_of_releases(tmp_path, standard_zip):
    lines = [_release("ocds-213czf-1", "1"), _release("bad-prefix", "2"),
             _release("ocds-213czf-1", "1")]
    path = tmp_path / "releases.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    report = validate_ocds(path, standard=standard_zip)
    assert report.tasks[0].stats["package_type"] == "json-lines"
    assert [(e.type, e.row, e.path) for e in report.flatten()] == [
        ("ocid-prefix", 2, "/ocid"), ("duplicate-release-id", 3, "")]


@pytest.mark.parametrize(("content", "kind"), [
    (b"id,name\n1,a\n", "json-error"),
    (b'{"releases": [1, 2', "json-error"),
    (b"[1, 2, 3]", "ocds-not-package"),
    (b'{"name": "not ocds"}', "ocds-not-package"),
    (b"", "json-error"),
])
def test_not_json_or_not_ocds(tmp_path, standard_zip, content, kind):
    path = tmp_path / "data.json"
    path.write_bytes(content)
    [error] = validate_ocds(path, standard=standard_zip).flatten()
    assert error.type == kind and error.message


def test_without_the_standard_there_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_OCDS_STANDARD", raising=False)
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    report = validate_ocds(conformance_file("ocds/valid/basic_1.json"))
    [error] = report.flatten()
    assert error.type == "ocds-standard-missing"
    assert "PORTAL_OCDS_STANDARD" in error.message


def test_standard_from_env_var_and_from_a_folder(tmp_path, monkeypatch, standard_zip):
    monkeypatch.setenv("PORTAL_OCDS_STANDARD", str(standard_zip))
    assert validate_ocds(conformance_file("ocds/valid/basic_1.json")).valid
    with zipfile.ZipFile(standard_zip) as archive:
        archive.extractall(tmp_path / "std")
    monkeypatch.setenv("PORTAL_OCDS_STANDARD", str(tmp_path / "std"))
    assert validate_ocds(conformance_file("ocds/valid/basic_1.json")).valid


def test_fetch_installs_once_and_checks(http_folder, tmp_path, standard_zip):
    folder, base, seen = http_folder
    folder.joinpath("standard.zip").write_bytes(standard_zip.read_bytes())
    digest = hashlib.sha256(standard_zip.read_bytes()).hexdigest()
    dest = tmp_path / "standards"
    installed = fetch_ocds_standard(dest, url=f"{base}/standard.zip", sha256=digest)
    assert installed == dest / INSTALL_NAME
    assert (installed / "release-schema.json").is_file()
    assert validate_ocds(conformance_file("ocds/valid/basic_1.json"), standard=installed).valid
    fetch_ocds_standard(dest, url=f"{base}/standard.zip", sha256=digest)
    assert seen == ["/standard.zip"]


def test_fetch_refuses_a_wrong_checksum_or_archive(http_folder, tmp_path, standard_zip):
    folder, base, _ = http_folder
    folder.joinpath("standard.zip").write_bytes(standard_zip.read_bytes())
    folder.joinpath("other.zip").write_bytes(_zip_with({"x/schema/release-schema.json": "{}"}))
    with pytest.raises(StandardFetchError, match="sha256"):
        fetch_ocds_standard(tmp_path / "a", url=f"{base}/standard.zip", sha256="0" * 64)
    with pytest.raises(StandardFetchError, match="lacks"):
        fetch_ocds_standard(tmp_path / "b", url=f"{base}/other.zip")
    with pytest.raises(StandardFetchError, match="download"):
        fetch_ocds_standard(tmp_path / "c", url=f"{base}/missing.zip")
    assert not (tmp_path / "a" / INSTALL_NAME).exists()


def _zip_with(files):
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()
