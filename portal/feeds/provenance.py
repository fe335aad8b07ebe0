"""Where a harvested dataset comes from, for its page: the harvest source (linked to its page
only for those allowed to see it, by the harvest pages' own rule), the remote dataset's address,
its own publisher there and when the portal last took changes from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app, url_for
from flask_login import current_user

from portal.catalog import dcat
from portal.errors import NotAuthorized, NotFound


@dataclass(frozen=True)
class PageProvenance:
    source_name: str
    source_title: str
    source_url: str  # "" when the viewer may not see the source's page
    remote_url: str
    last: datetime | None  # naive UTC, as the page's date filter expects
    publisher_name: str = ""  # the remote publisher, when the source named one
    publisher_url: str = ""


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def dataset_provenance(dataset: Any) -> PageProvenance | None:
    """None for a dataset made in the portal."""
    provenance = dcat.provenance_of(dataset)
    if provenance is None:
        return None
    title, link = provenance.source, ""
    if "harvest.source" in current_app.view_functions:
        from portal.harvest import services as harvest  # the feeds work without harvesters

        try:
            source = harvest.get_source(provenance.source)
        except NotFound:
            source = None  # the source was removed; its datasets stay
        if source is not None:
            title = source.title or source.name
            try:
                harvest.read_source(source.name, current_user)
                link = url_for("harvest.source", name=source.name)
            except NotAuthorized:
                link = ""
    publisher = dcat.remote_publisher(dataset)
    publisher_url = next((url for url in (publisher.url, publisher.uri) if dcat.is_http(url)),
                         "") if publisher else ""
    return PageProvenance(provenance.source, title, link, provenance.remote_url,
                          _naive_utc(provenance.last), publisher.name if publisher else "",
                          publisher_url)
