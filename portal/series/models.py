"""Dataset series (DCAT-AP 3 ``dcat:DatasetSeries``).

A series is a dataset (its title, description, publisher, themes... are a dataset's) marked by a
row of ``dataset_series``; CKAN calls it a dataset of ``type`` "series". Its members are ordinary
datasets linked by ``series_member`` (``dcat:inSeries``); a dataset may belong to several series.
Members are ordered by their temporal coverage, not by a stored position (docs/series.md).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


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


