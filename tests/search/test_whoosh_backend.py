"""Each engine (whoosh, and PostgreSQL when the tests run on it) through the ``SearchBackend``
interface, on the fixed catalog of conftest: the same assertions for both."""

from __future__ import annotations

from datetime import datetime

import pytest

from portal.errors import ValidationError
from portal.search.backend import MAX_ROWS, Filter, SearchQuery, SortKey
from tests.search.conftest import CATALOG, doc


def ids(backend, q="", **options) -> list[str]:
    return backend.search(SearchQuery(q=q, rows=50, **options)).ids


def facet(backend, field, q="", **options) -> dict[str, int]:
    result = backend.search(SearchQuery(q=q, facet_fields=(field,), **options))
    return {f.value: f.count for f in result.facets[field]}


# -- ranking ------------------------------------------------------------------------------------


def test_title_match_ranks_above_description_match(backend):
    assert ids(backend, "presupuesto") == ["presupuesto", "matricula"]


def test_field_boosts_order_title_keywords_entity_resources_description(make_backend,
                                                                         engine_name):
    plain = {"entity_title": "Entidad", "organization": "x"}
    engine = make_backend([
        doc("d-notes", notes="datos de riego", **plain),
        doc("d-resource", res_name=["riego"], **plain),
        doc("d-entity", **{**plain, "entity_title": "Servicio de Riego"}),
        doc("d-keyword", tags=["riego"], **plain),
        doc("d-title", title="Riego", **plain),
        # PostgreSQL has four weights: the entity and the resource names share one, so the name
        # breaks their tie (docs/search.md, "Differences between the backends").
    ])
    assert ids(engine, "riego") == ["d-title", "d-keyword", "d-entity", "d-resource", "d-notes"]
    if engine_name == "postgresql":
        tied = make_backend([doc("a-resource", res_name=["riego"], **plain),
                             doc("b-entity", **{**plain, "entity_title": "Servicio de Riego"})])
        assert ids(tied, "riego") == ["a-resource", "b-entity"]


def test_empty_query_lists_every_public_dataset_newest_first(backend):
    assert ids(backend) == ["exportaciones", "presupuesto", "matricula", "hospitales", "censo"]


# -- Spanish analysis ---------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["matricula", "MATRÍCULA", "matrículas", "Matriculas escolares"])
def test_accents_case_and_plurals(backend, q):
    assert ids(backend, q) == ["matricula"]


def test_stop_words_do_not_have_to_match(backend):
    assert ids(backend, "censo de la población") == ["censo"]


def test_typo_gets_a_did_you_mean_and_optional_correction(backend):
    result = backend.search(SearchQuery(q="presupesto"))
    assert result.count == 0
    assert result.did_you_mean == "presupuesto"
    corrected = backend.search(SearchQuery(q="presupesto", correct_typos=True))
    assert corrected.corrected and corrected.ids == ["presupuesto", "matricula"]


def test_did_you_mean_keeps_known_words_and_field_syntax(backend):
    assert backend.did_you_mean("censo hospitale") is None  # stem of a known word: no typo
    assert backend.did_you_mean("estableciminetos de salud") == "establecimientos de salud"
    assert backend.did_you_mean("format:csv exportacines") == "format:csv exportaciones"
    assert backend.did_you_mean("zzzzzz") is None


# -- syntax ---------------------------------------------------------------------------------------


def test_phrase_needs_adjacent_words(backend):
    assert ids(backend, '"matrícula escolar"') == ["matricula"]
    assert ids(backend, '"escolar matrícula"') == []


def test_boolean_operators(backend):
    assert set(ids(backend, "quinua OR hospitales")) == {"exportaciones", "hospitales"}
    assert ids(backend, "presupuesto NOT municipal") == ["matricula"]
    assert ids(backend, "presupuesto -cochabamba") == ["matricula"]
    assert ids(backend, "censo AND vivienda") == ["censo"]
    assert ids(backend, "(quinua OR censo) AND población") == ["censo"]


@pytest.mark.parametrize(("q", "expected"), [
    ("title:salud", ["hospitales"]),
    ("tags:quinua", ["exportaciones"]),
    ("organization:minedu", ["matricula"]),
    ("entidad:cochabamba", ["presupuesto"]),
    ("format:geojson", ["hospitales"]),
    ("res_format:XLSX", ["matricula", "censo"]),
    ("license_id:odc-by", ["exportaciones"]),
    ("groups:salud", ["hospitales"]),
    ("name:conjunto-censo", ["censo"]),
    ("descripción:hidrocarburos", ["exportaciones"]),
    ("recurso:georreferenciados", ["hospitales"]),
])
def test_field_value(backend, q, expected):
    assert ids(backend, q) == expected


def test_prefix(backend):
    assert set(ids(backend, "export*")) == {"exportaciones"}


# -- facets -------------------------------------------------------------------------------------


