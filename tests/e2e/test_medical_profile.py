"""A patient fills in their medical profile on /medical-profile, and sees on
/medical-profile/access when their doctor has read it through the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, PATIENT_EMAIL, labelled, sign_in, wait_ready

DOCTOR_EMAIL = "amara.okafor@doctors.example"


def _book(app_url: str, *, doctor_id: int, patient_email: str) -> int:
    """Book the patient with the doctor through the API, as a client would; returns the
    patient's user id."""
    with httpx.Client(base_url=app_url, timeout=20) as client:
        tokens = client.post("/api/v1/auth/login", json={"email": patient_email,
                                                         "password": DEMO_PASSWORD}).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        now = datetime.now(UTC)
        free = client.get("/api/v1/slots", params={
            "doctor_id": doctor_id, "start": (now + timedelta(days=2)).isoformat(),
            "end": (now + timedelta(days=9)).isoformat()}).json()
        booked = client.post("/api/v1/appointments", headers=headers, json={
            "doctor_id": doctor_id, "starts_at": free[0]["starts_at"], "mode": "video"})
        assert booked.status_code == 201, booked.text
        return booked.json()["patient_id"]


def _form(page):
    """The page's main landmark once the profile has loaded (the form appears then)."""
    main = page.get_by_role("main")
    main.get_by_role("button", name="Save medical profile").wait_for()
    return main


def _row(main, legend: str, *, present: bool = True):
    """The fieldset of one repeatable row (e.g. "Allergy 1"), once the page shows it."""
    group = main.get_by_role("group", name=legend, exact=True)
    if present:
        group.wait_for()
    return group


def test_patient_edits_profile_and_sees_doctor_read(page, app_url):
    sign_in(page, PATIENT_EMAIL)
    page.get_by_role("banner").get_by_role("link", name="Medical profile").click()
    main = _form(page)

    labelled(main, "Date of birth").fill("1984-03-09")
    labelled(main, "Sex").select_option("female")
    labelled(main, "Blood group").select_option("AB-")
    main.get_by_role("button", name="Add allergy").click()
    allergy = _row(main, "Allergy 1")
    labelled(allergy, "Substance").fill("Penicillin")
    labelled(allergy, "Reaction").fill("Hives")
    main.get_by_role("button", name="Add allergy").click()
    labelled(_row(main, "Allergy 2"), "Substance").fill("Latex")
    main.get_by_role("button", name="Save medical profile").click()
    # Nothing is saved until the severity is chosen; the message names the row.
    expect(main.get_by_role("alert").first).to_contain_text("Allergy 1, severity")
    labelled(allergy, "Severity").select_option("severe")
    main.get_by_role("button", name="Remove allergy 2").click()
    expect(_row(main, "Allergy 2", present=False)).to_have_count(0)
    main.get_by_role("button", name="Add medication").click()
    medication = _row(main, "Medication 1")
    labelled(medication, "Medicine").fill("Salbutamol")
    labelled(medication, "Dose").fill("100 mcg")
    main.get_by_role("button", name="Add operation").click()
    labelled(_row(main, "Operation 1"), "Operation").fill("Appendix removed")
    labelled(_row(main, "Operation 1"), "Year").fill("2003")
    labelled(main, "Chronic conditions").fill("Asthma\nHay fever")
    labelled(main, "Contact name").fill("Sam Doe")
    labelled(main, "Contact phone").fill("+1 212 555 0100")
    main.get_by_role("button", name="Save medical profile").click()
    expect(page.get_by_text("Your medical profile is saved.")).to_be_visible()

    page.reload()
    wait_ready(page)
    main = _form(page)
    expect(labelled(main, "Date of birth")).to_have_value("1984-03-09")
    expect(labelled(main, "Blood group")).to_have_value("AB-")
    expect(labelled(_row(main, "Allergy 1"), "Substance")).to_have_value("Penicillin")
    expect(labelled(_row(main, "Allergy 1"), "Severity")).to_have_value("severe")
    expect(_row(main, "Allergy 2", present=False)).to_have_count(0)
    expect(labelled(_row(main, "Operation 1"), "Year")).to_have_value("2003")
    expect(labelled(main, "Chronic conditions")).to_have_value("Asthma\nHay fever")
    expect(labelled(main, "Contact phone")).to_have_value("+12125550100")

    patient_id = _book(app_url, doctor_id=1, patient_email=PATIENT_EMAIL)  # Dr. Amara Okafor
    with httpx.Client(base_url=app_url, timeout=10) as api:
        token = api.post("/api/v1/auth/login", json={"email": DOCTOR_EMAIL,
                                                     "password": DEMO_PASSWORD}).json()
        read = api.get(f"/api/v1/patients/{patient_id}/medical-profile",
                       headers={"Authorization": f"Bearer {token['access_token']}"})
    assert read.status_code == 200, read.text
    assert read.json()["allergies"][0]["substance"] == "Penicillin"

    main.get_by_role("link", name="See who has viewed it").click()
    expect(main.get_by_role("heading", name="Who viewed your medical profile")).to_be_visible()
    row = main.locator("tbody tr").filter(has_text="Dr. Amara Okafor")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Doctor")
    expect(row).to_contain_text(re.compile(r"\d{2}:\d{2} E[SD]T"))  # Alice's New York time
