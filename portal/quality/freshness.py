"""Freshness: a dataset's declared update frequency (``dct:accrualPeriodicity``, the EU
frequency codes of ``standards/codelists/frequencies.json``) against its last data change.

**Last data change**, precisely: the newest of

* the dataset's ``modified`` (``dct:modified``, the date the publisher says the data changed);
* each resource's ``last_modified`` (declared by the publisher, or the time the portal stored
  an uploaded file) and ``created`` (a new distribution is new data);
* for each link, from its check of the current URL: the server's ``Last-Modified`` at the
  last successful check, and when the link checker first saw that URL (a URL that changed is
  new data).

Edits of the metadata alone (title, description, keywords) are not data changes. A dataset
without any of these counts from its ``issued`` date, else from when its record was created.

**Expected next update** = last data change + the period of the frequency (calendar months
for monthly and longer, days for shorter ones; continuous and sub-daily ones count as daily).
A dataset is **overdue** when today (UTC) is past that date; ``days_overdue`` counts the days
since. Irregular, never, unknown or missing frequencies are not assessed (``not-assessed``).

``assess`` is pure; ``of_dataset`` reads a loaded dataset (pages, API); ``for_datasets`` and
``entity_counts`` read the database in grouped statements, no object loaded (the quality score,
the observatory).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, select

from portal import db
from portal.db import utcnow

#: code -> (months, days). Codes not listed are not assessed.
PERIODS: dict[str, tuple[int, int]] = {
    "UPDATE_CONT": (0, 1), "CONT": (0, 1), "HOURLY": (0, 1), "BIHOURLY": (0, 1),
    "TRIHOURLY": (0, 1), "12HRS": (0, 1), "DAILY_2": (0, 1), "DAILY": (0, 1),
    "BIDAILY": (0, 2), "WEEKLY_3": (0, 3), "WEEKLY_2": (0, 4), "WEEKLY": (0, 7),
    "BIWEEKLY": (0, 14), "MONTHLY_3": (0, 10), "MONTHLY_2": (0, 16), "MONTHLY": (1, 0),
    "BIMONTHLY": (2, 0), "QUARTERLY": (3, 0), "ANNUAL_3": (4, 0), "ANNUAL_2": (6, 0),
    "ANNUAL": (12, 0), "BIENNIAL": (24, 0), "TRIENNIAL": (36, 0), "QUADRENNIAL": (48, 0),
    "QUINQUENNIAL": (60, 0), "DECENNIAL": (120, 0), "BIDECENNIAL": (240, 0),
    "TRIDECENNIAL": (360, 0),
}
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"


@dataclass(frozen=True)
class Freshness:
    #: "fresh", "overdue" or "not-assessed"
    status: str
    frequency: str = ""
    last_change: date | None = None
    expected: date | None = None
    days_overdue: int = 0

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    def as_dict(self) -> dict:
        return {"status": self.status, "frequency": self.frequency or None,
                "last_data_change": self.last_change.isoformat() if self.last_change else None,
                "expected_update": self.expected.isoformat() if self.expected else None,
                "days_overdue": self.days_overdue, "overdue": self.overdue}


def _code(frequency: str | None) -> str:
    code = (frequency or "").strip()
    if code.startswith(FREQUENCY_BASE):
        code = code[len(FREQUENCY_BASE):]
    return code.upper()


def add_period(start: date, months: int, days: int) -> date:
    if months:
        month = start.month - 1 + months
        year, month = start.year + month // 12, month % 12 + 1
        start = start.replace(year=year, month=month,
                              day=min(start.day, calendar.monthrange(year, month)[1]))
    return date.fromordinal(start.toordinal() + days)


def _day(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def assess(frequency: str | None, last_change: date | datetime | None, today: date) -> Freshness:
    """The freshness of data last changed at ``last_change`` and declared to change at
    ``frequency``, on ``today``."""
    code = _code(frequency)
    period = PERIODS.get(code)
    last = _day(last_change)
    if period is None or last is None:
        return Freshness("not-assessed", code, last)
    expected = add_period(last, *period)
    late = (today - expected).days
    return Freshness("overdue" if late > 0 else "fresh", code, last, expected, max(late, 0))


# -- the database side -------------------------------------------------------------------------

def _newest(*values) -> datetime | date | None:
    found = [v if isinstance(v, datetime) else datetime(v.year, v.month, v.day)
             for v in values if v is not None]
    return max(found, default=None)


def _as_datetime(value) -> datetime | date | None:
    """SQLite gives aggregates of timestamps back as text."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def last_change(modified: date | None, issued: date | None, record_created: datetime | None,
                stamps: Iterable[datetime | None]) -> datetime | date | None:
    """The rule of the module's docstring, from the dataset's dates and its resources' and
    links' stamps."""
    last = _newest(modified, *stamps)
    return last if last is not None else (_newest(issued) or record_created)


