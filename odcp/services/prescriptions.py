"""Prescriptions: issued by the appointment's doctor on a confirmed, running or completed
appointment; one or more validated medication lines; active until `valid_until`, then
expired, unless the doctor cancels it with a reason.

What is encrypted: each medication line (all seven fields together), the general
instructions with the patient's name and date of birth as printed, and the cancellation
reason. Plain: ids, dates, status and the random public id of the signed reference, which
the public verification page needs and which say nothing medical.

Who reads: the patient (all of theirs), the appointment's doctor, and administrators with
the appointments permission, whose every read is audited. The PDF is rendered from the
same view (odcp.services.prescription_pdf).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from odcp.models.appointment import CLINICAL_STATUSES
from odcp.models.base import utcnow
from odcp.models.clinical import MedicationLine, Prescription, PrescriptionStatus
from odcp.models.doctor import DoctorProfile
from odcp.models.user import Role, User
from odcp.services import appointments, audit, medical_profile
from odcp.services.actor import Actor, require_user
from odcp.services.crypto import decrypt_text, encrypt_text
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound
from odcp.services.medication_rules import Medication, validate_lines
from odcp.services.prescription_verify import new_public_id, reference_for

ISSUABLE = CLINICAL_STATUSES
MAX_INSTRUCTIONS = 1000
MAX_VALID_DAYS = 365


@dataclass(frozen=True)
class PrescriptionView:
    id: int
    appointment_id: int
    patient_id: int
    patient_name: str
    patient_birth_date: date | None
    doctor_id: int
    doctor_name: str
    doctor_registration: str
    issued_at: datetime
    valid_until: date
    status: str
    medications: list[Medication]
    instructions: str
    reference: str
    cancelled_at: datetime | None = None
    cancel_reason: str = ""


def _details_context(public_id: str) -> str:
    return f"prescription:{public_id}:details"


def _line_context(prescription_id: int, position: int) -> str:
    return f"prescription:{prescription_id}:line:{position}"


def _cancel_context(prescription_id: int) -> str:
    return f"prescription:{prescription_id}:cancel"


def view_of(session: Session, rx: Prescription) -> PrescriptionView:
    """Decrypt one prescription for a reader already allowed to see it."""
    details = json.loads(decrypt_text(rx.details_enc, context=_details_context(rx.public_id)))
    lines = session.exec(select(MedicationLine).where(MedicationLine.prescription_id == rx.id)
                         .order_by(col(MedicationLine.position))).all()
    meds = [Medication(**json.loads(decrypt_text(
        line.content_enc, context=_line_context(rx.id, line.position)))) for line in lines]
    profile = session.get(DoctorProfile, rx.doctor_id)
    doctor = session.get(User, profile.user_id)
    birth = details.get("patient_birth_date")
    reason = decrypt_text(rx.cancel_reason_enc, context=_cancel_context(rx.id)) \
        if rx.cancel_reason_enc else ""
    return PrescriptionView(
        id=rx.id, appointment_id=rx.appointment_id, patient_id=rx.patient_id,
        patient_name=details.get("patient_name", ""),
        patient_birth_date=date.fromisoformat(birth) if birth else None,
        doctor_id=rx.doctor_id, doctor_name=doctor.full_name,
        doctor_registration=profile.licence_number, issued_at=rx.issued_at,
        valid_until=rx.valid_until, status=str(rx.status_on()), medications=meds,
        instructions=details.get("instructions", ""), reference=reference_for(rx.public_id),
        cancelled_at=rx.cancelled_at, cancel_reason=reason)


def _valid_until(requested: date | None, meds: Sequence[Medication], today: date) -> date:
    if requested is None:
        return today + timedelta(days=min(max(m.duration_days for m in meds), MAX_VALID_DAYS))
    if requested < today:
        raise Invalid("'Valid until' cannot be in the past.", field="valid_until")
    if requested > today + timedelta(days=MAX_VALID_DAYS):
        raise Invalid(f"A prescription is valid for at most {MAX_VALID_DAYS} days.",
                      field="valid_until")
    return requested


def issue(session: Session, *, actor: Actor, appointment_id: int,
          medications: Sequence[Mapping[str, object]], instructions: str = "",
          valid_until: date | None = None) -> PrescriptionView:
    """Write a prescription for the appointment's patient; all lines or nothing."""
    meds = validate_lines(medications)
    instructions = (instructions or "").strip()
    if len(instructions) > MAX_INSTRUCTIONS:
        raise Invalid(f"Instructions are at most {MAX_INSTRUCTIONS} characters.",
                      field="instructions")
    appt, part = appointments.get_for(session, actor=actor, appointment_id=appointment_id)
    if part != "doctor":
        raise Forbidden("Only the appointment's doctor can write a prescription.")
    if appt.status not in ISSUABLE:
        raise Conflict("Prescriptions can be written on confirmed, in-progress or completed "
                       "appointments only.")
    now = utcnow()
    until = _valid_until(valid_until, meds, now.date())
    patient = session.get(User, appt.patient_id)
    birth = medical_profile.read_for(session, actor=actor,
                                     patient_user_id=appt.patient_id).date_of_birth
    public_id = new_public_id()
    details = {"instructions": instructions, "patient_name": patient.full_name,
               "patient_birth_date": birth.isoformat() if birth else None}
    rx = Prescription(public_id=public_id, appointment_id=appt.id, doctor_id=appt.doctor_id,
                      patient_id=appt.patient_id, issued_by_id=actor.user_id, issued_at=now,
                      valid_until=until, status=PrescriptionStatus.ACTIVE,
                      details_enc=encrypt_text(json.dumps(details),
                                               context=_details_context(public_id)))
    session.add(rx)
    session.flush()
    for position, med in enumerate(meds, start=1):
        session.add(MedicationLine(prescription_id=rx.id, position=position,
                                   content_enc=encrypt_text(json.dumps(med.as_dict()),
                                                            context=_line_context(rx.id,
                                                                                  position))))
    session.flush()
    audit.record(session, actor=actor, action="prescription.issue", target_type="prescription",
                 target_id=rx.id, subject_user_id=rx.patient_id,
                 detail={"appointment_id": appt.id, "lines": len(meds)})
    return view_of(session, rx)


