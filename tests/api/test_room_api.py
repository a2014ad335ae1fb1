"""The consultation room through the API: who may enter and signal, when, and a whole call
with two Python WebRTC peers through the relay (all ICE on 127.0.0.1)."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bench._rtc_peer import BLUE, GREEN, RED, Peer, candidate_addresses, looks_like
from odcp.models import Appointment, AppointmentStatus, ClinicPolicy
from odcp.services import rtc_ice
from odcp.services.media_relay import hub
from tests.api.conftest import bearer
from tests.doctor_helpers import listed_profile


@pytest.fixture
def doctor(session, personas):
    profile = listed_profile(session, personas.doctor_b, timezone="UTC",
                             modes=["video", "audio"])
    session.add(ClinicPolicy(room_opens_minutes_before=10))
    session.commit()
    return profile


@pytest.fixture(autouse=True)
def loopback():
    rtc_ice.restrict_host_addresses(rtc_ice.LOOPBACK)
    yield
    rtc_ice.restrict_host_addresses([])


def book(session, personas, doctor, *, in_minutes: float = 5, mode: str = "video") -> int:
    start = datetime.now(UTC) + timedelta(minutes=in_minutes)
    row = Appointment(patient_id=personas.patient_a.id, doctor_id=doctor.id, starts_at=start,
                      ends_at=start + timedelta(minutes=30), mode=mode,
                      status=AppointmentStatus.CONFIRMED)
    session.add(row)
    session.commit()
    return row.id


@pytest.fixture
async def people(login, personas):
    return {name: bearer((await login(getattr(personas, user)))["access_token"])
            for name, user in (("patient", "patient_a"), ("doctor", "doctor_b"),
                               ("stranger", "patient_c"), ("other_doctor", "doctor_d"))}


async def test_strangers_get_403_and_learn_nothing(client, session, personas, doctor, people):
    appt = book(session, personas, doctor)
    for who in ("stranger", "other_doctor"):
        for method, path, body in (("GET", "", None), ("POST", "/join", None),
                                   ("POST", "/offer", {"sdp": "v=0", "type": "offer"}),
                                   ("POST", "/admit", None), ("POST", "/leave", None)):
            for appt_id in (appt, 987654):
                response = await client.request(
                    method, f"/api/v1/appointments/{appt_id}/room{path}", json=body,
                    headers=people[who])
                assert response.status_code == 403, (who, path, response.text)
                assert "Patient A" not in response.text
    assert (await client.get(f"/api/v1/appointments/{appt}/room")).status_code == 401


async def test_outside_the_window_joining_and_signalling_get_409(client, session, personas,
                                                                 doctor, people):
    appt = book(session, personas, doctor, in_minutes=60 * 24)
    base = f"/api/v1/appointments/{appt}/room"
    state = await client.get(base, headers=people["patient"])
    assert state.status_code == 200 and not state.json()["is_open"]
    joined = await client.post(base + "/join", headers=people["patient"])
    assert joined.status_code == 409 and "opens at" in joined.json()["error"]["message"]
    offered = await client.post(base + "/offer", headers=people["doctor"],
                                json={"sdp": "v=0", "type": "offer"})
    assert offered.status_code == 409


async def test_the_patient_cannot_signal_before_admission(client, session, personas, doctor,
                                                          people):
    appt = book(session, personas, doctor)
    base = f"/api/v1/appointments/{appt}/room"
    assert (await client.post(base + "/join", headers=people["patient"])).json()["me"][
        "status"] == "waiting"
    peer = Peer(RED, 440)
    try:
        sdp = await peer.offer()
        refused = await client.post(base + "/offer", headers=people["patient"],
                                    json={"sdp": sdp, "type": "offer"})
        assert refused.status_code == 409 and "admitted" in refused.json()["error"]["message"]
        assert hub().calls() == 0
        bad = await client.post(base + "/offer", headers=people["doctor"],
                                json={"sdp": "v=0\r\nnonsense", "type": "offer"})
        assert bad.status_code == 422
        wrong_type = await client.post(base + "/offer", headers=people["doctor"],
                                       json={"sdp": sdp, "type": "answer"})
        assert wrong_type.status_code == 422
    finally:
        await peer.close()


async def wait_state(client, url, headers, key, want, timeout=15.0) -> dict:
    """Poll the room until `key` (e.g. "call_state" or "other.status") is `want`."""
    for _ in range(int(timeout / 0.1)):
        body = (await client.get(url, headers=headers)).json()
        value = body
        for name in key.split("."):
            value = value[name]
        if value == want:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"{key} never became {want}: {body}")


async def test_a_whole_call_waiting_admit_connect_leave_end(client, session, personas, doctor,
                                                            people):
    appt = book(session, personas, doctor, in_minutes=3)
    base = f"/api/v1/appointments/{appt}/room"
    patient, doc, back = Peer(RED, 440), Peer(BLUE, 1200), Peer(GREEN, 440)

    def signal(who: str):
        async def send(sdp: str) -> str:
            response = await client.post(base + "/offer", headers=people[who],
                                         json={"sdp": sdp, "type": "offer"})
            assert response.status_code == 200, response.text
            answer = response.json()["sdp"]
            assert candidate_addresses(sdp) == candidate_addresses(answer) == {"127.0.0.1"}
            return answer
        return send

    try:
        await client.post(base + "/join", headers=people["patient"])
        waiting = (await client.get("/api/v1/doctor/waiting-room",
                                    headers=people["doctor"])).json()
        assert [(w["appointment_id"], w["patient_name"]) for w in waiting] == [
            (appt, "Patient A")]
        assert (await client.get("/api/v1/doctor/waiting-room",
                                 headers=people["patient"])).status_code == 403
        joined = (await client.post(base + "/join", headers=people["doctor"])).json()
        assert joined["can_admit"] and joined["ice_servers"] == []
        admitted = await client.post(base + "/admit", headers=people["doctor"])
        assert admitted.status_code == 200 and admitted.json()["admitted"]
        await patient.connect(signal("patient"))
        await doc.connect(signal("doctor"))
        state = await wait_state(client, base, people["patient"], "call_state", "connected")
        assert state["appointment_status"] == "in_progress" and state["media"] == [
            "audio", "video"]
        await asyncio.gather(patient.wait_for(video=10), doc.wait_for(video=10))
        assert looks_like(patient.video[-1], BLUE) and looks_like(doc.video[-1], RED)

        muted = await client.post(base + "/media-state", headers=people["patient"],
                                  json={"audio_muted": True, "video_off": True})
        assert muted.json()["me"]["audio_muted"]
        seen = (await client.get(base, headers=people["doctor"])).json()["other"]
        assert seen["audio_muted"] and seen["video_off"] and seen["status"] == "connected"

        left = await client.post(base + "/leave", headers=people["patient"])
        assert left.json()["me"]["status"] == "left"
        doctor_view = (await client.get(base, headers=people["doctor"])).json()
        assert doctor_view["other"]["status"] == "left"
        assert doctor_view["call_state"] == "reconnecting"
        assert hub().live_parts(appt) == {"doctor"}

        rejoined = await client.post(base + "/join", headers=people["patient"])
        assert rejoined.json()["me"]["status"] == "connecting"  # admitted once is enough
        await back.connect(signal("patient"))
        await wait_state(client, base, people["doctor"], "call_state", "connected")
        doc.forget()
        await doc.wait_for(video=10)
        assert looks_like(doc.video[-1], GREEN)
        await back.close()  # the patient's network drops: no leave
        await wait_state(client, base, people["doctor"], "other.status", "reconnecting")

        unconfirmed = await client.post(base + "/end", headers=people["doctor"],
                                        json={"confirm": False})
        assert unconfirmed.status_code == 422
        assert (await client.post(base + "/end", headers=people["patient"],
                                  json={"confirm": True})).status_code == 403
        ended = await client.post(base + "/end", headers=people["doctor"],
                                  json={"confirm": True})
        assert ended.status_code == 200, ended.text
        body = ended.json()
        assert body["call_state"] == "ended" and body["appointment_status"] == "completed"
        assert body["duration_seconds"] is not None and hub().calls() == 0
        again = await client.post(base + "/join", headers=people["patient"])
        assert again.status_code == 409
    finally:
        await hub().close_all()
        for peer in (patient, doc, back):
            await peer.close()
