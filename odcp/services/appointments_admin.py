"""Every appointment, for the clinic's appointment administrators: find, and give to another
doctor.

Reassigning keeps the patient, the time, the mode and the price they booked at, and moves
the visit to another listed doctor who offers that mode and has exactly that slot free. It
queues behind other bookings with booking's own locks and asks `slots.is_open` (never a copy
of either); the partial unique index on an active doctor slot stays the last guard, so two
admins giving one doctor's slot away at once leave one winner. The UPDATE is conditional on
the appointment still being open with its old doctor, so a cancel that lands in between is
not undone. The patient and both doctors are mailed (services.appointment_mail) in the
same transaction. Cancelling stays `appointments.cancel` (admins give a reason there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.models.base import utcnow
from odcp.models.clinical import ConsultationNote, Prescription
from odcp.models.doctor import DoctorProfile, Specialty
from odcp.models.user import User
from odcp.services import appointment_mail, audit, booking, directory, slots
from odcp.services.actor import Actor
from odcp.services.errors import Conflict, Invalid, NotFound
from odcp.services.paging import PageCount
from odcp.services.permissions import Permission, require_permission

S = AppointmentStatus
MOVABLE = (S.PENDING, S.CONFIRMED)
ORDERS = ("upcoming", "newest")
MAX_PAGE_SIZE = 100
MAX_SEARCH = 100
REASON_LENGTH = (3, 500)
Patient, DoctorUser = aliased(User), aliased(User)


@dataclass(frozen=True)
class AppointmentFilter:
    status: str | None = None
    doctor_id: int | None = None
    patient: str = ""  # part of the patient's name or email, any case
    since: datetime | None = None  # starts at or after
    until: datetime | None = None  # starts before
    order: str = "upcoming"  # not yet ended soonest first, then the past; or newest booked


@dataclass(frozen=True)
class AdminRow:
    """One appointment as the dashboard shows it (no medical content: no reason text)."""

    id: int
    patient_id: int
    patient_name: str
    patient_email: str
    doctor_id: int
    doctor_name: str
    starts_at: datetime
    ends_at: datetime
    mode: str
    status: str
    fee_cents: int
    currency: str
    cancel_reason: str | None
    created_at: datetime
    can_cancel: bool
    can_reassign: bool


@dataclass(frozen=True)
class AppointmentPage(PageCount):
    rows: list[AdminRow]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class DoctorChoice:
    doctor_id: int
    name: str
    specialty: str
    free: bool
    note: str  # why not, when not free


def _conditions(filters: AppointmentFilter) -> list:
    conditions = []
    if filters.status:
        try:
            conditions.append(col(Appointment.status) == S(filters.status).value)
        except ValueError:
            raise Invalid(f"Unknown status {filters.status!r}; choose one of "
                          f"{', '.join(s.value for s in S)}.", field="status") from None
    if filters.doctor_id is not None:
        conditions.append(col(Appointment.doctor_id) == filters.doctor_id)
    term = " ".join((filters.patient or "").split())[:MAX_SEARCH]
    if term:
        conditions.append(or_(col(Patient.full_name).icontains(term, autoescape=True),
                              col(Patient.email).icontains(term, autoescape=True)))
    for value, name in ((filters.since, "since"), (filters.until, "until")):
        if value is not None and value.tzinfo is None:
            raise Invalid(f"{name} must carry a time zone.", field=name)
    if filters.since is not None:
        conditions.append(col(Appointment.starts_at) >= filters.since)
    if filters.until is not None:
        conditions.append(col(Appointment.starts_at) < filters.until)
    if filters.since and filters.until and filters.until <= filters.since:
        raise Invalid("The end of the date range must be after its start.", field="until")
    return conditions


def _ordering(order: str, now: datetime) -> list:
    if order == "newest":
        return [col(Appointment.created_at).desc(), col(Appointment.id).desc()]
    if order != "upcoming":
        raise Invalid(f"Order by one of {', '.join(ORDERS)}.", field="order")
    ahead = col(Appointment.ends_at) >= now
    return [case((ahead, 0), else_=1), case((ahead, Appointment.starts_at)),
            col(Appointment.starts_at).desc(), col(Appointment.id)]


def _movable(appt: Appointment, now: datetime, notice_minutes: int) -> bool:
    """What `_open_appointment` lets through, so the dashboard offers only what works."""
    return (appt.status in MOVABLE and appt.starts_at > now
            and appt.starts_at >= now + timedelta(minutes=notice_minutes))


def list_appointments(session: Session, *, actor: Actor,
                      filters: AppointmentFilter = AppointmentFilter(), page: int = 1,
                      page_size: int = 25, now: datetime | None = None) -> AppointmentPage:
    """Every appointment matching `filters`, paged."""
    require_permission(actor, Permission.APPOINTMENTS_MANAGE)
    if page < 1:
        raise Invalid("page must be 1 or more", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise Invalid(f"page_size must be between 1 and {MAX_PAGE_SIZE}", field="page_size")
    now = now or utcnow()
    conditions, ordering = _conditions(filters), _ordering(filters.order, now)
    notice = slots.policy(session).min_notice_minutes
    base = (select(Appointment, Patient, DoctorUser)
            .join(Patient, col(Patient.id) == Appointment.patient_id)
            .join(DoctorProfile, col(DoctorProfile.id) == Appointment.doctor_id)
            .join(DoctorUser, col(DoctorUser.id) == DoctorProfile.user_id)
            .where(*conditions))
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    found = session.exec(base.order_by(*ordering).offset((page - 1) * page_size)
                         .limit(page_size)).all()
    rows = [AdminRow(
        id=a.id, patient_id=p.id, patient_name=p.full_name, patient_email=p.email,
        doctor_id=a.doctor_id, doctor_name=d.full_name, starts_at=a.starts_at,
        ends_at=a.ends_at, mode=a.mode, status=str(a.status), fee_cents=a.fee_cents,
        currency=a.currency, cancel_reason=a.cancel_reason, created_at=a.created_at,
        can_cancel=a.status in MOVABLE, can_reassign=_movable(a, now, notice))
        for a, p, d in found]
    return AppointmentPage(rows=rows, total=total, page=page, page_size=page_size)


def doctor_names(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """Every doctor with a profile (listed or not: old appointments keep theirs), by name,
    for the dashboard's doctor filter."""
    require_permission(actor, Permission.APPOINTMENTS_MANAGE)
    return [(i, n) for i, n in session.exec(
        select(DoctorProfile.id, User.full_name)
        .join(User, col(User.id) == DoctorProfile.user_id)
        .order_by(func.lower(User.full_name), col(DoctorProfile.id))).all()]


