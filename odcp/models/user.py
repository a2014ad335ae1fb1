"""Accounts: who someone is, what role they hold and whether they may sign in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    PATIENT = "patient"
    DOCTOR = "doctor"
    ADMIN = "admin"
    SUPER_ADMIN = "super_admin"


class AdminSubrole(StrEnum):
    """Admin sub-roles each grant a subset of admin powers (empty: full admin)."""

    APPOINTMENTS = "appointments"
    FINANCE = "finance"
    SUPPORT = "support"


class AccountStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REMOVED = "removed"


ADMIN_ROLES = frozenset({Role.ADMIN, Role.SUPER_ADMIN})


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), unique=True, nullable=False, index=True))
    password_hash: str = Field(max_length=200)
    full_name: str = Field(max_length=120)
    phone: str | None = Field(default=None, max_length=32)
    role: Role = Field(sa_column=Column(String(20), nullable=False, index=True))
    admin_subrole: AdminSubrole | None = Field(default=None, sa_column=Column(String(20)))
    status: AccountStatus = Field(sa_column=Column(String(20), nullable=False, index=True))
    timezone: str = Field(default="UTC", max_length=64)
    language: str = Field(default="en", max_length=16)
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    avatar_path: str | None = Field(default=None, max_length=200)
    mfa_secret_enc: str | None = Field(default=None, max_length=300)
    mfa_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mfa_last_step: int | None = Field(default=None, description="last TOTP step accepted")
    password_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


class UserPublic(BaseModel):
    """What may leave the server about an account: never the password hash."""

    id: int
    email: str
    full_name: str
    role: Role
    status: AccountStatus
    timezone: str
    language: str

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls.model_validate(user, from_attributes=True)
