"""/book: pick a free time with a doctor, in the viewer's own time zone.

Also serves rescheduling (?reschedule=ID) and booking a recommended follow-up
(?follow_up=ID): the same slot picker, a different service call on confirm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.models.user import User
from odcp.services import appointments, booking, slots
from odcp.services.errors import DomainError
from odcp.state.session import SessionState

DAYS_SHOWN = 7


@dataclass
class DaySlots:
    """One local day's free times, for the slot picker."""

    day: str
    slots: list[dict[str, str]] = field(default_factory=list)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


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

    def _fill_slots(self, session) -> None:
        tz = ZoneInfo(self.viewer_zone)
        start = datetime.now(UTC) + timedelta(days=DAYS_SHOWN * self.week)
        found = slots.open_slots(session, doctor_id=self._doctor_id, start=start,
                                 end=start + timedelta(days=DAYS_SHOWN), mode=self.mode or None)
        days: dict[str, list[dict]] = {}
        for slot in found:
            local = slot.starts_at.astimezone(tz)
            days.setdefault(local.strftime("%A %d %B"), []).append(
                {"iso": slot.starts_at.isoformat(), "label": local.strftime("%H:%M")})
        self.days = [DaySlots(day=day, slots=items) for day, items in days.items()]

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
                return rx.redirect("/login")
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
        return None

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
