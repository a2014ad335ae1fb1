"""/admin/outbox: mail the clinic sent or stored (admins only, checked in the service)."""

from __future__ import annotations

import reflex as rx

from odcp.db import session_scope
from odcp.services.errors import DomainError
from odcp.services.mail import outbox
from odcp.state.session import SessionState


class AdminOutboxState(SessionState):
    messages: list[dict[str, str]] = []
    total: int = 0
    error: str = ""
    open_body: str = ""

    @rx.event
    def load(self):
        with session_scope() as session:
            try:
                rows, self.total = outbox.list_messages(session, actor=self.actor(session))
            except DomainError as exc:
                self.messages, self.error = [], exc.message
                return
        self.error = ""
        self.messages = [
            {"id": str(m.id), "at": m.created_at.strftime("%Y-%m-%d %H:%M UTC"),
             "to": m.to_address, "subject": m.subject, "status": m.status,
             "body": m.text_body}
            for m in rows
        ]

    @rx.event
    def show(self, body: str):
        self.open_body = body
