"""``package_search``: CKAN's dataset search, on the search index.

The parameters are checked for their types here and for their rules in
``portal.search.ckan_params`` (one place for each rule); a refusal names the CKAN parameter at
fault and is CKAN's 409. The datasets of a page are loaded in one batch, in the engine's order.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields as mfields

from portal.api import dataset_json, results
from portal.api.fields import Boolean, Integer, String
from portal.api.params import Params
from portal.api.registry import action, ref
from portal.search import get_backend
from portal.search.backend import (
    DEFAULT_FACET_LIMIT,
    DEFAULT_ROWS,
    FACET_FIELDS,
    MAX_FACET_LIMIT,
    MAX_ROWS,
)
from portal.search.ckan_params import SORT_NAMES, package_search_query, parse_fl
from portal.search.labels import facet_labels
from portal.search.pages import datasets_in_order, visibility

_LIST_OR_JSON = {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]}
DEFAULT_SORT_TEXT = "score desc, metadata_modified desc"


def _doc(description: str, **extra: Any) -> dict[str, Any]:
    return {"metadata": {"description": description, **extra}}


def _list_or_json(description: str, **kwargs) -> mfields.Raw:
    return mfields.Raw(metadata={**_LIST_OR_JSON, "description": description}, **kwargs)


class PackageSearchParams(Params):
    q = String(**_doc(
        "Words to find in title, keywords, entity, resource names and description; accents, case "
        "and plurals do not matter. Phrases in quotes, AND / OR / NOT, -word, prefix*, and "
        "field:value (title, notes, tags, organization, groups, res_format, license_id, "
        "entity_kind, res_name, name). Clauses on metadata_modified, metadata_created, "
        "num_resources, num_tags, id and owner_org (ranges as in fq) filter, combined by AND. "
        "Default (or *:*): every dataset."))
    fq = String(**_doc(
        'Filters, Solr style: organization:ine +res_format:"CSV" -tags:x groups:(a OR b) '
        "(tags:a OR NOT tags:b) metadata_modified:[2026-01-01T00:00:00Z TO *] "
        "num_resources:{0 TO *} metadata_created:[NOW-7DAYS TO NOW]. Fields: organization, "
        "groups, tags, res_format, license_id, entity_kind, name, id, owner_org, capacity, and "
        "the ranges metadata_modified, metadata_created, num_resources, num_tags."))
    fq_list = _list_or_json("More filters, each in the syntax of fq (a list or a JSON list).")
    facet = Boolean(**_doc("Count facets (default true)."))
    facet_field = _list_or_json(
        "Fields to count, as a JSON list: " + ", ".join(FACET_FIELDS) + ".",
        data_key="facet.field")
    facet_limit = Integer(data_key="facet.limit", **_doc(
        f"Values per facet, most frequent first (default {DEFAULT_FACET_LIMIT}; -1 for all).",
        maximum=MAX_FACET_LIMIT))
    facet_mincount = Integer(data_key="facet.mincount", **_doc(
        "Leave out values counted fewer times (default 1).", minimum=0))
    facet_field_alias = _list_or_json("Same as facet.field (for clients that cannot send a "
                                      "dotted name, e.g. ckanapi keyword arguments).",
                                      data_key="facet_field")
    rows = Integer(**_doc(f"Datasets per page (default {DEFAULT_ROWS}); more than {MAX_ROWS} "
                          f"gives {MAX_ROWS}, as CKAN's ckan.search.rows_max.", minimum=0))
    start = Integer(**_doc("Datasets to skip (past the end: an empty page).", minimum=0))
    sort = String(**_doc(
        "Comma-separated keys, each followed by asc or desc: " + ", ".join(SORT_NAMES)
        + f' (default "{DEFAULT_SORT_TEXT}").'))
    fl = _list_or_json("Only these fields of each dataset, e.g. id,name,metadata_modified (names "
                       "separated by commas or spaces, or a list); * or nothing: the whole "
                       "dataset dictionaries.")
    include_private = Boolean(**_doc(
        "Also the private datasets the caller may read: those of their organizations (all of "
        "them for a sysadmin). Ignored for anonymous callers (default false)."))


#: Keys of a dataset dictionary (what ``fl`` may name) -> their fields in ``PackageOut``.
PACKAGE_KEYS = {field.data_key or name: name
                for name, field in results.PackageOut().dump_fields.items()}

#: Attribute of the loaded parameters -> the CKAN name ``package_search_query`` reads.
_CKAN_NAMES = {name: field.data_key or name
               for name, field in PackageSearchParams().load_fields.items()}

PACKAGE_SEARCH_RESULT = {
    "type": "object",
    "properties": {
        "count": {"type": "integer", "description": "Datasets matching, on every page."},
        "sort": {"type": "string", "description": "The order applied."},
        "results": {"type": "array", "items": {"anyOf": [
                        ref(results.PackageOut),
                        {"type": "object", "description": "With fl: the named fields only."}]},
                    "description": "The page of datasets, in order."},
        "facets": {"type": "object", "description": "Field -> {value: count}.",
                   "additionalProperties": {"type": "object",
                                            "additionalProperties": {"type": "integer"}}},
        "search_facets": {
            "type": "object",
            "description": "Field -> {title, items: [{name, display_name, count}]}, most "
                           "frequent first.",
            "additionalProperties": {"type": "object", "properties": {
                "title": {"type": "string"},
                "items": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "display_name": {"type": "string"},
                    "count": {"type": "integer"},
                }}},
            }},
        },
    },
}


def ckan_params(values: dict[str, Any]) -> dict[str, Any]:
    """The loaded parameters under CKAN's names, ``facet_field`` folded into ``facet.field``."""
    params = {_CKAN_NAMES[name]: value for name, value in values.items() if name != "fl"}
    alias = params.pop("facet_field", None)
    if alias is not None:
        params.setdefault("facet.field", alias)
    return params


