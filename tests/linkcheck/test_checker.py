"""The checker against a real local server, every kind of failure, and its politeness."""

from __future__ import annotations

import time
from datetime import datetime
from itertools import pairwise

import pytest

from portal.linkcheck.checker import Politeness, check_many, check_url, host_of
from portal.outbound import Fetcher, FetchPolicy, parse_networks
from tests.linkcheck.server import serve

POLICY = FetchPolicy(timeout=1.0, download_seconds=2.0,
                     allowed_networks=parse_networks("127.0.0.1/32"))


@pytest.fixture(scope="module")
def server():
    with serve() as running:
        yield running


def check(url: str):
    return check_url(Fetcher(POLICY), url)


def test_a_link_that_answers_gives_its_media_type_size_and_last_modified(server):
    outcome = check(f"http://127.0.0.1:{server.port}/ok/datos.csv")
    assert outcome.ok and outcome.http_status == 200
    assert outcome.media_type == "text/csv" and outcome.size == 1234
    assert outcome.remote_modified == datetime(2026, 10, 21, 7, 28)


def test_head_refused_falls_back_to_a_ranged_get_and_reads_the_total_size(server):
    before = server.requests["GET"]
    outcome = check(f"http://127.0.0.1:{server.port}/nohead/api.json")
    assert outcome.ok and outcome.http_status == 206
    assert outcome.size == 5000 and outcome.media_type == "application/json"
    assert server.requests["GET"] == before + 1


def test_a_connection_dropped_on_head_is_tried_with_get(server):
    outcome = check(f"http://127.0.0.1:{server.port}/dropshead/x.csv")
    assert outcome.ok and outcome.http_status == 200


def test_redirects_are_followed_to_the_final_url(server):
    base = f"http://127.0.0.1:{server.port}"
    outcome = check(f"{base}/redirect/3/final.csv")
    assert outcome.ok and outcome.final_url == f"{base}/ok/final.csv"


@pytest.mark.parametrize(("path", "status", "http_status", "words"), [
    ("/status/404/x", "broken", 404, "HTTP 404"),
    ("/status/500/x", "broken", 500, "HTTP 500"),
    ("/status/403/x", "broken", 403, "HTTP 403"),
    ("/loop/x", "too-many-redirects", None, "Demasiadas redirecciones"),
    ("/internal/x", "forbidden-address", None, "127.0.0.2"),
    ("/metadata/x", "forbidden-address", None, "169.254.169.254"),
    ("/hang/x", "timeout", None, ""),
])
def test_failures_are_named(server, path, status, http_status, words):
    outcome = check(f"http://127.0.0.1:{server.port}{path}")
    assert (outcome.status, outcome.http_status) == (status, http_status), outcome
    assert words in outcome.message


def test_dns_tls_connection_and_url_failures(server):
    assert check("http://no-existe.invalid/datos.csv").status == "dns-error"
    tls = check(f"https://127.0.0.1:{server.port}/ok/x.csv")  # a plain HTTP server
    assert tls.status == "tls-error", tls
    with serve() as closed:
        port = closed.port
    assert check(f"http://127.0.0.1:{port}/ok/x.csv").status == "connection-error"
    assert check("ftp://example.org/datos.csv").status == "invalid-url"
    assert check("http://10.0.0.1/datos.csv").status == "forbidden-address"


def test_a_silent_server_never_holds_a_check_past_its_limit(server):
    started = time.monotonic()
    outcome = check(f"http://127.0.0.1:{server.port}/hang/x")
    assert outcome.status == "timeout"
    assert time.monotonic() - started < POLICY.download_seconds * 2 + 1


def test_host_of():
    assert host_of("https://Datos.Example.org:8443/a") == "datos.example.org"
    assert host_of("http://[::1]/a") == "::1"
    assert host_of("not a url") == ""


def test_many_urls_run_concurrently_across_hosts_and_politely_per_host():
    """Two loopback hosts: requests to each never exceed the per-host limit, each host's
    requests start at least the delay apart, and both hosts progress at once."""
    with serve("127.0.0.1") as one, serve("127.0.0.3") as two:
        policy = FetchPolicy(timeout=1.0, download_seconds=2.0,
                             allowed_networks=parse_networks("127.0.0.0/8"))
        urls = [(f"{host}-{i}", f"http://{host}:{port}/slow/0.1/{i}")
                for host, port in (("127.0.0.1", one.port), ("127.0.0.3", two.port))
                for i in range(6)]
        starts: dict[str, list[float]] = {}

        def timed(fetcher, url):
            starts.setdefault(host_of(url), []).append(time.monotonic())
            return check_url(fetcher, url)

        started = time.monotonic()
        results = dict(check_many(urls, policy, Politeness(threads=8, per_host=2,
                                                           host_delay=0.05), check=timed))
        elapsed = time.monotonic() - started
    assert set(results) == {key for key, _url in urls}
    assert all(outcome.ok for outcome in results.values())
    assert max(one.most_active.values()) <= 2 and max(two.most_active.values()) <= 2
    for times in starts.values():
        gaps = [b - a for a, b in pairwise(times)]
        assert min(gaps) >= 0.045
    # 6 slow URLs per host, 2 at a time, both hosts at once: about 3 rounds of 0.1 s, not 12.
    assert elapsed < 1.0


def test_a_deadline_stops_starting_checks_and_leaves_the_rest_unreported(server):
    urls = [(i, f"http://127.0.0.1:{server.port}/slow/0.2/{i}") for i in range(20)]
    started = time.monotonic()
    results = list(check_many(urls, POLICY, Politeness(threads=4, per_host=1, host_delay=0),
                              deadline=time.monotonic() + 0.3))
    assert 1 <= len(results) < 20
    assert time.monotonic() - started < 0.3 + POLICY.download_seconds + 0.5


def test_hung_servers_do_not_hold_back_the_others(server):
    base = f"http://127.0.0.1:{server.port}"
    with serve("127.0.0.4") as other:
        policy = FetchPolicy(timeout=0.5, download_seconds=1.0,
                             allowed_networks=parse_networks("127.0.0.0/8"))
        urls = [(f"hang{i}", f"{base}/hang/{i}") for i in range(4)] + \
            [(f"ok{i}", f"http://127.0.0.4:{other.port}/ok/{i}") for i in range(10)]
        started = time.monotonic()
        results = dict(check_many(urls, policy, Politeness(threads=6, per_host=2,
                                                           host_delay=0)))
        elapsed = time.monotonic() - started
    assert all(results[f"ok{i}"].ok for i in range(10))
    assert all(results[f"hang{i}"].status == "timeout" for i in range(4))
    assert elapsed < 4.0
