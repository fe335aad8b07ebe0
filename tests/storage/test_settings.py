"""A storage that cannot work stops the portal at start-up, with a message naming the setting."""

from __future__ import annotations

import socket

import pytest

from portal.config import SettingError
from tests.storage.conftest import s3_settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("change, setting", [
    ({"PORTAL_S3_BUCKET": "no-such-bucket"}, "PORTAL_S3_BUCKET"),
    ({"PORTAL_S3_BUCKET": ""}, "PORTAL_S3_BUCKET"),
    ({"PORTAL_STORAGE": "ftp"}, "PORTAL_STORAGE"),
])
def test_a_misconfigured_storage_fails_at_start_up(make_app, s3_endpoint, bucket, change,
                                                   setting):
    with pytest.raises(SettingError) as raised:
        make_app("a", **{**s3_settings(s3_endpoint, bucket), **change})
    assert raised.value.name == setting
    assert str(raised.value).startswith(f"{setting}: ")


def test_an_unreachable_object_store_names_the_endpoint(make_app, bucket):
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    with pytest.raises(SettingError, match="PORTAL_S3_ENDPOINT_URL: cannot reach") as raised:
        make_app("a", **s3_settings(endpoint, bucket))
    assert endpoint in str(raised.value)


@pytest.mark.parametrize("command", [["serve", "--check"], ["worker"], ["init"]])
def test_the_cli_reports_the_setting_not_a_traceback(s3_endpoint, tmp_path, monkeypatch,
                                                     command):
    from click.testing import CliRunner

    from portal.cli import main

    for name, value in {**s3_settings(s3_endpoint, "no-such-bucket"),
                        "PORTAL_INSTANCE_PATH": str(tmp_path)}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, command)
    assert result.exit_code != 0
    assert "PORTAL_S3_BUCKET: the bucket does not exist" in result.output
    assert "Traceback" not in result.output
