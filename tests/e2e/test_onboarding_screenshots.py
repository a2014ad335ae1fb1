"""Screenshots of the onboarding and verification pages (light, dark, phone) for a human to
look at: run with ODCP_SCREENSHOTS=1. Each page is also checked for horizontal overflow."""

from __future__ import annotations

import os
import uuid

import httpx
import pytest

from tests.doctor_helpers import PDF
from tests.e2e.conftest import ADMIN_EMAIL, screenshot, sign_in, wait_ready
from tests.e2e.test_onboarding import PASSWORD
from tests.e2e.test_screenshots import MODES

pytestmark = pytest.mark.skipif(os.environ.get("ODCP_SCREENSHOTS") != "1",
                                reason="set ODCP_SCREENSHOTS=1 to save screenshots")


def _fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{what} is {width}px wide"


def _shoot(page, name: str) -> None:
    page.wait_for_timeout(500)
    screenshot(page, name)
    _fits(page, name)


def _register(page, mailbox, email: str, name: str) -> None:
    page.goto("/register")
    wait_ready(page)
    main = page.get_by_role("main")
    main.get_by_role("radio", name="I am a doctor").click()
    main.get_by_label("Full name", exact=True).fill(name)
    main.get_by_label("Email", exact=True).fill(email)
    main.get_by_label("Password", exact=True).fill(PASSWORD)
    main.get_by_label("Repeat password", exact=True).fill(PASSWORD)
    main.get_by_role("button", name="Create account").click()
    main.get_by_role("status").wait_for()
    page.goto(mailbox.link(mailbox.wait_for(email, "Confirm your email"), "/verify-email"))
    wait_ready(page)


def _submit_over_api(app_url: str, email: str) -> None:
    with httpx.Client(base_url=app_url, timeout=30) as client:
        token = client.post("/api/v1/auth/login",
                            json={"email": email, "password": PASSWORD}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        spec = client.get("/api/v1/specialties").json()[0]["id"]
        client.put("/api/v1/doctor/profile", headers=headers, json={
            "specialty_id": spec, "qualifications": "MBBS, MRCP", "licence_number": "GMC 1234",
            "years_experience": 7, "languages": ["en", "hi"], "modes": ["video", "chat"],
            "fees_by_mode": {"video": 4500, "chat": 2500}, "currency": "GBP",
            "bio": "GP with seven years of practice in urgent and family care in London.",
            "conditions_treated": "cough, fever, back pain", "timezone": "Europe/London",
        }).raise_for_status()
        client.post("/api/v1/doctor/profile/licence", headers=headers,
                    files={"file": ("licence.pdf", PDF, "application/pdf")}).raise_for_status()
        done = client.post("/api/v1/doctor/profile/submit", headers=headers)
        assert done.status_code == 200, done.text


@pytest.mark.parametrize("mode", list(MODES))
def test_onboarding_screenshots(new_page, mailbox, app_url, mode):
    page = new_page(**MODES[mode])
    page.goto("/register")
    wait_ready(page)
    _shoot(page, f"register-{mode}")

    email = f"shot-{uuid.uuid4().hex[:6]}@doctors.example"
    name = f"Dr. Shot {mode.title()}"
    _register(page, mailbox, email, name)
    sign_in(page, email, PASSWORD)
    page.goto("/doctor/profile")
    wait_ready(page)
    page.get_by_text("Draft: not submitted yet").wait_for()
    _shoot(page, f"doctor-profile-draft-{mode}")

    _submit_over_api(app_url, email)
    page.goto("/doctor/profile")
    wait_ready(page)
    page.get_by_text("Submitted: waiting for review").wait_for()
    _shoot(page, f"doctor-profile-submitted-{mode}")

    admin = new_page(**MODES[mode])
    sign_in(admin, ADMIN_EMAIL)
    admin.goto("/admin/verification")
    wait_ready(admin)
    admin.get_by_role("button", name=f"Review {name}").click()
    admin.locator("#verification-detail").wait_for()
    _shoot(admin, f"admin-verification-{mode}")
    admin.get_by_role("button", name="Reject…").click()
    admin.get_by_role("dialog").wait_for()
    _shoot(admin, f"admin-verification-reject-{mode}")
    admin.get_by_role("dialog").get_by_label("What should the doctor fix?").fill(
        "The licence scan is blurred; please upload a sharper copy.")
    admin.get_by_role("dialog").get_by_role("button", name="Send back").click()
    admin.get_by_role("dialog").wait_for(state="detached")

    page.goto("/doctor/profile")
    wait_ready(page)
    page.get_by_text("Changes needed").wait_for()
    _shoot(page, f"doctor-profile-rejected-{mode}")

    admin.goto("/admin/specialties")
    wait_ready(admin)
    admin.locator("tbody tr").first.wait_for()
    _shoot(admin, f"admin-specialties-{mode}")
    admin.get_by_role("button", name="Actions for Cardiology").click()
    admin.get_by_role("menuitem", name="Merge into…").click()
    admin.get_by_role("dialog").wait_for()
    _shoot(admin, f"admin-specialties-merge-{mode}")
