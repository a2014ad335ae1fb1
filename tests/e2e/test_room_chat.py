"""Alice and her doctor chat in the consultation room of a chat appointment: messages
arrive on the other side without a reload, the sender sees "Read", each sees the other
online, a picture shows on the other side, refused files say why, and a reload shows the
saved history. Also the panel's screenshots (light, dark, phone width)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.doctor_helpers import image
from tests.e2e.conftest import DEMO_PASSWORD, PATIENT_EMAIL, screenshot, sign_in, wait_ready

DOCTOR_EMAIL = "amara.okafor@doctors.example"  # doctor 1, who offers chat visits
DOCTOR_NAME = "Dr. Amara Okafor"


def _book_chat(app_url: str) -> int:
    with httpx.Client(base_url=app_url, timeout=20) as client:
        token = client.post("/api/v1/auth/login", json={
            "email": PATIENT_EMAIL, "password": DEMO_PASSWORD}).json()["access_token"]
        now = datetime.now(UTC)
        free = client.get("/api/v1/slots", params={
            "doctor_id": 1, "start": (now + timedelta(days=1)).isoformat(),
            "end": (now + timedelta(days=5)).isoformat()}).json()
        booked = client.post("/api/v1/appointments", json={
            "doctor_id": 1, "starts_at": free[0]["starts_at"], "mode": "chat"},
            headers={"Authorization": f"Bearer {token}"})
        assert booked.status_code == 201, booked.text
        return booked.json()["id"]


def _enter_room(page, email: str, appointment_id: int):
    sign_in(page, email)
    page.goto(f"/appointments/{appointment_id}/room")
    wait_ready(page)
    panel = page.locator("#chat-panel")
    expect(panel).to_be_visible()
    return panel


def _say(panel, text: str) -> None:
    box = panel.get_by_label("Message", exact=True)
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def _attach(panel, name: str, mime: str, data: bytes) -> None:
    panel.locator("#chat-upload input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}],
        timeout=60_000)  # a 10 MB buffer crosses to the browser slowly on a busy machine


def _picture_loaded(panel) -> bool:
    return panel.locator("img.chat-image").last.evaluate(
        "img => img.complete && img.naturalWidth > 0")


def test_patient_and_doctor_chat_live(app_url, new_page):
    appointment_id = _book_chat(app_url)
    patient = new_page(viewport={"width": 1280, "height": 900})
    doctor = new_page(viewport={"width": 1280, "height": 900})
    alice = _enter_room(patient, PATIENT_EMAIL, appointment_id)
    amara = _enter_room(doctor, DOCTOR_EMAIL, appointment_id)
    expect(alice).to_contain_text(f"Chat with {DOCTOR_NAME}")
    expect(alice.locator("#chat-presence")).to_have_text("Online")
    expect(amara.locator("#chat-presence")).to_have_text("Online")

    _say(alice, "Hello doctor, I have a rash on my arm.")
    theirs = amara.locator(".chat-theirs")
    expect(theirs).to_have_count(1)  # live, no reload
    expect(theirs).to_contain_text("Hello doctor, I have a rash on my arm.")
    expect(theirs).to_contain_text("Alice Patient")
    expect(alice.locator(".chat-mine .chat-receipt")).to_have_text("✓✓ Read")

    _say(amara, "Please send a photo of it.")
    expect(alice.locator(".chat-theirs")).to_contain_text("Please send a photo of it.")
    _attach(alice, "rash.png", "image/png", image(size=(320, 240)))
    expect(amara.locator("img.chat-image")).to_have_count(1)
    expect(amara.locator("img.chat-image")).to_have_attribute("alt", "Picture: rash.png")
    doctor.wait_for_function("() => { const i = document.querySelector('img.chat-image');"
                             " return i && i.complete && i.naturalWidth > 0; }")

    _attach(alice, "notes.txt", "text/plain", b"just some text")
    expect(alice.get_by_role("alert")).to_contain_text("PNG, JPEG")
    _attach(alice, "scan.png", "image/png", b"\x89PNG" + b"0" * (10 * 1024 * 1024 + 10))
    expect(alice.get_by_role("alert")).to_contain_text("10 MB")
    expect(amara.locator(".chat-message")).to_have_count(3)  # nothing refused went out
    screenshot(patient, "room-chat-light")

    doctor.reload()
    wait_ready(doctor)
    amara = doctor.locator("#chat-panel")
    expect(amara.locator(".chat-message")).to_have_count(3)
    expect(amara.locator(".chat-mine")).to_contain_text("Please send a photo of it.")
    expect(amara.locator(".chat-theirs").first).to_contain_text("I have a rash on my arm.")
    assert _picture_loaded(amara)
    expect(alice.locator("#chat-presence")).to_have_text("Online")  # back after the reload

    doctor.goto("/doctor/agenda")  # leaving the room takes the doctor offline
    wait_ready(doctor)
    expect(alice.locator("#chat-presence")).to_have_text("Offline", timeout=20_000)


def test_chat_panel_screenshots(app_url, new_page):
    """Dark mode and phone width, with a conversation in view."""
    appointment_id = _book_chat(app_url)
    dark = new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    panel = _enter_room(dark, PATIENT_EMAIL, appointment_id)
    _say(panel, "Good morning! Is the chat working on your side?")
    _attach(panel, "rash.png", "image/png", image(size=(320, 240)))
    expect(panel.locator("img.chat-image")).to_have_count(1)
    screenshot(dark, "room-chat-dark")
    phone = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    panel = _enter_room(phone, DOCTOR_EMAIL, appointment_id)
    expect(panel.locator(".chat-message")).to_have_count(2)
    _say(panel, "Yes, I can read you. How long have you had the rash?")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the room is {width}px wide on a 390px phone"
    screenshot(phone, "room-chat-phone")
