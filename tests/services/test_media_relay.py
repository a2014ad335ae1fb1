"""Two Python aiortc peers through the relay: each gets the OTHER's colour and tone.

All ICE stays on 127.0.0.1 (the `loopback` fixture restricts host candidates, and every
SDP is checked for foreign addresses).
"""

from __future__ import annotations

import asyncio
import re

import pytest

from bench._rtc_peer import BLUE, GREEN, RED, Peer, candidate_addresses, looks_like, tone_hz
from odcp.services import rtc_ice
from odcp.services.media_relay import RelayHub
from odcp.settings import SettingsError, load_settings

VIDEO = ("audio", "video")


@pytest.fixture(autouse=True)
def loopback():
    rtc_ice.restrict_host_addresses(rtc_ice.LOOPBACK)
    yield
    rtc_ice.restrict_host_addresses([])


class Call:
    """A hub and its state reports, with helpers to connect a peer as one side."""

    def __init__(self, kinds=VIDEO, **hub_args) -> None:
        self.hub = RelayHub(**hub_args)
        self.kinds = kinds
        self.events: list[tuple[str, str]] = []
        self.sdps: list[str] = []

    async def on_state(self, part: str, event: str) -> None:
        self.events.append((part, event))

    async def join(self, part: str, peer: Peer) -> None:
        async def signal(sdp: str) -> str:
            answer = await self.hub.answer(call_id=1, part=part, kinds=self.kinds, sdp=sdp,
                                           on_state=self.on_state)
            self.sdps += [sdp, answer.sdp]
            return answer.sdp

        await peer.connect(signal)

    async def wait_event(self, event: tuple[str, str], timeout: float = 15) -> None:
        for _ in range(int(timeout / 0.05)):
            if any(e[0] == event[0] and e[1].startswith(event[1]) for e in self.events):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {event} in {self.events}")


async def test_each_side_receives_the_other_sides_video_and_audio():
    call, patient, doctor = Call(), Peer(RED, 440), Peer(BLUE, 1200)
    try:
        await call.join("patient", patient)
        await call.join("doctor", doctor)
        await call.wait_event(("patient", "connected"))
        await call.wait_event(("doctor", "connected"))
        assert call.hub.live_parts(1) == {"patient", "doctor"}
        await asyncio.gather(patient.wait_for(video=20, audio=40),
                             doctor.wait_for(video=20, audio=40))
        assert looks_like(patient.video[-1], BLUE) and not looks_like(patient.video[-1], RED)
        assert looks_like(doctor.video[-1], RED) and not looks_like(doctor.video[-1], BLUE)
        assert 1100 < tone_hz(patient.audio[-25:]) < 1300
        assert 380 < tone_hz(doctor.audio[-25:]) < 500
        assert candidate_addresses("".join(call.sdps)) == {"127.0.0.1"}
    finally:
        await call.hub.close_all()
        await patient.close()
        await doctor.close()
    assert call.hub.calls() == 0


async def test_an_audio_appointment_carries_no_video():
    call, patient, doctor = Call(kinds=("audio",)), Peer(RED, 440), Peer(BLUE, 1200)
    try:
        await call.join("patient", patient)
        await call.join("doctor", doctor)
        await asyncio.gather(patient.wait_for(audio=40), doctor.wait_for(audio=40))
        await asyncio.sleep(0.5)
        assert patient.video_count == doctor.video_count == 0
        assert "video" not in patient.kinds | doctor.kinds
        answers = call.sdps[1::2]
        assert all(re.search(r"m=video .*?a=inactive", a, re.S) for a in answers)
        assert 1100 < tone_hz(patient.audio[-25:]) < 1300
    finally:
        await call.hub.close_all()
        await patient.close()
        await doctor.close()


async def test_a_dropped_side_rejoins_without_the_other_side_renegotiating():
    call, patient, doctor = Call(), Peer(RED, 440), Peer(BLUE, 1200)
    rejoined = Peer(GREEN, 440)
    try:
        await call.join("patient", patient)
        await call.join("doctor", doctor)
        await doctor.wait_for(video=10)
        doctor_pc = doctor.pc
        await patient.close()  # the patient's tab crashes
        await call.wait_event(("patient", "lost"))
        assert call.hub.live_parts(1) == {"doctor"}
        await call.join("patient", rejoined)
        await call.wait_event(("patient", "connected"))
        doctor.forget()
        await asyncio.gather(doctor.wait_for(video=15), rejoined.wait_for(video=15))
        assert doctor.pc is doctor_pc and doctor.pc.signalingState == "stable"
        assert looks_like(doctor.video[-1], GREEN)
        assert looks_like(rejoined.video[-1], BLUE)
    finally:
        await call.hub.close_all()
        await rejoined.close()
        await doctor.close()


async def test_a_new_offer_replaces_the_sides_previous_connection():
    call, first, second, doctor = Call(), Peer(RED, 440), Peer(GREEN, 440), Peer(BLUE, 1200)
    try:
        await call.join("doctor", doctor)
        await call.join("patient", first)
        await doctor.wait_for(video=5)
        await call.join("patient", second)  # e.g. the same patient in a second tab
        doctor.forget()
        await doctor.wait_for(video=10)
        assert looks_like(doctor.video[-1], GREEN)
        await asyncio.sleep(0.3)
        first.forget()
        await asyncio.sleep(0.5)
        assert first.video_count == 0  # the replaced connection gets nothing any more
    finally:
        await call.hub.close_all()
        for peer in (first, second, doctor):
            await peer.close()


async def test_an_offer_never_connected_is_dropped_after_the_time_limit():
    call, patient = Call(connect_timeout=0.5), Peer(RED, 440)
    try:
        sdp = await patient.offer()
        await call.hub.answer(call_id=1, part="patient", kinds=VIDEO, sdp=sdp,
                              on_state=call.on_state)  # the answer never reaches the peer
        await call.wait_event(("patient", "lost: no connection"), timeout=5)
        assert call.hub.calls() == 0 and call.hub.live_parts(1) == frozenset()
    finally:
        await patient.close()


async def test_a_broken_offer_leaves_nothing_behind():
    call = Call()
    with pytest.raises(ValueError):
        await call.hub.answer(call_id=1, part="patient", kinds=VIDEO, sdp="v=0\r\nnonsense",
                              on_state=call.on_state)
    assert call.hub.calls() == 0


def test_no_ice_server_unless_the_operator_configures_one(tmp_path):
    base = {"ODCP_INSTANCE_DIR": str(tmp_path)}
    assert rtc_ice.rtc_configuration(load_settings(base)).iceServers == []
    configured = load_settings(base | {
        "ODCP_STUN_URLS": "stun:stun.clinic.example:3478",
        "ODCP_TURN_URL": "turn:turn.clinic.example:3478?transport=udp",
        "ODCP_TURN_USERNAME": "odcp", "ODCP_TURN_CREDENTIAL": "s3cret"})
    assert rtc_ice.browser_ice_servers(configured) == [
        {"urls": ["stun:stun.clinic.example:3478"]},
        {"urls": ["turn:turn.clinic.example:3478?transport=udp"], "username": "odcp",
         "credential": "s3cret"}]
    assert len(rtc_ice.rtc_configuration(configured).iceServers) == 2
    with pytest.raises(SettingsError, match="ODCP_STUN_URLS"):
        load_settings(base | {"ODCP_STUN_URLS": "stun.clinic.example"})
    with pytest.raises(SettingsError, match="ODCP_TURN_CREDENTIAL"):
        load_settings(base | {"ODCP_TURN_URL": "turn:turn.clinic.example"})
