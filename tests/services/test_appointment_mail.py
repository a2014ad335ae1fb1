"""Appointment mail goes through a real SMTP server on 127.0.0.1: right people, right
subjects, each recipient's own time zone, no medical data; queued with the change and
delivered after the commit, so a failed, raced or rolled-back change sends nothing."""

from __future__ import annotations

import asyncio
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from odcp.api.app import create_api
from odcp.db import session_scope
from odcp.models import (
    AccountStatus,
    AvailabilityRule,
    ClinicPolicy,
    DoctorProfile,
    OutboxMessage,
    Role,
)
from odcp.models.base import utcnow
from odcp.services import appointment_mail, appointments, booking
from odcp.services.accounts import build_user
from odcp.services.actor import Actor
from odcp.services.mail import outbox
from odcp.settings import get_settings
from tests.conftest import PASSWORD
from tests.doctor_helpers import listed_profile

PATIENT_ZONE, DOCTOR_ZONE = "America/New_York", "Asia/Kolkata"


class Inbox:
    def __init__(self) -> None:
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(monkeypatch, engine):
    """A loopback SMTP server, and the web app's background sender running."""
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = replace(get_settings(), smtp_host="127.0.0.1", smtp_port=controller.port)
    monkeypatch.setattr("odcp.services.mail.outbox.get_settings", lambda: settings)
    outbox.start_background_delivery()
    yield box
    outbox.stop_background_delivery()
    controller.stop()


def _settle(box: Inbox, expected: int) -> list:
    """Wait for the background sender, then insist on exactly `expected` messages."""
    assert outbox.drain(timeout=20)
    assert len(box.messages) == expected, [(m["To"], m["Subject"]) for m in box.messages]
    return box.messages


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _local(when: datetime, zone: str) -> str:
    local = when.astimezone(ZoneInfo(zone))
    return f"{local:%H:%M} to {local + timedelta(minutes=30):%H:%M} ({zone}, {local:%Z})"


def _slot(days_ahead: int = 3, hour: int = 9) -> datetime:
    return datetime.combine(datetime.now(UTC).date() + timedelta(days=days_ahead), time(hour),
                            tzinfo=UTC)


@pytest.fixture
def doctor(session, personas) -> DoctorProfile:
    personas.patient_a.timezone, personas.doctor_b.timezone = PATIENT_ZONE, DOCTOR_ZONE
    session.add_all([personas.patient_a, personas.doctor_b])
    profile = listed_profile(session, personas.doctor_b, timezone="UTC", modes=["video"])
    session.add_all(AvailabilityRule(doctor_id=profile.id, weekday=d, start_time=time(8),
                                     end_time=time(18), slot_minutes=30) for d in range(7))
    session.add(ClinicPolicy(min_notice_minutes=0))
    session.commit()
    return profile


def _book(session, personas, doctor, **kw):
    return booking.book_slot(session, actor=personas.actor(personas.patient_a),
                             doctor_id=doctor.id, starts_at=kw.pop("starts_at", _slot()),
                             mode="video", **kw)


def test_booking_mails_patient_and_doctor_in_their_own_zones(session, personas, doctor,
                                                             inbox):
    appt = _book(session, personas, doctor, reason="recurring chest pain at night")
    _settle(inbox, 2)
    [to_patient] = inbox.to(personas.patient_a.email)
    [to_doctor] = inbox.to(personas.doctor_b.email)
    assert to_patient["Subject"].startswith("Appointment confirmed:")
    assert to_doctor["Subject"].startswith("New appointment: Patient A,")
    patient_text, doctor_text = _text(to_patient), _text(to_doctor)
    assert _local(appt.starts_at, PATIENT_ZONE) in patient_text
    assert _local(appt.starts_at, DOCTOR_ZONE) in doctor_text
    assert "video consultation with Doctor B" in patient_text
    assert "Patient A booked a video consultation" in doctor_text
    assert f"{get_settings().public_url}/appointments" in patient_text
    assert f"{get_settings().public_url}/doctor/agenda" in doctor_text
    for message in (to_patient, to_doctor):  # no medical data, in any part
        assert "chest" not in message.as_string()
    rows = session.exec(select(OutboxMessage)).all()
    assert {r.status for r in rows} == {"sent"}


