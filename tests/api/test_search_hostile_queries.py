"""Any ``q`` or ``fq`` a client can type answers promptly, with results or CKAN's 409 naming the
parameter: unbalanced quotes and parentheses, stray operators, huge numbers, 10,000 characters.
Never a server error, never a stalled worker (issue 12). The time bound is loose, for a busy CI
machine: what it catches is work that grows with the length of the query."""

from __future__ import annotations

import time

import pytest

from tests import factories

#: Seconds one search may take here, however hostile (a normal one takes milliseconds).
BOUND_S = 5.0
LONG = 10_000

HOSTILE_Q = [
    '"', '"censo', 'censo"', '""', '"' * LONG, "(", ")", "((censo)", "censo))", "(" * LONG,
    "(" * (LONG // 2) + ")" * (LONG // 2), "AND", "OR", "NOT", "AND OR NOT", "censo AND",
    "OR censo", "NOT NOT censo", "- - -", "-", "+", "!", "&&", "||", "*", "?", "~", "^", ":",
    "::", "title:", ":censo", "a:b:c", "\\", "/", "{", "}", "[", "]", "[* TO *]", "censo^",
    "censo^99999999999999999999", "censo~", "censo~99999999999", "c*", "*enso", "?enso",
    "num_resources:[1 TO 99999999999999999999999999]", "num_tags:[-1e309 TO 1e309]",
    "metadata_modified:[NOW-99999999999YEARS TO *]", "metadata_modified:[99999-99-99 TO *]",
    "id:" + "x" * LONG, "x" * LONG, "censo " * (LONG // 6), "censo OR " * (LONG // 9),
    '"censo escolar" ' * (LONG // 16), "-censo " * (LONG // 7), "título:" * (LONG // 7),
    "🙂" * LONG, "‮censo", "censo\u200b", "%00", "%", "'; DROP TABLE dataset; --",
]
HOSTILE_FQ = [
    '"', "tags:", "tags:" + "x" * LONG, 'organization:"' + "a" * LONG, "(" * 100 + "tags:a"
    + ")" * 100, "(" * LONG, "tags:a OR " * (LONG // 10) + "tags:b", "-" * LONG, "NOT " * 2000,
    "num_resources:[1 TO 1e309]", "num_resources:[99999999999999999999999 TO *]",
    "metadata_modified:[99999-01-01T00:00:00Z TO *]", "metadata_created:[NOW+9999999999DAYS TO *]",
    "metadata_modified:[NOW/FORTNIGHT TO *]", "*:*" * 1000, "tags:(a OR (b OR (c", "{!lucene}x",
    "tags:sal*", "tags:x~2", "tags:x^2", ":", "::", "tags:a AND", "AND tags:a",
]
HOSTILE_NUMBERS = [
    {"rows": "1" + "0" * 30}, {"start": "1" + "0" * 30}, {"start": str(2**63)},
    {"rows": "-" + "9" * 30}, {"facet.limit": "9" * 30}, {"facet.mincount": "9" * 30},
    {"rows": "1e309"}, {"start": "NaN"}, {"rows": "Infinity"}, {"start": "0x10"},
]


@pytest.fixture
def catalog(app, world):
    with app.app_context():
        for number in range(12):
            factories.dataset(f"censo-{number}", title=f"Censo escolar {number}",
                              description="Matrícula por unidad educativa y departamento.",
                              keywords=["educación", f"grupo-{number % 3}"])
    return world


def _timed(client, params: dict) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get("/api/3/action/package_search", query_string=params)
    return time.perf_counter() - started, response


def _answered(client, params: dict) -> dict:
    seconds, response = _timed(client, params)
    assert seconds < BOUND_S, (str(params)[:200], seconds)
    assert response.status_code in (200, 409), (str(params)[:200], response.status_code)
    body = response.get_json()
    if response.status_code == 409:
        error = body["error"]
        assert error["__type"] == "Validation Error"
        named = [key for key in error if key not in ("__type", "message")]
        assert named and set(named) <= {"q", "fq", "fq_list", "rows", "start", "facet.limit",
                                        "facet.mincount"}, error
    else:
        assert isinstance(body["result"]["count"], int)
    return body


def test_any_q_answers_in_time_with_results_or_a_409(client, catalog):
    for q in HOSTILE_Q:
        _answered(client, {"q": q, "facet.field": '["organization", "tags"]'})


def test_any_fq_answers_in_time_with_results_or_a_409(client, catalog):
    for fq in HOSTILE_FQ:
        _answered(client, {"q": "censo", "fq": fq})
        _answered(client, {"fq_list": [fq, "tags:educación"]})


def test_huge_or_odd_numbers_answer_in_time_with_results_or_a_409(client, catalog):
    for params in HOSTILE_NUMBERS:
        _answered(client, {"q": "censo", **params})


def test_the_search_page_takes_any_query_too(client, catalog):
    for q in HOSTILE_Q[::3]:
        started = time.perf_counter()
        response = client.get("/dataset", query_string={"q": q})
        assert time.perf_counter() - started < BOUND_S, q[:80]
        assert response.status_code in (200, 400), (q[:80], response.status_code)


def test_search_still_answers_after_the_hostile_ones(client, catalog):
    for q in HOSTILE_Q[:20]:
        _answered(client, {"q": q})
    body = _answered(client, {"q": "censo escolar", "rows": 5})
    assert body["result"]["count"] == 12
    assert len(body["result"]["results"]) == 5
