"""/appointments/[appointment_id]/summary: what the patient takes home from a visit, the
signed notes (as the clinic's policy allows) and that visit's prescriptions."""

from __future__ import annotations

import reflex as rx

from odcp.db import session_scope
from odcp.models.doctor import DoctorProfile
from odcp.models.user import User
from odcp.services import appointments, notes, prescriptions
from odcp.services.errors import DomainError
from odcp.state.consult_notes import ZONED, appointment_id_from, local, visit_line
from odcp.state.prescription_editor import PrescriptionPdfMixin, card_of
from odcp.state.session import SessionState

LABELS = {"subjective": "What you told the doctor", "objective": "What the doctor found",
          "assessment": "Assessment", "plan": "Plan"}


class VisitSummaryState(PrescriptionPdfMixin, SessionState):
    visit: str = ""
    error: str = ""
    notes_message: str = ""
    sections: list[dict[str, str]] = []
    signed_line: str = ""
    addenda: list[dict[str, str]] = []
    cards: list[dict[str, str]] = []

    @rx.event
    def load(self):
        self.visit, self.error, self.notes_message = "", "", ""
        self.sections, self.addenda, self.cards, self.signed_line = [], [], [], ""
        appointment_id = appointment_id_from(self.router.url.path, 2) or 0
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            zone = actor.user.timezone
            try:
                appt, _ = appointments.get_for(session, actor=actor,
                                               appointment_id=appointment_id)
                doctor = session.get(User, session.get(DoctorProfile, appt.doctor_id).user_id)
                self.visit = visit_line(session, appt, doctor, zone)
                self.cards = [card_of(v, zone) for v in prescriptions.list_for_appointment(
                    session, actor=actor, appointment_id=appt.id)]
            except DomainError as exc:
                self.error = exc.message
                return None
            try:
                view = notes.read(session, actor=actor, appointment_id=appt.id)
            except DomainError as exc:
                self.notes_message = exc.message
                return None
        if view.version == 0:
            self.notes_message = "There are no notes for this visit."
            return None
        self.sections = [{"label": LABELS[k], "text": v or "—"}
                         for k, v in view.sections.items()]
        self.signed_line = (f"Signed by {view.signed_by_name} on "
                            f"{local(view.signed_at, zone, ZONED)}" if view.signed else "Draft")
        self.addenda = [{"when": local(a.created_at, zone, ZONED), "author": a.author_name,
                         "text": a.text} for a in view.addenda]
        return None