def test_pending_booking_then_approval(session, personas, doctor, inbox):
    session.get(ClinicPolicy, 1).requires_approval = True
    session.commit()
    appt = _book(session, personas, doctor)
    _settle(inbox, 2)
    assert inbox.to(personas.patient_a.email)[0]["Subject"].startswith("Booking request")
    assert "needs your approval" in _text(inbox.to(personas.doctor_b.email)[0])
    appointments.approve(session, actor=personas.actor(personas.doctor_b),
                         appointment_id=appt.id)
    session.commit()
    _settle(inbox, 3)
    approved = inbox.messages[-1]
    assert approved["To"] == personas.patient_a.email
    assert approved["Subject"].startswith("Appointment confirmed:")
    assert _local(appt.starts_at, PATIENT_ZONE) in _text(approved)


@pytest.mark.parametrize(("who", "reason", "told"), [
    ("patient_a", "", ["doctor_b"]),
    ("doctor_b", "Called away to surgery", ["patient_a"]),
    ("admin", "Clinic closed for maintenance", ["patient_a", "doctor_b"]),
])
def test_cancellation_tells_the_other_party_with_the_reason(session, personas, doctor, inbox,
                                                            who, reason, told):
    appt = _book(session, personas, doctor)
    _settle(inbox, 2)
    appointments.cancel(session, actor=personas.actor(getattr(personas, who)),
                        appointment_id=appt.id, reason=reason)
    session.commit()
    cancelled = _settle(inbox, 2 + len(told))[2:]
    assert sorted(m["To"] for m in cancelled) == sorted(
        getattr(personas, p).email for p in told)
    by = {"patient_a": "Patient A", "doctor_b": "Doctor B", "admin": "the clinic"}[who]
    for message in cancelled:
        body = _text(message)
        assert message["Subject"].startswith("Appointment cancelled:")
        assert f"was cancelled by {by}." in body
        assert (f"Reason: {reason}" in body) if reason else ("Reason:" not in body)
        zone = PATIENT_ZONE if message["To"] == personas.patient_a.email else DOCTOR_ZONE
        assert _local(appt.starts_at, zone) in body


def test_reschedule_tells_both_with_old_and_new_time(session, personas, doctor, inbox):
    old = _book(session, personas, doctor)
    new_time = _slot(days_ahead=5, hour=15)
    new = appointments.reschedule(session, actor=personas.actor(personas.patient_a),
                                  appointment_id=old.id, starts_at=new_time)
    session.commit()
    moved = [m for m in _settle(inbox, 4) if "moved" in m["Subject"]]
    assert sorted(m["To"] for m in moved) == sorted(
        [personas.patient_a.email, personas.doctor_b.email])
    for message in moved:
        zone = PATIENT_ZONE if message["To"] == personas.patient_a.email else DOCTOR_ZONE
        body = _text(message)
        assert message["Subject"].startswith("Appointment moved to")
        assert f"New time: {new.starts_at.astimezone(ZoneInfo(zone)):%A}" in body
        assert _local(new.starts_at, zone) in body.split("New time:")[1].split("\n")[0]
        assert _local(old.starts_at, zone) in body.split("Previous time:")[1].split("\n")[0]


def test_reassignment_tells_the_patient_and_both_doctors(session, personas, doctor, inbox):
    """What appointments_admin.reassign queues (called here on its own)."""
    appt = _book(session, personas, doctor)
    _settle(inbox, 2)
    other = listed_profile(session, personas.doctor_d, timezone="UTC", modes=["video"])
    appt.doctor_id = other.id
    appointment_mail.reassigned(session, appt, previous_doctor_id=doctor.id,
                                reason="Doctor B is on leave")
    session.commit()
    mails = {m["To"]: m for m in _settle(inbox, 5)[2:]}
    assert mails[personas.patient_a.email]["Subject"].startswith("New doctor for your")
    assert "to Doctor D (previously with Doctor B)" in _text(mails[personas.patient_a.email])
    assert mails[personas.doctor_d.email]["Subject"].startswith("Appointment assigned to you")
    assert "moved to another doctor" in mails[personas.doctor_b.email]["Subject"]
    assert _local(appt.starts_at, DOCTOR_ZONE) in _text(mails[personas.doctor_b.email])
    assert all("Reason: Doctor B is on leave" in _text(m) for m in mails.values())


