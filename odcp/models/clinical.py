"""Clinical records written during a consultation: SOAP notes with addenda, prescriptions
with their medication lines.

What is sealed and why: every clinical word (the four SOAP sections, each addendum, each
medication line, a prescription's instructions and patient details, its cancellation
reason) is AES-GCM ciphertext bound to its row (crypto contexts named in the services).
Only what the clinic must query or what the public verification page shows stays plain:
who, which appointment, when, status and validity dates. The readers (a history timeline,
a FHIR export) decrypt through odcp.services.notes / odcp.services.prescriptions.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class NoteStatus(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"


class ConsultationNote(SQLModel, table=True):
    """One SOAP note per appointment. `version` rises on every saved change, so an autosave
    based on an older version is refused instead of overwriting newer text."""

    __tablename__ = "consultation_notes"
    __table_args__ = (UniqueConstraint("appointment_id",
                                       name="uq_consultation_notes_appointment_id"),)

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointments.id")
    doctor_id: int = Field(foreign_key="doctor_profiles.id", index=True)
    patient_id: int = Field(foreign_key="users.id", index=True)
    author_id: int = Field(foreign_key="users.id")
    soap_enc: str = Field(sa_column=Column(Text, nullable=False))
    version: int = Field(default=1)
    status: NoteStatus = Field(sa_column=Column(String(10), nullable=False))
    signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    signed_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NoteAddendum(SQLModel, table=True):
    """A dated addition to a signed note; rows are only ever inserted."""

    __tablename__ = "note_addenda"

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="consultation_notes.id", index=True)
    author_id: int = Field(foreign_key="users.id")
    text_enc: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PrescriptionStatus(StrEnum):
    """Stored: active or cancelled. Expired is computed from `valid_until` when read."""

    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Prescription(SQLModel, table=True):
    """`public_id` is the random half of the signed reference printed as a QR code
    (odcp.services.prescription_verify); it is never derived from the row id."""

    __tablename__ = "prescriptions"
    __table_args__ = (UniqueConstraint("public_id", name="uq_prescriptions_public_id"),)

    id: int | None = Field(default=None, primary_key=True)
    public_id: str = Field(sa_column=Column(String(32), nullable=False))
    appointment_id: int = Field(foreign_key="appointments.id", index=True)
    doctor_id: int = Field(foreign_key="doctor_profiles.id", index=True)
    patient_id: int = Field(foreign_key="users.id", index=True)
    issued_by_id: int = Field(foreign_key="users.id")
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    valid_until: date
    # Sealed JSON: general instructions and the patient's name and date of birth as
    # printed at issue, so a re-rendered PDF is the document that was issued.
    details_enc: str = Field(sa_column=Column(Text, nullable=False))
    status: PrescriptionStatus = Field(sa_column=Column(String(12), nullable=False))
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by_id: int | None = Field(default=None, foreign_key="users.id")
    cancel_reason_enc: str | None = Field(default=None, sa_column=Column(Text))

    def status_on(self, today: date | None = None) -> PrescriptionStatus:
        """Cancelled as stored; expired once `valid_until` (a UTC date) has passed."""
        if self.status == PrescriptionStatus.CANCELLED:
            return PrescriptionStatus.CANCELLED
        if self.valid_until < (today or utcnow().date()):
            return PrescriptionStatus.EXPIRED
        return PrescriptionStatus.ACTIVE


class MedicationLine(SQLModel, table=True):
    """One medication of a prescription; `content_enc` seals name, strength, route,
    frequency, duration, quantity and instructions together."""

    __tablename__ = "prescription_lines"
    __table_args__ = (UniqueConstraint("prescription_id", "position",
                                       name="uq_prescription_lines_position"),)

    id: int | None = Field(default=None, primary_key=True)
    prescription_id: int = Field(foreign_key="prescriptions.id", index=True)
    position: int = Field(ge=1)
    content_enc: str = Field(sa_column=Column(Text, nullable=False))