def _open_appointment(session: Session, appointment_id: int, now: datetime) -> Appointment:
    appt = session.get(Appointment, appointment_id, populate_existing=True)
    if appt is None:
        raise NotFound("No such appointment.")
    if appt.status not in MOVABLE:
        raise Conflict("Only pending or confirmed appointments can be given to another "
                       "doctor.")
    if appt.starts_at <= now:
        raise Conflict("This appointment has already started; it can no longer be given to "
                       "another doctor.")
    notice = slots.policy(session).min_notice_minutes
    if appt.starts_at < now + timedelta(minutes=notice):
        raise Conflict(f"This appointment starts within the clinic's minimum notice of "
                       f"{notice} minutes; no other doctor can take it now.")
    return appt


def _free_slot(session: Session, doctor: DoctorProfile, appt: Appointment,
               now: datetime) -> str:
    """'' when `doctor` can take `appt` as it is, else why not."""
    if appt.mode not in doctor.modes:
        return f"Does not offer {appt.mode} consultations"
    slot = slots.is_open(session, doctor_id=doctor.id, starts_at=appt.starts_at,
                         mode=appt.mode, now=now)
    if slot is None or slot.ends_at != appt.ends_at:
        return "Not free at this time"
    return ""


def free_doctors(session: Session, *, actor: Actor, appointment_id: int,
                 now: datetime | None = None) -> list[DoctorChoice]:
    """Every other listed doctor and whether they can take this appointment as it is;
    the free ones first, then by name."""
    require_permission(actor, Permission.APPOINTMENTS_MANAGE)
    now = now or utcnow()
    appt = _open_appointment(session, appointment_id, now)
    listed = session.exec(directory.listed_doctors_query(DoctorProfile, User, Specialty)
                          .where(DoctorProfile.id != appt.doctor_id)).all()
    choices = []
    for profile, user, specialty in listed:
        why = _free_slot(session, profile, appt, now)
        choices.append(DoctorChoice(doctor_id=profile.id, name=user.full_name,
                                    specialty=specialty.name, free=not why, note=why))
    choices.sort(key=lambda c: (not c.free, c.name.lower(), c.doctor_id))
    return choices