def of_dataset(dataset, checks: dict, today: date | None = None) -> Freshness:
    """A loaded dataset's freshness; ``checks``: the current link checks of its resources by
    resource id (``portal.linkcheck.services.current``)."""
    stamps: list[datetime | None] = []
    for resource in dataset.resources:
        stamps += [resource.last_modified, resource.created]
        check = checks.get(resource.id)
        if check is not None:
            stamps += [check.remote_modified, check.url_since]
    last = last_change(dataset.modified, dataset.issued, dataset.metadata_created, stamps)
    return assess(dataset.frequency, last, today or utcnow().date())


def for_datasets(dataset_ids: Iterable[str] | None = None, *, public_only: bool = True,
                 entity_id: str | None = None, today: date | None = None
                 ) -> dict[str, tuple[str, Freshness]]:
    """``{dataset id: (entity id, Freshness)}`` of these datasets (every dataset that is not
    deleted when ``None``; of one entity when told; public ones only unless told). Three
    grouped statements."""
    from portal.catalog.models import Dataset, Resource
    from portal.linkcheck.models import LinkCheck

    today = today or utcnow().date()
    where = [Dataset.state != "deleted"]
    if public_only:
        where += [Dataset.state == "active", Dataset.private.is_(False)]
    if entity_id is not None:
        where.append(Dataset.entity_id == entity_id)
    ids = None if dataset_ids is None else list(dataset_ids)
    chunks = [None] if ids is None else [ids[i:i + 500] for i in range(0, len(ids), 500)]
    result: dict[str, tuple[str, Freshness]] = {}
    for chunk in chunks:
        scope = where if chunk is None else [*where, Dataset.id.in_(chunk)]
        resources = dict((row[0], row[1:]) for row in db.session.execute(
            select(Resource.dataset_id, func.max(Resource.last_modified),
                   func.max(Resource.created))
            .join(Dataset, Dataset.id == Resource.dataset_id).where(*scope)
            .group_by(Resource.dataset_id)))
        links = dict((row[0], row[1:]) for row in db.session.execute(
            select(Resource.dataset_id, func.max(LinkCheck.remote_modified),
                   func.max(LinkCheck.url_since))
            .join(LinkCheck, and_(LinkCheck.resource_id == Resource.id,
                                  LinkCheck.url == Resource.url))
            .join(Dataset, Dataset.id == Resource.dataset_id)
            .where(*scope, Resource.url_type != "upload").group_by(Resource.dataset_id)))
        for row in db.session.execute(
                select(Dataset.id, Dataset.entity_id, Dataset.frequency, Dataset.modified,
                       Dataset.issued, Dataset.metadata_created).where(*scope)):
            stamps = [_as_datetime(v) for v in (*resources.get(row.id, ()),
                                                *links.get(row.id, ()))]
            last = last_change(row.modified, row.issued, row.metadata_created, stamps)
            result[row.id] = (row.entity_id, assess(row.frequency, last, today))
    return result


def entity_counts(today: date | None = None) -> dict[str, dict[str, int]]:
    """``{entity id: {"datasets", "assessed", "fresh", "overdue"}}`` over public datasets."""
    counts: dict[str, dict[str, int]] = {}
    for entity_id, found in for_datasets(today=today).values():
        entry = counts.setdefault(entity_id, {"datasets": 0, "assessed": 0, "fresh": 0,
                                              "overdue": 0})
        entry["datasets"] += 1
        if found.status != "not-assessed":
            entry["assessed"] += 1
            entry[found.status] += 1
    return counts
