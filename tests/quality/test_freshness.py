"""Freshness: the declared frequency against the last data change, per dataset and entity."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import update

from portal.auth.permissions import SYSTEM
from portal.catalog import services as catalog
from portal.catalog.models import Resource
from portal.db import unit_of_work
from portal.linkcheck import services as links
from portal.linkcheck.checker import Outcome
from portal.quality import freshness
from tests import factories

TODAY = date(2026, 12, 4)


@pytest.mark.parametrize(("frequency", "last", "status", "expected", "late"), [
    ("MONTHLY", date(2026, 10, 31), "overdue", date(2026, 11, 30), 4),
    ("MONTHLY", date(2026, 11, 10), "fresh", date(2026, 12, 10), 0),
    ("ANNUAL", datetime(2025, 12, 4, 23, 0), "fresh", date(2026, 12, 4), 0),
    ("ANNUAL", date(2025, 12, 3), "overdue", date(2026, 12, 3), 1),
    ("QUARTERLY", date(2026, 1, 31), "overdue", date(2026, 4, 30), 218),
    ("WEEKLY", date(2026, 11, 27), "fresh", date(2026, 12, 4), 0),
    ("DAILY", date(2026, 12, 1), "overdue", date(2026, 12, 2), 2),
    ("http://publications.europa.eu/resource/authority/frequency/ANNUAL_2",
     date(2026, 5, 1), "overdue", date(2026, 11, 1), 33),
    ("IRREG", date(2020, 1, 1), "not-assessed", None, 0),
    ("", date(2020, 1, 1), "not-assessed", None, 0),
    ("MONTHLY", None, "not-assessed", None, 0),
])
def test_assess(frequency, last, status, expected, late):
    found = freshness.assess(frequency, last, TODAY)
    assert (found.status, found.expected, found.days_overdue) == (status, expected, late)


def test_last_data_change_ignores_metadata_edits_and_counts_links(app, ctx):
    factories.entity("ine")
    other = factories.entity("mefp")
    dataset = factories.dataset("mensual", frequency="MONTHLY", modified="2026-09-01")
    fresh = factories.dataset("anual", entity=other.name, frequency="ANNUAL")
    factories.dataset("irregular", frequency="IRREG")
    factories.resource(dataset, url="https://example.org/a.csv",
                       last_modified="2026-10-15T10:00:00")
    with unit_of_work() as session:  # resources created long ago
        session.execute(update(Resource).values(created=datetime(2026, 1, 1)))
    found = freshness.for_datasets(today=TODAY)
    assert found[dataset.id][1].last_change == date(2026, 10, 15)
    assert found[dataset.id][1].days_overdue == 19  # due 2026-11-15
    # A metadata edit is no data change.
    catalog.update_dataset(catalog.get_dataset("mensual"), {"title": "Otro título"}, SYSTEM,
                           partial=True)
    assert freshness.for_datasets(today=TODAY)[dataset.id][1].days_overdue == 19
    # The link's server says the file changed on 2026-11-20: no longer overdue.
    resource = catalog.get_dataset("mensual").resources[0]
    links.record([(resource.id, resource.url, Outcome(
        "ok", 200, remote_modified=datetime(2026, 11, 20, 8, 0)))], now=datetime(2026, 1, 2))
    found = freshness.for_datasets(today=TODAY)[dataset.id][1]
    assert (found.status, found.expected) == ("fresh", date(2026, 12, 20))
    # The same rule on a loaded dataset (pages, API).
    loaded = catalog.get_dataset("mensual")
    checks = links.checks_for([resource.id])
    assert freshness.of_dataset(loaded, checks, today=TODAY) == found
    counts = freshness.entity_counts(today=TODAY)
    assert counts[dataset.entity_id] == {"datasets": 2, "assessed": 1, "fresh": 1, "overdue": 0}
    assert counts[fresh.entity_id]["assessed"] == 1  # counts from its record's creation
