"""Single-use emailed tokens, sign-in throttling counters and MFA recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class ActionToken(SQLModel, table=True):
    """An emailed link's secret (hashed): email verification or password reset."""

    __tablename__ = "action_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    purpose: str = Field(sa_column=Column(String(24), nullable=False))
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ThrottleCounter(SQLModel, table=True):
    """Failed attempts for one key (an account or an address) in the current window."""

    __tablename__ = "throttle_counters"

    key: str = Field(sa_column=Column(String(300), primary_key=True))
    window_start: datetime = Field(sa_type=UTCDateTime)
    failures: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MfaRecoveryCode(SQLModel, table=True):
    __tablename__ = "mfa_recovery_codes"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
