"""``package_search``: CKAN's parameters and result shape on the search index, through the Flask
client and through the stock ``ckanapi`` client against a real server."""

from __future__ import annotations

import json

import ckanapi
import pytest

from portal.api.openapi import document
from tests import factories
from tests.api.conftest import failed, ok

ALL_FACETS = ["organization", "groups", "tags", "res_format", "license_id", "entity_kind"]


@pytest.fixture
def searchable(app, world):
    """``world`` plus two public datasets: a budget of mefp and a school enrolment of ine whose
    description mentions the census."""
    with app.app_context():
        budget = factories.dataset(
            "presupuesto-2024", entity_name="mefp", title="Presupuesto General del Estado 2024",
            description="Ejecución presupuestaria por ministerio.",
            keywords=["presupuesto", "finanzas públicas"], themes=["economia"],
            license_id="CC0-1.0")
        factories.resource(budget, name="Ley del presupuesto", url="https://example.org/ley.pdf",
                           format="PDF")
        factories.dataset(
            "matricula-escolar", title="Matrícula escolar por departamento",
            description="Estudiantes inscritos; proyecciones basadas en el censo.",
            keywords=["educación", "estudiantes"])
    return world


def search(api, token=None, method="POST", **params):
    return api("package_search", params, token=token, method=method)


def names(result) -> list[str]:
    return [dataset["name"] for dataset in result["results"]]


def test_full_text_ranks_a_title_above_a_description(api, searchable):
    result = ok(search(api, q="censo"))
    assert result["count"] == 2
    assert names(result) == ["censo-2024", "matricula-escolar"]
    dataset = result["results"][0]  # a full package dict, as package_show gives it
    assert ok(api("package_show", {"id": "censo-2024"})) == dataset
    assert dataset["organization"]["name"] == "ine" and dataset["num_resources"] == 2
    assert result["facets"] == {} and result["search_facets"] == {}
    assert result["sort"] == "score desc, metadata_modified desc"


def test_accents_case_and_plurals_do_not_matter(api, searchable):
    assert names(ok(search(api, q="MATRICULAS escolares"))) == ["matricula-escolar"]
    assert names(ok(search(api, q="ejecución presupuestarias"))) == ["presupuesto-2024"]


def test_empty_query_lists_every_public_dataset(api, searchable):
    result = ok(search(api, sort="name asc"))
    assert names(result) == ["censo-2024", "matricula-escolar", "presupuesto-2024"]


def test_fq_and_fq_list(api, searchable):
    assert names(ok(search(api, fq="organization:mefp"))) == ["presupuesto-2024"]
    assert names(ok(search(api, fq="-organization:ine"))) == ["presupuesto-2024"]
    assert names(ok(search(api, fq='res_format:"csv" +tags:censo'))) == ["censo-2024"]
    assert names(ok(search(api, fq="groups:economia", sort="name asc"))) == [
        "censo-2024", "presupuesto-2024"]
    assert names(ok(search(api, fq="license_id:CC0-1.0 dataset_type:dataset"))) == [
        "presupuesto-2024"]
    result = ok(search(api, q="censo", fq_list=json.dumps(["organization:ine", "tags:censo"])))
    assert names(result) == ["censo-2024"]
    assert names(ok(search(api, fq_list=["organization:ine", "-tags:censo"]))) == [
        "matricula-escolar"]


def test_facets_with_counts_and_display_names(api, searchable):
    result = ok(search(api, **{"facet.field": json.dumps(ALL_FACETS)}))
    assert result["facets"]["organization"] == {"ine": 2, "mefp": 1}
    assert result["facets"]["res_format"] == {"CSV": 1, "XLSX": 1, "PDF": 1}
    assert result["facets"]["groups"] == {"economia": 2}
    assert result["facets"]["license_id"] == {"CC-BY-4.0": 2, "CC0-1.0": 1}
    assert result["facets"]["entity_kind"] == {"agencia": 2, "ministerio": 1}
    assert set(result["facets"]["tags"]) == {"censo", "población", "presupuesto",
                                            "finanzas públicas", "educación", "estudiantes"}
    organizations = result["search_facets"]["organization"]
    assert organizations["title"] == "organization"
    assert organizations["items"][0] == {"name": "ine", "display_name":
                                         "Instituto Nacional de Estadística", "count": 2}
    kinds = result["search_facets"]["entity_kind"]["items"]
    assert kinds[0]["display_name"] == "Agencia o institución descentralizada"
    licences = {i["name"]: i["display_name"]
                for i in result["search_facets"]["license_id"]["items"]}
    assert licences["CC-BY-4.0"] == "Creative Commons Atribución 4.0"
    # facet.limit, facet.mincount, and facet=false
    limited = ok(search(api, **{"facet.field": '["organization"]', "facet.limit": 1}))
    assert limited["facets"] == {"organization": {"ine": 2}}
    frequent = ok(search(api, **{"facet.field": '["organization", "groups"]',
                                 "facet.mincount": 2}))
    assert frequent["facets"] == {"organization": {"ine": 2}, "groups": {"economia": 2}}
    assert ok(search(api, facet="false", **{"facet.field": '["tags"]'}))["facets"] == {}
    # the counts follow the query and the filters
    narrowed = ok(search(api, q="censo", fq="organization:ine",
                         **{"facet.field": '["organization"]'}))
    assert narrowed["facets"] == {"organization": {"ine": 2}}


