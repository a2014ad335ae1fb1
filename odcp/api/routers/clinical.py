"""Consultation notes, prescriptions, their PDFs and the public prescription check over
REST. Every rule lives in odcp.services.notes / prescriptions / prescription_verify."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from odcp.api.deps import DB, Anonymous, SignedIn
from odcp.api.schema import model_of
from odcp.services import notes, prescription_pdf, prescription_verify, prescriptions
from odcp.services.medication_rules import Medication

router = APIRouter(tags=["clinical records"])


class AddendumOut(BaseModel):
    id: int
    author_name: str
    text: str
    created_at: datetime


class NoteOut(BaseModel):
    appointment_id: int
    subjective: str
    objective: str
    assessment: str
    plan: str
    status: str = Field(description="draft or signed")
    version: int = Field(description="send it back with the next save; 0: never saved")
    updated_at: datetime | None
    signed_at: datetime | None
    signed_by_name: str
    addenda: list[AddendumOut]

    @classmethod
    def of(cls, view: notes.NoteView) -> NoteOut:
        return cls(appointment_id=view.appointment_id, **view.sections, status=view.status,
                   version=view.version, updated_at=view.updated_at,
                   signed_at=view.signed_at, signed_by_name=view.signed_by_name,
                   addenda=[AddendumOut(**a.__dict__) for a in view.addenda])


class NoteIn(BaseModel):
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan: str = ""
    version: int = Field(ge=0, description="the version this text was based on")


class AddendumIn(BaseModel):
    text: str


MedicationOut = model_of(Medication, "MedicationOut")


class PrescriptionOut(BaseModel):
    id: int
    appointment_id: int
    patient_id: int
    patient_name: str
    doctor_id: int
    doctor_name: str
    doctor_registration: str
    issued_at: datetime
    valid_until: date
    status: str = Field(description="active, expired or cancelled")
    medications: list[MedicationOut]
    instructions: str
    reference: str = Field(description="the signed reference printed as a QR code")
    verify_url: str
    cancelled_at: datetime | None
    cancel_reason: str

    @classmethod
    def of(cls, view: prescriptions.PrescriptionView) -> PrescriptionOut:
        return cls(**{k: v for k, v in view.__dict__.items()
                      if k not in ("medications", "patient_birth_date")},
                   medications=[MedicationOut(**m.as_dict()) for m in view.medications],
                   verify_url=prescription_verify.verify_url(view.reference))


class PrescriptionIn(BaseModel):
    medications: list[dict[str, Any]] = Field(
        description="each with name, strength, route, frequency, duration (e.g. '7 days'), "
                    "quantity and optional instructions; checked by the service")
    instructions: str = ""
    valid_until: date | None = Field(default=None, description="default: the longest course")


class CancelIn(BaseModel):
    reason: str


class VerificationOut(BaseModel):
    genuine: bool
    doctor_name: str
    doctor_registration: str
    issued_on: date | None
    valid_until: date | None
    status: str
    patient_initials: str


@router.get("/appointments/{appointment_id}/notes")
def read_notes(appointment_id: int, session: DB, actor: SignedIn) -> NoteOut:
    return NoteOut.of(notes.read(session, actor=actor, appointment_id=appointment_id))


@router.put("/appointments/{appointment_id}/notes")
def save_notes(appointment_id: int, body: NoteIn, session: DB, actor: SignedIn) -> NoteOut:
    """Autosave the draft; 409 when `version` is not the stored one (edited elsewhere)."""
    sections = body.model_dump(exclude={"version"})
    return NoteOut.of(notes.save_draft(session, actor=actor, appointment_id=appointment_id,
                                       sections=sections, version=body.version))


@router.post("/appointments/{appointment_id}/notes/sign")
def sign_notes(appointment_id: int, session: DB, actor: SignedIn) -> NoteOut:
    return NoteOut.of(notes.sign(session, actor=actor, appointment_id=appointment_id))


@router.post("/appointments/{appointment_id}/notes/addenda", status_code=201)
def add_addendum(appointment_id: int, body: AddendumIn, session: DB,
                 actor: SignedIn) -> NoteOut:
    return NoteOut.of(notes.add_addendum(session, actor=actor, appointment_id=appointment_id,
                                         text=body.text))


@router.get("/prescriptions")
def list_prescriptions(session: DB, actor: SignedIn,
                       appointment_id: int | None = None) -> list[PrescriptionOut]:
    """A patient's own prescriptions, or one appointment's (its doctor, patient or admin)."""
    if appointment_id is None:
        found = prescriptions.list_for_patient(session, actor=actor)
    else:
        found = prescriptions.list_for_appointment(session, actor=actor,
                                                   appointment_id=appointment_id)
    return [PrescriptionOut.of(v) for v in found]


@router.post("/appointments/{appointment_id}/prescriptions", status_code=201)
def issue_prescription(appointment_id: int, body: PrescriptionIn, session: DB,
                       actor: SignedIn) -> PrescriptionOut:
    return PrescriptionOut.of(prescriptions.issue(
        session, actor=actor, appointment_id=appointment_id, medications=body.medications,
        instructions=body.instructions, valid_until=body.valid_until))


@router.get("/prescriptions/{prescription_id}")
def get_prescription(prescription_id: int, session: DB, actor: SignedIn) -> PrescriptionOut:
    return PrescriptionOut.of(prescriptions.get(session, actor=actor,
                                                prescription_id=prescription_id))


@router.post("/prescriptions/{prescription_id}/cancel")
def cancel_prescription(prescription_id: int, body: CancelIn, session: DB,
                        actor: SignedIn) -> PrescriptionOut:
    return PrescriptionOut.of(prescriptions.cancel(session, actor=actor,
                                                   prescription_id=prescription_id,
                                                   reason=body.reason))


@router.get("/prescriptions/{prescription_id}/pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def prescription_file(prescription_id: int, session: DB, actor: SignedIn) -> Response:
    """The printable PDF (sync route: FastAPI renders it in its thread pool)."""
    view = prescriptions.get(session, actor=actor, prescription_id=prescription_id, why="pdf")
    return Response(prescription_pdf.render(view), media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''"
                               f"{quote(prescription_pdf.filename(view))}",
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/verify/{reference}")
def verify_prescription(reference: str, session: DB, actor: Anonymous) -> VerificationOut:
    """Public: is this prescription genuine? No sign-in, and no medical data."""
    found = prescription_verify.verify(session, actor=actor, reference=reference)
    return VerificationOut(**found.__dict__)
