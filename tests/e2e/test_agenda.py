"""A doctor sees a booking on their agenda and cancels it with a reason the patient reads."""

from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, sign_in, wait_ready


def _book_through_api(app_url: str) -> None:
    with httpx.Client(base_url=app_url, timeout=20) as client:
        token = client.post("/api/v1/auth/login", json={
            "email": "alice@patients.example", "password": DEMO_PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        now = datetime.now(UTC)
        free = client.get("/api/v1/slots", params={
            "doctor_id": 2, "start": (now + timedelta(days=2)).isoformat(),
            "end": (now + timedelta(days=6)).isoformat()}).json()
        booked = client.post("/api/v1/appointments", headers=headers, json={
            "doctor_id": 2, "starts_at": free[0]["starts_at"], "mode": "video"})
        assert booked.status_code == 201, booked.text


def test_doctor_cancels_from_the_agenda(app_url, new_page):
    _book_through_api(app_url)  # with Dr. Lucas Meyer (doctor 2)
    doctor = new_page()
    sign_in(doctor, "lucas.meyer@doctors.example")
    doctor.get_by_role("banner").get_by_role("link", name="Agenda").click()
    wait_ready(doctor)
    item = doctor.locator(".agenda-item").filter(has_text="Alice Patient")
    expect(item).to_have_count(1)
    expect(doctor.get_by_text("Europe/Berlin", exact=True)).to_be_visible()
    item.get_by_role("button", name="Cancel").click()
    dialog = doctor.get_by_role("dialog")
    dialog.get_by_label("Reason the patient will see").fill("Unwell today, sorry")
    dialog.get_by_role("button", name="Cancel appointment").click()
    expect(doctor.get_by_text("Appointment cancelled; the patient is told why.")).to_be_visible()

    patient = new_page()
    sign_in(patient, "alice@patients.example")
    patient.goto("/appointments")
    wait_ready(patient)
    expect(patient.get_by_text("Unwell today, sorry")).to_be_visible()
    assert doctor.console_errors == [] and patient.console_errors == []
