"""Open slots: a doctor's weekly rules in their own zone, minus what is taken.

Why the arithmetic is done this way: each local window is built for its own date
(`datetime.combine` with the doctor's `ZoneInfo`) and converted to UTC before stepping,
because adding a timedelta to an aware local datetime is wall-clock arithmetic in Python
and goes wrong across daylight-saving changes. Slots are then stepped in UTC.

The pieces (`windows_for_day`, `window_slots`, the loaders taking many doctor ids) are
shared with `odcp.services.next_slot`, which finds the first free slot of many doctors
in a handful of queries; both must agree slot for slot.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, text
from sqlmodel import Session, col, select

from odcp.models.appointment import ACTIVE_STATUSES, Appointment
from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile
from odcp.models.schedule import AvailabilityRule, ClinicPolicy, DateOverride, TimeOff
from odcp.services.errors import Invalid, NotFound

MAX_RANGE_DAYS = 92
# Written out, not bound, so the planners can use the partial index on active slots
# (ux_appointments_doctor_slot_active); the values are the model's own constants.
_ACTIVE = text("appointments.status IN ({})".format(", ".join(f"'{s}'" for s in ACTIVE_STATUSES)))

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    modes: tuple[str, ...]


@dataclass(frozen=True)
class Window:
    """One stretch of a local day's hours, in UTC, with how slots step through it."""

    start: datetime  # UTC
    end: datetime  # UTC
    step: timedelta
    length: timedelta
    modes: tuple[str, ...]


def policy(session: Session) -> ClinicPolicy:
    """The clinic's policy row (defaults until an admin changes it)."""
    return session.get(ClinicPolicy, 1) or ClinicPolicy()


def bookable_range(rules_policy: ClinicPolicy, now: datetime) -> Span:
    """Slots may start from the minimum notice on, and before the booking horizon."""
    return (now + timedelta(minutes=rules_policy.min_notice_minutes),
            now + timedelta(days=rules_policy.booking_horizon_days))


def _local_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in `tz`, as UTC. A time skipped by a spring-forward change resolves
    with the offset before the change, i.e. to the first real instant after the gap."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def windows_for_day(day: date, tz: ZoneInfo, rules: Iterable, override,
                    doctor_modes: list[str]) -> list[Window]:
    """The windows of one local date: the override's hours if there is one (no hours means
    closed), else the weekly rules for that weekday. `rules`/`override` are rows or models
    with AvailabilityRule's / DateOverride's fields."""
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
        windows.append(Window(
            start=_local_utc(day, start, tz), end=_local_utc(end_day, end, tz),
            step=timedelta(minutes=minutes + buffer), length=timedelta(minutes=minutes),
            modes=tuple(modes)))
    return windows


def window_slots(window: Window, busy: list[Span], earliest: datetime, latest: datetime,
                 mode: str | None = None) -> Iterator[Slot]:
    """The free slots of one window that start in [earliest, latest), in time order."""
    if mode and mode not in window.modes:
        return
    cursor = window.start
    if cursor < earliest:  # jump whole steps to the first start at or after `earliest`
        cursor += window.step * -((cursor - earliest) // window.step)
    while cursor + window.length <= window.end and cursor < latest:
        slot_end = cursor + window.length
        if not any(b0 < slot_end and b1 > cursor for b0, b1 in busy):
            yield Slot(cursor, slot_end, window.modes)
        cursor += window.step


class Rule(NamedTuple):
    weekday: int
    start_time: time
    end_time: time
    slot_minutes: int
    buffer_minutes: int
    modes: list[str]


def rules_by_doctor(session: Session, doctor_ids: list[int]) -> dict[int, list[Rule]]:
    """Weekly rules per doctor. Times and modes come as text and each distinct value is
    decoded once: a clinic's thousands of rules share a handful of hours and mode lists,
    and decoding row by row was most of the cost of "next available" for many doctors."""
    found: dict[int, list[Rule]] = defaultdict(list)
    times: dict[str, time] = {}
    modes: dict[str, list[str]] = {}
    for doctor_id, weekday, start, end, minutes, buffer, modes_text in session.exec(select(
            AvailabilityRule.doctor_id, AvailabilityRule.weekday,
            cast(AvailabilityRule.start_time, String), cast(AvailabilityRule.end_time, String),
            AvailabilityRule.slot_minutes, AvailabilityRule.buffer_minutes,
            cast(AvailabilityRule.modes, String))
            .where(col(AvailabilityRule.doctor_id).in_(doctor_ids))):
        for raw in (start, end):
            if raw not in times:
                times[raw] = time.fromisoformat(raw)
        if modes_text not in modes:
            modes[modes_text] = json.loads(modes_text) if modes_text else []
        found[doctor_id].append(Rule(weekday, times[start], times[end], minutes, buffer,
                                     modes[modes_text]))
    return found


def overrides_by_doctor(session: Session, doctor_ids: list[int], first_day: date,
                        last_day: date) -> dict[int, dict[date, object]]:
    found: dict[int, dict] = defaultdict(dict)
    for row in session.exec(select(
            DateOverride.doctor_id, DateOverride.on_date, DateOverride.start_time,
            DateOverride.end_time, DateOverride.slot_minutes, DateOverride.modes)
            .where(col(DateOverride.doctor_id).in_(doctor_ids),
                   DateOverride.on_date >= first_day, DateOverride.on_date <= last_day)):
        found[row.doctor_id][row.on_date] = row
    return found


def busy_by_doctor(session: Session, doctor_ids: list[int], start: datetime,
                   end: datetime) -> dict[int, list[Span]]:
    """Active appointments and time off overlapping [start, end), per doctor."""
    found: dict[int, list[Span]] = defaultdict(list)
    taken = select(Appointment.doctor_id, Appointment.starts_at, Appointment.ends_at).where(
        col(Appointment.doctor_id).in_(doctor_ids), _ACTIVE,
        Appointment.starts_at < end, Appointment.ends_at > start)
    off = select(TimeOff.doctor_id, TimeOff.starts_at, TimeOff.ends_at).where(
        col(TimeOff.doctor_id).in_(doctor_ids), TimeOff.starts_at < end,
        TimeOff.ends_at > start)
    for query in (taken, off):
        for doctor_id, b0, b1 in session.exec(query):
            found[doctor_id].append((b0, b1))
    return found


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
    tz = ZoneInfo(profile.timezone)
    soonest, horizon = bookable_range(policy(session), now or utcnow())
    earliest, latest = max(start.astimezone(UTC), soonest), min(end.astimezone(UTC), horizon)
    if latest <= earliest:
        return []
    rules = rules_by_doctor(session, [doctor_id])[doctor_id]
    first_day = earliest.astimezone(tz).date() - timedelta(days=1)
    last_day = latest.astimezone(tz).date()
    overrides = overrides_by_doctor(session, [doctor_id], first_day, last_day)[doctor_id]
    busy = busy_by_doctor(session, [doctor_id], earliest, latest + timedelta(days=1))[doctor_id]
    slots: list[Slot] = []
    day = first_day
    while day <= last_day:
        for window in windows_for_day(day, tz, rules, overrides.get(day), profile.modes):
            slots.extend(window_slots(window, busy, earliest, latest, mode))
        day += timedelta(days=1)
    slots.sort(key=lambda s: s.starts_at)
    return slots


def next_available(session: Session, *, doctor_id: int, now: datetime | None = None,
                   within_days: int = 30) -> Slot | None:
    """The first free slot within `within_days`, looking one week at a time (one doctor;
    `next_slot.first_free_slots` does many at once)."""
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
