"""A doctor writes SOAP notes (autosaved) and a two-line prescription from the agenda, signs
the notes; the patient reads the visit summary, downloads the PDF, and its QR link opens
the public check, which says genuine without medical data (and refuses a forged code)."""

from __future__ import annotations

import io

import pypdf
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PATIENT_EMAIL,
    book_through_api,
    labelled,
    screenshot,
    sign_in,
    wait_ready,
)

DOCTOR_EMAIL = "lucas.meyer@doctors.example"  # doctor 2, Europe/Berlin


def _ready_field(scope, label: str):
    """`labelled`, once the page's state has loaded and rendered the field."""
    expect(scope.get_by_label(label, exact=True).first).to_be_visible()
    return labelled(scope, label)


def _fill_line(page, number: int, **values: str) -> None:
    line = page.locator(".medication-line").nth(number - 1)
    for label, value in values.items():
        labelled(line, label).fill(value)


def _doctor_writes(doctor, appt_id: int) -> None:
    sign_in(doctor, DOCTOR_EMAIL)
    doctor.get_by_role("banner").get_by_role("link", name="Agenda").click()
    wait_ready(doctor)
    item = doctor.locator(".agenda-item").filter(has_text="Alice Patient")
    item.get_by_role("link", name="Notes").click()
    doctor.wait_for_url(f"**/doctor/appointments/{appt_id}/notes")
    wait_ready(doctor)
    main = doctor.get_by_role("main")
    saved = main.locator(".save-status")
    _ready_field(main, "Subjective").fill("Sore throat and fever for three days")
    expect(saved).to_have_attribute("data-version", "1")
    expect(saved).to_contain_text("Saved at")
    labelled(main, "Assessment").fill("Streptococcal pharyngitis")
    expect(saved).to_have_attribute("data-version", "2")
    doctor.reload()  # autosave really stored it
    wait_ready(doctor)
    expect(_ready_field(main, "Assessment")).to_have_value("Streptococcal pharyngitis")
    labelled(main, "Plan").fill("Antibiotics, fluids, review in one week")
    expect(saved).to_have_attribute("data-version", "3")

    _fill_line(doctor, 1, Medicine="Amoxicillin", Strength="500 mg",
               Frequency="three times daily", Duration="7 days", Quantity="21 capsules")
    main.get_by_role("button", name="Add another medication").click()
    _fill_line(doctor, 2, Medicine="Paracetamol", Strength="500 mg",
               Frequency="every 6 hours if needed", Duration="5 days")
    main.get_by_role("button", name="Issue prescription").click()
    expect(main.get_by_role("alert")).to_contain_text("Medication 2, quantity: this is required")
    _fill_line(doctor, 2, Quantity="20 tablets")
    main.get_by_role("button", name="Issue prescription").click()
    card = main.locator(".prescription")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Amoxicillin 500 mg")
    expect(card).to_contain_text("Paracetamol 500 mg")
    expect(card.locator(".prescription-status")).to_have_text("active")
    screenshot(doctor, "notes-editor")

    main.get_by_role("button", name="Sign notes").click()
    doctor.get_by_role("alertdialog").get_by_role("button", name="Sign").click()
    expect(main.get_by_text("Signed by Dr. Lucas Meyer")).to_be_visible()
    expect(main.get_by_label("Subjective", exact=True)).to_have_count(0)  # locked
    _ready_field(main, "New addendum").fill("Throat swab positive")
    main.get_by_role("button", name="Add addendum").click()
    expect(main.locator(".addendum")).to_contain_text("Throat swab positive")


def _patient_downloads(patient, appt_id: int) -> str:
    sign_in(patient, PATIENT_EMAIL)
    patient.get_by_role("banner").get_by_role("link", name="Prescriptions").click()
    wait_ready(patient)
    card = patient.locator(".prescription")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Amoxicillin 500 mg")
    expect(card).to_contain_text("Dr. Lucas Meyer")
    screenshot(patient, "patient-prescriptions")
    with patient.expect_download() as download_info:
        card.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = pypdf.PdfReader(io.BytesIO(open(download.path(), "rb").read()))  # noqa: SIM115
    text = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Dr. Lucas Meyer", "Alice Patient", "Amoxicillin 500 mg",
                     "Paracetamol 500 mg", "20 tablets"):
        assert expected in text, expected
    [verify_url] = [a.get_object()["/A"]["/URI"] for a in reader.pages[0]["/Annots"]
                    if "/verify/" in a.get_object()["/A"]["/URI"]][:1]

    patient.goto(f"/appointments/{appt_id}/summary")
    wait_ready(patient)
    main = patient.get_by_role("main")
    expect(main).to_contain_text("Streptococcal pharyngitis")
    expect(main).to_contain_text("Throat swab positive")
    expect(main.locator(".prescription")).to_have_count(1)
    return verify_url


def test_doctor_notes_and_prescription_patient_downloads_and_checks(app_url, new_page):
    appt_id = book_through_api(app_url)["id"]
    _doctor_writes(new_page(viewport={"width": 1280, "height": 900}), appt_id)
    verify_url = _patient_downloads(new_page(viewport={"width": 1280, "height": 900}),
                                    appt_id)
    assert verify_url.startswith(app_url + "/verify/")

    pharmacy = new_page(viewport={"width": 390, "height": 844})  # not signed in
    pharmacy.goto(verify_url)
    wait_ready(pharmacy)
    main = pharmacy.get_by_role("main")
    expect(main.get_by_text("Genuine prescription")).to_be_visible()
    expect(main).to_contain_text("Dr. Lucas Meyer")
    expect(main).to_contain_text("Active")
    expect(main).to_contain_text("A.P.")
    assert "Amoxicillin" not in main.inner_text() and "Alice" not in main.inner_text()
    screenshot(pharmacy, "verify-genuine-phone")
    reference = verify_url.rsplit("/", 1)[-1]
    forged = reference[:-3] + ("AAA" if not reference.endswith("AAA") else "BBB")
    pharmacy.goto(f"/verify/{forged}")
    wait_ready(pharmacy)
    expect(main.get_by_text("Not genuine")).to_be_visible()
    expect(main).not_to_contain_text("Dr. Lucas Meyer")


def test_phone_and_dark_mode_screenshots(app_url, new_page):
    """The editor and the patient list fit a phone and read in dark mode (look at the PNGs
    with ODCP_SCREENSHOTS=1); the assertions guard against sideways scrolling."""
    appt_id = book_through_api(app_url)["id"]
    phone = {"viewport": {"width": 390, "height": 844}, "color_scheme": "dark"}
    doctor = new_page(**phone)
    sign_in(doctor, DOCTOR_EMAIL)
    doctor.goto(f"/doctor/appointments/{appt_id}/notes")
    wait_ready(doctor)
    _ready_field(doctor.get_by_role("main"), "Subjective").fill("Headache")
    expect(doctor.locator(".save-status")).to_contain_text("Saved at")
    screenshot(doctor, "notes-editor-phone-dark")
    assert doctor.evaluate("document.documentElement.scrollWidth") <= 390
    patient = new_page(**phone)
    sign_in(patient, PATIENT_EMAIL)
    patient.goto("/prescriptions")
    wait_ready(patient)
    screenshot(patient, "patient-prescriptions-phone-dark")
    assert patient.evaluate("document.documentElement.scrollWidth") <= 390
