"""Fixtures for the storage tests: moto's standalone S3 server on loopback, a bucket per test,
and apps on the same database with local or S3 storage."""

from __future__ import annotations

import uuid
from functools import partial
from pathlib import Path

import pytest

CREDENTIALS = {"PORTAL_S3_ACCESS_KEY_ID": "test", "PORTAL_S3_SECRET_ACCESS_KEY": "test",
               "PORTAL_S3_REGION": "us-east-1"}


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """Passwords are not under test here: hash them in microseconds, not scrypt's 0.4 s."""
    from werkzeug.security import generate_password_hash

    from portal.auth import services

    monkeypatch.setattr(services, "generate_password_hash",
                        partial(generate_password_hash, method="pbkdf2:sha256:1"))


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str):
    import boto3

    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
        aws_secret_access_key="test")


@pytest.fixture
def bucket(s3_endpoint) -> str:
    name = f"portal-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


def s3_settings(endpoint: str, bucket: str) -> dict:
    return {"PORTAL_STORAGE": "s3", "PORTAL_S3_ENDPOINT_URL": endpoint,
            "PORTAL_S3_BUCKET": bucket, "PORTAL_S3_PREFIX": "portal/", **CREDENTIALS}


@pytest.fixture
def make_app(make_app, tmp_path: Path):
    """``make_app(node, **settings)``: an app on the test database with its own instance folder
    (``node`` names it), as a second web node on another machine would have."""

    def make(node: str = "a", **settings):
        return make_app(**{"PORTAL_INSTANCE_PATH": str(tmp_path / node),
                           "PORTAL_MAX_UPLOAD_MB": 1, **settings})

    return make


@pytest.fixture(params=["local", "s3"])
def backend_settings(request, tmp_path) -> dict:
    """Settings of each backend; local storage is a folder both nodes share (a mounted volume)."""
    if request.param == "local":
        return {"PORTAL_STORAGE": "local", "PORTAL_INSTANCE_PATH": str(tmp_path / "shared")}
    endpoint = request.getfixturevalue("s3_endpoint")
    return s3_settings(endpoint, request.getfixturevalue("bucket"))
