"""A patient looking for a doctor: type, filter, share the link, open a doctor's page.

Runs against the seeded demo clinic: two cardiologists (Lucas Meyer, who speaks German,
and Omar Haddad), six other doctors.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import wait_ready

CARDIOLOGISTS = {"Dr. Lucas Meyer", "Dr. Omar Haddad"}


def _open_search(page, path: str = "/doctors"):
    page.goto(path)
    wait_ready(page)
    cards = page.locator(".doctor-card")
    expect(cards.first).to_be_visible()
    return cards


def _card_names(cards) -> set[str]:
    return set(cards.get_by_role("heading", level=2).all_inner_texts())


def _mark_document(page) -> None:
    """A flag that only survives if the page is never reloaded."""
    page.evaluate("window.__same_document = true")


def _same_document(page) -> bool:
    return page.evaluate("window.__same_document === true")


def test_typing_narrows_results_without_reload_and_the_url_keeps_it(page):
    cards = _open_search(page)
    assert cards.count() >= 8
    _mark_document(page)
    search = page.get_by_label("Search doctors", exact=True)
    search.press_sequentially("cardio", delay=60)
    expect(cards).to_have_count(2)
    assert _card_names(cards) == CARDIOLOGISTS
    assert set(cards.locator(".rt-Badge").all_inner_texts()) == {"Cardiology"}
    expect(page.get_by_role("status")).to_have_text("2 doctors found")
    page.wait_for_url(re.compile(r"/doctors\?q=cardio$"))
    assert _same_document(page), "the page reloaded while typing"

    page.reload()
    wait_ready(page)
    expect(page.get_by_label("Search doctors", exact=True)).to_have_value("cardio")
    expect(cards).to_have_count(2)
    assert _card_names(cards) == CARDIOLOGISTS
    assert page.console_errors == []


def test_language_filter_and_a_copied_link(page, new_page):
    cards = _open_search(page)
    _mark_document(page)
    page.get_by_role("combobox", name="Language").click()
    page.get_by_role("option", name="German").click()
    expect(cards).to_have_count(1)
    assert _card_names(cards) == {"Dr. Lucas Meyer"}
    page.wait_for_url(re.compile(r"/doctors\?language=de$"))
    assert _same_document(page)

    page.get_by_role("combobox", name="Consultation").click()
    page.get_by_role("option", name="Audio", exact=True).click()
    expect(page.get_by_text("No doctors match your search")).to_be_visible()
    expect(cards).to_have_count(0)
    page.wait_for_url(re.compile(r"language=de&mode=audio"))
    link = page.url
    page.get_by_role("button", name="Clear search and filters").first.click()
    expect(cards).to_have_count(8)
    page.wait_for_url(re.compile(r"/doctors$"))

    # Someone else opens the copied link and sees the same (empty) search and filters.
    other = new_page(viewport={"width": 1280, "height": 900})
    other.goto(link)
    wait_ready(other)
    expect(other.get_by_text("No doctors match your search")).to_be_visible()
    expect(other.get_by_role("combobox", name="Language")).to_have_text("German")
    expect(other.get_by_role("combobox", name="Consultation")).to_have_text("Audio")
    assert page.console_errors == [] and other.console_errors == []


def test_specialty_from_the_landing_page_combines_with_text(page):
    cards = _open_search(page, "/doctors?specialty=dermatology")
    expect(cards).to_have_count(2)
    page.get_by_label("Search doctors", exact=True).press_sequentially("ecz", delay=60)
    expect(cards).to_have_count(2)  # both dermatologists treat eczema
    page.get_by_label("Search doctors", exact=True).fill("rossi")
    expect(cards).to_have_count(1)
    assert _card_names(cards) == {"Dr. Elena Rossi"}
    page.wait_for_url(re.compile(r"/doctors\?q=rossi&specialty=dermatology$"))
    assert page.console_errors == []


def test_open_a_doctors_page_and_go_back_to_the_results(page):
    cards = _open_search(page, "/doctors?q=cardio")
    expect(cards).to_have_count(2)
    cards.get_by_role("link", name="Dr. Omar Haddad", exact=True).click()
    page.wait_for_url(re.compile(r"/doctors/\d+$"))
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Dr. Omar Haddad")
    expect(main.get_by_text("Cardiology", exact=True).first).to_be_visible()
    expect(main.get_by_role("heading", name="Consultation fees")).to_be_visible()
    expect(main.get_by_text("USD 85.00").first).to_be_visible()
    expect(main.get_by_text("English, Arabic")).to_be_visible()
    expect(main.get_by_text("Chest pain")).to_be_visible()
    expect(main.get_by_text("Registration no.")).to_be_visible()
    expect(main.get_by_text("America/New York")).to_be_visible()
    expect(main).not_to_contain_text("@doctors.example")
    expect(page).to_have_title(re.compile(r"^Dr\. Omar Haddad"))

    main.get_by_role("link", name="Back to results").click()
    page.wait_for_url(re.compile(r"/doctors\?q=cardio$"))
    expect(cards).to_have_count(2)
    expect(page.get_by_label("Search doctors", exact=True)).to_have_value("cardio")
    assert page.console_errors == []


def test_unknown_doctor_says_so(page):
    page.goto("/doctors/999999")
    wait_ready(page)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Doctor not found")
    expect(main.get_by_role("link", name="Find a doctor")).to_have_attribute("href",
                                                                            "/doctors")
    assert page.console_errors == []


def test_phone_folds_filters_behind_a_button(new_page):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    cards = _open_search(page)
    language = page.get_by_role("combobox", name="Language")
    expect(language).to_be_hidden()
    page.get_by_role("button", name="Filters").click()
    expect(language).to_be_visible()
    language.click()
    page.get_by_role("option", name="Arabic").click()
    expect(cards).to_have_count(1)
    assert _card_names(cards) == {"Dr. Omar Haddad"}
    expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"/doctors is {width}px wide on a 390px phone"
    assert page.console_errors == []


def test_fee_limit_and_sort_by_lowest_fee(page):
    cards = _open_search(page)
    page.get_by_label("Fee up to", exact=True).fill("40")
    expect(cards).to_have_count(3)
    page.get_by_role("combobox", name="Sort by").click()
    page.get_by_role("option", name="Lowest fee").click()
    expect(cards.get_by_role("heading", level=2)).to_have_text(
        ["Dr. Priya Raman", "Dr. Mei Chen", "Dr. Amara Okafor"])
    page.wait_for_url(re.compile(r"/doctors\?fee_max=40&sort=fee_low$"))
    assert page.console_errors == []


def test_an_old_specialty_link_still_shows_doctors(page):
    cards = _open_search(page, "/doctors?specialty=astrology")
    expect(page.get_by_text("That specialty is no longer listed")).to_be_visible()
    expect(cards).to_have_count(8)
    page.wait_for_url(re.compile(r"/doctors$"))
    assert page.console_errors == []
