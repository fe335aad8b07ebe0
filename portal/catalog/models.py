"""The catalog: entities (publishers), themes, keywords, datasets and their resources.

Field names follow DCAT-AP 3 where CKAN has no name for the thing; the API maps them onto CKAN's
dictionaries (``description`` is CKAN's ``notes``, ``entity`` its ``organization``...).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, new_id, utcnow

ENTITY_KINDS = (
    "ministerio",
    "agencia",
    "empresa-publica",
    "gobierno-departamental",
    "gobierno-municipal",
    "gobierno-ioc",
    "universidad",
    "otra",
)
ENTITY_LEVELS = ("central", "territorial")
DATASET_STATES = ("draft", "active", "deleted")
ACCESS_RIGHTS = ("public", "restricted", "non-public")

dataset_tag = Table(
    "dataset_tag",
    Base.metadata,
    Column("dataset_id", ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True),
)

dataset_theme = Table(
    "dataset_theme",
    Base.metadata,
    Column("dataset_id", ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Entity(Base):
    """A public entity that publishes data (CKAN's organization)."""

    __tablename__ = "entity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Other languages than Spanish, {lang: text} (portal/catalog/translations.py).
    title_translated: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    description_translated: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    kind: Mapped[str] = mapped_column(String(40), default="otra")
    level: Mapped[str] = mapped_column(String(20), default="central")
    website: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    logo_url: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(20), default="active")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    datasets: Mapped[list[Dataset]] = relationship(back_populates="entity")


class Theme(Base):
    """A theme (CKAN's group), mapped to the EU data-theme vocabulary for DCAT."""

    __tablename__ = "theme"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Other languages than Spanish, {lang: text} (portal/catalog/translations.py).
    title_translated: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    description_translated: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    eu_theme: Mapped[str] = mapped_column(String(10), default="")
    image_url: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(20), default="active")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    datasets: Mapped[list[Dataset]] = relationship(
        secondary=dataset_theme, back_populates="themes"
    )


class Tag(Base):
    """A free keyword (``dcat:keyword``)."""

    __tablename__ = "tag"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)


class Dataset(Base):
    __tablename__ = "dataset"
    __table_args__ = (
        Index("ix_dataset_state_private", "state", "private"),
        # The feeds page public datasets by last change and by creation (catalog.ttl, Atom).
        Index("ix_dataset_public_modified", "state", "private", "metadata_modified", "id"),
        Index("ix_dataset_public_created", "state", "private", "metadata_created"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    # Other languages than Spanish (portal/catalog/translations.py): {lang: text}, and
    # {lang: [keyword]} for the keywords.
    title_translated: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    description_translated: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    keywords_translated: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id"), index=True)
    license_id: Mapped[str] = mapped_column(String(100), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    access_rights: Mapped[str] = mapped_column(String(20), default="public")
    temporal_start: Mapped[date | None] = mapped_column(Date)
    temporal_end: Mapped[date | None] = mapped_column(Date)
    spatial: Mapped[list[str]] = mapped_column(JSON, default=list)
    frequency: Mapped[str] = mapped_column(String(30), default="")
    language: Mapped[list[str]] = mapped_column(JSON, default=list)
    landing_page: Mapped[str] = mapped_column(String(500), default="")
    version: Mapped[str] = mapped_column(String(50), default="")
    identifier: Mapped[str] = mapped_column(String(500), default="", index=True)
    issued: Mapped[date | None] = mapped_column(Date)
    modified: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), default="active")
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    creator_user_id: Mapped[str | None] = mapped_column(ForeignKey("user_account.id"))
    metadata_created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    metadata_modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    entity: Mapped[Entity] = relationship(back_populates="datasets", lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=dataset_tag, order_by=Tag.name)
    themes: Mapped[list[Theme]] = relationship(
        secondary=dataset_theme, back_populates="datasets", order_by=Theme.name
    )
    resources: Mapped[list[Resource]] = relationship(
        back_populates="dataset", order_by="Resource.position", cascade="all, delete-orphan"
    )

    @property
    def keywords(self) -> list[str]:
        return [tag.name for tag in self.tags]

    @property
    def is_public(self) -> bool:
        return self.state == "active" and not self.private


class Resource(Base):
    """A distribution of a dataset: a link or an uploaded file."""

    __tablename__ = "resource"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("dataset.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Other languages than Spanish, {lang: text} (portal/catalog/translations.py).
    name_translated: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    description_translated: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(2000), default="")
    url_type: Mapped[str] = mapped_column(String(20), default="")  # "upload" for stored files
    storage_key: Mapped[str] = mapped_column(String(500), default="")
    format: Mapped[str] = mapped_column(String(50), default="")
    media_type: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), default="")  # computed by the portal (uploads)
    # What the publisher declared (CKAN's ``hash``/``last_modified``, DCAT's spdx:checksum and
    # dct:modified), kept verbatim beside the portal's own ``sha256``.
    hash: Mapped[str] = mapped_column(String(200), default="")
    last_modified: Mapped[datetime | None] = mapped_column(DateTime)  # UTC
    license_id: Mapped[str] = mapped_column(String(100), default="")
    # A statement of the rights on this distribution besides its licence (ckanext-dcat's
    # ``rights``, DCAT's dct:rights as a dct:RightsStatement), as the publisher wrote it.
    rights: Mapped[str] = mapped_column(String(2000), default="")
    schema: Mapped[Any] = mapped_column(JSON, default=None)  # Table Schema, {"url"} or {"name"}
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    dataset: Mapped[Dataset] = relationship(back_populates="resources")

    @property
    def is_upload(self) -> bool:
        return self.url_type == "upload"
