"""The doctor's week at a glance: appointments and time off, in the doctor's own zone.

Why the week's bounds are built per date: a week that contains a daylight-saving change
is 167 or 169 hours long, so its end is "next Monday 00:00 local", converted to UTC,
never "start + 7 days" in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from odcp.models.appointment import Appointment
from odcp.models.schedule import AvailabilityRule, TimeOff
from odcp.models.user import User
from odcp.services.actor import Actor
from odcp.services.doctor_profiles import require_active_doctor

DEFAULT_HOURS = (8, 18)


@dataclass(frozen=True)
class Week:
    monday: date
    zone: str
    appointments: list[tuple[Appointment, str]]  # with the patient's name
    time_off: list[TimeOff]
    first_hour: int  # the grid's rows, local: first_hour:00 up to last_hour:00
    last_hour: int


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _hours(rules: list[AvailabilityRule], appts: list[Appointment], tz: ZoneInfo,
           same_zone: bool) -> tuple[int, int]:
    """Working hours, widened to show every appointment of the week."""
    first, last = DEFAULT_HOURS
    if same_zone:  # rules are in the profile's zone; only comparable when it is the same
        for rule in rules:
            first = min(first, rule.start_time.hour)
            last = max(last, 24 if rule.end_time == time(0) else
                       rule.end_time.hour + (rule.end_time.minute > 0))
    for appt in appts:
        start, end = appt.starts_at.astimezone(tz), appt.ends_at.astimezone(tz)
        first = min(first, start.hour)
        last = max(last, 24 if end.date() > start.date() else end.hour + (end.minute > 0))
    return first, min(last, 24)


def week(session: Session, *, actor: Actor, monday: date) -> Week:
    """The doctor's appointments (every status) and time off touching the local week."""
    profile = require_active_doctor(session, actor=actor)
    zone = session.get(User, profile.user_id).timezone
    tz = ZoneInfo(zone)
    monday = monday_of(monday)
    start, end = local_midnight(monday, tz), local_midnight(monday + timedelta(days=7), tz)
    rows = session.exec(
        select(Appointment, User.full_name).join(User, col(User.id) == Appointment.patient_id)
        .where(Appointment.doctor_id == profile.id, Appointment.starts_at < end,
               Appointment.ends_at > start)
        .order_by(col(Appointment.starts_at))).all()
    off = session.exec(select(TimeOff).where(
        TimeOff.doctor_id == profile.id, TimeOff.starts_at < end, TimeOff.ends_at > start)
        .order_by(col(TimeOff.starts_at))).all()
    rules = session.exec(select(AvailabilityRule).where(
        AvailabilityRule.doctor_id == profile.id)).all()
    appts = [(a, name) for a, name in rows]
    first, last = _hours(list(rules), [a for a, _ in appts], tz, profile.timezone == zone)
    return Week(monday=monday, zone=zone, appointments=appts, time_off=list(off),
                first_hour=first, last_hour=last)
