"""Booking a slot: exactly one winner per slot, no overlapping visits for one patient.

Why the row locks first: the check (is the slot open, is the patient free) and the insert
must not interleave with another booking. Touching the doctor's and the patient's rows
takes row locks on PostgreSQL and the database write lock on SQLite (what BEGIN IMMEDIATE
would do), so competing bookings queue. The partial unique index on an active doctor
slot stays the last guard: a racing insert that slips through becomes SlotTaken.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from odcp.models.appointment import ACTIVE_STATUSES, Appointment, AppointmentStatus
from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile
from odcp.models.user import AccountStatus, Role, User
from odcp.services import appointment_mail, audit, directory, slots
from odcp.services.actor import Actor, require_user
from odcp.services.crypto import encrypt_text
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound

MAX_REASON = 1000


class SlotTaken(Conflict):
    """The slot went to someone else; `alternatives` are the next free ones."""

    def __init__(self, alternatives: list[slots.Slot]) -> None:
        super().__init__("Sorry, that time was just taken. Here are the next free times.")
        self.alternatives = alternatives


def reason_context(patient_id: int) -> str:
    return f"patient:{patient_id}:appointment-reason"


def bookable_doctor(session: Session, doctor_id: int) -> DoctorProfile:
    """A listed doctor (the directory's one rule), or NotFound."""
    if not directory.is_listed(session, doctor_id=doctor_id):
        raise NotFound("This doctor is not taking bookings.")
    return session.get(DoctorProfile, doctor_id)


def lock_parties(session: Session, *, doctor_id: int, patient_id: int) -> None:
    """Queue behind any other write for this doctor or patient (see the module docstring);
    also used by appointments_admin.reassign."""
    session.exec(update(DoctorProfile).where(col(DoctorProfile.id) == doctor_id)
                 .values(id=DoctorProfile.id))
    session.exec(update(User).where(col(User.id) == patient_id).values(id=User.id))


def patient_overlap(session: Session, *, patient_id: int, starts_at: datetime,
                    ends_at: datetime, ignore_id: int | None = None) -> bool:
    query = select(Appointment.id).where(
        Appointment.patient_id == patient_id, col(Appointment.status).in_(ACTIVE_STATUSES),
        Appointment.starts_at < ends_at, Appointment.ends_at > starts_at)
    if ignore_id is not None:
        query = query.where(Appointment.id != ignore_id)
    return session.exec(query.limit(1)).first() is not None


def _alternatives(session: Session, doctor_id: int, after: datetime, mode: str) -> list:
    return slots.open_slots(session, doctor_id=doctor_id, start=after,
                            end=after + timedelta(days=14), mode=mode)[:5]


def book_slot(session: Session, *, actor: Actor, doctor_id: int, starts_at: datetime,
              mode: str, reason: str = "", follow_up_of_id: int | None = None,
              rescheduled_from_id: int | None = None) -> Appointment:
    """Book `starts_at` with the doctor for the acting patient. Commits on success."""
    patient = require_user(actor)
    if patient.role != Role.PATIENT or patient.status != AccountStatus.ACTIVE:
        raise Forbidden("Only patients with an active account can book.")
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise Invalid(f"Keep the reason under {MAX_REASON} characters.", field="reason")
    if starts_at.tzinfo is None:
        raise Invalid("The time must carry a time zone.", field="starts_at")
    profile = bookable_doctor(session, doctor_id)
    if mode not in profile.modes:
        raise Invalid("This doctor does not offer that kind of consultation.", field="mode")
    lock_parties(session, doctor_id=doctor_id, patient_id=patient.id)
    slot = slots.is_open(session, doctor_id=doctor_id, starts_at=starts_at, mode=mode)
    if slot is None:
        alternatives = _alternatives(session, doctor_id, starts_at, mode)
        session.rollback()
        raise SlotTaken(alternatives)
    if patient_overlap(session, patient_id=patient.id, starts_at=slot.starts_at,
                       ends_at=slot.ends_at, ignore_id=rescheduled_from_id):
        session.rollback()
        raise Conflict("You already have an appointment at that time.")
    requires_approval = slots.policy(session).requires_approval
    appointment = Appointment(
        patient_id=patient.id, doctor_id=doctor_id, starts_at=slot.starts_at,
        ends_at=slot.ends_at, mode=mode,
        status=AppointmentStatus.PENDING if requires_approval else AppointmentStatus.CONFIRMED,
        reason_enc=encrypt_text(reason, context=reason_context(patient.id)) if reason else "",
        fee_cents=int((profile.fees_by_mode or {}).get(mode, profile.fee_cents)),
        currency=profile.currency, follow_up_of_id=follow_up_of_id,
        rescheduled_from_id=rescheduled_from_id, created_at=utcnow(), updated_at=utcnow())
    session.add(appointment)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise SlotTaken(_alternatives(session, doctor_id, starts_at, mode)) from None
    audit.record(session, actor=actor, action="appointment.book", target_type="appointment",
                 target_id=appointment.id, subject_user_id=patient.id,
                 detail={"doctor_id": doctor_id, "status": str(appointment.status)})
    if rescheduled_from_id is not None:  # mail in this transaction: sent only if it lands
        appointment_mail.rescheduled(session, session.get(Appointment, rescheduled_from_id),
                                     appointment)
    else:
        appointment_mail.booked(session, appointment)
    session.commit()
    return appointment
