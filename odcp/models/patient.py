"""A patient's medical profile, encrypted at rest as one sealed document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, Text
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class PatientProfile(SQLModel, table=True):
    """`medical_enc` holds date of birth, sex, blood group, allergies, conditions,
    medications, surgeries, lifestyle, family history and the emergency contact, as
    AES-GCM-sealed JSON bound to this patient (odcp.services.crypto)."""

    __tablename__ = "patient_profiles"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id"), unique=True, nullable=False)
    )
    medical_enc: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                          server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
