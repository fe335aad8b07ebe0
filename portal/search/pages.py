"""The search behind the dataset pages: the list's parameters (``ListParams``) become a
``SearchQuery`` and the answer the catalog's ``DatasetListing``, with links to the same search as
CSV and through the API (``package_search``).

``views.init_app`` registers ``find_datasets`` as the catalog's finder, so ``/dataset`` and the
pages of an entity or a theme search the index instead of the database.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from flask import current_app, url_for
from markupsafe import escape
from sqlalchemy import select

from portal.auth import permissions
from portal.catalog import services as catalog
from portal.catalog.listing import (
    DEFAULT_SORT,
    FACET_LIMIT,
    FILTER_FIELDS,
    DatasetListing,
    FacetItem,
    ListParams,
)
from portal.catalog.markup import plain_text
from portal.catalog.models import Dataset
from portal.errors import ValidationError
from portal.search import get_backend
from portal.search.backend import DEFAULT_SORT as RELEVANCE
from portal.search.backend import Filter, SearchQuery, SearchResult, SortKey
from portal.search.ckan_params import parse_sort
from portal.search.labels import facet_labels

#: The list's relevance order, as ``package_search`` takes it.
RELEVANCE_SORT = "score desc, metadata_modified desc"
#: Longest description summary on a result card (characters of plain text).
SUMMARY_LENGTH = 240
#: Plain text kept before the first match when a summary starts at it.
SUMMARY_LEAD = 60
_MARKED = re.compile(r"<mark[^>]*>(.*?)</mark>", re.DOTALL)


def sort_keys(sort: str) -> tuple[SortKey, ...]:
    """The list's sort option as sort keys; relevance breaks ties by the last modification."""
    return RELEVANCE if sort == DEFAULT_SORT else parse_sort(sort)


def visibility(actor) -> dict[str, Any]:
    """``SearchQuery`` arguments that show ``actor`` what the catalog lets them read: public
    datasets, and the private ones of their entities (all of them for a sysadmin)."""
    readable = permissions.readable_entity_ids(actor)
    return {
        "include_private": bool(getattr(actor, "is_authenticated", False)),
        "user_entity_ids": frozenset(readable or ()),
        "sysadmin": readable is None,
    }


def filters_of(params: ListParams) -> tuple[Filter, ...]:
    """Each chosen value narrows the list (two keywords: datasets with both)."""
    return tuple(Filter(name, (value,)) for name, values in params.filters.items()
                 for value in values)


def search_query(params: ListParams, actor, *, start: int, rows: int,
                 facet_fields: tuple[str, ...] = (), highlight: bool = False) -> SearchQuery:
    return SearchQuery(
        q=params.q, filters=filters_of(params), facet_fields=facet_fields,
        facet_limit=FACET_LIMIT, sort=sort_keys(params.sort), start=start, rows=rows,
        highlight=highlight, **visibility(actor),
    )


def datasets_in_order(ids: Iterable[str], actor) -> list[Dataset]:
    """The datasets of ``ids``, in that order, loaded in one batch (with resources, keywords and
    themes). Ids the database no longer has, or that ``actor`` may not read (an index that lags
    behind), are left out."""
    ids = list(ids)
    if not ids:
        return []
    found = {dataset.id: dataset for dataset in catalog.datasets_with_resources(
        select(Dataset).where(Dataset.id.in_(ids)))}
    return [found[i] for i in ids
            if i in found and found[i].state == "active"
            and permissions.can_read_dataset(actor, found[i])]


def facet_items(result: SearchResult) -> dict[str, list[FacetItem]]:
    facets = {}
    for field, counts in result.facets.items():
        if not counts:
            continue
        labels = facet_labels(field, [count.value for count in counts])
        facets[field] = [FacetItem(c.value, labels[c.value], c.count) for c in counts]
    return facets


def card_summary(description: str | None, highlighted: str) -> str:
    """A result card's summary: the description as plain text (Markdown rendered, then stripped,
    as on the dataset page: a table is its cells' words, never its pipes), at most
    ``SUMMARY_LENGTH`` characters around the first word the engine marked in ``highlighted``,
    those words marked again. Escaped HTML."""
    text = plain_text(description)
    words = {html.unescape(word) for word in _MARKED.findall(highlighted) if word.strip()}
    pattern = re.compile("(" + "|".join(re.escape(word) for word in
                                         sorted(words, key=len, reverse=True)) + ")",
                         re.IGNORECASE) if words else None
    found = pattern.search(text) if pattern else None
    start = 0
    if found and found.start() > SUMMARY_LEAD:
        start = text.rfind(" ", 0, found.start() - SUMMARY_LEAD) + 1
    window = text[start:start + SUMMARY_LENGTH]
    if start + SUMMARY_LENGTH < len(text):
        window = window.rsplit(" ", 1)[0].rstrip(",.;:") + " …"
    if start:
        window = "… " + window
    if pattern is None:
        return str(escape(window))
    return "".join(f"<mark>{escape(part)}</mark>" if index % 2 else str(escape(part))
                   for index, part in enumerate(pattern.split(window)))


def card_marks(highlights: Mapping[str, str], dataset: Dataset | None) -> dict[str, str]:
    """Highlighted fields for a result card: the title as the engine marked it, the description
    as a plain-text summary (``card_summary``)."""
    marks = dict(highlights)
    if "notes" in marks:
        marks["notes"] = card_summary(dataset.description if dataset else "", marks["notes"])
    return marks


def fq_of(params: ListParams) -> str:
    """The list's filters as CKAN's ``fq``: ``organization:"ine" tags:"censo"``."""
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return " ".join(f"{name}:{quoted(value)}" for name, values in params.filters.items()
                    for value in values)


def api_url(params: ListParams) -> str | None:
    """The ``package_search`` call that answers the same page (None without the API)."""
    if "api.action" not in current_app.view_functions:
        return None
    args = {
        "q": params.q,
        "fq": fq_of(params),
        "sort": RELEVANCE_SORT if params.sort == DEFAULT_SORT else params.sort,
        "rows": params.per_page,
        "start": (params.page - 1) * params.per_page,
        "facet.field": json.dumps(list(FILTER_FIELDS)),
    }
    return url_for("api.action", logic_function="package_search",
                   **{key: value for key, value in args.items() if value not in ("", 0)})


def csv_url(params: ListParams) -> str:
    """Every dataset of the search (not just this page) as CSV."""
    return url_for("search.dataset_csv", **params.args(page=[]))


def find_datasets(params: ListParams, actor) -> DatasetListing:
    """The catalog's ``find_datasets`` on the search index: the page of datasets matching
    ``params`` that ``actor`` may see, with facet counts, highlighted matches, a correction for a
    query without results, and the same search as CSV and through the API."""
    start = (params.page - 1) * params.per_page
    query = search_query(params, actor, start=start, rows=params.per_page,
                         facet_fields=FILTER_FIELDS, highlight=True)
    links = {"csv_url": csv_url(params), "api_url": api_url(params)}
    try:
        result = get_backend().search(query)
    except ValidationError as exc:
        message = " ".join(m for messages in exc.fields.values() for m in messages)
        return DatasetListing(0, [], {}, params.page, params.per_page, error=message, **links)
    datasets = datasets_in_order(result.ids, actor)
    by_id = {dataset.id: dataset for dataset in datasets}
    return DatasetListing(
        result.count,
        datasets,
        facet_items(result),
        params.page,
        params.per_page,
        highlights={hit.id: card_marks(hit.highlights, by_id.get(hit.id))
                    for hit in result.hits if hit.highlights},
        did_you_mean=result.did_you_mean,
        **links,
    )
