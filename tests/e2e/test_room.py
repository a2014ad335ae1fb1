"""Two Chromium browsers (fake camera and microphone) in a consultation through the aiortc
relay: the patient waits with a device check, the doctor admits from the agenda, both
decode each other's video, muting silences the patient at the doctor's end, a rejoin
reconnects, and the doctor's confirmed end completes the appointment. All ICE stays on
127.0.0.1 (conftest starts the app with ODCP_RTC_HOST_ADDRESSES=127.0.0.1, Chromium with
--allow-loopback-in-peer-connection). Also: a chat appointment's room has no media, and a
room that is not open yet says when it opens in the viewer's zone."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    PATIENT_EMAIL,
    page_factory,
    path_is,
    screenshot,
    sign_in,
    wait_ready,
)

DOCTOR_EMAIL = "amara.okafor@doctors.example"  # doctor 1, America/New_York, every mode
MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              "--autoplay-policy=no-user-gesture-required",
              "--allow-loopback-in-peer-connection"]
# Test-only instrumentation: keep the page's peer connections reachable for getStats().
KEEP_PEERS = """
window.__peers = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = function (...args) {
  const pc = new Native(...args); window.__peers.push(pc); return pc; };
window.RTCPeerConnection.prototype = Native.prototype;
"""
REMOTE_FRAMES = """async () => {
  const v = document.querySelector('#call-media .remote-media');
  const before = v.getVideoPlaybackQuality().totalVideoFrames;
  await new Promise((r) => setTimeout(r, 1500));
  return [v.videoWidth, before, v.getVideoPlaybackQuality().totalVideoFrames];
}"""
AUDIO_ENERGY_GROWTH = """async () => {
  const energy = async () => {
    const pc = window.__peers.filter((p) => p.connectionState === 'connected').pop();
    let total = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') total += s.totalAudioEnergy || 0;
    });
    return total;
  };
  const before = await energy();
  await new Promise((r) => setTimeout(r, 2500));
  return (await energy()) - before;
}"""


@pytest.fixture(scope="module")
def media_browser(browser):
    """Chromium with a fake camera (a moving pattern) and microphone (a beep)."""
    launched = browser.browser_type.launch(executable_path=CHROMIUM,
                                           args=CHROMIUM_ARGS + MEDIA_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def call_page(media_browser, app_url):
    """Pages allowed to use the (fake) camera and microphone, peers kept for getStats()."""
    with page_factory(media_browser, app_url, timeout_ms=20_000,
                      init_script=KEEP_PEERS) as make:
        def call(width: int = 1280, height: int = 900):
            return make(viewport={"width": width, "height": height},
                        permissions=["camera", "microphone"])

        yield call


def _token(client: httpx.Client, email: str) -> dict[str, str]:
    body = client.post("/api/v1/auth/login", json={"email": email,
                                                   "password": DEMO_PASSWORD}).json()
    return {"Authorization": f"Bearer {body['access_token']}"}


@pytest.fixture(scope="module")
def open_now(app_url) -> None:
    """Dr. Okafor bookable around the clock today and tomorrow (her zone), no notice needed,
    rooms open two hours early: the next free slot's room is open now."""
    with httpx.Client(base_url=app_url, timeout=20) as client:
        admin = _token(client, "admin@clinic.example")
        changed = client.put("/api/v1/admin/clinic-policy", headers=admin, json={
            "min_notice_minutes": 0, "room_opens_minutes_before": 120})
        assert changed.status_code == 200, changed.text
        doctor = _token(client, DOCTOR_EMAIL)
        today = datetime.now(ZoneInfo("America/New_York")).date()
        for day in (today, today + timedelta(days=1)):
            added = client.post("/api/v1/doctor/availability/overrides", headers=doctor, json={
                "date": day.isoformat(), "closed": False, "start": "00:00", "end": "00:00",
                "slot_minutes": 30, "modes": ["video", "audio", "chat"]})
            assert added.status_code == 201, added.text


