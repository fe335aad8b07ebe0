"""A local server of links in every state, for the link checker's tests and bench/quality_links.py.

The path says what the server does (any suffix after it is free, so each URL can be unique):

* ``/ok/...``: 200, ``text/csv``, ``Content-Length: 1234``, a ``Last-Modified``;
* ``/nohead/...``: HEAD is refused with 405; a GET with ``Range`` gets 206 and
  ``Content-Range: bytes 0-0/5000``;
* ``/dropshead/...``: HEAD closes the connection unanswered; GET is 200;
* ``/status/<code>/...``: that status, on HEAD and GET;
* ``/slow/<seconds>/...``: waits, then 200;
* ``/hang/...``: never answers (until the server stops);
* ``/redirect/<n>/...``: 302 to ``/redirect/<n-1>/...``, then ``/ok/...``; ``/loop/...``
  redirects to itself;
* ``/internal/...``: 302 to the same server on 127.0.0.2 (``/ok/...``), an address tests leave
  out of the allowed networks; ``/metadata/...``: 302 to http://169.254.169.254/latest/.

``requests`` counts every request by method, and ``hosts`` the Host headers, to check
politeness.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Wed, 21 Oct 2026 07:28:00 GMT"


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), _Handler)
        self.stopping = threading.Event()
        self.requests: Counter[str] = Counter()
        self.active: Counter[str] = Counter()
        self.most_active: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LinkServer

    def log_message(self, *_args) -> None:
        pass

    def do_HEAD(self) -> None:  # http.server calls it by this name
        self._answer("HEAD")

    def do_GET(self) -> None:  # http.server calls it by this name
        self._answer("GET")

    def _answer(self, method: str) -> None:
        host = self.host = self.headers.get("Host", "")
        with self.server.lock:
            self.server.requests[method] += 1
            self.server.active[host] += 1
            self.server.most_active[host] = max(self.server.most_active[host],
                                                self.server.active[host])
        self.answering = True
        try:
            self._route(method)
        finally:
            self._answered()

    def _answered(self) -> None:
        """A request stops counting as active when its answer starts: the client may send the
        next one as soon as it has read this answer, possibly before this thread runs again."""
        if getattr(self, "answering", False):
            self.answering = False
            with self.server.lock:
                self.server.active[self.host] -= 1

    def send_response(self, code, message=None) -> None:
        self._answered()
        super().send_response(code, message)

    def _send(self, status: int, headers: dict[str, str] | None = None,
              body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _ok(self) -> None:
        self._send(200, {"Content-Type": "text/csv; charset=utf-8", "Content-Length": "1234",
                         "Last-Modified": LAST_MODIFIED})
        if self.command == "GET":
            self.wfile.write(b"a,b\n" * 308 + b"a,")

    def _route(self, method: str) -> None:
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        kind = parts[0]
        port = self.server.port
        if kind == "ok":
            self._ok()
        elif kind == "nohead":
            if method == "HEAD":
                self._send(405, {"Allow": "GET"})
            elif self.headers.get("Range") == "bytes=0-0":
                self._send(206, {"Content-Type": "application/json",
                                 "Content-Range": "bytes 0-0/5000"}, b"{")
            else:
                self._send(200, {"Content-Type": "application/json"}, b"{}" * 2500)
        elif kind == "dropshead":
            if method == "HEAD":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            self._ok()
        elif kind == "status":
            self._send(int(parts[1]), {"Content-Type": "text/html"}, b"<p>error</p>")
        elif kind == "slow":
            self.server.stopping.wait(float(parts[1]))
            self._ok()
        elif kind == "hang":
            self.server.stopping.wait(600)
        elif kind == "redirect":
            left = int(parts[1])
            rest = "/".join(parts[2:])
            target = f"/redirect/{left - 1}/{rest}" if left > 1 else f"/ok/{rest}"
            self._send(302, {"Location": target})
        elif kind == "loop":
            self._send(302, {"Location": self.path})
        elif kind == "internal":
            self._send(302, {"Location": f"http://127.0.0.2:{port}/ok/{'/'.join(parts[1:])}"})
        elif kind == "metadata":
            self._send(302, {"Location": "http://169.254.169.254/latest/meta-data/"})
        else:
            self._send(404, {"Content-Type": "text/plain"}, b"not found")


@contextmanager
def serve(host: str = "127.0.0.1", port: int = 0) -> Iterator[LinkServer]:
    """A ``LinkServer`` on a loopback address (any of 127.0.0.0/8 on Linux), in a thread."""
    server = LinkServer(host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
