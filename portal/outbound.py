"""The one guarded fetcher: every outbound HTTP request of the portal goes through ``Fetcher``.

Harvesters, downloads of resources to validate, remote Table Schemas, Data Package profiles
(frictionless is handed a session that comes back here), JSON-LD contexts and the OCDS standard
archive all read the web through it. Its rules (see ``docs/outbound.md``):

* http and https only, whatever the case of the scheme (``HTTP://`` is http);
* the host is resolved once per hop and every address it resolves to must be public, unless it
  falls in ``PORTAL_HARVEST_ALLOWED_NETWORKS``; the connection then goes to the very address
  that was checked (TLS still verifies the certificate for the host name and sends it as SNI),
  so a DNS server that answers differently the second time (rebinding) gains nothing;
* redirects are followed by hand (at most ``max_redirects``) and each target is checked again;
* IPv6 addresses that carry an IPv4 one are judged by that IPv4 (mapped ``::ffff:a.b.c.d``,
  NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``); prefixes where the IPv4 sits in a place we cannot
  tell (local-use NAT64 ``64:ff9b:1::/48``), that are deprecated (IPv4-compatible ``::/96``) or
  that tunnel to a relay (Teredo ``2001::/32``) are refused outright;
* a connect/read timeout per wait, and a total deadline per download (and per job, for
  harvests) that holds mid-chunk: a watchdog shuts the socket when the deadline passes, so a
  server dripping one byte at a time (in the headers or the body) is cut off on time;
* a size cap checked on ``Content-Length`` and again while streaming, on the decoded bytes
  (gzip and deflate are inflated here, at most one byte past the cap), so a bomb is cut off.

Problems are ``FetchError`` with a type slug and a Spanish message that names the URL and the
cause. This module imports no domain code.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import tempfile
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urljoin

import certifi
import urllib3
from flask_babel import lazy_gettext as _l
from urllib3 import HTTPHeaderDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import LocationParseError, NewConnectionError
from urllib3.util import parse_url
from urllib3.util.ssl_match_hostname import CertificateError

from portal import bounded_json

MB = 1024 * 1024
READ_BYTES = 64 * 1024
USER_AGENT = "DatosAbiertosBolivia-Cosecha/1.0 (+https://datos.gob.bo)"
REDIRECTS = (301, 302, 303, 307, 308)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.ip_network("64:ff9b::/96")
REFUSED_PREFIXES = tuple(ipaddress.ip_network(n) for n in (
    "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215): where the IPv4 sits depends on the network
    "::/96",           # IPv4-compatible (deprecated by RFC 4291)
    "2001::/32",       # Teredo: a tunnel through a relay, never a data source of its own
))


class FetchError(Exception):
    """A remote read that failed; ``type`` is a stable slug, ``message`` user-facing Spanish."""

    def __init__(self, type: str, message: Any, url: str = "", *, status: int | None = None,
                 tls: bool = False):
        super().__init__(str(message))
        self.type = type
        self.message = str(message)
        self.url = url
        self.status = status  # the HTTP status of an ``http-error``
        self.tls = tls  # a ``connection-error`` of the TLS handshake (certificate, protocol)


def _msg(text, **values: Any) -> str:
    return str(text).format(**values)


def parse_networks(value: str | Iterable[str]) -> tuple[Network, ...]:
    """``"127.0.0.0/8, 10.0.0.0/8"`` -> networks; raises ``ValueError`` on a bad entry."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in parts
                 if part.strip())


