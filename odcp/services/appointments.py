"""An appointment's life after booking: who may move it where, and until when.

pending -> confirmed -> in progress -> completed, or cancelled (patient, doctor, admin,
with a reason) or no-show. Patients act within the clinic's cut-offs; doctors on their
own appointments; admins with the appointments permission on any. Every move is audited.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from odcp.models.appointment import (
    ACTIVE_STATUSES,
    CLINICAL_STATUSES,
    Appointment,
    AppointmentStatus,
)
from odcp.models.base import utcnow
from odcp.models.user import Role, User
from odcp.services import appointment_mail, audit, booking, slots
from odcp.services.actor import Actor, require_user
from odcp.services.crypto import decrypt_text, encrypt_text
from odcp.services.doctor_profiles import profile_of_user, require_active_doctor
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound
from odcp.services.permissions import Permission, has_permission

S = AppointmentStatus


def _party(session: Session, user: User, appt: Appointment) -> str | None:
    """'patient', 'doctor' or 'admin' when `user` may see `appt`, else None."""
    if appt.patient_id == user.id:
        return "patient"
    profile = profile_of_user(session, user.id) if user.role == Role.DOCTOR else None
    if profile is not None and profile.id == appt.doctor_id:
        return "doctor"
    return ("admin" if has_permission(Actor(user=user), Permission.APPOINTMENTS_MANAGE)
            else None)


def get_for(session: Session, *, actor: Actor, appointment_id: int) -> tuple[Appointment, str]:
    """The appointment and the actor's part in it; NotFound for anyone else."""
    user = require_user(actor)
    appt = session.get(Appointment, appointment_id)
    part = _party(session, user, appt) if appt else None
    if appt is None or part is None:
        raise NotFound("No such appointment.")
    return appt, part


def _record(session: Session, actor: Actor, appt: Appointment, action: str, **detail) -> None:
    appt.updated_at = utcnow()
    audit.record(session, actor=actor, action=f"appointment.{action}",
                 target_type="appointment", target_id=appt.id,
                 subject_user_id=appt.patient_id, detail=detail)


def _before_cutoff(appt: Appointment, hours: int, now: datetime) -> bool:
    return now <= appt.starts_at - timedelta(hours=hours)


def cancel(session: Session, *, actor: Actor, appointment_id: int, reason: str = "",
           now: datetime | None = None) -> Appointment:
    appt, part = get_for(session, actor=actor, appointment_id=appointment_id)
    now = now or utcnow()
    reason = (reason or "").strip()[:500]
    if appt.status not in (S.PENDING, S.CONFIRMED):
        raise Conflict("Only pending or confirmed appointments can be cancelled.")
    if part == "patient":
        cutoff = slots.policy(session).cancel_cutoff_hours
        if not _before_cutoff(appt, cutoff, now):
            raise Forbidden(f"Appointments can be cancelled up to {cutoff} hours before the "
                            f"start. Please contact the clinic.")
    elif not reason:
        raise Invalid("Give the patient a reason for the cancellation.", field="reason")
    appt.status, appt.cancelled_by_id = S.CANCELLED, actor.user_id
    appt.cancel_reason = reason or "Cancelled by the patient"
    _record(session, actor, appt, "cancel", by=part)
    appointment_mail.cancelled(session, appt, by=part, reason=reason)
    return appt


def reschedule(session: Session, *, actor: Actor, appointment_id: int, starts_at: datetime,
               now: datetime | None = None) -> Appointment:
    """The patient moves their visit: the old one is cancelled and the new one linked to it,
    in one transaction (a failed booking leaves the old appointment untouched)."""
    appt, part = get_for(session, actor=actor, appointment_id=appointment_id)
    if part != "patient":
        raise Forbidden("Only the patient can reschedule; doctors cancel with a reason.")
    if appt.status not in (S.PENDING, S.CONFIRMED):
        raise Conflict("Only pending or confirmed appointments can be rescheduled.")
    cutoff = slots.policy(session).reschedule_cutoff_hours
    if not _before_cutoff(appt, cutoff, now or utcnow()):
        raise Forbidden(f"Appointments can be moved up to {cutoff} hours before the start.")
    appt.status, appt.cancelled_by_id = S.CANCELLED, actor.user_id
    appt.cancel_reason = "Rescheduled"
    _record(session, actor, appt, "reschedule")
    return booking.book_slot(session, actor=actor, doctor_id=appt.doctor_id,
                             starts_at=starts_at, mode=appt.mode,
                             follow_up_of_id=appt.follow_up_of_id,
                             rescheduled_from_id=appt.id)


def _doctor_or_admin(part: str) -> None:
    if part not in ("doctor", "admin"):
        raise Forbidden("Only the appointment's doctor or an administrator can do this.")


