"""Who may read a patient's record, and the list of who did, shown to the patient.

The rule is the medical profile's (odcp.services.medical_profile.read_for): the patient,
or a doctor who treats them (odcp.services.care); nobody else, administrators included.
Every read by someone else, allowed or refused, is an audit entry in the caller's
transaction; a refusal is committed before Forbidden is raised, since callers roll back on
errors. The patient's access list is read from those same audit entries (plus the
medical profile's and the clinic's audited administrator reads of notes, prescriptions
and consultation chats), so there is one log and no second bookkeeping to drift from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from odcp.models.audit import AuditEntry
from odcp.models.record import PatientDocument
from odcp.models.user import Role, User
from odcp.services import audit, care
from odcp.services.actor import Actor, require_user
from odcp.services.crypto import decrypt_text
from odcp.services.errors import Forbidden, Invalid

RECORD_READ = "patient_record.read"
DOCUMENT_READ = "patient_document.read"
PROFILE_READ = "medical_profile.read"
# What each audited read is called on the patient's access list.
_LABELS = {PROFILE_READ: "Medical profile", "consultation_note.read": "Consultation notes",
           "prescription.read": "Prescription", "prescription.pdf": "Prescription PDF",
           "chat.read": "Consultation chat", "chat.attachment_read": "Chat attachment"}
_WHAT = {"timeline": "Medical history timeline", "documents": "List of your documents",
         "document": "Document details", "fhir": "Full record export (FHIR)"}
SHOWN_ACTIONS = (RECORD_READ, DOCUMENT_READ, *_LABELS)


def title_context(doc: PatientDocument) -> str:
    return f"patient:{doc.patient_id}:document:{doc.stored_name}:title"


def whose(actor: Actor, patient_user_id: int | None) -> int:
    """The patient whose record is meant: the one named, or the signed-in patient."""
    me = require_user(actor)
    if patient_user_id is not None:
        return patient_user_id
    if me.role != Role.PATIENT:
        raise Invalid("Say whose record you mean (patient_id).", field="patient_id")
    return me.id


def require_reader(session: Session, *, actor: Actor, patient_user_id: int, what: str) -> str:
    """'patient' for the patient themself, 'doctor' for a treating doctor (the read is
    audited); anyone else is refused (audited, committed) with Forbidden."""
    user = require_user(actor)
    if user.id == patient_user_id and user.role == Role.PATIENT:
        return "patient"
    allowed = user.role == Role.DOCTOR and care.treats(
        session, doctor_user_id=user.id, patient_user_id=patient_user_id)
    audit.record(session, actor=actor, action=RECORD_READ, target_type="patient_record",
                 target_id=patient_user_id, subject_user_id=patient_user_id,
                 outcome="success" if allowed else "failure",
                 detail={"what": what} if allowed else {"what": what, "reason": "not_treating"})
    if not allowed:
        session.commit()
        raise Forbidden("You can read a patient's record only when they have an appointment "
                        "with you.")
    return "doctor"


def refused(session: Session, *, actor: Actor, doc: PatientDocument, action: str,
            reason: str) -> None:
    """Keep a refused attempt on a document in the log even though the caller rolls back."""
    audit.record(session, actor=actor, action=action, target_type="patient_document",
                 target_id=doc.id, subject_user_id=doc.patient_id, outcome="failure",
                 detail={"reason": reason})
    session.commit()


@dataclass(frozen=True)
class Access:
    at: datetime
    viewer_name: str
    viewer_role: str
    what: str
    document_id: int | None = None


def _what(entry: AuditEntry, titles: dict[int, str]) -> tuple[str, int | None]:
    if entry.action == DOCUMENT_READ:
        doc_id = int(entry.target_id) if (entry.target_id or "").isdigit() else None
        return titles.get(doc_id, "A document you have since deleted"), doc_id
    if entry.action == RECORD_READ:
        return _WHAT.get((entry.detail or {}).get("what", ""), "Your record"), None
    return _LABELS.get(entry.action, entry.action), None


def access_log(session: Session, *, actor: Actor, limit: int = 200) -> list[Access]:
    """Who opened the signed-in patient's record, documents included, newest first."""
    me = require_user(actor)
    if me.role != Role.PATIENT:
        raise Forbidden("Only patients have a record of their own.")
    rows = session.exec(
        select(AuditEntry, User)
        .join(User, col(User.id) == col(AuditEntry.actor_id), isouter=True)
        .where(AuditEntry.subject_user_id == me.id, col(AuditEntry.action).in_(SHOWN_ACTIONS),
               AuditEntry.outcome == "success", col(AuditEntry.actor_id) != me.id)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
    ).all()
    docs = session.exec(select(PatientDocument)
                        .where(PatientDocument.patient_id == me.id)).all()
    titles = {d.id: decrypt_text(d.title_enc, context=title_context(d)) for d in docs}
    found = []
    for entry, user in rows:
        what, doc_id = _what(entry, titles)
        found.append(Access(at=entry.at, what=what, document_id=doc_id,
                            viewer_name=user.full_name if user else "A former user",
                            viewer_role=str(user.role) if user else (entry.actor_role or "")))
    return found
