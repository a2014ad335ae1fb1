"""The admins' verification queue: submitted doctor profiles, oldest first, approved or
rejected with a reason.

Approval makes the doctor's account active and the profile verified, which is what the
directory lists. Rejection keeps the account as it is (a new doctor stays pending and can
still sign in to fix the profile) and shows the reason to the doctor. Every step, reading
the licence document included, is audited; the doctor is told by email. Functions that
queue mail return its ids; the outbox delivers the mail once the caller's transaction
has committed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile, Specialty, VerificationStatus
from odcp.models.user import AccountStatus, User
from odcp.services import audit, doctor_documents
from odcp.services.actor import Actor
from odcp.services.doctor_profiles import other_specialty_ids
from odcp.services.errors import Conflict, Invalid, NotFound
from odcp.services.mail import outbox
from odcp.services.permissions import Permission, require_permission
from odcp.services.search_index import index_doctor
from odcp.settings import get_settings

REASON_LENGTH = (10, 1000)


@dataclass(frozen=True)
class Submission:
    """A profile with its doctor and specialty names, for the queue and the detail view."""

    profile: DoctorProfile
    user: User
    specialty: str
    other_specialties: list[str]


def _names(session: Session, ids: list[int]) -> list[str]:
    if not ids:
        return []
    return list(session.exec(select(Specialty.name).where(col(Specialty.id).in_(ids))
                             .order_by(Specialty.name)).all())


def _submission(session: Session, profile: DoctorProfile) -> Submission:
    user = session.get(User, profile.user_id)
    primary = session.get(Specialty, profile.specialty_id) if profile.specialty_id else None
    return Submission(profile=profile, user=user, specialty=primary.name if primary else "",
                      other_specialties=_names(session, other_specialty_ids(session,
                                                                            profile.id)))


def queue(session: Session, *, actor: Actor) -> list[Submission]:
    """Submitted profiles, the longest-waiting first."""
    require_permission(actor, Permission.DOCTORS_VERIFY)
    rows = session.exec(
        select(DoctorProfile)
        .where(DoctorProfile.verification_status == VerificationStatus.SUBMITTED)
        .order_by(col(DoctorProfile.submitted_at).asc(), col(DoctorProfile.id).asc())
    ).all()
    return [_submission(session, p) for p in rows]


def _profile(session: Session, profile_id: int) -> DoctorProfile:
    profile = session.get(DoctorProfile, profile_id)
    if profile is None:
        raise NotFound("No such doctor profile.")
    return profile


def detail(session: Session, *, actor: Actor, profile_id: int) -> Submission:
    """One profile in any state (admins may look back at verified or rejected ones)."""
    require_permission(actor, Permission.DOCTORS_VERIFY)
    return _submission(session, _profile(session, profile_id))


@dataclass(frozen=True)
class Document:
    data: bytes
    name: str
    content_type: str


def licence_document(session: Session, *, actor: Actor, profile_id: int) -> Document:
    """Decrypt the doctor's licence copy for an admin; every read is audited."""
    require_permission(actor, Permission.DOCTORS_VERIFY)
    profile = _profile(session, profile_id)
    if not profile.licence_document_path:
        raise NotFound("This doctor has not uploaded a licence document.")
    data = doctor_documents.read_document(profile.id, profile.licence_document_path)
    audit.record(session, actor=actor, action="doctor_profile.licence_view",
                 target_type="doctor_profile", target_id=profile.id,
                 subject_user_id=profile.user_id)
    return Document(data=data, name=profile.licence_document_name or "licence",
                    content_type=profile.licence_document_type or "application/octet-stream")


def _reviewable(session: Session, profile_id: int) -> tuple[DoctorProfile, User]:
    profile = _profile(session, profile_id)
    if profile.verification_status != VerificationStatus.SUBMITTED:
        raise Conflict("This profile is not waiting for review (it may have been reviewed "
                       "already); reload the queue.")
    user = session.get(User, profile.user_id)
    if user.status in (AccountStatus.SUSPENDED, AccountStatus.REMOVED):
        raise Conflict(f"This doctor's account is {user.status}; reactivate it first.")
    return profile, user


def _mail(session: Session, user: User, kind: str, **values: str) -> int:
    link = get_settings().public_url.rstrip("/") + "/doctor/profile"
    return outbox.queue(session, to=user.email, kind=kind, name=user.full_name, link=link,
                        **values).id


def approve(session: Session, *, actor: Actor, profile_id: int) -> list[int]:
    """Verify the profile and activate the account; returns the mail ids to deliver."""
    require_permission(actor, Permission.DOCTORS_VERIFY)
    profile, user = _reviewable(session, profile_id)
    now = utcnow()
    profile.verification_status = VerificationStatus.VERIFIED
    profile.verified_at = profile.reviewed_at = now
    profile.reviewed_by_id = actor.user_id
    profile.rejection_reason = None
    activated = user.status == AccountStatus.PENDING
    if activated:
        user.status, user.updated_at = AccountStatus.ACTIVE, now
    index_doctor(session, doctor_id=profile.id)
    audit.record(session, actor=actor, action="doctor_profile.approve",
                 target_type="doctor_profile", target_id=profile.id,
                 subject_user_id=user.id, detail={"account_activated": activated})
    return [_mail(session, user, "doctor_approved")]


def reject(session: Session, *, actor: Actor, profile_id: int, reason: str) -> list[int]:
    """Send the profile back to the doctor with a reason; returns the mail ids to deliver."""
    require_permission(actor, Permission.DOCTORS_VERIFY)
    text = " ".join((reason or "").split())
    low, high = REASON_LENGTH
    if not low <= len(text) <= high:
        raise Invalid(f"Tell the doctor what to fix ({low} to {high} characters).",
                      field="reason")
    profile, user = _reviewable(session, profile_id)
    profile.verification_status = VerificationStatus.REJECTED
    profile.reviewed_at, profile.reviewed_by_id = utcnow(), actor.user_id
    profile.rejection_reason = text
    audit.record(session, actor=actor, action="doctor_profile.reject",
                 target_type="doctor_profile", target_id=profile.id,
                 subject_user_id=user.id, detail={"reason": text})
    return [_mail(session, user, "doctor_rejected", reason=text)]