def test_rows_start_and_sort(api, searchable):
    first = ok(search(api, sort="name asc", rows=2))
    assert first["count"] == 3 and names(first) == ["censo-2024", "matricula-escolar"]
    assert names(ok(search(api, sort="name asc", rows=2, start=2))) == ["presupuesto-2024"]
    past_the_end = ok(search(api, sort="name asc", start=10))
    assert past_the_end["count"] == 3 and past_the_end["results"] == []
    assert ok(search(api, rows=0))["results"] == []
    assert names(ok(search(api, sort="title_string desc"))) == [
        "presupuesto-2024", "matricula-escolar", "censo-2024"]
    newest_first = names(ok(search(api, sort="metadata_modified desc")))
    assert newest_first == ["matricula-escolar", "presupuesto-2024", "censo-2024"]
    assert names(ok(search(api, sort="metadata_created asc"))) == newest_first[::-1]


def test_the_request_of_ckan_harvesters(api, searchable):
    """What ckanext-harvest and our CKAN harvester send: q=*:*, sort=id asc, rows, start, and
    an fq on metadata_modified (ckanext-harvest ORs its terms in parentheses)."""
    everything = ok(search(api, method="GET", q="*:*", sort="id asc", rows="100", start="0"))
    ids = [d["id"] for d in everything["results"]]
    assert everything["count"] == 3 and ids == sorted(ids)
    newest = max(d["metadata_modified"] for d in everything["results"])
    since = ok(search(api, method="GET", q="*:*", sort="id asc", rows="100", start="0",
                      fq=f"(metadata_modified:[{newest}Z TO *])"))
    assert [d["metadata_modified"] for d in since["results"]] == [newest]
    after = ok(search(api, method="GET", fq=f"metadata_modified:{{{newest}Z TO *]"))
    assert after["count"] == 0
    paged = [ok(search(api, method="GET", q="*:*", sort="id asc", rows="2", start=str(start)))
             for start in (0, 2, 4)]
    assert [d["id"] for page in paged for d in page["results"]] == ids
    assert paged[2]["results"] == [] and paged[2]["count"] == 3


def test_ranges_booleans_sorts_and_fl(api, searchable):
    assert names(ok(search(api, fq="num_resources:[1 TO *]", sort="name asc"))) == [
        "censo-2024", "presupuesto-2024"]
    assert names(ok(search(api, q="num_resources:[2 TO *]"))) == ["censo-2024"]
    assert names(ok(search(api, fq="num_tags:{1 TO *} -num_resources:0",
                           sort="name desc"))) == ["presupuesto-2024", "censo-2024"]
    assert names(ok(search(api, fq="metadata_created:[NOW-1DAY TO NOW]", sort="name asc"))) \
        == ["censo-2024", "matricula-escolar", "presupuesto-2024"]
    assert ok(search(api, fq="metadata_modified:[* TO NOW-1DAY]"))["count"] == 0
    assert names(ok(search(api, fq="(organization:mefp OR tags:censo) AND NOT res_format:PDF")
                    )) == ["censo-2024"]
    assert names(ok(search(api, fq="organization:ine", fq_list=["-tags:censo OR tags:x"]))) \
        == ["matricula-escolar"]
    assert names(ok(search(api, sort="metadata_modified desc, name asc", rows=1))) == [
        "matricula-escolar"]
    light = ok(search(api, fl="id,name,metadata_modified,no_such_field", sort="name asc"))
    assert [sorted(d) for d in light["results"]] == [["id", "metadata_modified", "name"]] * 3
    assert light["results"][0]["name"] == "censo-2024"
    assert set(ok(search(api, fl="*", rows=1))["results"][0]) > {"resources", "tags"}
    assert ok(search(api, fl=["num_resources"], q="censo", rows=1))["results"] == [
        {"num_resources": 2}]


def test_get_with_url_parameters(api, searchable):
    result = ok(search(api, method="GET", q="presupuesto", rows="5",
                       **{"facet.field": '["tags"]', "facet.limit": "1"}))
    assert names(result) == ["presupuesto-2024"]
    assert len(result["search_facets"]["tags"]["items"]) == 1


@pytest.mark.parametrize(("role", "sees_private"), [
    ("anonymous", False), ("member", True), ("editor", True), ("other_editor", False),
    ("sysadmin", True),
])
def test_private_datasets_only_for_those_allowed(api, searchable, role, sees_private):
    token = searchable.tokens[role]
    with_private = names(ok(search(api, token=token, q="registro", include_private=True)))
    assert with_private == (["registro-interno"] if sees_private else [])
    assert names(ok(search(api, token=token, q="registro"))) == []  # only when asked
    counted = ok(search(api, token=token, include_private="true",
                        **{"facet.field": '["license_id"]'}))
    assert ("other-closed" in counted["facets"]["license_id"]) is sees_private


