"""Queue mail in the caller's transaction; deliver after commit, claimed exactly once.

Why a claim by conditional UPDATE: several workers (or a retry racing a first attempt) may
try the same row; only the one whose UPDATE changed a row sends it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, func, select

from odcp.models.base import utcnow
from odcp.models.notification import OutboxMessage
from odcp.services.actor import Actor
from odcp.services.mail.templates import render
from odcp.services.mail.transports import TransportError, transport_for
from odcp.services.permissions import Permission, require_permission
from odcp.settings import get_settings

log = logging.getLogger("odcp.mail")
MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = timedelta(minutes=5)


def queue(session: Session, *, to: str, kind: str, **values: str) -> OutboxMessage:
    rendered = render(kind, **values)
    message = OutboxMessage(to_address=to, subject=rendered.subject, text_body=rendered.text,
                            html_body=rendered.html, kind=kind)
    session.add(message)
    session.flush()
    return message


def _claim(engine: Engine, message_id: int) -> bool:
    now = utcnow()
    with engine.begin() as conn:
        result = conn.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id,
                   or_(col(OutboxMessage.status) == "queued",
                       (col(OutboxMessage.status) == "sending")
                       & (col(OutboxMessage.created_at) < now - CLAIM_TIMEOUT)),
                   col(OutboxMessage.attempts) < MAX_ATTEMPTS)
            .values(status="sending", attempts=OutboxMessage.attempts + 1)
        )
        return result.rowcount == 1


def _email(row: OutboxMessage) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = get_settings().mail_from
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(domain="odcp.local")
    msg.set_content(row.text_body)
    msg.add_alternative(row.html_body, subtype="html")
    return msg


def deliver(engine: Engine, message_id: int) -> str:
    """Send one queued message; returns its new status. Blocking: run in a thread."""
    if not _claim(engine, message_id):
        return "skipped"
    transport = transport_for(get_settings())
    with Session(engine) as session:
        row = session.get(OutboxMessage, message_id)
        try:
            transport.send(_email(row))
        except TransportError as exc:
            row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "queued"
            row.last_error = str(exc)[:300]
            log.warning("mail %s not delivered (attempt %s)", row.id, row.attempts)
        else:
            row.status = "sent" if transport.name == "smtp" else "stored"
            row.sent_at = utcnow()
        session.add(row)
        session.commit()
        return row.status


def deliver_pending(engine: Engine, *, limit: int = 50) -> int:
    """Retry every queued message (the scheduler calls this); returns how many went out."""
    with Session(engine) as session:
        ids = session.exec(select(OutboxMessage.id).where(OutboxMessage.status == "queued")
                           .order_by(OutboxMessage.id).limit(limit)).all()
    return sum(deliver(engine, i) in ("sent", "stored") for i in ids)


def list_messages(session: Session, *, actor: Actor, page: int = 1,
                  page_size: int = 25) -> tuple[list[OutboxMessage], int]:
    """The outbox for admins allowed to read it, newest first."""
    require_permission(actor, Permission.OUTBOX_VIEW)
    total = session.exec(select(func.count()).select_from(OutboxMessage)).one()
    rows = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc())
                        .offset((max(page, 1) - 1) * page_size).limit(page_size)).all()
    return list(rows), total


def deliver_many(engine: Engine, message_ids: list[int]) -> None:
    """Deliver just-committed messages; failures stay queued for the scheduler's retry."""
    for message_id in message_ids:
        deliver(engine, message_id)
