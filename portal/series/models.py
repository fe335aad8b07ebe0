"""Dataset series (DCAT-AP 3 ``dcat:DatasetSeries``) and dataset versions (``dcat:hasVersion``).

A series is a dataset (its title, description, publisher, themes... are a dataset's) marked by a
row of ``dataset_series``; CKAN calls it a dataset of ``type`` "series". Its members are ordinary
datasets linked by ``series_member`` (``dcat:inSeries``); a dataset may belong to several series.
Members are ordered by their temporal coverage, not by a stored position (docs/series.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, new_id, utcnow


class DatasetSeries(Base):
    """The mark that makes a dataset a series."""

    __tablename__ = "dataset_series"

    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SeriesMember(Base):
    """A dataset in a series (``dcat:inSeries``)."""

    __tablename__ = "series_member"

    series_id: Mapped[str] = mapped_column(
        ForeignKey("dataset_series.dataset_id", ondelete="CASCADE"), primary_key=True)
    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True, index=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)




class DatasetVersion(Base):
    """A version of a dataset (``dcat:hasVersion``): what the dataset held when it was made, its
    metadata and its resources, each uploaded file copied under its own storage key so the
    version keeps showing and serving it after the dataset changes."""

    __tablename__ = "dataset_version"
    __table_args__ = (UniqueConstraint("dataset_id", "version",
                                       name="uq_dataset_version_dataset_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(50))  # dcat:version, in the stable URL
    notes: Mapped[str] = mapped_column(Text, default="")  # adms:versionNotes
    #: ``catalog.dataset_snapshot`` as JSON, each upload's ``storage_key`` the copy's.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