def _part(session: Session, actor: Actor, rx: Prescription | None) -> str:
    """The actor's part in the prescription's appointment; NotFound for strangers."""
    try:
        if rx is None:
            raise NotFound("No such prescription.")
        return appointments.get_for(session, actor=actor, appointment_id=rx.appointment_id)[1]
    except NotFound:
        raise NotFound("No such prescription.") from None


def _readable(session: Session, actor: Actor, rx: Prescription | None,
              why: str) -> Prescription:
    """The prescription if the actor is its patient, its doctor or an appointments admin
    (audited); NotFound otherwise, so strangers learn nothing about it."""
    if _part(session, actor, rx) == "admin":
        audit.record(session, actor=actor, action=f"prescription.{why}",
                     target_type="prescription", target_id=rx.id,
                     subject_user_id=rx.patient_id)
    return rx


def get(session: Session, *, actor: Actor, prescription_id: int,
        why: str = "read") -> PrescriptionView:
    """One prescription; `why` names an admin's audited read ("read" or "pdf")."""
    rx = _readable(session, actor, session.get(Prescription, prescription_id), why)
    return view_of(session, rx)


def list_for_patient(session: Session, *, actor: Actor) -> list[PrescriptionView]:
    """Every prescription of the signed-in patient, newest first, whatever its status."""
    user = require_user(actor)
    if user.role != Role.PATIENT:
        raise Forbidden("Only patients have prescriptions of their own; doctors list an "
                        "appointment's prescriptions.")
    rows = session.exec(select(Prescription).where(Prescription.patient_id == user.id)
                        .order_by(col(Prescription.issued_at).desc())).all()
    return [view_of(session, rx) for rx in rows]


def list_for_appointment(session: Session, *, actor: Actor,
                         appointment_id: int) -> list[PrescriptionView]:
    appt, part = appointments.get_for(session, actor=actor, appointment_id=appointment_id)
    rows = session.exec(select(Prescription).where(Prescription.appointment_id == appt.id)
                        .order_by(col(Prescription.issued_at).desc())).all()
    if part == "admin" and rows:
        audit.record(session, actor=actor, action="prescription.read",
                     target_type="appointment", target_id=appt.id,
                     subject_user_id=appt.patient_id, detail={"count": len(rows)})
    return [view_of(session, rx) for rx in rows]


def cancel(session: Session, *, actor: Actor, prescription_id: int,
           reason: str) -> PrescriptionView:
    """The issuing appointment's doctor withdraws a prescription; the reason is kept
    (encrypted) for the patient, the verification page shows only "cancelled"."""
    rx = session.get(Prescription, prescription_id)
    if _part(session, actor, rx) != "doctor":
        raise Forbidden("Only the doctor who wrote the prescription can cancel it.")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Give a reason for cancelling the prescription.", field="reason")
    if len(reason) > 500:
        raise Invalid("Keep the reason under 500 characters.", field="reason")
    if rx.status == PrescriptionStatus.CANCELLED:
        raise Conflict("This prescription is already cancelled.")
    rx.status, rx.cancelled_at, rx.cancelled_by_id = (PrescriptionStatus.CANCELLED, utcnow(),
                                                      actor.user_id)
    rx.cancel_reason_enc = encrypt_text(reason, context=_cancel_context(rx.id))
    session.add(rx)
    session.flush()
    audit.record(session, actor=actor, action="prescription.cancel",
                 target_type="prescription", target_id=rx.id, subject_user_id=rx.patient_id,
                 detail={"appointment_id": rx.appointment_id})
    return view_of(session, rx)
