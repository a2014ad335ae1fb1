"""/prescriptions (the patient's list with PDF downloads) and the public /verify/[reference]
page that the QR code on every prescription opens."""

from __future__ import annotations

import asyncio

import reflex as rx

from odcp.db import session_scope
from odcp.services import prescription_verify, prescriptions
from odcp.services.actor import Actor
from odcp.services.errors import DomainError
from odcp.state.prescription_editor import PrescriptionPdfMixin, card_of
from odcp.state.session import SessionState


class PatientPrescriptionsState(PrescriptionPdfMixin, SessionState):
    cards: list[dict[str, str]] = []
    error: str = ""

    @rx.event
    def load(self):
        with session_scope() as session:
            actor = self.actor(session)
            if actor.user is None:
                return self.to_login()
            try:
                self.cards = [card_of(v, actor.user.timezone) for v in
                              prescriptions.list_for_patient(session, actor=actor)]
                self.error = ""
            except DomainError as exc:
                self.cards, self.error = [], exc.message
        return None


def _verify(reference: str, ip: str | None, agent: str | None):
    with session_scope() as session:
        return prescription_verify.verify(session, actor=Actor(ip=ip, user_agent=agent),
                                          reference=reference)


class VerifyState(SessionState):
    """Public: what the QR code leads to. Says genuine or not, never anything medical."""

    checked: bool = False
    genuine: bool = False
    facts: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self.checked, self.genuine, self.facts = False, False, []
        reference = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        found = await asyncio.to_thread(_verify, reference, self.router.session.client_ip,
                                        self.router.headers.user_agent)
        self.checked, self.genuine = True, found.genuine
        if found.genuine:
            self.facts = [
                {"label": "Issued by", "value": found.doctor_name},
                {"label": "Registration number", "value": found.doctor_registration or "—"},
                {"label": "Issued on", "value": found.issued_on.strftime("%d %B %Y")},
                {"label": "Valid until", "value": found.valid_until.strftime("%d %B %Y")},
                {"label": "Status", "value": found.status.capitalize()},
                {"label": "Patient initials", "value": found.patient_initials or "—"},
            ]
