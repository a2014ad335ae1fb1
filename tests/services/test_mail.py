"""Mail goes out through a real SMTP server on 127.0.0.1, once, and is kept in the outbox."""

import socket
from dataclasses import replace
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from odcp.models import OutboxMessage
from odcp.services.errors import Forbidden
from odcp.services.mail import outbox
from odcp.settings import get_settings


class Catcher:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    catcher = Catcher()
    port = _free_port()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    settings = replace(get_settings(), smtp_host="127.0.0.1", smtp_port=port)
    monkeypatch.setattr("odcp.services.mail.outbox.get_settings", lambda: settings)
    yield catcher
    controller.stop()


def test_queued_mail_is_delivered_once_over_smtp(engine, session, smtp):
    msg = outbox.queue(session, to="alice@test.example", kind="password_reset",
                       name="Alice <b>", link="http://127.0.0.1/reset-password?token=abc")
    session.commit()
    assert outbox.deliver(engine, msg.id) == "sent"
    assert outbox.deliver(engine, msg.id) == "skipped"
    assert len(smtp.messages) == 1
    rcpt, mail = smtp.messages[0]
    assert rcpt == ["alice@test.example"]
    assert "Reset your password" in mail["Subject"]
    html = next(p for p in mail.walk() if p.get_content_type() == "text/html").get_payload(
        decode=True).decode()
    assert "Alice &lt;b&gt;" in html and "<b>" not in html.split("<h2>")[1].split("</p>")[0]


def test_failed_delivery_stays_queued_and_retries(engine, session, monkeypatch):
    settings = replace(get_settings(), smtp_host="127.0.0.1", smtp_port=_free_port())
    monkeypatch.setattr("odcp.services.mail.outbox.get_settings", lambda: settings)
    msg = outbox.queue(session, to="c@test.example", kind="password_changed", name="C")
    session.commit()
    assert outbox.deliver(engine, msg.id) == "queued"
    session.expire_all()
    row = session.get(OutboxMessage, msg.id)
    assert row.attempts == 1 and row.last_error


def test_without_smtp_mail_is_stored_for_the_outbox_page(engine, session, personas):
    msg = outbox.queue(session, to="d@test.example", kind="password_changed", name="D")
    session.commit()
    assert outbox.deliver_pending(engine) == 1
    session.expire_all()
    rows, total = outbox.list_messages(session, actor=personas.actor(personas.admin))
    assert total == 1 and rows[0].status == "stored" and rows[0].id == msg.id
    with pytest.raises(Forbidden):
        outbox.list_messages(session, actor=personas.actor(personas.patient_a))
    assert session.exec(select(OutboxMessage)).one().sent_at is not None
