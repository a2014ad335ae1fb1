"""Appointments between a patient and a doctor.

The database itself keeps two active appointments off one doctor's slot: a partial unique
index on (doctor_id, starts_at) over the active statuses (works on SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text, text
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class AppointmentStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


ACTIVE_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED,
                   AppointmentStatus.IN_PROGRESS)
# Visits that carry clinical work: notes, prescriptions, follow-up advice, a summary.
CLINICAL_STATUSES = (AppointmentStatus.CONFIRMED, AppointmentStatus.IN_PROGRESS,
                     AppointmentStatus.COMPLETED)
_ACTIVE_SQL = "status IN ('pending', 'confirmed', 'in_progress')"


class Appointment(SQLModel, table=True):
    __tablename__ = "appointments"
    __table_args__ = (
        Index("ux_appointments_doctor_slot_active", "doctor_id", "starts_at", unique=True,
              sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL)),
        Index("ix_appointments_patient_starts", "patient_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="users.id")
    doctor_id: int = Field(foreign_key="doctor_profiles.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    mode: str = Field(sa_column=Column(String(10), nullable=False))
    status: AppointmentStatus = Field(sa_column=Column(String(20), nullable=False, index=True))
    reason_enc: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                         server_default=""))
    fee_cents: int = Field(default=0)
    currency: str = Field(default="USD", max_length=3)
    rescheduled_from_id: int | None = Field(default=None, foreign_key="appointments.id")
    follow_up_of_id: int | None = Field(default=None, foreign_key="appointments.id")
    follow_up_after_days: int | None = Field(default=None, description="doctor's advice")
    # The doctor's advice with it, sealed (appointments.follow_up_note reads it).
    follow_up_note_enc: str | None = Field(default=None, sa_column=Column(Text))
    cancelled_by_id: int | None = Field(default=None, foreign_key="users.id")
    cancel_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
