"""/doctor/availability: the weekly hours editor, date overrides and a preview of the next
open slots, all in the doctor's own zone.

The week is edited here (controlled inputs, nothing saved) and sent whole to
`availability.replace_week`, which checks everything; a refusal changes nothing and its
message is shown next to the Save button. Admins who manage appointments may open
`?doctor=ID` to edit that doctor's schedule (the service decides; the page only passes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import reflex as rx
from reflex_base.utils.form import FormData

from odcp.db import session_scope
from odcp.services import availability as svc
from odcp.services import availability_rules as rules
from odcp.services import slots
from odcp.services.errors import DomainError, Invalid
from odcp.state.session import SessionState

PREVIEW_DAYS = 14
PREVIEW_DAYS_SHOWN = 7


@dataclass
class WindowRow:
    key: str
    start: str
    end: str
    slot: str
    buffer: str
    modes: list[str] = field(default_factory=list)


@dataclass
class DayRows:
    weekday: int
    name: str
    rows: list[WindowRow] = field(default_factory=list)


@dataclass
class PreviewDay:
    day: str
    times: list[str] = field(default_factory=list)


def _int(text: str, what: str) -> int:
    text = str(text or "").strip()
    if not text.lstrip("-").isdigit():
        raise Invalid(f"Enter the {what} in whole minutes.")
    return int(text)


def _outside_note(clashes: int) -> str:
    if not clashes:
        return ""
    return (f"{clashes} booked appointment{'s' if clashes != 1 else ''} now fall"
            f"{'' if clashes != 1 else 's'} outside your hours. Bookings are kept, not "
            "moved: cancel them from your agenda with a reason if you cannot see them.")


def _after(end: str) -> tuple[str, str]:
    """A one-hour window starting where the day's last one ends (09:00-17:00 when that
    would run past midnight or the last end is not a time yet)."""
    try:
        at = rules.parse_time(end, field="end")
    except Invalid:
        return "09:00", "17:00"
    if at == time(0) or at > time(23):
        return "09:00", "17:00"
    later = datetime.combine(date.min, at) + timedelta(hours=1)
    return rules.hhmm(at), rules.hhmm(later.time())


def _override_text(o) -> str:
    if o.start_time is None:
        return "Closed all day"
    return (f"{rules.span(o.start_time, o.end_time)}, {o.slot_minutes}-minute slots, "
            f"{', '.join(o.modes)}")


class AvailabilityState(SessionState):
    loaded: bool = False
    denied: str = ""
    doctor_name: str = ""
    zone: str = "UTC"
    offered: list[str] = []
    week: list[DayRows] = []
    dirty: bool = False
    week_error: str = ""
    week_notice: str = ""
    overrides: list[dict[str, str]] = []
    override_kind: str = "closed"
    override_error: str = ""
    override_notice: str = ""
    override_form_key: int = 0
    today: str = ""
    preview: list[PreviewDay] = []
    _doctor_id: int | None = None
    _next_key: int = 0

    def _row(self, start: str, end: str, slot: str, buffer: str, modes: list[str]) -> WindowRow:
        self._next_key += 1
        return WindowRow(key=str(self._next_key), start=start, end=end, slot=slot,
                         buffer=buffer, modes=modes)

    def _fill(self, session) -> None:
        """Show the saved schedule (discarding unsaved edits) and the open-slot preview."""
        actor = self.actor(session)
        seen = svc.read(session, actor=actor, doctor_id=self._doctor_id)
        tz = ZoneInfo(seen.timezone)
        self.doctor_name = seen.doctor_name if self._doctor_id is not None else ""
        self.zone, self.offered = seen.timezone, list(seen.offered_modes)
        self.week = [DayRows(weekday=d, name=name, rows=[
            self._row(rules.hhmm(r.start_time), rules.hhmm(r.end_time), str(r.slot_minutes),
                      str(r.buffer_minutes), list(r.modes))
            for r in seen.rules if r.weekday == d]) for d, name in enumerate(rules.WEEKDAYS)]
        self.overrides = [{"id": str(o.id), "day": o.on_date.strftime("%a %d %b %Y"),
                           "hours": _override_text(o)} for o in seen.overrides]
        self.today = datetime.now(tz).date().isoformat()
        start = datetime.now(tz)
        found = slots.open_slots(session, doctor_id=seen.doctor_id, start=start,
                                 end=start + timedelta(days=PREVIEW_DAYS))
        days: dict[str, list[str]] = {}
        for slot in found:
            local = slot.starts_at.astimezone(tz)
            days.setdefault(local.strftime("%a %d %b"), []).append(local.strftime("%H:%M"))
        self.preview = [PreviewDay(day=d, times=t)
                        for d, t in list(days.items())[:PREVIEW_DAYS_SHOWN]]
        self.dirty, self.loaded = False, True

    @rx.event
    def load(self):
        self.denied = self.week_error = self.week_notice = ""
        self.override_error = self.override_notice = ""
        doctor = self.router.url.query_parameters.get("doctor", "")
        self._doctor_id = int(doctor) if doctor.isdigit() else None
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            try:
                self._fill(session)
            except DomainError as exc:
                self.denied, self.loaded, self.week = exc.message, True, []
                return None
        return None

    def _find(self, key: str) -> WindowRow | None:
        return next((r for d in self.week for r in d.rows if r.key == key), None)

    def _changed(self) -> None:
        self.week = list(self.week)  # nested dataclass edits need a reassignment to sync
        self.dirty, self.week_error, self.week_notice = True, "", ""

    @rx.event
    def edit(self, key: str, name: str, value: str):
        row = self._find(key)
        if row is not None and name in ("start", "end", "slot", "buffer"):
            setattr(row, name, str(value))
            self._changed()

    @rx.event
    def toggle_mode(self, key: str, mode: str, checked: bool):
        row = self._find(key)
        if row is not None:
            row.modes = [m for m in self.offered if (m == mode and checked)
                         or (m != mode and m in row.modes)]
            self._changed()

    @rx.event
    def add_window(self, weekday: int):
        if not 0 <= int(weekday) < len(self.week):
            return
        day = self.week[int(weekday)]
        last = day.rows[-1] if day.rows else None
        start, end = _after(last.end) if last else ("09:00", "17:00")
        day.rows.append(self._row(start, end, last.slot if last else "30",
                                  last.buffer if last else "0",
                                  list(last.modes) if last else list(self.offered)))
        self._changed()

    @rx.event
    def remove_window(self, key: str):
        for day in self.week:
            day.rows = [r for r in day.rows if r.key != key]
        self._changed()

    @rx.event
    def copy_to_weekdays(self, weekday: int):
        """Monday's (or any day's) windows onto Monday to Friday."""
        if not 0 <= int(weekday) < len(self.week):
            return
        source = self.week[int(weekday)].rows
        for day in self.week[:5]:
            if day.weekday != int(weekday):
                day.rows = [self._row(r.start, r.end, r.slot, r.buffer, list(r.modes))
                            for r in source]
        self._changed()

    def _windows(self) -> list[rules.Window]:
        return [rules.Window(
            weekday=day.weekday, start=rules.parse_time(r.start, field="start"),
            end=rules.parse_time(r.end, field="end", end=True),
            slot_minutes=_int(r.slot, f"slot length ({day.name} {r.start})"),
            buffer_minutes=_int(r.buffer, f"break ({day.name} {r.start})"),
            modes=tuple(r.modes)) for day in self.week for r in day.rows]

    def _save(self, fn, **kwargs) -> tuple[int | None, str]:
        """Run one change in one transaction; (clashes, "") or (None, why refused)."""
        with session_scope() as session:
            try:
                result = fn(session, actor=self.actor(session), doctor_id=self._doctor_id,
                            **kwargs)
            except DomainError as exc:
                session.rollback()
                return None, exc.message
            clashes = result[1] if isinstance(result, tuple) else result
            self._fill(session)
        return clashes, ""

    @rx.event
    def save_week(self):
        try:
            windows = self._windows()
        except DomainError as exc:
            self.week_error = exc.message
            return rx.toast.error(exc.message)
        clashes, self.week_error = self._save(svc.replace_week, windows=windows)
        if clashes is None:
            return rx.toast.error(self.week_error)
        self.week_notice = " ".join(filter(None, ["Weekly hours saved.",
                                                  _outside_note(clashes)]))
        return rx.toast.success("Weekly hours saved.")

    @rx.event
    def discard(self):
        self.week_error = self.week_notice = ""
        with session_scope() as session:
            try:
                self._fill(session)
            except DomainError as exc:
                self.week_error = exc.message

    @rx.event
    def set_override_kind(self, kind: str):
        self.override_kind = "hours" if kind == "hours" else "closed"

    def _override_input(self, form: FormData) -> rules.OverrideInput:
        try:
            on_date = date.fromisoformat(str(form.get("date", "")))
        except ValueError:
            raise Invalid("Choose a date.") from None
        if self.override_kind == "closed":
            return rules.OverrideInput(on_date=on_date)
        return rules.OverrideInput(
            on_date=on_date, start=rules.parse_time(str(form.get("start", "")), field="start"),
            end=rules.parse_time(str(form.get("end", "")), field="end", end=True),
            slot_minutes=_int(str(form.get("slot", "")), "slot length"),
            modes=tuple(str(m) for m in form.getlist("modes")))

    @rx.event
    def add_override(self, form: FormData):
        self.override_notice = ""
        try:
            data = self._override_input(form)
        except DomainError as exc:
            self.override_error = exc.message
            return rx.toast.error(exc.message)
        clashes, self.override_error = self._save(svc.set_override, data=data)
        if clashes is None:
            return rx.toast.error(self.override_error)
        self.override_form_key += 1  # a fresh, empty form for the next date
        what = "closed" if data.closed else "set to other hours"
        self.override_notice = " ".join(filter(None, [
            f"{data.on_date.strftime('%a %d %b %Y')} is {what}.", _outside_note(clashes)]))
        return rx.toast.success("Date override saved.")

    @rx.event
    def remove_override(self, override_id: str):
        clashes, self.override_error = self._save(svc.remove_override,
                                                  override_id=int(override_id))
        if clashes is None:
            return rx.toast.error(self.override_error)
        self.override_notice = " ".join(filter(None, [
            "Override removed; the weekly hours apply again.", _outside_note(clashes)]))
        return rx.toast.success("Override removed.")
