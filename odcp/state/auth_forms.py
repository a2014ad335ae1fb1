"""Sign-in and registration forms.

After a successful sign-in the page goes through the API's cookie hand-off, which turns a
one-use ticket into an httpOnly cookie: the page itself never holds the session secret.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from odcp.cpu import run_cpu_bound
from odcp.db import session_scope
from odcp.models.auth_session import AuthSession
from odcp.services import accounts, auth, doctor_profiles, mfa, passwords_flow, sign_in
from odcp.services.actor import Actor
from odcp.services.errors import DomainError
from odcp.state.session import SessionState, api_url, full_page_redirect


def _handoff(ticket: str, next_path: str = "/account") -> rx.event.EventSpec:
    return full_page_redirect(api_url(f"/api/v1/auth/browser/session?ticket={ticket}"
                               f"&next={quote(next_path)}"))


def _begin(email: str, password: str, actor: Actor) -> sign_in.Outcome:
    with session_scope() as session:  # a refusal commits its own audit entry first
        return sign_in.begin(session, email=email, password=password, actor=actor,
                             kind="browser-pending")


def _enrolment(challenge: str) -> mfa.Enrolment:
    with session_scope() as session:
        return sign_in.enrolment(session, challenge=challenge)


def _finish(challenge: str, code: str, actor: Actor) -> sign_in.Outcome:
    with session_scope() as session:
        return sign_in.finish(session, challenge=challenge, code=code, actor=actor,
                              kind="browser-pending")


def _ticket(session_id: str) -> str:
    with session_scope() as session:
        return auth.browser_ticket(session.get(AuthSession, session_id))


def _register(email: str, password: str, full_name: str, timezone: str, actor: Actor,
              role: str = "patient") -> None:
    register = (doctor_profiles.register_doctor if role == "doctor"
                else accounts.register_patient)
    with session_scope() as session:
        user = register(session, actor=actor, email=email, password=password,
                        full_name=full_name, timezone=timezone or "UTC")
        passwords_flow.send_verification(session, user=user)  # sent after the commit


class SignInState(SessionState):
    """Password first; then, when the account has or needs it, the two-step code."""

    error: str = ""
    busy: bool = False
    stage: str = ""  # "", "verify" (enter a code) or "enrol" (scan, then enter a code)
    qr: str = ""
    secret: str = ""
    recovery_codes: list[str] = []
    _challenge: str = ""
    _pending_session_id: str = ""

    @rx.event
    def reset_sign_in(self):
        self.error, self.busy, self.stage, self.qr, self.secret = "", False, "", "", ""
        self.recovery_codes, self._challenge, self._pending_session_id = [], "", ""

    @rx.var
    def link_expired(self) -> bool:
        return self.router.url.query_parameters.get("expired", "") == "1"

    @rx.var
    def password_changed(self) -> bool:
        return self.router.url.query_parameters.get("changed", "") == "1"

    def _next(self) -> str:
        """Where the user was going when sign-in was asked for (`/login?next=`)."""
        return sign_in.local_path(self.router.url.query_parameters.get("next"), "/account")

    def _actor(self) -> Actor:
        return Actor(ip=self.router.session.client_ip or None,
                     user_agent=self.router.headers.user_agent or None)

    @rx.event
    async def submit(self, form: dict):
        self.error, self.busy = "", True
        yield
        try:
            outcome = await run_cpu_bound(_begin, form.get("email", ""),
                                          form.get("password", ""), self._actor())
            if outcome.stage == "enrol":
                enrolment = await run_cpu_bound(_enrolment, outcome.challenge)
                self.qr, self.secret = enrolment.qr_svg_data_uri, enrolment.secret
        except DomainError as exc:
            self.error, self.busy = exc.message, False
            return
        self.busy = False
        if outcome.issued is not None:
            yield _handoff(auth.browser_ticket(outcome.issued.session), self._next())
            return
        self.stage, self._challenge = outcome.stage or "verify", outcome.challenge or ""

    @rx.event
    async def submit_code(self, form: dict):
        self.error, self.busy = "", True
        yield
        try:
            outcome = await run_cpu_bound(_finish, self._challenge, str(form.get("code", "")),
                                          self._actor())
        except DomainError as exc:
            self.error, self.busy = exc.message, False
            return
        self.busy = False
        if outcome.recovery_codes:  # shown once; the user continues when they have them
            self.recovery_codes = outcome.recovery_codes
            self._pending_session_id = outcome.issued.session.id
            return
        yield _handoff(auth.browser_ticket(outcome.issued.session), self._next())

    @rx.event
    async def continue_after_codes(self):
        ticket = await run_cpu_bound(_ticket, self._pending_session_id)
        self.recovery_codes, self._pending_session_id = [], ""
        return _handoff(ticket, self._next())


class RegisterState(SessionState):
    error: str = ""
    busy: bool = False
    sent_to: str = ""
    sent_as: str = ""  # the role chosen on the form: "patient" or "doctor"
    timezone: str = "UTC"

    @rx.event
    def detect_timezone(self):
        """Ask the browser for its IANA zone (the only script: one expression)."""
        self.sent_to, self.error = "", ""
        return rx.call_script("Intl.DateTimeFormat().resolvedOptions().timeZone",
                              callback=RegisterState.set_detected_timezone)

    @rx.event
    def set_detected_timezone(self, tz: str):
        try:
            self.timezone = accounts.validate_timezone(str(tz))
        except DomainError:
            self.timezone = "UTC"

    @rx.event
    async def submit(self, form: dict):
        self.error, self.busy = "", True
        yield
        if form.get("password") != form.get("password_repeat"):
            self.error, self.busy = "The two passwords differ.", False
            return
        actor = Actor(ip=self.router.session.client_ip or None,
                      user_agent=self.router.headers.user_agent or None)
        role = "doctor" if form.get("role") == "doctor" else "patient"
        try:
            await run_cpu_bound(
                _register, form.get("email", ""), form.get("password", ""),
                form.get("full_name", ""), self.timezone, actor, role)
        except DomainError as exc:
            self.error, self.busy = exc.message, False
            return
        self.busy = False
        self.sent_to = str(form.get("email", "")).strip().lower()
        self.sent_as = role
