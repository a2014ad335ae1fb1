"""/doctor/appointments/[appointment_id]/notes: the SOAP note the doctor writes during the
consultation, saved as they type (debounced in the page), then signed, then addenda.

The note's text sits in public vars because the doctor is looking at it; the appointment
id and the patient stay in backend vars. Each save sends the version the page last saw,
so a second tab cannot silently overwrite this one (the service answers Conflict).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import reflex as rx
from sqlmodel import Session

from odcp.db import session_scope
from odcp.models.appointment import Appointment
from odcp.models.user import User
from odcp.services import appointments, notes
from odcp.services.errors import DomainError
from odcp.state.session import SessionState

SECTION_NAMES = notes.SECTIONS


def appointment_id_from(path: str, position: int) -> int | None:
    """The numeric path segment at `position` (e.g. 3 in /doctor/appointments/12/notes)."""
    parts = path.strip("/").split("/")
    raw = parts[position - 1] if len(parts) >= position else ""
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


ZONED = "%a %d %b %Y, %H:%M %Z"  # 'Mon 24 Nov 2026, 09:00 CET': the zone is named


def local(when: datetime | None, zone: str, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    return when.astimezone(ZoneInfo(zone)).strftime(fmt) if when else ""


def visit_line(session: Session, appt: Appointment, other: User, zone: str) -> str:
    """'Alice Patient · Mon 24 Nov 2026, 09:00 CET · video · confirmed' in the viewer's
    zone."""
    return (f"{other.full_name} · {local(appt.starts_at, zone, ZONED)} · {appt.mode} · "
            f"{str(appt.status).replace('_', ' ')}")


class ConsultNotesState(SessionState):
    _appointment_id: int | None = None
    visit: str = ""
    zone: str = "UTC"
    error: str = ""
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan: str = ""
    version: int = 0
    signed: bool = False
    signed_line: str = ""
    addenda: list[dict[str, str]] = []
    save_status: str = ""
    save_failed: bool = False

    def _show(self, view: notes.NoteView) -> None:
        for name in SECTION_NAMES:
            setattr(self, name, view.sections[name])
        self.version, self.signed = view.version, view.signed
        self.signed_line = (f"Signed by {view.signed_by_name} on "
                            f"{local(view.signed_at, self.zone)} ({self.zone})"
                            if view.signed else "")
        self.addenda = [{"when": local(a.created_at, self.zone, ZONED),
                         "author": a.author_name,
                         "text": a.text} for a in view.addenda]

    @rx.event
    def load(self):
        self.error, self.save_status, self.save_failed, self.visit = "", "", False, ""
        self._appointment_id = appointment_id_from(self.router.url.path, 3)
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            self.zone = actor.user.timezone
            try:
                appt, part = appointments.get_for(session, actor=actor,
                                                  appointment_id=self._appointment_id or 0)
                if part != "doctor":
                    self.error = "Only the appointment's doctor writes its notes."
                    return None
                self.visit = visit_line(session, appt, session.get(User, appt.patient_id),
                                        self.zone)
                self._show(notes.read(session, actor=actor, appointment_id=appt.id))
            except DomainError as exc:
                self.error = exc.message
        if self.version:
            self.save_status = "All changes saved."
        return None

    @rx.event
    def edit(self, section: str, value: str):
        """A debounced keystroke batch from one text area: keep it and save the note."""
        if section not in SECTION_NAMES or self.signed or self._appointment_id is None:
            return
        setattr(self, section, value)
        self.save_status, self.save_failed = "Saving…", False
        yield
        with session_scope() as session:
            try:
                view = notes.save_draft(
                    session, actor=self.actor(session), appointment_id=self._appointment_id,
                    sections={n: getattr(self, n) for n in SECTION_NAMES},
                    version=self.version)
            except DomainError as exc:
                self.save_status, self.save_failed = f"Not saved: {exc.message}", True
                return
        self.version = view.version
        self.save_status = f"Saved at {local(view.updated_at, self.zone, '%H:%M:%S')}."

    @rx.event
    def sign(self):
        with session_scope() as session:
            try:
                view = notes.sign(session, actor=self.actor(session),
                                  appointment_id=self._appointment_id or 0)
            except DomainError as exc:
                return rx.toast.error(exc.message)
        self._show(view)
        self.save_status, self.save_failed = "", False
        return rx.toast.success("Notes signed and locked.")

    @rx.event
    def add_addendum(self, form: dict):
        with session_scope() as session:
            try:
                view = notes.add_addendum(session, actor=self.actor(session),
                                          appointment_id=self._appointment_id or 0,
                                          text=str(form.get("text", "")))
            except DomainError as exc:
                return rx.toast.error(exc.message)
        self._show(view)
        return rx.toast.success("Addendum added.")
