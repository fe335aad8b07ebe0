"""Users and their membership of entities."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.catalog.models import Dataset
from portal.db import Base, new_id, utcnow

ROLES = ("admin", "editor", "member")
USER_STATES = ("active", "disabled")
REQUEST_STATES = ("pending", "approved", "rejected")


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    fullname: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    sysadmin: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), default="active")
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    about: Mapped[str] = mapped_column(Text, default="")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # flask-login protocol
    @property
    def is_active(self) -> bool:
        return self.state == "active"

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the session keeps: the id and a fingerprint of the password hash, so that
        changing the password ends every other session (``sessions.load_user``)."""
        return f"{self.id}.{self.password_fingerprint}"

    @property
    def password_fingerprint(self) -> str:
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def role_in(self, entity_id: str | None) -> str | None:
        for membership in self.memberships:
            if membership.entity_id == entity_id:
                return membership.role
        return None


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "entity_id", name="uq_membership_user_entity"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")


class MembershipRequest(Base):
    """A logged-in user asking to join an entity (CKAN's ``member_request``); one row per user
    and entity, reopened when asked again."""

    __tablename__ = "membership_request"
    __table_args__ = (
        UniqueConstraint("user_id", "entity_id", name="uq_membership_request_user_entity"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    entity_id: Mapped[str] = mapped_column(ForeignKey("entity.id", ondelete="CASCADE"),
                                           index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    created: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by: Mapped[str] = mapped_column(String(100), default="")

    user: Mapped[User] = relationship(lazy="joined")
    entity = relationship("Entity", lazy="joined")


#: "My datasets" (the dashboard, the public profile) are an entity's or the ones a user created:
#: the accounts domain's index on the catalog's table (migration 0016_accounts).
Index("ix_dataset_creator_user_id", Dataset.creator_user_id)
