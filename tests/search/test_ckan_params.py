"""CKAN ``package_search`` parameters mapped onto ``SearchQuery``, and refused naming the one."""

from __future__ import annotations

from datetime import datetime

import pytest

from portal.errors import ValidationError
from portal.search.backend import (
    DEFAULT_SORT,
    AllOf,
    AnyOf,
    Filter,
    Not,
    Range,
    SearchQuery,
    SortKey,
)
from portal.search.ckan_params import package_search_query, parse_fl, parse_fq, parse_sort
from portal.search.solr_syntax import parse_date


def test_defaults():
    query = package_search_query({})
    assert query == SearchQuery(facet_fields=())
    assert query.sort == DEFAULT_SORT and query.rows == 10 and query.start == 0


def test_every_parameter_is_mapped():
    query = package_search_query({
        "q": "presupuesto",
        "fq": "organization:ine",
        "fq_list": '["tags:salud", "-res_format:pdf"]',
        "facet.field": '["organization", "groups", "tags", "res_format", "license_id", '
                       '"entity_kind"]',
        "facet.limit": "5",
        "facet.mincount": "2",
        "rows": "1000",
        "start": "20",
        "sort": "metadata_modified desc",
        "include_private": "true",
    }, user_entity_ids=["e1"])
    assert query.q == "presupuesto"
    assert query.filters == (Filter("organization", ("ine",)), Filter("tags", ("salud",)),
                             Filter("res_format", ("PDF",), negated=True))
    assert query.facet_fields == ("organization", "groups", "tags", "res_format", "license_id",
                                  "entity_kind")
    assert (query.facet_limit, query.facet_mincount, query.rows, query.start) == (5, 2, 1000, 20)
    assert query.sort == (SortKey("metadata_modified", True),)
    assert query.include_private and query.user_entity_ids == frozenset({"e1"})


def test_facet_false_turns_facets_off_and_lists_are_accepted():
    query = package_search_query({"facet": "false", "facet.field": ["tags"]})
    assert query.facet_fields == ()
    assert package_search_query({"facet.field": ["tags"], "fq_list": ["tags:a"]}).filters == (
        Filter("tags", ("a",)),)


def test_anonymous_callers_never_get_private_datasets():
    query = package_search_query({"include_private": "true"}, may_include_private=False)
    assert not query.include_private


def test_solr_like_fq():
    assert parse_fq('organization:ine +res_format:"csv" -tags:x groups:(a OR b) '
                    'tags:("uno dos" AND tres) dataset_type:dataset +capacity:public') == [
        Filter("organization", ("ine",)),
        Filter("res_format", ("CSV",)),
        Filter("tags", ("x",), negated=True),
        Filter("groups", ("a", "b")),
        Filter("tags", ("uno dos",)),
        Filter("tags", ("tres",)),
        Filter("private", ("0",)),
    ]
    assert parse_fq(r"tags:agua\ potable owner_org:abc license:cc0-1.0") == [
        Filter("tags", ("agua potable",)), Filter("entity_id", ("abc",)),
        Filter("license_id", ("cc0-1.0",))]
    assert parse_fq("") == [] and parse_fq("*:*") == []


@pytest.mark.parametrize("fq", ["color:rojo", 'tags:"agua', "groups:(a OR b", "tags:", "tags:*",
                                "salud", "groups:()", 'tags:"a"b:c', "tags:a)", "tags:a OR",
                                "NOT", "(tags:a", "tags:sal*", "name:[a TO m]",
                                "metadata_modified:[ayer TO *]", "num_tags:[uno TO *]",
                                "metadata_modified:[NOW-1FORTNIGHT TO *]",
                                "metadata_modified:[2026-13-01T00:00:00Z TO *]",
                                "metadata_modified:[NOW+99999YEARS TO *]",
                                "num_resources:[1 TO", "*:x", "tags:a AND AND tags:b",
                                "(" * 40 + "tags:a" + ")" * 40, "!" * 3000 + "tags:a",
                                "NOT " * 900 + "tags:a", "tags:a " * 700])
