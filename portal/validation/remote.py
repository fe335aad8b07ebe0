"""Remote reads of the validators, all through the guarded fetcher (``portal.outbound``).

``fetcher()`` builds a ``Fetcher`` with the ``PORTAL_HARVEST_*`` settings (the app's config, or
the environment outside an app). Importing this module also routes frictionless's HTTP session
through it: remote tables, Data Package profiles (``$schema`` / ``profile``), ``$ref``s of a
profile and remote resource schemas or dialects are then read by ``Fetcher`` (addresses checked
on every hop, size and time limits) or refused with its message; frictionless never opens a
connection of its own. ``schemas_registry`` (so ``tabular``) and ``datapackage`` import it.
"""

from __future__ import annotations

from dataclasses import replace

import requests
import urllib3
from frictionless import system
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from portal.outbound import Fetcher, FetchError, FetchPolicy
from portal.validation.settings import setting

POLICY_SETTINGS = ("PORTAL_HARVEST_TIMEOUT", "PORTAL_HARVEST_DOWNLOAD_SECONDS",
                   "PORTAL_HARVEST_MAX_MB", "PORTAL_HARVEST_ALLOWED_NETWORKS")
DROPPED_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


def fetcher(max_bytes: int | None = None) -> Fetcher:
    """A ``Fetcher`` under the settings' policy (``max_bytes`` lowers its size cap)."""
    policy = FetchPolicy.from_config({name: setting(name) for name in POLICY_SETTINGS})
    if max_bytes is not None:
        policy = replace(policy, max_bytes=min(policy.max_bytes, max_bytes))
    return Fetcher(policy)


class GuardedAdapter(BaseAdapter):
    """A requests adapter that reads every URL through ``Fetcher`` (GET only)."""

    def send(self, request, stream=False, timeout=None, verify=True, cert=None,
             proxies=None):
        url = str(request.url)
        if request.method not in ("GET", "HEAD"):
            raise requests.ConnectionError(f"{request.method} {url}: only reads are allowed")
        try:
            with fetcher() as guarded:
                fetched, handle = guarded.download(url)
        except FetchError as exc:
            raise requests.ConnectionError(exc.message, request=request) from None
        response = requests.Response()
        response.status_code = fetched.status
        response.url = fetched.url
        response.request = request
        response.headers = CaseInsensitiveDict({
            k: v for k, v in fetched.headers.items() if k.lower() not in DROPPED_HEADERS})
        response.raw = urllib3.HTTPResponse(  # the body, already inflated, from a local file
            body=handle, headers=dict(response.headers), status=fetched.status,
            preload_content=False, decode_content=False)
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        return response

    def close(self) -> None:
        """Nothing to release: each read opens and closes its own connection."""


def guard_frictionless() -> None:
    """Mount ``GuardedAdapter`` on frictionless's session for every URL (idempotent)."""
    session = system.http_session
    adapter = GuardedAdapter()
    for prefix in ("http://", "https://", ""):  # "" catches any other scheme too
        session.mount(prefix, adapter)


guard_frictionless()
