"""Safe fetching for harvesters: every remote read of a harvest goes through ``Fetcher``.

* http and https only; every URL, including each redirect target, is checked again;
* the host's addresses must be public: loopback, private, link-local, reserved and multicast
  addresses are refused unless they fall in a network listed in
  ``PORTAL_HARVEST_ALLOWED_NETWORKS``;
* a connect/read timeout, a limit on the whole download and on the whole job (a server that
  drips one byte at a time is cut off too);
* a size cap (``PORTAL_HARVEST_MAX_MB``), checked on ``Content-Length`` and again while
  streaming, on the decoded bytes, so a compressed bomb is cut off as well.

Problems are ``FetchError`` with a type slug and a Spanish message that names the URL and the
cause; the harvest base turns them into job errors or failed items.

Residual risk, documented: the address check resolves the host name before ``requests`` does,
so a DNS server that answers differently within milliseconds (rebinding) is not caught.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urljoin, urlsplit

import requests
from flask_babel import lazy_gettext as _l

MB = 1024 * 1024
USER_AGENT = "DatosAbiertosBolivia-Cosecha/1.0 (+https://datos.gob.bo)"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A remote read that failed; ``type`` is a stable slug, ``message`` user-facing Spanish."""

    def __init__(self, type: str, message: Any, url: str = ""):
        super().__init__(str(message))
        self.type = type
        self.message = str(message)
        self.url = url


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

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> FetchPolicy:
        return cls(
            timeout=float(config["PORTAL_HARVEST_TIMEOUT"]),
            download_seconds=float(config["PORTAL_HARVEST_DOWNLOAD_SECONDS"]),
            max_bytes=int(config["PORTAL_HARVEST_MAX_MB"]) * MB,
            allowed_networks=parse_networks(config["PORTAL_HARVEST_ALLOWED_NETWORKS"] or ""),
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
            return json.loads(self.content)
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
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class Fetcher:
    """Reads remote documents under a ``FetchPolicy``; ``deadline`` (a ``time.monotonic()``
    value) bounds every read of the job, so a job cannot outlive its hang limit by much."""

    def __init__(self, policy: FetchPolicy, *, deadline: float | None = None):
        self.policy = policy
        self.deadline = deadline
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.trust_env = False  # no proxy or netrc from the environment
        self.requests = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    # -- checks ------------------------------------------------------------------------------

    def check_url(self, url: str) -> None:
        """Refuse a URL that is not http(s) or whose host resolves to a forbidden address."""
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise FetchError("invalid-url", _msg(_l("URL inválida: {url}."), url=url),
                             url) from None
        if parts.scheme not in ("http", "https"):
            raise FetchError("forbidden-scheme", _msg(_l(
                "Solo se cosecha por http o https; se rechazó {url}."), url=url), url)
        host = parts.hostname
        if not host:
            raise FetchError("invalid-url", _msg(_l("La URL {url} no tiene servidor."), url=url),
                             url)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError("unresolvable-host", _msg(_l(
                "No se pudo resolver el servidor {host}: {error}."), host=host, error=exc),
                url) from None
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
            if not is_public(address) and not any(
                    address in network for network in self.policy.allowed_networks):
                raise FetchError("forbidden-address", _msg(_l(
                    "{url} apunta a una dirección privada o local ({address}); no se cosecha "
                    "de redes internas salvo que la configuración lo permita."),
                    url=url, address=address), url)

    def _remaining(self, started: float) -> float:
        limit = started + self.policy.download_seconds
        if self.deadline is not None:
            limit = min(limit, self.deadline)
        return limit - time.monotonic()

    def _job_bound(self, started: float) -> bool:
        """Whether the job's deadline, not this download's own limits, cut the read short."""
        if self.deadline is None:
            return False
        own = min(started + self.policy.download_seconds, time.monotonic() + self.policy.timeout)
        return self.deadline <= own

    # -- reading -----------------------------------------------------------------------------

    def get(self, url: str, *, accept: str | None = None) -> Fetched:
        """GET ``url`` (following checked redirects) and read the body into memory."""
        response, final_url, started = self._open(url, accept)
        with response:
            chunks = list(self._stream(response, final_url, started))
        return Fetched(final_url, response.status_code, response.headers.get("Content-Type", ""),
                       b"".join(chunks), dict(response.headers))

    def download(self, url: str, *, accept: str | None = None) -> tuple[Fetched, IO[bytes]]:
        """GET ``url`` into a temporary file (for large data files); returns the response
        (with empty ``content``) and the file, positioned at its start. Close the file."""
        response, final_url, started = self._open(url, accept)
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, who closes it
        try:
            with response:
                for chunk in self._stream(response, final_url, started):
                    handle.write(chunk)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        return (Fetched(final_url, response.status_code,
                        response.headers.get("Content-Type", ""), b"", dict(response.headers)),
                handle)

    def _open(self, url: str, accept: str | None) -> tuple[requests.Response, str, float]:
        started = time.monotonic()
        headers = {"Accept": accept} if accept else {}
        current = url
        for _hop in range(self.policy.max_redirects + 1):
            self.check_url(current)
            remaining = self._remaining(started)
            if remaining <= 0:
                raise self._timeout(current, whole=True, started=started)
            self.requests += 1
            try:
                response = self.session.get(
                    current, headers=headers, stream=True, allow_redirects=False,
                    timeout=(min(self.policy.timeout, remaining),
                             min(self.policy.timeout, remaining)))
            except requests.Timeout:
                raise self._timeout(current, started=started) from None
            except requests.RequestException as exc:
                raise FetchError("connection-error", _msg(_l(
                    "No se pudo conectar con {url}: {error}."), url=current,
                    error=_reason(exc)), current) from None
            if response.is_redirect:
                location = response.headers.get("Location", "")
                response.close()
                current = urljoin(current, location)
                continue
            if response.status_code >= 400:
                response.close()
                raise FetchError("http-error", _msg(_l(
                    "{url} respondió con el error HTTP {status}."), url=current,
                    status=response.status_code), current)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.policy.max_bytes:
                response.close()
                raise self._too_large(current)
            return response, current, started
        raise FetchError("too-many-redirects", _msg(_l(
            "Demasiadas redirecciones a partir de {url}."), url=url), url)

    def _stream(self, response: requests.Response, url: str, started: float):
        total = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                total += len(chunk)
                if total > self.policy.max_bytes:
                    raise self._too_large(url)
                if self._remaining(started) <= 0:
                    raise self._timeout(url, whole=True, started=started)
                yield chunk
        except requests.Timeout:
            raise self._timeout(url, started=started) from None
        except requests.RequestException as exc:
            raise FetchError("connection-error", _msg(_l(
                "Se cortó la lectura de {url}: {error}."), url=url, error=_reason(exc)),
                url) from None

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


def _reason(exc: Exception) -> str:
    """The innermost cause of a requests error, without urllib3's long wrappers."""
    while exc.__context__ is not None and not isinstance(exc, OSError):
        exc = exc.__context__  # type: ignore[assignment]
    text = str(exc)
    return text.rsplit(": ", 1)[-1] if len(text) > 200 else text