def approve(session: Session, *, actor: Actor, appointment_id: int) -> Appointment:
    appt, part = get_for(session, actor=actor, appointment_id=appointment_id)
    _doctor_or_admin(part)
    if appt.status != S.PENDING:
        raise Conflict("Only pending appointments need approval.")
    appt.status = S.CONFIRMED
    _record(session, actor, appt, "approve", by=part)
    appointment_mail.approved(session, appt)
    return appt


def mark_no_show(session: Session, *, actor: Actor, appointment_id: int,
                 now: datetime | None = None) -> Appointment:
    appt, part = get_for(session, actor=actor, appointment_id=appointment_id)
    _doctor_or_admin(part)
    if appt.status != S.CONFIRMED:
        raise Conflict("Only confirmed appointments can be marked as a no-show.")
    if (now or utcnow()) < appt.starts_at:
        raise Conflict("An appointment can be marked as a no-show only after it starts.")
    appt.status = S.NO_SHOW
    _record(session, actor, appt, "no_show", by=part)
    return appt


def complete(session: Session, *, actor: Actor, appointment_id: int) -> Appointment:
    appt, part = get_for(session, actor=actor, appointment_id=appointment_id)
    if part != "doctor":
        raise Forbidden("Only the appointment's doctor can complete it.")
    if appt.status not in (S.CONFIRMED, S.IN_PROGRESS):
        raise Conflict("Only confirmed or running appointments can be completed.")
    appt.status = S.COMPLETED
    _record(session, actor, appt, "complete")
    from odcp.services import notes  # notes builds on this module (get_for)

    notes.sign_on_complete(session, actor=actor, appointment=appt)
    return appt


MAX_FOLLOW_UP_NOTE = 500


def follow_up_context(patient_id: int) -> str:
    return f"patient:{patient_id}:follow-up-note"


def follow_up_note(appt: Appointment) -> str:
    """The doctor's follow-up advice, for the appointment's parties (callers have checked
    who reads it: it is clinical text, sealed at rest)."""
    if not appt.follow_up_note_enc:
        return ""
    return decrypt_text(appt.follow_up_note_enc, context=follow_up_context(appt.patient_id))


def recommend_follow_up(session: Session, *, actor: Actor, appointment_id: int,
                        after_days: int, note: str = "") -> Appointment:
    appt, part = get_for(session, actor=actor, appointment_id=appointment_id)
    if part != "doctor":
        raise Forbidden("Only the appointment's doctor can recommend a follow-up.")
    if appt.status not in CLINICAL_STATUSES:
        raise Conflict("A follow-up can be recommended once the appointment is confirmed.")
    if not 1 <= after_days <= 365:
        raise Invalid("The follow-up interval must be 1 to 365 days.", field="after_days")
    note = (note or "").strip()[:MAX_FOLLOW_UP_NOTE]
    appt.follow_up_after_days = after_days
    appt.follow_up_note_enc = encrypt_text(
        note, context=follow_up_context(appt.patient_id)) if note else None
    _record(session, actor, appt, "follow_up_recommended", after_days=after_days)
    return appt


def book_follow_up(session: Session, *, actor: Actor, appointment_id: int,
                   starts_at: datetime, mode: str | None = None) -> Appointment:
    """The patient books the recommended follow-up, linked to the first appointment."""
    appt, part = get_for(session, actor=actor, appointment_id=appointment_id)
    if part != "patient":
        raise Forbidden("Only the patient can book their follow-up.")
    if appt.follow_up_after_days is None:
        raise Conflict("Your doctor has not recommended a follow-up for this appointment.")
    return booking.book_slot(session, actor=actor, doctor_id=appt.doctor_id,
                             starts_at=starts_at, mode=mode or appt.mode,
                             follow_up_of_id=appt.id)


def list_for_patient(session: Session, *, actor: Actor, upcoming: bool,
                     now: datetime | None = None, limit: int = 100) -> list[Appointment]:
    user = require_user(actor)
    now = now or utcnow()
    query = select(Appointment).where(Appointment.patient_id == user.id)
    if upcoming:
        query = query.where(Appointment.ends_at >= now,
                            col(Appointment.status).in_(ACTIVE_STATUSES))
        query = query.order_by(col(Appointment.starts_at))
    else:
        query = query.where((Appointment.ends_at < now)
                            | col(Appointment.status).not_in(ACTIVE_STATUSES))
        query = query.order_by(col(Appointment.starts_at).desc())
    return list(session.exec(query.limit(limit)).all())


def list_for_doctor(session: Session, *, actor: Actor, start: datetime,
                    end: datetime) -> list[Appointment]:
    profile = require_active_doctor(session, actor=actor)
    return list(session.exec(select(Appointment).where(
        Appointment.doctor_id == profile.id, Appointment.starts_at >= start,
        Appointment.starts_at < end).order_by(col(Appointment.starts_at))).all())
