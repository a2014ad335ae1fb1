"""/doctor/calendar: the doctor's week as a grid in their own zone, and their feed URL.

Block positions are worked out here (plain arithmetic on the service's data) so the page
only lays them out. The feed's secret URL is kept in a public var only right after it
was made, to be shown once; any reload forgets it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.services import calendar_feeds, doctor_calendar
from odcp.services.errors import DomainError
from odcp.state.session import SessionState

PX_PER_HOUR = 80  # a 30-minute block is two lines of small text
DASH = "\u2013"
_TONES = {"pending": "amber", "confirmed": "teal", "in_progress": "blue",
          "completed": "grass", "cancelled": "gray", "no_show": "gray"}


@dataclass
class Block:
    id: str
    start: str
    time: str
    patient: str
    mode: str
    status: str
    top: str
    height: str
    background: str
    border: str
    struck: str  # "line-through" for cancelled and no-show


@dataclass
class Shade:
    top: str
    height: str
    label: str


@dataclass
class CalendarDay:
    short: str
    long: str
    today: bool
    blocks: list[Block] = field(default_factory=list)
    shades: list[Shade] = field(default_factory=list)
    time_off: list[str] = field(default_factory=list)  # for the phone's list


def _px(minutes: float) -> str:
    return f"{minutes * PX_PER_HOUR / 60:.1f}px"


def _block(appt, patient: str, tz: ZoneInfo, first_minute: int, grid_end: int) -> Block:
    start, end = appt.starts_at.astimezone(tz), appt.ends_at.astimezone(tz)
    top = start.hour * 60 + start.minute - first_minute
    length = max(min((end - start).total_seconds() / 60, grid_end - top), 15)
    status, tone = str(appt.status), _TONES.get(str(appt.status), "gray")
    return Block(id=str(appt.id), start=f"{start:%H:%M}",
                 time=f"{start:%H:%M}{DASH}{end:%H:%M}", patient=patient, mode=appt.mode,
                 status=status.replace("_", " "), top=_px(top), height=_px(length),
                 background=f"var(--{tone}-3)", border=f"var(--{tone}-9)",
                 struck="line-through" if status in ("cancelled", "no_show") else "none")


def _off_label(off) -> str:
    return f"Time off · {off.reason}" if off.reason else "Time off"


def _off_line(off, day: date, tz: ZoneInfo) -> str | None:
    """'Time off from 13:00 · Congress', 'until 10:00', 'all day' or 'hh:mm-hh:mm'."""
    lo = doctor_calendar.local_midnight(day, tz)
    hi = doctor_calendar.local_midnight(day + timedelta(days=1), tz)
    start, end = max(off.starts_at, lo), min(off.ends_at, hi)
    if end <= start:
        return None
    a, b = start.astimezone(tz), end.astimezone(tz)
    span = ("all day" if (start, end) == (lo, hi) else f"until {b:%H:%M}" if start == lo
            else f"from {a:%H:%M}" if end == hi else f"{a:%H:%M}{DASH}{b:%H:%M}")
    label = _off_label(off)
    return label.replace("Time off", f"Time off {span}", 1)


def _shade(off, day: date, tz: ZoneInfo, first_hour: int, last_hour: int) -> Shade | None:
    """The part of a time-off span that falls in this day's visible hours."""
    day_start = doctor_calendar.local_midnight(day, tz).astimezone(tz)
    lo = day_start.replace(hour=first_hour)
    hi = (doctor_calendar.local_midnight(day + timedelta(days=1), tz).astimezone(tz)
          if last_hour == 24 else day_start.replace(hour=last_hour))
    start, end = max(off.starts_at.astimezone(tz), lo), min(off.ends_at.astimezone(tz), hi)
    if end <= start:
        return None
    top = (start.hour - first_hour) * 60 + start.minute
    minutes = (end - start).total_seconds() / 60
    return Shade(top=_px(top), height=_px(minutes), label=_off_label(off))


