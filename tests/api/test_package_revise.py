"""package_revise: CKAN's safe, selective update (match, filter, update, include), with the
flattened keys and file uploads in one multipart call, through the HTTP API and ckanapi."""

from __future__ import annotations

import io
import json

import ckanapi
import pytest

from portal.api import revise
from tests.api.conftest import CSV, failed, ok


def _revise(api, world, data, role="editor", **kwargs):
    return api("package_revise", data, token=world.tokens[role], **kwargs)


def test_match_then_update(api, world):
    revised = ok(_revise(api, world, {"match": {"name": world.public, "title": "Censo 2024"},
                                      "update": {"notes": "Nuevas notas", "version": "2.0"}}))
    package = revised["package"]
    assert package["notes"] == "Nuevas notas" and package["version"] == "2.0"
    assert package["title"] == "Censo 2024" and package["num_resources"] == 2
    assert package["tags"] == ok(api("package_show", {"id": world.public}))["tags"]


def test_a_value_that_does_not_match_changes_nothing(api, world):
    error = failed(_revise(api, world, {"match": {"name": world.public, "title": "Otro",
                                                  "resources": [{"name": "Casos"}, {}]},
                                        "update": {"notes": "No"}}), 409, "Validation Error")
    assert error["match"] == ["title"]
    assert ok(api("package_show", {"id": world.public}))["notes"] == "Resultados del censo."
    error = failed(_revise(api, world, {"match__id": world.public_id,
                                        "match__resources__0__name": "Otra"}),
                   409, "Validation Error")
    assert error["match"] == ["resources__0__name"]
    error = failed(_revise(api, world, {"update": {"notes": "x"}}), 409, "Validation Error")
    assert "match__id" in error


def test_flattened_keys_by_index_and_by_id_prefix(api, world):
    """As in CKAN, ``extend`` is applied first: ``-1`` would be the resource it adds."""
    form = {"match__name": world.public,
            "update__resources__1__description": "El último",
            f"update__resources__{world.upload_id[:8]}__name": "Casos por departamento",
            "update__resources__extend": json.dumps([{"name": "Nuevo",
                                                      "url": "https://example.org/n.csv"}])}
    package = ok(_revise(api, world, form, content_type="multipart/form-data"))["package"]
    names = [r["name"] for r in package["resources"]]
    assert names == ["Casos por departamento", "Portal", "Nuevo"]
    assert package["resources"][1]["description"] == "El último"
    assert package["resources"][0]["url_type"] == "upload"  # the file is kept
    error = failed(_revise(api, world, {"match__name": world.public,
                                        "update__resources__zzzzzz__name": "x"}),
                   409, "Validation Error")
    assert error["update__resources__zzzzzz__name"] == ["Unmatched key resources__zzzzzz"]


def test_filter_removes_fields_and_include_trims_the_answer(api, world):
    answer = ok(_revise(api, world, {"match": {"id": world.public_id},
                                     "filter": ["-resources__1"],
                                     "include": ["+package__name", "+package__resources",
                                                 "-package__*"]}))
    assert set(answer["package"]) == {"name", "resources"}
    assert [r["name"] for r in answer["package"]["resources"]] == ["Casos"]
    shown = ok(api("package_show", {"id": world.public}))
    assert shown["num_resources"] == 1 and shown["notes"] == "Resultados del censo."


def test_files_in_the_same_call_as_new_resources(api, world):
    package = ok(_revise(api, world, {
        "match__name": world.public,
        "update__resources__extend": json.dumps([{"name": "Matrícula"}]),
        "update__resources__-1__upload": (io.BytesIO(CSV), "matricula.csv"),
        f"update__resources__{world.upload_id[:6]}__upload": (io.BytesIO(b"a,b\n1,2\n"),
                                                               "nuevo.csv"),
    }, content_type="multipart/form-data"))["package"]
    first, _link, added = package["resources"]
    assert added["name"] == "Matrícula" and added["url_type"] == "upload"
    assert added["size"] == len(CSV) and added["url"].endswith("/matricula.csv")
    assert first["id"] == world.upload_id and first["size"] == 8


def test_only_who_may_edit_may_revise(api, world):
    failed(_revise(api, world, {"match": {"name": world.public}, "update": {"notes": "x"}},
                   role="other_editor"), 403, "Authorization Error")
    failed(api("package_revise", {"match": {"name": world.public}}), 403,
           "Authorization Error")
    failed(_revise(api, world, {"match": {"name": "no-existe"}}), 404, "Not Found Error")


def test_ckanapi_calls_it(server, world):
    with ckanapi.RemoteCKAN(server, apikey=world.tokens["editor"]) as portal:
        answer = portal.action.package_revise(match={"name": world.public},
                                              update={"version": "3"})
        assert answer["package"]["version"] == "3"
        with pytest.raises(ckanapi.ValidationError) as excinfo:
            portal.action.package_revise(match={"name": world.public, "version": "1"})
        assert excinfo.value.error_dict["match"] == ["version"]


@pytest.mark.parametrize(("patterns", "expected"), [
    (["-b"], {"a": 1, "c": {"d": 2, "e": 3}, "l": [{"id": "abcdef1"}, {"id": "bcdefg2"}]}),
    (["+a", "-*"], {"a": 1}),
    (["+c__e", "-c__*"], {"a": 1, "b": 2, "c": {"e": 3},
                          "l": [{"id": "abcdef1"}, {"id": "bcdefg2"}]}),
    (["-l__bcdef"], {"a": 1, "b": 2, "c": {"d": 2, "e": 3}, "l": [{"id": "abcdef1"}]}),
    (["-l__-1", "-l__0"], {"a": 1, "b": 2, "c": {"d": 2, "e": 3}, "l": []}),
])
def test_filter_patterns(patterns, expected):
    data = {"a": 1, "b": 2, "c": {"d": 2, "e": 3}, "l": [{"id": "abcdef1"}, {"id": "bcdefg2"}]}
    revise.filter_globs(data, patterns)
    assert data == expected


def test_merge_and_errors():
    data = {"a": {"b": 1}, "l": [{"x": 1}, {"x": 2}]}
    revise.merge(data, {"a": {"c": 2}, "l": [{}, {"x": 3}, {"x": 4}]})
    assert data == {"a": {"b": 1, "c": 2}, "l": [{"x": 1}, {"x": 3}, {"x": 4}]}
    with pytest.raises(revise.RevisionError, match="Expected list for l"):
        revise.merge(data, {"l": {"x": 1}})
    with pytest.raises(revise.RevisionError, match="Expected list for l"):
        revise.merge_key(data, "l__extend", {"x": 1})
    assert revise.mismatches(data, {"a": {"b": 2}, "z": 1, "l": [{}, {}, {}, {}]}) == [
        ("a", "b"), ("l", 3), ("z",)]
