"""The dataset dictionaries of ``package_search`` as JSON text, each kept per process until the
dataset's revision changes.

A page of results is one statement for the revisions of its public datasets (the stamps
``package_show``'s cache is keyed by: the dataset's, its entity's and themes' changes, its
resources' validation reports, link checks and DataStore loads, its quality score, the day),
then the texts kept under those revisions; only the datasets missing there (changed, never
asked for, or private: those are never kept) are loaded and serialised, in one batch. The kept
texts are written into the answer as they are (``portal.api.jsontext.Raw``). A dictionary does
not depend on who asks for a public dataset, but on the interface language, the host (absolute
links) and the portal's version, which are part of the key.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable

from flask import current_app, request
from sqlalchemy import String, bindparam, select, type_coerce

from portal import caching, db
from portal.api import jsontext, results
from portal.catalog.models import Dataset, Entity
from portal.i18n import language
from portal.search.pages import datasets_in_order

EXTENSION = "api_dataset_json"
#: Dictionaries each web process keeps (a few kB each).
ENTRIES = 10_000
#: Ids in one revision statement.
IDS_PER_QUERY = 500


@functools.cache
def _revisions_statement():
    """``package_show``'s revision statement (``portal.caching``) for a list of ids."""
    # The same stamps as package_show (portal.caching's statement, built once).
    one = caching.dataset_revision_statement()
    # State and visibility are read, not filtered on: a condition on them leads SQLite to scan
    # the index of public datasets instead of looking the ids up by primary key.
    # The stamps are only compared, so they are read as the database gives them (as text: no
    # date parsing for each of a thousand rows).
    return select(Dataset.state, Dataset.private,
                  *(type_coerce(column, String) for column in one.selected_columns)).join(
        Entity, Entity.id == Dataset.entity_id).where(
        Dataset.id.in_(bindparam("ids", expanding=True)))


def _revisions(ids: list[str]) -> dict[str, str]:
    """Revision keys of the public active datasets among ``ids``."""
    found = {}
    connection = db.session.connection()
    for start in range(0, len(ids), IDS_PER_QUERY):
        for row in connection.execute(_revisions_statement(),
                                      {"ids": ids[start:start + IDS_PER_QUERY]}):
            if row[0] == "active" and not row[1]:
                found[row[2]] = "|".join(str(stamp) for stamp in row[3:])
    return found


def _cache() -> caching.BodyCache:
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        found = current_app.extensions[EXTENSION] = caching.BodyCache(ENTRIES)
    return found


def package_dicts(ids: Iterable[str], actor) -> list[jsontext.Raw]:
    """``package_show``'s dictionaries of the datasets ``ids`` that ``actor`` may read, in that
    order, as JSON text."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    revisions = _revisions(ids)
    cache = _cache()
    suffix = f"|{language()}|{request.host_url}|{current_app.extensions['caching_version']}"
    texts: dict[str, str] = {}
    for dataset_id, revision in revisions.items():
        text = cache.get(f"{dataset_id}|{revision}{suffix}")
        if text is not None:
            texts[dataset_id] = text
    missing = [dataset_id for dataset_id in ids if dataset_id not in texts]
    if missing:
        for package in results.PackageOut(many=True).dump(datasets_in_order(missing, actor)):
            text = json.dumps(package, ensure_ascii=False, default=jsontext.default)
            texts[package["id"]] = text
            if package["id"] in revisions:
                cache.put(f"{package['id']}|{revisions[package['id']]}{suffix}", text)
    return [jsontext.Raw(texts[dataset_id]) for dataset_id in ids if dataset_id in texts]
