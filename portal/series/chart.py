"""One chart across a series' members: when their tables share a Table Schema, the total of
each numeric column per member, read from the stored files one row at a time (bounded memory).

A member's table is its first uploaded CSV resource with an inline Table Schema. The members
share a schema when their fields have the same names and types, in the same order.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.catalog.models import Dataset, Resource
from portal.storage import storage

NUMERIC = ("number", "integer")


@dataclass
class SeriesTable:
    """Column totals per member: ``columns`` the numeric fields, ``rows`` one per member."""

    columns: list[str]
    rows: list[tuple[Dataset, list[float]]]


def member_table(dataset: Dataset) -> Resource | None:
    for resource in dataset.resources:
        schema = resource.schema
        if (resource.is_upload and (resource.format or "").upper() == "CSV"
                and isinstance(schema, dict) and isinstance(schema.get("fields"), list)):
            return resource
    return None


def _signature(schema: dict[str, Any]) -> tuple:
    return tuple((f.get("name"), f.get("type", "string")) for f in schema["fields"]
                 if isinstance(f, dict))


def _totals(resource: Resource, columns: list[str]) -> list[float]:
    totals = [Decimal(0)] * len(columns)
    with storage().open(resource.storage_key) as raw:
        reader = csv.DictReader(codecs.iterdecode(raw, "utf-8-sig"))
        for row in reader:
            for i, column in enumerate(columns):
                try:
                    totals[i] += Decimal((row.get(column) or "0").strip() or "0")
                except InvalidOperation:
                    continue  # the validation report names the cell; the total skips it
    return [float(total) for total in totals]


def series_table(members: list[Dataset]) -> SeriesTable | None:
    """The totals across ``members``, or ``None`` unless at least two share one schema."""
    tables = [(member, member_table(member)) for member in members]
    tables = [(member, table) for member, table in tables if table is not None]
    if len(tables) < 2 or len({_signature(t.schema) for _m, t in tables}) != 1:
        return None
    columns = [name for name, kind in _signature(tables[0][1].schema) if kind in NUMERIC]
    if not columns:
        return None
    return SeriesTable(columns, [(member, _totals(table, columns)) for member, table in tables])
