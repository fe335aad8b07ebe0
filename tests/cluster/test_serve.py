"""``portal serve``: a real gunicorn process serves the portal, logs each request, believes no
forwarded header unless told to, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import requests
from click.testing import CliRunner


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            requests.get(url, timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


def _env(migrated: str, tmp_path, **extra) -> dict[str, str]:
    return {**os.environ, "PORTAL_DATABASE_URL": migrated, "PORTAL_SECRET_KEY": "test",
            "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"), **extra}


def test_serve_runs_gunicorn_with_an_access_log(migrated, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "serve", "--workers", "2", "--threads", "2"],
        env=_env(migrated, tmp_path, PORTAL_SERVE_BIND=f"127.0.0.1:{port}"),
        stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(base + "/", process)
        assert requests.get(base + "/", timeout=10).status_code == 200
        status = requests.get(base + "/api/3/action/status_show", timeout=10,
                              headers={"X-Forwarded-Proto": "https",
                                       "X-Forwarded-Host": "evil.example"}).json()["result"]
        # No trusted proxy declared: forwarded headers change nothing.
        assert status["site_url"] == base
        assert status["health"]["database"]["ok"] and status["health"]["storage"]["ok"]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    log.seek(0)
    output = log.read()
    log.close()
    assert "Using worker: gthread" in output
    assert output.count("Booting worker with pid") >= 2
    assert '"GET / HTTP/1.1" 200' in output
    assert '"GET /api/3/action/status_show HTTP/1.1" 200' in output


def test_serve_check_says_what_it_would_run(migrated, tmp_path, monkeypatch):
    from portal.cli import main

    for name, value in _env(migrated, tmp_path, PORTAL_SERVE_BIND="127.0.0.1:9999").items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["serve", "--check", "--workers", "3"])
    assert result.exit_code == 0, result.output
    assert "would serve on 127.0.0.1:9999 with 3 workers x 4 threads" in result.output


def test_serve_refuses_a_database_it_cannot_reach(tmp_path, monkeypatch):
    from portal.cli import main

    url = f"sqlite:///{tmp_path / 'missing' / 'portal.db'}"
    for name, value in _env(url, tmp_path).items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["serve", "--check"])
    assert result.exit_code == 1
    assert "PORTAL_DATABASE_URL: cannot connect" in result.output
