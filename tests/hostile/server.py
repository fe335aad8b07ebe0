"""A hostile HTTP server for tests: threaded, on loopback only, serving what a bad source sends.

Use it as a context manager (or through the ``hostile`` fixture of ``tests/hostile/conftest.py``)::

    with HostileServer() as server:
        server.url("/drip", size=100, interval=0.5)   # -> "http://127.0.0.1:PORT/drip?size=100&..."

Routes (query parameters in brackets, with their defaults):

``/drip`` [size=1000, interval=0.5, declared=1]
    Sends the headers at once (``Content-Length: size`` unless ``declared=0``, then chunked),
    then one byte of the body every ``interval`` seconds: a slow-loris body.
``/slow-headers`` [interval=0.5]
    Sends the status line, then one header byte every ``interval`` seconds, never finishing.
``/endless`` [declared=0]
    An endless body of ``0`` bytes in 64 KiB chunks (chunked, or with a false
    ``Content-Length`` of 1 GiB when ``declared=1``) until the client hangs up.
``/huge`` [size=2 GiB, declared=1]
    ``size`` bytes, generated lazily, with ``Content-Length: size`` (``declared=1``) or chunked
    with no length (``declared=0``).
``/gzip-bomb`` [size=1 GiB, interval=0]
    A small gzip body (``Content-Encoding: gzip``) that inflates to ``size`` zero bytes: one
    gzip member per MiB, one after another; with ``interval`` it is sent a byte at a time.
``/redirect`` [to=URL, status=302]
    Redirects to ``to`` (any URL, for instance ``server.internal_url("/secret")``).
``/deep.json`` [depth=100000, kind=array]
    JSON nested ``depth`` levels (``[[[...]]]``, or ``{"a": {"a": ...}}`` with ``kind=object``).
``/wide.csv`` [columns=1000000, rows=1]
    A CSV whose header has ``columns`` fields, then ``rows`` rows of as many cells.

``server.add(path, body, content_type=...)`` serves fixed bytes at ``path`` too (a test's own
document, e.g. an OCDS package pointing at the routes above).

Forbidden targets: the server binds 127.0.0.1 and a second, "internal" server binds 127.0.0.2
(Linux routes all of 127.0.0.0/8 to loopback). Tests allow ``server.ALLOWED`` (127.0.0.1/32
only), so a redirect to ``server.internal_url(...)`` is a redirect to a forbidden address that
would really answer; ``server.internal_hits`` records every request it got, and must stay empty.
Header names are sent in lower case (as HTTP/2 proxies do; a client must not care).
Every path requested on the main server is in ``server.hits``, its headers in ``server.headers``.

No traffic ever leaves loopback: routes only generate bytes or redirect where the test says.
"""

from __future__ import annotations

import contextlib
import gzip
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

KB64 = 64 * 1024
GB = 1024 * 1024 * 1024
MAIN_HOST = "127.0.0.1"
INTERNAL_HOST = "127.0.0.2"
INTERNAL_SECRET = b"SECRET-FROM-THE-INTERNAL-NETWORK"


class _Gone(Exception):
    """The client hung up or the server is stopping."""


def _deep_json(depth: int, kind: str) -> bytes:
    if kind == "object":
        return b'{"a": ' * depth + b"1" + b"}" * depth
    return b"[" * depth + b"1" + b"]" * depth


def _wide_csv(columns: int, rows: int) -> Iterator[bytes]:
    yield ",".join(f"c{i}" for i in range(columns)).encode() + b"\n"
    row = b",".join([b"1"] * columns) + b"\n"
    for _ in range(rows):
        yield row


def _gzip_bomb(size: int) -> bytes:
    mib, rest = divmod(size, 1024 * 1024)
    member = gzip.compress(bytes(1024 * 1024), compresslevel=9)
    return member * mib + (gzip.compress(bytes(rest), compresslevel=9) if rest else b"")


