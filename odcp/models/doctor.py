"""Doctors and the specialties they practise."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer, String
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class ConsultationMode(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"
    CHAT = "chat"


class VerificationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Specialty(SQLModel, table=True):
    __tablename__ = "specialties"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(80), unique=True, nullable=False))
    slug: str = Field(sa_column=Column(String(80), unique=True, nullable=False))
    description: str = Field(default="", max_length=500)
    active: bool = Field(default=True)
    merged_into_id: int | None = Field(default=None, foreign_key="specialties.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DoctorProfile(SQLModel, table=True):
    __tablename__ = "doctor_profiles"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), unique=True, nullable=False)
    )
    specialty_id: int | None = Field(default=None, foreign_key="specialties.id", index=True)
    qualifications: str = Field(default="", max_length=300)
    licence_number: str = Field(default="", max_length=64)
    years_experience: int = Field(default=0)
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    modes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    fee_cents: int = Field(default=0)
    currency: str = Field(default="USD", max_length=3)
    bio: str = Field(default="", max_length=4000)
    timezone: str = Field(default="UTC", max_length=64)
    verification_status: VerificationStatus = Field(
        sa_column=Column(String(20), nullable=False, index=True)
    )
    verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rating_avg: float = Field(default=0.0)
    rating_count: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # onboarding and verification
    conditions_treated: str = Field(default="", max_length=2000)
    fees_by_mode: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False,
                                                                      server_default="{}"))
    photo_path: str | None = Field(default=None, max_length=200)
    licence_document_path: str | None = Field(default=None, max_length=200)
    licence_document_name: str | None = Field(default=None, max_length=200)
    licence_document_type: str | None = Field(default=None, max_length=64)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by_id: int | None = Field(default=None, foreign_key="users.id")
    rejection_reason: str | None = Field(default=None, max_length=1000)


class DoctorSpecialty(SQLModel, table=True):
    """A doctor's other specialties (the primary one is on the profile)."""

    __tablename__ = "doctor_specialties"

    doctor_id: int = Field(foreign_key="doctor_profiles.id", primary_key=True)
    specialty_id: int = Field(foreign_key="specialties.id", primary_key=True, index=True)


class DoctorSearchDocument(SQLModel, table=True):
    """What search reads for one doctor; rewritten on every change.

    SQLite indexes the text with an FTS5 table kept in step by triggers, PostgreSQL with a
    generated, weighted tsvector column and a GIN index (both made in migration 0003).
    `next_slot_at` is the first free slot within the booking horizon (None: none), kept
    right by odcp.services.next_slot_sync in the same commit as whatever changed it.
    """

    __tablename__ = "doctor_search_documents"

    doctor_id: int = Field(foreign_key="doctor_profiles.id", primary_key=True)
    name: str = Field(default="", max_length=200)
    specialties: str = Field(default="", max_length=1000)
    conditions: str = Field(default="", max_length=2000)
    bio: str = Field(default="", max_length=4000)
    next_slot_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
