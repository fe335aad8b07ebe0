"""``portal serve``'s gunicorn settings come from the portal's settings."""

from __future__ import annotations

from portal import config, server


def test_workers_are_replaced_after_the_configured_number_of_requests():
    settings = config.load({})
    chosen = server.options(settings, bind="127.0.0.1:9000", workers=3, threads=2)
    assert chosen["bind"] == ["127.0.0.1:9000"] and chosen["workers"] == 3
    assert chosen["worker_class"] == "gthread" and chosen["threads"] == 2
    assert chosen["max_requests"] == 100_000 and chosen["max_requests_jitter"] == 10_000
    never = server.options(config.load({"PORTAL_SERVE_MAX_REQUESTS": 0}))
    assert never["max_requests"] == 0 and never["max_requests_jitter"] == 0