@dataclass(frozen=True)
class FetchPolicy:
    timeout: float = 30.0
    download_seconds: float = 300.0
    max_bytes: int = 50 * MB
    allowed_networks: tuple[Network, ...] = ()
    max_redirects: int = 5
    ca_certs: str | None = None  # a CA bundle to trust instead of certifi's (tests, intranets)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FetchPolicy:
        """The policy of the ``PORTAL_HARVEST_*`` settings; a missing or empty one keeps its
        default (so a mapping of environment values works too)."""
        def get(name: str, default: Any) -> Any:
            value = config.get(name)
            return default if value in (None, "") else value

        return cls(
            timeout=float(get("PORTAL_HARVEST_TIMEOUT", cls.timeout)),
            download_seconds=float(get("PORTAL_HARVEST_DOWNLOAD_SECONDS",
                                       cls.download_seconds)),
            max_bytes=int(get("PORTAL_HARVEST_MAX_MB", cls.max_bytes // MB)) * MB,
            allowed_networks=parse_networks(get("PORTAL_HARVEST_ALLOWED_NETWORKS", "")),
        )


@dataclass
class Fetched:
    """A remote document read whole into memory (at most ``max_bytes``)."""

    url: str
    status: int
    content_type: str
    content: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON; HTML or broken JSON is a ``FetchError`` that says so."""
        head = self.content.lstrip()[:200].lower()
        if self.media_type in ("text/html", "application/xhtml+xml") or head.startswith(
                (b"<!doctype html", b"<html")):
            raise FetchError("not-json", _msg(_l(
                "{url} devolvió una página HTML en lugar de JSON."), url=self.url), self.url)
        try:
            return bounded_json.loads(self.content)
        except UnicodeDecodeError as exc:
            raise FetchError("not-json", _msg(_l(
                "{url} no devolvió texto UTF-8: {error}."), url=self.url, error=exc),
                self.url) from None
        except json.JSONDecodeError as exc:
            truncated = exc.pos >= len(self.content.rstrip()) - 1
            text = _l("JSON truncado en {url} (termina en la posición {pos}).") if truncated \
                else _l("JSON inválido en {url}: {error} (línea {line}, columna {col}).")
            raise FetchError("invalid-json", _msg(
                text, url=self.url, pos=exc.pos, error=exc.msg, line=exc.lineno,
                col=exc.colno), self.url) from None


def is_public(address: Address) -> bool:
    """Whether ``address`` is a public unicast address, judging an IPv6 address that carries
    an IPv4 one by that IPv4 (see the module's docstring for the prefixes refused outright)."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in prefix for prefix in REFUSED_PREFIXES):
            return False
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not address.is_multicast


class _Watchdog:
    """Shuts a socket down when a deadline passes, so a blocked read returns at once."""

    def __init__(self, seconds: float):
        self.fired = False
        self.sock: socket.socket | None = None
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            with suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


class _Inflate:
    """gzip (one member after another) or zlib deflate, never more than ``limit`` bytes out of
    one ``feed``: a bomb costs the size cap in memory, not what it would expand to."""

    def __init__(self, encoding: str):
        self.wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
        self.inflater = zlib.decompressobj(self.wbits)

    def feed(self, data: bytes, limit: int) -> bytes:
        if not data:
            return self.inflater.flush()
        out = self.inflater.decompress(data, limit)
        while self.inflater.eof and self.inflater.unused_data and len(out) < limit:
            rest, self.inflater = self.inflater.unused_data, zlib.decompressobj(self.wbits)
            out += self.inflater.decompress(rest, limit - len(out))
        return out


class _Response:
    """An open response: its final URL, status, headers and the means to read its body."""

    def __init__(self, url: str, conn: HTTPConnection, raw: urllib3.BaseHTTPResponse,
                 watchdog: _Watchdog, started: float):
        self.url, self.conn, self.raw, self.watchdog = url, conn, raw, watchdog
        self.started = started
        self.status = raw.status
        self.headers = HTTPHeaderDict(raw.headers)  # names in any case, as HTTP says

    def close(self) -> None:
        self.watchdog.cancel()
        self.raw.close()  # the socket's file, without which closing the socket keeps its fd
        self.conn.close()


class Fetcher:
    """Reads remote documents under a ``FetchPolicy``; ``deadline`` (a ``time.monotonic()``
    value) bounds every read of the job, so a job cannot outlive its hang limit by much."""

    def __init__(self, policy: FetchPolicy, *, deadline: float | None = None):
        self.policy = policy
        self.deadline = deadline
        self.requests = 0

    def close(self) -> None:
        """Nothing is pooled (each connection goes to an address checked for it)."""

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # -- checks ------------------------------------------------------------------------------

    def allows(self, address: Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return is_public(address) or any(
            address in network for network in self.policy.allowed_networks)

    def check_url(self, url: str) -> list[str]:
        """Refuse a URL that is not http(s) or whose host resolves to a forbidden address;
        return the addresses it resolves to (all allowed), to connect to one of them."""
        try:
            parts = parse_url(url)
        except (LocationParseError, ValueError):
            raise FetchError("invalid-url", _msg(_l("URL inválida: {url}."), url=url),
                             url) from None
        if parts.scheme not in ("http", "https"):
            raise FetchError("forbidden-scheme", _msg(_l(
                "Solo se lee por http o https; se rechazó {url}."), url=url), url)
        host = (parts.host or "").strip("[]")
        if not host:
            raise FetchError("invalid-url", _msg(_l("La URL {url} no tiene servidor."), url=url),
                             url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise FetchError("unresolvable-host", _msg(_l(
                "No se pudo resolver el servidor {host}: {error}."), host=host, error=exc),
                url) from None
        addresses: list[str] = []
        for info in infos:
            text = str(info[4][0]).split("%", 1)[0]
            if not self.allows(ipaddress.ip_address(text)):
                raise FetchError("forbidden-address", _msg(_l(
                    "{url} apunta a una dirección privada o local ({address}); no se leen "
                    "redes internas salvo que la configuración lo permita."),
                    url=url, address=text), url)
            if text not in addresses:
                addresses.append(text)
        return addresses

    def _limit(self, started: float) -> float:
        limit = started + self.policy.download_seconds
        return limit if self.deadline is None else min(limit, self.deadline)

    def _job_bound(self, started: float) -> bool:
        """Whether the job's deadline, not this download's own limits, cut the read short."""
        if self.deadline is None:
            return False
        own = min(started + self.policy.download_seconds, time.monotonic() + self.policy.timeout)
        return self.deadline <= own

    # -- reading -----------------------------------------------------------------------------

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        """GET ``url`` (following checked redirects) and read the body into memory."""
        response = self._open(url, accept)
        try:
            content = b"".join(self._stream(response))
        finally:
            response.close()
        return Fetched(response.url, response.status, response.headers.get("Content-Type", ""),
                       content, response.headers)

    def download(self, url: str, *, accept: str | None = None) -> tuple[Fetched, IO[bytes]]:
        """GET ``url`` into a temporary file (for large data files); returns the response
        (with empty ``content``) and the file, positioned at its start. Close the file."""
        response = self._open(url, accept)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
        try:
            for chunk in self._stream(response):
                handle.write(chunk)
        except BaseException:
            handle.close()
            raise
        finally:
            response.close()
        handle.seek(0)
        return (Fetched(response.url, response.status,
                        response.headers.get("Content-Type", ""), b"", response.headers),
                handle)

    def probe(self, url: str, *, method: str = "HEAD",
              headers: Mapping[str, str] | None = None) -> Fetched:
        """One ``method`` request (HEAD, or a GET with ``Range``) to ``url`` through the same
        checks and checked redirects, for link checks: the final response's status and headers
        whatever its status (an error status is returned, not raised) and no body (a server
        that ignores ``Range`` is cut off after its headers)."""
        response = self._open(url, None, method=method, extra=headers, probe=True)
        response.close()
        return Fetched(response.url, response.status, response.headers.get("Content-Type", ""),
                       b"", response.headers)

    def _open(self, url: str, accept: str | None, *, method: str = "GET",
              extra: Mapping[str, str] | None = None, probe: bool = False) -> _Response:
        started = time.monotonic()
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            addresses = self.check_url(current)
            response = self._request(current, addresses, accept, started, method, extra)
            if response.status in REDIRECTS and response.headers.get("Location"):
                response.close()
                current = urljoin(current, response.headers["Location"].strip())
                continue
            if probe:
                return response
            if response.status >= 400:
                response.close()
                raise FetchError("http-error", _msg(_l(
                    "{url} respondió con el error HTTP {status}."), url=current,
                    status=response.status), current, status=response.status)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.policy.max_bytes:
                response.close()
                raise self._too_large(current)
            return response
        raise FetchError("too-many-redirects", _msg(_l(
            "Demasiadas redirecciones a partir de {url}."), url=url), url)

    def _request(self, url: str, addresses: list[str], accept: str | None, started: float,
                 method: str = "GET", extra: Mapping[str, str] | None = None) -> _Response:
        """One request to the first of ``addresses`` that accepts a connection."""
        remaining = self._limit(started) - time.monotonic()
        if remaining <= 0:
            raise self._timeout(url, whole=True, started=started)
        parts = parse_url(url)
        host = (parts.host or "").strip("[]")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        watchdog = _Watchdog(remaining)
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1], "User-Agent": USER_AGENT,
                   "Accept": accept or "*/*", "Accept-Encoding": "gzip, deflate",
                   "Connection": "close", **(extra or {})}
        conn: HTTPConnection | None = None
        try:
            for number, address in enumerate(addresses, 1):  # one wait each, within the limit
                wait = min(self.policy.timeout, self._limit(started) - time.monotonic())
                if wait <= 0:
                    raise TimeoutError
                if parts.scheme == "https":
                    conn = HTTPSConnection(  # SNI and the certificate check use the name
                        address, port, timeout=wait, server_hostname=host, assert_hostname=host,
                        ca_certs=self.policy.ca_certs or certifi.where())
                else:
                    conn = HTTPConnection(address, port, timeout=wait)
                try:
                    conn.connect()
                    break
                except (OSError, Urllib3Error):
                    conn.close()
                    if number == len(addresses):
                        raise
            assert conn is not None
            watchdog.sock = conn.sock
            if watchdog.fired:
                raise TimeoutError
            self.requests += 1
            conn.request(method, parts.request_uri, headers=headers, preload_content=False,
                         decode_content=False)
            raw = conn.getresponse()
        except BaseException as exc:
            watchdog.cancel()
            if conn is not None:
                conn.close()
            raise self._failure(exc, url, watchdog, started) from None
        return _Response(url, conn, raw, watchdog, started)

    def _stream(self, response: _Response) -> Iterator[bytes]:
        """The decoded body, chunk by chunk, under the size cap and the deadline."""
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if encoding in ("", "identity"):
            inflate = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            inflate = _Inflate(encoding)
        else:
            raise FetchError("unsupported-encoding", _msg(_l(
                "{url} envió el contenido codificado como «{encoding}», que no se admite."),
                url=response.url, encoding=encoding), response.url)
        total, url, started = 0, response.url, response.started
        try:
            while True:
                raw = response.raw.read1(READ_BYTES)  # what has arrived, not a full chunk
                if response.watchdog.fired:
                    raise self._timeout(url, whole=True, started=started)
                data = raw if inflate is None else inflate.feed(
                    raw, self.policy.max_bytes - total + 1)
                total += len(data)
                if total > self.policy.max_bytes:
                    raise self._too_large(url)
                if data:
                    yield data
                if not raw:
                    return
        except FetchError:
            raise
        except Exception as exc:  # every reading failure becomes a FetchError
            raise self._failure(exc, url, response.watchdog, started) from None

    # -- errors ------------------------------------------------------------------------------

    def _failure(self, exc: BaseException, url: str, watchdog: _Watchdog,
                 started: float) -> BaseException:
        if isinstance(exc, FetchError) or not isinstance(exc, Exception):
            return exc
        if watchdog.fired:
            return self._timeout(url, whole=True, started=started)
        if isinstance(exc, TimeoutError | urllib3.exceptions.TimeoutError) and not isinstance(
                exc, NewConnectionError):  # which urllib3 derives from its connect timeout
            return self._timeout(url, started=started)
        if isinstance(exc, zlib.error):
            return FetchError("decode-error", _msg(_l(
                "{url} envió un contenido comprimido dañado: {error}."), url=url, error=exc),
                url)
        if isinstance(exc, ssl.SSLError | http.client.HTTPException | OSError | Urllib3Error
                      | ValueError):
            verb = _l("No se pudo leer {url}: {error}.")
            return FetchError("connection-error", _msg(verb, url=url, error=_reason(exc)), url,
                              tls=_is_tls(exc))
        return exc

    def _timeout(self, url: str, *, whole: bool = False, started: float | None = None
                 ) -> FetchError:
        if started is not None and self._job_bound(started):
            return FetchError("job-deadline", _msg(_l(
                "Lectura de {url} interrumpida: el trabajo superó su tiempo sin avanzar."),
                url=url), url)
        if whole:
            return FetchError("timeout", _msg(_l(
                "La descarga de {url} se interrumpió: superó el tiempo máximo permitido."),
                url=url), url)
        return FetchError("timeout", _msg(_l(
            "{url} no respondió a tiempo (límite de {seconds:g} s por espera)."),
            url=url, seconds=self.policy.timeout), url)

    def _too_large(self, url: str) -> FetchError:
        return FetchError("too-large", _msg(_l(
            "{url} supera el tamaño máximo de {mb} MB."),
            url=url, mb=self.policy.max_bytes // MB or f"{self.policy.max_bytes / MB:.2f}"), url)


def _is_tls(exc: BaseException | None) -> bool:
    """Whether the TLS handshake failed (a certificate refused, a protocol error)."""
    for _depth in range(10):  # a chain of causes, never a cycle
        if exc is None:
            return False
        if isinstance(exc, ssl.SSLError | urllib3.exceptions.SSLError | CertificateError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _reason(exc: BaseException) -> str:
    """The innermost cause of an error, without urllib3's long wrappers."""
    while exc.__context__ is not None and not isinstance(exc, OSError):
        exc = exc.__context__
    text = str(exc) or type(exc).__name__
    return text.rsplit(": ", 1)[-1] if len(text) > 200 else text
