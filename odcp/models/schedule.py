"""A doctor's weekly availability, defined in the doctor's own IANA time zone."""

from __future__ import annotations

from datetime import time

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class AvailabilityRule(SQLModel, table=True):
    __tablename__ = "availability_rules"

    id: int | None = Field(default=None, primary_key=True)
    doctor_id: int = Field(foreign_key="doctor_profiles.id", index=True)
    weekday: int = Field(ge=0, le=6, description="0 = Monday, as datetime.weekday()")
    start_time: time
    end_time: time
    slot_minutes: int = Field(default=30, gt=0)
    buffer_minutes: int = Field(default=0, ge=0)
    modes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
