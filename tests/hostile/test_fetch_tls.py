"""https through the guarded fetcher: the connection goes to the checked address, yet SNI, the
Host header and the certificate check all use the host name (a real local TLS server, with a
throw-away CA from trustme)."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from portal.outbound import Fetcher, FetchError, FetchPolicy, parse_networks


@contextmanager
def tls_server(ca: trustme.CA, name: str) -> Iterator[tuple[int, list[str], list[str]]]:
    """An https server on 127.0.0.1 whose certificate is for ``name``; yields its port, the
    SNI names it was sent and the Host headers it got."""
    snis: list[str] = []
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server calls it by this name
            hosts.append(self.headers.get("Host", ""))
            body = b'{"ok": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args) -> None:
            pass

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    context.sni_callback = lambda _sock, server_name, _ctx: snis.append(server_name)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server.server_address[1], snis, hosts
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def ca(tmp_path):
    authority = trustme.CA()
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    return authority


def fetcher(tmp_path) -> Fetcher:
    return Fetcher(FetchPolicy(timeout=5.0, allowed_networks=parse_networks("127.0.0.1/32"),
                               ca_certs=str(tmp_path / "ca.pem")))


def test_https_sends_the_name_as_sni_and_host_and_checks_the_certificate_for_it(ca, tmp_path):
    with tls_server(ca, "localhost") as (port, snis, hosts), fetcher(tmp_path) as f:
        fetched = f.get(f"HTTPS://localhost:{port}/datos.json")
    assert fetched.json() == {"ok": True}
    assert snis == ["localhost"] and hosts == [f"localhost:{port}"]


def test_a_certificate_for_another_name_is_refused(ca, tmp_path):
    with tls_server(ca, "otro.example") as (port, _snis, hosts), \
            pytest.raises(FetchError) as caught, fetcher(tmp_path) as f:
        f.get(f"https://localhost:{port}/datos.json")
    assert caught.value.type == "connection-error"
    assert "otro.example" in caught.value.message and hosts == []


def test_a_certificate_from_an_unknown_authority_is_refused(ca, tmp_path):
    with tls_server(trustme.CA(), "localhost") as (port, _snis, hosts), \
            pytest.raises(FetchError) as caught, fetcher(tmp_path) as f:
        f.get(f"https://localhost:{port}/datos.json")
    assert caught.value.type == "connection-error" and hosts == []