@action("package_search", params=PackageSearchParams, result=PACKAGE_SEARCH_RESULT,
        tag="datasets")
def package_search(values, actor):
    """Search datasets, as CKAN's package_search: full text, filters, facets, sort and paging.

    Anonymous callers see public datasets; with include_private, members of an organization
    also see its private datasets. Bad input (unbalanced quotes or parentheses, an unknown
    field, a negative rows or start, a sort that is not allowed) is a validation error naming
    the parameter; rows over 1000 gives 1000.
    """
    caller = visibility(actor)
    query = package_search_query(
        ckan_params(values),
        user_entity_ids=caller["user_entity_ids"],
        sysadmin=caller["sysadmin"],
        may_include_private=caller["include_private"],
    )
    fields = parse_fl(values.get("fl"))
    result = get_backend().search(query)
    if fields is None:
        datasets = dataset_json.package_dicts(result.ids, actor)
    else:  # as CKAN: the named fields only, those a dataset has; the others are not computed
        found = datasets_in_order(result.ids, actor)
        known = [PACKAGE_KEYS[name] for name in fields if name in PACKAGE_KEYS]
        dumped = results.PackageOut(many=True, only=known).dump(found) if known else \
            [{} for _ in found]
        datasets = [{name: d[name] for name in fields if name in d} for d in dumped]
    facets, search_facets = {}, {}
    for field, counts in result.facets.items():
        labels = facet_labels(field, [count.value for count in counts])
        facets[field] = {count.value: count.count for count in counts}
        search_facets[field] = {"title": field, "items": [
            {"name": count.value, "display_name": labels[count.value], "count": count.count}
            for count in counts
        ]}
    return {
        "count": result.count,
        "sort": values.get("sort") or DEFAULT_SORT_TEXT,
        "results": datasets,
        "facets": facets,
        "search_facets": search_facets,
    }
