"""Reports patients keep in their record: upload, list, rename, delete, and open.

Who: the patient uploads, renames and deletes their own; a doctor who treats them
(odcp.services.care) sees the list and opens a document only through a time-limited link
signed for that doctor and that document (odcp.services.signed_links), re-checked when
it is used; nobody else, administrators included, and a stranger learns nothing (404).
Every read by someone other than the patient is audited and shown to the patient
(odcp.services.record_access).

How: the metadata is checked first and the file last, by content (PDF, PNG or JPEG up to
10 MB; odcp.services.file_store), so a refusal stores nothing. The bytes are sealed
before they leave the process and the row is written in the same transaction, with a
commit-safe swap: a rollback deletes the new blob, a committed delete removes the old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from odcp.models.base import utcnow
from odcp.models.record import DocumentKind, PatientDocument
from odcp.models.user import Role, User
from odcp.services import appointments, audit, care, file_store, signed_links
from odcp.services.actor import Actor, require_user
from odcp.services.crypto import decrypt_text, encrypt_text
from odcp.services.document_rules import clean_kind, clean_report_date, clean_title
from odcp.services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from odcp.services.record_access import (
    DOCUMENT_READ,
    refused,
    require_reader,
    title_context,
)

FOLDER = "records"
MAX_BYTES = 10 * 1024 * 1024
ALLOWED = frozenset({file_store.PDF, file_store.PNG, file_store.JPEG})
MAX_DOCUMENTS = 500
LINK_PURPOSE = "patient-document"
API_PATH = "/api/v1/records/documents"


@dataclass(frozen=True)
class DocumentView:
    id: int
    patient_id: int
    title: str
    kind: str
    kind_label: str
    report_date: date
    content_type: str
    file_name: str
    size_bytes: int
    appointment_id: int | None
    uploaded_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Download:
    data: bytes
    name: str
    content_type: str


def _name_context(doc: PatientDocument) -> str:
    return f"patient:{doc.patient_id}:document:{doc.stored_name}:name"


def _file_context(doc: PatientDocument) -> str:
    return f"patient:{doc.patient_id}:document:{doc.stored_name}:file"


def view_of(doc: PatientDocument) -> DocumentView:
    kind = DocumentKind(doc.kind)
    return DocumentView(
        id=doc.id, patient_id=doc.patient_id, kind=kind.value, kind_label=kind.label,
        title=decrypt_text(doc.title_enc, context=title_context(doc)),
        file_name=decrypt_text(doc.file_name_enc, context=_name_context(doc)),
        report_date=doc.report_date, content_type=doc.content_type,
        size_bytes=doc.size_bytes, appointment_id=doc.appointment_id,
        uploaded_at=doc.created_at, updated_at=doc.updated_at)


def _require_patient(actor: Actor) -> User:
    user = require_user(actor)
    if user.role != Role.PATIENT:
        raise Forbidden("Only patients keep reports in their record.")
    return user


def _own_appointment(session: Session, actor: Actor, appointment_id: object) -> int | None:
    if appointment_id in (None, ""):
        return None
    try:
        appt, part = appointments.get_for(session, actor=actor,
                                          appointment_id=int(str(appointment_id)))
    except (NotFound, ValueError):
        part = None
    if part != "patient":
        raise Invalid("Link the document to one of your own appointments, or to none.",
                      field="appointment_id")
    return appt.id


def upload(session: Session, *, actor: Actor, data: bytes, filename: str, title: object,
           kind: object, report_date: object, appointment_id: object = None) -> DocumentView:
    """Store a checked, encrypted report in the signed-in patient's record."""
    me = _require_patient(actor)
    clean = (clean_title(title), clean_kind(kind), clean_report_date(report_date),
             _own_appointment(session, actor, appointment_id))
    count = session.exec(select(func.count()).select_from(PatientDocument)
                         .where(PatientDocument.patient_id == me.id)).one()
    if count >= MAX_DOCUMENTS:
        raise Conflict(f"Your record holds at most {MAX_DOCUMENTS} documents; delete one you "
                       f"no longer need first.")
    checked = file_store.check_file(data, filename, allowed=ALLOWED, max_bytes=MAX_BYTES,
                                    what="the report", field="file", default_name="report")
    now = utcnow()
    doc = PatientDocument(patient_id=me.id, kind=clean[1], title_enc="", file_name_enc="",
                          report_date=clean[2], appointment_id=clean[3],
                          stored_name=file_store.new_name(f"record-{me.id}"),
                          content_type=checked.content_type, size_bytes=len(checked.data),
                          created_at=now, updated_at=now)
    doc.title_enc = encrypt_text(clean[0], context=title_context(doc))
    doc.file_name_enc = encrypt_text(checked.name, context=_name_context(doc))
    file_store.put_encrypted(FOLDER, doc.stored_name, checked.data, context=_file_context(doc))
    file_store.swap_on_commit(session, folder=FOLDER, new=doc.stored_name, old=None)
    session.add(doc)
    session.flush()
    audit.record(session, actor=actor, action="patient_document.upload",
                 target_type="patient_document", target_id=doc.id, subject_user_id=me.id,
                 detail={"kind": str(doc.kind), "content_type": doc.content_type,
                         "size_bytes": doc.size_bytes})
    return view_of(doc)


def _rows(session: Session, patient_id: int) -> list[PatientDocument]:
    return list(session.exec(
        select(PatientDocument).where(PatientDocument.patient_id == patient_id)
        .order_by(col(PatientDocument.report_date).desc(), col(PatientDocument.id).desc())))


def list_own(session: Session, *, actor: Actor) -> list[DocumentView]:
    """The signed-in patient's documents, newest report first."""
    return [view_of(d) for d in _rows(session, _require_patient(actor).id)]


