"""The rules of dataset series and their only writer.

A series is a dataset marked as one (``mark_series``; the API creates and marks it in one unit
of work). Members are added and removed by those who publish in
both the series' entity and the member's entity: membership changes what both publish
(``dcat:inSeries`` on the member, ``dcat:first``/``dcat:last`` on the series).

Members are ordered by their temporal coverage (start, then end; undated members last), then by
name: the order needs no upkeep and follows what the data cover (docs/series.md). Public outputs
(pages, feeds, navigation) show only public members.

A membership change touches the ``metadata_modified`` of the series and of every member (their
``prev``/``next`` may change), so the feeds' caches, keyed by it, follow; each is announced
(``dataset_changed``) after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from portal import db, signals
from portal.auth import permissions
from portal.catalog import services as catalog
from portal.catalog.models import Dataset
from portal.db import on_commit, unit_of_work, utcnow
from portal.errors import NotFound, ValidationError
from portal.series.models import DatasetSeries, SeriesMember

SERIES_TYPE = "series"
DATASET_TYPE = "dataset"


def order_key(dataset: Any) -> tuple:
    """Members in series order: by temporal coverage, undated ones last, then by name."""
    return (dataset.temporal_start or date.max, dataset.temporal_end or date.max, dataset.name)


def is_series(dataset_id: str) -> bool:
    return dataset_id in links().series


def get_series(ref: str) -> Dataset:
    dataset = catalog.get_dataset(ref)
    if db.session.get(DatasetSeries, dataset.id) is None:
        raise NotFound(str(_l("«{ref}» no es una serie de conjuntos de datos.")).format(ref=ref))
    return dataset


def read_series(ref: str, actor) -> Dataset:
    dataset = catalog.read_dataset(ref, actor)
    if db.session.get(DatasetSeries, dataset.id) is None:
        raise NotFound(str(_l("«{ref}» no es una serie de conjuntos de datos.")).format(ref=ref))
    return dataset


def _require_publisher(actor, *datasets: Dataset) -> None:
    for dataset in datasets:
        permissions.require(permissions.can_publish_in(actor, dataset.entity_id), str(_l(
            "Solo quien publica en la entidad de «{name}» puede cambiar sus series.")).format(
                name=dataset.name))


def mark_series(dataset: Dataset, actor) -> Dataset:
    """Make an existing dataset a series (it must not be a member of one)."""
    _require_publisher(actor, dataset)
    with unit_of_work() as session:
        if session.get(DatasetSeries, dataset.id) is not None:
            return dataset
        if session.scalar(select(SeriesMember.series_id)
                          .where(SeriesMember.dataset_id == dataset.id).limit(1)):
            raise ValidationError({"id": [str(_l(
                "Un conjunto de datos que pertenece a una serie no puede ser una serie."))]})
        session.add(DatasetSeries(dataset_id=dataset.id))
        touch([dataset.id])
    return dataset


def member_ids(series_id: str) -> list[str]:
    return list(db.session.scalars(
        select(SeriesMember.dataset_id).where(SeriesMember.series_id == series_id)))


def add_member(series: Dataset, member: Dataset, actor) -> None:
    _require_publisher(actor, series, member)
    with unit_of_work() as session:
        if session.get(DatasetSeries, series.id) is None:
            raise ValidationError({"id": [str(_l(
                "«{name}» no es una serie de conjuntos de datos.")).format(name=series.name)]})
        if session.get(DatasetSeries, member.id) is not None:
            raise ValidationError({"dataset": [str(_l(
                "Una serie no puede ser miembro de otra serie."))]})
        if session.get(SeriesMember, (series.id, member.id)) is not None:
            return
        session.add(SeriesMember(series_id=series.id, dataset_id=member.id))
        session.flush()
        touch([series.id, *member_ids(series.id)])


def remove_member(series: Dataset, member: Dataset, actor) -> None:
    _require_publisher(actor, series, member)
    with unit_of_work() as session:
        found = session.get(SeriesMember, (series.id, member.id))
        if found is None:
            raise NotFound(str(_l("«{member}» no pertenece a la serie «{series}».")).format(
                member=member.name, series=series.name))
        others = member_ids(series.id)
        session.delete(found)
        touch([series.id, *others])


def set_series_of(member: Dataset, series_ids: list[str], actor) -> None:
    """Make ``member``'s series exactly those of ``series_ids`` that are series (harvest: as
    the source says)."""
    with unit_of_work() as session:
        if session.get(DatasetSeries, member.id) is not None:
            return  # a series is in no series
        current = set(session.scalars(select(SeriesMember.series_id)
                                      .where(SeriesMember.dataset_id == member.id)))
        wanted = set(session.scalars(select(DatasetSeries.dataset_id)
                                     .where(DatasetSeries.dataset_id.in_(series_ids))))
        wanted.discard(member.id)
        if current == wanted:
            return
        for series_id in current - wanted:
            remove_member(session.get(Dataset, series_id), member, actor)
        for series_id in wanted - current:
            add_member(session.get(Dataset, series_id), member, actor)


def touch(dataset_ids: list[str]) -> None:
    """Membership changed what these datasets publish: bump their ``metadata_modified`` and
    announce them after the commit."""
    db.session.execute(update(Dataset).where(Dataset.id.in_(dataset_ids))
                       .values(metadata_modified=utcnow()).execution_options(
                           synchronize_session=False))
    _forget()
    for dataset_id in dataset_ids:
        on_commit(lambda dataset_id=dataset_id: signals.dataset_changed.send(dataset_id))


def members(series: Dataset, actor=None) -> list[Dataset]:
    """The series' members in order: the public ones, and with ``actor`` those it may read."""
    found = db.session.scalars(
        select(Dataset).join(SeriesMember, SeriesMember.dataset_id == Dataset.id)
        .where(SeriesMember.series_id == series.id, Dataset.state != "deleted")).all()
    return sorted((d for d in found if d.is_public or (
        actor is not None and permissions.can_read_dataset(actor, d))), key=order_key)


