"""The dataset dictionaries of ``package_search`` as JSON text, each kept per process until the
dataset's revision changes.

A page of results is a few grouped statements for the revisions of its public datasets (the
stamps ``package_show``'s cache is keyed by: the dataset's, its entity's and themes' changes,
its resources' validation reports, link checks and DataStore loads, its quality score, the
day), then the texts kept under those revisions, then those stored in the database under them
(``stored_json``, shared by every process); only the datasets missing there (changed since,
never stored, or private: those are never kept) are loaded and serialised, in one batch. The kept
texts are written into the answer as they are (``portal.api.jsontext.Raw``). A dictionary does
not depend on who asks for a public dataset, but on the interface language, the host (absolute
links) and the portal's version, which are part of the key.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from flask import current_app, request
from sqlalchemy import String, func, select, type_coerce

from portal import caching, db
from portal.api import jsontext, results, stored_json
from portal.auth.permissions import SYSTEM
from portal.catalog.models import Dataset, Entity
from portal.i18n import language
from portal.search.pages import datasets_in_order
from portal.sql_constructs import as_parameter, in_list

EXTENSION = "api_dataset_json"
#: Dictionaries each web process keeps (a few kB each).
ENTRIES = 10_000


@functools.cache
def _stamp_statements():
    """The stamps of ``package_show``'s revision (``portal.caching``) for a list of ids, one
    statement per table grouped by dataset (a correlated subquery per stamp and id cost 40-70 ms
    for a page of 1,000). Stamps are only compared, so they are read as the database gives them
    (as text: no date parsing for each of a thousand rows)."""

    def text(*columns):
        return [type_coerce(column, String) for column in columns]

    # State and visibility are read, not filtered on: a condition on them leads SQLite to scan
    # the index of public datasets instead of looking the ids up by primary key. The day is
    # part of it: a dataset becomes overdue (freshness) without any write.
    datasets = select(Dataset.id, Dataset.state, Dataset.private,
                      *text(Dataset.name, Dataset.metadata_modified, Entity.modified,
                            func.current_date())).join(
        Entity, Entity.id == Dataset.entity_id).where(in_list(Dataset.id, "ids"))
    groups = tuple(group.with_only_columns(key, *text(*group.selected_columns))
                   .where(in_list(key, "ids")).group_by(key)
                   for key, group in caching.dataset_stamp_groups())
    return datasets, groups


def _revisions(ids: list[str]) -> dict[str, str]:
    """Revision keys of the public active datasets among ``ids``: everything their
    dictionaries are made of (``package_show``'s stamps)."""
    datasets, groups = _stamp_statements()
    connection = db.session.connection()
    parameters = {"ids": as_parameter(ids)}
    public = {row[0]: [*row[3:]] for row in connection.execute(datasets, parameters)
              if row[1] == "active" and not row[2]}
    for statement in groups:
        stamps = {row[0]: row[1:] for row in connection.execute(statement, parameters)}
        for dataset_id, key in public.items():
            key.extend(stamps.get(dataset_id, ("-",)))
    return {dataset_id: "|".join(str(stamp) for stamp in key)
            for dataset_id, key in public.items()}


def _cache() -> caching.BodyCache:
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        found = current_app.extensions[EXTENSION] = caching.BodyCache(ENTRIES)
    return found


def package_dicts(ids: Iterable[str], actor) -> list[jsontext.Raw]:
    """``package_show``'s dictionaries of the datasets ``ids`` that ``actor`` may read, in that
    order, as JSON text: kept by this process, else stored (``stored_json``), else built."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    revisions = _revisions(ids)
    cache = _cache()
    wanted = stored_json.variant(language(), request.host_url,
                                 current_app.extensions["caching_version"])
    texts: dict[str, bytes] = {}
    for dataset_id, revision in revisions.items():
        text = cache.get(f"{dataset_id}|{revision}|{wanted}")
        if text is not None:
            texts[dataset_id] = text
    unkept = {i: revision for i, revision in revisions.items() if i not in texts}
    if unkept:
        for dataset_id, text in stored_json.read(unkept, wanted).items():
            texts[dataset_id] = text
            cache.put(f"{dataset_id}|{unkept[dataset_id]}|{wanted}", text)
    missing = [dataset_id for dataset_id in ids if dataset_id not in texts]
    if missing:
        for dataset_id, text in build(missing, actor).items():
            texts[dataset_id] = text
            if dataset_id in revisions:
                cache.put(f"{dataset_id}|{revisions[dataset_id]}|{wanted}", text)
    return [jsontext.Raw(texts[dataset_id]) for dataset_id in ids if dataset_id in texts]


def build(ids: list[str], actor=SYSTEM) -> dict[str, bytes]:
    """The dictionaries of the datasets ``ids`` that ``actor`` may read, built from the
    database in one batch, as JSON (UTF-8) by id."""
    return {package["id"]: jsontext.encode(package)
            for package in results.PackageOut(many=True).dump(datasets_in_order(ids, actor))}
