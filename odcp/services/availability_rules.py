"""What a weekly window or a date override may look like, with a message that says how
to fix it; shared by odcp.services.availability, the page and the API.

Times are wall-clock times in the doctor's zone; an end of 00:00 means midnight (the end
of that day), so a window never crosses into the next day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from itertools import pairwise

from odcp.services.errors import Invalid

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MIN_SLOT, MAX_SLOT = 5, 240
MAX_BUFFER = 120
MAX_WINDOWS_PER_DAY = 6
MAX_DAYS_AHEAD = 731  # overrides up to two years ahead
DAY_MINUTES = 24 * 60


@dataclass(frozen=True)
class Window:
    """One weekly window; `end` 00:00 means midnight (the end of that day)."""

    weekday: int
    start: time
    end: time
    slot_minutes: int = 30
    buffer_minutes: int = 0
    modes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OverrideInput:
    """Other hours on one local date; no `start`/`end` means closed all day."""

    on_date: date
    start: time | None = None
    end: time | None = None
    slot_minutes: int = 30
    modes: tuple[str, ...] = ()

    @property
    def closed(self) -> bool:
        return self.start is None and self.end is None


def parse_time(text: str, *, field: str, end: bool = False) -> time:
    """"HH:MM" (24-hour) as a time; for an end, "24:00" is accepted as midnight."""
    value = (text or "").strip()
    if end and value == "24:00":
        return time(0)
    try:
        hours, minutes = value.split(":")
        if len(hours) != 2 or len(minutes) != 2:
            raise ValueError(value)
        return time(int(hours), int(minutes))
    except ValueError:
        raise Invalid(f"Write times as HH:MM (24-hour), e.g. 09:30; got {value!r}.",
                      field=field) from None


def hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def _minutes(start: time, end: time) -> tuple[int, int]:
    """Minutes after local midnight; an end at 00:00 is the day's end (1440)."""
    end_m = end.hour * 60 + end.minute
    return start.hour * 60 + start.minute, end_m or DAY_MINUTES


def check_hours(label: str, start: time, end: time, slot: int, buffer: int,
                 modes: Sequence[str], offered: Sequence[str], field: str) -> tuple[str, ...]:
    """Refuse a window a patient could not book; returns its modes in the profile's order."""
    if any(t.second or t.microsecond for t in (start, end)):
        raise Invalid(f"{label}: use whole minutes.", field=field)
    start_m, end_m = _minutes(start, end)
    if end_m <= start_m:
        raise Invalid(f"{label}: the end must come after the start (00:00 as the end means "
                      "midnight).", field=field)
    if not MIN_SLOT <= slot <= MAX_SLOT:
        raise Invalid(f"{label}: slot length must be {MIN_SLOT} to {MAX_SLOT} minutes.",
                      field=field)
    if not 0 <= buffer <= MAX_BUFFER:
        raise Invalid(f"{label}: the break between slots must be 0 to {MAX_BUFFER} minutes.",
                      field=field)
    if end_m - start_m < slot:
        raise Invalid(f"{label}: the window is shorter than one {slot}-minute slot.",
                      field=field)
    if not offered:
        raise Invalid("Choose the consultation modes you offer in your profile first.",
                      field="modes")
    unknown = sorted(set(modes) - set(offered))
    if unknown:
        raise Invalid(f"{label}: {', '.join(unknown)} is not a consultation mode on your "
                      f"profile (you offer {', '.join(offered)}).", field=field)
    if not modes:
        raise Invalid(f"{label}: choose at least one consultation mode.", field=field)
    return tuple(m for m in offered if m in modes)


def span(start: time, end: time) -> str:
    return f"{hhmm(start)}-{'24:00' if end == time(0) else hhmm(end)}"


def validated_week(windows: Sequence[Window], offered: Sequence[str]) -> list[Window]:
    """The week sorted by day and start, each window checked, no overlaps on a day."""
    checked = []
    for i, w in enumerate(windows):
        if not 0 <= w.weekday <= 6:
            raise Invalid("weekday must be 0 (Monday) to 6 (Sunday).", field=f"windows.{i}")
        label = f"{WEEKDAYS[w.weekday]} {span(w.start, w.end)}"
        modes = check_hours(label, w.start, w.end, w.slot_minutes, w.buffer_minutes,
                             w.modes, offered, f"windows.{i}")
        checked.append(Window(w.weekday, w.start, w.end, w.slot_minutes, w.buffer_minutes,
                              modes))
    checked.sort(key=lambda w: (w.weekday, _minutes(w.start, w.end)))
    for day in range(7):
        todays = [w for w in checked if w.weekday == day]
        if len(todays) > MAX_WINDOWS_PER_DAY:
            raise Invalid(f"{WEEKDAYS[day]}: at most {MAX_WINDOWS_PER_DAY} windows a day.",
                          field="windows")
        for before, after in pairwise(todays):
            if _minutes(after.start, after.end)[0] < _minutes(before.start, before.end)[1]:
                raise Invalid(f"{WEEKDAYS[day]}: {span(before.start, before.end)} overlaps "
                              f"{span(after.start, after.end)}; windows on one day must "
                              "not overlap.", field="windows")
    return checked


def validated_override(data: OverrideInput, offered: Sequence[str], today: date
                       ) -> tuple[str, ...]:
    """Check one date's override (`today` in the doctor's zone); returns its modes."""
    if data.on_date < today:
        raise Invalid("That date has already passed.", field="date")
    if data.on_date > today + timedelta(days=MAX_DAYS_AHEAD):
        raise Invalid("Overrides can be set at most two years ahead.", field="date")
    if data.closed:
        return ()
    if data.start is None or data.end is None:
        raise Invalid("Give both a start and an end, or mark the day closed.", field="start")
    return check_hours(data.on_date.strftime("%a %d %b %Y"), data.start, data.end,
                       data.slot_minutes, 0, data.modes, offered, "start")
