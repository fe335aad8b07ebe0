"""Schemathesis against every action of the Action API: each reading action by GET, as
anonymous and as a sysadmin (the POST of a reading action runs the same handler, and the JSON
body's parsing is exercised by the writing actions); each writing action by POST, as a sysadmin.

Schemathesis's own engine (what its command line runs) reads the served OpenAPI document
(``/api/3/openapi.json``) and sends each operation generated requests through the WSGI app: the
document's examples, boundary and invalid values (coverage phase), then random valid and invalid
ones (fuzzing phase). Every response must pass the conformance checks: no server error, a status
code and a content type the document declares, a body that matches the declared schema.
Generation is deterministic (a fixed seed, derandomized Hypothesis, no cache carried between runs).
Select these tests alone with ``-m schemathesis``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections import Counter, defaultdict

import pytest
import schemathesis
from schemathesis.engine import Status, events, from_schema

pytestmark = pytest.mark.schemathesis

#: Generated requests per operation in the fuzzing phase: the reading actions (by GET, as
#: anonymous and as a sysadmin), then the writing ones (by POST, as a sysadmin). Bounded so
#: that the run takes about a minute in CI; raise them to search harder.
EXAMPLES = int(os.environ.get("PORTAL_TEST_SCHEMATHESIS_EXAMPLES", "10"))
WRITE_EXAMPLES = int(os.environ.get("PORTAL_TEST_SCHEMATHESIS_WRITE_EXAMPLES", "5"))
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Generated requests may name any URL (a resource to validate, a schema): the portal's
    fetcher then resolves only loopback names here, so nothing leaves the machine."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            loopback = ipaddress.ip_address(name.strip("[]")).is_loopback
        except ValueError:
            loopback = name.lower() == "localhost"
        if not loopback:
            raise socket.gaierror(socket.EAI_NONAME, f"{name}: only loopback in this test")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _config(headers: dict[str, str], examples: int) -> schemathesis.Config:
    return schemathesis.Config.from_dict({
        "seed": 19,
        "cache": {"enabled": False},  # what one run learns must not steer the next
        # The WSGI transport hands back the body as sent: ask for it uncompressed (schemathesis
        # offers gzip and deflate, as requests does).
        "headers": {"Accept-Encoding": "identity", **headers},
        "generation": {"mode": "all", "max-examples": examples, "deterministic": True,
                       "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    })


def _labels(app, method: str) -> set[str]:
    """The document's operations of one method: GET for every reading action; POST of the
    actions that have no GET, the writing ones."""
    paths = app.test_client().get("/api/3/openapi.json").get_json()["paths"]
    return {f"{method.upper()} {path}" for path, operations in paths.items()
            if method in operations and (method == "get" or "get" not in operations)}


def run_schemathesis(app, headers: dict[str, str], labels: set[str],
                     examples: int) -> tuple[dict[str, list[str]], Counter]:
    """Every failed check (deduplicated) of the operations named by ``labels``, by operation
    label; and the status codes of every response, by operation."""
    schema = schemathesis.openapi.from_wsgi("/api/3/openapi.json", app,
                                           config=_config(headers, examples))
    schema = schema.include(lambda ctx: f"{ctx.operation.method.upper()} "
                                        f"{ctx.operation.path}" in labels)
    failures: dict[str, set[str]] = defaultdict(set)
    answered: Counter = Counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            label = event.recorder.label
            for interaction in event.recorder.interactions.values():
                if interaction.response is not None:
                    answered[label, interaction.response.status_code] += 1
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE:
                        failure = check.failure_info.failure
                        failures[label].add(f"{check.name}: {failure.title}: "
                                            f"{failure.message}"[:1500])
        elif isinstance(event, events.NonFatalError):
            failures[event.label].add(f"error: {event.info.format()}"[:1500])
        elif isinstance(event, events.FatalError):
            raise event.exception
    return {label: sorted(found) for label, found in failures.items()}, answered


def _conforms(app, headers: dict[str, str], labels: set[str], examples: int) -> Counter:
    failures, answered = run_schemathesis(app, headers, labels, examples)
    assert not failures, "\n\n".join(f"{label}\n  " + "\n  ".join(found)
                                     for label, found in failures.items())
    tested = {label for label, _status in answered}
    assert tested == labels, "operations schemathesis did not call"
    return Counter(status for _label, status in answered.elements())


@pytest.mark.parametrize("identity", ["anonymous", "sysadmin"])
def test_every_reading_action_conforms(app, world, identity):
    headers = {"Authorization": world.tokens["sysadmin"]} if identity == "sysadmin" else {}
    labels = _labels(app, "get")
    statuses = _conforms(app, headers, labels, EXAMPLES)
    assert statuses[200] > len(labels) and statuses[409] > len(labels), statuses


def test_every_writing_action_conforms(app, world):
    labels = _labels(app, "post")
    statuses = _conforms(app, {"Authorization": world.tokens["sysadmin"]}, labels,
                         WRITE_EXAMPLES)
    assert statuses[200] > 0 and statuses[409] > len(labels), statuses
