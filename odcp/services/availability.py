"""A doctor's weekly hours and date overrides, edited by the doctor (or an appointments
admin), all in the doctor's own IANA zone.

Existing appointments are never moved or cancelled by a schedule change: every change
returns how many active appointments now fall outside the doctor's hours, so the doctor
can cancel them with a reason (odcp.services.appointments). The weekly schedule is
replaced as a whole (one validated list, one transaction), so a page or an API client
never leaves half a week saved. Rows are added and deleted through the ORM so session
events that watch AvailabilityRule/DateOverride (the stored "next free slot") see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from odcp.models.appointment import ACTIVE_STATUSES, Appointment
from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile
from odcp.models.schedule import AvailabilityRule, DateOverride
from odcp.models.user import User
from odcp.services import audit, slots
from odcp.services.actor import Actor, require_user
from odcp.services.availability_rules import (
    OverrideInput,
    Window,
    validated_override,
    validated_week,
)
from odcp.services.doctor_profiles import profile_of_user, require_active_doctor
from odcp.services.errors import NotFound
from odcp.services.permissions import Permission, require_permission


@dataclass(frozen=True)
class Availability:
    """What the editor shows: the zone, the modes on offer, the week, upcoming overrides."""

    doctor_id: int
    doctor_name: str
    timezone: str
    offered_modes: tuple[str, ...]
    rules: list[AvailabilityRule]
    overrides: list[DateOverride]


def _profile(session: Session, actor: Actor, doctor_id: int | None) -> DoctorProfile:
    """The doctor's own profile (approved doctors only), or any doctor's for an admin who
    manages appointments."""
    user = require_user(actor)
    own = profile_of_user(session, user.id) if doctor_id is not None else None
    if doctor_id is None or (own is not None and own.id == doctor_id):
        return require_active_doctor(session, actor=actor)
    require_permission(actor, Permission.APPOINTMENTS_MANAGE)
    profile = session.get(DoctorProfile, doctor_id)
    if profile is None:
        raise NotFound("No such doctor.")
    return profile


def _lock(session: Session, profile: DoctorProfile) -> None:
    """Row-lock the doctor (as booking does), so an edit and a booking never interleave."""
    session.exec(update(DoctorProfile).where(col(DoctorProfile.id) == profile.id)
                 .values(id=DoctorProfile.id))


def _today(profile: DoctorProfile) -> date:
    return datetime.now(ZoneInfo(profile.timezone)).date()


def _rules(session: Session, doctor_id: int) -> list[AvailabilityRule]:
    return list(session.exec(select(AvailabilityRule)
                             .where(AvailabilityRule.doctor_id == doctor_id)
                             .order_by(col(AvailabilityRule.weekday),
                                       col(AvailabilityRule.start_time))).all())


def _overrides(session: Session, doctor_id: int, since: date) -> list[DateOverride]:
    return list(session.exec(select(DateOverride).where(
        DateOverride.doctor_id == doctor_id, DateOverride.on_date >= since)
        .order_by(col(DateOverride.on_date))).all())


def outside_hours(session: Session, profile: DoctorProfile, now: datetime | None = None) -> int:
    """How many active appointments from now on no longer fit the doctor's hours: not
    inside a window (weekly, or that date's override) offering the appointment's mode."""
    session.flush()
    appts = session.exec(select(Appointment).where(
        Appointment.doctor_id == profile.id, col(Appointment.status).in_(ACTIVE_STATUSES),
        Appointment.ends_at > (now or utcnow()))).all()
    if not appts:
        return 0
    tz = ZoneInfo(profile.timezone)
    rules = _rules(session, profile.id)
    days = {a.starts_at.astimezone(tz).date() for a in appts}
    overrides = {o.on_date: o for o in session.exec(select(DateOverride).where(
        DateOverride.doctor_id == profile.id, col(DateOverride.on_date).in_(days))).all()}
    outside = 0
    for a in appts:
        day = a.starts_at.astimezone(tz).date()
        windows = slots.windows_for_day(day, tz, rules, overrides.get(day), profile.modes)
        if not any(w.start <= a.starts_at and a.ends_at <= w.end and a.mode in w.modes
                   for w in windows):
            outside += 1
    return outside


def read(session: Session, *, actor: Actor, doctor_id: int | None = None) -> Availability:
    """The weekly rules and the overrides from today (in the doctor's zone) on."""
    profile = _profile(session, actor, doctor_id)
    owner = session.get(User, profile.user_id)
    return Availability(doctor_id=profile.id, doctor_name=owner.full_name if owner else "",
                        timezone=profile.timezone,
                        offered_modes=tuple(profile.modes), rules=_rules(session, profile.id),
                        overrides=_overrides(session, profile.id, _today(profile)))


def replace_week(session: Session, *, actor: Actor, windows: Sequence[Window],
                 doctor_id: int | None = None) -> tuple[list[AvailabilityRule], int]:
    """Replace the whole weekly schedule (all or nothing); returns the new rules and how
    many active appointments now fall outside the doctor's hours."""
    profile = _profile(session, actor, doctor_id)
    week = validated_week(windows, profile.modes)
    _lock(session, profile)
    old = _rules(session, profile.id)
    for row in old:
        session.delete(row)
    session.flush()
    rows = [AvailabilityRule(doctor_id=profile.id, weekday=w.weekday, start_time=w.start,
                             end_time=w.end, slot_minutes=w.slot_minutes,
                             buffer_minutes=w.buffer_minutes, modes=list(w.modes))
            for w in week]
    session.add_all(rows)
    clashes = outside_hours(session, profile)
    audit.record(session, actor=actor, action="schedule.rules_replace",
                 target_type="doctor_profile", target_id=profile.id,
                 subject_user_id=profile.user_id,
                 detail={"windows": len(rows), "replaced": len(old), "clashes": clashes})
    return rows, clashes


def set_override(session: Session, *, actor: Actor, data: OverrideInput,
                 doctor_id: int | None = None) -> tuple[DateOverride, int]:
    """Closed all day, or other hours, on one local date (replacing that date's override);
    returns it and how many active appointments now fall outside the doctor's hours."""
    profile = _profile(session, actor, doctor_id)
    modes = validated_override(data, profile.modes, _today(profile))
    _lock(session, profile)
    row = session.exec(select(DateOverride).where(DateOverride.doctor_id == profile.id,
                                                  DateOverride.on_date == data.on_date)).first()
    replaced = row is not None
    row = row or DateOverride(doctor_id=profile.id, on_date=data.on_date)
    row.start_time, row.end_time = data.start, data.end
    row.slot_minutes, row.modes = (data.slot_minutes if not data.closed else 30), list(modes)
    session.add(row)
    session.flush()
    clashes = outside_hours(session, profile)
    audit.record(session, actor=actor, action="schedule.override_add",
                 target_type="availability_override", target_id=row.id,
                 subject_user_id=profile.user_id,
                 detail={"date": data.on_date.isoformat(), "closed": data.closed,
                         "replaced": replaced, "clashes": clashes})
    return row, clashes


def remove_override(session: Session, *, actor: Actor, override_id: int,
                    doctor_id: int | None = None) -> int:
    """Back to the weekly hours on that date; returns the appointments now outside them."""
    profile = _profile(session, actor, doctor_id)
    row = session.get(DateOverride, override_id)
    if row is None or row.doctor_id != profile.id:
        raise NotFound("No such date override.")
    _lock(session, profile)
    on_date = row.on_date
    session.delete(row)
    clashes = outside_hours(session, profile)
    audit.record(session, actor=actor, action="schedule.override_remove",
                 target_type="availability_override", target_id=override_id,
                 subject_user_id=profile.user_id,
                 detail={"date": on_date.isoformat(), "clashes": clashes})
    return clashes