def test_facets_count_public_matches(backend):
    assert facet(backend, "organization") == {"ine": 2, "gamc": 1, "minedu": 1, "minsalud": 1}
    assert facet(backend, "groups") == {"economia": 2, "educacion": 1, "salud": 1, "poblacion": 1}
    assert facet(backend, "res_format") == {"CSV": 3, "XLSX": 2, "PDF": 1, "GEOJSON": 1,
                                            "JSON": 1}
    assert facet(backend, "license_id") == {"cc-by-4.0": 3, "cc0-1.0": 1, "odc-by": 1}
    assert facet(backend, "entity_kind") == {"agencia": 2, "ministerio": 2,
                                             "gobierno-municipal": 1}
    assert facet(backend, "tags", q="presupuesto") == {"presupuesto": 1, "finanzas públicas": 1,
                                                       "educación": 1, "estudiantes": 1}


def test_facet_order_limit_and_mincount(backend):
    result = backend.search(SearchQuery(facet_fields=("res_format",), facet_limit=2))
    assert [(f.value, f.count) for f in result.facets["res_format"]] == [("CSV", 3), ("XLSX", 2)]
    result = backend.search(SearchQuery(q="quinua", facet_fields=("groups",), facet_mincount=0))
    assert {f.value: f.count for f in result.facets["groups"]} == {
        "economia": 1, "educacion": 0, "poblacion": 0, "salud": 0}


def test_facets_include_private_datasets_only_for_those_who_see_them(backend):
    member = {"include_private": True, "user_entity_ids": frozenset({"e-minedu"})}
    assert facet(backend, "organization", **member)["minedu"] == 2


# -- filters --------------------------------------------------------------------------------------


def test_filters_combine_and_negate(backend):
    assert ids(backend, filters=(Filter("res_format", ("CSV",)),)) == [
        "presupuesto", "hospitales", "censo"]
    assert ids(backend, filters=(Filter("res_format", ("CSV",)),
                                 Filter("organization", ("ine",)))) == ["censo"]
    assert ids(backend, filters=(Filter("groups", ("salud", "poblacion")),)) == [
        "hospitales", "censo"]
    assert ids(backend, filters=(Filter("organization", ("ine",), negated=True),)) == [
        "presupuesto", "matricula", "hospitales"]
    assert ids(backend, "presupuesto", filters=(Filter("tags", ("educación",)),)) == ["matricula"]


# -- sorting and paging ---------------------------------------------------------------------------


def test_sorting(backend):
    assert ids(backend, sort=(SortKey("title"),)) == [
        "censo", "hospitales", "exportaciones", "matricula", "presupuesto"]
    assert ids(backend, sort=(SortKey("name", True),)) == [
        "presupuesto", "matricula", "hospitales", "exportaciones", "censo"]
    assert ids(backend, sort=(SortKey("metadata_modified"),)) == [
        "censo", "hospitales", "matricula", "presupuesto", "exportaciones"]
    assert ids(backend, "presupuesto", sort=(SortKey("metadata_modified", True),)) == [
        "presupuesto", "matricula"]


def test_relevance_pages_follow_the_whole_order(make_backend):
    """Pages of a relevance order, one dataset each, list the same datasets in the same order as
    one page of all of them (PostgreSQL ranks a page's candidates apart, see docs/search.md)."""
    engine = make_backend([
        *CATALOG,
        doc("riego-titulo", title="Riego", notes="riego y riego"),
        doc("riego-titulo-2", title="Riego tecnificado"),
        doc("riego-clave", tags=["riego"], notes="sistemas de riego por goteo"),
        doc("riego-texto", notes="canales de riego"),
        doc("riego-texto-2", notes="riego riego riego en el altiplano, riego"),
    ])
    every = ids(engine, "riego")
    assert len(every) == 5
    paged = [hit for start in range(6)
             for hit in engine.search(SearchQuery(q="riego", start=start, rows=1)).ids]
    assert paged == every
    assert engine.search(SearchQuery(q="riego", start=1, rows=3)).ids == every[1:4]


def test_paging(backend):
    every = ids(backend, sort=(SortKey("title"),))
    pages = [backend.search(SearchQuery(sort=(SortKey("title"),), start=s, rows=2))
             for s in (0, 2, 4)]
    assert [hit for page in pages for hit in page.ids] == every
    assert all(page.count == 5 for page in pages)
    past = backend.search(SearchQuery(start=50))
    assert past.count == 5 and past.ids == []
    assert backend.search(SearchQuery(rows=0)).ids == []


# -- visibility -----------------------------------------------------------------------------------


def test_private_datasets_are_hidden_unless_allowed(backend):
    assert "interno" not in ids(backend, "presupuesto")
    assert "interno" not in ids(backend, "presupuesto", include_private=True)  # no membership
    assert "interno" not in ids(backend, "presupuesto", include_private=True,
                                user_entity_ids=frozenset({"e-gamc"}))
    assert "interno" not in ids(backend, "presupuesto",
                                user_entity_ids=frozenset({"e-minedu"}))  # not asked for
    assert "interno" in ids(backend, "presupuesto", include_private=True,
                            user_entity_ids=frozenset({"e-minedu"}))
    assert "interno" in ids(backend, "presupuesto", include_private=True, sysadmin=True)


