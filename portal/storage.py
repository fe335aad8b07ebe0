"""Where uploaded files live, behind one small interface so an object store can replace it.

``LocalStorage`` keeps files under ``<instance>/storage``. A file is written to a temporary name
while its size and checksum are measured, and only then moved to its final key; the caller deletes
it again if the database write that records it fails (see ``catalog.services``).
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import filetype
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from portal import uploads
from portal.errors import ValidationError

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    filename: str
    size: int
    sha256: str
    media_type: str


class Storage(Protocol):
    def save(self, stream: BinaryIO, filename: str, prefix: str) -> StoredFile: ...
    def open(self, key: str) -> BinaryIO: ...
    def path(self, key: str) -> Path | None: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def safe_filename(filename: str) -> str:
    """An ASCII, path-free version of a user's file name (``Matrícula 2024.csv`` →
    ``matricula-2024.csv``)."""
    name = os.path.basename(filename.replace("\\", "/"))
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = ext, ""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()[:100] or "archivo"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext).lower()[:10]
    return f"{stem}.{ext}" if ext else stem


def detect_media_type(filename: str, head: bytes) -> str:
    """Media type from the content's magic bytes, else from the extension."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    guessed, _ = mimetypes.guess_type(filename)
    if guessed:
        return guessed
    ext = filename.rpartition(".")[2].lower()
    return {"csv": "text/csv", "tsv": "text/tab-separated-values", "jsonl": "application/jsonl",
            "geojson": "application/geo+json"}.get(ext, "application/octet-stream")


class LocalStorage:
    def __init__(self, root: Path, max_bytes: int, forbidden_extensions: set[str]):
        self.root = root
        self.max_bytes = max_bytes
        self.forbidden = forbidden_extensions

    def save(self, stream: BinaryIO, filename: str, prefix: str) -> StoredFile:
        name = safe_filename(filename)
        stream = uploads.screen(stream, filename, self.forbidden)
        folder = self.root / prefix
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise ValidationError({"upload": [
                            str(_l("El archivo supera el tamaño máximo permitido de %(mb)s MB."))
                            % {"mb": self.max_bytes // (1024 * 1024)}
                        ]})
                    if len(head) < 8192:
                        head += chunk[: 8192 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise ValidationError({"upload": [str(_l("El archivo está vacío."))]})
            key = f"{prefix}/{name}"
            os.replace(tmp, self.root / key)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredFile(key, name, size, digest.hexdigest(), detect_media_type(name, head))

    def open(self, key: str) -> BinaryIO:
        return (self.root / key).open("rb")

    def path(self, key: str) -> Path | None:
        return self.root / key

    def delete(self, key: str) -> None:
        target = self.root / key
        target.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: another file of the resource remains
            target.parent.rmdir()

    def exists(self, key: str) -> bool:
        return (self.root / key).is_file()


def init_app(app: Flask) -> None:
    forbidden = {
        ext.strip().lower().lstrip(".")
        for ext in app.config["PORTAL_UPLOAD_FORBIDDEN_EXTENSIONS"].split(",")
        if ext.strip()
    }
    app.extensions["storage"] = LocalStorage(
        Path(app.instance_path) / "storage",
        app.config["PORTAL_MAX_UPLOAD_MB"] * 1024 * 1024,
        forbidden,
    )


def storage() -> Storage:
    return current_app.extensions["storage"]
