"""The series actions. A series is a dataset of CKAN ``type`` "series" (package_show says
so, with ``in_series`` and ``series_navigation`` on members: ``portal.series.package``).
Loaded by ``portal.api.actions.load`` through ``MODULES`` (entry ``portal.series.api``).
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from portal.api import params, results
from portal.api.actions import datasets
from portal.api.fields import String
from portal.api.params import IdParams, Params
from portal.api.registry import action, ref
from portal.catalog import services as catalog
from portal.db import unit_of_work
from portal.series import package, services

SERIES = {"type": "object", "description": "A series and its members in order.", "properties": {
    "series": ref(results.PackageOut),
    "members": {"type": "array", "items": ref(results.PackageOut)},
    "first": package.REF, "last": package.REF,
    "url": {"type": "string", "description": "The series page."}}}


class SeriesMemberParams(Params):
    id = String(required=True, metadata={"description": "The series (id or name)."})
    dataset = String(required=True, metadata={"description": "The member (id or name)."})


@action("series_create", params=params.PackageParams, result=results.PackageOut, write=True,
        tag="datasets")
def series_create(values, actor):
    """Create a dataset series (DCAT-AP 3 dcat:DatasetSeries): a dataset of type "series",
    with package_create's fields, that groups other datasets (series_member_add). Return it."""
    with unit_of_work():
        dataset = datasets.package_create(values, actor)
        services.mark_series(dataset, actor)
    return dataset


@action("series_mark", params=IdParams, result=results.PackageOut, write=True, tag="datasets")
def series_mark(values, actor):
    """Make an existing dataset a series (it must not be a member of one). Return it."""
    return services.mark_series(catalog.get_dataset(values["id"]), actor)


@action("series_member_add", params=SeriesMemberParams, result=SERIES, write=True,
        tag="datasets")
def series_member_add(values, actor):
    """Add a dataset to a series (dcat:inSeries). The caller must publish in the entities of
    both. Return the series and its members in order."""
    series = services.get_series(values["id"])
    services.add_member(series, catalog.read_dataset(values["dataset"], actor), actor)
    return _series_dict(series, actor)


@action("series_member_remove", params=SeriesMemberParams, result=SERIES, write=True,
        tag="datasets")
def series_member_remove(values, actor):
    """Take a dataset out of a series (the dataset itself is kept). Return the series and its
    remaining members in order."""
    series = services.get_series(values["id"])
    services.remove_member(series, catalog.get_dataset(values["dataset"]), actor)
    return _series_dict(series, actor)


@action("series_show", params=IdParams, result=SERIES, tag="datasets")
def series_show(values, actor):
    """Return a series and its members in order (by temporal coverage, undated ones last),
    the first and the last (dcat:first, dcat:last). Private members are listed only to those
    who may read them."""
    return _series_dict(services.read_series(values["id"], actor), actor)


def _series_dict(series, actor) -> dict[str, Any]:
    members = services.members(series, actor)
    out = results.PackageOut()
    return {"series": out.dump(series), "members": out.dump(members, many=True),
            "first": package.ref(members[0]) if members else None,
            "last": package.ref(members[-1]) if members else None,
            "url": url_for("series.series_read", name=series.name, _external=True)}
