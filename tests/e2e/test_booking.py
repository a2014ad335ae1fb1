"""A patient books, reschedules and cancels a consultation in the browser."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, labelled, sign_in, wait_ready


def test_book_reschedule_and_cancel(page):
    sign_in(page, "dana@patients.example")
    page.goto("/book?doctor=1")
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_text("Dr. Amara Okafor")).to_be_visible()
    expect(main.get_by_text("Asia/Kolkata", exact=True)).to_be_visible()  # Dana's zone
    # next week: well past the clinic's 24-hour cut-off for moving or cancelling
    main.get_by_role("button", name="Later").click()
    expect(main.get_by_role("button", name="Earlier")).to_be_enabled()  # next week shown
    slots = main.locator("button.slot")
    expect(slots.first).to_be_visible()
    first_time = slots.nth(0).inner_text()
    slots.nth(0).click()
    expect(main.get_by_text("You chose")).to_contain_text(first_time)
    main.locator("#reason").fill("Persistent cough for two weeks")
    main.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url("**/appointments")
    wait_ready(page)
    cards = main.locator(".appointment")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Dr. Amara Okafor")
    expect(cards.first).to_contain_text("confirmed")

    cards.first.get_by_role("button", name="Reschedule").click()
    page.wait_for_url("**/book?doctor=1&reschedule=*")
    wait_ready(page)
    expect(main.get_by_role("heading", name="Choose a new time")).to_be_visible()
    main.get_by_role("button", name="Later").click()
    expect(main.get_by_role("button", name="Earlier")).to_be_enabled()
    expect(main.locator("button.slot").first).to_be_visible()
    main.locator("button.slot").nth(2).click()
    main.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url("**/appointments")
    wait_ready(page)
    expect(main.get_by_text("Rescheduled")).to_be_visible()

    upcoming = main.locator(".appointment").first
    upcoming.get_by_role("button", name="Cancel").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_text("Your appointment is cancelled.")).to_be_visible()
    expect(main.get_by_text("Nothing booked yet.")).to_be_visible()
    assert page.console_errors == []


def test_a_slot_taken_elsewhere_disappears_from_an_open_booking_page(page, new_page):
    """Carlos has the doctor's times open while Alice books one: his page drops it at
    once, without a reload, and he cannot pick it."""
    watcher = new_page()
    sign_in(watcher, "carlos@patients.example")
    watcher.goto("/book?doctor=1")
    wait_ready(watcher)
    watcher_main = watcher.get_by_role("main")
    watcher_main.get_by_role("button", name="Later").click()
    expect(watcher_main.get_by_role("button", name="Earlier")).to_be_enabled()
    watcher_slots = watcher_main.locator("button.slot")
    expect(watcher_slots.first).to_be_visible()
    first_time = watcher_slots.nth(0).inner_text()
    watcher_slots.nth(0).click()  # Carlos is about to take the first time himself
    expect(watcher_main.get_by_text("You chose")).to_be_visible()

    sign_in(page, "alice@patients.example")
    page.goto("/book?doctor=1")
    wait_ready(page)
    main = page.get_by_role("main")
    main.get_by_role("button", name="Later").click()
    expect(main.get_by_role("button", name="Earlier")).to_be_enabled()
    expect(main.locator("button.slot").first).to_be_visible()
    main.locator("button.slot").nth(0).click()
    main.get_by_role("button", name="Confirm booking").click()
    page.wait_for_url("**/appointments")

    expect(watcher_main.get_by_text("The time you picked was just taken")).to_be_visible()
    expect(watcher_main.get_by_text("You chose")).to_have_count(0)
    expect(watcher_slots.first).not_to_have_text(first_time)
    assert watcher.console_errors == []


def test_a_visitor_who_signs_in_to_book_comes_back_to_that_doctor(page):
    page.goto("/book?doctor=1")  # e.g. "Book an appointment" on a doctor's public page
    expect(page).to_have_url(re.compile(r"/login\?next=/book"))
    wait_ready(page)
    form = page.get_by_role("main")
    labelled(form, "Email").fill("dana@patients.example")
    labelled(form, "Password").fill(DEMO_PASSWORD)
    form.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/book/?\?doctor=1$"), timeout=20_000)
    wait_ready(page)
    expect(page.get_by_role("main").get_by_text("Dr. Amara Okafor")).to_be_visible()
    assert page.console_errors == []
