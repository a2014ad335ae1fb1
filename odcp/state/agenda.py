"""/doctor/agenda: the doctor's next seven days and their time off, in their own zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.models.user import User
from odcp.services import appointments, time_off
from odcp.services.errors import DomainError
from odcp.state.session import SessionState


@dataclass
class AgendaDay:
    day: str
    rows: list[dict[str, str]] = field(default_factory=list)


class AgendaState(SessionState):
    days: list[AgendaDay] = []
    time_off_rows: list[dict[str, str]] = []
    zone: str = "UTC"
    error: str = ""

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
                "id": str(a.id), "time": local.strftime("%H:%M"),
                "patient": session.get(User, a.patient_id).full_name, "mode": a.mode,
                "status": status.replace("_", " "),
                "can_approve": "yes" if status == "pending" else "",
                "can_no_show": "yes" if status == "confirmed" and a.starts_at <= now else "",
                "can_complete": "yes" if status in ("confirmed", "in_progress") else "",
                "can_cancel": "yes" if status in ("pending", "confirmed") else "",
            })
        self.days = [AgendaDay(day=d, rows=i) for d, i in days.items()]
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
                return rx.redirect("/login")
            try:
                self._fill(session)
                self.error = ""
            except DomainError as exc:
                self.days, self.error = [], exc.message
        return None

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
