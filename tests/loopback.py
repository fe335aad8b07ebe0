"""The app behind a real HTTP server on a loopback port, in a thread, for tests that talk HTTP
(browsers, curl, ckanapi, harvesters pointed at the portal)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server


def closing(app):
    """``app`` with every response body closed when the server stops reading it, however it
    stops. Werkzeug's development server closes the body after draining the socket; when the
    client has reset the connection (a browser dropping a favicon) the drain raises first and a
    served file is left to the garbage collector, open."""

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@contextmanager
def serving(app, *, on_port=None) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port) and yield its address; ``on_port(port)`` runs
    before the first request (an app that must know its own address)."""
    httpd = make_server("127.0.0.1", 0, closing(app), threaded=True)
    if on_port is not None:
        on_port(httpd.server_port)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
