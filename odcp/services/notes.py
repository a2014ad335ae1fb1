"""SOAP consultation notes: written by the appointment's doctor, saved as they type, signed
and locked when the consultation ends, then extended only by dated addenda.

Why a version number: autosave sends the whole note every few seconds, possibly from two
tabs. Each save names the version it was based on; a save based on an older version is
refused (Conflict) instead of silently overwriting newer text. Saving the same text again
changes nothing (no new version), so a retried save is harmless. Writers first touch the
appointment row, which queues them on PostgreSQL (row lock) and SQLite (write lock), so
the version check and the write cannot interleave.

Why drafts are not audited per save: a save every few seconds would bury the log; the
audit log records the note's creation, its signature and each addendum, and every read by
someone other than the author or the patient (admins).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from odcp.models.appointment import CLINICAL_STATUSES, Appointment
from odcp.models.base import utcnow
from odcp.models.clinical import ConsultationNote, NoteAddendum, NoteStatus
from odcp.models.user import User
from odcp.services import appointments, audit, slots
from odcp.services.actor import Actor
from odcp.services.crypto import decrypt_text, encrypt_text
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound

SECTIONS = ("subjective", "objective", "assessment", "plan")
MAX_SECTION = 20_000
MAX_ADDENDUM = 5_000
WRITABLE = CLINICAL_STATUSES
STALE = ("These notes were changed elsewhere (another tab or device) since you opened "
         "them. Reload to see the latest version; this change was not saved.")


@dataclass(frozen=True)
class Addendum:
    id: int
    author_name: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class NoteView:
    """A note as its reader sees it; `version` 0 means nothing has been saved yet."""

    appointment_id: int
    patient_id: int
    sections: dict[str, str]
    status: str
    version: int
    updated_at: datetime | None = None
    signed_at: datetime | None = None
    signed_by_name: str = ""
    addenda: list[Addendum] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return self.status == NoteStatus.SIGNED


def soap_context(appointment_id: int) -> str:
    return f"appointment:{appointment_id}:soap"


def addendum_context(note_id: int) -> str:
    return f"note:{note_id}:addendum"


def note_of(session: Session, appointment_id: int) -> ConsultationNote | None:
    return session.exec(select(ConsultationNote)
                        .where(ConsultationNote.appointment_id == appointment_id)).first()


def sections_of(note: ConsultationNote) -> dict[str, str]:
    """The four decrypted sections (for this module and readers such as a timeline)."""
    stored = json.loads(decrypt_text(note.soap_enc, context=soap_context(note.appointment_id)))
    return {name: str(stored.get(name, "")) for name in SECTIONS}


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def view_of(session: Session, appt: Appointment, note: ConsultationNote | None) -> NoteView:
    if note is None:
        return NoteView(appointment_id=appt.id, patient_id=appt.patient_id,
                        sections=dict.fromkeys(SECTIONS, ""), status=NoteStatus.DRAFT,
                        version=0)
    rows = session.exec(select(NoteAddendum).where(NoteAddendum.note_id == note.id)
                        .order_by(col(NoteAddendum.created_at), col(NoteAddendum.id))).all()
    addenda = [Addendum(id=a.id, author_name=_name(session, a.author_id),
                        text=decrypt_text(a.text_enc, context=addendum_context(note.id)),
                        created_at=a.created_at) for a in rows]
    return NoteView(appointment_id=appt.id, patient_id=appt.patient_id,
                    sections=sections_of(note), status=str(note.status), version=note.version,
                    updated_at=note.updated_at, signed_at=note.signed_at,
                    signed_by_name=_name(session, note.signed_by_id), addenda=addenda)


def _audit(session: Session, actor: Actor, action: str, appt: Appointment,
           note: ConsultationNote, **detail) -> None:
    audit.record(session, actor=actor, action=f"consultation_note.{action}",
                 target_type="consultation_note", target_id=note.id,
                 subject_user_id=appt.patient_id, detail={"appointment_id": appt.id, **detail})


def read(session: Session, *, actor: Actor, appointment_id: int) -> NoteView:
    """The doctor sees the note in any state; the patient sees it once signed and if the
    clinic shares notes; an administrator's read is audited; anyone else gets NotFound."""
    appt, part = appointments.get_for(session, actor=actor, appointment_id=appointment_id)
    note = note_of(session, appt.id)
    if part == "patient":
        if not slots.policy(session).share_notes_with_patient:
            raise Forbidden("Your clinic does not share consultation notes with patients.")
        if note is None or note.status != NoteStatus.SIGNED:
            raise NotFound("Your doctor has not signed the notes for this visit yet.")
    elif part == "admin" and note is not None:
        _audit(session, actor, "read", appt, note)
    return view_of(session, appt, note)


