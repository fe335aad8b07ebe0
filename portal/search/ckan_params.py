"""CKAN's ``package_search`` parameters -> ``SearchQuery``.

The API action is a thin mapping: it hands the request's parameters and the user's rights to
``package_search_query`` and renders the ``SearchResult``. Every refusal is a ``ValidationError``
keyed by the CKAN parameter at fault (``q``, ``fq``, ``sort``, ``rows``...), which the API returns
as CKAN's 409 "Validation Error".

``fq`` and ``fq_list`` follow Solr's filter syntax as CKAN clients use it (``portal.search.
solr_syntax``); in ``q`` the clauses on structured fields (``metadata_modified:[... TO *]``,
``num_resources:[1 TO *]``, ``id:...``) are taken out as filters and the rest is the text of the
search box. ``rows`` over ``MAX_ROWS`` is capped, as CKAN caps it at ``ckan.search.rows_max``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from portal import bounded_json
from portal.errors import ValidationError
from portal.search import solr_syntax
from portal.search.backend import (
    DEFAULT_FACET_LIMIT,
    DEFAULT_ROWS,
    DEFAULT_SORT,
    FACET_FIELDS,
    MAX_ROWS,
    Clause,
    SearchQuery,
    SortKey,
)

#: CKAN / Solr field names -> ours, for ``fq`` and ``facet.field``.
FIELD_NAMES = solr_syntax.FIELD_NAMES
#: CKAN sort names -> ours.
SORT_NAMES: dict[str, str] = {
    "score": "score",
    "relevance": "score",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "title_string": "title",
    "title": "title",
    "name": "name",
    "id": "id",
}
_FL_NAME_RE = re.compile(r"^[A-Za-z_][\w.]*$")


def _error(param: str, message) -> ValidationError:
    return ValidationError({param: [message]})


def _int(params: Mapping[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise _error(name, _l("Debe ser un número entero."))
    try:
        return int(str(value).strip())
    except ValueError:
        raise _error(name, _l("Debe ser un número entero.")) from None


def _bool(params: Mapping[str, Any], name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise _error(name, _l("Debe ser true o false."))


def parse_fq(fq: str, param: str = "fq") -> list[Clause]:
    """The filters of a Solr-like ``fq`` string, all of which must match."""
    return solr_syntax.parse_list(fq or "", param)


def parse_sort(sort: str | None) -> tuple[SortKey, ...]:
    if sort is None or not str(sort).strip():
        return DEFAULT_SORT
    keys = []
    for part in str(sort).split(","):
        words = part.split()
        if not words or len(words) > 2:
            raise _error("sort", _l("Orden no válido: «%(sort)s».", sort=sort))
        name = SORT_NAMES.get(words[0])
        direction = words[1].lower() if len(words) == 2 else "asc"
        if name is None or direction not in ("asc", "desc"):
            raise _error("sort", _l(
                "Orden no permitido: «%(sort)s». Válidos: %(valid)s, seguidos de asc o desc.",
                sort=part.strip(), valid=", ".join(SORT_NAMES)))
        keys.append(SortKey(name, direction == "desc"))
    return tuple(keys)


def parse_fl(value: Any) -> tuple[str, ...] | None:
    """The field names of ``fl`` (a list, or names separated by commas or spaces); None for the
    whole dataset dictionaries (no ``fl``, or ``*``)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        names = value.replace(",", " ").split()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = [name for v in value for name in v.replace(",", " ").split()]
    else:
        raise _error("fl", _l("Debe ser una lista de campos, por ejemplo id,name."))
    if not names or "*" in names:
        return None
    bad = [name for name in names if not _FL_NAME_RE.match(name)]
    if bad:
        raise _error("fl", _l("Nombre de campo no válido en fl: %(field)s.",
                              field=", ".join(bad)))
    return tuple(dict.fromkeys(names))


def parse_facet_fields(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        try:
            value = bounded_json.loads(value)
        except ValueError:
            raise _error("facet.field", _l(
                'Debe ser una lista JSON, por ejemplo ["organization", "tags"].')) from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _error("facet.field", _l(
            'Debe ser una lista JSON, por ejemplo ["organization", "tags"].'))
    fields = []
    for name in value:
        field = FIELD_NAMES.get(name)
        if field not in FACET_FIELDS:
            raise _error("facet.field", _l(
                "Campo de faceta desconocido: %(field)s. Válidos: %(valid)s.",
                field=name, valid=", ".join(FACET_FIELDS)))
        if field not in fields:
            fields.append(field)
    return tuple(fields)


def _fq_list(value: Any) -> Iterable[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = bounded_json.loads(value)
        except ValueError:
            return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _error("fq_list", _l("Debe ser una lista de filtros."))
    return value


def package_search_query(
    params: Mapping[str, Any],
    *,
    user_entity_ids: Iterable[str] = (),
    sysadmin: bool = False,
    may_include_private: bool = True,
) -> SearchQuery:
    """The ``SearchQuery`` of CKAN ``package_search`` parameters.

    ``user_entity_ids`` and ``sysadmin`` describe the caller; ``include_private`` is honoured only
    when ``may_include_private`` (an anonymous caller gets public datasets only, as in CKAN).
    """
    q = params.get("q") or ""
    if not isinstance(q, str):
        raise _error("q", _l("Debe ser texto."))
    q, filters = solr_syntax.split_structured(q)
    rows = _int(params, "rows", DEFAULT_ROWS)
    if rows < 0:
        raise _error("rows", _l("Debe ser un número natural (0 o más)."))
    rows = min(rows, MAX_ROWS)  # CKAN caps rows at ckan.search.rows_max instead of refusing
    start = _int(params, "start", 0)
    if start < 0:
        raise _error("start", _l("Debe ser un número natural (0 o más)."))
    filters += parse_fq(params.get("fq") or "", "fq")
    for item in _fq_list(params.get("fq_list")):
        filters += parse_fq(item, "fq_list")
    facet_on = _bool(params, "facet", True)
    query = SearchQuery(
        q=q,
        filters=tuple(filters),
        facet_fields=parse_facet_fields(params.get("facet.field")) if facet_on else (),
        facet_limit=_int(params, "facet.limit", DEFAULT_FACET_LIMIT),
        facet_mincount=_int(params, "facet.mincount", 1),
        sort=parse_sort(params.get("sort")),
        start=start,
        rows=rows,
        include_private=_bool(params, "include_private", False) and may_include_private,
        user_entity_ids=frozenset(user_entity_ids),
        sysadmin=sysadmin,
    )
    query.validate()
    return query
