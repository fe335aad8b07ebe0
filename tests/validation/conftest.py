"""Fixtures of the validation tests: a local HTTP server over a folder."""

import functools
import http.server
import threading
from pathlib import Path

import pytest


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requests_seen: list

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.requests_seen.append(self.path)
        super().do_GET()


@pytest.fixture
def http_folder(tmp_path, monkeypatch):
    """Serve ``tmp_path / "www"`` on 127.0.0.1, which the validators' fetcher may then read;
    yields (folder, base_url, requests_seen)."""
    monkeypatch.setenv("PORTAL_HARVEST_ALLOWED_NETWORKS", "127.0.0.1/32")
    folder = tmp_path / "www"
    folder.mkdir()
    seen: list = []
    handler = type("Handler", (_QuietHandler,), {"requests_seen": seen})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Path(folder), f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
