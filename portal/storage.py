"""Where uploaded files and dumps live, behind one small interface with two backends.

``PORTAL_STORAGE`` chooses it: ``local`` keeps files under ``<instance>/storage`` (one machine, or
a volume every node mounts); ``s3`` keeps them in a bucket of any S3-compatible object store
(AWS S3, MinIO, Ceph...), so every web node and worker sees the same files.

An upload is first written to a temporary file while its size and checksum are measured, and only
then moved (local) or uploaded (S3) to its final key; the caller deletes it again if the database
write that records it fails (see ``catalog.services``).

Downloads: the local backend sends the file itself, or hands it to nginx with
``X-Accel-Redirect`` when ``PORTAL_STORAGE_ACCEL_PREFIX`` names nginx's internal location; the S3
backend answers with a redirect to a short-lived presigned URL whose response carries the file's
Content-Type and Content-Disposition (see docs/deploy.md for why).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import mimetypes
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote

import filetype
from flask import Flask, Response, current_app, redirect, send_file
from flask_babel import lazy_gettext as _l

from portal import uploads
from portal.config import SettingError
from portal.errors import ValidationError

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
#: Lifetime of a presigned download URL: long enough to start a download, short enough that a
#: link copied from a private dataset soon stops working.
PRESIGNED_SECONDS = 300


@dataclass(frozen=True)
class StoredFile:
    key: str
    filename: str
    size: int
    sha256: str
    media_type: str


@dataclass(frozen=True)
class FileStat:
    size: int
    modified: datetime


class Storage(Protocol):
    def save(self, stream: BinaryIO, filename: str, prefix: str) -> StoredFile: ...
    def put(self, key: str, source: Path, media_type: str) -> None: ...
    def open(self, key: str) -> BinaryIO: ...
    def local_file(self, key: str) -> contextlib.AbstractContextManager[Path]: ...
    def stat(self, key: str) -> FileStat | None: ...
    def exists(self, key: str) -> bool: ...
    def delete(self, key: str) -> None: ...
    def send(self, key: str, *, filename: str, media_type: str,
             last_modified: datetime | None = None) -> Response: ...
    def check(self) -> tuple[bool, str]: ...


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


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the RFC 6266 UTF-8 one."""
    ascii_name = safe_filename(filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class _Backend:
    """What both backends share: checking and measuring an upload on its way in."""

    def __init__(self, max_bytes: int, forbidden_extensions: set[str]):
        self.max_bytes = max_bytes
        self.forbidden = forbidden_extensions

    def _spool_folder(self, prefix: str) -> Path:
        raise NotImplementedError

    def _commit(self, tmp: Path, key: str, media_type: str) -> None:
        """Make the measured temporary file the content of ``key`` (it is consumed)."""
        raise NotImplementedError

    def save(self, stream: BinaryIO, filename: str, prefix: str) -> StoredFile:
        name = safe_filename(filename)
        stream = uploads.screen(stream, filename, self.forbidden)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp = tempfile.mkstemp(dir=self._spool_folder(prefix), prefix=".upload-")
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
            media_type = detect_media_type(name, head)
            key = f"{prefix}/{name}"
            self._commit(Path(tmp), key, media_type)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return StoredFile(key, name, size, digest.hexdigest(), media_type)

    def put(self, key: str, source: Path, media_type: str) -> None:
        """Store a file the portal made itself (a dump) under ``key``; ``source`` is consumed."""
        try:
            self._commit(source, key, media_type)
        finally:
            source.unlink(missing_ok=True)


class LocalStorage(_Backend):
    def __init__(self, root: Path, max_bytes: int, forbidden_extensions: set[str],
                 accel_prefix: str = ""):
        super().__init__(max_bytes, forbidden_extensions)
        self.root = root
        self.accel_prefix = accel_prefix

    def _spool_folder(self, prefix: str) -> Path:
        folder = self.root / prefix
        folder.mkdir(parents=True, exist_ok=True)
        return folder  # same file system as the target: the final move is atomic

    def _commit(self, tmp: Path, key: str, media_type: str) -> None:
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        if tmp.parent != target.parent:  # maybe another file system: copy next to it first
            fd, near = tempfile.mkstemp(dir=target.parent, prefix=".put-")
            os.close(fd)
            shutil.copyfile(tmp, near)
            tmp = Path(near)
        # mkstemp makes files only their owner reads; nginx (another user) sends them too.
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)

    def open(self, key: str) -> BinaryIO:
        return (self.root / key).open("rb")

    @contextlib.contextmanager
    def local_file(self, key: str) -> Iterator[Path]:
        path = self.root / key
        if not path.is_file():
            raise FileNotFoundError(key)
        yield path

    def stat(self, key: str) -> FileStat | None:
        try:
            found = (self.root / key).stat()
        except OSError:
            return None
        return FileStat(found.st_size, datetime.fromtimestamp(found.st_mtime, UTC))

    def exists(self, key: str) -> bool:
        return (self.root / key).is_file()

    def delete(self, key: str) -> None:
        target = self.root / key
        target.unlink(missing_ok=True)
        # Empty folders of the key go too (``versions/<id>/<resource id>/``), but never the
        # top one (``resources``, ``versions``): an upload may be creating its folder in it.
        folder = target.parent
        while folder.parent != self.root and folder != self.root:
            try:
                folder.rmdir()
            except OSError:  # not empty: another file of the resource remains (or gone)
                break
            folder = folder.parent

    def send(self, key: str, *, filename: str, media_type: str,
             last_modified: datetime | None = None) -> Response:
        if self.accel_prefix:  # nginx sends the bytes; these headers are kept on its answer
            response = Response(mimetype=media_type)
            response.headers["X-Accel-Redirect"] = self.accel_prefix.rstrip("/") + "/" + quote(key)
            response.headers["Content-Disposition"] = content_disposition(filename)
            return response
        return send_file(self.root / key, mimetype=media_type, as_attachment=True,
                         download_name=filename, conditional=True, etag=True,
                         last_modified=last_modified)

    def check(self) -> tuple[bool, str]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".check-"):
                pass
        except OSError as exc:
            return False, f"{self.root}: {exc.strerror or exc}"
        return True, f"local folder {self.root}"


