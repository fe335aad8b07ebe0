"""The guarded fetcher against a hostile server: every case ends with a clear ``FetchError``
within its limits, and nothing behind a forbidden address is ever reached."""

from __future__ import annotations

import socket
import time
import tracemalloc

import pytest

from portal.outbound import MB, Fetcher, FetchError, FetchPolicy, parse_networks

ALLOWED = parse_networks("127.0.0.1/32")  # the hostile server; 127.0.0.2 stays forbidden


def fetcher(deadline: float | None = None, **changes) -> Fetcher:
    policy = {"timeout": 5.0, "download_seconds": 30.0, "allowed_networks": ALLOWED, **changes}
    return Fetcher(FetchPolicy(**policy), deadline=deadline)


def fails(url: str, kind: str, *, within: float, deadline: float | None = None,
          **changes) -> FetchError:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught, fetcher(deadline, **changes) as f:
        f.get(url)
    took = time.monotonic() - started
    assert caught.value.type == kind, caught.value.message
    assert took < within, f"{kind} after {took:.1f} s"
    return caught.value


@pytest.mark.parametrize("declared", [1, 0])
def test_a_dripping_body_is_cut_at_the_download_deadline(hostile, declared):
    url = hostile.url("/drip", size=1000, interval=0.5, declared=declared)
    error = fails(url, "timeout", within=2 + 1, download_seconds=2)
    assert "superó el tiempo máximo" in error.message


def test_dripping_headers_are_cut_at_the_download_deadline(hostile):
    fails(hostile.url("/slow-headers", interval=0.5), "timeout", within=2 + 1,
          download_seconds=2)


def test_the_job_deadline_holds_mid_chunk_too(hostile):
    error = fails(hostile.url("/drip", interval=0.5), "job-deadline", within=2 + 1,
                  deadline=time.monotonic() + 2)
    assert "el trabajo superó su tiempo" in error.message


def test_a_download_to_a_file_is_cut_as_well(hostile):
    started = time.monotonic()
    with pytest.raises(FetchError) as caught, fetcher(download_seconds=2) as f:
        f.download(hostile.url("/drip", interval=0.5))
    assert caught.value.type == "timeout" and time.monotonic() - started < 3


@pytest.mark.parametrize("declared", [0, 1])
def test_an_endless_stream_is_cut_at_the_size_cap(hostile, declared):
    error = fails(hostile.url("/endless", declared=declared), "too-large", within=10,
                  max_bytes=2 * MB)
    assert "2 MB" in error.message


def test_a_huge_declared_body_is_refused_before_reading(hostile):
    fails(hostile.url("/huge", size=2 * 1024 * MB), "too-large", within=2, max_bytes=MB)


def test_a_huge_undeclared_body_is_cut_while_streaming(hostile):
    fails(hostile.url("/huge", size=2 * 1024 * MB, declared=0), "too-large", within=10,
          max_bytes=MB)


def test_a_gzip_bomb_is_cut_on_the_inflated_bytes_without_inflating_it_all(hostile):
    url = hostile.url("/gzip-bomb", size=1024 * MB)
    tracemalloc.start()
    try:
        fails(url, "too-large", within=20, max_bytes=2 * MB)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * MB, f"peak {peak / MB:.1f} MB for a 2 MB cap"


def test_gzip_is_inflated_across_members_and_slow_deliveries(hostile):
    with fetcher() as f:
        several = f.get(hostile.url("/gzip-bomb", size=3 * MB + 5))
        dripped = f.get(hostile.url("/gzip-bomb", size=1000, interval=0.01))
    assert several.content == bytes(3 * MB + 5)  # four gzip members, one after another
    assert dripped.content == bytes(1000)  # the first bytes inflate to nothing yet


@pytest.mark.parametrize("scheme", ["http", "HTTP", "Http"])
def test_a_redirect_to_a_forbidden_address_is_refused_whatever_the_case(hostile, scheme):
    target = hostile.internal_url("/secret").replace("http", scheme, 1)
    error = fails(hostile.url("/redirect", to=target), "forbidden-address", within=5)
    assert "127.0.0.2" in error.message and error.url.lower() == target.lower()
    assert hostile.internal_hits == []


def test_a_chain_of_redirects_is_checked_at_every_hop(hostile):
    last = hostile.url("/redirect", to=hostile.internal_url("/secret"))
    middle = hostile.url("/redirect", to=last, status=307)
    fails(hostile.url("/redirect", to=middle, status=301), "forbidden-address", within=5)
    assert hostile.internal_hits == [] and len(hostile.hits) == 3


def test_the_connection_goes_to_the_address_that_was_checked(hostile, monkeypatch):
    """DNS rebinding: a name that resolves to an allowed address when checked and to a
    forbidden one a moment later. The resolver is the one piece replaced here (no DNS server
    can be run for the test); the servers and the connection are real."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.2"])

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.invalid":
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    port = hostile.base.rsplit(":", 1)[1]
    hostile.add("/ok.json", b'{"ok": true}')
    with fetcher() as f:
        fetched = f.get(f"http://rebind.invalid:{port}/ok.json")
    assert fetched.json() == {"ok": True}
    assert hostile.internal_hits == []
    assert hostile.hits == ["/ok.json"]
    assert hostile.headers[0]["Host"] == f"rebind.invalid:{port}"  # the name, not the address


def test_a_closed_port_is_a_connection_error_not_a_timeout():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = fails(f"http://127.0.0.1:{port}/", "connection-error", within=5)
    assert str(port) in error.message