def _writer(session: Session, actor: Actor, appointment_id: int) -> Appointment:
    """The appointment, for its own doctor only, locked against concurrent writers."""
    appt, part = appointments.get_for(session, actor=actor, appointment_id=appointment_id)
    if part != "doctor":
        raise Forbidden("Only the appointment's doctor can write its consultation notes.")
    if appt.status not in WRITABLE:
        raise Conflict("Notes can be written once the appointment is confirmed, and not on "
                       "a cancelled or missed one.")
    session.exec(update(Appointment).where(col(Appointment.id) == appt.id)
                 .values(id=Appointment.id))
    return appt


def _clean(sections: Mapping[str, object]) -> dict[str, str]:
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise Invalid(f"Unknown note section: {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    cleaned = {}
    for name in SECTIONS:
        value = sections.get(name, "")
        if not isinstance(value, str):
            raise Invalid(f"{name.capitalize()} must be text.", field=name)
        if len(value) > MAX_SECTION:
            raise Invalid(f"{name.capitalize()} is too long: at most {MAX_SECTION:,} "
                          f"characters.", field=name)
        cleaned[name] = value
    return cleaned


def save_draft(session: Session, *, actor: Actor, appointment_id: int,
               sections: Mapping[str, object], version: int) -> NoteView:
    """Save the whole note, based on `version` (0 for a note never saved). Returns the
    note with its new version; the same text again is a no-op."""
    cleaned = _clean(sections)
    appt = _writer(session, actor, appointment_id)
    note = note_of(session, appt.id)
    if note is not None and note.status == NoteStatus.SIGNED:
        raise Conflict("These notes are signed and locked; add an addendum instead.")
    current = sections_of(note) if note is not None else dict.fromkeys(SECTIONS, "")
    if cleaned == current:
        return view_of(session, appt, note)
    if version != (note.version if note is not None else 0):
        raise Conflict(STALE)
    sealed, now = encrypt_text(json.dumps(cleaned), context=soap_context(appt.id)), utcnow()
    if note is None:
        note = ConsultationNote(appointment_id=appt.id, doctor_id=appt.doctor_id,
                                patient_id=appt.patient_id, author_id=actor.user_id,
                                soap_enc=sealed, version=1, status=NoteStatus.DRAFT,
                                created_at=now, updated_at=now)
        session.add(note)
        session.flush()
        _audit(session, actor, "create", appt, note)
    else:
        note.soap_enc, note.version, note.updated_at = sealed, note.version + 1, now
        session.add(note)
        session.flush()
    return view_of(session, appt, note)


def _seal(session: Session, actor: Actor, appt: Appointment, note: ConsultationNote,
          how: str) -> None:
    note.status, note.signed_at, note.signed_by_id = NoteStatus.SIGNED, utcnow(), actor.user_id
    note.version += 1
    note.updated_at = note.signed_at
    session.add(note)
    session.flush()
    _audit(session, actor, "sign", appt, note, how=how)


def sign(session: Session, *, actor: Actor, appointment_id: int) -> NoteView:
    """The doctor signs: the note is locked from now on."""
    appt = _writer(session, actor, appointment_id)
    note = note_of(session, appt.id)
    if note is None or not any(v.strip() for v in sections_of(note).values()):
        raise Invalid("Write the note before signing it.")
    if note.status == NoteStatus.SIGNED:
        raise Conflict("These notes are already signed.")
    _seal(session, actor, appt, note, "explicit")
    return view_of(session, appt, note)


def sign_on_complete(session: Session, *, actor: Actor, appointment: Appointment) -> bool:
    """Called by appointments.complete: a draft with any text is signed with the
    consultation. True when a note was signed."""
    note = note_of(session, appointment.id)
    if note is None or note.status == NoteStatus.SIGNED:
        return False
    if not any(v.strip() for v in sections_of(note).values()):
        return False
    _seal(session, actor, appointment, note, "completion")
    return True


def add_addendum(session: Session, *, actor: Actor, appointment_id: int,
                 text: str) -> NoteView:
    """A dated, append-only addition to a signed note, by the appointment's doctor."""
    text = (text or "").strip()
    if not text:
        raise Invalid("Write the addendum first.", field="text")
    if len(text) > MAX_ADDENDUM:
        raise Invalid(f"An addendum is at most {MAX_ADDENDUM:,} characters.", field="text")
    appt = _writer(session, actor, appointment_id)
    note = note_of(session, appt.id)
    if note is None or note.status != NoteStatus.SIGNED:
        raise Conflict("Addenda are added to signed notes; edit the draft instead.")
    addendum = NoteAddendum(note_id=note.id, author_id=actor.user_id,
                            text_enc=encrypt_text(text, context=addendum_context(note.id)),
                            created_at=utcnow())
    session.add(addendum)
    session.flush()
    _audit(session, actor, "addendum", appt, note, addendum_id=addendum.id)
    return view_of(session, appt, note)