class S3Storage(_Backend):
    """Files in a bucket of an S3-compatible object store, under ``prefix``."""

    def __init__(self, client, bucket: str, prefix: str, max_bytes: int,
                 forbidden_extensions: set[str], spool: Path):
        super().__init__(max_bytes, forbidden_extensions)
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.spool = spool

    def _object(self, key: str) -> str:
        return self.prefix + key

    def _spool_folder(self, prefix: str) -> Path:
        self.spool.mkdir(parents=True, exist_ok=True)
        return self.spool

    def _commit(self, tmp: Path, key: str, media_type: str) -> None:
        self.client.upload_file(str(tmp), self.bucket, self._object(key),
                                ExtraArgs={"ContentType": media_type})

    def _missing(self, exc: Exception) -> bool:
        from botocore.exceptions import ClientError

        return isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in {
            "404", "NoSuchKey", "NotFound"}

    def open(self, key: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._object(key))["Body"]
        except Exception as exc:
            if self._missing(exc):
                raise FileNotFoundError(key) from exc
            raise

    @contextlib.contextmanager
    def local_file(self, key: str) -> Iterator[Path]:
        fd, tmp = tempfile.mkstemp(dir=self._spool_folder(""), prefix=".read-",
                                   suffix=Path(key).suffix)
        os.close(fd)
        try:
            try:
                self.client.download_file(self.bucket, self._object(key), tmp)
            except Exception as exc:
                if self._missing(exc):
                    raise FileNotFoundError(key) from exc
                raise
            yield Path(tmp)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def stat(self, key: str) -> FileStat | None:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._object(key))
        except Exception as exc:
            if self._missing(exc):
                return None
            raise
        return FileStat(head["ContentLength"], head["LastModified"])

    def exists(self, key: str) -> bool:
        return self.stat(key) is not None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._object(key))

    def send(self, key: str, *, filename: str, media_type: str,
             last_modified: datetime | None = None) -> Response:
        url = self.client.generate_presigned_url("get_object", ExpiresIn=PRESIGNED_SECONDS, Params={
            "Bucket": self.bucket, "Key": self._object(key),
            "ResponseContentType": media_type,
            "ResponseContentDisposition": content_disposition(filename),
        })
        response = redirect(url, 302)
        response.headers["Cache-Control"] = "private, no-store"  # the URL expires
        return response

    def check(self) -> tuple[bool, str]:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as exc:  # any failure: the message names the setting to look at
            setting, problem = _s3_problem(exc)
            return False, f"s3://{self.bucket}: {setting}: {problem}"
        return True, f"s3://{self.bucket}/{self.prefix}"


