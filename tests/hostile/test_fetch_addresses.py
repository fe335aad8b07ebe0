"""The address rule, checked on literal addresses: no traffic is sent to any of them."""

from __future__ import annotations

import ipaddress

import pytest

from portal.outbound import Fetcher, FetchError, FetchPolicy, is_public, parse_networks

REFUSED = [
    "10.0.0.1", "127.0.0.1", "169.254.169.254", "192.168.1.1", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "::1", "fe80::1", "fc00::1",
    "::ffff:10.0.0.1", "::ffff:127.0.0.1",          # IPv4-mapped
    "64:ff9b::a00:1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",  # NAT64 of 10/8, 127/8, metadata
    "2002:a00:1::", "2002:7f00:1::1", "2002:c0a8:101::",        # 6to4 of 10/8, 127/8, 192.168/16
    "64:ff9b:1::808:808", "64:ff9b:1:abcd::1",       # local-use NAT64: refused outright
    "::808:808", "::a00:1",                          # IPv4-compatible (deprecated): refused
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",          # Teredo: refused outright
]
PUBLIC = ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808",
          "2002:808:808::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_private_and_tunnelled_private_addresses_are_refused(address):
    assert not is_public(ipaddress.ip_address(address))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(FetchError) as caught:
        Fetcher(FetchPolicy()).check_url(f"http://{host}/")  # resolving a literal sends nothing
    assert caught.value.type == "forbidden-address" and address in caught.value.message


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert is_public(ipaddress.ip_address(address))


def test_allowed_networks_open_a_private_range_and_nothing_else():
    fetcher = Fetcher(FetchPolicy(allowed_networks=parse_networks("10.0.0.0/8")))
    assert fetcher.check_url("http://10.1.2.3/") == ["10.1.2.3"]
    assert fetcher.check_url("http://[::ffff:10.1.2.3]/") == ["::ffff:10.1.2.3"]
    with pytest.raises(FetchError):
        fetcher.check_url("http://192.168.0.1/")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "FILE:///proc/self/environ",
                                 "ftp://8.8.8.8/x", "gopher://8.8.8.8/", "/etc/passwd",
                                 "relative/path.json"])
def test_only_http_and_https(url):
    with pytest.raises(FetchError) as caught:
        Fetcher(FetchPolicy()).check_url(url)
    assert caught.value.type in ("forbidden-scheme", "invalid-url")


@pytest.mark.parametrize("url", ["HTTP://127.0.0.1/", "Https://[::1]/"])
def test_the_scheme_is_read_whatever_its_case_and_the_address_still_checked(url):
    with pytest.raises(FetchError) as caught:
        Fetcher(FetchPolicy()).check_url(url)
    assert caught.value.type == "forbidden-address"
