"""Open slots: a doctor's weekly rules in their own zone, minus what is taken.

Why the arithmetic is done this way: each local window is built for its own date
(`datetime.combine` with the doctor's `ZoneInfo`) and converted to UTC before stepping,
because adding a timedelta to an aware local datetime is wall-clock arithmetic in Python
and goes wrong across daylight-saving changes. Slots are then stepped in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from odcp.models.appointment import ACTIVE_STATUSES, Appointment
from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile
from odcp.models.schedule import AvailabilityRule, ClinicPolicy, DateOverride, TimeOff
from odcp.services.errors import Invalid, NotFound

MAX_RANGE_DAYS = 92


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    modes: tuple[str, ...]


@dataclass(frozen=True)
class _Window:
    start: datetime  # UTC
    end: datetime  # UTC
    step: timedelta
    length: timedelta
    modes: tuple[str, ...]


def policy(session: Session) -> ClinicPolicy:
    """The clinic's policy row (defaults until an admin changes it)."""
    return session.get(ClinicPolicy, 1) or ClinicPolicy()


def _local_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in `tz`, as UTC. A time skipped by a spring-forward change resolves
    with the offset before the change, i.e. to the first real instant after the gap."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _windows_for_day(day: date, tz: ZoneInfo, rules: list[AvailabilityRule],
                     override: DateOverride | None, doctor_modes: list[str]) -> list[_Window]:
    if override is not None:
        if override.start_time is None or override.end_time is None:
            return []
        specs = [(override.start_time, override.end_time, override.slot_minutes, 0,
                  override.modes or doctor_modes)]
    else:
        specs = [(r.start_time, r.end_time, r.slot_minutes, r.buffer_minutes,
                  r.modes or doctor_modes) for r in rules if r.weekday == day.weekday()]
    windows = []
    for start, end, minutes, buffer, modes in specs:
        # An end at midnight (00:00) means the end of this local day.
        end_day = day + timedelta(days=1) if end == time(0) else day
        windows.append(_Window(
            start=_local_utc(day, start, tz), end=_local_utc(end_day, end, tz),
            step=timedelta(minutes=minutes + buffer), length=timedelta(minutes=minutes),
            modes=tuple(modes)))
    return windows


def _busy(session: Session, doctor_id: int, start: datetime, end: datetime
          ) -> list[tuple[datetime, datetime]]:
    taken = session.exec(select(Appointment.starts_at, Appointment.ends_at).where(
        Appointment.doctor_id == doctor_id, col(Appointment.status).in_(ACTIVE_STATUSES),
        Appointment.starts_at < end, Appointment.ends_at > start)).all()
    off = session.exec(select(TimeOff.starts_at, TimeOff.ends_at).where(
        TimeOff.doctor_id == doctor_id, TimeOff.starts_at < end, TimeOff.ends_at > start)).all()
    return [tuple(row) for row in (*taken, *off)]


def open_slots(session: Session, *, doctor_id: int, start: datetime, end: datetime,
               mode: str | None = None, now: datetime | None = None) -> list[Slot]:
    """Free slots of one doctor starting in [start, end) (aware datetimes, any zone),
    within the clinic's minimum notice and booking horizon, oldest first."""
    if start.tzinfo is None or end.tzinfo is None:
        raise Invalid("start and end must carry a time zone")
    if end <= start:
        return []
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise Invalid(f"Ask for at most {MAX_RANGE_DAYS} days of slots at a time.")
    profile = session.get(DoctorProfile, doctor_id)
    if profile is None:
        raise NotFound("No such doctor.")
    rules = list(session.exec(select(AvailabilityRule)
                              .where(AvailabilityRule.doctor_id == doctor_id)).all())
    tz = ZoneInfo(profile.timezone)
    rules_policy = policy(session)
    now = now or utcnow()
    earliest = max(start.astimezone(UTC), now + timedelta(minutes=rules_policy.min_notice_minutes))
    latest = min(end.astimezone(UTC), now + timedelta(days=rules_policy.booking_horizon_days))
    if latest <= earliest:
        return []
    first_day = earliest.astimezone(tz).date() - timedelta(days=1)
    last_day = latest.astimezone(tz).date()
    overrides = {o.on_date: o for o in session.exec(select(DateOverride).where(
        DateOverride.doctor_id == doctor_id, DateOverride.on_date >= first_day,
        DateOverride.on_date <= last_day)).all()}
    busy = _busy(session, doctor_id, earliest, latest + timedelta(days=1))
    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        for window in _windows_for_day(day, tz, rules, overrides.get(day), profile.modes):
            if mode and mode not in window.modes:
                continue
            cursor = window.start
            while cursor + window.length <= window.end:
                slot_end = cursor + window.length
                if (earliest <= cursor < latest
                        and not any(b0 < slot_end and b1 > cursor for b0, b1 in busy)):
                    slots.append(Slot(cursor, slot_end, window.modes))
                cursor += window.step
        day += timedelta(days=1)
    slots.sort(key=lambda s: s.starts_at)
    return slots


def next_available(session: Session, *, doctor_id: int, now: datetime | None = None,
                   within_days: int = 30) -> Slot | None:
    """The first free slot within `within_days`, looking one week at a time."""
    now = now or utcnow()
    for week in range(0, within_days, 7):
        start = now + timedelta(days=week)
        found = open_slots(session, doctor_id=doctor_id, start=start,
                           end=min(start + timedelta(days=7), now + timedelta(days=within_days)),
                           now=now)
        if found:
            return found[0]
    return None


def is_open(session: Session, *, doctor_id: int, starts_at: datetime, mode: str,
            now: datetime | None = None) -> Slot | None:
    """The open slot starting exactly at `starts_at` for `mode`, if there is one."""
    found = open_slots(session, doctor_id=doctor_id, start=starts_at,
                       end=starts_at + timedelta(minutes=1), mode=mode, now=now)
    return next((s for s in found if s.starts_at == starts_at.astimezone(UTC)), None)
