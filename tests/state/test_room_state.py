"""The consultation room's page state: the patient lands in the waiting room and does not
connect before admission, the doctor sees them and admits, a closed room names its opening
time in the viewer's zone, strangers get the service's refusal, a stale attempt's offer is
ignored, and no session or user id reaches the browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from reflex.istate.data import RouterData

from odcp.models import Appointment, AppointmentStatus, ClinicPolicy
from odcp.models.base import utcnow
from odcp.services import rtc_ice
from odcp.state.room import RoomState
from odcp.state.session import COOKIE
from tests.doctor_helpers import listed_profile
from tests.state.conftest import build_state, sent_to_browser


@pytest.fixture(autouse=True)
def loopback():
    rtc_ice.restrict_host_addresses(rtc_ice.LOOPBACK)
    yield
    rtc_ice.restrict_host_addresses([])


def _appointment(session, personas, *, in_minutes: float = 5, mode: str = "video") -> int:
    doctor = listed_profile(session, personas.doctor_b, timezone="UTC", modes=[mode])
    session.add(ClinicPolicy(room_opens_minutes_before=10))
    start = utcnow() + timedelta(minutes=in_minutes)
    row = Appointment(patient_id=personas.patient_a.id, doctor_id=doctor.id, mode=mode,
                      starts_at=start, ends_at=start + timedelta(minutes=30),
                      status=AppointmentStatus.CONFIRMED)
    session.add(row)
    session.commit()
    return row.id


async def _opened(browser_cookie, user, appointment_id: int):
    """The state after the room page's on_load for `user`'s browser tab, what the load
    returned, and the tab's session id."""
    token, session_id = browser_cookie(user)
    state = build_state(RoomState, cookie=token)
    state.router = RouterData.from_router_data({
        "headers": {"user-agent": "pytest-browser", "cookie": f"{COOKIE}={token}"},
        "ip": "192.0.2.10", "token": f"tab-{user.id}",
        "asPath": f"/appointments/{appointment_id}/room"})
    state.load_session()
    return state, await state.open(), session_id


async def test_waiting_admission_and_what_the_browser_gets(session, personas, browser_cookie):
    appt = _appointment(session, personas)
    patient, opened, session_id = await _opened(browser_cookie, personas.patient_a, appt)
    assert opened == RoomState.poll
    assert patient.me_status == "waiting" and patient.is_open and not patient.connect
    assert patient.media == ["audio", "video"] and patient.ice_servers == []
    sent = sent_to_browser(patient)
    assert session_id not in sent and "_session_id" not in sent

    doctor, _, _ = await _opened(browser_cookie, personas.doctor_b, appt)
    assert doctor.can_admit and doctor.connect and doctor.other_name == "Patient A"
    assert doctor.other_waiting_since != ""
    await doctor.admit()
    assert not doctor.can_admit and doctor.other_status == "connecting"
    await patient.rejoin()  # what the next poll would show: admitted, may connect now
    assert patient.connect and patient.me_status == "connecting"

    old = patient.attempt - 1
    assert await patient.send_offer("v=0", old) is None and patient.answer_sdp == ""
    refused = await patient.send_offer("v=0\r\nnonsense", patient.attempt)
    assert refused is not None and patient.peer_state == "failed" and patient.dropped


async def test_a_closed_room_says_when_it_opens_in_the_viewers_zone(session, personas,
                                                                    browser_cookie):
    personas.patient_a.timezone = "Asia/Kolkata"
    session.add(personas.patient_a)
    session.commit()
    appt = _appointment(session, personas, in_minutes=24 * 60)
    patient, _, _ = await _opened(browser_cookie, personas.patient_a, appt)
    assert not patient.is_open and not patient.connect and patient.me_status == "absent"
    assert "opens at" in patient.notice and "IST" in patient.notice
    assert "UTC" not in patient.notice


async def test_a_stranger_gets_the_refusal_and_no_room(session, personas, browser_cookie):
    appt = _appointment(session, personas)
    stranger, opened, _ = await _opened(browser_cookie, personas.patient_c, appt)
    assert "Only the appointment's doctor and patient" in stranger.error
    assert opened is None and not stranger.connect and stranger.other_name == ""
