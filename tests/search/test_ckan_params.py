"""CKAN ``package_search`` parameters mapped onto ``SearchQuery``, and refused naming the one."""

from __future__ import annotations

import pytest

from portal.errors import ValidationError
from portal.search.backend import DEFAULT_SORT, Filter, SearchQuery, SortKey
from portal.search.ckan_params import package_search_query, parse_fq, parse_sort


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
    ]
    assert parse_fq(r"tags:agua\ potable owner_org:abc license:cc0-1.0") == [
        Filter("tags", ("agua potable",)), Filter("entity_id", ("abc",)),
        Filter("license_id", ("cc0-1.0",))]
    assert parse_fq("") == [] and parse_fq("*:*") == []


@pytest.mark.parametrize("fq", ["color:rojo", 'tags:"agua', "groups:(a OR b", "tags:", "tags:*",
                                "salud", "tags:(a OR b AND c)", "groups:()", "-tags:(a AND b)",
                                'tags:"a"b:c'])
def test_bad_fq_is_refused(fq):
    with pytest.raises(ValidationError) as caught:
        package_search_query({"fq": fq})
    assert list(caught.value.fields) == ["fq"]


def test_bad_fq_list_names_fq_list():
    with pytest.raises(ValidationError) as caught:
        package_search_query({"fq_list": ["tags:a", "color:rojo"]})
    assert list(caught.value.fields) == ["fq_list"]


def test_sort():
    assert parse_sort("score desc, metadata_modified desc") == DEFAULT_SORT
    assert parse_sort("title_string asc") == (SortKey("title"),)
    assert parse_sort("name") == (SortKey("name"),)
    assert parse_sort(" ") == DEFAULT_SORT


@pytest.mark.parametrize(("params", "param"), [
    ({"rows": "1001"}, "rows"),
    ({"rows": "-1"}, "rows"),
    ({"rows": "diez"}, "rows"),
    ({"rows": True}, "rows"),
    ({"start": "-1"}, "start"),
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