@dataclass(frozen=True)
class Ref:
    id: str
    name: str
    title: str
    description: str


@dataclass
class Links:
    """The series links of the public catalog, from one query: which datasets are series, the
    members of each (in order) and the series of each member."""

    series: dict[str, Ref] = field(default_factory=dict)
    members: dict[str, list[Ref]] = field(default_factory=dict)
    in_series: dict[str, list[str]] = field(default_factory=dict)

    def navigation(self, dataset_id: str) -> list[dict[str, Any]]:
        """For each series of a member: the series and the member's previous and next."""
        out = []
        for series_id in self.in_series.get(dataset_id, ()):
            ordered = self.members[series_id]
            at = [ref.id for ref in ordered].index(dataset_id)
            out.append({"series": self.series[series_id],
                        "prev": ordered[at - 1] if at > 0 else None,
                        "next": ordered[at + 1] if at + 1 < len(ordered) else None})
        return out


def _load_links() -> Links:
    found = Links()
    # Driven by the (small) series tables, visibility read rather than filtered on: a condition
    # on the dataset's state or privacy leads SQLite to scan every public dataset (a quarter of
    # a second per request at a million datasets).
    rows = db.session.execute(
        select(Dataset.id, Dataset.name, Dataset.title, Dataset.description, Dataset.state,
               Dataset.private)
        .where(Dataset.id.in_(select(DatasetSeries.dataset_id))))
    for row in rows:
        if row.state != "active" or row.private:
            continue
        found.series[row.id] = Ref(row.id, row.name, row.title, row.description)
        found.members[row.id] = []
    keyed = []
    rows = db.session.execute(
        select(SeriesMember.series_id, Dataset.id, Dataset.name, Dataset.title,
               Dataset.description, Dataset.temporal_start, Dataset.temporal_end, Dataset.state,
               Dataset.private)
        .join(Dataset, Dataset.id == SeriesMember.dataset_id))
    for row in rows:
        if row.state != "active" or row.private:
            continue
        if row.series_id in found.series:
            keyed.append((order_key(row), row.series_id,
                          Ref(row.id, row.name, row.title, row.description)))
    for _key, series_id, ref in sorted(keyed, key=lambda item: item[0]):
        found.members[series_id].append(ref)
        found.in_series.setdefault(ref.id, []).append(series_id)
    return found


def series_names(dataset_id: str) -> list[str]:
    """The names of the public series a public dataset is in (the search facet "Serie")."""
    found = links()
    return [found.series[series_id].name for series_id in found.in_series.get(dataset_id, ())]


def in_series_clause(series_name: str):
    """A condition on ``Dataset``: it is a member of the series named ``series_name``."""
    series = aliased(Dataset)
    return Dataset.id.in_(
        select(SeriesMember.dataset_id).join(series, series.id == SeriesMember.series_id)
        .where(series.name == series_name))


def series_facet(ids, counted) -> list:
    """The facet "Serie" of the catalog's database listing (``listing._facets``'s ``counted``)."""
    series = aliased(Dataset)
    return counted(series.name, series.title,
                   (SeriesMember, SeriesMember.dataset_id == Dataset.id),
                   (series, series.id == SeriesMember.series_id))


def links() -> Links:
    """The public series links, loaded once per application context (a request, a job)."""
    found = g.get("series_links")
    if found is None:
        found = g.series_links = _load_links()
    return found


def forget_links(_sender=None, **_kwargs) -> None:
    g.pop("series_links", None)


def _forget() -> None:
    g.pop("series_links", None)
    on_commit(lambda: g.pop("series_links", None))