def build_days(week: doctor_calendar.Week, today: date) -> list[CalendarDay]:
    tz = ZoneInfo(week.zone)
    first_minute, grid_end = week.first_hour * 60, (week.last_hour - week.first_hour) * 60
    days = []
    for offset in range(7):
        day = week.monday + timedelta(days=offset)
        blocks = [_block(a, name, tz, first_minute, grid_end) for a, name in week.appointments
                  if a.starts_at.astimezone(tz).date() == day]
        shades = [s for s in (_shade(o, day, tz, week.first_hour, week.last_hour)
                              for o in week.time_off) if s is not None]
        lines = [x for x in (_off_line(o, day, tz) for o in week.time_off) if x]
        days.append(CalendarDay(short=f"{day:%a} {day.day}", long=f"{day:%A} {day.day} {day:%B}",
                                today=day == today, blocks=blocks, shades=shades,
                                time_off=lines))
    return days


def label_for_week(monday: date) -> str:
    """'2 - 8 March 2026', '30 March - 5 April 2026', '29 December 2025 - 4 January 2026'."""
    sunday = monday + timedelta(days=6)
    first = (f"{monday.day}" if monday.month == sunday.month else
             f"{monday.day} {monday:%B}" if monday.year == sunday.year else
             f"{monday.day} {monday:%B %Y}")
    return f"{first} {DASH} {sunday.day} {sunday:%B %Y}"


def _when(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%d %b %Y, %H:%M") if value else ""


class DoctorCalendarState(SessionState):
    days: list[CalendarDay] = []
    hour_labels: list[str] = []
    grid_height: str = "0px"
    week_label: str = ""
    zone: str = "UTC"
    error: str = ""
    feed_active: bool = False
    feed_since: str = ""
    feed_used: str = ""
    feed_url: str = ""
    _monday: str = ""

    def _fill(self, session, monday: date | None = None) -> None:
        actor = self.actor(session)
        tz = ZoneInfo(actor.user.timezone)
        today = datetime.now(UTC).astimezone(tz).date()
        week = doctor_calendar.week(session, actor=actor, monday=monday or today)
        self._monday, self.zone = week.monday.isoformat(), week.zone
        self.days = build_days(week, today)
        self.hour_labels = [f"{h:02d}:00" for h in range(week.first_hour, week.last_hour)]
        self.grid_height = _px((week.last_hour - week.first_hour) * 60)
        self.week_label = label_for_week(week.monday)
        feed = calendar_feeds.status(session, actor=actor)
        self.feed_active = feed.active
        self.feed_since, self.feed_used = _when(feed.created_at, tz), _when(feed.last_used_at, tz)

    def _show(self, monday: date | None):
        with session_scope() as session:
            if self.actor(session).user is None:
                return self.to_login()
            try:
                self._fill(session, monday)
                self.error = ""
            except DomainError as exc:
                self.days, self.error = [], exc.message
        return None

    @rx.event
    def load(self):
        self.feed_url = ""
        return self._show(None)

    def _shown_monday(self) -> date | None:
        return date.fromisoformat(self._monday) if self._monday else None

    def _step(self, weeks: int):
        monday = self._shown_monday()
        return self._show(monday + timedelta(weeks=weeks) if monday else None)

    @rx.event
    def previous_week(self):
        return self._step(-1)

    @rx.event
    def next_week(self):
        return self._step(1)

    @rx.event
    def this_week(self):
        return self._show(None)

    @rx.event
    def create_feed(self):
        with session_scope() as session:
            try:
                secret = calendar_feeds.rotate(session, actor=self.actor(session))
            except DomainError as exc:
                return rx.toast.error(exc.message)
            session.flush()
            self._fill(session, self._shown_monday())
        self.feed_url = secret.url
        return rx.toast.success("Your new feed URL is ready. Copy it now: it is shown once.")

    @rx.event
    def revoke_feed(self):
        with session_scope() as session:
            try:
                calendar_feeds.revoke(session, actor=self.actor(session))
            except DomainError as exc:
                return rx.toast.error(exc.message)
            session.flush()
            self._fill(session, self._shown_monday())
        self.feed_url = ""
        return rx.toast.success("Feed turned off: the old URL no longer works.")
