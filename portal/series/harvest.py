"""Series described by a harvest source, linked as the source says.

A harvester adds ``series_links`` to an item's dataset: ``{"type": "series" | "dataset",
"in_series": [remote references of series]}``. The DCAT harvester reads ``dcat:DatasetSeries``
and ``dcat:inSeries`` (series IRIs); the CKAN harvester reads ``type`` ("series", or
ckanext-dataset-series' "dataset_series") and ``in_series`` (series ids). The writer hands each
written dataset to one ``SeriesLinker`` per run, which marks series and sets a member's series
to those named, resolving a reference by the remote id or address of an item of the same source
(this run's, or an earlier run's). A member written before its series waits until the series is
written in the same run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal import db
from portal.auth.permissions import SYSTEM
from portal.catalog.models import Dataset
from portal.series import services

KEY = "series_links"
SERIES_TYPES = ("series", "dataset_series")


class SeriesLinker:
    def __init__(self, previous: Mapping[str, Any]):
        #: remote id or address -> dataset id, for the items of earlier runs and this one
        self.ids: dict[str, str] = {remote_id: item.dataset_id
                                    for remote_id, item in previous.items() if item.dataset_id}
        self.waiting: dict[str, list[str]] = {}

    def written(self, item, dataset: Dataset, links: dict[str, Any] | None) -> None:
        keys = [key for key in (item.remote_id, item.url) if key]
        for key in keys:
            self.ids[key] = dataset.id
        if not isinstance(links, dict):
            return
        if links.get("type") in SERIES_TYPES:
            services.mark_series(dataset, SYSTEM)
            for key in keys:
                for member_id in self.waiting.pop(key, ()):
                    member = db.session.get(Dataset, member_id)
                    if member is not None:
                        services.add_member(dataset, member, SYSTEM)
            return
        found = []
        for ref in links.get("in_series") or ():
            series_id = self.ids.get(str(ref))
            if series_id is None:
                self.waiting.setdefault(str(ref), []).append(dataset.id)
            else:
                found.append(series_id)
        services.set_series_of(dataset, found, SYSTEM)
