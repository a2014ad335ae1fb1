"""Server-side sign-in sessions. Only hashes of tokens are stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class AuthSession(SQLModel, table=True):
    """One signed-in device. The refresh/cookie token rotates; the row (family) stays."""

    __tablename__ = "auth_sessions"

    id: str = Field(primary_key=True, max_length=36)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    previous_token_hash: str | None = Field(default=None, sa_column=Column(String(64), index=True))
    # Hashes of every refresh token this session has rotated away from: presenting any of
    # them again is a replay, and revokes the session (the whole token family).
    used_token_hashes: list[str] = Field(default_factory=list,
                                         sa_column=Column(JSON, nullable=False,
                                                          server_default="[]"))
    kind: str = Field(default="browser", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, max_length=40)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)
