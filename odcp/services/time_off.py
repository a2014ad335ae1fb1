"""A doctor's time off: spans with no bookings. Existing appointments are not moved
automatically; the doctor is told how many fall inside so they can cancel with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from odcp.models.appointment import ACTIVE_STATUSES, Appointment
from odcp.models.base import utcnow
from odcp.models.schedule import TimeOff
from odcp.services import audit
from odcp.services.actor import Actor
from odcp.services.doctor_profiles import require_active_doctor
from odcp.services.errors import Invalid, NotFound

MAX_SPAN = timedelta(days=366)


def _own_profile(session: Session, actor: Actor):
    return require_active_doctor(session, actor=actor)


def add(session: Session, *, actor: Actor, starts_at: datetime, ends_at: datetime,
        reason: str = "") -> tuple[TimeOff, int]:
    """Block a span; returns it and how many active appointments fall inside it."""
    profile = _own_profile(session, actor)
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise Invalid("Times must carry a time zone.")
    if ends_at <= starts_at:
        raise Invalid("The end must come after the start.", field="ends_at")
    if ends_at - starts_at > MAX_SPAN:
        raise Invalid("Time off can span at most a year.", field="ends_at")
    if ends_at <= utcnow():
        raise Invalid("That time off is already over.", field="ends_at")
    row = TimeOff(doctor_id=profile.id, starts_at=starts_at, ends_at=ends_at,
                  reason=(reason or "").strip()[:200])
    session.add(row)
    session.flush()
    clashes = len(session.exec(select(Appointment.id).where(
        Appointment.doctor_id == profile.id, col(Appointment.status).in_(ACTIVE_STATUSES),
        Appointment.starts_at < ends_at, Appointment.ends_at > starts_at)).all())
    audit.record(session, actor=actor, action="schedule.time_off_add", target_type="time_off",
                 target_id=row.id, detail={"clashes": clashes})
    return row, clashes


def upcoming(session: Session, *, actor: Actor) -> list[TimeOff]:
    profile = _own_profile(session, actor)
    return list(session.exec(select(TimeOff).where(
        TimeOff.doctor_id == profile.id, TimeOff.ends_at > utcnow())
        .order_by(col(TimeOff.starts_at))).all())


def remove(session: Session, *, actor: Actor, time_off_id: int) -> None:
    profile = _own_profile(session, actor)
    row = session.get(TimeOff, time_off_id)
    if row is None or row.doctor_id != profile.id:
        raise NotFound("No such time off.")
    session.delete(row)
    audit.record(session, actor=actor, action="schedule.time_off_remove",
                 target_type="time_off", target_id=time_off_id)