class HostileServer:
    """Two threaded loopback servers: the hostile one (``base``) and an internal one."""

    ALLOWED = "127.0.0.1/32"

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.internal_hits: list[str] = []
        self.fixed: dict[str, tuple[bytes, str]] = {}
        self.stopping = threading.Event()
        self._servers: list[ThreadingHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._bombs: dict[int, bytes] = {}
        self.base = ""
        self.internal_base = ""

    # -- public API --------------------------------------------------------------------------

    def url(self, path: str, **query: Any) -> str:
        return self.base + path + (f"?{urlencode(query)}" if query else "")

    def internal_url(self, path: str = "/secret") -> str:
        return self.internal_base + path

    def add(self, path: str, body: bytes, content_type: str = "application/json") -> None:
        self.fixed[path] = (body, content_type)

    def __enter__(self) -> HostileServer:
        self.base = self._start(MAIN_HOST, self._main_handler())
        self.internal_base = self._start(INTERNAL_HOST, self._internal_handler())
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(5)

    # -- plumbing ----------------------------------------------------------------------------

    def _start(self, host: str, handler: type[BaseHTTPRequestHandler]) -> str:
        server = ThreadingHTTPServer((host, 0), handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                  daemon=True)
        thread.start()
        self._servers.append(server)
        self._threads.append(thread)
        return f"http://{host}:{server.server_address[1]}"

    def _internal_handler(self) -> type[BaseHTTPRequestHandler]:
        hostile = self

        class Internal(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server calls it by this name
                hostile.internal_hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(INTERNAL_SECRET)))
                self.end_headers()
                self.wfile.write(INTERNAL_SECRET)

            def log_message(self, *_args: Any) -> None:
                pass

        return Internal

    def _main_handler(self) -> type[BaseHTTPRequestHandler]:
        hostile = self

        class Hostile(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle(self) -> None:
                # a client that hangs up between two requests
                with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                    super().handle()

            def do_GET(self) -> None:  # http.server calls it by this name
                parts = urlsplit(self.path)
                hostile.hits.append(self.path)
                hostile.headers.append(dict(self.headers.items()))
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                route = ROUTES.get(parts.path)
                try:
                    if parts.path in hostile.fixed:
                        body, content_type = hostile.fixed[parts.path]
                        self._head(200, content_type, len(body))
                        self._write(body)
                    elif route is None:
                        self._head(404, "text/plain", 9)
                        self._write(b"not found")
                    else:
                        route(self, query)
                except (_Gone, BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up, as it should

            def _head(self, status: int, content_type: str, length: int | None,
                      extra: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)  # names in lower case, as
                if length is None:                               # HTTP/2 proxies send them
                    self.send_header("transfer-encoding", "chunked")
                else:
                    self.send_header("content-length", str(length))
                for name, value in (extra or {}).items():
                    self.send_header(name.lower(), value)
                self.end_headers()

            def _write(self, data: bytes, chunked: bool = False) -> None:
                if hostile.stopping.is_set():
                    raise _Gone
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n" if chunked
                                 else data)
                self.wfile.flush()

            def _stream(self, chunks: Iterator[bytes], chunked: bool) -> None:
                for chunk in chunks:
                    self._write(chunk, chunked)
                if chunked:
                    self._write(b"", chunked)

            def _sleep(self, seconds: float) -> None:
                if hostile.stopping.wait(seconds):
                    raise _Gone

            # -- routes ----------------------------------------------------------------------

            def drip(self, query: dict[str, str]) -> None:
                size, interval = int(query.get("size", 1000)), float(query.get("interval", 0.5))
                declared = query.get("declared", "1") == "1"
                self._head(200, "application/json", size if declared else None)
                for _ in range(size):
                    self._sleep(interval)
                    self._write(b" ", not declared)
                if not declared:
                    self._write(b"", True)

            def slow_headers(self, query: dict[str, str]) -> None:
                interval = float(query.get("interval", 0.5))
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                while True:
                    self._sleep(interval)
                    self._write(b"X")

            def endless(self, query: dict[str, str]) -> None:
                declared = query.get("declared", "0") == "1"
                self._head(200, "application/json", GB if declared else None)
                chunk = b"0" * KB64
                while True:
                    self._write(chunk, not declared)

            def huge(self, query: dict[str, str]) -> None:
                size = int(query.get("size", 2 * GB))
                declared = query.get("declared", "1") == "1"
                self._head(200, "application/octet-stream", size if declared else None)
                full, rest = divmod(size, KB64)
                chunk = b"0" * KB64
                self._stream(iter([chunk] * full + ([b"0" * rest] if rest else [])),
                             not declared)

            def gzip_bomb(self, query: dict[str, str]) -> None:
                size = int(query.get("size", GB))
                body = hostile._bombs.get(size)
                if body is None:
                    body = hostile._bombs[size] = _gzip_bomb(size)
                self._head(200, "application/json", len(body), {"Content-Encoding": "gzip"})
                interval = float(query.get("interval", 0))
                if not interval:
                    self._write(body)
                for byte in body if interval else b"":
                    self._sleep(interval)
                    self._write(bytes([byte]))

            def redirect(self, query: dict[str, str]) -> None:
                self._head(int(query.get("status", 302)), "text/plain", 0,
                           {"Location": query.get("to", "/")})

            def deep_json(self, query: dict[str, str]) -> None:
                body = _deep_json(int(query.get("depth", 100_000)), query.get("kind", "array"))
                self._head(200, "application/json", len(body))
                self._write(body)

            def wide_csv(self, query: dict[str, str]) -> None:
                self._head(200, "text/csv", None)
                self._stream(_wide_csv(int(query.get("columns", 1_000_000)),
                                       int(query.get("rows", 1))), True)

            def log_message(self, *_args: Any) -> None:
                pass

        ROUTES: dict[str, Callable[[Hostile, dict[str, str]], None]] = {
            "/drip": Hostile.drip, "/slow-headers": Hostile.slow_headers,
            "/endless": Hostile.endless, "/huge": Hostile.huge,
            "/gzip-bomb": Hostile.gzip_bomb, "/redirect": Hostile.redirect,
            "/deep.json": Hostile.deep_json, "/wide.csv": Hostile.wide_csv,
        }
        return Hostile

