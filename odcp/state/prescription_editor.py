"""The prescription part of the doctor's consultation page: a form with any number of
medication lines, the appointment's prescriptions with PDF downloads, and cancelling.

The lines live in state (controlled inputs), so adding or removing a line never mixes up
what was typed in the others. Validation is the service's, so the page and the API give
the same message ("Medication 2, strength: this is required.").
"""

from __future__ import annotations

from datetime import date

import reflex as rx

from odcp.cpu import run_cpu_bound
from odcp.db import session_scope
from odcp.services import prescription_pdf, prescriptions
from odcp.services.errors import DomainError
from odcp.services.medication_rules import FIELDS, MAX_LINES, ROUTES
from odcp.services.prescriptions import PrescriptionView
from odcp.state.consult_notes import appointment_id_from, local
from odcp.state.session import SessionState

STATUS_COLOURS = {"active": "green", "expired": "gray", "cancelled": "red"}


def blank_line() -> dict[str, str]:
    return {**dict.fromkeys(FIELDS, ""), "route": "oral"}


def card_of(view: PrescriptionView, zone: str) -> dict[str, str]:
    """One prescription as the lists show it (doctor's page and the patient's page)."""
    return {
        "id": str(view.id), "appointment_id": str(view.appointment_id),
        "issued": local(view.issued_at, zone, "%d %b %Y"), "doctor": view.doctor_name,
        "valid_until": view.valid_until.strftime("%d %b %Y"), "status": view.status,
        "colour": STATUS_COLOURS.get(view.status, "gray"),
        "medications": "\n".join(
            f"{m.name} {m.strength} — {m.route}, {m.frequency}, for {m.duration} "
            f"({m.quantity})" + (f". {m.instructions}" if m.instructions else "")
            for m in view.medications),
        "instructions": view.instructions,
        "cancel_reason": view.cancel_reason,
    }


class PrescriptionPdfMixin(rx.State, mixin=True):
    """Download a prescription the signed-in user may read, rendered off the event loop;
    for states that also derive from SessionState (which supplies `actor`)."""

    @rx.event
    async def download_pdf(self, prescription_id: str):
        with session_scope() as session:
            try:
                view = prescriptions.get(session, actor=self.actor(session),
                                         prescription_id=int(prescription_id), why="pdf")
            except (DomainError, ValueError) as exc:
                return rx.toast.error(getattr(exc, "message", "No such prescription."))
        data = await run_cpu_bound(prescription_pdf.render, view)
        return rx.download(data=data, filename=prescription_pdf.filename(view),
                           mime_type="application/pdf")


class PrescriptionEditorState(PrescriptionPdfMixin, SessionState):
    _appointment_id: int | None = None
    lines: list[dict[str, str]] = [blank_line()]
    instructions: str = ""
    valid_until: str = ""
    form_error: str = ""
    issued: list[dict[str, str]] = []
    routes: list[str] = list(ROUTES)

    def _refresh(self, session) -> None:
        actor = self.actor(session)
        zone = actor.user.timezone if actor.user else "UTC"
        self.issued = [card_of(v, zone) for v in prescriptions.list_for_appointment(
            session, actor=actor, appointment_id=self._appointment_id or 0)]

    @rx.event
    def load(self):
        self._appointment_id = appointment_id_from(self.router.url.path, 3)
        self.lines, self.instructions, self.valid_until, self.form_error = (
            [blank_line()], "", "", "")
        with session_scope() as session:
            try:
                self._refresh(session)
            except DomainError:
                self.issued = []  # the notes part shows why

    @rx.event
    def set_line(self, index: int, name: str, value: str):
        if 0 <= index < len(self.lines) and name in FIELDS:
            self.lines[index] = {**self.lines[index], name: value}

    @rx.event
    def add_line(self):
        if len(self.lines) < MAX_LINES:
            self.lines.append(blank_line())

    @rx.event
    def remove_line(self, index: int):
        if len(self.lines) > 1 and 0 <= index < len(self.lines):
            self.lines.pop(index)

    @rx.event
    def set_instructions(self, value: str):
        self.instructions = value

    @rx.event
    def set_valid_until(self, value: str):
        self.valid_until = value

    @rx.event
    def issue(self):
        try:
            until = date.fromisoformat(self.valid_until) if self.valid_until else None
        except ValueError:
            self.form_error = "Enter 'valid until' as a date, or leave it empty."
            return None
        with session_scope() as session:
            try:
                prescriptions.issue(session, actor=self.actor(session),
                                    appointment_id=self._appointment_id or 0,
                                    medications=self.lines, instructions=self.instructions,
                                    valid_until=until)
                session.flush()
                self._refresh(session)
            except DomainError as exc:
                self.form_error = exc.message
                return None
        self.lines, self.instructions, self.valid_until, self.form_error = (
            [blank_line()], "", "", "")
        return rx.toast.success("Prescription issued; the patient can download it now.")

    @rx.event
    def cancel(self, form: dict):
        with session_scope() as session:
            try:
                prescriptions.cancel(session, actor=self.actor(session),
                                     prescription_id=int(form.get("prescription_id", 0)),
                                     reason=str(form.get("reason", "")))
                session.flush()
                self._refresh(session)
            except DomainError as exc:
                return rx.toast.error(exc.message)
        return rx.toast.success("Prescription cancelled.")