def test_bad_fq_is_refused(fq):
    with pytest.raises(ValidationError) as caught:
        package_search_query({"fq": fq})
    assert list(caught.value.fields) == ["fq"]


def test_bad_fq_list_names_fq_list():
    with pytest.raises(ValidationError) as caught:
        package_search_query({"fq_list": ["tags:a", "color:rojo"]})
    assert list(caught.value.fields) == ["fq_list"]


def test_ranges_of_dates_and_numbers():
    assert parse_fq("metadata_modified:[2026-01-01T00:00:00Z TO *]") == [
        Range("metadata_modified", datetime(2026, 1, 1))]
    # ckanext-harvest: isoformat() with microseconds, then "Z"; all its terms OR-ed in parentheses
    assert parse_fq("(metadata_modified:[2026-02-03T04:05:06.789012Z TO *])") == [
        Range("metadata_modified", datetime(2026, 2, 3, 4, 5, 6, 789012))]
    assert parse_fq("metadata_created:{2025-01-01 TO 2026-01-01T00:00:00-04:00]") == [
        Range("metadata_created", datetime(2025, 1, 1), datetime(2026, 1, 1, 4),
              include_low=False)]
    assert parse_fq('num_resources:[1 TO *] num_tags:{* TO 3} num_tags:"2"') == [
        Range("num_resources", 1), Range("num_tags", None, 3, False, False),
        Range("num_tags", 2, 2)]
    assert parse_fq("metadata_modified:[* TO *]") == [Range("metadata_modified")]


def test_solr_date_math():
    now = datetime(2026, 3, 31, 15, 45, 30, 123456)
    assert parse_date("NOW", now) == now
    assert parse_date("NOW-1DAY", now) == datetime(2026, 3, 30, 15, 45, 30, 123456)
    assert parse_date("NOW/DAY", now) == datetime(2026, 3, 31)
    assert parse_date("NOW-1MONTH/DAY", now) == datetime(2026, 2, 28)  # clamped to the month
    assert parse_date("NOW+2HOURS-30MINUTES", now) == datetime(2026, 3, 31, 17, 15, 30, 123456)
    assert parse_date("NOW/YEAR", now) == datetime(2026, 1, 1)
    assert parse_date("2024-02-29T00:00:00Z+1YEAR") == datetime(2025, 2, 28)
    assert parse_date("2026-01-01T00:00:00.5Z") == datetime(2026, 1, 1, 0, 0, 0, 500000)
    for bad in ("2026-01-01T00:00:00Zfoo", "NOW-DAY", "NOW*2", "ayer"):
        with pytest.raises(ValueError):
            parse_date(bad, now)


def test_boolean_filters():
    assert parse_fq("organization:ine OR organization:mefp") == [
        Filter("organization", ("ine", "mefp"))]
    assert parse_fq("tags:a OR -tags:b") == [AnyOf((Filter("tags", ("a",)),
                                                    Filter("tags", ("b",), negated=True)))]
    assert parse_fq("NOT (tags:a AND tags:b) && !groups:c") == [
        Not(AllOf((Filter("tags", ("a",)), Filter("tags", ("b",))))),
        Filter("groups", ("c",), negated=True)]
    # AND binds tighter than OR
    assert parse_fq("tags:a tags:b OR tags:c") == [AnyOf((
        AllOf((Filter("tags", ("a",)), Filter("tags", ("b",)))), Filter("tags", ("c",))))]
    assert parse_fq("tags:(a OR b AND c)") == [AnyOf((
        Filter("tags", ("a",)), AllOf((Filter("tags", ("b",)), Filter("tags", ("c",))))))]
    assert parse_fq("-tags:(a AND b)") == [Not(AllOf((Filter("tags", ("a",)),
                                                      Filter("tags", ("b",)))))]
    # CKAN's bookkeeping: true of every dataset, or of none
    assert parse_fq("dataset_type:dataset +state:active +site_id:xyz") == []
    assert parse_fq("dataset_type:harvest") == [AnyOf(())]
    assert parse_fq("-dataset_type:harvest tags:a") == [Filter("tags", ("a",))]
    assert parse_fq("tags:a OR *:*") == []
    assert parse_fq("capacity:private") == [Filter("private", ("1",))]


