"""Sign-in and registration forms.

After a successful sign-in the page goes through the API's cookie hand-off, which turns a
one-use ticket into an httpOnly cookie: the page itself never holds the session secret.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from odcp.cpu import run_cpu_bound
from odcp.db import get_engine, session_scope
from odcp.services import accounts, auth, passwords_flow
from odcp.services.actor import Actor
from odcp.services.errors import DomainError
from odcp.services.mail import outbox
from odcp.state.session import SessionState, api_url, full_page_redirect


def _handoff(ticket: str, next_path: str = "/account") -> rx.event.EventSpec:
    return full_page_redirect(api_url(f"/api/v1/auth/browser/session?ticket={ticket}"
                               f"&next={quote(next_path)}"))


def _sign_in(email: str, password: str, actor: Actor) -> str:
    with session_scope() as session:  # committed alone: failures stay in the audit log
        user = auth.check_credentials(session, email=email, password=password, actor=actor)
    with session_scope() as session:
        issued = auth.start_session(session, user=user, actor=actor, kind="browser-pending")
        return auth.browser_ticket(issued.session)


def _register(email: str, password: str, full_name: str, timezone: str, actor: Actor) -> None:
    with session_scope() as session:
        user = accounts.register_patient(session, actor=actor, email=email, password=password,
                                         full_name=full_name, timezone=timezone or "UTC")
        mail_id = passwords_flow.send_verification(session, user=user)
    outbox.deliver_many(get_engine(), [mail_id])


class SignInState(SessionState):
    error: str = ""
    busy: bool = False

    @rx.var
    def link_expired(self) -> bool:
        return self.router.url.query_parameters.get("expired", "") == "1"

    @rx.var
    def password_changed(self) -> bool:
        return self.router.url.query_parameters.get("changed", "") == "1"

    @rx.event
    async def submit(self, form: dict):
        self.error, self.busy = "", True
        yield
        actor = Actor(ip=self.router.session.client_ip or None,
                      user_agent=self.router.headers.user_agent or None)
        try:
            ticket = await run_cpu_bound(_sign_in, form.get("email", ""),
                                             form.get("password", ""), actor)
        except DomainError as exc:
            self.error, self.busy = exc.message, False
            return
        self.busy = False
        yield _handoff(ticket)


class RegisterState(SessionState):
    error: str = ""
    busy: bool = False
    sent_to: str = ""
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
        try:
            await run_cpu_bound(
                _register, form.get("email", ""), form.get("password", ""),
                form.get("full_name", ""), self.timezone, actor)
        except DomainError as exc:
            self.error, self.busy = exc.message, False
            return
        self.busy = False
        self.sent_to = str(form.get("email", "")).strip().lower()
