"""Mail to the people an appointment concerns, queued in the caller's transaction.

Why queued here and never sent here: the mail must exist exactly when the change does. It
is stored in the same transaction as the booking or the move, so a rolled-back change
sends nothing, and the outbox delivers it once the commit is through (see
odcp.services.mail.outbox). Each recipient reads the time in their own zone, named, and
gets the link to their own page. Nothing medical goes in: never the reason for the visit.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from odcp.models.appointment import Appointment, AppointmentStatus
from odcp.models.doctor import DoctorProfile
from odcp.models.user import AccountStatus, User
from odcp.services.mail import outbox
from odcp.settings import get_settings

PATIENT_PAGE, DOCTOR_PAGE = "/appointments", "/doctor/agenda"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def describe_time(starts_at: datetime, ends_at: datetime, zone: str) -> tuple[str, str]:
    """("Monday 2 March 2026, 09:00 to 09:30 (Europe/Berlin, CET)", "Mon 2 Mar, 09:00 CET")
    in `zone`, so nobody has to convert a time in a mail."""
    tz = _zone(zone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    return (f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M} "
            f"({tz.key}, {start:%Z})",
            f"{start:%a} {start.day} {start:%b}, {start:%H:%M} {start:%Z}")


def _doctor_user(session: Session, doctor_id: int) -> User:
    return session.get(User, session.get(DoctorProfile, doctor_id).user_id)


def _send(session: Session, *, to: User, kind: str, appt: Appointment, other: str,
          doctor_side: bool, **values: str) -> None:
    if to.status == AccountStatus.REMOVED:
        return  # a closed account gets no more mail
    when, when_short = describe_time(appt.starts_at, appt.ends_at, to.timezone)
    page = DOCTOR_PAGE if doctor_side else PATIENT_PAGE
    outbox.queue(session, to=to.email, kind=kind, name=to.full_name, other=other,
                 mode=appt.mode, when=when, when_short=when_short,
                 link=get_settings().public_url.rstrip("/") + page,
                 link_label="Open your agenda" if doctor_side else "See your appointments",
                 **values)


def booked(session: Session, appt: Appointment) -> None:
    """A new booking: the patient is told it is confirmed (or waits for approval), the
    doctor that it is in the agenda (or needs their approval)."""
    patient, doctor = session.get(User, appt.patient_id), _doctor_user(session, appt.doctor_id)
    pending = appt.status == AppointmentStatus.PENDING
    _send(session, to=patient, appt=appt, other=doctor.full_name, doctor_side=False,
          kind="appointment_requested" if pending else "appointment_booked")
    _send(session, to=doctor, appt=appt, other=patient.full_name, doctor_side=True,
          kind="doctor_appointment_requested" if pending else "doctor_appointment_booked")


def approved(session: Session, appt: Appointment) -> None:
    _send(session, to=session.get(User, appt.patient_id), appt=appt, doctor_side=False,
          other=_doctor_user(session, appt.doctor_id).full_name, kind="appointment_approved")


def cancelled(session: Session, appt: Appointment, *, by: str, reason: str = "") -> None:
    """`by` is the canceller's part ('patient', 'doctor' or 'admin'): the other party is
    told, with the reason; a cancellation by the clinic goes to both."""
    patient, doctor = session.get(User, appt.patient_id), _doctor_user(session, appt.doctor_id)
    by_text = {"patient": patient.full_name, "doctor": doctor.full_name}.get(by, "the clinic")
    values = {"by": by_text, "reason_line": f"Reason: {reason}" if reason else ""}
    if by != "patient":
        _send(session, to=patient, appt=appt, other=doctor.full_name, doctor_side=False,
              kind="appointment_cancelled", **values)
    if by != "doctor":
        _send(session, to=doctor, appt=appt, other=patient.full_name, doctor_side=True,
              kind="appointment_cancelled", **values)


def rescheduled(session: Session, old: Appointment, new: Appointment) -> None:
    """Both parties, each with the old and the new time in their own zone."""
    patient, doctor = session.get(User, new.patient_id), _doctor_user(session, new.doctor_id)
    pending = new.status == AppointmentStatus.PENDING
    for user, other, doctor_side, note in (
            (patient, doctor.full_name, False,
             "It waits for the clinic's approval; we will write when it is confirmed."),
            (doctor, patient.full_name, True, "It needs your approval on your agenda.")):
        _send(session, to=user, appt=new, other=other, doctor_side=doctor_side,
              kind="appointment_rescheduled",
              old_when=describe_time(old.starts_at, old.ends_at, user.timezone)[0],
              note=note if pending else "")


def reassigned(session: Session, appt: Appointment, *, previous_doctor_id: int,
               reason: str) -> None:
    """The clinic gave the appointment to another doctor (same time): the patient, the
    new doctor and the previous one are told, with the clinic's reason."""
    patient = session.get(User, appt.patient_id)
    doctor, previous = (_doctor_user(session, appt.doctor_id),
                        _doctor_user(session, previous_doctor_id))
    _send(session, to=patient, appt=appt, other=doctor.full_name, doctor_side=False,
          kind="appointment_reassigned", previous=previous.full_name, reason=reason)
    _send(session, to=doctor, appt=appt, other=patient.full_name, doctor_side=True,
          kind="doctor_appointment_assigned", reason=reason)
    _send(session, to=previous, appt=appt, other=patient.full_name, doctor_side=True,
          kind="doctor_appointment_unassigned", reason=reason)
