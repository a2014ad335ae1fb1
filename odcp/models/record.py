"""Reports a patient keeps in their record: lab results, imaging, letters.

What is sealed and why: the title and the original file name can say as much as the report
itself ("HIV test", "biopsy.pdf"), so both are AES-GCM ciphertext bound to the patient and
the stored blob (contexts in odcp.services.patient_documents); the bytes are encrypted in
the private file store before they leave the process. Plain: who, the kind, the report's
date (the timeline sorts by it), the type and size the content check found, and the
random stored name (never derived from the patient's file name).

Who read a document is not a column: every read by someone other than the patient is an
audit entry (action `patient_document.read`), the one log the patient is shown.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from odcp.models.base import UTCDateTime, utcnow


class DocumentKind(StrEnum):
    LAB_RESULT = "lab_result"
    IMAGING = "imaging"
    LETTER = "letter"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"lab_result": "Lab result", "imaging": "Imaging", "letter": "Letter",
                "other": "Other"}[self.value]


class PatientDocument(SQLModel, table=True):
    __tablename__ = "patient_documents"
    __table_args__ = (
        Index("ix_patient_documents_patient_report", "patient_id", "report_date"),
        UniqueConstraint("stored_name", name="uq_patient_documents_stored_name"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="users.id")
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id",
                                       index=True)
    kind: DocumentKind = Field(sa_column=Column(String(20), nullable=False))
    title_enc: str = Field(sa_column=Column(Text, nullable=False))
    file_name_enc: str = Field(sa_column=Column(Text, nullable=False))
    report_date: date
    stored_name: str = Field(sa_column=Column(String(200), nullable=False))
    content_type: str = Field(max_length=50)
    size_bytes: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
