"""The room's chat panel state: the two parties talk, history pages, a stranger sees
nothing, the service's refusals (file type and size, a closed chat) reach the page in its
own words, and live events (messages, read marks, presence) land on the right lines."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from reflex.istate.data import RouterData

from odcp.models import Appointment
from odcp.models.base import utcnow
from odcp.services import chat
from odcp.state.room_chat import RoomChatState
from odcp.state.session import COOKIE
from tests.chat_helpers import chat_appointment, private_bus
from tests.doctor_helpers import PDF, image
from tests.state.conftest import build_state, sent_to_browser


@pytest.fixture(autouse=True)
def bus():
    with private_bus() as fresh:
        yield fresh


def _appointment(session, personas, *, ended_days_ago: float | None = None) -> Appointment:
    ended = None if ended_days_ago is None else \
        utcnow() - timedelta(days=ended_days_ago, minutes=30)
    return chat_appointment(session, personas, starts_at=ended)


def _room(browser_cookie, user, appointment_id: int) -> RoomChatState:
    """The state as the room page's on_load leaves it, for `user`'s browser."""
    token, _ = browser_cookie(user)
    state = build_state(RoomChatState, cookie=token)
    state.router = RouterData.from_router_data({
        "headers": {"user-agent": "pytest-browser", "origin": "http://testserver",
                    "cookie": f"{COOKIE}={token}"},
        "ip": "192.0.2.10", "token": f"tab-{user.id}",
        "asPath": f"/appointments/{appointment_id}/room"})
    state.load_session()
    assert state.open() == RoomChatState.follow
    return state


class _Picked:
    """What rx.upload hands the handler: an async-readable file with a name."""

    def __init__(self, name: str, data: bytes) -> None:
        self.filename, self._data = name, data

    async def read(self, size: int = -1) -> bytes:
        return self._data if size < 0 else self._data[:size]


def _send_file(state: RoomChatState, name: str, data: bytes) -> None:
    async def run():
        async for _ in state.send_file([_Picked(name, data)]):
            pass

    asyncio.run(run())


def test_the_two_parties_talk_and_see_read_receipts(session, personas, browser_cookie):
    appt = _appointment(session, personas)
    patient = _room(browser_cookie, personas.patient_a, appt.id)
    assert patient.can_write and patient.notice == "" and patient.chat_lines == []
    assert patient.other_name == personas.doctor_b.full_name

    patient.send({"text": "  I have a rash on my arm.  "})
    [line] = patient.chat_lines
    assert (line.mine, line.who, line.text, line.read) == (True, "You",
                                                          "I have a rash on my arm.", False)
    assert patient.send_error == ""
    patient.send({"text": "   "})
    assert patient.send_error == "Write a message first." and len(patient.chat_lines) == 1

    doctor = _room(browser_cookie, personas.doctor_b, appt.id)  # opening marks it read
    [seen] = doctor.chat_lines
    assert (seen.mine, seen.who, seen.text) == (False, personas.patient_a.full_name,
                                                "I have a rash on my arm.")
    assert chat.unread_count(session, actor=personas.actor(personas.doctor_b),
                             appointment_id=appt.id) == 0
    assert _room(browser_cookie, personas.patient_a, appt.id).chat_lines[0].read

    # The same receipt, live: the doctor's read event marks only the patient's own lines.
    patient._apply({"type": "message", "message": chat.post_message(
        session, actor=personas.actor(personas.doctor_b), appointment_id=appt.id,
        text="Please send a photo.").as_dict()})
    session.commit()
    patient._apply({"type": "read", "user_id": personas.doctor_b.id, "part": "doctor",
                    "up_to_id": patient.chat_lines[0].id})
    assert [(x.who, x.read) for x in patient.chat_lines] == [
        ("You", True), (personas.doctor_b.full_name, False)]
    patient._apply({"type": "presence", "user_id": personas.doctor_b.id, "part": "doctor",
                    "state": "online", "ttl": 45})
    assert patient.other_online
    patient._apply({"type": "presence", "user_id": personas.patient_a.id, "part": "patient",
                    "state": "offline", "ttl": 0})
    assert patient.other_online  # my own tab going offline says nothing about the doctor

    shown = sent_to_browser(patient)
    assert personas.patient_a.email not in shown and "doctor_user_id" not in shown


def test_history_pages_back_with_load_earlier(session, personas, browser_cookie):
    appt = _appointment(session, personas)
    for n in range(chat.PAGE_SIZE + 5):
        chat.post_message(session, actor=personas.actor(personas.patient_a),
                          appointment_id=appt.id, text=f"message {n}")
    session.commit()
    state = _room(browser_cookie, personas.doctor_b, appt.id)
    assert len(state.chat_lines) == chat.PAGE_SIZE and state.has_earlier
    assert state.chat_lines[-1].text == f"message {chat.PAGE_SIZE + 4}"
    state.load_earlier()
    assert [x.text for x in state.chat_lines[:2]] == ["message 0", "message 1"]
    assert len(state.chat_lines) == chat.PAGE_SIZE + 5 and not state.has_earlier


def test_a_stranger_sees_no_chat_and_cannot_send(session, personas, browser_cookie):
    appt = _appointment(session, personas)
    chat.post_message(session, actor=personas.actor(personas.patient_a),
                      appointment_id=appt.id, text="private")
    session.commit()
    for stranger in (personas.patient_c, personas.doctor_d):
        token, _ = browser_cookie(stranger)
        state = build_state(RoomChatState, cookie=token)
        state.router = RouterData.from_router_data({
            "headers": {"cookie": f"{COOKIE}={token}"},
            "asPath": f"/appointments/{appt.id}/room"})
        state.load_session()
        assert state.open() is None  # no live task either
        assert "No such appointment" in state.load_error
        assert state.chat_lines == [] and not state.can_write
        state.send({"text": "hello"})
        assert "private" not in sent_to_browser(state)
    assert len(chat.history(session, actor=personas.actor(personas.patient_a),
                            appointment_id=appt.id).messages) == 1


def test_attachments_checked_by_the_service(session, personas, browser_cookie):
    appt = _appointment(session, personas)
    state = _room(browser_cookie, personas.patient_a, appt.id)
    _send_file(state, "notes.txt", b"just some text")
    assert "PNG, JPEG" in state.send_error and state.chat_lines == []
    _send_file(state, "huge.pdf", PDF + b"0" * chat.MAX_ATTACHMENT_BYTES)
    assert "10 MB" in state.send_error and state.chat_lines == []
    assert not state.sending

    _send_file(state, "rash.png", image())
    assert state.send_error == ""
    [picture] = state.chat_lines
    base = f"/api/v1/appointments/{appt.id}/chat/attachments/"
    assert picture.file_name == "rash.png" and base in picture.file_url
    assert picture.image_url == picture.file_url + "?inline=true"
    _send_file(state, "report.pdf", PDF)
    assert state.chat_lines[-1].image_url == "" and base in state.chat_lines[-1].file_url


def test_a_closed_chat_stays_readable_and_says_why(session, personas, browser_cookie):
    appt = _appointment(session, personas, ended_days_ago=30)
    chat.post_message(session, actor=personas.actor(personas.patient_a),
                      appointment_id=appt.id, text="Thanks, doctor", now=appt.ends_at)
    session.commit()
    state = _room(browser_cookie, personas.patient_a, appt.id)
    assert [x.text for x in state.chat_lines] == ["Thanks, doctor"]
    assert not state.can_write and "read-only" in state.notice
    state.send({"text": "one more question"})
    assert state.send_error == state.notice
    assert len(state.chat_lines) == 1


def test_the_live_task_stops_when_the_page_changes(session, personas, browser_cookie):
    appt = _appointment(session, personas)
    state = _room(browser_cookie, personas.patient_a, appt.id)
    seat, generation = state._seat, state._generation
    assert state._still_here(generation, seat)
    state.close()
    assert not state._still_here(generation, seat)
    state.open()
    generation = state._generation
    state.router = RouterData.from_router_data({"asPath": "/appointments"})
    assert not state._still_here(generation, seat)
