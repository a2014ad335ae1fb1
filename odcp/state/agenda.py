"""/doctor/agenda: the doctor's next seven days and their time off, in their own zone, and
the patients waiting now in consultation rooms (re-read every WATCH seconds while the
page is open, so a patient who arrives shows up without a reload)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.models.user import User
from odcp.services import appointments, care, notes, room_calls, room_rules, room_view, time_off
from odcp.services.errors import DomainError
from odcp.state.live_tab import client_connected
from odcp.state.room_media import actor_for
from odcp.state.session import SessionState
from odcp.state.viewer_zone import local_label

WATCH = 5.0  # seconds between reads of the waiting list


def waiting_row(w: room_view.WaitingPatient, zone: str, now: datetime) -> dict[str, str]:
    minutes = max(0, int((now - w.waiting_since).total_seconds() // 60))
    return {"id": str(w.appointment_id), "patient": w.patient_name, "mode": w.mode,
            "since": local_label(w.waiting_since, zone),
            "waited": "just now" if minutes == 0 else f"{minutes} min"}


@dataclass
class AgendaDay:
    day: str
    rows: list[dict[str, str]] = field(default_factory=list)


class AgendaState(SessionState):
    days: list[AgendaDay] = []
    time_off_rows: list[dict[str, str]] = []
    zone: str = "UTC"
    error: str = ""
    waiting: list[dict[str, str]] = []
    _watch_run: int = 0

    def _fill(self, session) -> None:
        actor = self.actor(session)
        tz = ZoneInfo(actor.user.timezone)
        self.zone = actor.user.timezone
        start = datetime.now(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        rows = appointments.list_for_doctor(session, actor=actor, start=start.astimezone(UTC),
                                            end=(start + timedelta(days=8)).astimezone(UTC))
        now = datetime.now(UTC)
        days: dict[str, list[dict[str, str]]] = {}
        for a in rows:
            local = a.starts_at.astimezone(tz)
            status = str(a.status)
            days.setdefault(local.strftime("%A %d %B"), []).append({
                "id": str(a.id), "patient_id": str(a.patient_id),
                "time": local.strftime("%H:%M"),
                "patient": session.get(User, a.patient_id).full_name, "mode": a.mode,
                "status": status.replace("_", " "),
                "can_approve": "yes" if status == "pending" else "",
                "can_no_show": "yes" if status == "confirmed" and a.starts_at <= now else "",
                "can_complete": "yes" if status in ("confirmed", "in_progress") else "",
                "can_cancel": "yes" if status in ("pending", "confirmed") else "",
                "can_write_notes": "yes" if a.status in notes.WRITABLE else "",
                "can_open_record": "yes" if a.status in care.TREATING_STATUSES else "",
                "room_open": "" if room_rules.closed_reason(
                    session, a, room_rules.find_room(session, a.id), now) else "yes",
            })
        self.days = [AgendaDay(day=d, rows=i) for d, i in days.items()]
        self.waiting = [waiting_row(w, self.zone, now)
                        for w in room_view.waiting_patients(session, actor=actor, now=now)]
        self.time_off_rows = [
            {"id": str(t.id), "from": t.starts_at.astimezone(tz).strftime("%d %b %H:%M"),
             "to": t.ends_at.astimezone(tz).strftime("%d %b %H:%M"), "reason": t.reason}
            for t in time_off.upcoming(session, actor=actor)]

    def _run(self, fn, success: str, **kwargs):
        with session_scope() as session:
            try:
                fn(session, actor=self.actor(session), **kwargs)
            except DomainError as exc:
                return rx.toast.error(exc.message)
            session.flush()
            self._fill(session)
        return rx.toast.success(success)

    @rx.event
    def load(self):
        with session_scope() as session:
            if self.actor(session).user is None:
                return self.to_login()
            try:
                self._fill(session)
                self.error = ""
            except DomainError as exc:
                self.days, self.waiting, self.error = [], [], exc.message
                return None
        self._watch_run += 1
        return AgendaState.watch_waiting

    @rx.event(background=True)
    async def watch_waiting(self):
        """Re-read the waiting list until the doctor leaves the page or closes the tab."""
        async with self:
            run, path = self._watch_run, self.router.url.path
        while True:
            await asyncio.sleep(WATCH)
            async with self:
                if run != self._watch_run or self.router.url.path != path:
                    return
                token, zone = self.router.session.client_token, self.zone
            actor = await asyncio.to_thread(actor_for, self._session_id, None, None)
            if actor is None or not await client_connected(token):
                return
            try:
                rows = await room_calls.waiting(actor=actor)
            except DomainError:
                return
            now = datetime.now(UTC)
            async with self:
                self.waiting = [waiting_row(w, zone, now) for w in rows]

    @rx.event
    async def admit(self, appointment_id: str):
        """Let the patient in and go to the room: the doctor should be there to meet them."""
        actor = await asyncio.to_thread(actor_for, self._session_id,
                                        self.router.session.client_ip or None,
                                        self.router.headers.user_agent or None)
        if actor is None:
            return self.to_login()
        try:
            await room_calls.admit(actor=actor, appointment_id=int(appointment_id))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.redirect(f"/appointments/{int(appointment_id)}/room")

    @rx.event
    def approve(self, appointment_id: str):
        return self._run(appointments.approve, "Appointment confirmed.",
                         appointment_id=int(appointment_id))

    @rx.event
    def no_show(self, appointment_id: str):
        return self._run(appointments.mark_no_show, "Marked as a no-show.",
                         appointment_id=int(appointment_id))

    @rx.event
    def complete(self, appointment_id: str):
        return self._run(appointments.complete, "Consultation completed.",
                         appointment_id=int(appointment_id))

    @rx.event
    def cancel(self, form: dict):
        return self._run(appointments.cancel, "Appointment cancelled; the patient is told why.",
                         appointment_id=int(form.get("appointment_id", 0)),
                         reason=str(form.get("reason", "")))

    @rx.event
    def add_time_off(self, form: dict):
        tz = ZoneInfo(self.zone)
        try:
            starts = datetime.fromisoformat(str(form.get("starts", ""))).replace(tzinfo=tz)
            ends = datetime.fromisoformat(str(form.get("ends", ""))).replace(tzinfo=tz)
        except ValueError:
            return rx.toast.error("Enter both the start and the end.")
        return self._run(time_off.add, "Time off saved; those times are no longer bookable.",
                         starts_at=starts, ends_at=ends, reason=str(form.get("reason", "")))

    @rx.event
    def remove_time_off(self, time_off_id: str):
        return self._run(time_off.remove, "Time off removed.", time_off_id=int(time_off_id))
