"""/appointments: the patient's upcoming and past visits."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx

from odcp.db import session_scope
from odcp.models.appointment import CLINICAL_STATUSES, Appointment
from odcp.models.base import utcnow
from odcp.models.doctor import DoctorProfile
from odcp.models.user import User
from odcp.services import appointments, calendar_files, room_rules
from odcp.services.errors import DomainError
from odcp.state.session import SessionState

OPEN = ("pending", "confirmed")


def _row(session, appt: Appointment, tz: ZoneInfo) -> dict[str, str]:
    profile = session.get(DoctorProfile, appt.doctor_id)
    doctor = session.get(User, profile.user_id)
    local = appt.starts_at.astimezone(tz)
    return {
        "id": str(appt.id), "doctor_id": str(appt.doctor_id), "doctor": doctor.full_name,
        "when": local.strftime("%a %d %b %Y, %H:%M %Z"), "mode": appt.mode,
        "status": str(appt.status).replace("_", " "),
        "open": "yes" if str(appt.status) in OPEN else "",
        "has_summary": "yes" if appt.status in CLINICAL_STATUSES else "",
        "follow_up": (f"Your doctor suggests a follow-up in {appt.follow_up_after_days} days"
                      + (f": {note}" if (note := appointments.follow_up_note(appt)) else ""))
        if appt.follow_up_after_days else "",
        "note": appt.cancel_reason or "",
        "room": "" if room_rules.closed_reason(
            session, appt, room_rules.find_room(session, appt.id), utcnow()) else "yes",
    }


class AppointmentsState(SessionState):
    upcoming: list[dict[str, str]] = []
    past: list[dict[str, str]] = []

    def _fill(self, session) -> None:
        actor = self.actor(session)
        tz = ZoneInfo(actor.user.timezone)
        self.upcoming = [_row(session, a, tz) for a in appointments.list_for_patient(
            session, actor=actor, upcoming=True)]
        self.past = [_row(session, a, tz) for a in appointments.list_for_patient(
            session, actor=actor, upcoming=False)]

    @rx.event
    def load(self):
        with session_scope() as session:
            if self.actor(session).user is None:
                return self.to_login()
            self._fill(session)
        return None

    @rx.event
    def cancel(self, appointment_id: str):
        with session_scope() as session:
            try:
                appointments.cancel(session, actor=self.actor(session),
                                    appointment_id=int(appointment_id))
            except DomainError as exc:
                return rx.toast.error(exc.message)
            session.flush()
            self._fill(session)
        return rx.toast.success("Your appointment is cancelled.")

    @rx.event
    def download_ics(self, appointment_id: str):
        with session_scope() as session:
            try:
                appt, _ = appointments.get_for(session, actor=self.actor(session),
                                               appointment_id=int(appointment_id))
            except DomainError as exc:
                return rx.toast.error(exc.message)
            doctor = session.get(User, session.get(DoctorProfile, appt.doctor_id).user_id)
            text = calendar_files.calendar(
                [calendar_files.event_lines(appt, title=f"Consultation with {doctor.full_name}",
                                            description=f"{appt.mode} consultation")],
                name="Appointment")
        return rx.download(data=text, filename=f"appointment-{appointment_id}.ics")
