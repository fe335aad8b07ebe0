"""The search interface: what any engine behind the portal's search must do.

Documents are plain dictionaries built by ``portal.search.documents`` (engine-neutral); a query is a
``SearchQuery`` and an answer a ``SearchResult``. The whoosh engine implements this today; a larger
deployment could implement it on another engine without touching the callers (API, pages, CLI).

Field names follow CKAN's search index, so ``package_search`` maps onto a query without renaming:

* facet and filter fields (exact values): ``organization`` (entity name), ``groups`` (theme names),
  ``tags``, ``res_format``, ``license_id``, ``entity_kind``, ``series`` (names of the public
  series a public dataset is in), plus ``name``, ``id``, ``entity_id``
  and ``private`` ("1" or "0") for filters;
* range fields: ``metadata_modified``, ``metadata_created`` (naive UTC datetimes),
  ``num_resources``, ``num_tags`` (numbers);
* sort fields: ``score`` (relevance), ``metadata_modified``, ``metadata_created``, ``title``,
  ``name``, ``id``.

Filters are a small boolean tree, the same for every engine: ``Filter`` (exact values),
``Range``, ``AllOf``, ``AnyOf`` and ``Not``. ``AllOf(())`` matches every dataset and ``AnyOf(())``
none. ``portal.search.solr_syntax`` builds it from CKAN's Solr syntax; an engine translates it.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.errors import ValidationError

FACET_FIELDS: tuple[str, ...] = (
    "organization",
    "groups",
    "tags",
    "res_format",
    "license_id",
    "entity_kind",
    "series",
)
FILTER_FIELDS: tuple[str, ...] = (*FACET_FIELDS, "name", "id", "entity_id", "private")
#: Range fields and the kind of their values.
RANGE_FIELDS: dict[str, str] = {
    "metadata_modified": "date",
    "metadata_created": "date",
    "num_resources": "number",
    "num_tags": "number",
}
SORT_FIELDS: tuple[str, ...] = ("score", "metadata_modified", "metadata_created", "title", "name",
                                "id")
MAX_ROWS = 1000
DEFAULT_ROWS = 10
DEFAULT_FACET_LIMIT = 50
MAX_FACET_LIMIT = 1000


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


DEFAULT_SORT = (SortKey("score", True), SortKey("metadata_modified", True))


@dataclass(frozen=True)
class Filter:
    """Datasets whose ``field`` holds any of ``values`` (or none of them when ``negated``)."""

    field: str
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True)
class Range:
    """Datasets whose ``field`` (one of ``RANGE_FIELDS``) lies between ``low`` and ``high``; a
    bound of None is open. Dates are naive UTC datetimes, numbers ints or floats."""

    field: str
    low: datetime | float | None = None
    high: datetime | float | None = None
    include_low: bool = True
    include_high: bool = True


@dataclass(frozen=True)
class AllOf:
    """Datasets matching every clause (all of them when there is none)."""

    clauses: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class AnyOf:
    """Datasets matching at least one clause (none when there is none)."""

    clauses: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class Not:
    clause: Clause


Clause = Filter | Range | AllOf | AnyOf | Not


def clause_fields(clause: Clause) -> list[tuple[str, str]]:
    """(kind, field) of every leaf of a filter tree, kind "filter" or "range"."""
    if isinstance(clause, Filter):
        return [("filter", clause.field)]
    if isinstance(clause, Range):
        return [("range", clause.field)]
    if isinstance(clause, Not):
        return clause_fields(clause.clause)
    return [pair for child in clause.clauses for pair in clause_fields(child)]


@dataclass(frozen=True)
class SearchQuery:
    """One search. ``q`` uses the query syntax of the search box (see docs/search.md).

    Visibility: public datasets always; private ones only when ``include_private`` is set, and then
    only those of the entities in ``user_entity_ids`` (all of them for a ``sysadmin``).
    """

    q: str = ""
    #: Clauses that must all match (see ``Clause``); they do not change the scores.
    filters: tuple[Clause, ...] = ()
    facet_fields: tuple[str, ...] = ()
    facet_limit: int = DEFAULT_FACET_LIMIT
    facet_mincount: int = 1
    sort: tuple[SortKey, ...] = DEFAULT_SORT
    start: int = 0
    rows: int = DEFAULT_ROWS
    include_private: bool = False
    user_entity_ids: frozenset[str] = frozenset()
    sysadmin: bool = False
    highlight: bool = False
    #: When nothing matches, search again with the "did you mean" correction of ``q``.
    correct_typos: bool = False

    def validate(self) -> None:
        """Raise ``ValidationError`` naming the first bad parameter (the query text is checked by
        the engine, which knows its syntax)."""
        errors: dict[str, list[str]] = {}
        if not 0 <= self.rows <= MAX_ROWS:
            errors["rows"] = [str(_l("Debe ser un número entre 0 y %(max)s.", max=MAX_ROWS))]
        if self.start < 0:
            errors["start"] = [str(_l("Debe ser un número mayor o igual a 0."))]
        unknown = [f for f in self.facet_fields if f not in FACET_FIELDS]
        if unknown:
            errors["facet.field"] = [
                str(_l("Campo de faceta desconocido: %(field)s. Válidos: %(valid)s.",
                       field=", ".join(unknown), valid=", ".join(FACET_FIELDS)))
            ]
        if not 1 <= self.facet_limit <= MAX_FACET_LIMIT and self.facet_limit != -1:
            errors["facet.limit"] = [
                str(_l("Debe ser un número entre 1 y %(max)s, o -1 para todos.",
                       max=MAX_FACET_LIMIT))
            ]
        if self.facet_mincount < 0:
            errors["facet.mincount"] = [str(_l("Debe ser un número mayor o igual a 0."))]
        leaves = [pair for clause in self.filters for pair in clause_fields(clause)]
        bad_filters = [field for kind, field in leaves
                       if field not in (FILTER_FIELDS if kind == "filter" else RANGE_FIELDS)]
        if bad_filters:
            errors["fq"] = [
                str(_l("Campo de filtro desconocido: %(field)s. Válidos: %(valid)s.",
                       field=", ".join(bad_filters), valid=", ".join(FILTER_FIELDS)))
            ]
        bad_sort = [k.field for k in self.sort if k.field not in SORT_FIELDS]
        if bad_sort or not self.sort:
            errors["sort"] = [
                str(_l("Orden no permitido: %(sort)s. Válidos: %(valid)s.",
                       sort=", ".join(bad_sort) or "-", valid=", ".join(SORT_FIELDS)))
            ]
        if errors:
            raise ValidationError(errors)


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    #: Field name ("title", "notes") -> HTML fragment with the matched words in ``<mark>``.
    highlights: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    count: int
    hits: tuple[Hit, ...]
    #: Facet field -> values with their counts, most frequent first (ties by value).
    facets: Mapping[str, tuple[FacetCount, ...]]
    #: A corrected query when some words of ``q`` are unknown to the index, else None.
    did_you_mean: str | None = None
    #: True when the hits are those of ``did_you_mean`` (``correct_typos`` and no hit for ``q``).
    corrected: bool = False

    @property
    def ids(self) -> list[str]:
        return [hit.id for hit in self.hits]


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "title" or "keyword"
    text: str
    #: The dataset's name for a title, None for a keyword.
    name: str | None = None


class SearchBackend(abc.ABC):
    """What an engine does. Implementations are safe to share between threads."""

    @abc.abstractmethod
    def index(self, documents: Iterable[Mapping[str, Any]]) -> int:
        """Add or replace documents (by ``id``); return how many were written."""

    @abc.abstractmethod
    def delete(self, ids: Iterable[str]) -> None:
        """Remove these dataset ids; unknown ids are ignored."""

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Run ``query``; raise ``ValidationError`` naming the bad parameter for bad input."""

    @abc.abstractmethod
    def suggest(self, prefix: str, limit: int = 10) -> list[Suggestion]:
        """Keywords and dataset titles for the words typed so far (the last one may be partial).
        Only public datasets are suggested."""

    @abc.abstractmethod
    def did_you_mean(self, q: str) -> str | None:
        """``q`` with its unknown words replaced by the closest indexed words, or None."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    @abc.abstractmethod
    def count(self) -> int:
        """How many documents the index holds."""

    @abc.abstractmethod
    def modified_by_id(self) -> dict[str, datetime]:
        """Every indexed id with the ``metadata_modified`` it was indexed with (for the check)."""

    def rebuild(self, documents: Iterable[Mapping[str, Any]]) -> int:
        """Replace the whole index with ``documents``; engines may do this faster."""
        self.clear()
        return self.index(documents)

    def close(self) -> None:  # noqa: B027 - optional hook, most engines hold nothing to release
        """Release files and searchers."""

    def version(self) -> str | None:
        """A string that changes whenever the index does, the same on every web node (pages of
        results are cached under it); None when the engine cannot tell (nothing is cached)."""
        return None
