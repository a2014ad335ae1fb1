"""The audit log: who did what to which record, when and from where.

Why no medical data here: the log is read by admins who are not treating anyone, so
`detail` carries identifiers and outcomes only, never the content that was read or changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    actor_role: str | None = Field(default=None, sa_column=Column(String(20)))
    action: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    target_type: str | None = Field(default=None, sa_column=Column(String(40), index=True))
    target_id: str | None = Field(default=None, sa_column=Column(String(64)))
    subject_user_id: int | None = Field(default=None, index=True)
    outcome: str = Field(default="success", max_length=16)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
