"""The local copy of the OCDS 1.1 standard (schemas and codelists) used by the OCDS validator.

The project does not copy the standard into its tree. Like libcoveocds, it reads the standard's
own published files from a local copy: the standard's schema zip or a folder holding its
``schema/`` files, given as a parameter or by the ``PORTAL_OCDS_STANDARD`` environment variable.
``fetch_ocds_standard(dest_dir)`` downloads the official 1.1.5 release once, checks it and
installs it for deployments that have internet access.

Integrity: archives of the same git tag are not byte-stable, so besides an optional sha256 of the
archive, every installed file is checked against the sha256 of the file published at tag 1__1__5
(``MANIFEST``); a copy that does not match is refused.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.outbound import FetchError
from portal.validation.settings import setting

ENV_VAR = "PORTAL_OCDS_STANDARD"
OCDS_TAG = "1__1__5"
OCDS_VERSION = "1.1.5"
INSTALL_NAME = f"ocds-{OCDS_TAG}"
#: The official release: the standard's repository at the tag (ocdsextensionregistry uses it too).
OCDS_STANDARD_URL = f"https://codeload.github.com/open-contracting/standard/zip/{OCDS_TAG}"
SCHEMA_BASE_URI = f"https://standard.open-contracting.org/schema/{OCDS_TAG}/"
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024

#: sha256 of the files of ``schema/`` at tag 1__1__5 of open-contracting/standard.
MANIFEST = {
    "codelists/awardCriteria.csv":
        "6776393922bfc6adc3fcbb6fa033761c6587ba36d9a57783c0a6219c8a2ca14d",
    "codelists/awardStatus.csv": "5818077c8cd6e8678fa4d64e0b49be70144eb36bae4b500d257e15da92e9171a",
    "codelists/contractStatus.csv":
        "44cf2919c4912819af130d8805dab840186e35710848cec0d76aeb5c09a60791",
    "codelists/currency.csv": "c9c53f5367d44f4893610e01ccd03c513d41b094824263f2f0d25eb8133cdef5",
    "codelists/documentType.csv":
        "2d409b9a3b16cb2bb118c1d7f07b966c56c4870ef22316f2a4ab3dd2cb46740a",
    "codelists/extendedProcurementCategory.csv":
        "eb8964719383ac40a3d16a4ac0376ee6bf317645d9e5e615b070978b4e0eeedf",
    "codelists/initiationType.csv":
        "1fdb672ae765cfa93413240028cbce32a836d95450e9e03cbe7cdd5fc85dfeba",
    "codelists/itemClassificationScheme.csv":
        "8692802129e9768002909fa418c2b7999ba5f4545145df850be8974557ef71ad",
    "codelists/method.csv": "8a956d41ead70abe583c6d0121729ec8a0ffb4f1c9aa18017d587ff794d8a589",
    "codelists/milestoneStatus.csv":
        "f94f77b2e02f232e0167e0c6d554b72bfd7b8f1bbd0aaa92b8c26be395634ac7",
    "codelists/milestoneType.csv":
        "29facf51886a1b2dba870583cbedde2a2d5ce70ca1ad2050f26057ee92fed94d",
    "codelists/partyRole.csv": "a620f9b75533d55212cf28c6fd65ebaa92b688f173e85baee66c2f7b33aaef72",
    "codelists/procurementCategory.csv":
        "4a9690b192de0c07a67c97114c0f3005c25a029af1a9cdb277e50fbacdddb295",
    "codelists/relatedProcess.csv":
        "771f7a562576e1d23c306add087de2f481de590a8afba301bb9219f3f1a2f3b6",
    "codelists/relatedProcessScheme.csv":
        "48fc471501f47d38c20b3876dc18182eec42139f93cca125aff68e3ab2608e2c",
    "codelists/releaseTag.csv": "93715540f04370186106503672ad8f3336e1afb08d98be94237652fd081e2aec",
    "codelists/submissionMethod.csv":
        "602446eab2b27ae780f2294df8d5f8c7f60ded7bbd2b3c41eb3b3d016eb2bb04",
    "codelists/tenderStatus.csv":
        "5737af013aad1d11fa21c48adede7e528b7fe4e56b5d64f220dce360a24728f0",
    "codelists/unitClassificationScheme.csv":
        "5865b72764974981bf0a647fe3381066f0b73aa5ece9972a0db0ece8b009d9d6",
    "record-package-schema.json":
        "ba7bc9acfc307b6f311a54a62f686f1d9e199e61712314f995a090b660168da1",
    "release-package-schema.json":
        "06577cec73cc16eca0cac331a7ea9ee9cd684b21c55f5f0711f7442623153698",
    "release-schema.json": "fac192e1ccfb061f5164bdb2d64c29e517c0f81661996b97de40cebc55a2c1bc",
    "versioned-release-validation-schema.json":
        "7b0271756c954eba16fdd1b364811aaf5381d23d057400b906a2aa978dc5cf84",
}


class StandardNotFound(Exception):
    """No usable local copy of the OCDS standard."""


class StandardFetchError(Exception):
    """The official release could not be downloaded, checked or installed."""


@dataclass
class OcdsStandard:
    """The schemas and codelists of one local copy of the standard."""

    location: str
    schemas: dict[str, Any]
    codelists: dict[str, set[str]] = field(default_factory=dict)

    @property
    def release_schema(self) -> dict[str, Any]:
        return self.schemas["release-schema.json"]


def default_install_dir() -> Path:
    """Where ``portal standards fetch ocds`` installs the standard: ``<instance>/standards``."""
    instance = setting("PORTAL_INSTANCE_PATH") or "instance"
    return Path(instance) / "standards"


def locate_standard(location: str | os.PathLike | None = None) -> Path:
    """The configured copy: the argument, ``PORTAL_OCDS_STANDARD``, or the default install."""
    configured = setting(ENV_VAR)
    candidates = [location, configured, default_install_dir() / INSTALL_NAME]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate)
    given = location or configured
    if given:
        raise StandardNotFound(f"{given} does not exist")
    raise StandardNotFound(f"neither {ENV_VAR} is set nor {default_install_dir() / INSTALL_NAME} "
                           "exists")


def load_standard(location: str | os.PathLike | None = None) -> OcdsStandard:
    """Read and check the schemas and codelists of the configured copy (cached per file)."""
    path = locate_standard(location).resolve()
    return _load_cached(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, _mtime_ns: int) -> OcdsStandard:
    files = _read_files(Path(path))
    _verify(files, path)
    schemas = {name: json.loads(data) for name, data in files.items() if name.endswith(".json")}
    codelists = {}
    for name, data in files.items():
        if name.startswith("codelists/"):
            rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
            codelists[name.split("/", 1)[1]] = {row["Code"] for row in rows}
    return OcdsStandard(location=path, schemas=schemas, codelists=codelists)


def _read_files(path: Path) -> dict[str, bytes]:
    """The files of MANIFEST, read from a schema zip or from a folder."""
    found: dict[str, bytes] = {}
    if path.is_file():
        try:
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    relative = _relative_schema_path(member)
                    if relative is not None:
                        found[relative] = archive.read(member)
        except zipfile.BadZipFile as exc:
            raise StandardNotFound(f"{path} is not a zip of the standard: {exc}") from exc
    else:
        roots = [p.parent for p in path.rglob("release-schema.json")]
        if not roots:
            raise StandardNotFound(f"{path} holds no release-schema.json")
        root = min(roots, key=lambda p: len(p.parts))
        for relative in MANIFEST:
            if (root / relative).is_file():
                found[relative] = (root / relative).read_bytes()
    missing = sorted(set(MANIFEST) - set(found))
    if missing:
        raise StandardNotFound(f"{path} lacks {', '.join(missing[:5])}")
    return found


def _relative_schema_path(member: str) -> str | None:
    if "/schema/" not in f"/{member}":
        return None
    relative = f"/{member}".rsplit("/schema/", 1)[1]
    return relative if relative in MANIFEST else None


def _verify(files: dict[str, bytes], where: str) -> None:
    bad = [name for name, data in files.items()
           if name in MANIFEST and hashlib.sha256(data).hexdigest() != MANIFEST[name]]
    if bad:
        raise StandardNotFound(f"{where}: {', '.join(sorted(bad))} differ from OCDS {OCDS_VERSION}")


def fetch_ocds_standard(
    dest_dir: str | os.PathLike,
    *,
    url: str = OCDS_STANDARD_URL,
    sha256: str | None = None,
) -> Path:
    """Download the official OCDS 1.1.5 schema release once and install it under ``dest_dir``.

    Returns the installed folder (``<dest_dir>/ocds-1__1__5``), to be given as
    ``PORTAL_OCDS_STANDARD``. Nothing is downloaded when a checked copy is already there. The
    archive's sha256 is checked when given, and every file against ``MANIFEST``.
    """
    target = Path(dest_dir) / INSTALL_NAME
    if target.is_dir():
        try:
            _verify(_read_files(target), str(target))
            return target
        except StandardNotFound:
            shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    archive_bytes = _download(url)
    if sha256 and hashlib.sha256(archive_bytes).hexdigest() != sha256.lower():
        raise StandardFetchError(f"the archive from {url} does not have the expected sha256")
    try:
        with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
            files = {}
            for member in archive.namelist():
                relative = _relative_schema_path(member)
                if relative is not None:
                    files[relative] = archive.read(member)
    except zipfile.BadZipFile as exc:
        raise StandardFetchError(f"{url} is not a zip archive: {exc}") from exc
    missing = sorted(set(MANIFEST) - set(files))
    if missing:
        raise StandardFetchError(f"the archive from {url} lacks {', '.join(missing[:5])}")
    try:
        _verify(files, url)
    except StandardNotFound as exc:
        raise StandardFetchError(str(exc)) from exc
    staging = Path(tempfile.mkdtemp(prefix=".ocds-", dir=target.parent))
    for relative, data in files.items():
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        (staging / relative).write_bytes(data)
    staging.rename(target)
    return target


def _download(url: str) -> bytes:
    """The archive at ``url``, read through the guarded fetcher (at most 200 MB)."""
    from portal.validation import remote  # imports frictionless: only when downloading

    try:
        with remote.fetcher(max_bytes=MAX_DOWNLOAD_BYTES) as fetcher:
            _fetched, handle = fetcher.download(url, accept="application/zip")
    except FetchError as exc:
        raise StandardFetchError(f"could not download {url}: {exc.message}") from None
    with handle:
        return handle.read()
