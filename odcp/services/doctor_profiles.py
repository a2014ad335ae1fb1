"""A doctor's own profile: self-registration, onboarding edits, files, and submission.

Onboarding is the one doctor service a *pending* doctor may use (auth.may_sign_in lets a
doctor with a confirmed email sign in before approval); every other doctor-only service
must call `require_active_doctor`.

Re-review rule: once verified, changing the licence number or the licence document sends
the profile back to "submitted". The doctor leaves the directory (it lists verified profiles
only) until an admin approves again, because patients must never book a doctor whose
current licence nobody has checked; the account stays active, so consultations already
booked go on. Other edits (bio, fees, languages...) apply at once.
"""

from __future__ import annotations

from sqlmodel import Session, select

from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile, DoctorSpecialty, Specialty, VerificationStatus
from odcp.models.user import AccountStatus, Role, User
from odcp.services import audit, doctor_documents
from odcp.services.accounts import build_user
from odcp.services.actor import Actor, require_user
from odcp.services.doctor_profile_rules import (
    MIN_BIO,
    ProfileInput,
    validated,
)
from odcp.services.errors import Conflict, Forbidden, Invalid
from odcp.services.search_index import index_doctor

NOT_APPROVED = ("Your doctor account is waiting for the clinic's approval; until then you "
                "can only complete your profile.")


def register_doctor(
    session: Session, *, actor: Actor, email: str, password: str, full_name: str,
    timezone: str = "UTC",
) -> User:
    """Self-registration: a pending doctor with a draft profile.

    Confirming the email lets them sign in to complete onboarding; an admin's approval makes
    the account active. The caller sends the verification mail (passwords_flow).
    """
    user = build_user(session, email=email, password=password, full_name=full_name,
                      role=Role.DOCTOR, status=AccountStatus.PENDING, timezone=timezone)
    profile = DoctorProfile(user_id=user.id, timezone=user.timezone,
                            verification_status=VerificationStatus.DRAFT)
    session.add(profile)
    session.flush()
    index_doctor(session, doctor_id=profile.id)
    audit.record(session, actor=actor, action="account.register", target_type="user",
                 target_id=user.id, subject_user_id=user.id, detail={"role": "doctor"})
    return user


def profile_of_user(session: Session, user_id: int) -> DoctorProfile | None:
    return session.exec(select(DoctorProfile).where(DoctorProfile.user_id == user_id)).first()


def _own_user(session: Session, actor: Actor) -> User:
    user = session.get(User, require_user(actor).id)
    if user is None or user.role != Role.DOCTOR:
        raise Forbidden("Only doctors have a doctor profile.")
    if user.status not in (AccountStatus.ACTIVE, AccountStatus.PENDING):
        raise Forbidden("This account cannot be changed; please contact the clinic.")
    return user


def my_profile(session: Session, *, actor: Actor) -> DoctorProfile:
    """The acting doctor's profile, created as a draft if they have none yet (for example
    when an admin made an existing account a doctor)."""
    user = _own_user(session, actor)
    profile = profile_of_user(session, user.id)
    if profile is None:
        profile = DoctorProfile(user_id=user.id, timezone=user.timezone,
                                verification_status=VerificationStatus.DRAFT)
        session.add(profile)
        session.flush()
        index_doctor(session, doctor_id=profile.id)
    return profile


def require_active_doctor(session: Session, *, actor: Actor) -> DoctorProfile:
    """For every doctor-only service except onboarding: an approved, active doctor."""
    user = session.get(User, require_user(actor).id)
    if user is None or user.role != Role.DOCTOR:
        raise Forbidden("Only doctors may do this.")
    if user.status != AccountStatus.ACTIVE:
        raise Forbidden(NOT_APPROVED)
    profile = profile_of_user(session, user.id)
    if profile is None:
        raise Forbidden(NOT_APPROVED)
    return profile


def other_specialty_ids(session: Session, profile_id: int) -> list[int]:
    return list(session.exec(select(DoctorSpecialty.specialty_id)
                             .where(DoctorSpecialty.doctor_id == profile_id)
                             .order_by(DoctorSpecialty.specialty_id)).all())


def _missing(session: Session, values: dict, has_document: bool) -> list[str]:
    spec = session.get(Specialty, values["specialty_id"]) if values["specialty_id"] else None
    checks = [
        (spec is not None and spec.active, "your main specialty"),
        (values["qualifications"].strip(), "your qualifications"),
        (values["licence_number"], "your licence (registration) number"),
        (has_document, "a copy of your licence (PDF, PNG or JPEG)"),
        (values["languages"], "the languages you consult in"),
        (values["modes"], "at least one consultation mode with its fee"),
        (len(values["bio"].strip()) >= MIN_BIO, f"a bio of at least {MIN_BIO} characters"),
    ]
    return [label for ok, label in checks if not ok]