def _book(app_url: str, email: str, mode: str, *, after: timedelta = timedelta(0)) -> int:
    """`email` books Dr. Okafor's first free slot from now + `after`."""
    with httpx.Client(base_url=app_url, timeout=20) as client:
        start = datetime.now(UTC) + after
        free = client.get("/api/v1/slots", params={
            "doctor_id": 1, "start": start.isoformat(),
            "end": (start + timedelta(days=2)).isoformat(), "mode": mode}).json()
        booked = client.post("/api/v1/appointments", headers=_token(client, email), json={
            "doctor_id": 1, "starts_at": free[0]["starts_at"], "mode": mode})
        assert booked.status_code == 201, booked.text
        assert booked.json()["status"] == "confirmed"
        return booked.json()["id"]


def _state(page, value: str) -> None:
    expect(page.locator(".call-state")).to_have_attribute("data-state", value,
                                                          timeout=30_000)


def _shots(page, name: str) -> None:
    """Light, dark, and phone width (390 px) of what `page` shows now."""
    if os.environ.get("ODCP_SCREENSHOTS") != "1":
        return
    size = page.viewport_size
    screenshot(page, f"room-{name}-light")
    page.emulate_media(color_scheme="dark")
    screenshot(page, f"room-{name}-dark")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"room-{name}-phone")
    page.set_viewport_size(size)


def _decodes_video(page) -> None:
    width, before, after = page.evaluate(REMOTE_FRAMES)
    assert width > 0 and after > before, (width, before, after)


def test_a_video_consultation(app_url, open_now, call_page):
    appt = _book(app_url, PATIENT_EMAIL, "video")
    room = f"/appointments/{appt}/room"

    patient = call_page()
    sign_in(patient, PATIENT_EMAIL)
    patient.goto("/appointments")
    wait_ready(patient)
    patient.get_by_role("link", name="Join consultation").click()
    patient.wait_for_url(path_is(room))
    wait_ready(patient)
    expect(patient.locator(".waiting-room")).to_contain_text("Dr. Amara Okafor will let you in")
    expect(patient.locator(".device-camera")).to_have_attribute("data-ok", "yes")
    expect(patient.locator(".device-microphone")).to_have_attribute("data-ok", "yes")
    patient.get_by_role("button", name="Play test sound").click()
    _state(patient, "waiting")
    _shots(patient, "patient-waiting")

    doctor = call_page()
    sign_in(doctor, DOCTOR_EMAIL)
    doctor.goto("/doctor/agenda")
    wait_ready(doctor)
    waiting = doctor.locator(".waiting-patient").filter(has_text="Alice Patient")
    expect(waiting).to_contain_text("waiting since")
    screenshot(doctor, "room-agenda-waiting")
    waiting.get_by_role("button", name="Admit").click()
    doctor.wait_for_url(path_is(room))
    wait_ready(doctor)

    _state(doctor, "connected")
    _state(patient, "connected")
    expect(patient.locator(".waiting-room")).to_have_count(0)
    _decodes_video(doctor)
    _decodes_video(patient)
    assert doctor.evaluate(AUDIO_ENERGY_GROWTH) > 0  # the patient's beep arrives
    _shots(patient, "patient-call")
    _shots(doctor, "doctor-call")

    patient.get_by_role("button", name="Mute").click()
    expect(doctor.locator(".other-muted")).to_be_visible()
    assert patient.evaluate("window.__peers.at(-1).getSenders().find("
                            "(s) => s.track && s.track.kind === 'audio').track.enabled") is False
    patient.wait_for_timeout(1000)  # audio already in flight drains
    assert doctor.evaluate(AUDIO_ENERGY_GROWTH) < 1e-4
    patient.get_by_role("button", name="Unmute").click()
    expect(doctor.locator(".other-muted")).to_have_count(0)
    patient.get_by_role("button", name="Camera off").click()
    expect(doctor.locator(".other-camera-off")).to_be_visible()
    patient.get_by_role("button", name="Camera on").click()

    patient.get_by_role("button", name="Leave").click()
    expect(doctor.locator(".other-status")).to_have_attribute("data-state", "left",
                                                              timeout=15_000)
    patient.get_by_role("button", name="Rejoin").click()
    _state(patient, "connected")
    _state(doctor, "connected")
    _decodes_video(doctor)

    doctor.get_by_role("button", name="End consultation").click()
    doctor.get_by_role("alertdialog").get_by_role("button", name="End and complete").click()
    _state(doctor, "ended")
    expect(patient.locator(".room-notice")).to_contain_text("This consultation has ended.",
                                                             timeout=15_000)
    expect(patient.locator("#call-media")).to_have_count(0)
    patient.goto("/appointments")
    wait_ready(patient)
    expect(patient.locator(".appointment").filter(has_text="video")).to_contain_text(
        "completed")


