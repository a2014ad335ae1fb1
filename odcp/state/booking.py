"""/book: pick a free time with a doctor, in the viewer's own time zone.

Also serves rescheduling (?reschedule=ID) and booking a recommended follow-up
(?follow_up=ID): the same slot picker, a different service call on confirm.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.models.user import User
from odcp.services import appointments, booking, schedule_events, slots
from odcp.services.errors import DomainError
from odcp.state.live_tab import client_connected
from odcp.state.session import SessionState

DAYS_SHOWN = 7
RECHECK_SECONDS = 60  # re-read anyway now and then: time passes, a signal may be lost
WATCH_LIMIT_SECONDS = 4 * 60 * 60  # a forgotten tab stops listening after this


@dataclass
class DaySlots:
    """One local day's free times, for the slot picker."""

    day: str
    slots: list[dict[str, str]] = field(default_factory=list)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _slot_days(session, *, doctor_id: int, viewer_zone: str, week: int, mode: str
               ) -> list[DaySlots]:
    """The doctor's free times for the week shown, grouped by the viewer's local day."""
    tz = ZoneInfo(viewer_zone)
    start = datetime.now(UTC) + timedelta(days=DAYS_SHOWN * week)
    found = slots.open_slots(session, doctor_id=doctor_id, start=start,
                             end=start + timedelta(days=DAYS_SHOWN), mode=mode or None)
    days: dict[str, list[dict]] = {}
    for slot in found:
        local = slot.starts_at.astimezone(tz)
        days.setdefault(local.strftime("%A %d %B"), []).append(
            {"iso": slot.starts_at.isoformat(), "label": local.strftime("%H:%M")})
    return [DaySlots(day=day, slots=times) for day, times in days.items()]


class BookingState(SessionState):
    doctor_name: str = ""
    doctor_zone: str = ""
    viewer_zone: str = "UTC"
    modes: list[str] = []
    mode: str = ""
    days: list[DaySlots] = []
    chosen: str = ""
    chosen_label: str = ""
    week: int = 0
    error: str = ""
    purpose: str = "book"  # book | reschedule | follow_up
    _doctor_id: int | None = None
    _appointment_id: int | None = None

    _watch_run: int = 0

    def _view(self) -> dict:
        return {"doctor_id": self._doctor_id, "viewer_zone": self.viewer_zone,
                "week": self.week, "mode": self.mode}

    def _fill_slots(self, session) -> None:
        self.days = _slot_days(session, **self._view())

    def _show_fresh(self, days: list[DaySlots]) -> None:
        """New free times from the watcher; a chosen time someone else took is let go."""
        self.days = days
        if self.chosen and not any(t["iso"] == self.chosen for d in days for t in d.slots):
            self.chosen, self.chosen_label = "", ""
            self.error = "The time you picked was just taken. Please choose another."

    @rx.event(background=True)
    async def watch_slots(self):
        """While this tab shows the doctor's times, re-read them whenever they change
        (schedule_events), so a slot someone else books disappears here at once."""
        async with self:
            run, doctor_id = self._watch_run, self._doctor_id
            path, token = self.router.url.path, self.router.session.client_token
        if doctor_id is None:
            return
        loop = asyncio.get_running_loop()
        until = loop.time() + WATCH_LIMIT_SECONDS
        async with schedule_events.watch(doctor_id) as signals:
            while loop.time() < until:
                await signals.get(timeout=RECHECK_SECONDS)
                if not await client_connected(token):
                    return
                async with self:
                    if run != self._watch_run or self.router.url.path != path:
                        return
                    view = self._view()
                days = await asyncio.to_thread(self._read_days, view)
                async with self:
                    if run != self._watch_run:
                        return
                    if view == self._view():  # not changed by a click meanwhile
                        self._show_fresh(days)

    @staticmethod
    def _read_days(view: dict) -> list[DaySlots]:
        with session_scope() as session:
            return _slot_days(session, **view)

    @rx.event
    def load(self):
        params = self.router.url.query_parameters
        self.error, self.chosen, self.chosen_label, self.week = "", "", "", 0
        self._doctor_id = _int(params.get("doctor", ""))
        self._appointment_id = _int(params.get("reschedule", "") or params.get("follow_up", ""))
        self.purpose = ("reschedule" if params.get("reschedule") else
                        "follow_up" if params.get("follow_up") else "book")
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            try:
                profile = booking.bookable_doctor(session, self._doctor_id or 0)
            except DomainError as exc:
                self.error, self.days, self.doctor_name = exc.message, [], ""
                return None
            self.doctor_name = session.get(User, profile.user_id).full_name
            self.doctor_zone, self.modes = profile.timezone, list(profile.modes)
            self.mode = self.modes[0] if self.modes else ""
            self.viewer_zone = actor.user.timezone
            self._fill_slots(session)
        self._watch_run += 1  # a watcher of an earlier visit stops
        return BookingState.watch_slots

    @rx.event
    def set_mode(self, mode: str):
        if mode in self.modes:
            self.mode, self.chosen, self.chosen_label = mode, "", ""
            with session_scope() as session:
                self._fill_slots(session)

    @rx.event
    def shift_week(self, delta: int):
        self.week = max(0, min(8, self.week + delta))
        self.chosen, self.chosen_label = "", ""
        with session_scope() as session:
            self._fill_slots(session)

    @rx.event
    def choose(self, iso: str):
        self.chosen = iso
        local = datetime.fromisoformat(iso).astimezone(ZoneInfo(self.viewer_zone))
        self.chosen_label = local.strftime("%A %d %B, %H:%M %Z")

    @rx.event
    def confirm(self, form: dict):
        if not self.chosen:
            self.error = "Choose a time first."
            return None
        self.error = ""
        starts_at = datetime.fromisoformat(self.chosen)
        with session_scope() as session:
            actor = self.actor(session)
            try:
                if self.purpose == "reschedule":
                    appointments.reschedule(session, actor=actor, starts_at=starts_at,
                                            appointment_id=self._appointment_id or 0)
                elif self.purpose == "follow_up":
                    appointments.book_follow_up(session, actor=actor, starts_at=starts_at,
                                                appointment_id=self._appointment_id or 0,
                                                mode=self.mode)
                else:
                    booking.book_slot(session, actor=actor, doctor_id=self._doctor_id or 0,
                                      starts_at=starts_at, mode=self.mode,
                                      reason=str(form.get("reason", "")))
                session.commit()
            except booking.SlotTaken as exc:
                self.error, self.chosen, self.chosen_label = exc.message, "", ""
                self._fill_slots(session)
                return None
            except DomainError as exc:
                self.error = exc.message
                return None
        return [rx.toast.success("Your appointment is booked."), rx.redirect("/appointments")]
