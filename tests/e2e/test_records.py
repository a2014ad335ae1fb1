"""A patient uploads a PDF report to /records; the treating doctor opens the patient's
record from the agenda and downloads it through a signed link; the patient then sees who
opened it, and downloads the whole record as FHIR."""

from __future__ import annotations

import json
import re

import httpx
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import expect

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    PATIENT_EMAIL,
    book_through_api,
    labelled,
    screenshot,
    sign_in,
    wait_ready,
)
from tests.records_helpers import report_pdf

DOCTOR_EMAIL = "lucas.meyer@doctors.example"  # doctor 2
DOCTOR_NAME = "Dr. Lucas Meyer"
REPORT = report_pdf(b"Ferritin 8 ng/mL E2E-REPORT")
TITLE = "Ferritin, November"


def _patient_uploads(patient) -> None:
    sign_in(patient, PATIENT_EMAIL)
    patient.get_by_role("banner").get_by_role("link", name="Records").click()
    wait_ready(patient)
    main = patient.get_by_role("main")
    expect(main.get_by_text("No documents yet.")).to_be_visible()
    labelled(main, "Title").fill(TITLE)
    main.get_by_role("button", name="Upload to my record").click()
    expect(main.get_by_role("alert")).to_contain_text("Choose a PDF, PNG or JPEG file first")
    chooser = main.locator("#record-upload input[type=file]")
    chooser.set_input_files(files=[{"name": "notes.pdf", "mimeType": "application/pdf",
                                    "buffer": b"just some text, not a PDF"}])
    main.get_by_role("button", name="Upload to my record").click()
    expect(main.get_by_role("alert")).to_contain_text("Upload the report as a PDF, PNG or JPEG")
    expect(main.locator(".document-card")).to_have_count(0)
    chooser.set_input_files(files=[{"name": "ferritin.pdf", "mimeType": "application/pdf",
                                    "buffer": REPORT}])
    expect(main.locator("#record-chosen")).to_contain_text("ferritin.pdf")
    labelled(main, "Kind").select_option("Lab result")
    main.get_by_role("button", name="Upload to my record").click()
    card = main.locator(".document-card")
    expect(card).to_have_count(1)
    expect(card.locator(".document-title")).to_have_text(TITLE)
    expect(card).to_contain_text("No one else has opened it.")
    expect(labelled(main, "Title")).to_have_value("")
    screenshot(patient, "records-patient")


def _doctor_opens(doctor) -> None:
    sign_in(doctor, DOCTOR_EMAIL)
    doctor.get_by_role("banner").get_by_role("link", name="Agenda").click()
    wait_ready(doctor)
    item = doctor.locator(".agenda-item").filter(has_text="Alice Patient").first
    item.get_by_role("link", name="Record").click()
    doctor.wait_for_url(re.compile(r".*/doctor/patients/\d+$"))
    wait_ready(doctor)
    main = doctor.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Alice Patient's record")
    summary = main.locator(".health-summary")
    expect(summary).to_contain_text("Penicillin (severe: hives)")
    expect(summary).to_contain_text("Metformin 500 mg")
    expect(main.locator(".timeline-entry").filter(has_text=TITLE)).to_have_count(1)
    expect(main.locator(".timeline-entry").filter(
        has_text=f"Video consultation with {DOCTOR_NAME}").first).to_be_visible()
    card = main.locator(".document-card").filter(has_text=TITLE)
    screenshot(doctor, "records-doctor-view")
    with doctor.expect_download() as info:
        card.get_by_role("button", name="Open").click()
    download = info.value
    assert download.suggested_filename == "ferritin.pdf"
    with open(download.path(), "rb") as got:
        assert got.read() == REPORT
    assert "/download?exp=" in download.url and "sig=" in download.url


def _patient_sees_the_access(patient) -> None:
    patient.reload()
    wait_ready(patient)
    main = patient.get_by_role("main")
    expect(main.locator(".document-seen")).to_contain_text(DOCTOR_NAME)
    main.get_by_role("tab", name="Who accessed").click()
    rows = main.get_by_role("row").filter(has_text=TITLE)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(DOCTOR_NAME)
    expect(main.get_by_role("row").filter(has_text="Medical history timeline")).to_contain_text(
        DOCTOR_NAME)
    screenshot(patient, "records-access")
    main.get_by_role("tab", name="History").click()
    expect(main.locator(".timeline-entry").filter(has_text=TITLE)).to_have_count(1)
    screenshot(patient, "records-history")
    with patient.expect_download() as info:
        main.get_by_role("button", name="Download my record (FHIR)").click()
    download = info.value
    assert re.fullmatch(r"record-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    with open(download.path(), "rb") as got:
        data = json.loads(got.read())
    Bundle.model_validate(data)
    kinds = {e["resource"]["resourceType"] for e in data["entry"]}
    assert {"Patient", "Practitioner", "Appointment", "DocumentReference"} <= kinds


def _alice_fills_her_profile(app_url: str) -> None:
    with httpx.Client(base_url=app_url, timeout=20) as api:
        token = api.post("/api/v1/auth/login", json={
            "email": PATIENT_EMAIL, "password": DEMO_PASSWORD}).json()["access_token"]
        saved = api.put("/api/v1/me/medical-profile", headers={
            "Authorization": f"Bearer {token}"}, json={
            "allergies": [{"substance": "Penicillin", "severity": "severe",
                           "reaction": "hives"}],
            "medications": [{"name": "Metformin", "dose": "500 mg"}]})
        assert saved.status_code == 200, saved.text


def test_patient_uploads_doctor_opens_patient_sees_access(app_url, new_page):
    book_through_api(app_url, days=1)  # Alice books doctor 2, who then treats her
    _alice_fills_her_profile(app_url)
    patient = new_page(viewport={"width": 1280, "height": 900})
    _patient_uploads(patient)
    _doctor_opens(new_page(viewport={"width": 1280, "height": 900}))
    _patient_sees_the_access(patient)


def test_records_fit_a_phone(app_url, new_page):
    phone = new_page(viewport={"width": 390, "height": 844}, color_scheme="dark")
    sign_in(phone, PATIENT_EMAIL)
    phone.goto("/records")
    wait_ready(phone)
    expect(phone.get_by_role("main").get_by_role("heading", level=1)).to_have_text(
        "Your health record")
    screenshot(phone, "records-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
