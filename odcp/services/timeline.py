"""A patient's medical history in one chronological view: consultations, signed notes,
prescriptions and documents, newest first, filterable by kind.

Who: the patient, and a doctor who treats them (the medical profile's rule; the doctor's
read is audited like a profile read and shown to the patient). A treating doctor sees the
whole clinic record of the patient, every doctor's consultations included, because that
is what "the patient's record" means to the next doctor. Notes appear once signed (a draft
is the author's work in progress), and in the patient's own view only when the clinic
shares notes with patients (clinic policy), as on the visit summary page.

`load_record` gathers the rows once for both this view and the FHIR export.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlmodel import Session, col, select

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.models.clinical import ConsultationNote, NoteStatus, Prescription
from odcp.models.doctor import DoctorProfile
from odcp.models.record import DocumentKind, PatientDocument
from odcp.models.user import User
from odcp.services import notes, patient_documents, prescriptions, slots
from odcp.services.actor import Actor
from odcp.services.booking import reason_context
from odcp.services.crypto import decrypt_text
from odcp.services.errors import Invalid
from odcp.services.prescriptions import PrescriptionView
from odcp.services.record_access import require_reader, whose

KINDS = ("consultation", "note", "prescription", "document")
_SUMMARY = 280


@dataclass(frozen=True)
class Doctor:
    profile: DoctorProfile
    user: User


@dataclass
class PatientRecord:
    """Everything in a patient's record, decrypted where needed, for an allowed reader."""

    patient: User
    appointments: list[Appointment] = field(default_factory=list)
    doctors: dict[int, Doctor] = field(default_factory=dict)  # by doctor profile id
    notes: list[ConsultationNote] = field(default_factory=list)  # signed only
    prescriptions: list[PrescriptionView] = field(default_factory=list)
    documents: list[PatientDocument] = field(default_factory=list)

    def doctor_name(self, profile_id: int) -> str:
        found = self.doctors.get(profile_id)
        return found.user.full_name if found else "A former doctor"


def load_record(session: Session, patient_id: int) -> PatientRecord:
    """Read the rows of one patient's record; the caller has checked access."""
    record = PatientRecord(patient=session.get(User, patient_id))
    record.appointments = list(session.exec(
        select(Appointment).where(Appointment.patient_id == patient_id)
        .order_by(col(Appointment.starts_at))))
    record.notes = list(session.exec(
        select(ConsultationNote).where(ConsultationNote.patient_id == patient_id,
                                       ConsultationNote.status == NoteStatus.SIGNED)))
    rows = session.exec(select(Prescription).where(Prescription.patient_id == patient_id)
                        .order_by(col(Prescription.issued_at))).all()
    record.prescriptions = [prescriptions.view_of(session, rx) for rx in rows]
    record.documents = patient_documents.rows_for_reader(session, patient_id)
    profile_ids = {a.doctor_id for a in record.appointments}
    profile_ids |= {rx.doctor_id for rx in record.prescriptions}
    for profile in session.exec(select(DoctorProfile)
                                .where(col(DoctorProfile.id).in_(profile_ids))).all():
        record.doctors[profile.id] = Doctor(profile, session.get(User, profile.user_id))
    return record


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # one of KINDS
    at: datetime  # UTC; for a document, noon UTC on the report's date (see `all_day`)
    title: str
    detail: str
    status: str
    doctor_name: str
    ref_id: int  # the appointment's, note's, prescription's or document's id
    appointment_id: int | None
    all_day: bool = False


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SUMMARY else text[:_SUMMARY - 1].rstrip() + "…"


def _consultations(record: PatientRecord) -> Iterable[TimelineEntry]:
    for appt in record.appointments:
        if appt.status == AppointmentStatus.CANCELLED:
            continue  # a cancelled booking is not medical history (it stays on /appointments)
        reason = decrypt_text(appt.reason_enc, context=reason_context(appt.patient_id)) \
            if appt.reason_enc else ""
        yield TimelineEntry(
            kind="consultation", at=appt.starts_at, title=f"{appt.mode.capitalize()} "
            f"consultation with {record.doctor_name(appt.doctor_id)}",
            detail=_short(f"Reason: {reason}") if reason else "", status=str(appt.status),
            doctor_name=record.doctor_name(appt.doctor_id), ref_id=appt.id,
            appointment_id=appt.id)


def _notes(record: PatientRecord) -> Iterable[TimelineEntry]:
    for note in record.notes:
        sections = notes.sections_of(note)
        parts = [f"{k.capitalize()}: {sections[k]}" for k in ("assessment", "plan")
                 if sections[k].strip()]
        doctor = record.doctor_name(note.doctor_id)
        yield TimelineEntry(kind="note", at=note.signed_at or note.updated_at,
                            title=f"Consultation notes signed by {doctor}",
                            detail=_short(" · ".join(parts)), status="signed",
                            doctor_name=doctor, ref_id=note.id,
                            appointment_id=note.appointment_id)


def _prescriptions(record: PatientRecord) -> Iterable[TimelineEntry]:
    for rx in record.prescriptions:
        meds = ", ".join(f"{m.name} {m.strength}" for m in rx.medications)
        yield TimelineEntry(kind="prescription", at=rx.issued_at, title=f"Prescription: {meds}",
                            detail=_short(f"Valid until {rx.valid_until:%d %b %Y}. "
                                          f"{rx.instructions}"),
                            status=rx.status, doctor_name=rx.doctor_name, ref_id=rx.id,
                            appointment_id=rx.appointment_id)


def _documents(record: PatientRecord) -> Iterable[TimelineEntry]:
    for doc in record.documents:
        view = patient_documents.view_of(doc)
        yield TimelineEntry(kind="document", at=datetime.combine(doc.report_date, time(12),
                                                                 UTC),
                            title=view.title, detail=DocumentKind(doc.kind).label,
                            status="", doctor_name="", ref_id=doc.id,
                            appointment_id=doc.appointment_id, all_day=True)


def timeline(session: Session, *, actor: Actor, patient_user_id: int | None = None,
             kinds: Iterable[str] | None = None) -> list[TimelineEntry]:
    """Newest first. `patient_user_id` defaults to the signed-in patient; `kinds` limits
    the entries to some of KINDS (all when empty or None)."""
    wanted = set(kinds or ()) or set(KINDS)
    unknown = wanted - set(KINDS)
    if unknown:
        raise Invalid(f"Unknown kind of entry: {sorted(unknown)[0]}. Choose from "
                      f"{', '.join(KINDS)}.", field="kinds")
    patient_id = whose(actor, patient_user_id)
    part = require_reader(session, actor=actor, patient_user_id=patient_id, what="timeline")
    record = load_record(session, patient_id)
    if part == "patient" and not slots.policy(session).share_notes_with_patient:
        record.notes = []
    sources = {"consultation": _consultations, "note": _notes,
               "prescription": _prescriptions, "document": _documents}
    entries = [e for kind in KINDS if kind in wanted for e in sources[kind](record)]
    rank = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(entries, key=lambda e: (e.at, -rank[e.kind], e.ref_id), reverse=True)
