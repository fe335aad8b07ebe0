"""Answers to anonymous public reads kept whole in front of the Flask app, revalidated on every
request: a request identical to one answered before is answered here, after one statement
checks that what the answer is made of has not changed.

``caching.conditional()`` already skips rendering when a public answer's revision is unchanged,
but the request still crosses all of Flask (the session, the login manager, the rate limiter,
the language, every after-request hook), several times the cost of the answer itself. When
``conditional()`` answers an anonymous viewer with a 200, it leaves its revision callable and
key in the WSGI environ; this middleware then keeps the final answer as it was sent (status,
headers, body, compressed or not), under a key made of everything that can change it: the
path and query, host and scheme (absolute links), the language inputs (``lang`` cookie,
``Accept-Language``), ``Accept`` and ``Accept-Encoding``.

The next identical request is answered from the entry if the revision callable, run in an app
context, still gives the same key (a write on any web node changes it: the revisions are read
from the shared database and search index), with a 304 when the client's ``If-None-Match``
(else ``If-Modified-Since``) matches. Anything else passes through to Flask: writes, any
request with credentials (``Authorization``, ``X-CKAN-API-Key``) or with a cookie other than the
language cookie (a session, even an empty one), and entries whose revision moved on (they are
replaced by the new answer). Entries are a bounded LRU per process
(``PORTAL_RESPONSE_CACHE_ENTRIES``; 0 turns the middleware off).

Rate limits do not count answers served from here: each costs one indexed statement, less than
the limiter's own bookkeeping; limits on heavy reads belong to the reverse proxy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Any

from flask import Flask
from werkzeug.http import parse_date, parse_etags, unquote_etag

from portal.caching import RESPONSE_REVISION as ENVIRON_KEY
from portal.caching import BodyCache, revalidating

#: Request headers an answer may depend on (the app sets ``Vary`` on them).
VARYING = ("HTTP_HOST", "wsgi.url_scheme", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
           "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_ACCEPT_LANGUAGE")
VALIDATORS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH",
              "HTTP_IF_UNMODIFIED_SINCE")
CREDENTIALS = ("HTTP_AUTHORIZATION", "HTTP_X_CKAN_API_KEY")
NOT_IN_304 = frozenset({"content-length", "content-type", "content-encoding"})


@dataclass(frozen=True)
class Entry:
    revision: Callable[[], Any]
    revision_key: str
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    last_modified: str | None


class ResponseCache:
    """WSGI middleware around ``app.wsgi_app``; see the module."""

    def __init__(self, app: Flask, wsgi_app: Callable, size: int, language_cookie: str):
        self.app = app
        self.wsgi_app = wsgi_app
        self.entries = BodyCache(size)
        self.language_cookie = language_cookie

    def key(self, environ: dict) -> str | None:
        """The entry's key, or None when the request may not be answered from here."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        if any(environ.get(name) for name in CREDENTIALS):
            return None
        language = ""
        if environ.get("HTTP_COOKIE"):
            try:
                cookies = SimpleCookie(environ["HTTP_COOKIE"])
            except CookieError:
                return None
            if set(cookies) - {self.language_cookie}:
                return None
            if self.language_cookie in cookies:
                language = cookies[self.language_cookie].value
        return "\n".join((environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                          language, *(str(environ.get(name, "")) for name in VARYING)))

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        key = self.key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        entry = self.entries.get(key)
        if entry is not None and self._current(entry):
            return self._answer(entry, environ, start_response)
        return self._through(key, environ, start_response)

    def _current(self, entry: Entry) -> bool:
        with self.app.app_context():
            revision = revalidating(entry.revision)
        return revision is not None and revision.key == entry.revision_key

    def _answer(self, entry: Entry, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if _not_modified(entry, environ):
            start_response("304 Not Modified",
                           [(name, value) for name, value in entry.headers
                            if name.lower() not in NOT_IN_304])
            return []
        start_response(entry.status, list(entry.headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def _through(self, key: str, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Through Flask, keeping the answer when ``conditional()`` marked it. A 304 it gave
        (a client that only ever revalidates, such as a harvester polling a feed, never sees
        a 200 on this process) fills the entry with the same request without its validators."""
        sent: dict[str, Any] = {}

        def keep_start(status, headers, exc_info=None):
            sent.update(status=status, headers=headers)
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, keep_start)
        if sent.get("status", "").startswith("304 ") and environ.get(ENVIRON_KEY):
            self._fill(key, {name: value for name, value in environ.items()
                             if name not in VALIDATORS and name != ENVIRON_KEY})
            return body
        return self._keep(key, environ, sent, body)

    def _keep(self, key: str, environ: dict, sent: dict, body: Iterable[bytes]
              ) -> Iterable[bytes]:
        marked = environ.get(ENVIRON_KEY)
        if (marked is None or environ["REQUEST_METHOD"] != "GET"
                or not sent.get("status", "").startswith("200 ")
                or any(name.lower() == "set-cookie" for name, _ in sent["headers"])):
            return body
        try:
            content = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        headers = list(sent["headers"])
        found = {name.lower(): value for name, value in headers}
        self.entries.put(key, Entry(revision=marked[0], revision_key=marked[1],
                                    status=sent["status"], headers=headers, body=content,
                                    etag=found.get("etag"),
                                    last_modified=found.get("last-modified")))
        return [content]

    def _fill(self, key: str, environ: dict) -> None:
        sent: dict[str, Any] = {}

        def keep_start(status, headers, exc_info=None):
            sent.update(status=status, headers=headers)
            return lambda data: None

        body = self._keep(key, environ, sent, self.wsgi_app(environ, keep_start))
        close = getattr(body, "close", None)
        if close is not None:
            close()


def _not_modified(entry: Entry, environ: dict) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match when sent, else If-Modified-Since. Garbage in
    either matches nothing."""
    if "HTTP_IF_NONE_MATCH" in environ:
        if entry.etag is None:
            return False
        tag, _weak = unquote_etag(entry.etag)
        return parse_etags(environ["HTTP_IF_NONE_MATCH"]).contains_weak(tag)
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    modified = parse_date(entry.last_modified)
    return since is not None and modified is not None and modified <= since


def init_app(app: Flask) -> None:
    from portal.i18n import COOKIE

    size = app.config["PORTAL_RESPONSE_CACHE_ENTRIES"]
    if size > 0:
        app.wsgi_app = ResponseCache(app, app.wsgi_app, size, COOKIE)