def list_for(session: Session, *, actor: Actor, patient_user_id: int) -> list[DocumentView]:
    """A patient's documents for the patient or a treating doctor (audited)."""
    require_reader(session, actor=actor, patient_user_id=patient_user_id, what="documents")
    return [view_of(d) for d in _rows(session, patient_user_id)]


def rows_for_reader(session: Session, patient_user_id: int) -> list[PatientDocument]:
    """For readers that already checked access (timeline, FHIR export)."""
    return _rows(session, patient_user_id)


def _find(session: Session, actor: Actor, document_id: int,
          action: str) -> tuple[PatientDocument, str]:
    """The document and the actor's part ('patient' or 'doctor'); NotFound for anyone
    else (a refused attempt on an existing document is audited)."""
    user = require_user(actor)
    doc = session.get(PatientDocument, document_id)
    if doc is not None and doc.patient_id == user.id:
        return doc, "patient"
    if doc is not None and user.role == Role.DOCTOR and care.treats(
            session, doctor_user_id=user.id, patient_user_id=doc.patient_id):
        return doc, "doctor"
    if doc is not None:
        refused(session, actor=actor, doc=doc, action=action, reason="no_access")
    raise NotFound("No such document.")


def _owned(session: Session, actor: Actor, document_id: int, action: str,
           refusal: str = "Only the patient can change or delete their documents.",
           ) -> PatientDocument:
    doc, part = _find(session, actor, document_id, action)
    if part != "patient":
        raise Forbidden(refusal)
    return doc


def get(session: Session, *, actor: Actor, document_id: int) -> DocumentView:
    """One document's details, for the patient or a treating doctor (audited)."""
    doc, part = _find(session, actor, document_id, DOCUMENT_READ)
    if part == "doctor":
        require_reader(session, actor=actor, patient_user_id=doc.patient_id, what="document")
    return view_of(doc)


def update(session: Session, *, actor: Actor, document_id: int, title: object = None,
           kind: object = None, report_date: object = None) -> DocumentView:
    """Rename (or re-file) one of the patient's own documents; fields left None stay."""
    doc = _owned(session, actor, document_id, "patient_document.update")
    changed = []
    if title is not None:
        doc.title_enc = encrypt_text(clean_title(title), context=title_context(doc))
        changed.append("title")
    if kind is not None:
        doc.kind = clean_kind(kind)
        changed.append("kind")
    if report_date is not None:
        doc.report_date = clean_report_date(report_date)
        changed.append("report_date")
    if changed:
        doc.updated_at = utcnow()
        session.add(doc)
        session.flush()
        audit.record(session, actor=actor, action="patient_document.update",
                     target_type="patient_document", target_id=doc.id,
                     subject_user_id=doc.patient_id, detail={"fields": changed})
    return view_of(doc)


def delete(session: Session, *, actor: Actor, document_id: int) -> None:
    """Delete the row now and the stored file once the transaction commits."""
    doc = _owned(session, actor, document_id, "patient_document.delete")
    file_store.swap_on_commit(session, folder=FOLDER, new=None, old=doc.stored_name)
    audit.record(session, actor=actor, action="patient_document.delete",
                 target_type="patient_document", target_id=doc.id,
                 subject_user_id=doc.patient_id)
    session.delete(doc)
    session.flush()


def issue_link(session: Session, *, actor: Actor, document_id: int,
               ttl: timedelta = signed_links.DEFAULT_TTL) -> signed_links.SignedLink:
    """A download link for the actor alone (the patient or a treating doctor)."""
    doc, part = _find(session, actor, document_id, "patient_document.link")
    if part == "doctor":
        audit.record(session, actor=actor, action="patient_document.link",
                     target_type="patient_document", target_id=doc.id,
                     subject_user_id=doc.patient_id)
    return signed_links.sign(f"{API_PATH}/{doc.id}/download", purpose=LINK_PURPOSE,
                             subject=doc.id, viewer_id=actor.user_id, ttl=ttl)


def _download(doc: PatientDocument) -> Download:
    data = file_store.get_encrypted(FOLDER, doc.stored_name, context=_file_context(doc))
    return Download(data=data, content_type=doc.content_type,
                    name=decrypt_text(doc.file_name_enc, context=_name_context(doc)))


def open_link(session: Session, *, actor: Actor, document_id: int, exp: object,
              sig: object, now: datetime | None = None) -> Download:
    """The decrypted file behind a signed link, for the viewer it was issued to, if they
    may still read it; a doctor's read is audited (and shown to the patient)."""
    user = require_user(actor)
    try:
        signed_links.verify(purpose=LINK_PURPOSE, subject=document_id, viewer_id=user.id,
                            exp=exp, sig=sig, now=now)
    except DomainError as exc:
        doc = session.get(PatientDocument, document_id)
        if doc is not None and doc.patient_id != user.id:
            refused(session, actor=actor, doc=doc, action=DOCUMENT_READ,
                    reason="expired_link" if exc.status_code == 410 else "bad_link")
        raise
    doc, part = _find(session, actor, document_id, DOCUMENT_READ)
    found = _download(doc)
    if part == "doctor":
        audit.record(session, actor=actor, action=DOCUMENT_READ,
                     target_type="patient_document", target_id=doc.id,
                     subject_user_id=doc.patient_id, detail={"via": "signed_link"})
    return found


def open_own(session: Session, *, actor: Actor, document_id: int) -> Download:
    """The patient's own file (no link needed, nothing to show them in the log)."""
    return _download(_owned(session, actor, document_id, DOCUMENT_READ,
                            "Doctors open a patient's documents through a signed link from "
                            "the patient's record."))
