"""The two-step sign-in card on /account."""

from __future__ import annotations

import reflex as rx

from odcp.db import session_scope
from odcp.services import mfa
from odcp.services.errors import DomainError
from odcp.state.session import SessionState


class MfaSettingsState(SessionState):
    enabled: bool = False
    required: bool = False
    codes_left: int = 0
    qr: str = ""
    secret: str = ""
    recovery_codes: list[str] = []
    error: str = ""

    @rx.event
    def load(self):
        self.qr, self.secret, self.recovery_codes, self.error = "", "", [], ""
        with session_scope() as session:
            user = self.actor(session).user
            if user is None:
                return
            self.enabled, self.required = user.mfa_enabled_at is not None, mfa.is_required(user)
            self.codes_left = mfa.remaining_recovery_codes(session, user=user)

    @rx.event
    def start(self):
        self.error = ""
        with session_scope() as session:
            actor = self.actor(session)
            try:
                enrolment = mfa.begin_enrolment(session, user=actor.user)
            except DomainError as exc:
                self.error = exc.message
                return
        self.qr, self.secret = enrolment.qr_svg_data_uri, enrolment.secret

    @rx.event
    def confirm(self, form: dict):
        self.error = ""
        with session_scope() as session:
            actor = self.actor(session)
            try:
                codes = mfa.confirm_enrolment(session, user=actor.user,
                                              code=str(form.get("code", "")), actor=actor)
            except DomainError as exc:
                self.error = exc.message
                return
        self.qr, self.secret, self.recovery_codes = "", "", codes
        self.enabled, self.codes_left = True, len(codes)

    @rx.event
    def turn_off(self, form: dict):
        self.error = ""
        with session_scope() as session:
            try:
                mfa.disable(session, actor=self.actor(session), code=str(form.get("code", "")))
            except DomainError as exc:
                self.error = exc.message
                return
        self.enabled, self.codes_left, self.recovery_codes = False, 0, []
        return rx.toast.success("Two-step sign-in is off.")
