"""Safe fetching against real local servers: schemes, private addresses, redirects, size cap,
timeouts, HTML and truncated JSON."""

from __future__ import annotations

import time

import pytest

from portal.outbound import MB, Fetcher, FetchError, FetchPolicy, parse_networks
from tests.harvest.servers import Reply

LOOPBACK = parse_networks("127.0.0.0/8")


def fetcher(**changes) -> Fetcher:
    return Fetcher(FetchPolicy(**{"timeout": 2.0, "allowed_networks": LOOPBACK, **changes}))


def _fails(kind: str, url: str, **changes) -> FetchError:
    with pytest.raises(FetchError) as caught, fetcher(**changes) as f:
        f.get(url)
    assert caught.value.type == kind, caught.value.message
    return caught.value


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://a/"])
def test_only_http_and_https(url):
    _fails("forbidden-scheme", url)


def test_loopback_refused_unless_allowed(site):
    site.json("/ok.json", {"a": 1})
    error = _fails("forbidden-address", f"{site.base}/ok.json", allowed_networks=())
    assert "127.0.0.1" in error.message
    with fetcher() as f:
        assert f.get(f"{site.base}/ok.json").json() == {"a": 1}


@pytest.mark.parametrize("target", ["http://10.1.2.3/", "http://169.254.169.254/latest/",
                                    "http://[::1]/", "http://192.168.0.1/admin"])
def test_redirect_to_private_address_is_refused(site, target):
    site.add("/salto", Reply(status=302, headers={"Location": target}))
    error = _fails("forbidden-address", f"{site.base}/salto")
    assert error.url == target


def test_redirects_are_followed_and_rechecked(site):
    site.add("/a", Reply(status=301, headers={"Location": "/b"}))
    site.add("/b", Reply(b'{"ok": true}'))
    with fetcher() as f:
        fetched = f.get(f"{site.base}/a")
    assert fetched.url == f"{site.base}/b" and fetched.json() == {"ok": True}


def test_redirect_loop(site):
    site.add("/x", Reply(status=302, headers={"Location": "/x"}))
    _fails("too-many-redirects", f"{site.base}/x")


def test_declared_size_over_the_cap_is_refused_before_reading(site):
    site.add("/big", Reply(b"x" * 10, headers={"Content-Length": str(3 * MB)}))
    _fails("too-large", f"{site.base}/big", max_bytes=2 * MB)


def test_a_2_gb_stream_is_cut_at_the_cap(site):
    produced = []

    def two_gigabytes():
        chunk = b"0" * (1024 * 1024)
        for _ in range(2048):  # 2 GB if anyone read it all; served lazily, never stored
            produced.append(1)
            yield chunk

    site.add("/huge.json", Reply(two_gigabytes))
    started = time.monotonic()
    error = _fails("too-large", f"{site.base}/huge.json", max_bytes=3 * MB)
    assert "3 MB" in error.message
    assert time.monotonic() - started < 10 and len(produced) < 100


def test_slow_server_times_out(site):
    site.add("/lento", Reply(b"{}", delay=2.0))
    error = _fails("timeout", f"{site.base}/lento", timeout=0.3)
    assert "no respondió a tiempo" in error.message


def test_dripping_server_is_cut_by_the_download_limit(site):
    def drip():
        for _ in range(100):
            time.sleep(0.05)
            yield b" "

    site.add("/goteo", Reply(drip))
    started = time.monotonic()
    _fails("timeout", f"{site.base}/goteo", download_seconds=0.5)
    assert time.monotonic() - started < 3


def test_html_and_broken_json_say_so(site):
    site.add("/html", Reply(b"<html><body>Hola</body></html>", content_type="text/html"))
    site.add("/trunc", Reply(b'{"result": [1, 2'))
    site.add("/bad", Reply(b'{"result": nope}'))
    with fetcher() as f:
        for path, kind, words in (("/html", "not-json", "HTML"), ("/trunc", "invalid-json",
                                  "truncado"), ("/bad", "invalid-json", "JSON inválido")):
            with pytest.raises(FetchError) as caught:
                f.get(f"{site.base}{path}").json()
            assert caught.value.type == kind and words in caught.value.message


def test_http_errors(site):
    site.add("/missing", Reply(b"no", status=404, content_type="text/plain"))
    assert "404" in _fails("http-error", f"{site.base}/missing").message
