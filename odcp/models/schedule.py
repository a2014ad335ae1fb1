"""A doctor's availability, defined in the doctor's own IANA time zone, and clinic policy."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class AvailabilityRule(SQLModel, table=True):
    """A weekly window, e.g. Mondays 09:00-12:00 local time in 30-minute slots."""

    __tablename__ = "availability_rules"

    id: int | None = Field(default=None, primary_key=True)
    doctor_id: int = Field(foreign_key="doctor_profiles.id", index=True)
    weekday: int = Field(ge=0, le=6, description="0 = Monday, as datetime.weekday()")
    start_time: time
    end_time: time
    slot_minutes: int = Field(default=30, gt=0)
    buffer_minutes: int = Field(default=0, ge=0)
    modes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class DateOverride(SQLModel, table=True):
    """One local date with other hours than the weekly rules; no times means closed."""

    __tablename__ = "availability_overrides"

    id: int | None = Field(default=None, primary_key=True)
    doctor_id: int = Field(foreign_key="doctor_profiles.id", index=True)
    on_date: date = Field(index=True)
    start_time: time | None = None
    end_time: time | None = None
    slot_minutes: int = Field(default=30, gt=0)
    modes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class TimeOff(SQLModel, table=True):
    """A span (UTC) when the doctor takes no appointments: holiday, conference, sickness."""

    __tablename__ = "time_off"

    id: int | None = Field(default=None, primary_key=True)
    doctor_id: int = Field(foreign_key="doctor_profiles.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    reason: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ClinicPolicy(SQLModel, table=True):
    """The clinic's booking rules, one row, set by admins."""

    __tablename__ = "clinic_policy"

    id: int | None = Field(default=1, primary_key=True)
    booking_horizon_days: int = Field(default=60, ge=1, le=365)
    min_notice_minutes: int = Field(default=60, ge=0)
    cancel_cutoff_hours: int = Field(default=24, ge=0)
    reschedule_cutoff_hours: int = Field(default=24, ge=0)
    requires_approval: bool = Field(default=False)
    room_opens_minutes_before: int = Field(default=10, ge=0, le=120)
    chat_open_days_after: int = Field(default=7, ge=0)
    # Signed consultation notes are shown to the patient (migration 0011).
    share_notes_with_patient: bool = Field(default=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
