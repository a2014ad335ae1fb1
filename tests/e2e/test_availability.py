"""A doctor edits their weekly hours and closes a date; the preview and the public slots
change with it, and a refused week shows why and saves nothing."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in, wait_ready

BERLIN = ZoneInfo("Europe/Berlin")  # Dr. Lucas Meyer, doctor 2: Mon-Fri and Saturday morning


def _public_slots(app_url: str, day) -> list[str]:
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    with httpx.Client(base_url=app_url, timeout=20) as client:
        found = client.get("/api/v1/slots", params={
            "doctor_id": 2, "start": start.isoformat(),
            "end": (start + timedelta(days=1)).isoformat()}).json()
    return [datetime.fromisoformat(s["starts_at"]).astimezone(BERLIN).strftime("%H:%M")
            for s in found]


def _next(*weekdays: int):
    """The first of `weekdays` after today in Berlin (within the preview's first days)."""
    day = datetime.now(BERLIN).date() + timedelta(days=1)
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


def test_doctor_edits_hours_and_closes_a_date(app_url, new_page):
    sunday, workday = _next(6), _next(0, 1, 2, 3, 4)
    assert _public_slots(app_url, sunday) == []
    page = new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, "lucas.meyer@doctors.example")
    page.get_by_role("banner").get_by_role("link", name="Availability").click()
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.locator("#zone")).to_have_text("Europe/Berlin")
    preview = main.locator("#slot-preview")
    expect(preview).to_be_visible()
    expect(preview.get_by_text("19:00", exact=True)).to_have_count(0)

    day = main.get_by_role("group", name="Sunday")
    expect(day.get_by_text("Closed")).to_be_visible()
    day.get_by_role("button", name="Add hours").click()
    window = day.locator(".window")
    expect(window).to_have_count(1)
    window.get_by_label("From").fill("19:00")
    window.get_by_label("Until").fill("20:00")
    expect(main.get_by_text("You have unsaved changes.")).to_be_visible()
    day.get_by_role("button", name="Add hours").click()  # starts where the first one ends
    expect(window).to_have_count(2)
    window.nth(1).get_by_label("From").fill("19:30")
    main.get_by_role("button", name="Save weekly hours").click()
    expect(main.get_by_role("alert")).to_contain_text("overlaps")
    assert _public_slots(app_url, sunday) == []  # refused: nothing saved
    window.nth(1).get_by_role("button", name="Remove window").click()
    expect(window).to_have_count(1)
    main.get_by_role("button", name="Save weekly hours").click()
    expect(main.get_by_text("Weekly hours saved.")).to_be_visible()
    expect(main.get_by_text("You have unsaved changes.")).to_have_count(0)
    expect(preview.get_by_text("19:00", exact=True)).to_have_count(1)
    assert _public_slots(app_url, sunday) == ["19:00", "19:30"]

    workday_label = workday.strftime("%a %d %b")
    expect(preview.get_by_text(workday_label, exact=True)).to_be_visible()
    assert len(_public_slots(app_url, workday)) == 14
    main.get_by_label("Date", exact=True).fill(workday.isoformat())
    main.get_by_role("button", name="Add override").click()
    expect(main.get_by_text(f"{workday.strftime('%a %d %b %Y')} is closed.")).to_be_visible()
    expect(main.locator(".override")).to_contain_text("Closed all day")
    expect(preview.get_by_text(workday_label, exact=True)).to_have_count(0)
    assert _public_slots(app_url, workday) == []
    screenshot(page, "availability-desktop")

    main.locator(".override").get_by_role("button", name="Remove override").click()
    expect(main.get_by_text("Override removed; the weekly hours apply again.")).to_be_visible()
    assert len(_public_slots(app_url, workday)) == 14

    phone = new_page(viewport={"width": 390, "height": 844}, color_scheme="dark")
    sign_in(phone, "lucas.meyer@doctors.example")
    phone.goto("/doctor/availability")
    wait_ready(phone)
    expect(phone.get_by_role("main").get_by_role("button", name="Save weekly hours")
           ).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "availability-phone-dark")
