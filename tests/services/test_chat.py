"""The appointment chat: who may take part, until when, what is stored and how, read marks,
paging, and live events (message, read, presence) delivered only after a commit."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from odcp.models import Appointment, AppointmentStatus, AuditEntry, ClinicPolicy
from odcp.models.chat import ChatAttachment, ChatMessage
from odcp.services import appointments, chat, chat_bus, chat_presence, file_store
from odcp.services.chat_bus import ChatBus
from odcp.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.chat_helpers import chat_appointment, private_bus
from tests.doctor_helpers import PDF, image, listed_profile


@pytest.fixture(autouse=True)
def bus():
    with private_bus() as fresh:
        yield fresh


@pytest.fixture
def appt(session, personas) -> Appointment:
    listed_profile(session, personas.doctor_d, timezone="UTC", modes=["chat"])
    return chat_appointment(session, personas, status=AppointmentStatus.PENDING)


def _send(session, personas, user, appt, text="Hello", **kw):
    view = chat.post_message(session, actor=personas.actor(user), appointment_id=appt.id,
                             text=text, **kw)
    session.commit()
    return view


def _count(session, model) -> int:
    return len(session.exec(select(model)).all())


def test_the_two_parties_talk_and_nobody_else_learns_anything(session, personas, appt):
    a, b = personas.patient_a, personas.doctor_b
    _send(session, personas, a, appt, "  I have a rash on my arm.  ")
    _send(session, personas, b, appt, "Please send a photo.")
    page = chat.history(session, actor=personas.actor(a), appointment_id=appt.id)
    assert [(m.sender, m.text) for m in page.messages] == [
        ("patient", "I have a rash on my arm."), ("doctor", "Please send a photo.")]
    assert page.seat.can_write and page.seat.notice == ""
    for stranger in (personas.patient_c, personas.doctor_d):
        actor = personas.actor(stranger)
        for call in (lambda actor=actor: chat.history(session, actor=actor,
                                                      appointment_id=appt.id),
                     lambda actor=actor: chat.post_message(session, actor=actor,
                                                           appointment_id=appt.id, text="hi"),
                     lambda actor=actor: chat.mark_read(session, actor=actor,
                                                        appointment_id=appt.id, up_to_id=1)):
            with pytest.raises(NotFound, match="No such appointment"):
                call()
    session.rollback()
    assert _count(session, ChatMessage) == 2


def test_an_admin_reads_only_and_every_read_is_audited(session, personas, appt):
    _send(session, personas, personas.patient_a, appt, "private")
    admin = personas.actor(personas.admin)
    page = chat.history(session, actor=admin, appointment_id=appt.id)
    session.commit()
    assert page.messages[0].text == "private" and not page.seat.can_write
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "chat.read")).one()
    assert (entry.actor_id, entry.subject_user_id) == (personas.admin.id, personas.patient_a.id)
    with pytest.raises(Forbidden):
        chat.post_message(session, actor=admin, appointment_id=appt.id, text="hello")
    with pytest.raises(Forbidden):
        chat.mark_read(session, actor=admin, appointment_id=appt.id, up_to_id=page.messages[0].id)
    with pytest.raises(Forbidden):
        chat_presence.announce(page.seat, "online")
    chat.history(session, actor=personas.actor(personas.doctor_b), appointment_id=appt.id)
    session.commit()  # the parties' own reads are not audited
    assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "chat.read")).all()) == 1


def test_the_chat_is_open_from_booking_until_the_policy_window_ends(session, personas, appt):
    session.add(ClinicPolicy(chat_open_days_after=2))
    session.commit()
    patient = personas.patient_a
    _send(session, personas, patient, appt, "before", now=appt.starts_at - timedelta(days=3))
    last_minute = appt.ends_at + timedelta(days=2) - timedelta(minutes=1)
    _send(session, personas, patient, appt, "still open", now=last_minute)
    closed = appt.ends_at + timedelta(days=2)
    with pytest.raises(Conflict, match=r"closed on .* 2 days after the appointment"):
        chat.post_message(session, actor=personas.actor(personas.doctor_b),
                          appointment_id=appt.id, text="too late", now=closed)
    with pytest.raises(Conflict, match="read-only"):
        chat.post_attachment(session, actor=personas.actor(patient), appointment_id=appt.id,
                             data=PDF, filename="late.pdf", now=closed)
    session.rollback()
    page = chat.history(session, actor=personas.actor(patient), appointment_id=appt.id,
                        now=closed)
    assert [m.text for m in page.messages] == ["before", "still open"]
    assert not page.seat.can_write and "read-only" in page.seat.notice


def test_a_cancelled_appointment_keeps_a_read_only_chat(session, personas, appt):
    _send(session, personas, personas.patient_a, appt, "see you")
    appt.status = AppointmentStatus.CANCELLED
    session.commit()
    with pytest.raises(Conflict, match="cancelled, so its chat is read-only"):
        _send(session, personas, personas.doctor_b, appt, "?")
    session.rollback()
    page = chat.history(session, actor=personas.actor(personas.doctor_b),
                        appointment_id=appt.id)
    assert [m.text for m in page.messages] == ["see you"]


@pytest.mark.parametrize(("text", "message"), [
    ("", "Write a message"), ("   \n ", "Write a message"),
    ("x" * (chat.MAX_TEXT + 1), f"at most {chat.MAX_TEXT}")])
def test_bad_text_is_refused_and_nothing_is_stored(session, personas, appt, text, message):
    with pytest.raises(Invalid, match=message):
        _send(session, personas, personas.patient_a, appt, text)
    session.rollback()
    assert _count(session, ChatMessage) == 0


def test_text_and_attachment_names_are_encrypted_at_rest(session, personas, appt):
    secret = "My HIV test came back positive"
    _send(session, personas, personas.patient_a, appt, secret)
    view = chat.post_attachment(session, actor=personas.actor(personas.patient_a),
                                appointment_id=appt.id, data=PDF, filename="hiv-results.pdf")
    session.commit()
    raw = " ".join(str(v) for row in session.execute(text(
        "SELECT m.body_enc, a.name_enc, a.stored_name FROM chat_messages m "
        "LEFT JOIN chat_attachments a ON a.message_id = m.id")) for v in row)
    assert "HIV" not in raw and "hiv" not in raw
    row = session.get(ChatAttachment, view.attachment.id)
    stored = (file_store.local_folder(chat.FOLDER) / row.stored_name).read_bytes()
    assert b"%PDF" not in stored and b"Catalog" not in stored
    # a sealed body copied into another appointment's chat does not open there
    other = Appointment(patient_id=appt.patient_id, doctor_id=appt.doctor_id, mode="chat",
                        starts_at=appt.starts_at + timedelta(hours=2),
                        ends_at=appt.ends_at + timedelta(hours=2), status="confirmed")
    session.add(other)
    session.flush()
    original = session.exec(select(ChatMessage).where(ChatMessage.body_enc != "")).first()
    session.add(ChatMessage(appointment_id=other.id, sender_id=original.sender_id,
                            body_enc=original.body_enc))
    session.commit()
    with pytest.raises(Exception, match="does not verify"):
        chat.history(session, actor=personas.actor(personas.patient_a), appointment_id=other.id)


@pytest.mark.parametrize(("data", "name", "ctype"), [
    (image("PNG"), "rash.png", "image/png"), (image("JPEG"), "rash.jpg", "image/jpeg"),
    (image("WEBP"), "rash.webp", "image/webp"), (image("GIF"), "rash.gif", "image/gif"),
    (PDF, "letter.pdf", "application/pdf")])
def test_pictures_and_pdfs_reach_the_other_party_intact(session, personas, appt, data, name,
                                                        ctype):
    """The name keeps the extension of what the file really is (rash.jpg, not .png)."""
    sent = chat.post_attachment(session, actor=personas.actor(personas.patient_a),
                                appointment_id=appt.id, data=data,
                                filename=name.rsplit(".", 1)[0] + ".png",
                                text="from this morning")
    session.commit()
    assert sent.text == "from this morning" and sent.attachment.content_type == ctype
    got = chat.attachment(session, actor=personas.actor(personas.doctor_b),
                          appointment_id=appt.id, attachment_id=sent.attachment.id)
    assert (got.data, got.name, got.content_type) == (data, name, ctype)
    for stranger in (personas.patient_c, personas.doctor_d):
        with pytest.raises(NotFound):
            chat.attachment(session, actor=personas.actor(stranger), appointment_id=appt.id,
                            attachment_id=sent.attachment.id)


def test_an_admin_download_is_audited(session, personas, appt):
    sent = chat.post_attachment(session, actor=personas.actor(personas.doctor_b),
                                appointment_id=appt.id, data=PDF, filename="plan.pdf")
    session.commit()
    chat.attachment(session, actor=personas.actor(personas.patient_a), appointment_id=appt.id,
                    attachment_id=sent.attachment.id)
    chat.attachment(session, actor=personas.actor(personas.admin), appointment_id=appt.id,
                    attachment_id=sent.attachment.id)
    session.commit()
    entries = session.exec(select(AuditEntry).where(
        AuditEntry.action == "chat.attachment_read")).all()
    assert [(e.actor_id, e.target_id) for e in entries] == [(personas.admin.id,
                                                             str(sent.attachment.id))]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"), (b"#!/bin/sh\nrm -rf /\n", "PDF, PNG, JPEG, WebP or GIF"),
    (image("PNG")[:80], "cannot be read"),
    (PDF.replace(b"/Type/Catalog", b"/OpenAction<</S/JavaScript/JS(x)>>"), "scripts"),
    (b"%PDF-1.4\n" + b"0" * chat.MAX_ATTACHMENT_BYTES + b"%%EOF", "larger than 10 MB")])
def test_refused_attachments_change_nothing(session, personas, appt, data, message):
    folder = file_store.local_folder(chat.FOLDER)
    before = set(folder.iterdir())
    with pytest.raises(Invalid, match=message):
        chat.post_attachment(session, actor=personas.actor(personas.patient_a),
                             appointment_id=appt.id, data=data, filename="x.pdf")
    session.rollback()
    assert _count(session, ChatMessage) == 0 and _count(session, ChatAttachment) == 0
    assert set(folder.iterdir()) == before


def test_a_failed_transaction_drops_the_stored_file(session, personas, appt):
    folder = file_store.local_folder(chat.FOLDER)
    before = set(folder.iterdir())
    chat.post_attachment(session, actor=personas.actor(personas.patient_a),
                         appointment_id=appt.id, data=PDF, filename="a.pdf")
    assert len(set(folder.iterdir()) - before) == 1
    session.rollback()
    assert set(folder.iterdir()) == before


def test_an_attachment_is_found_only_in_its_own_chat(session, personas, appt):
    sent = chat.post_attachment(session, actor=personas.actor(personas.patient_a),
                                appointment_id=appt.id, data=PDF, filename="a.pdf")
    other = Appointment(patient_id=personas.patient_a.id, doctor_id=appt.doctor_id,
                        mode="chat", starts_at=appt.starts_at + timedelta(hours=3),
                        ends_at=appt.ends_at + timedelta(hours=3), status="confirmed")
    session.add(other)
    session.commit()
    with pytest.raises(NotFound, match="No such attachment"):
        chat.attachment(session, actor=personas.actor(personas.patient_a),
                        appointment_id=other.id, attachment_id=sent.attachment.id)


def test_history_pages_backwards_with_a_before_cursor(session, personas, appt):
    ids = [_send(session, personas, personas.patient_a, appt, f"m{i}").id for i in range(7)]
    actor = personas.actor(personas.doctor_b)
    first = chat.history(session, actor=actor, appointment_id=appt.id, limit=3)
    assert [m.text for m in first.messages] == ["m4", "m5", "m6"] and first.has_more
    second = chat.history(session, actor=actor, appointment_id=appt.id, limit=3,
                          before=first.messages[0].id)
    assert [m.text for m in second.messages] == ["m1", "m2", "m3"] and second.has_more
    last = chat.history(session, actor=actor, appointment_id=appt.id, limit=3,
                        before=second.messages[0].id)
    assert [m.id for m in last.messages] == ids[:1] and not last.has_more
    with pytest.raises(Invalid, match="limit"):
        chat.history(session, actor=actor, appointment_id=appt.id, limit=0)


def test_read_marks_move_forward_and_the_sender_sees_read(session, personas, appt):
    a, b = personas.patient_a, personas.doctor_b
    first = _send(session, personas, a, appt, "one")
    second = _send(session, personas, a, appt, "two")
    assert chat.unread_count(session, actor=personas.actor(b), appointment_id=appt.id) == 2
    assert chat.mark_read(session, actor=personas.actor(b), appointment_id=appt.id,
                          up_to_id=first.id) == first.id
    session.commit()
    page = chat.history(session, actor=personas.actor(a), appointment_id=appt.id)
    assert [m.read for m in page.messages] == [True, False]
    assert page.read_up_to == {"patient": 0, "doctor": first.id}
    assert chat.mark_read(session, actor=personas.actor(b), appointment_id=appt.id,
                          up_to_id=second.id) == second.id
    assert chat.mark_read(session, actor=personas.actor(b), appointment_id=appt.id,
                          up_to_id=first.id) == second.id  # never backwards
    session.commit()
    assert chat.unread_count(session, actor=personas.actor(b), appointment_id=appt.id) == 0
    # the doctor's own view never flags the patient's messages as "read"
    own = chat.history(session, actor=personas.actor(b), appointment_id=appt.id)
    assert [m.read for m in own.messages] == [False, False]
    with pytest.raises(NotFound, match="No such message"):
        chat.mark_read(session, actor=personas.actor(b), appointment_id=appt.id,
                       up_to_id=second.id + 100)


async def _next(sub, kind: str, timeout: float = 2.0) -> dict:
    while True:
        event = await sub.get(timeout)
        assert event is not None, f"no {kind} event within {timeout}s"
        if event["type"] == kind:
            return event


async def test_live_events_follow_commits_only(session, personas, appt):
    doctor = chat.seat(session, actor=personas.actor(personas.doctor_b), appointment_id=appt.id)
    patient_seat = chat.seat(session, actor=personas.actor(personas.patient_a),
                             appointment_id=appt.id)
    async with chat_presence.live(doctor) as sub:
        assert (await _next(sub, "presence"))["part"] == "doctor"
        chat.post_message(session, actor=personas.actor(personas.patient_a),
                          appointment_id=appt.id, text="rolled back")
        session.rollback()
        sent = await asyncio.to_thread(_send, session, personas, personas.patient_a, appt,
                                       "committed")
        event = await _next(sub, "message")
        assert event["message"]["id"] == sent.id and event["message"]["text"] == "committed"
        chat.mark_read(session, actor=personas.actor(personas.doctor_b),
                       appointment_id=appt.id, up_to_id=sent.id)
        session.commit()
        assert (await _next(sub, "read"))["up_to_id"] == sent.id
        async with chat_presence.live(patient_seat):
            assert chat_presence.presence(doctor) == {"patient": "online", "doctor": "online"}
            chat_presence.announce(patient_seat, "typing")
            typing = await _next(sub, "presence")
            while typing["state"] != "typing":
                typing = await _next(sub, "presence")
            assert chat_presence.presence(doctor)["patient"] == "typing"
        left = await _next(sub, "presence")
        while left["state"] != "offline":
            left = await _next(sub, "presence")
        assert left["part"] == "patient" and chat_presence.presence(doctor)["patient"] == "offline"
    with pytest.raises(Forbidden):
        admin_seat = chat.seat(session, actor=personas.actor(personas.admin),
                               appointment_id=appt.id)
        async with chat_presence.live(admin_seat):
            pass


async def test_the_bus_takes_events_from_any_thread_and_resyncs_a_slow_reader(bus):
    async with bus.subscribe(7) as sub, bus.subscribe(8) as other:
        await asyncio.to_thread(bus.publish, 7, {"type": "message", "n": 1})
        assert (await sub.get(2)) == {"type": "message", "n": 1}
        assert await other.get(0.05) is None  # another appointment hears nothing
        for n in range(chat_bus.QUEUE_LIMIT + 5):
            bus.publish(7, {"type": "message", "n": n})
        await asyncio.sleep(0.05)
        assert (await sub.get(1)) == chat_bus.RESYNC


def _redis_url() -> str | None:
    import redis

    url = os.environ.get("ODCP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return None
    return url


async def test_two_workers_share_events_through_redis_without_plaintext():
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:6379 (set ODCP_TEST_REDIS_URL)")
    import redis

    prefix = f"odcp-test:{uuid.uuid4().hex[:8]}:"
    one, two = ChatBus(url, prefix=prefix), ChatBus(url, prefix=prefix)
    spy = redis.Redis.from_url(url).pubsub()
    spy.psubscribe(prefix + "*")
    try:
        async with two.subscribe(42) as sub:
            one.announce(42, user_id=5, part="doctor", state="online")
            one.publish(42, {"type": "message", "message": {"text": "blood results"}})
            assert (await sub.get(5))["state"] == "online"
            assert (await sub.get(5))["message"]["text"] == "blood results"
            assert two.presence.states(42) == {"doctor": "online"}
        wire = [spy.get_message(timeout=1) for _ in range(4)]
        payloads = [m["data"] for m in wire if m and m["type"] == "pmessage"]
        assert len(payloads) == 2 and not any(b"blood" in p for p in payloads)
    finally:
        spy.close()
        one.close()
        two.close()


def test_presence_expires_unless_renewed(bus):
    bus.presence.note(3, {"user_id": 1, "part": "patient", "state": "typing", "ttl": 0.05})
    bus.presence.note(3, {"user_id": 2, "part": "doctor", "state": "online", "ttl": 60})
    assert bus.presence.states(3) == {"patient": "typing", "doctor": "online"}
    time.sleep(0.1)
    assert bus.presence.states(3) == {"doctor": "online"}
    bus.presence.note(3, {"user_id": 2, "part": "doctor", "state": "typing", "ttl": 6})
    bus.publish(3, {"type": "message", "message": {"sender_id": 2}})
    assert bus.presence.states(3) == {"doctor": "online"}  # sending ends typing
    bus.presence.note(3, {"user_id": 2, "part": "doctor", "state": "offline", "ttl": 0})
    assert bus.presence.states(3) == {}


def test_a_chat_visit_starts_when_both_sides_write_in_its_slot(session, personas, appt):
    appt.status = AppointmentStatus.CONFIRMED
    session.commit()
    before = appt.starts_at - timedelta(hours=2)
    _send(session, personas, personas.doctor_b, appt, "See you tomorrow", now=before)
    _send(session, personas, personas.patient_a, appt, "Thanks", now=before)
    assert session.get(Appointment, appt.id).status == AppointmentStatus.CONFIRMED
    during = appt.starts_at + timedelta(minutes=1)
    _send(session, personas, personas.patient_a, appt, "I'm here", now=during)
    assert session.get(Appointment, appt.id).status == AppointmentStatus.CONFIRMED
    _send(session, personas, personas.doctor_b, appt, "Hello, tell me more", now=during)
    session.expire_all()
    assert session.get(Appointment, appt.id).status == AppointmentStatus.IN_PROGRESS
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "appointment.start")
                         ).one()
    assert entry.detail == {"by": "chat"}
    appointments.complete(session, actor=personas.actor(personas.doctor_b),
                          appointment_id=appt.id)
    session.commit()
    assert session.get(Appointment, appt.id).status == AppointmentStatus.COMPLETED
    _send(session, personas, personas.patient_a, appt, "Thank you, doctor")  # still open