@pytest.mark.parametrize(("params", "field"), [
    ({"q": '"censo de'}, "q"),
    ({"q": "(censo OR padrón"}, "q"),
    ({"q": "color:rojo"}, "q"),
    ({"fq": "color:rojo"}, "fq"),
    ({"fq": 'organization:"ine'}, "fq"),
    ({"fq_list": ["tags:(a OR b"]}, "fq_list"),
    ({"rows": -1}, "rows"),
    ({"rows": "2.5"}, "rows"),
    ({"rows": 2.5}, "rows"),  # a JSON number: CKAN refuses it too, never rounds it
    ({"start": "1e3"}, "start"),
    ({"fq": "metadata_modified:[ayer TO *]"}, "fq"),
    ({"fq": "name:[a TO m]"}, "fq"),
    ({"fq": "(tags:a OR tags:b"}, "fq"),
    ({"q": "censo OR num_tags:[1 TO *]"}, "q"),
    ({"fl": "id;name"}, "fl"),
    ({"sort": "id sideways"}, "sort"),
    ({"rows": "diez"}, "rows"),
    ({"start": -5}, "start"),
    ({"sort": "popularidad desc"}, "sort"),
    ({"sort": "name arriba"}, "sort"),
    ({"facet.field": "organization"}, "facet.field"),
    ({"facet.field": '["color"]'}, "facet.field"),
    ({"facet.limit": 0}, "facet.limit"),
    ({"facet.mincount": -1}, "facet.mincount"),
    ({"include_private": "quizás"}, "include_private"),
])
def test_bad_input_is_a_validation_error_naming_the_parameter(api, searchable, params, field):
    error = failed(search(api, **params), 409, "Validation Error")
    assert list(error) == ["__type", "message", field]
    assert error[field] and field in error["message"]


def test_bad_input_by_get_is_refused_the_same_way(api, searchable):
    error = failed(search(api, method="GET", q='"sin cerrar'), 409, "Validation Error")
    assert "comillas" in error["q"][0]


def test_index_follows_writes_through_the_api(api, searchable):
    editor = searchable.tokens["editor"]
    ok(api("package_create", {"name": "hospitales", "title": "Establecimientos de salud",
                              "owner_org": "ine", "license_id": "CC-BY-4.0"}, token=editor))
    assert names(ok(search(api, q="establecimiento"))) == ["hospitales"]
    ok(api("package_patch", {"id": "hospitales", "private": True}, token=editor))
    assert ok(search(api, q="establecimiento"))["count"] == 0
    assert ok(search(api, token=editor, q="establecimiento", include_private=True))["count"] == 1
    ok(api("package_delete", {"id": "hospitales"}, token=editor))
    assert ok(search(api, token=editor, q="establecimiento", include_private=True))["count"] == 0


def test_openapi_document_describes_package_search(app):
    with app.test_request_context():
        operation = document()["paths"]["/api/3/action/package_search"]
    names_in_query = {p["name"] for p in operation["get"]["parameters"]}
    assert {"q", "fq", "fq_list", "facet.field", "facet.limit", "facet.mincount", "rows",
            "start", "sort", "include_private"} <= names_in_query
    result = operation["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(result["properties"]["result"]["properties"]) == {
        "count", "sort", "results", "facets", "search_facets"}


# --- the stock ckanapi client against a real server ------------------------------------------


def test_ckanapi_package_search(server, searchable):
    with ckanapi.RemoteCKAN(server) as portal:
        result = portal.action.package_search(q="censo", fq="organization:ine",
                                              facet_field=["organization", "tags"])
        assert [d["name"] for d in result["results"]] == ["censo-2024", "matricula-escolar"]
        assert result["facets"]["organization"] == {"ine": 2}
        dotted = portal.call_action("package_search", {
            "q": "presupuesto", "facet.field": ["res_format"], "rows": 1})
        assert dotted["count"] == 1 and dotted["facets"] == {"res_format": {"PDF": 1}}
        assert portal.action.package_search(q="censo", rows=5000)["count"] == 2  # capped
        with pytest.raises(ckanapi.ValidationError) as excinfo:
            portal.action.package_search(q="censo", rows=-1)
        assert "rows" in excinfo.value.error_dict
        assert portal.action.package_search(include_private=True, q="registro")["count"] == 0
    with ckanapi.RemoteCKAN(server, apikey=searchable.tokens["member"]) as portal:
        found = portal.action.package_search(include_private=True, q="registro")
        assert [d["name"] for d in found["results"]] == ["registro-interno"]
    with ckanapi.RemoteCKAN(server, get_only=True) as portal:
        found = portal.action.package_search(q="matricula", fq_list=["tags:estudiantes"])
        assert found["count"] == 1