def _refuse_if_clinical_work(session: Session, appointment_id: int) -> None:
    """A note (even a draft) or a prescription is the first doctor's clinical work: moving
    the appointment would hand it to another doctor, who could read or cancel it."""
    written = session.exec(select(func.count()).select_from(ConsultationNote).where(
        col(ConsultationNote.appointment_id) == appointment_id)).one()
    written += session.exec(select(func.count()).select_from(Prescription).where(
        col(Prescription.appointment_id) == appointment_id)).one()
    if written:
        raise Conflict("The doctor has already written notes or a prescription for this "
                       "appointment; cancel it and book the patient with the other doctor "
                       "instead.")


def reassign(session: Session, *, actor: Actor, appointment_id: int, doctor_id: int,
             reason: str, now: datetime | None = None) -> Appointment:
    """Give the appointment to `doctor_id`, same patient and time. Flushed, not committed
    (the caller's transaction also carries what else goes with it, e.g. mail)."""
    require_permission(actor, Permission.APPOINTMENTS_MANAGE)
    now = now or utcnow()
    reason = " ".join((reason or "").split())
    if not REASON_LENGTH[0] <= len(reason) <= REASON_LENGTH[1]:
        raise Invalid(f"Give a reason of {REASON_LENGTH[0]} to {REASON_LENGTH[1]} characters "
                      f"(the patient and both doctors are told).", field="reason")
    appt = _open_appointment(session, appointment_id, now)
    if doctor_id == appt.doctor_id:
        raise Invalid("The appointment is already with this doctor; choose another.",
                      field="doctor_id")
    target = booking.bookable_doctor(session, doctor_id)
    if appt.mode not in target.modes:
        raise Invalid(f"This doctor does not offer {appt.mode} consultations.",
                      field="doctor_id")
    booking.lock_parties(session, doctor_id=doctor_id, patient_id=appt.patient_id)
    appt = _open_appointment(session, appointment_id, now)  # re-read under the lock
    old_doctor = appt.doctor_id
    _refuse_if_clinical_work(session, appt.id)
    if _free_slot(session, target, appt, now):
        session.rollback()
        raise Conflict("That doctor is not free at exactly this time any more; choose "
                       "another doctor.")
    try:
        moved = session.exec(
            sql_update(Appointment)
            .where(col(Appointment.id) == appt.id, col(Appointment.doctor_id) == old_doctor,
                   col(Appointment.status).in_(MOVABLE))
            .values(doctor_id=doctor_id, updated_at=now)).rowcount
    except IntegrityError:
        session.rollback()
        raise Conflict("That doctor's slot was just taken; choose another doctor.") from None
    if moved != 1:
        session.rollback()
        raise Conflict("The appointment changed meanwhile; reload and try again.")
    session.refresh(appt)
    audit.record(session, actor=actor, action="appointment.reassign",
                 target_type="appointment", target_id=appt.id,
                 subject_user_id=appt.patient_id,
                 detail={"from_doctor_id": old_doctor, "to_doctor_id": doctor_id,
                         "reason": reason})
    appointment_mail.reassigned(session, appt, previous_doctor_id=old_doctor, reason=reason)
    session.flush()
    return appt
