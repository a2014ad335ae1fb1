"""A doctor's private calendar feed: a secret URL their calendar app polls.

Only a SHA-256 hash of the secret is stored, so a copy of the database does not hand out
working feed URLs. At most one feed per doctor is live (not revoked); the partial unique
index keeps two racing "create" clicks from leaving two working URLs.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, String, text
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow

_LIVE_SQL = "revoked_at IS NULL"


class CalendarFeed(SQLModel, table=True):
    __tablename__ = "calendar_feeds"
    __table_args__ = (
        Index("ux_calendar_feeds_doctor_live", "doctor_id", unique=True,
              sqlite_where=text(_LIVE_SQL), postgresql_where=text(_LIVE_SQL)),
    )

    id: int | None = Field(default=None, primary_key=True)
    doctor_id: int = Field(foreign_key="doctor_profiles.id", index=True)
    token_hash: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
