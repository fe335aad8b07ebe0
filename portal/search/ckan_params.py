"""CKAN's ``package_search`` parameters -> ``SearchQuery``.

The API action is a thin mapping: it hands the request's parameters and the user's rights to
``package_search_query`` and renders the ``SearchResult``. Every refusal is a ``ValidationError``
keyed by the CKAN parameter at fault (``q``, ``fq``, ``sort``, ``rows``...), which the API returns
as CKAN's 409 "Validation Error".

``fq`` follows the part of Solr's filter syntax that CKAN clients use: space-separated clauses
``field:value``, ``field:"quoted value"``, ``+field:value`` (must), ``-field:value`` (must not) and
``field:(a OR b)`` / ``field:(a AND b)``. Fields CKAN adds for its own bookkeeping
(``dataset_type:dataset``, ``capacity:public``, ``state:active``, ``+site_id:...``) are accepted and
ignored: every dataset in this portal is of that kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from portal import bounded_json
from portal.errors import ValidationError
from portal.search.backend import (
    DEFAULT_FACET_LIMIT,
    DEFAULT_ROWS,
    DEFAULT_SORT,
    FACET_FIELDS,
    MAX_ROWS,
    Filter,
    SearchQuery,
    SortKey,
)

#: CKAN / Solr field names -> ours, for ``fq`` and ``facet.field``.
FIELD_NAMES: dict[str, str] = {
    "organization": "organization",
    "groups": "groups",
    "tags": "tags",
    "res_format": "res_format",
    "license_id": "license_id",
    "license": "license_id",
    "entity_kind": "entity_kind",
    "name": "name",
    "id": "id",
    "owner_org": "entity_id",
}
#: Filters CKAN adds for its own bookkeeping, true of every dataset here.
IGNORED_FIELDS = frozenset({"dataset_type", "capacity", "state", "site_id", "type"})
#: CKAN sort names -> ours.
SORT_NAMES: dict[str, str] = {
    "score": "score",
    "relevance": "score",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
    "title_string": "title",
    "title": "title",
    "name": "name",
}

_CLAUSE_RE = re.compile(
    r"""\s*(?P<sign>[+-]?)(?P<field>[A-Za-z_][\w.]*):
        (?:"(?P<quoted>(?:[^"\\]|\\.)*)"|\((?P<group>[^()]*)\)|(?P<bare>(?:[^\s\\()"]|\\.)+))""",
    re.VERBOSE,
)
_GROUP_TOKEN_RE = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


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


def _group_values(param: str, field: str, group: str) -> tuple[list[str], str]:
    """Values of ``(a OR b)`` and its operator ("OR" or "AND")."""
    values, operators = [], set()
    for quoted, bare in _GROUP_TOKEN_RE.findall(group):
        if bare in ("OR", "AND"):
            operators.add(bare)
        elif quoted or bare:
            values.append(_unescape(quoted or bare))
    if not values:
        raise _error(param, _l("El grupo de valores de «%(field)s» está vacío.", field=field))
    if len(operators) > 1:
        raise _error(param, _l("No se puede mezclar AND y OR en el grupo de «%(field)s».",
                               field=field))
    return values, operators.pop() if operators else "OR"


def parse_fq(fq: str, param: str = "fq") -> list[Filter]:
    """Filters of a Solr-like ``fq`` string (see the module docstring)."""
    text = (fq or "").strip()
    if text.count('"') % 2:
        raise _error(param, _l("Hay comillas sin cerrar en el filtro."))
    if text.count("(") != text.count(")"):
        raise _error(param, _l("Hay paréntesis sin cerrar en el filtro."))
    filters: list[Filter] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        if text[position:].strip() in ("*:*",):
            break
        match = _CLAUSE_RE.match(text, position)
        if not match:
            fragment = text[position:].strip().split()[0]
            raise _error(param, _l("No se pudo interpretar «%(part)s»: se espera campo:valor.",
                                   part=fragment))
        position = match.end()
        ckan_field = match.group("field")
        if ckan_field in IGNORED_FIELDS:
            continue
        field = FIELD_NAMES.get(ckan_field)
        if field is None:
            raise _error(param, _l("Campo de filtro desconocido: %(field)s. Válidos: %(valid)s.",
                                   field=ckan_field, valid=", ".join(FIELD_NAMES)))
        negated = match.group("sign") == "-"
        if match.group("group") is not None:
            values, operator = _group_values(param, ckan_field, match.group("group"))
        else:
            raw = match.group("quoted") if match.group("quoted") is not None else match.group(
                "bare")
            if raw in ("*", ""):
                raise _error(param, _l("El filtro «%(field)s» necesita un valor concreto.",
                                       field=ckan_field))
            values, operator = [_unescape(raw)], "OR"
        if field == "res_format":
            values = [v.upper() for v in values]
        if operator == "AND" and not negated:
            filters.extend(Filter(field, (value,)) for value in values)
        else:
            # NOT (a AND b) is not "neither": keep it simple and refuse it.
            if operator == "AND":
                raise _error(param, _l("No se admite -%(field)s:(a AND b).", field=ckan_field))
            filters.append(Filter(field, tuple(values), negated))
        if position < len(text) and not text[position].isspace():
            raise _error(param, _l("Falta un espacio después de «%(part)s».",
                                   part=match.group().strip()))
    return filters


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
    rows = _int(params, "rows", DEFAULT_ROWS)
    if not 0 <= rows <= MAX_ROWS:
        raise _error("rows", _l("Debe ser un número entre 0 y %(max)s.", max=MAX_ROWS))
    start = _int(params, "start", 0)
    if start < 0:
        raise _error("start", _l("Debe ser un número mayor o igual a 0."))
    filters = parse_fq(params.get("fq") or "", "fq")
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