VIDEO_TRACKS = """() => {
  const pc = window.__peers.filter((p) => p.connectionState === 'connected').pop();
  const sent = pc.getSenders().filter((s) => s.track && s.track.kind === 'video').length;
  const got = pc.getReceivers().filter((r) => r.track && r.track.kind === 'video'
                                       && r.track.readyState === 'live').length;
  return [sent, got, document.querySelectorAll('video').length];
}"""


def test_an_audio_consultation_carries_voice_and_no_video(app_url, open_now, call_page):
    appt = _book(app_url, "dana@patients.example", "audio")
    room = f"/appointments/{appt}/room"
    patient = call_page()
    sign_in(patient, "dana@patients.example")
    patient.goto(room)
    wait_ready(patient)
    _state(patient, "waiting")
    expect(patient.locator(".device-microphone")).to_have_attribute("data-ok", "yes")

    doctor = call_page()
    sign_in(doctor, DOCTOR_EMAIL)
    doctor.goto(room)
    wait_ready(doctor)
    doctor.get_by_role("button", name="Admit").click()
    _state(doctor, "connected")
    _state(patient, "connected")
    assert doctor.evaluate(AUDIO_ENERGY_GROWTH) > 0  # Dana's voice (the fake beep) arrives
    assert patient.evaluate(AUDIO_ENERGY_GROWTH) > 0
    for side in (doctor, patient):
        assert side.evaluate(VIDEO_TRACKS) == [0, 0, 0]  # no camera asked, none sent


def test_a_patient_whose_tab_dies_comes_back_without_a_second_admission(app_url, open_now,
                                                                        call_page):
    appt = _book(app_url, "carlos@patients.example", "video")
    room = f"/appointments/{appt}/room"
    patient = call_page()
    sign_in(patient, "carlos@patients.example")
    patient.goto(room)
    wait_ready(patient)
    doctor = call_page()
    sign_in(doctor, DOCTOR_EMAIL)
    doctor.goto(room)
    wait_ready(doctor)
    doctor.get_by_role("button", name="Admit").click()
    _state(patient, "connected")
    _state(doctor, "connected")

    patient.context.close()  # the tab (and its peer connection) is gone without a goodbye
    expect(doctor.locator(".other-status")).to_have_attribute(
        "data-state", re.compile("reconnecting|left"), timeout=45_000)

    back = call_page()
    sign_in(back, "carlos@patients.example")
    back.goto(room)
    wait_ready(back)
    expect(back.locator(".waiting-room")).to_have_count(0)  # admitted once is enough
    _state(back, "connected")
    _state(doctor, "connected")
    _decodes_video(doctor)
    _decodes_video(back)


def test_a_chat_appointment_has_no_media(app_url, open_now, call_page):
    appt = _book(app_url, "carlos@patients.example", "chat")
    page = call_page()
    sign_in(page, "carlos@patients.example")
    page.goto(f"/appointments/{appt}/room")
    wait_ready(page)
    expect(page.locator(".visit-line")).to_contain_text("chat consultation")
    expect(page.locator("#chat-panel")).to_be_visible()
    expect(page.locator("#call-media")).to_have_count(0)
    expect(page.locator("video")).to_have_count(0)


def test_a_room_not_open_yet_says_when_in_the_viewers_zone(app_url, open_now, call_page):
    appt = _book(app_url, "dana@patients.example", "video", after=timedelta(hours=26))
    page = call_page()
    sign_in(page, "dana@patients.example")  # Asia/Kolkata
    page.goto(f"/appointments/{appt}/room")
    wait_ready(page)
    notice = page.locator(".room-notice")
    expect(notice).to_contain_text(re.compile(r"opens at .* IST, 120 minutes before"))
    expect(page.locator("#call-media")).to_have_count(0)
    expect(page.get_by_role("button", name="Mute")).to_have_count(0)