def test_suggestions_never_show_private_titles(backend):
    texts = [s.text for s in backend.suggest("presup")]
    assert "Presupuesto municipal de Cochabamba 2024" in texts
    assert "Presupuesto interno de personal" not in texts


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "param"), [
    (SearchQuery(q='"matrícula escolar'), "q"),
    (SearchQuery(q="(censo OR salud"), "q"),
    (SearchQuery(q="censo)"), "q"),
    (SearchQuery(q="color:rojo"), "q"),
    (SearchQuery(rows=MAX_ROWS + 1), "rows"),
    (SearchQuery(rows=-1), "rows"),
    (SearchQuery(start=-1), "start"),
    (SearchQuery(sort=(SortKey("popularidad"),)), "sort"),
    (SearchQuery(facet_fields=("color",)), "facet.field"),
    (SearchQuery(facet_limit=0), "facet.limit"),
    (SearchQuery(filters=(Filter("color", ("rojo",)),)), "fq"),
])
def test_bad_input_is_refused_naming_the_parameter(backend, query, param):
    with pytest.raises(ValidationError) as caught:
        backend.search(query)
    assert list(caught.value.fields) == [param]


@pytest.mark.parametrize("q", ["hora 10:30", "ley 1178: administración", "AND", "OR OR", "*",
                               "'apostrofe", "a^", "[a TO", "presupuesto AND"])
def test_odd_but_valid_text_never_crashes(backend, q):
    backend.search(SearchQuery(q=q))


# -- writes ---------------------------------------------------------------------------------------


def test_update_replaces_and_delete_removes(backend):
    backend.index([doc("censo", title="Censo agropecuario 2013", groups=["agricultura"])])
    assert ids(backend, "agropecuario") == ["censo"]
    assert ids(backend, "vivienda") == []
    assert backend.count() == 6
    backend.delete(["censo", "no-existe"])
    assert ids(backend, "censo") == []
    assert backend.count() == 5
    assert "agricultura" not in facet(backend, "groups")


def test_rebuild_gives_the_same_answers(backend):
    queries = [SearchQuery(q=q, facet_fields=("organization", "tags", "res_format"))
               for q in ("", "presupuesto", "salud OR censo", '"matrícula escolar"')]
    before = [backend.search(query) for query in queries]
    backend.rebuild(list(reversed(CATALOG)), procs=1)
    assert [backend.search(query) for query in queries] == before
    backend.clear()
    for item in CATALOG:  # one document at a time, as the listeners write them
        backend.index([item])
    assert [r.ids for r in map(backend.search, queries)] == [r.ids for r in before]
    assert [r.facets for r in map(backend.search, queries)] == [r.facets for r in before]


def test_the_version_changes_with_every_write(backend):
    versions = [backend.version()]
    backend.index([doc("nuevo")])
    versions.append(backend.version())
    backend.delete(["nuevo"])
    versions.append(backend.version())
    backend.rebuild(CATALOG, procs=1)
    versions.append(backend.version())
    assert len(set(versions)) == 4
    assert backend.version() == versions[-1]  # reading changes nothing


def test_searches_answer_from_the_old_index_while_a_rebuild_runs(backend):
    seen = []

    def documents():  # the catalog without the exports, searched half-way through
        for position, item in enumerate(d for d in CATALOG if d["id"] != "exportaciones"):
            if position == 3:
                seen.append(backend.search(SearchQuery(q="quinua", facet_fields=("groups",))))
            yield item

    assert backend.rebuild(documents(), procs=1) == len(CATALOG) - 1
    assert [r.ids for r in seen] == [["exportaciones"]]
    assert seen[0].facets["groups"][0].value == "economia"
    assert backend.search(SearchQuery(q="quinua")).ids == []
    assert backend.count() == len(CATALOG) - 1


def test_modified_by_id_and_clear(backend):
    modified = backend.modified_by_id()
    assert len(modified) == len(CATALOG)
    assert modified["censo"] == datetime(2022, 5, 1)
    backend.clear()
    assert backend.count() == 0 and backend.search(SearchQuery()).count == 0


# -- highlights -----------------------------------------------------------------------------------


def test_highlights_mark_matches_and_escape_html(backend):
    backend.index([doc("xss", title="Salud <script>alert(1)</script>",
                       notes="Datos de salud & más")])
    result = backend.search(SearchQuery(q="salud", highlight=True, rows=10))
    hit = next(h for h in result.hits if h.id == "xss")
    assert "<script>" not in hit.highlights["title"]
    assert "&lt;script&gt;" in hit.highlights["title"]
    assert '<mark class="match term0">Salud</mark>' in hit.highlights["title"]
    assert "&amp;" in hit.highlights["notes"]


def test_suggest_keywords_and_titles(backend):
    suggestions = backend.suggest("hosp")
    assert ("keyword", "hospitales") in [(s.kind, s.text) for s in suggestions]
    assert ("title", "Establecimientos de salud", "conjunto-hospitales") in [
        (s.kind, s.text, s.name) for s in suggestions]
    assert backend.suggest("") == []
