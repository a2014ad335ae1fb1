"""Mail transports. Each `send` either delivers or raises TransportError.

The outbox transport delivers nowhere: in the embedded default (no SMTP server set) the
stored outbox row is the message, and admins read it on the outbox page.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Protocol

from odcp.settings import Settings


class TransportError(Exception):
    """Delivery failed; the message stays queued for a retry."""


class Transport(Protocol):
    name: str

    def send(self, message: EmailMessage) -> None: ...


class OutboxOnlyTransport:
    name = "outbox"

    def send(self, message: EmailMessage) -> None:
        return None


class SmtpTransport:
    name = "smtp"

    def __init__(self, settings: Settings) -> None:
        self.host, self.port = settings.smtp_host, settings.smtp_port
        self.user, self.password = settings.smtp_user, settings.smtp_password
        self.starttls = settings.smtp_starttls

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=15) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}"[:300]) from exc


def transport_for(settings: Settings) -> Transport:
    return SmtpTransport(settings) if settings.smtp_host else OutboxOnlyTransport()
