"""The first rows of an uploaded CSV file, for the resource page's preview."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from portal.catalog.models import Resource
from portal.storage import storage

PREVIEW_BYTES = 64 * 1024
PREVIEW_ROWS = 20
TABULAR_FORMATS = {"CSV", "TSV"}


@dataclass(frozen=True)
class TablePreview:
    header: list[str]
    rows: list[list[str]]
    truncated: bool


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def csv_preview(resource: Resource, max_rows: int = PREVIEW_ROWS) -> TablePreview | None:
    """Header and first rows of an uploaded CSV/TSV resource, or None when there is nothing to
    preview (a link, another format, a missing or unreadable file)."""
    if not resource.is_upload or (resource.format or "").upper() not in TABULAR_FORMATS:
        return None
    try:
        with storage().open(resource.storage_key) as fh:
            raw = fh.read(PREVIEW_BYTES + 1)
    except OSError:
        return None
    cut = len(raw) > PREVIEW_BYTES
    text = _decode(raw[:PREVIEW_BYTES])
    if cut:  # drop the last, probably partial, line
        text = text.rpartition("\n")[0]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if resource.format.upper() == "TSV" else csv.excel
    try:
        rows = [row for row in csv.reader(io.StringIO(text), dialect) if row]
    except csv.Error:
        return None
    if not rows:
        return None
    body = rows[1:max_rows + 1]
    return TablePreview(rows[0], body, cut or len(rows) - 1 > max_rows)
