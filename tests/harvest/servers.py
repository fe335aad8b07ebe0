"""Real local HTTP servers for harvest tests (and the harvest benchmark).

``serve(site)`` runs a ``ThreadingHTTPServer`` on 127.0.0.1, port 0, in a thread. A ``Site`` maps
paths to responses that tests change between two runs; ``FakeCkan`` answers CKAN's
``package_search`` (rows, start, sort by id, ``fq=metadata_modified:[X TO *]``, ``fl``) and
``package_show`` from a list of package dictionaries.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    body: bytes | Callable[[], Iterator[bytes]] = b""
    content_type: str = "application/json"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class Site:
    """Path -> ``Reply`` (or a callable taking the query dict and returning one)."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply | Callable[[dict[str, list[str]]], Reply]] = {}
        self.hits: list[str] = []
        self.base = ""

    def add(self, path: str, reply: Reply | Callable[[dict[str, list[str]]], Reply]) -> None:
        self.routes[path] = reply

    def json(self, path: str, data: Any) -> None:
        self.add(path, Reply(json.dumps(data).encode()))

    def respond(self, path: str, query: dict[str, list[str]]) -> Reply:
        route = self.routes.get(path)
        if route is None:
            return Reply(b'{"error": "not found"}', status=404)
        return route(query) if callable(route) else route


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # http.server calls it by this name
            parts = urlsplit(self.path)
            site.hits.append(self.path)
            reply = site.respond(parts.path, parse_qs(parts.query))
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            try:
                if callable(reply.body):
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in reply.body():
                        self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    if "Content-Length" not in reply.headers:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the harvester gave up on purpose (size cap, timeout)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(site: Site) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 and yield its base URL (no trailing slash)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site.base
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


SINCE_RE = re.compile(r"metadata_modified:\[(\S+) TO \*\]")


class FakeCkan:
    """A CKAN action API over ``packages`` (a list of package dicts), mounted on a ``Site``."""

    def __init__(self, site: Site, packages: list[dict[str, Any]], *,
                 honour_fl: bool = True, ignore_start: bool = False):
        self.packages = packages
        self.honour_fl = honour_fl
        self.ignore_start = ignore_start
        site.add("/api/3/action/package_search", self.package_search)
        site.add("/api/3/action/package_show", self.package_show)

    @staticmethod
    def _wrap(result: Any) -> Reply:
        return Reply(json.dumps({"help": "", "success": True, "result": result}).encode())

    def package_search(self, query: dict[str, list[str]]) -> Reply:
        rows = int(query.get("rows", ["10"])[0])
        start = 0 if self.ignore_start else int(query.get("start", ["0"])[0])
        found = sorted(self.packages, key=lambda p: p["id"])
        match = SINCE_RE.search(query.get("fq", [""])[0])
        if match:
            since = match.group(1).rstrip("Z")
            found = [p for p in found if p["metadata_modified"][:23] >= since[:23]]
        page = found[start:start + rows]
        fields = query.get("fl", [""])[0]
        if fields and self.honour_fl:
            keep = fields.split(",")
            page = [{k: p.get(k) for k in keep} for p in page]
        return self._wrap({"count": len(found), "results": page})

    def package_show(self, query: dict[str, list[str]]) -> Reply:
        wanted = query.get("id", [""])[0]
        for package in self.packages:
            if wanted in (package["id"], package["name"]):
                return self._wrap(package)
        return Reply(json.dumps({"success": False, "error": {"message": "Not found"}}).encode(),
                     status=404)


def held(reply: Reply, hold: threading.Event, seconds: float) -> Callable[[dict], Reply]:
    """A route that answers ``reply`` once ``hold`` is cleared (at the latest after ``seconds``):
    a source slow enough for a test to kill whoever is reading from it."""
    def answer(_query: dict) -> Reply:
        deadline = time.monotonic() + seconds
        while hold.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        return reply
    return answer


def ckan_package(number: int, **changes: Any) -> dict[str, Any]:
    """A synthetic CKAN package dictionary (tests and the benchmark)."""
    package = {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "name": f"conjunto-{number}",
        "title": f"Conjunto sintético {number}",
        "notes": f"Descripción del conjunto {number}.",
        "license_id": "cc-by",
        "maintainer": "Unidad de Estadística",
        "maintainer_email": "datos@example.org",
        "metadata_created": "2024-01-01T00:00:00.000000",
        "metadata_modified": "2024-01-02T00:00:00.000000",
        "private": False,
        "state": "active",
        "tags": [{"name": "estadistica"}, {"name": f"serie-{number % 10}"}],
        "groups": [],
        "extras": [{"key": "frequency", "value": "ANNUAL"}],
        "resources": [{"id": f"r-{number}", "name": "datos.csv", "format": "CSV",
                       "url": f"https://example.org/datos/{number}.csv", "description": ""}],
    }
    package.update(changes)
    return package
