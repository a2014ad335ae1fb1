"""A new doctor registers, confirms the email, completes the profile with a licence PDF
and submits it; the admin approves it on /admin/verification; patients then find the
doctor on /doctors."""

from __future__ import annotations

import uuid
from pathlib import Path

from playwright.sync_api import expect

from tests.doctor_helpers import PDF
from tests.e2e.conftest import ADMIN_EMAIL, labelled, path_is, sign_in, wait_ready

PASSWORD = "a long enough pass phrase"
NAME = "Dr. Aaron Abbott"


def _register_as_doctor(page, mailbox, email: str) -> None:
    page.goto("/register")
    wait_ready(page)
    main = page.get_by_role("main")
    main.get_by_role("radio", name="I am a doctor").click()
    labelled(main, "Full name").fill(NAME)
    labelled(main, "Email").fill(email)
    labelled(main, "Password").fill(PASSWORD)
    labelled(main, "Repeat password").fill(PASSWORD)
    main.get_by_role("button", name="Create account").click()
    expect(main.get_by_role("status")).to_contain_text("complete your doctor profile")
    page.goto(mailbox.link(mailbox.wait_for(email, "Confirm your email"), "/verify-email"))
    wait_ready(page)
    expect(main.get_by_role("status")).to_contain_text("confirmed")


def _fill_and_submit_profile(page) -> None:
    page.get_by_role("banner").get_by_role("link", name="My profile").click()
    page.wait_for_url(path_is("/doctor/profile"))
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_text("Draft: not submitted yet")).to_be_visible()
    expect(main.locator("#missing-items")).to_contain_text("a copy of your licence")

    labelled(main, "Main specialty").select_option(label="Cardiology")
    labelled(main, "Qualifications").fill("MBBS, MD (Cardiology)")
    labelled(main, "Licence (registration) number").fill("IMC-440123")
    labelled(main, "Years of experience").fill("11")
    main.get_by_role("checkbox", name="Video", exact=True).click()
    labelled(main, "Video fee").fill("10")
    labelled(main, "Currency").select_option("EUR")
    labelled(main, "Time zone").fill("Europe/Dublin")
    main.get_by_role("checkbox", name="English", exact=True).click()
    labelled(main, "Bio").fill("Cardiologist caring for adults with palpitations, chest pain "
                               "and high blood pressure.")
    labelled(main, "Conditions treated").fill("palpitations, hypertension")

    # Uploading the licence keeps what was typed but not yet saved.
    page.locator("#licence-upload input[type=file]").set_input_files(files=[
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf"}])
    expect(page.get_by_text("Upload the licence as a PDF, PNG or JPEG file.")).to_be_visible()
    page.locator("#licence-upload input[type=file]").set_input_files(files=[
        {"name": "licence.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    expect(main.locator("#licence-current")).to_contain_text("licence.pdf")
    expect(labelled(main, "Licence (registration) number")).to_have_value("IMC-440123")

    main.get_by_role("button", name="Save and submit for verification").click()
    expect(main.get_by_text("Submitted: waiting for review")).to_be_visible()
    expect(main.locator("#missing-items")).to_have_count(0)
    expect(labelled(main, "Video fee")).to_have_value("10.00")


def _admin_approves(page, mailbox, email: str) -> None:
    sign_in(page, ADMIN_EMAIL)
    page.get_by_role("banner").get_by_role("link", name="Verification").click()
    page.wait_for_url(path_is("/admin/verification"))
    wait_ready(page)
    main = page.get_by_role("main")
    main.get_by_role("button", name=f"Review {NAME}").click()
    detail = main.locator("#verification-detail")
    expect(detail).to_contain_text("IMC-440123")
    expect(detail).to_contain_text("Cardiology")
    with page.expect_download() as download:
        detail.get_by_role("button", name="Download licence").click()
    assert download.value.suggested_filename == "licence.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    detail.get_by_role("button", name="Approve…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Approve only after checking the licence document")
    dialog.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text(f"{NAME} is verified and now listed for patients.")).to_be_visible()
    expect(main.get_by_role("button", name=f"Review {NAME}")).to_have_count(0)
    mailbox.wait_for(email, "Your doctor profile is approved")


def test_new_doctor_is_listed_after_the_admin_approves(new_page, mailbox):
    email = f"e2e-{uuid.uuid4().hex[:8]}@doctors.example"
    page = new_page(viewport={"width": 1280, "height": 900}, timezone_id="Europe/Dublin")
    _register_as_doctor(page, mailbox, email)
    sign_in(page, email, PASSWORD)
    _fill_and_submit_profile(page)
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_url(path_is("/"))

    page.goto("/doctors")
    wait_ready(page)
    expect(page.get_by_role("main").get_by_text("Dr. Amara Okafor").first).to_be_visible()
    expect(page.get_by_role("main").get_by_text(NAME)).to_have_count(0)

    admin = new_page(viewport={"width": 1280, "height": 900})
    _admin_approves(admin, mailbox, email)

    page.goto("/doctors")
    wait_ready(page)
    expect(page.get_by_role("main").get_by_text(NAME).first).to_be_visible()
    assert page.console_errors == [] and admin.console_errors == []
