"""A doctor sees a booking in the right day column of their week, gets the booking mail,
creates the private feed URL, copies it, and the URL serves the event to a calendar app;
at phone width the week is a list per day."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import icalendar
from playwright.sync_api import expect

from tests.e2e.conftest import (
    book_through_api,
    path_is,
    screenshot,
    sign_in,
    wait_ready,
)

DOCTOR_EMAIL, BERLIN = "lucas.meyer@doctors.example", ZoneInfo("Europe/Berlin")


def _step_to_week_of(page, day: date) -> None:
    """Press "Next week" until the week holding `day` (Berlin) is shown."""
    today = datetime.now(BERLIN).date()
    weeks = ((day - timedelta(days=day.weekday()))
             - (today - timedelta(days=today.weekday()))).days // 7
    for _ in range(weeks):
        label = page.locator("main h2").first.inner_text()
        page.get_by_role("button", name="Next week").click()
        expect(page.locator("main h2").first).not_to_have_text(label)


def test_doctor_week_calendar_and_feed(app_url, new_page, mailbox):
    # Alice with Dr. Lucas Meyer, Europe/Berlin
    starts = datetime.fromisoformat(book_through_api(app_url)["starts_at"])
    local = starts.astimezone(BERLIN)
    mail = mailbox.wait_for(DOCTOR_EMAIL, "New appointment: Alice Patient")
    assert f"{local:%H:%M}" in mail.get_body(preferencelist=("plain",)).get_content()
    mailbox.wait_for("alice@patients.example", "Appointment confirmed")

    doctor = new_page(viewport={"width": 1280, "height": 900},
                      permissions=["clipboard-read", "clipboard-write"])
    sign_in(doctor, DOCTOR_EMAIL)
    doctor.get_by_role("banner").get_by_role("link", name="Calendar").click()
    wait_ready(doctor)
    _step_to_week_of(doctor, local.date())
    expect(doctor.get_by_text("Europe/Berlin", exact=True)).to_be_visible()
    column = doctor.locator(f'.calendar-day[data-day="{local:%A} {local.day} {local:%B}"]')
    block = column.locator(".calendar-block").filter(has_text="Alice Patient")
    expect(block).to_have_count(1)
    expect(block).to_contain_text(f"{local:%H:%M}")
    expect(block).to_contain_text("video")
    expect(doctor.locator(".calendar-grid .calendar-block").filter(has_text="Alice Patient")
           ).to_have_count(1)  # in that column and nowhere else
    screenshot(doctor, "doctor-calendar-week")

    doctor.get_by_role("button", name="Create feed URL").click()
    url_box = doctor.get_by_label("Your feed URL (shown only once: copy it now)")
    expect(url_box).to_be_visible()
    url = url_box.input_value()
    assert url.startswith(f"{app_url}/api/v1/calendar/feeds/") and url.endswith(".ics")
    doctor.get_by_role("button", name="Copy").click()
    expect(doctor.get_by_text("Copied to the clipboard.")).to_be_visible()
    assert doctor.evaluate("navigator.clipboard.readText()") == url
    expect(doctor.get_by_text("Your feed is on since")).to_be_visible()
    screenshot(doctor, "doctor-calendar-feed")

    feed = httpx.get(url, timeout=20)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(feed.text).walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [starts]
    assert str(events[0]["SUMMARY"]) == "Video consultation · A. P."

    doctor.reload()
    wait_ready(doctor)
    expect(doctor.get_by_text("Your feed is on since")).to_be_visible()
    expect(doctor.locator("#feed-url")).to_have_count(0)  # shown once only

    # Cancelling from the agenda (a page event, mailed by the app's background sender)
    # tells Alice, and the feed then marks the event cancelled.
    doctor.get_by_role("banner").get_by_role("link", name="Agenda").click()
    wait_ready(doctor)
    doctor.locator(".agenda-item").filter(has_text="Alice Patient").get_by_role(
        "button", name="Cancel").click()
    dialog = doctor.get_by_role("dialog")
    dialog.get_by_label("Reason the patient will see").fill("Called to the ward")
    dialog.get_by_role("button", name="Cancel appointment").click()
    cancelled = mailbox.wait_for("alice@patients.example", "Appointment cancelled")
    assert "Reason: Called to the ward" in cancelled.get_body(
        preferencelist=("plain",)).get_content()
    [event] = icalendar.Calendar.from_ical(httpx.get(url, timeout=20).text).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"

    phone = new_page(viewport={"width": 390, "height": 844})
    sign_in(phone, DOCTOR_EMAIL)
    phone.get_by_role("button", name="Open menu").click()
    phone.get_by_role("menuitem", name="Calendar").click()
    phone.wait_for_url(path_is("/doctor/calendar"))
    expect(phone.get_by_role("menu")).to_have_count(0)  # closed again after navigating
    wait_ready(phone)
    _step_to_week_of(phone, local.date())
    day = phone.locator(".calendar-list-day").filter(
        has=phone.get_by_role("heading", name=f"{local:%A} {local.day} {local:%B}"))
    expect(day).to_contain_text("Alice Patient")
    expect(day).to_contain_text("cancelled")
    expect(phone.locator(".calendar-grid")).to_be_hidden()
    screenshot(phone, "doctor-calendar-phone")