def _s3_problem(exc: Exception) -> tuple[str, str]:
    """The setting an S3 failure points to, and what went wrong."""
    from botocore.exceptions import ClientError, NoCredentialsError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in {"404", "NoSuchBucket", "NotFound"}:
            return "PORTAL_S3_BUCKET", "the bucket does not exist"
        if code in {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}:
            return "PORTAL_S3_ACCESS_KEY_ID", f"access refused ({code}); check the key pair"
        return "PORTAL_S3_BUCKET", str(exc)
    if isinstance(exc, NoCredentialsError):
        return "PORTAL_S3_ACCESS_KEY_ID", "no credentials"
    return "PORTAL_S3_ENDPOINT_URL", f"cannot reach the object store ({exc})"


def _s3(app: Flask, max_bytes: int, forbidden: set[str]) -> S3Storage:
    import boto3
    from botocore.config import Config

    config = app.config
    if not config["PORTAL_S3_BUCKET"]:
        raise SettingError("PORTAL_S3_BUCKET", "required when PORTAL_STORAGE is s3")
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=config["PORTAL_S3_ENDPOINT_URL"] or None,
        region_name=config["PORTAL_S3_REGION"] or None,
        aws_access_key_id=config["PORTAL_S3_ACCESS_KEY_ID"] or None,
        aws_secret_access_key=config["PORTAL_S3_SECRET_ACCESS_KEY"] or None,
        config=Config(signature_version="s3v4", connect_timeout=5, read_timeout=60,
                      retries={"max_attempts": 3, "mode": "standard"}),
    )
    backend = S3Storage(client, config["PORTAL_S3_BUCKET"], config["PORTAL_S3_PREFIX"] or "",
                        max_bytes, forbidden, Path(app.instance_path) / "tmp")
    try:  # a wrong bucket fails now, not at the first upload
        client.head_bucket(Bucket=backend.bucket)
    except Exception as exc:  # any failure: the message names the setting to look at
        setting, problem = _s3_problem(exc)
        raise SettingError(setting, f"{problem} (bucket {backend.bucket!r}, endpoint "
                                    f"{client.meta.endpoint_url})") from exc
    return backend


def init_app(app: Flask) -> None:
    forbidden = {
        ext.strip().lower().lstrip(".")
        for ext in app.config["PORTAL_UPLOAD_FORBIDDEN_EXTENSIONS"].split(",")
        if ext.strip()
    }
    max_bytes = app.config["PORTAL_MAX_UPLOAD_MB"] * 1024 * 1024
    kind = app.config["PORTAL_STORAGE"]
    if kind == "s3":
        app.extensions["storage"] = _s3(app, max_bytes, forbidden)
    elif kind == "local":
        app.extensions["storage"] = LocalStorage(
            Path(app.instance_path) / "storage", max_bytes, forbidden,
            app.config["PORTAL_STORAGE_ACCEL_PREFIX"] or "")
    else:
        raise SettingError("PORTAL_STORAGE", f"unknown backend {kind!r}; use local or s3")


def storage() -> Storage:
    return current_app.extensions["storage"]


#: ``keys -> the keys among them that rows still reference``.
Holder = Callable[[list[str]], set[str]]


def register_holder(app: Flask, holder: Holder) -> None:
    """A domain whose rows hold storage keys says which keys are still referenced: ``discard``
    keeps those."""
    holders = app.extensions.setdefault("storage_holders", [])
    if holder not in holders:
        holders.append(holder)


def discard(keys: Iterable[str]) -> list[str]:
    """Delete the stored files of rows that are gone; call it once their deletion has committed
    (``db.on_commit``), so a rolled-back write loses no file. A key that a row still references
    (any registered holder says so) is kept; a file already missing is no error; a backend
    failure is logged, not raised: the rows are gone, an orphan file costs space only. Returns
    the keys deleted."""
    wanted = list(dict.fromkeys(key for key in keys if key))
    if not wanted:
        return []
    try:
        kept = set().union(*(holder(wanted) for holder in
                             current_app.extensions.get("storage_holders", [])))
    except Exception:  # cannot tell whether they are shared: keeping them is the safe side
        log.exception("could not check whether the stored files %s are still referenced: "
                      "they are kept", wanted)
        return []
    deleted = []
    for key in wanted:
        if key in kept:
            log.warning("stored file %s is still referenced by another row: kept", key)
            continue
        try:
            storage().delete(key)
        except Exception:
            log.exception("could not delete the stored file %s", key)
            continue
        deleted.append(key)
    return deleted