def missing_items(session: Session, profile: DoctorProfile) -> list[str]:
    """What still stops this profile being submitted, in words for the doctor."""
    values = {k: getattr(profile, k) for k in ("specialty_id", "qualifications",
                                               "licence_number", "languages", "modes", "bio")}
    return _missing(session, values, bool(profile.licence_document_path))


def _back_to_review(profile: DoctorProfile) -> None:
    profile.verification_status = VerificationStatus.SUBMITTED
    profile.submitted_at = utcnow()


def _set_other_specialties(session: Session, profile_id: int, wanted: list[int]) -> None:
    rows = session.exec(select(DoctorSpecialty)
                        .where(DoctorSpecialty.doctor_id == profile_id)).all()
    for row in rows:
        if row.specialty_id not in wanted:
            session.delete(row)
    have = {row.specialty_id for row in rows}
    for specialty_id in wanted:
        if specialty_id not in have:
            session.add(DoctorSpecialty(doctor_id=profile_id, specialty_id=specialty_id))
    session.flush()


def update_profile(session: Session, *, actor: Actor, data: ProfileInput) -> DoctorProfile:
    """Save the doctor's own profile; all or nothing.

    A draft or rejected profile may be saved incomplete; a submitted or verified one must
    stay complete. See the module docstring for what sends a verified profile to review.
    """
    profile = my_profile(session, actor=actor)
    values, others = validated(session, data)
    status = profile.verification_status
    if status in (VerificationStatus.SUBMITTED, VerificationStatus.VERIFIED):
        missing = _missing(session, values, bool(profile.licence_document_path))
        if missing:
            raise Invalid("A profile under review or listed must stay complete. Missing: "
                          + ", ".join(missing) + ".")
    old_others = other_specialty_ids(session, profile.id)
    changed = sorted(k for k, v in values.items() if getattr(profile, k) != v)
    if sorted(others) != old_others:
        changed.append("other_specialties")
    re_review = status == VerificationStatus.VERIFIED and "licence_number" in changed
    for key, value in values.items():
        setattr(profile, key, value)
    _set_other_specialties(session, profile.id, others)
    if re_review:
        _back_to_review(profile)
    index_doctor(session, doctor_id=profile.id)
    audit.record(session, actor=actor, action="doctor_profile.update",
                 target_type="doctor_profile", target_id=profile.id,
                 subject_user_id=profile.user_id,
                 detail={"fields": changed, "re_review": re_review})
    return profile


def upload_licence(session: Session, *, actor: Actor, data: bytes,
                   filename: str) -> DoctorProfile:
    """Store (encrypted) a new copy of the licence, replacing any earlier one."""
    profile = my_profile(session, actor=actor)
    checked = doctor_documents.check_document(data, filename)
    stored = doctor_documents.store_document(profile.id, checked.data)
    doctor_documents.swap_on_commit(session, folder="documents", new=stored,
                                    old=profile.licence_document_path)
    profile.licence_document_path = stored
    profile.licence_document_name = checked.name
    profile.licence_document_type = checked.content_type
    re_review = profile.verification_status == VerificationStatus.VERIFIED
    if re_review:
        _back_to_review(profile)
    audit.record(session, actor=actor, action="doctor_profile.licence_upload",
                 target_type="doctor_profile", target_id=profile.id,
                 subject_user_id=profile.user_id,
                 detail={"name": checked.name, "content_type": checked.content_type,
                         "bytes": len(checked.data), "re_review": re_review})
    return profile


def set_photo(session: Session, *, actor: Actor, data: bytes) -> DoctorProfile:
    """Replace the public profile photo (re-encoded; no review needed)."""
    profile = my_profile(session, actor=actor)
    png = doctor_documents.normalized_photo(data)
    stored = doctor_documents.store_photo(profile.id, png)
    doctor_documents.swap_on_commit(session, folder="doctor_photos", new=stored,
                                    old=profile.photo_path)
    profile.photo_path = stored
    audit.record(session, actor=actor, action="doctor_profile.photo_set",
                 target_type="doctor_profile", target_id=profile.id,
                 subject_user_id=profile.user_id)
    return profile


def submit(session: Session, *, actor: Actor) -> DoctorProfile:
    """Send a complete draft or rejected profile to the admins' verification queue."""
    profile = my_profile(session, actor=actor)
    status = profile.verification_status
    if status == VerificationStatus.SUBMITTED:
        raise Conflict("Your profile is already waiting for review.")
    if status == VerificationStatus.VERIFIED:
        raise Conflict("Your profile is already verified.")
    missing = missing_items(session, profile)
    if missing:
        raise Invalid("Your profile is not complete yet. Still missing: "
                      + ", ".join(missing) + ".")
    _back_to_review(profile)
    audit.record(session, actor=actor, action="doctor_profile.submit",
                 target_type="doctor_profile", target_id=profile.id,
                 subject_user_id=profile.user_id,
                 detail={"resubmission": status == VerificationStatus.REJECTED})
    return profile