def test_a_raced_booking_mails_only_the_winner(engine, session, personas, doctor, inbox,
                                               password_hash):
    racers = [build_user(session, email=f"racer{i}@test.example", password="",
                         full_name=f"Racer {i}", role=Role.PATIENT,
                         status=AccountStatus.ACTIVE, password_hash=password_hash)
              for i in range(8)]
    session.commit()
    slot = _slot()

    def attempt(user) -> bool:
        with Session(engine, expire_on_commit=False) as s:
            try:
                booking.book_slot(s, actor=Actor(user=user), doctor_id=doctor.id,
                                  starts_at=slot, mode="video")
                return True
            except booking.SlotTaken:
                return False

    with ThreadPoolExecutor(max_workers=4) as pool:
        won = [u for u, ok in zip(racers, pool.map(attempt, racers), strict=True) if ok]
    assert len(won) == 1
    _settle(inbox, 2)
    assert sorted(m["To"] for m in inbox.messages) == sorted(
        [won[0].email, personas.doctor_b.email])
    # A later attempt on the taken slot fails and sends nothing either.
    with pytest.raises(booking.SlotTaken):
        _book(session, personas, doctor, starts_at=slot)
    _settle(inbox, 2)
    assert len(session.exec(select(OutboxMessage)).all()) == 2


def test_a_rolled_back_change_sends_nothing(session, personas, doctor, inbox):
    appt = _book(session, personas, doctor)
    _settle(inbox, 2)
    with pytest.raises(RuntimeError), session_scope() as s:
        appointments.cancel(s, actor=personas.actor(personas.doctor_b),
                            appointment_id=appt.id, reason="Double-booked")
        s.flush()
        raise RuntimeError("something later in the same transaction failed")
    _settle(inbox, 2)
    assert len(session.exec(select(OutboxMessage)).all()) == 2


def test_mail_survives_a_crash_and_is_sent_once(engine, session, personas, doctor, inbox):
    """No background sender (as after a crash before delivery): the rows wait in the
    outbox, the retry sweep sends each once, and a second sweep sends nothing."""
    outbox.stop_background_delivery()
    _book(session, personas, doctor)
    assert {r.status for r in session.exec(select(OutboxMessage)).all()} == {"queued"}
    assert inbox.messages == []
    assert outbox.deliver_pending(engine) == 2
    assert outbox.deliver_pending(engine) == 0
    assert len(inbox.messages) == 2


def test_a_running_attempt_is_not_taken_over_but_a_stuck_one_is(engine, session, personas,
                                                                 doctor, inbox):
    outbox.stop_background_delivery()
    _book(session, personas, doctor)
    first, second = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    first.status, first.sent_at = "sending", utcnow() - timedelta(seconds=30)  # in progress
    second.status, second.sent_at = "sending", utcnow() - timedelta(minutes=10)  # crashed
    first.created_at = second.created_at = utcnow() - timedelta(hours=1)
    session.add_all([first, second])
    session.commit()
    assert outbox.deliver(engine, first.id) == "skipped"
    assert outbox.deliver_pending(engine) == 1  # the sweep finds the stuck one
    assert [m["To"] for m in inbox.messages] == [second.to_address]
    session.expire_all()
    assert session.get(OutboxMessage, second.id).status == "sent"
    assert session.get(OutboxMessage, first.id).status == "sending"


def test_api_booking_mail_goes_out_after_the_response(session, personas, doctor, inbox):
    """Through the API: delivered once the request's transaction has committed, by the
    request itself (no background sender needed)."""
    outbox.stop_background_delivery()
    body = {"doctor_id": doctor.id, "starts_at": _slot().isoformat(), "mode": "video"}

    async def book_twice() -> tuple[int, int]:
        transport = httpx.ASGITransport(app=create_api())
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            token = (await c.post("/api/v1/auth/login", json={
                "email": personas.patient_a.email, "password": PASSWORD})).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}
            first = await c.post("/api/v1/appointments", headers=headers, json=body)
            again = await c.post("/api/v1/appointments", headers=headers, json=body)
            return first.status_code, again.status_code

    assert asyncio.run(book_twice()) == (201, 409)
    assert sorted(m["To"] for m in inbox.messages) == sorted(
        [personas.patient_a.email, personas.doctor_b.email])
