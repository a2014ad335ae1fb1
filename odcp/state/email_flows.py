"""Pages reached from emailed links, and the forms that send them."""

from __future__ import annotations

import reflex as rx

from odcp.cpu import run_cpu_bound
from odcp.db import session_scope
from odcp.services import passwords_flow
from odcp.services.actor import Actor
from odcp.services.errors import DomainError
from odcp.state.session import SessionState


def run_and_deliver(fn, **kwargs) -> None:
    """Run a flow that queues mail in one transaction; the outbox delivers the mail in the
    background once that transaction has committed (odcp.services.mail.outbox)."""
    with session_scope() as session:
        fn(session, **kwargs)


class EmailFlowState(SessionState):
    error: str = ""
    notice: str = ""
    done: bool = False
    busy: bool = False

    def _actor(self) -> Actor:
        return Actor(ip=self.router.session.client_ip or None,
                     user_agent=self.router.headers.user_agent or None)

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    async def _attempt(self, fn, success: str, **kwargs):
        self.error, self.notice, self.busy = "", "", True
        try:
            await run_cpu_bound(run_and_deliver, fn, actor=self._actor(), **kwargs)
        except DomainError as exc:
            self.error = exc.message
        else:
            self.notice, self.done = success, True
        self.busy = False

    @rx.event
    def reset_form(self):
        self.error, self.notice, self.done, self.busy = "", "", False, False

    @rx.event
    async def verify_from_link(self):
        self.reset_form()
        self.busy = True
        try:
            with session_scope() as session:
                passwords_flow.verify_email(session, token=self._token(), actor=self._actor())
        except DomainError as exc:
            self.error = exc.message
        else:
            self.notice, self.done = "Your email address is confirmed. You can sign in now.", True
        self.busy = False

    @rx.event
    async def resend_verification(self, form: dict):
        await self._attempt(passwords_flow.resend_verification, passwords_flow.LINK_SENT,
                            email=str(form.get("email", "")))

    @rx.event
    async def request_reset(self, form: dict):
        await self._attempt(passwords_flow.request_reset, passwords_flow.LINK_SENT,
                            email=str(form.get("email", "")))

    @rx.event
    async def reset_password(self, form: dict):
        if form.get("password") != form.get("password_repeat"):
            self.error = "The two passwords differ."
            return
        await self._attempt(passwords_flow.reset_password,
                            "Your password is changed and every device was signed out. "
                            "Sign in with the new password.",
                            token=self._token(), password=str(form.get("password", "")))
