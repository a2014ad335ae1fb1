"""An administrator finds appointments with the filters, gives one to another doctor free
at that time, cancels another with a reason, and changes the clinic policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    labelled,
    path_is,
    screenshot,
    sign_in,
    wait_ready,
)


def _book(client: httpx.Client, email: str, doctor_id: int, days: int) -> None:
    token = client.post("/api/v1/auth/login", json={
        "email": email, "password": DEMO_PASSWORD}).json()["access_token"]
    now = datetime.now(UTC)
    free = client.get("/api/v1/slots", params={
        "doctor_id": doctor_id, "start": (now + timedelta(days=days)).isoformat(),
        "end": (now + timedelta(days=days + 5)).isoformat()}).json()
    booked = client.post("/api/v1/appointments", json={
        "doctor_id": doctor_id, "starts_at": free[0]["starts_at"], "mode": "video"},
        headers={"Authorization": f"Bearer {token}"})
    assert booked.status_code == 201, booked.text


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()


def test_admin_filters_reassigns_and_cancels(app_url, page):
    with httpx.Client(base_url=app_url, timeout=20) as client:
        _book(client, "carlos@patients.example", 2, days=2)  # Dr. Lucas Meyer, Berlin
        _book(client, "alice@patients.example", 1, days=3)  # Dr. Amara Okafor, New York
    sign_in(page, ADMIN_EMAIL)
    page.get_by_role("banner").get_by_role("link", name="Appointments").click()
    page.wait_for_url(path_is("/admin/appointments"))
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_text("UTC", exact=True)).to_be_visible()  # the admin's zone, named
    rows = main.locator("tr.admin-appointment")
    expect(rows).to_have_count(2)

    labelled(main, "Patient").fill("carlos")
    main.get_by_role("button", name="Search", exact=True).click()
    expect(rows).to_have_count(1)
    carlos = rows.first
    expect(carlos).to_contain_text("Carlos Patient")
    expect(carlos).to_contain_text("Dr. Lucas Meyer")
    carlos.get_by_role("button", name="Reassign").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Give to another doctor")).to_be_visible()
    # Dr. Elena Rossi (Rome) keeps the same hours as Dr. Meyer (Berlin), so she is free.
    _choose(page, "New doctor", "Dr. Elena Rossi · Dermatology")
    dialog.get_by_label("Reason", exact=True).fill("Dr. Meyer is at a conference")
    dialog.get_by_role("button", name="Reassign", exact=True).click()
    expect(page.get_by_text("Carlos Patient's appointment is now with Dr. Elena Rossi."))\
        .to_be_visible()
    expect(dialog).to_have_count(0)
    expect(carlos).to_contain_text("Dr. Elena Rossi")

    main.get_by_role("button", name="Clear filters").click()
    expect(rows).to_have_count(2)
    _choose(page, "Doctor", "Dr. Amara Okafor")
    expect(rows).to_have_count(1)
    alice = rows.first
    expect(alice).to_contain_text("Alice Patient")
    alice.get_by_role("button", name="Cancel").click()
    dialog.get_by_label("Reason the patient will see").fill("The clinic is closed that day")
    dialog.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_text("Cancelled Alice Patient's appointment")).to_be_visible()
    expect(alice.get_by_text("Cancelled", exact=True).filter(visible=True)).to_be_visible()
    expect(alice.get_by_role("button", name="Cancel")).to_have_count(0)
    main.get_by_role("button", name="Clear filters").click()
    _choose(page, "Status", "Cancelled")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alice Patient")
    screenshot(page, "admin-appointments")
    assert page.console_errors == []


def test_admin_changes_the_clinic_policy(app_url, page):
    sign_in(page, ADMIN_EMAIL)
    page.get_by_role("banner").get_by_role("link", name="Clinic policy").click()
    page.wait_for_url(path_is("/admin/policy"))
    wait_ready(page)
    main = page.get_by_role("main")
    cutoff = labelled(main, "Cancellation cut-off (hours)")
    expect(cutoff).to_have_value("24")
    expect(main.get_by_text("Clinic defaults, never changed.")).to_be_visible()

    # A combination that would leave nothing bookable is refused with the reason.
    labelled(main, "Booking horizon (days)").fill("1")
    labelled(main, "Minimum notice (minutes)").fill("1440")
    main.get_by_role("button", name="Save policy").click()
    expect(main.get_by_role("alert")).to_contain_text("shorter than the booking horizon")

    labelled(main, "Booking horizon (days)").fill("90")
    labelled(main, "Minimum notice (minutes)").fill("120")
    cutoff.fill("48")
    main.get_by_text("Bookings need approval").click()
    main.get_by_text("Share signed notes with the patient").click()  # on by default
    main.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("Clinic policy saved")).to_be_visible()
    expect(main.get_by_text("by Clinic Admin.")).to_be_visible()

    page.reload()
    wait_ready(page)
    expect(labelled(main, "Cancellation cut-off (hours)")).to_have_value("48")
    expect(labelled(main, "Booking horizon (days)")).to_have_value("90")
    expect(main.locator("#requires_approval")).to_be_checked()
    expect(main.locator("#share_notes_with_patient")).not_to_be_checked()
    public = httpx.get(f"{app_url}/api/v1/clinic-policy", timeout=20).json()
    assert (public["cancel_cutoff_hours"], public["booking_horizon_days"],
            public["min_notice_minutes"], public["requires_approval"],
            public["share_notes_with_patient"]) == (48, 90, 120, True, False)
    screenshot(page, "admin-policy")
    assert page.console_errors == []


def test_admin_header_never_overflows(new_page):
    """With every admin link the header fits from a phone to a desktop: below 1024 px the
    menu button takes over, from 1024 px the links show and still fit."""
    for width, menu in ((390, True), (820, True), (1023, True), (1024, False), (1280, False)):
        page = new_page(viewport={"width": width, "height": 800})
        sign_in(page, ADMIN_EMAIL)
        header = page.get_by_role("banner")
        button = header.get_by_role("button", name="Open menu")
        link = header.get_by_role("link", name="Clinic policy")
        if menu:
            expect(button).to_be_visible()
            expect(link).to_be_hidden()
        else:
            expect(link).to_be_visible()
            expect(button).to_be_hidden()
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"the page is {overflow}px wide in a {width}px window"
        if menu:
            button.click()
            expect(page.get_by_role("menuitem", name="Appointments")).to_be_visible()
            page.keyboard.press("Escape")