def test_structured_clauses_of_q_become_filters():
    query = package_search_query({"q": "censo metadata_modified:[2026-01-01T00:00:00Z TO *]"})
    assert query.q == "censo"
    assert query.filters == (Range("metadata_modified", datetime(2026, 1, 1)),)
    query = package_search_query({"q": "num_tags:[2 TO *] AND (agua OR riego) AND -id:x",
                                  "fq": "tags:a"})
    assert query.q == "(agua OR riego)"
    assert query.filters == (Range("num_tags", 2), Filter("id", ("x",), negated=True),
                             Filter("tags", ("a",)))
    assert package_search_query({"q": "*:*"}).q == ""
    assert package_search_query({"q": "title:censo"}).filters == ()


def test_rows_over_the_maximum_are_capped_as_ckan_does():
    assert package_search_query({"rows": "1001"}).rows == 1000
    assert package_search_query({"rows": str(2**63 - 1)}).rows == 1000
    assert package_search_query({"rows": "0"}).rows == 0


def test_fl():
    assert parse_fl("id,name") == ("id", "name")
    assert parse_fl("id name, title id") == ("id", "name", "title")
    assert parse_fl(["id", "metadata_modified"]) == ("id", "metadata_modified")
    assert parse_fl("") is None and parse_fl("*") is None and parse_fl(None) is None
    for bad in ("id;name", "x(y)", [1]):
        with pytest.raises(ValidationError) as caught:
            parse_fl(bad)
        assert list(caught.value.fields) == ["fl"]


def test_sort():
    assert parse_sort("score desc, metadata_modified desc") == DEFAULT_SORT
    assert parse_sort("id asc") == (SortKey("id"),)
    assert parse_sort("metadata_modified desc, name asc") == (
        SortKey("metadata_modified", True), SortKey("name"))
    assert parse_sort("title_string asc") == (SortKey("title"),)
    assert parse_sort("name") == (SortKey("name"),)
    assert parse_sort(" ") == DEFAULT_SORT


@pytest.mark.parametrize(("params", "param"), [
    ({"rows": "-1"}, "rows"),
    ({"rows": "-9223372036854775808"}, "rows"),
    ({"rows": "1.5"}, "rows"),
    ({"rows": "diez"}, "rows"),
    ({"rows": True}, "rows"),
    ({"start": "-1"}, "start"),
    ({"start": "diez"}, "start"),
    ({"q": "censo OR metadata_modified:[NOW-1DAY TO *]"}, "q"),
    ({"q": "(censo num_tags:[1 TO *])"}, "q"),
    ({"q": "agua OR riego id:x"}, "q"),  # agua OR (riego AND id:x) in Solr
    ({"q": "id:(a OR b"}, "q"),
    ({"sort": "popularity desc"}, "sort"),
    ({"sort": "title sideways"}, "sort"),
    ({"sort": "score desc desc"}, "sort"),
    ({"facet.field": "organization"}, "facet.field"),
    ({"facet.field": '["color"]'}, "facet.field"),
    ({"facet.field": "[1]"}, "facet.field"),
    ({"facet.limit": "0"}, "facet.limit"),
    ({"facet.mincount": "-1"}, "facet.mincount"),
    ({"include_private": "quizás"}, "include_private"),
    ({"fq_list": '{"a": 1}'}, "fq_list"),
    ({"q": ["a"]}, "q"),
])
def test_bad_parameters_are_refused_naming_the_parameter(params, param):
    with pytest.raises(ValidationError) as caught:
        package_search_query(params)
    assert list(caught.value.fields) == [param]
